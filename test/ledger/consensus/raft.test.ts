/**
 * Raft as a time-free state machine, driven by the seeded test network (_net.ts): election,
 * replication and in-order decisions; a leader crash and restart from persisted state; f crashed of
 * 2f+1; a partitioned leader and heal; a lossy, duplicating network; batching by count and by the
 * batch timer; determinism; and with f+1 crashed it stops deciding. Every failure names its seed.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ConsensusNode, NodeId } from '../../../ledger/consensus/types.js';
import { type TestNet, clientLoad, envelope } from './_net.js';
import { raftFaultScenario, raftNet, toLeaderOrAny } from './_scenarios.js';

function decidedEnvelopes(net: TestNet, id: NodeId): number {
  let count = 0;
  for (const batchDecided of net.decided[id]?.values() ?? []) count += batchDecided.envelopes.length;
  return count;
}

describe('raft', () => {
  it('elects one leader and every node decides the same batches in order', () => {
    const seed = 1;
    const net = raftNet(seed, 3);
    net.start();
    clientLoad(net, 1, 200, 2, 400, toLeaderOrAny(net));
    net.runUntil(3000);
    expect(net.violations, `seed ${seed}`).toEqual([]);
    expect(net.nodes.filter((node) => node?.isLeader()).length).toBe(1);
    for (let id = 0; id < 3; id += 1) expect(decidedEnvelopes(net, id), `seed ${seed} node ${id}`).toBe(200);
    expect(net.minHonestHeight()).toBeGreaterThanOrEqual(20);
  });

  it('a single node (n = 1) elects itself and decides alone', () => {
    const net = raftNet(10, 1);
    net.start();
    clientLoad(net, 1, 25, 1, 400, () => 0);
    net.runUntil(1000);
    expect(net.nodes[0]?.isLeader()).toBe(true);
    expect(decidedEnvelopes(net, 0)).toBe(25);
  });

  it('cuts batches at MaxMessageCount and by the batch timer', () => {
    const net = raftNet(2, 3);
    net.start();
    net.runUntil(1000);
    const leader = net.leader();
    expect(leader).toBeGreaterThanOrEqual(0);
    for (let i = 0; i < 23; i += 1) net.submit(leader, envelope(9, i));
    net.runUntil(1100);
    const sizes = [...(net.decided[leader]?.values() ?? [])].map((b) => b.envelopes.length);
    expect(sizes).toEqual([10, 10, 3]);
  });

  it('with signed messages, counts one sign per message and one verify per receipt', () => {
    const net = raftNet(3, 3, {}, true);
    const node = net.nodes[0] as ConsensusNode;
    const effects = node.timer('election');
    expect(effects.sends.length).toBe(2);
    expect(effects.receipt.signs.ed25519).toBe(1);
    const first = effects.sends[0];
    if (first === undefined) throw new Error('no send');
    const reply = (net.nodes[1] as ConsensusNode).receive(first.message);
    expect(reply.receipt.verifies.ed25519).toBe(1);
    expect(reply.receipt.consensusMessages).toBe(1);
    expect(reply.receipt.decodeBytes).toBe(effects.sends[0]?.sizeBytes);
  });

  it('survives a leader crash, and the restarted node catches up from its persisted state', () => {
    const seed = 4;
    const net = raftNet(seed, 5);
    net.start();
    clientLoad(net, 1, 300, 3, 400, toLeaderOrAny(net));
    let crashed = -1;
    net.at(700, () => {
      crashed = net.leader();
      net.crash(crashed);
    });
    net.at(1600, () => net.restart(crashed));
    net.runUntil(4000);
    expect(net.violations, `seed ${seed}`).toEqual([]);
    expect(crashed).toBeGreaterThanOrEqual(0);
    const heights = net.decided.map((d) => d.size);
    expect(new Set(heights).size, `seed ${seed}: heights ${heights}`).toBe(1);
    expect(heights[0]).toBeGreaterThan(20);
  });

  it('tolerates f crashed of 2f+1 (f = 2) and stops deciding with f+1 crashed', () => {
    const net = raftNet(5, 5);
    net.crash(3);
    net.crash(4);
    net.start();
    clientLoad(net, 1, 100, 3, 400, () => [0, 1, 2]);
    net.runUntil(3000);
    expect(net.violations).toEqual([]);
    expect(net.minHonestHeight([0, 1, 2])).toBeGreaterThanOrEqual(10);
    const before = net.height(0);
    net.crash(2);
    clientLoad(net, 2, 100, 3, 3100, () => [0, 1]);
    net.runUntil(8000);
    expect(net.height(0)).toBe(before);
    expect(net.height(1)).toBe(before);
    expect(net.violations).toEqual([]);
  });

  it('a partitioned leader steps down; after heal all converge', () => {
    const seed = 6;
    const net = raftNet(seed, 5);
    net.start();
    clientLoad(net, 1, 400, 5, 400, toLeaderOrAny(net));
    let old = -1;
    net.at(800, () => {
      old = net.leader();
      const rest = [0, 1, 2, 3, 4].filter((id) => id !== old);
      net.partition([[old], rest]);
    });
    net.at(2000, () => {
      expect(net.nodes[old]?.isLeader(), `seed ${seed}: isolated leader still leads`).toBe(false);
      net.heal();
    });
    net.runUntil(5000);
    expect(net.violations, `seed ${seed}`).toEqual([]);
    const heights = net.decided.map((d) => d.size);
    expect(new Set(heights).size, `seed ${seed}: heights ${heights}`).toBe(1);
  });

  it('agrees and progresses on a lossy, duplicating, reordering network', () => {
    const seed = 7;
    const net = raftNet(seed, 5, { dropRate: 0.1, duplicateRate: 0.1, latencyMs: [1, 40] });
    net.start();
    clientLoad(net, 1, 300, 5, 400, toLeaderOrAny(net));
    net.runUntil(8000);
    expect(net.violations, `seed ${seed}`).toEqual([]);
    expect(net.minHonestHeight(), `seed ${seed}`).toBeGreaterThan(10);
  });

  it('is deterministic: same seed, same decisions and messages', () => {
    const run = () => {
      const net = raftNet(8, 3, { dropRate: 0.05, latencyMs: [1, 30] });
      net.start();
      clientLoad(net, 1, 100, 3, 300, toLeaderOrAny(net));
      net.runUntil(3000);
      return {
        digests: net.decided.map((d) => [...d.values()].map((b) => b.digest)),
        delivered: net.delivered,
        sent: net.sent,
      };
    };
    expect(run()).toEqual(run());
  });

  it('property: random crashes, partitions, drops and duplicates never break agreement; heals decide again', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), (seed) => {
        raftFaultScenario(seed);
      }),
      { numRuns: 100, seed: 42 },
    );
  });
});
