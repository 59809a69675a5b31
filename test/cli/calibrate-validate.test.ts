/**
 * `bpusim calibrate` writes a host architecture that loads like any preset, with every measured cost
 * and its spread; `bpusim validate` runs the real bench and the model on it and prints every case
 * with measured and predicted figures. Behaviour only: how close the prediction is on a given host is
 * a benchmark (the figures in the closing note), not a timed test.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArchitecture } from '../../engines/architecture.js';

const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const bpusim = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('calibrate and validate', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpusim-calibrate-test-'));
  const hostFile = join(dir, 'host.yaml');

  it('calibrate writes a host architecture: CPU cores only, measured costs with spreads', { timeout: 120_000 }, () => {
    const run = bpusim('calibrate', '--out', hostFile, '--trials', '3', '--trial-ms', '10', '--in-context-txs', '1000');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const arch = loadArchitecture(hostFile);
    expect(arch.name).toBe('host');
    expect(Object.keys(arch.engines)).toEqual(['cpu']);
    expect(arch.serves).toEqual({});
    const cycles = arch.engines.cpu.cycles;
    for (const key of [
      'signP256',
      'verifyP256',
      'signEd25519',
      'verifyEd25519',
      'hashPerByte',
      'encodePerByte',
      'decodePerByte',
      'stateRead',
      'stateWrite',
      'rangeRow',
    ] as const) {
      expect(cycles[key], key).toBeGreaterThan(0);
    }
    // Signing P-256 on OpenSSL is far dearer than hashing one byte, whatever the host.
    expect(cycles.signP256).toBeGreaterThan(1_000 * cycles.hashPerByte);
    expect(Object.keys(cycles.contractStepByContract ?? {}).sort()).toEqual([
      'cpuheavy',
      'donothing',
      'kv',
      'smallbank',
    ]);
    expect(cycles.workerHandoffPerJob).toBeGreaterThanOrEqual(0);
    const costs = arch.calibration?.costs ?? {};
    for (const key of [
      'verifyP256',
      'verifyP256.noble',
      'hashPerByte',
      'stateWrite',
      'stateCommitSync',
      'blockFsync',
      'contractStep.cpuheavy',
      'workerHandoffPerJob',
      'proposal',
      'txValidation',
      'backgroundPerTx',
    ]) {
      expect(costs[key], key).toBeDefined();
      expect(costs[key]?.trials).toBe(3);
      expect(costs[key]?.spreadPct).toBeGreaterThanOrEqual(0);
    }
    expect(readdirSync(dir)).toEqual(['host.yaml']); // no temporary left behind
  });

  it('validate prints measured vs predicted per phase for each case', { timeout: 180_000 }, () => {
    const run = bpusim(
      'validate',
      '--host',
      hostFile,
      '--txs',
      '1000',
      '--workloads',
      'donothing,kv',
      '--workers',
      '1',
      '--repeat',
      '2',
      '--json',
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as {
      cases: {
        workload: string;
        workers: number;
        phase: string;
        measuredTps: number;
        predictedTps: number;
        errorPct: number;
        errorSpreadPct: [number, number];
      }[];
      maxAbsErrorPct: number;
      medianAbsErrorPct: number;
      shareWithin15Pct: number;
      repeat: number;
    };
    expect(result.repeat).toBe(2);
    expect(result.cases.map((c) => `${c.workload}/${c.workers}/${c.phase}`)).toEqual([
      'donothing/1/endorse',
      'donothing/1/validate+commit',
      'donothing/1/end-to-end',
      'kv/1/endorse',
      'kv/1/validate+commit',
      'kv/1/end-to-end',
    ]);
    for (const c of result.cases) {
      expect(c.measuredTps).toBeGreaterThan(0);
      expect(c.predictedTps).toBeGreaterThan(0);
      expect(c.errorPct).toBeCloseTo(((c.predictedTps - c.measuredTps) / c.measuredTps) * 100, 0);
      // The error of the medians (of two runs: their means) lies between the two runs' own errors.
      expect(c.errorSpreadPct[0]).toBeLessThanOrEqual(c.errorSpreadPct[1]);
      expect(c.errorPct).toBeGreaterThanOrEqual(c.errorSpreadPct[0] - 0.2);
      expect(c.errorPct).toBeLessThanOrEqual(c.errorSpreadPct[1] + 0.2);
    }
    const absolute = result.cases.map((c) => Math.abs(c.errorPct)).sort((a, b) => a - b);
    expect(result.medianAbsErrorPct).toBeCloseTo((absolute[2]! + absolute[3]!) / 2, 6);
    expect(result.shareWithin15Pct).toBeCloseTo(absolute.filter((e) => e <= 15).length / absolute.length, 3);
    expect(result.maxAbsErrorPct).toBeGreaterThanOrEqual(
      Math.max(...result.cases.map((c) => Math.abs(c.errorPct))) - 1e-9,
    );
  });

  it('bad input exits 2 with one message', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'name: host\nengines: { cpu: { cores: 0, clockGHz: 1, cycles: {} } }\n');
    const cases: [string[], RegExp][] = [
      [['validate', '--host', bad], /bad\.yaml.*engines\.cpu/],
      [['validate', '--workloads', 'smallbank,bogus'], /--workloads: 'bogus' is not one of/],
      [['validate', '--workers', '0'], /--workers: '0' is not one of integers 1\.\.64/],
      [['calibrate', '--crypto', 'modeled'], /--crypto: expected one of node, noble/],
    ];
    for (const [args, message] of cases) {
      const run = bpusim(...args);
      expect(run.status, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
  });
});
