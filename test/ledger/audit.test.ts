/**
 * The consistency audit (ledger/audit.ts) over peers' state commitments: over 100 seeds, a 3-peer
 * network where one random peer corrupts one state write at a random block is caught at the next
 * audit block, the right peer is named, and the drill-down's key range holds the corrupted key;
 * clean runs over the same seeds raise no alarm. Then the edges: two peers (no majority), a peer
 * whose tree does not add up, the work an audit reports (exact for one diverging bucket), the
 * agreed root a joining peer trusts, and refusals of audits that cannot compare.
 */
import { describe, expect, it } from 'vitest';
import { LedgerInputError } from '../../ledger/assert.js';
import { agreedRoot, auditCheckpoints, auditPeers, locateDivergentKeys } from '../../ledger/audit.js';
import { COMMITMENT_NODE_BYTES } from '../../ledger/state/commitment.js';
import { commitBlock, integrityNetwork, runAuditSeed } from './_integrity.js';
import type { TxSpec } from './_integrity.js';

const SEEDS = 100;
const scenario = { blockCount: 12, auditEveryBlocks: 4, bucketCount: 64 };

describe('consistency audit over seeds', () => {
  it(`catches one corrupt write per seed at the next audit block and names the peer and key range (${SEEDS} seeds)`, () => {
    const problems: string[] = [];
    const lags = new Set<number>();
    for (let seed = 0; seed < SEEDS; seed += 1) {
      const outcome = runAuditSeed(seed, { ...scenario, faulty: true });
      problems.push(...outcome.problems);
      if (outcome.corruptBlock !== null && outcome.detectedAtBlock !== null)
        lags.add(outcome.detectedAtBlock - outcome.corruptBlock);
    }
    expect(problems).toEqual([]);
    // The faults landed at different offsets from the audit blocks (0 … 3 blocks before one).
    expect([...lags].sort()).toEqual([0, 1, 2, 3]);
  });

  it(`raises no alarm on clean runs over the same seeds (${SEEDS} seeds)`, () => {
    const problems: string[] = [];
    let audits = 0;
    for (let seed = 0; seed < SEEDS; seed += 1) {
      const outcome = runAuditSeed(seed, { ...scenario, faulty: false });
      problems.push(...outcome.problems);
      audits += outcome.audits;
    }
    expect(problems).toEqual([]);
    expect(audits).toBe(SEEDS * 3);
  });
});

/** A 3-peer network where peer 1 corrupts the write of key `kv\u0000c2` in block 1, audited at block 2. */
function corruptedNetwork(bucketCount = 64) {
  const net = integrityNetwork();
  for (const peer of net.peers) peer.enableCommitment({ bucketCount, checkpointEveryBlocks: 2 });
  net.peers[1]!.injectCorruptWrite({ atBlock: 1, keyIndex: 2, byteIndex: 3, xorMask: 0x80 });
  commitBlock(
    net,
    ['c0', 'c1', 'c2', 'c3'].map((key, i) => [i, 'kv', 'insert', [key, `value-of-${key}`]] as TxSpec),
  );
  commitBlock(net, [[0, 'donothing', 'noop', []]]);
  return net;
}

describe('consistency audit: edges and work', () => {
  it('reports the work exactly for one diverging bucket: log2(B) levels walked, each peer sends 32 + 64·log2(B) bytes', () => {
    const net = corruptedNetwork(64);
    expect(net.peers[1]!.corruptWrites.map((c) => [c.blockNum, c.key])).toEqual([[1, 'kv\u0000c2']]);
    const report = auditPeers(net.peers, 2);
    expect(report.agree).toBe(false);
    expect(report.suspects).toEqual([net.peers[1]!.name]);
    expect(report.malformed).toEqual([]);
    expect(report.divergentBuckets.length).toBe(1);
    const levels = 6;
    expect(report.nodesVisited).toBe(1 + 2 * levels);
    expect(report.digestsCompared).toBe(3 * (1 + 2 * levels));
    for (const receipt of report.peerReceipts.values())
      expect(receipt.messageBytes).toBe(COMMITMENT_NODE_BYTES + levels * 2 * COMMITMENT_NODE_BYTES);
    expect(report.auditorReceipt.integrityHashBytes).toBe(3 * levels * 64);
    expect(report.majorityRoot).toEqual(net.peers[0]!.commitment!.rootAfter(2));
    const keys = locateDivergentKeys(report, net.peers);
    expect(keys.keys.map((k) => [k.namespace, k.chaincodeKey, k.oddPeers])).toEqual([
      ['kv', 'c2', [net.peers[1]!.name]],
    ]);
    expect([keys.minKey, keys.maxKey]).toEqual(['kv\u0000c2', 'kv\u0000c2']);
    for (const peer of net.peers) {
      const receipt = keys.peerReceipts.get(peer.name)!;
      let rows = 0;
      for (const _ of peer.state.range('', '\uffff')) rows += 1;
      expect(receipt.rangeRows).toBe(rows);
      expect(receipt.messageBytes).toBeGreaterThan(0);
      expect(receipt.hashBytes).toBeGreaterThan(0);
    }
    // Clean on every block before the corruption.
    expect(auditPeers(net.peers, 0).agree).toBe(true);
  });

  it('with two peers that disagree, names both (no majority)', () => {
    const net = corruptedNetwork();
    const pair = [net.peers[0]!, net.peers[1]!];
    const report = auditPeers(pair, 2);
    expect(report.agree).toBe(false);
    expect(report.majorityRoot).toBeNull();
    expect(report.suspects).toEqual(pair.map((p) => p.name));
    expect(report.divergentBuckets[0]!.oddPeers).toEqual(pair.map((p) => p.name));
    const keys = locateDivergentKeys(report, pair);
    expect(keys.keys.map((k) => k.chaincodeKey)).toEqual(['c2']);
    expect(keys.peers).toEqual(pair.map((p) => p.name));
  });

  it('names a peer whose tree does not hash up to the root it sent', () => {
    const net = integrityNetwork();
    for (const peer of net.peers) peer.enableCommitment({ bucketCount: 16 });
    commitBlock(net, [[0, 'kv', 'insert', ['m', 'x']]]);
    const participants = net.peers.map((peer) => ({
      peer: peer.name,
      checkpoint: peer.commitment!.currentCheckpoint(),
    }));
    const liar = participants[2]!;
    liar.checkpoint.tree[COMMITMENT_NODE_BYTES] = (liar.checkpoint.tree[COMMITMENT_NODE_BYTES] ?? 0) ^ 1; // its root
    const report = auditCheckpoints(participants);
    expect(report.agree).toBe(false);
    expect(report.malformed).toEqual([liar.peer]);
    expect(report.suspects).toEqual([liar.peer]);
    expect(report.divergentBuckets).toEqual([]);
  });

  it('agrees on the root a majority holds (what a joining peer trusts)', () => {
    const net = corruptedNetwork();
    const agreed = agreedRoot(net.peers, 2);
    expect(agreed.root).toEqual(net.peers[0]!.commitment!.rootAfter(2));
    expect(agreed.agreeing).toEqual([net.peers[0]!.name, net.peers[2]!.name]);
    expect(agreed.dissenting).toEqual([net.peers[1]!.name]);
    expect(agreedRoot(net.peers, 0).dissenting).toEqual([]);
    // A block no peer kept a root for has no majority.
    expect(agreedRoot(net.peers, 99).root).toBeNull();
  });

  it('refuses audits that cannot compare, with what was expected', () => {
    const net = corruptedNetwork();
    const [a, b] = net.peers;
    expect(() => auditCheckpoints([{ peer: a!.name, checkpoint: a!.commitment!.checkpointAfter(2)! }])).toThrow(
      /at least two peers/,
    );
    expect(() =>
      auditCheckpoints([
        { peer: a!.name, checkpoint: a!.commitment!.checkpointAfter(2)! },
        { peer: b!.name, checkpoint: b!.commitment!.checkpointAfter(0)! },
      ]),
    ).toThrow(/after block 0/);
    expect(() => auditPeers(net.peers, 1)).toThrow(/kept no checkpoint after block 1 \(kept: 0, 2\)/);
    const report = auditPeers(net.peers, 2);
    commitBlock(net, [[0, 'donothing', 'noop', []]], [a!]);
    expect(() => locateDivergentKeys(report, net.peers)).toThrow(LedgerInputError);
    expect(() => locateDivergentKeys(report, net.peers)).toThrow(/same height/);
  });
});
