/**
 * Capacity and the validator bench against what their engines allow: the validator bench of an
 * FPGA validator is bound by its verify engines (lanes over the engine time a transaction's
 * signatures take); the capacity search brackets the knee within its tolerance, and a machine with
 * twice the cores sustains more.
 */
import { describe, expect, it } from 'vitest';
import { type Architecture, loadArchitecture } from '../../engines/architecture.js';
import {
  assumedFigures,
  benchValidator,
  buildRunReport,
  findCapacity,
  findCapacityOverSeeds,
  resolveScenario,
  SCENARIO_DEFAULTS,
} from '../../system/index.js';
import { runCapacityPoint } from '../../system/capacity.js';
import type { SystemRunOptions } from '../../system/run-options.js';
import { loadTopology } from '../../system/topology.js';

function optionsFor(
  arch: Architecture,
  rate: number,
  durationMs: number,
  blockSize: number,
  seed = 1,
  workload: { name: string; keys: number } = { name: 'kv', keys: 100_000 },
): SystemRunOptions {
  const resolved = resolveScenario({
    ...SCENARIO_DEFAULTS,
    seed,
    arch: 'cpu-64core',
    baseline: 'none',
    workload: workload.name,
    keys: workload.keys,
    rate,
    duration: `${durationMs}ms`,
    crypto: 'modeled',
  });
  const dc = loadTopology('dc');
  const org = dc.orgs[0] as (typeof dc.orgs)[number];
  const topology = {
    ...dc,
    orgs: [org, org, org],
    endorsementPolicy: "AND('Org1MSP.peer', 'Org2MSP.peer')",
    batch: { ...dc.batch, maxMessageCount: blockSize },
  };
  return { ...resolved.options, topology, arch };
}

describe('validator bench', () => {
  it("an FPGA validator commits at its verify engines' rate: lanes / engine time per transaction", () => {
    const arch = loadArchitecture('fpga-validator');
    const verify = arch.engines.crypto?.verify.p256;
    if (verify?.genericLatencyNs === undefined) throw new Error('fpga-validator has no generic verify');
    const blockSize = 50;
    const bench = benchValidator(optionsFor(arch, 1_000, 100, blockSize), 20);
    expect(bench.validator).toBe('peer0.Org3MSP');
    expect(bench.txs).toBe(20 * blockSize);
    expect(bench.validTxs).toBeGreaterThan(0.95 * bench.txs);
    expect(bench.bottleneck.engine).toBe('crypto.verify.p256');
    // Per transaction: the client's signature (generic path) and two endorsements (known keys);
    // per block, the orderer's signature.
    const engineNsPerTx = verify.genericLatencyNs + 2 * verify.latencyNs + verify.latencyNs / blockSize;
    const boundTps = verify.lanes / (engineNsPerTx / 1e9);
    expect(bench.commitTps).toBeLessThanOrEqual(boundTps);
    expect(bench.commitTps / boundTps).toBeGreaterThan(0.85);
  });
});

describe('capacity', () => {
  const small = (cores: number): Architecture => {
    const arch = loadArchitecture('cpu-64core');
    return { ...arch, name: `cpu-${cores}core`, engines: { ...arch.engines, cpu: { ...arch.engines.cpu, cores } } };
  };
  const options = { startTps: 500, maxTps: 1_000_000, tolerance: 0.2 };
  const runAt =
    (arch: Architecture, seed = 1) =>
    (rate: number, minDurationS: number) =>
      optionsFor(arch, rate, Math.max(100, minDurationS * 1000), 20, seed);
  const search = (arch: Architecture) => findCapacity(runAt(arch), options);
  const overSeeds = findCapacityOverSeeds((seed) => runAt(small(1), seed), [1, 2], options);

  it('over seeds: one search per seed, their mean with a 95 % interval, the bottlenecks counted', () => {
    const [first, second] = overSeeds.perSeed;
    if (first === undefined || second === undefined) throw new Error('two searches expected');
    expect(overSeeds.capacityTps.values).toEqual([first.capacityTps, second.capacityTps]);
    expect(overSeeds.capacityTps.mean).toBeCloseTo((first.capacityTps + second.capacityTps) / 2, 6);
    expect(overSeeds.capacityTps.ci95).toBeGreaterThanOrEqual(0);
    expect(overSeeds.bottlenecksAtKnee.reduce((n, b) => n + b.seeds, 0)).toBe(2);
    // The seed changes the arrivals: the two searches ran different points.
    expect(second.points).not.toEqual(first.points);
    // The run at capacity says how much of its load failed MVCC, counted apart from VALID.
    const atCapacity = first.atCapacity;
    expect(atCapacity?.offeredTps).toBe(first.capacityTps);
    expect(atCapacity?.conflictShare).toBeGreaterThan(0);
    expect(atCapacity?.workloadInvalidTps).toBeGreaterThan(0);
    expect(atCapacity?.committedTps).toBeLessThan(
      (atCapacity?.committedTps ?? 0) + (atCapacity?.workloadInvalidTps ?? 0),
    );
  });

  it('a contended workload has a capacity: conflicts count as work done, VALID is reported apart', () => {
    const contended = { name: 'smallbank', keys: 200 };
    const result = findCapacity(
      (rate, minDurationS) => optionsFor(small(1), rate, Math.max(100, minDurationS * 1000), 20, 1, contended),
      options,
    );
    const point = result.atCapacity;
    if (point === null) throw new Error('a contended workload still has a capacity');
    // Over 5 % of its load conflicts: counting VALID alone, no rate would hold.
    expect(point.conflictShare).toBeGreaterThan(0.05);
    expect(point.committedTps).toBeLessThan(0.95 * point.offeredTps);
    expect(point.committedTps + point.workloadInvalidTps).toBeGreaterThan(0.9 * point.offeredTps);
    // The machine still saturates: a rate above it leaves arrivals without an outcome.
    expect(result.points.some((p) => !p.holds)).toBe(true);
  });

  it('brackets the knee within its tolerance, and twice the cores sustain more', () => {
    const one = overSeeds.perSeed[0] as ReturnType<typeof search>;
    const held = one.points.filter((p) => p.holds);
    const failed = one.points.filter((p) => !p.holds);
    expect(held.length).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
    expect(one.capacityTps).toBe(Math.max(...held.map((p) => p.offeredTps)));
    const lowestFailed = Math.min(...failed.map((p) => p.offeredTps));
    expect(lowestFailed).toBeGreaterThan(one.capacityTps);
    expect(lowestFailed).toBeLessThanOrEqual(one.capacityTps * 1.2 + 1);
    expect(one.bottleneckAtKnee).toMatch(/\.cpu$/);
    const two = search(small(2));
    expect(two.capacityTps).toBeGreaterThan(1.4 * one.capacityTps);
  });

  it('with a p99 objective a rate holds only within it: no higher a capacity, every held run within it', () => {
    const free = overSeeds.perSeed[0] as ReturnType<typeof search>;
    const atKnee = free.atCapacity?.steadyP99LatencyMs ?? 0;
    expect(atKnee).toBeGreaterThan(0);
    const sloP99Ms = atKnee * 0.8;
    const bound = findCapacity(runAt(small(1)), { ...options, sloP99Ms });
    expect(bound.capacityTps).toBeLessThan(free.capacityTps);
    for (const point of bound.points) if (point.holds) expect(point.steadyP99LatencyMs).toBeLessThanOrEqual(sloP99Ms);
    // The same rates without the objective held: only latency refused them.
    const refused = bound.points.filter((p) => !p.holds && p.offeredTps <= free.capacityTps);
    expect(refused.length).toBeGreaterThan(0);
    for (const point of refused) expect(point.steadyP99LatencyMs).toBeGreaterThan(sloP99Ms);
  });
});

describe('sensitivity', () => {
  it("reads the preset's assumed figures from its comments: measured and cited ones stay out", () => {
    const figures = assumedFigures('cpu-64core');
    expect(figures).toContain('engines.cpu.cycles.packet');
    expect(figures).toContain('engines.storage.writeGBps');
    expect(figures).not.toContain('engines.cpu.cores'); // the paper's figure
    expect(figures).not.toContain('engines.cpu.cycles.verifyP256'); // measured here
    expect(figures.some((path) => path.endsWith('costUsd') || path.endsWith('powerW'))).toBe(false);
    // A comment on a map covers the figures inside it (bpu-2019's SHA-256 cores).
    expect(assumedFigures('bpu-2019')).toContain('engines.crypto.hash.bytesPerCycle');
  });

  it('a figure off the workload path leaves the run identical; one on it does not', () => {
    const base = loadArchitecture('cpu-64core');
    const scaled = (key: 'verifyBls' | 'stateWrite'): Architecture => ({
      ...base,
      engines: {
        ...base.engines,
        cpu: { ...base.engines.cpu, cycles: { ...base.engines.cpu.cycles, [key]: base.engines.cpu.cycles[key] * 2 } },
      },
    });
    const at = (arch: Architecture) =>
      runCapacityPoint((rate, minS) => optionsFor(arch, rate, Math.max(100, minS * 1000), 20), 2_000).fingerprint;
    const reference = at(base);
    expect(at(scaled('verifyBls'))).toBe(reference);
    expect(at(scaled('stateWrite'))).not.toBe(reference);
  });
});

describe('peer sweep at a target rate', () => {
  it('the sweep runs arrive at --target-tps, not at --rate', () => {
    const report = buildRunReport({
      ...SCENARIO_DEFAULTS,
      baseline: 'none',
      workload: 'kv',
      keys: 100_000,
      rate: 10_000,
      targetTps: 2_000,
      duration: '1s',
      crypto: 'modeled',
      sweep: 'peers=4',
    });
    const point = report.scalability?.arch.points[0];
    // At --rate it would commit near 10,000/s; at the target, near 2,000/s (a 1 s run's window
    // holds only a few 500-transaction blocks, hence the wide band).
    expect(point?.committedTps).toBeGreaterThan(0.5 * 2_000);
    expect(point?.committedTps).toBeLessThan(1.5 * 2_000);
  });
});
