/**
 * The result API: deterministic, consistent units, fits the architecture file's pipeline spec, and
 * responds to the datapath the way the model says it should. The doc's example table is what the
 * code prints.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { architectureSchema, loadArchitecture, type PipelineSpec } from '../../../engines/architecture.js';
import { EXAMPLE_DATAPATHS, exampleTableMarkdown, unpadded } from '../../../engines/crypto-datapath/table.js';
import { type CryptoTimingRequest, deriveCryptoTiming } from '../../../engines/crypto-datapath/timing.js';
import { TEST_DATAPATHS } from './datapaths.js';

const datapath = EXAMPLE_DATAPATHS['B: 1 mul, pipelined (8 cycles)']!;
const comb = { name: 'comb', teeth: 6, variableBaseWindowBits: 5 } as const;
const request: CryptoTimingRequest = { scheme: 'p256', op: 'verify', algorithm: comb, datapath, knownKey: true };

describe('deriveCryptoTiming', () => {
  it('gives the same figures for the same request, in consistent units', () => {
    const timing = deriveCryptoTiming(request);
    expect(deriveCryptoTiming(request)).toEqual(timing);
    expect(timing.latencyNs).toBeCloseTo(timing.cyclesPerOp / datapath.clockGHz, 9);
    expect(timing.initiationIntervalNs).toBe(timing.latencyNs);
    expect(timing.opsPerSecPerEngine).toBeCloseTo(1e9 / timing.latencyNs, 6);
    // A different sample changes the mean a little, not the model.
    const other = deriveCryptoTiming({ ...request, sample: { count: 64, seed: 2 } });
    expect(other.cyclesPerOp).not.toBe(timing.cyclesPerOp);
    expect(Math.abs(other.cyclesPerOp / timing.cyclesPerOp - 1)).toBeLessThan(0.02);
  });

  it('fits the architecture file: a preset with derived verify figures still validates', () => {
    const known = deriveCryptoTiming(request);
    const generic = deriveCryptoTiming({ ...request, knownKey: false });
    const pipeline: PipelineSpec = { ...known.pipeline, lanes: 128, genericLatencyNs: generic.latencyNs };
    const preset = loadArchitecture('bpu-2019');
    const crypto = preset.engines.crypto!;
    const edited = {
      ...preset,
      engines: { ...preset.engines, crypto: { ...crypto, verify: { ...crypto.verify, p256: pipeline } } },
    };
    expect(architectureSchema.parse(edited).engines.crypto?.verify.p256?.latencyNs).toBe(known.latencyNs);
    expect(generic.latencyNs).toBeGreaterThan(known.latencyNs);
  });

  it('counts what double-and-add should: ~2 × 255 doublings and ~2 × 127 mixed adds', () => {
    const timing = deriveCryptoTiming({ ...request, algorithm: { name: 'double-and-add' } });
    expect(timing.pointOps.double).toBeGreaterThan(505);
    expect(timing.pointOps.double).toBeLessThanOrEqual(508);
    expect(timing.pointOps.madd).toBeGreaterThan(240);
    expect(timing.pointOps.madd).toBeLessThan(270);
    expect(timing.pointOps).toMatchObject({ add: 1, normalise: 1, tableRead: 0, addNeg: 0 });
    expect(timing.fieldOps.sqr).toBeCloseTo(3 * timing.pointOps.double + 255, 9);
  });

  it('reports the tables it needs and refuses a table memory that is too small or absent', () => {
    const timing = deriveCryptoTiming(request);
    expect(timing.resources).toMatchObject({ generatorTableBytes: 63 * 64, perKeyTableBytes: 63 * 64 });
    expect(timing.resources.tableBytes).toBe(2 * 63 * 64);
    const small = { ...datapath, tableMemory: { bytes: 4096, latencyCycles: 2 } };
    expect(() => deriveCryptoTiming({ ...request, datapath: small })).toThrow(/8064 bytes/);
    const none = EXAMPLE_DATAPATHS['A: 1 mul, not pipelined (36 cycles), no table']!;
    expect(() => deriveCryptoTiming({ ...request, datapath: none })).toThrow(/table memory/);
  });

  it('an inverter replaces the Fermat chain (255 sqr + 13 mul) by one inv', () => {
    const d = EXAMPLE_DATAPATHS['D: 4 mul, pipelined (8 cycles)']!;
    const e = EXAMPLE_DATAPATHS['E: as D + inverter (256 cycles)']!;
    const fermat = deriveCryptoTiming({ ...request, datapath: d });
    const unit = deriveCryptoTiming({ ...request, datapath: e });
    expect(unit.fieldOps.inv).toBe(1);
    expect(fermat.fieldOps.sqr - unit.fieldOps.sqr).toBeCloseTo(255, 9);
    expect(fermat.fieldOps.mul - unit.fieldOps.mul).toBeCloseTo(13, 9);
    expect(unit.makespanCycles.normalise).toBe(256 + 8);
  });

  it('more multipliers never make an operation slower; known keys and Shamir help', () => {
    for (const algorithm of [{ name: 'double-and-add' }, { name: 'shamir' }, comb] as const) {
      let previous = Number.POSITIVE_INFINITY;
      for (const count of [1, 2, 4]) {
        const wide = { ...datapath, multipliers: { ...datapath.multipliers, count } };
        const cycles = deriveCryptoTiming({ ...request, algorithm, datapath: wide }).cyclesPerOp;
        expect(cycles).toBeLessThanOrEqual(previous);
        previous = cycles;
      }
    }
    const verify = (algorithm: CryptoTimingRequest['algorithm'], knownKey = false) =>
      deriveCryptoTiming({ ...request, algorithm, knownKey }).cyclesPerOp;
    expect(verify({ name: 'shamir' })).toBeLessThan(verify({ name: 'double-and-add' }));
    expect(verify(comb, true)).toBeLessThan(verify(comb, false));
    expect(verify({ name: 'wnaf', windowBits: 5 })).toBeLessThan(verify({ name: 'double-and-add' }));
  });

  it('rejects datapaths the model cannot schedule, naming the field', () => {
    const slow = { ...datapath, multipliers: { count: 1, latencyCycles: 4, initiationIntervalCycles: 5 } };
    expect(() => deriveCryptoTiming({ ...request, datapath: slow })).toThrow(/multipliers.*initiationIntervalCycles/);
    const ports = { ...datapath, registerFile: { readPorts: 1, writePorts: 1 } };
    expect(() => deriveCryptoTiming({ ...request, datapath: ports })).toThrow(/readPorts/);
    const squarers = {
      ...TEST_DATAPATHS.fourMultipliersSquarerInverter!,
      squarers: { count: 0, latencyCycles: 1, initiationIntervalCycles: 1 },
    };
    expect(() => deriveCryptoTiming({ ...request, datapath: squarers })).toThrow(/squarers.count/);
  });

  it('rejects algorithm parameters and samples outside the model', () => {
    expect(() => deriveCryptoTiming({ ...request, algorithm: { name: 'wnaf', windowBits: 1 } })).toThrow(/windowBits/);
    expect(() => deriveCryptoTiming({ ...request, algorithm: { ...comb, teeth: 0 } })).toThrow(/teeth/);
    expect(() => deriveCryptoTiming({ ...request, sample: { count: 0, seed: 1 } })).toThrow(/sample.count/);
  });
});

describe('docs/crypto-datapath.md', () => {
  it('holds the example tables the code prints (up to the formatter’s column padding)', () => {
    const doc = readFileSync(new URL('../../../docs/crypto-datapath.md', import.meta.url), 'utf8');
    expect(unpadded(doc)).toContain(unpadded(exampleTableMarkdown('p256')));
    expect(unpadded(doc)).toContain(unpadded(exampleTableMarkdown('ed25519')));
  });
});
