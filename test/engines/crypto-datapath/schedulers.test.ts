/**
 * The two schedulers agree exactly: Σ count × makespan (each point operation list-scheduled once)
 * equals the cycle-by-cycle simulation of the whole trace, on every test datapath, for several
 * algorithms and scalars. Small hand-worked programs pin the scheduling rules themselves.
 */
import { describe, expect, it } from 'vitest';
import { analyticalPointOpCounts } from '../../../engines/crypto-datapath/analytical-counts.js';
import type { DatapathSpec } from '../../../engines/crypto-datapath/datapath.js';
import { listSchedule } from '../../../engines/crypto-datapath/list-schedule.js';
import { MicroprogramBuilder } from '../../../engines/crypto-datapath/microprogram.js';
import type { CryptoScalars, ScalarMulAlgorithm } from '../../../engines/crypto-datapath/plan.js';
import { P256_CURVE } from '../../../engines/crypto-datapath/curves.js';
import { POINT_OP_KINDS, zeroPointOpCounts } from '../../../engines/crypto-datapath/point-ops.js';
import { scalarSample } from '../../../engines/crypto-datapath/scalar-sample.js';
import { steppedCycles } from '../../../engines/crypto-datapath/stepped.js';
import { analyticalCycles, planOptionsOf, programsFor } from '../../../engines/crypto-datapath/timing.js';
import { pointOpTrace } from '../../../engines/crypto-datapath/trace.js';
import { TEST_DATAPATHS } from './datapaths.js';

const ALGORITHMS: readonly { algorithm: ScalarMulAlgorithm; knownKey: boolean; tables: boolean }[] = [
  { algorithm: { name: 'double-and-add' }, knownKey: false, tables: false },
  { algorithm: { name: 'wnaf', windowBits: 4 }, knownKey: false, tables: false },
  { algorithm: { name: 'wnaf', windowBits: 5 }, knownKey: true, tables: true },
  { algorithm: { name: 'wnaf', windowBits: 4, interleaved: true }, knownKey: false, tables: false },
  { algorithm: { name: 'comb', teeth: 4, variableBaseWindowBits: 4 }, knownKey: false, tables: true },
  { algorithm: { name: 'comb', teeth: 6, variableBaseWindowBits: 4 }, knownKey: true, tables: true },
  { algorithm: { name: 'shamir' }, knownKey: false, tables: false },
  { algorithm: { name: 'shamir' }, knownKey: true, tables: true },
];

const SCALARS: readonly CryptoScalars[] = [
  ...scalarSample(P256_CURVE, 'verify', 2, 9),
  ...scalarSample(P256_CURVE, 'sign', 1, 9),
];

const base: DatapathSpec = {
  clockGHz: 1,
  multipliers: { count: 1, latencyCycles: 3, initiationIntervalCycles: 1 },
  adders: { count: 2, latencyCycles: 1 },
  registerFile: { readPorts: 4, writePorts: 2 },
};

describe('analytical and stepped schedulers', () => {
  for (const [name, datapath] of Object.entries(TEST_DATAPATHS)) {
    it(`agree exactly on ${name}`, () => {
      let compared = 0;
      for (const { algorithm, knownKey, tables } of ALGORITHMS) {
        if (tables && datapath.tableMemory === undefined) continue;
        const request = { scheme: 'p256' as const, algorithm, datapath, knownKey };
        for (const scalars of SCALARS) {
          const trace = pointOpTrace(scalars, planOptionsOf(request));
          const analytical = analyticalCycles(scalars, request);
          expect(steppedCycles(trace, programsFor('p256', datapath), datapath)).toBe(analytical);
          // The trace is the analytical counts' sequence: same histogram.
          const histogram = zeroPointOpCounts();
          for (const kind of trace) histogram[kind]++;
          expect(histogram).toEqual(analyticalPointOpCounts(scalars, planOptionsOf(request)));
          compared++;
        }
      }
      expect(compared).toBeGreaterThanOrEqual(9);
    });
  }
});

describe('list scheduling rules on hand-worked programs', () => {
  const threeMuls = () => {
    const m = new MicroprogramBuilder('threeMuls', ['a', 'b']);
    return m.build([m.mul(m.input(0), m.input(1)), m.mul(m.input(0), m.input(0)), m.mul(m.input(1), m.input(1))]);
  };
  it('a pipelined multiplier issues every cycle; an unpipelined one every latency', () => {
    expect(listSchedule(threeMuls(), base).issueCycle).toEqual([0, 1, 2]);
    expect(listSchedule(threeMuls(), base).makespanCycles).toBe(5);
    const unpipelined = { ...base, multipliers: { count: 1, latencyCycles: 3, initiationIntervalCycles: 3 } };
    expect(listSchedule(threeMuls(), unpipelined).makespanCycles).toBe(9);
    const three = {
      ...base,
      registerFile: { readPorts: 6, writePorts: 3 },
      multipliers: { ...base.multipliers, count: 3 },
    };
    expect(listSchedule(threeMuls(), three).makespanCycles).toBe(3);
  });

  // n0 = a·b, n1 = a + b, n2 = n1 + a. With 4-cycle multipliers and 2-cycle adders, n2 issued in
  // cycle 2 would write in cycle 4, as n0 does.
  const mixed = () => {
    const m = new MicroprogramBuilder('mixed', ['a', 'b']);
    const n0 = m.mul(m.input(0), m.input(1));
    const n1 = m.add(m.input(0), m.input(1));
    return m.build([n0, m.add(n1, m.input(0))]);
  };
  it('an op waits for a free write port in its completion cycle, and for read ports', () => {
    expect(listSchedule(mixed(), base).issueCycle).toEqual([0, 0, 1]);
    const slow = {
      ...base,
      multipliers: { count: 1, latencyCycles: 4, initiationIntervalCycles: 1 },
      adders: { count: 2, latencyCycles: 2 },
    };
    expect(listSchedule(mixed(), slow).issueCycle).toEqual([0, 0, 2]);
    const oneWrite = { ...slow, registerFile: { readPorts: 4, writePorts: 1 } };
    expect(listSchedule(mixed(), oneWrite).issueCycle).toEqual([0, 0, 3]);
    expect(listSchedule(mixed(), oneWrite).makespanCycles).toBe(5);
    const twoReads = { ...base, registerFile: { readPorts: 2, writePorts: 2 } };
    expect(listSchedule(mixed(), twoReads).issueCycle).toEqual([0, 1, 2]);
  });

  it('with unlimited resources a point operation takes its critical path', () => {
    const wide: DatapathSpec = {
      clockGHz: 1,
      multipliers: { count: 64, latencyCycles: 5, initiationIntervalCycles: 1 },
      adders: { count: 64, latencyCycles: 1 },
      registerFile: { readPorts: 256, writePorts: 128 },
    };
    const programs = P256_CURVE.microprograms('fermat');
    for (const kind of POINT_OP_KINDS.filter((k) => k !== 'tableRead' && programs[k].nodes.length > 0)) {
      const program = programs[kind];
      const finish: number[] = [];
      program.nodes.forEach((node, i) => {
        const start = Math.max(0, ...node.operands.map((o) => (o.kind === 'node' ? finish[o.index]! : 0)));
        finish[i] = start + (node.op === 'add' || node.op === 'sub' ? 1 : 5);
      });
      expect(listSchedule(program, wide).makespanCycles).toBe(Math.max(...finish));
    }
  });

  it('never beats the multiplier bound: ⌈multiplier ops / count⌉ issue slots', () => {
    const programs = P256_CURVE.microprograms('fermat');
    for (const datapath of Object.values(TEST_DATAPATHS)) {
      const { count, initiationIntervalCycles } = datapath.multipliers;
      for (const kind of ['double', 'add', 'madd'] as const) {
        const ops = programs[kind].nodes.filter(
          (n) => n.op === 'mul' || n.op === 'mulConst' || (n.op === 'sqr' && datapath.squarers === undefined),
        ).length;
        const bound = (Math.ceil(ops / count) - 1) * initiationIntervalCycles + datapath.multipliers.latencyCycles;
        expect(listSchedule(programs[kind], datapath).makespanCycles).toBeGreaterThanOrEqual(bound);
      }
    }
  });
});
