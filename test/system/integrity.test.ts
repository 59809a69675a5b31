/**
 * State integrity in the full-system run (issue 8): a corrupt state write injected from the fault
 * file is caught by the next audit, naming the peer and a key range that holds the key, with no
 * false alarm on a clean run; a peer joining mid-run by snapshot or by replay reaches the head with
 * the same state as the others, and the report carries join time and audit cost per architecture.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveScenario, SCENARIO_DEFAULTS, type Scenario } from '../../system/index.js';
import { runSystem } from '../../system/run-system.js';
import { quietRun, smallBlocksTopology } from './_fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bpusim-integrity-'));
const smallBlocks = smallBlocksTopology(dir);

function quiet(flags: Partial<Scenario>): ReturnType<typeof quietRun> {
  return quietRun({ rate: 2_000, duration: '300ms', topology: smallBlocks, ...flags });
}

describe('state integrity in the system run', () => {
  it('a corrupt write from the fault file is found at the next audit: right peer, key in range; clean runs raise no alarm', {
    timeout: 120_000,
  }, () => {
    const faults = join(dir, 'corrupt.yaml');
    writeFileSync(faults, 'events:\n  - { atMs: 100, kind: corrupt-write, peer: 1 }\n');
    for (const seed of [1, 2, 3]) {
      const report = quiet({ seed, faults, auditEvery: 4, baseline: 'none' });
      const audit = report.results.arch.integrity?.audit;
      expect(audit, `seed ${seed}`).toBeDefined();
      expect(audit!.injected).toHaveLength(1);
      const injected = audit!.injected[0]!;
      const found = audit!.divergences.find((d) => d.blockNum >= injected.blockNum);
      expect(found, `seed ${seed}`).toBeDefined();
      // Detected at the next audit after the corrupt block.
      expect(found!.blockNum).toBe(Math.ceil(injected.blockNum / 4) * 4);
      expect(found!.suspects).toEqual([injected.peer]);
      expect(found!.minKey! <= injected.key && injected.key <= found!.maxKey!).toBe(true);
      expect(audit!.detected).toBe(1);

      const clean = quiet({ seed, auditEvery: 4, baseline: 'none' }).results.arch.integrity?.audit;
      expect(clean!.audits).toBeGreaterThan(2);
      expect(clean!.divergences).toEqual([]);
      expect(clean!.workPerAudit.messageBytes).toBeGreaterThan(0);
    }
  });

  it("the commitment's upkeep is state-integrity work: the BPU's DB engine does it, the baseline's cores", {
    timeout: 120_000,
  }, () => {
    const engine = (report: ReturnType<typeof quiet>, side: 'arch' | 'baseline', name: string) =>
      report.results[side]!.engines.find((e) => e.node === 'peer0.Org1MSP' && e.engine === name)!;
    const plain = quiet({});
    const audited = quiet({ auditEvery: 4 });
    expect(engine(audited, 'arch', 'db').ops).toBeGreaterThan(engine(plain, 'arch', 'db').ops);
    expect(engine(audited, 'arch', 'crypto.hash').ops).toBe(engine(plain, 'arch', 'crypto.hash').ops);
    expect(engine(audited, 'baseline', 'cpu').ops).toBeGreaterThan(engine(plain, 'baseline', 'cpu').ops);
    // Function is untouched: same fingerprints with and without audits.
    expect(audited.results.arch.stateHash).toBe(plain.results.arch.stateHash);
  });

  it('a peer joining by snapshot or by replay reaches the head with the same state; both architectures report it', {
    timeout: 120_000,
  }, () => {
    const snapshot = quiet({ joinPeerAt: '120ms', join: 'snapshot', auditEvery: 5 });
    const replay = quiet({ joinPeerAt: '120ms', join: 'replay' });
    for (const report of [snapshot, replay]) {
      for (const result of [report.results.arch, report.results.baseline!]) {
        const joined = result.integrity?.join;
        expect(joined).toBeDefined();
        expect(joined!.joinTimeMs).not.toBeNull();
        expect(joined!.joinTimeMs!).toBeGreaterThan(0);
        expect(joined!.stateMatches).toBe(true);
        expect(joined!.bytesTransferred).toBeGreaterThan(0);
      }
    }
    const bySnapshot = snapshot.results.arch.integrity!.join!;
    const byReplay = replay.results.arch.integrity!.join!;
    expect(bySnapshot.path).toBe('snapshot');
    expect(bySnapshot.snapshotBytes).toBeGreaterThan(0);
    expect(byReplay.path).toBe('replay');
    expect(byReplay.snapshotBlockNum).toBeNull();
    // Replay validates every block from genesis; the snapshot only those after its block.
    expect(byReplay.blocksReplayed).toBeGreaterThan(bySnapshot.blocksReplayed);
    // The joined peer takes part in later audits without raising an alarm.
    expect(snapshot.results.arch.integrity!.audit!.divergences).toEqual([]);
    // Same inputs and seed: the same integrity figures (simulated, not host).
    expect(quiet({ joinPeerAt: '120ms', join: 'snapshot', auditEvery: 5 }).results).toEqual(snapshot.results);
  });

  it('a snapshot damaged on its way is refused and the peer joins by replay instead, reaching the same state', {
    timeout: 120_000,
  }, () => {
    const { options, arch } = resolveScenario({
      ...SCENARIO_DEFAULTS,
      crypto: 'modeled',
      rate: 2_000,
      duration: '300ms',
      topology: smallBlocks,
      joinPeerAt: '120ms',
      join: 'snapshot',
    } as Scenario);
    const result = runSystem({ ...options, arch, integrity: { ...options.integrity, tamperSnapshot: true } });
    const joined = result.integrity?.join;
    expect(joined?.mode).toBe('snapshot');
    expect(joined?.path).toBe('replay');
    expect(joined?.refusal).toMatch(/snapshot/i);
    expect(joined?.stateMatches).toBe(true);
    expect(joined?.joinTimeMs).not.toBeNull();
  });

  it('growing the network one peer at a time reports how many peers hold the target TPS', { timeout: 120_000 }, () => {
    // Fixed arrivals: each interval offers exactly the target (no Poisson noise around the threshold).
    const held = quiet({ rate: 4_000, arrival: 'fixed', duration: '400ms', growPeersEvery: '80ms', baseline: 'none' })
      .results.arch.integrity?.growth;
    expect(held).toBeDefined();
    expect(held!.steps.length).toBeGreaterThanOrEqual(3);
    expect(held!.addedPeers).toBeGreaterThanOrEqual(2);
    expect(held!.joinTimesMs.every((t) => t === null || t > 0)).toBe(true);
    // At a low rate every interval holds: the count is the largest network reached.
    expect(held!.steps.every((s) => s.holds)).toBe(true);
    expect(held!.peersHeld).toBe(Math.max(...held!.steps.map((s) => s.peers)));
    // A target far above what is offered never holds: only the original peers count.
    const missed = quiet({
      rate: 4_000,
      arrival: 'fixed',
      duration: '400ms',
      growPeersEvery: '80ms',
      targetTps: 1_000_000,
      baseline: 'none',
    }).results.arch.integrity?.growth;
    expect(missed!.steps.some((s) => s.holds)).toBe(false);
    expect(missed!.peersHeld).toBe(4);
  });

  it('bad integrity flags and fault files exit 2 with one clear message', () => {
    const bad = join(dir, 'bad-peer.yaml');
    writeFileSync(bad, 'events:\n  - { atMs: 10, kind: corrupt-write, peer: 99 }\n');
    expect(() => quiet({ faults: bad, auditEvery: 4 })).toThrow(
      /bad-peer\.yaml.*events\.0\.peer.*peer 99 does not exist/,
    );
    const needsAudit = join(dir, 'needs-audit.yaml');
    writeFileSync(needsAudit, 'events:\n  - { atMs: 10, kind: corrupt-write, peer: 0 }\n');
    expect(() => quiet({ faults: needsAudit })).toThrow(/add --audit-every/);
    expect(() => quiet({ joinPeerAt: '5s' })).toThrow(/--join-peer-at: expected a time within --duration/);
    expect(() => quiet({ joinPeerAt: '100ms', join: 'teleport' })).toThrow(/--join: expected snapshot or replay/);
    expect(() => quiet({ auditEvery: 4, auditBuckets: 1000 })).toThrow(/--audit-buckets: expected a power of two/);
    expect(() => quiet({ growPeersEvery: '200ms' })).toThrow(
      /--grow-peers-every: expected an interval at most half of --duration/,
    );
  });
});
