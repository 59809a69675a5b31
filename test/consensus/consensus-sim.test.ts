/**
 * The ordering protocols driven in simulated time. Safety and liveness over random fault schedules
 * (a few hundred seeds: crashes, partitions, drop/dup/delay, slow nodes, Byzantine primaries within
 * f); beyond f the protocols stop deciding rather than decide wrongly; consensus cost grows with
 * the orderer count and the BFT engine keeps it lower than CPU cores; and a full run ordered by
 * Raft or PBFT ends in the same state as the single orderer for a conflict-free workload.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildRunReport, SCENARIO_DEFAULTS, type Scenario } from '../../system/index.js';
import { runConsensus } from '../../system/consensus-experiment.js';
import { fuzzMany } from '../../system/consensus-fuzz.js';
import { loadArchitecture } from '../../engines/architecture.js';
import { msToPs } from '../../sim/index.js';

const bpu = loadArchitecture('bpu-2019');
const cpu = loadArchitecture('cpu-64core');
const seeds = (count: number): number[] => Array.from({ length: count }, (_, i) => i + 1);

describe('fuzz consensus', () => {
  it('Raft: 250 seeds, no safety violation, live after faults clear', () => {
    expect(fuzzMany('raft', seeds(250), bpu)).toEqual({
      protocol: 'raft',
      seeds: 250,
      safetyViolations: 0,
      livenessFailures: 0,
      firstFailingSeed: null,
    });
  });

  it('PBFT: 40 seeds, no safety violation, live after faults clear', () => {
    expect(fuzzMany('pbft', seeds(40), bpu)).toEqual({
      protocol: 'pbft',
      seeds: 40,
      safetyViolations: 0,
      livenessFailures: 0,
      firstFailingSeed: null,
    });
  });
});

describe('beyond the fault tolerance', () => {
  it('Raft with f+1 of 2f+1 crashed stops deciding and never decides wrongly', () => {
    let heightAtCrash = -1;
    const result = runConsensus({
      protocol: 'raft',
      n: 3,
      arch: bpu,
      seed: 4,
      ratePerSec: 500,
      durationPs: msToPs(2000),
      drainPs: msToPs(500),
      envelopeBytes: 256,
      schedule(driver, env) {
        env.schedule(msToPs(1500), () => {
          driver.crash(1);
          driver.crash(2);
          heightAtCrash = driver.canonicalHeight;
        });
      },
    });
    expect(heightAtCrash).toBeGreaterThan(5);
    expect(result.safetyViolations).toBe(0);
    // At most what was already replicated to a majority can still commit after the crash.
    expect(result.decidedHeight).toBeLessThanOrEqual(heightAtCrash + 1);
  });

  it('PBFT with f+1 equivocating primaries of 3f+1: honest replicas never decide conflicting batches', () => {
    for (const seed of [1, 2, 3]) {
      const result = runConsensus({
        protocol: 'pbft',
        n: 4,
        arch: bpu,
        seed,
        ratePerSec: 500,
        durationPs: msToPs(3000),
        drainPs: msToPs(500),
        envelopeBytes: 256,
        byzantine: new Map([
          [0, 'equivocate'],
          [1, 'equivocate'],
        ]),
      });
      expect(result.safetyViolations).toBe(0);
    }
  });

  it('PBFT with f Byzantine (each mode as primary) still decides', () => {
    for (const mode of ['equivocate', 'withhold', 'bad-digest'] as const) {
      const result = runConsensus({
        protocol: 'pbft',
        n: 4,
        arch: bpu,
        seed: 9,
        ratePerSec: 500,
        durationPs: msToPs(3000),
        drainPs: msToPs(500),
        envelopeBytes: 256,
        byzantine: new Map([[0, mode]]),
      });
      expect(result.safetyViolations).toBe(0);
      expect(result.decidedHeight).toBeGreaterThan(10);
    }
  });
});

describe('sweep consensus', () => {
  it('PBFT latency grows with the orderer count on CPU cores, and the BFT engine keeps it lower', () => {
    const run = (n: number, arch: typeof bpu) =>
      runConsensus({
        protocol: 'pbft',
        n,
        arch,
        seed: 1,
        ratePerSec: 5000,
        durationPs: msToPs(400),
        drainPs: msToPs(400),
        envelopeBytes: 1000,
      });
    const cpu4 = run(4, cpu);
    const cpu16 = run(16, cpu);
    const bpu16 = run(16, bpu);
    expect(cpu16.latencyMs.p50).toBeGreaterThan(cpu4.latencyMs.p50);
    expect(bpu16.latencyMs.p50).toBeLessThan(cpu16.latencyMs.p50);
    // Prepares and commits are all-to-all: O(n²) per batch, on top of the per-request forwards.
    expect(cpu16.messagesDelivered).toBeGreaterThan(4 * cpu4.messagesDelivered);
    for (const r of [cpu4, cpu16, bpu16]) {
      expect(r.safetyViolations).toBe(0);
      expect(r.txPerSec).toBeGreaterThan(0.9 * 5000);
    }
  });
});

describe('a full run ordered by Raft or PBFT', () => {
  it('ends with the same state hash as the single orderer for a conflict-free workload', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpusim-ordering-'));
    const topology = join(dir, 'four-orderers.yaml');
    writeFileSync(
      topology,
      `name: four-orderers
sites: { dc1: { link: { latencyUs: 50, gbps: 25 } } }
orgs: [ { site: dc1, peers: 1 }, { site: dc1, peers: 1 }, { site: dc1, peers: 1 } ]
orderers: { count: 4, site: dc1 }
clients: { count: 1, site: dc1 }
proxy: { site: dc1 }
batch: { maxMessageCount: 25, preferredMaxBytes: 2097152, absoluteMaxBytes: 10485760, timeoutMs: 20 }
`,
    );
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      const run = (ordering: string) =>
        buildRunReport({
          ...SCENARIO_DEFAULTS,
          topology,
          workload: 'kv-insert',
          rate: 1000,
          arrival: 'fixed',
          duration: '99ms',
          drain: '3s',
          crypto: 'modeled',
          baseline: 'none',
          ordering,
        } as Scenario).results.arch;
      const solo = run('solo');
      const raft = run('raft');
      const pbft = run('pbft');
      for (const result of [solo, raft, pbft]) {
        expect(result.validationCodes).toEqual({ VALID: 100 });
        expect(result.peersAgree).toBe(true);
      }
      expect(raft.stateHash).toBe(solo.stateHash);
      expect(pbft.stateHash).toBe(solo.stateHash);
      // A withholding primary and a crashed backup (f = 1 each way is too many for n = 4, so the
      // crash heals first): the view change replaces the primary and every transaction commits.
      const faults = join(dir, 'faults.yaml');
      writeFileSync(
        faults,
        'byzantine: { "0": withhold }\nevents:\n  - { atMs: 10, kind: crash, node: 1 }\n  - { atMs: 60, kind: restart, node: 1 }\n',
      );
      const faulty = buildRunReport({
        ...SCENARIO_DEFAULTS,
        topology,
        workload: 'kv-insert',
        rate: 1000,
        arrival: 'fixed',
        duration: '99ms',
        drain: '5s',
        crypto: 'modeled',
        baseline: 'none',
        ordering: 'pbft',
        faults,
      } as Scenario).results.arch;
      expect(faulty.validationCodes).toEqual({ VALID: 100 });
      expect(faulty.stateHash).toBe(solo.stateHash);
      expect(faulty.latencyMs.p50).toBeGreaterThan(pbft.latencyMs.p50);
      const badFaults = join(dir, 'bad-faults.yaml');
      writeFileSync(badFaults, 'events:\n  - { atMs: 10, kind: explode, node: 1 }\n');
      expect(() =>
        buildRunReport({ ...SCENARIO_DEFAULTS, topology, ordering: 'pbft', faults: badFaults } as Scenario),
      ).toThrow(/bad-faults\.yaml: events\.0\.kind/);
    } finally {
      process.stdout.write = write;
    }
  });
});
