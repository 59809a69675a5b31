/**
 * Capacity and the validator bench against what their engines allow: the validator bench of an
 * FPGA validator is bound by its verify engines (lanes over the engine time a transaction's
 * signatures take); the capacity search brackets the knee within its tolerance, and a machine with
 * twice the cores sustains more.
 */
import { describe, expect, it } from 'vitest';
import { type Architecture, loadArchitecture } from '../../engines/architecture.js';
import { benchValidator, findCapacity, resolveScenario, SCENARIO_DEFAULTS } from '../../system/index.js';
import type { SystemRunOptions } from '../../system/run-options.js';
import { loadTopology } from '../../system/topology.js';

function optionsFor(arch: Architecture, rate: number, durationMs: number, blockSize: number): SystemRunOptions {
  const resolved = resolveScenario({
    ...SCENARIO_DEFAULTS,
    arch: 'cpu-64core',
    baseline: 'none',
    workload: 'kv',
    keys: 100_000,
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
  const search = (arch: Architecture) =>
    findCapacity((rate, minDurationS) => optionsFor(arch, rate, Math.max(100, minDurationS * 1000), 20), {
      startTps: 500,
      maxTps: 1_000_000,
      tolerance: 0.2,
    });

  it('brackets the knee within its tolerance, and twice the cores sustain more', () => {
    const one = search(small(1));
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
});
