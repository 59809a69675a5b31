/**
 * PBFT as a time-free state machine, driven by the seeded test network (_net.ts). Normal case
 * (pre-prepare / prepare / commit, O(n²) messages, in-order decisions), checkpoints and garbage
 * collection, a lossy network, determinism, restart with state transfer, view change after a
 * primary crash and a partition heal, each Byzantine primary mode with f Byzantine of 3f+1, and
 * f+1 equivocating primaries never making honest replicas decide differently. A fast-check property
 * runs 100 seeds of random faults. Every failure names its seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ByzantineMode, ConsensusMessage, ConsensusNode, NodeId } from '../../../ledger/consensus/types.js';
import { type TestNet, clientLoad, envelope } from './_net.js';
import { all, honest, pbftFaultScenario, pbftNet, pbftOverBudgetScenario, toPrimary } from './_scenarios.js';
import type { PbftTestNode } from './_scenarios.js';

function decidedEnvelopes(net: TestNet, id: NodeId): number {
  let count = 0;
  for (const b of net.decided[id]?.values() ?? []) count += b.envelopes.length;
  return count;
}
function expectAgreement(net: TestNet, seed: number): void {
  expect(net.violations, `seed ${seed}`).toEqual([]);
}

describe('pbft normal case and checkpoints', () => {
  it('decides every envelope once, in the same order on all replicas, and collects garbage', () => {
    const seed = 1;
    const net = pbftNet(seed, 4);
    net.start();
    clientLoad(net, 1, 300, 2, 10, toPrimary(net));
    net.runUntil(3000);
    expectAgreement(net, seed);
    for (let id = 0; id < 4; id += 1) expect(decidedEnvelopes(net, id), `node ${id}`).toBe(300);
    for (const node of net.nodes as PbftTestNode[]) {
      expect(node.lowWatermark).toBeGreaterThanOrEqual(24);
      expect(node.logSize).toBeLessThanOrEqual(8);
      expect(node.currentView).toBe(0);
    }
  });

  it('sends n−1 pre-prepares, (n−1)² prepares and n(n−1) commits per batch', () => {
    const n = 7;
    const net = pbftNet(2, n);
    const counts = new Map<string, number>();
    const nodes = net.nodes as ConsensusNode[];
    const queue: { to: NodeId; message: ConsensusMessage }[] = [];
    const take = (effects: ReturnType<ConsensusNode['submit']>) => {
      for (const send of effects.sends) {
        counts.set(send.message.type, (counts.get(send.message.type) ?? 0) + 1);
        queue.push(send);
      }
      return effects;
    };
    const primary = nodes[0] as ConsensusNode;
    for (let i = 0; i < 10; i += 1) take(primary.submit(envelope(1, i)));
    let decidedBy = 0;
    while (queue.length > 0) {
      const { to, message } = queue.shift() as { to: NodeId; message: ConsensusMessage };
      const effects = take((nodes[to] as ConsensusNode).receive(message));
      expect(effects.receipt.consensusMessages).toBe(1);
      decidedBy += effects.decided.length;
    }
    expect(decidedBy).toBe(n - 1 + 0 + (counts.get('pbft/commit') === n * (n - 1) ? 1 : 0));
    expect(counts.get('pbft/pre-prepare')).toBe(n - 1);
    expect(counts.get('pbft/prepare')).toBe((n - 1) * (n - 1));
    expect(counts.get('pbft/commit')).toBe(n * (n - 1));
  });

  it('signs and verifies with real Ed25519 (node crypto) and counts it', () => {
    const seed = 3;
    const net = pbftNet(seed, 4, { crypto: 'node' });
    net.start();
    const primary = net.nodes[0] as ConsensusNode;
    const effects = primary.submit(envelope(1, 1));
    expect(effects.setTimers.map((t) => t.name)).toEqual(['batch']);
    const cut = primary.timer('batch');
    expect(cut.receipt.signs.ed25519).toBe(1);
    expect(cut.sends.length).toBe(3);
    const pp = cut.sends[0];
    if (pp === undefined) throw new Error('no pre-prepare');
    const backup = (net.nodes[1] as ConsensusNode).receive(pp.message);
    expect(backup.receipt.verifies.ed25519).toBe(1);
    expect(backup.receipt.signs.ed25519).toBe(1);
    expect(backup.sends.map((s) => s.message.type)).toEqual(['pbft/prepare', 'pbft/prepare', 'pbft/prepare']);
    // A tampered prepare (digest changed after signing) is dropped without effect.
    const prepare = backup.sends[1]?.message as ConsensusMessage & { digest: string };
    const tampered = { ...prepare, digest: '00'.repeat(32) };
    const rejected = (net.nodes[2] as ConsensusNode).receive(tampered);
    expect(rejected.sends).toEqual([]);
    expect(rejected.receipt.verifies.ed25519).toBe(1);
  });

  it('agrees and progresses on a lossy, duplicating, reordering network', () => {
    const seed = 4;
    const net = pbftNet(seed, 4, { dropRate: 0.05, duplicateRate: 0.1, latencyMs: [1, 30] });
    net.start();
    clientLoad(net, 1, 400, 5, 10, all(4));
    net.runUntil(20_000);
    expectAgreement(net, seed);
    expect(net.minHonestHeight(), `seed ${seed}`).toBeGreaterThan(10);
  });

  it('is deterministic: same seed, same decisions and messages', () => {
    const run = () => {
      const net = pbftNet(5, 4, { dropRate: 0.05, latencyMs: [1, 30] });
      net.start();
      clientLoad(net, 1, 100, 3, 10, all(4));
      net.runUntil(5000);
      return {
        digests: net.decided.map((d) => [...d.values()].map((b) => b.digest)),
        delivered: net.delivered,
        sent: net.sent,
      };
    };
    expect(run()).toEqual(run());
  });

  it('a restarted backup resumes from its persisted state and catches up by state transfer', () => {
    const seed = 6;
    const net = pbftNet(seed, 4);
    net.start();
    clientLoad(net, 1, 400, 5, 10, toPrimary(net));
    net.at(300, () => net.crash(3));
    net.at(1200, () => net.restart(3));
    net.runUntil(4000);
    expectAgreement(net, seed);
    expect(net.height(3), `seed ${seed}`).toBeGreaterThan(0);
    expect(net.height(3)).toBeGreaterThanOrEqual(net.height(0) - 8);
  });

  it('a single replica (n = 1, f = 0) decides alone', () => {
    const net = pbftNet(8, 1);
    net.start();
    clientLoad(net, 1, 50, 1, 10, () => 0);
    net.runUntil(1000);
    expect(decidedEnvelopes(net, 0)).toBe(50);
    expect((net.nodes[0] as PbftTestNode).lowWatermark).toBeGreaterThan(0);
  });

  it('with f+1 = 2 of 4 crashed it stops deciding, and resumes when one returns', () => {
    const seed = 9;
    const net = pbftNet(seed, 4);
    net.start();
    clientLoad(net, 1, 100, 5, 10, all(4));
    net.at(200, () => {
      net.crash(2);
      net.crash(3);
    });
    net.runUntil(3000);
    const stalled = net.height(0);
    net.runUntil(6000);
    expect(net.height(0)).toBe(stalled);
    expect(net.height(1)).toBe(stalled);
    net.at(6000, () => net.restart(3));
    net.runUntil(20_000);
    expectAgreement(net, seed);
    for (const id of [0, 1, 3]) expect(decidedEnvelopes(net, id), `seed ${seed} node ${id}`).toBe(100);
  });

  it('with f = 2 of 7 crashed it still decides', () => {
    const seed = 7;
    const net = pbftNet(seed, 7);
    net.crash(5);
    net.crash(6);
    net.start();
    clientLoad(net, 1, 200, 3, 10, toPrimary(net));
    net.runUntil(3000);
    expectAgreement(net, seed);
    for (const id of [0, 1, 2, 3, 4]) expect(decidedEnvelopes(net, id), `seed ${seed} node ${id}`).toBe(200);
  });
});

describe('pbft view change and Byzantine primaries', () => {
  it('replaces a crashed primary and keeps deciding', () => {
    const seed = 11;
    const net = pbftNet(seed, 4);
    net.start();
    clientLoad(net, 1, 400, 5, 10, all(4));
    net.at(500, () => net.crash(0));
    net.runUntil(6000);
    expectAgreement(net, seed);
    const views = [1, 2, 3].map((id) => (net.nodes[id] as PbftTestNode).currentView);
    expect(
      views.every((v) => v >= 1),
      `views ${views}`,
    ).toBe(true);
    for (const id of [1, 2, 3]) expect(decidedEnvelopes(net, id), `seed ${seed} node ${id}`).toBe(400);
  });

  it('after a partition heals, a new view decides again', () => {
    const seed = 12;
    const net = pbftNet(seed, 4);
    net.start();
    clientLoad(net, 1, 300, 10, 10, all(4));
    net.at(400, () =>
      net.partition([
        [0, 1],
        [2, 3],
      ]),
    );
    net.at(2500, () => net.heal());
    net.runUntil(12_000);
    expectAgreement(net, seed);
    for (const id of [0, 1, 2, 3]) expect(decidedEnvelopes(net, id), `seed ${seed} node ${id}`).toBe(300);
  });

  for (const mode of ['equivocate', 'withhold', 'bad-digest'] as const) {
    it(`with a '${mode}' primary (f = 1 of 4) the honest replicas still decide everything, consistently`, () => {
      const seed = 20;
      const byzantine = new Map<NodeId, ByzantineMode>([[0, mode]]);
      const net = pbftNet(seed, 4, { byzantine });
      net.start();
      clientLoad(net, 1, 200, 5, 10, all(4));
      net.runUntil(8000);
      expectAgreement(net, seed);
      for (const id of [1, 2, 3]) expect(decidedEnvelopes(net, id), `seed ${seed} node ${id}`).toBe(200);
      // Equivocating to halves of 3 backups still lets 2 of them prepare (the third catches up by
      // state transfer), so only the other modes force a view change at n = 4.
      if (mode !== 'equivocate') expect((net.nodes[1] as PbftTestNode).currentView).toBeGreaterThanOrEqual(1);
    });
  }

  it('without forwarding (clients submit to all replicas) backups send no requests, and a withholding primary is still replaced', () => {
    const seed = 22;
    const byzantine = new Map<NodeId, ByzantineMode>([[0, 'withhold']]);
    const net = pbftNet(seed, 4, { byzantine, forwardRequests: false });
    const backup = net.nodes[1] as ConsensusNode;
    expect(backup.submit(envelope(1, 0)).sends).toEqual([]);
    net.start();
    clientLoad(net, 1, 100, 5, 10, all(4));
    net.runUntil(8000);
    expectAgreement(net, seed);
    for (const id of [1, 2, 3]) expect(decidedEnvelopes(net, id), `seed ${seed} node ${id}`).toBe(100);
  });

  it('with f = 2 Byzantine of 7 (equivocate, bad-digest as primaries of views 0 and 1) still decides', () => {
    const seed = 21;
    const byzantine = new Map<NodeId, ByzantineMode>([
      [0, 'equivocate'],
      [1, 'bad-digest'],
    ]);
    const net = pbftNet(seed, 7, { byzantine });
    net.start();
    clientLoad(net, 1, 200, 5, 10, all(7));
    net.runUntil(15_000);
    expectAgreement(net, seed);
    for (const id of honest(7, byzantine.keys()))
      expect(decidedEnvelopes(net, id), `seed ${seed} node ${id}`).toBe(200);
  });

  it('with f+1 equivocating primaries honest replicas never decide conflicting batches', () => {
    for (let seed = 30; seed < 40; seed += 1) {
      const byzantine = new Map<NodeId, ByzantineMode>([
        [0, 'equivocate'],
        [1, 'equivocate'],
      ]);
      const net = pbftNet(seed, 4, { byzantine, latencyMs: [1, 20] });
      net.start();
      clientLoad(net, 1, 100, 5, 10, all(4));
      net.runUntil(6000);
      expectAgreement(net, seed);
    }
  });

  it('property: f+1 equivocating primaries on a lossy, partitioned network never make honest replicas disagree', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        pbftOverBudgetScenario(seed);
      }),
      { numRuns: 30, seed: 43 },
    );
  });

  it('property: random Byzantine primaries (≤ f), crashes, partitions, drops never break agreement; after heal it decides', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        pbftFaultScenario(seed);
      }),
      { numRuns: 100, seed: 42 },
    );
  });
});
