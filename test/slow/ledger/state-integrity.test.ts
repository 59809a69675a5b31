/**
 * The state-integrity runs at scale (`npm run test:slow`; BPUSIM_AUDIT_SEEDS and BPUSIM_JOIN_SEEDS
 * override the seed counts): the fast suite's audit experiment over 1,000 seeds with 1,024 buckets
 * and longer runs, and a snapshot join at a random block of each of 100 random channels compared
 * with a replay from genesis, entry by entry.
 */
import { describe, expect, it } from 'vitest';
import { agreedRoot } from '../../../ledger/audit.js';
import { replayBlocks } from '../../../ledger/join.js';
import { MemoryBlockStore } from '../../../ledger/state/block-store.js';
import { RandomStream } from '../../../sim/index.js';
import { commitBlock, freshPeer, integrityNetwork, runAuditSeed, stateEntries } from '../../ledger/_integrity.js';
import type { TxSpec } from '../../ledger/_integrity.js';

describe('state integrity, many seeds', () => {
  it('audit: every corrupt write caught at the next audit block, the right peer and key named; no false alarm', () => {
    const seeds = Number(process.env.BPUSIM_AUDIT_SEEDS ?? 1000);
    const problems: string[] = [];
    for (let seed = 0; seed < seeds; seed += 1) {
      for (const faulty of [true, false])
        problems.push(
          ...runAuditSeed(seed, { blockCount: 24, auditEveryBlocks: 6, bucketCount: 1024, faulty }).problems,
        );
    }
    expect(problems).toEqual([]);
  });

  it('join: snapshot at a random block plus the later blocks equals a replay from genesis', () => {
    const seeds = Number(process.env.BPUSIM_JOIN_SEEDS ?? 100);
    for (let seed = 0; seed < seeds; seed += 1) {
      const rng = new RandomStream('slow-join', seed);
      const net = integrityNetwork({
        seed: `slow-join-${seed}`,
        stores: () => ({ blockStore: new MemoryBlockStore() }),
      });
      const commitment = { bucketCount: 1 << (1 + rng.int(10)) };
      for (const peer of net.peers) peer.enableCommitment(commitment);
      const blockCount = 4 + rng.int(12);
      const snapshotAt = 1 + rng.int(blockCount);
      let snapshot = null;
      for (let block = 1; block <= blockCount; block += 1) {
        const txs: TxSpec[] = [];
        for (let i = rng.int(6); i > 0; i -= 1) {
          txs.push(
            rng.int(2) === 0
              ? [i, 'kv', 'insert', [`s${block}.${i}`, `v${rng.int(1000)}`]]
              : [i, 'kv', 'update', [`user${String(rng.int(40)).padStart(10, '0')}`, `u${rng.int(1000)}`]],
          );
        }
        if (txs.length === 0) txs.push([0, 'donothing', 'noop', []]);
        commitBlock(net, txs);
        if (block === snapshotAt)
          snapshot = net.peers[rng.int(3)]!.exportSnapshot({ rowsPerChunk: 1 + rng.int(64) }).snapshot;
      }
      const joined = freshPeer(net, 'joined', { commitment, blockStore: new MemoryBlockStore() });
      joined.importSnapshot(snapshot!, { commitmentRoot: agreedRoot(net.peers, snapshotAt).root! });
      replayBlocks(joined, net.peers[0]!.blockStore, blockCount);
      const replayed = freshPeer(net, 'replayed', { commitment });
      replayBlocks(replayed, net.peers[0]!.blockStore, blockCount);
      const fingerprint = (p: typeof joined) => [
        p.height,
        p.stateHashHex,
        p.commitmentRootHex,
        p.blockHashHex,
        stateEntries(p.state).join('\n'),
      ];
      expect(fingerprint(joined), `seed ${seed}`).toEqual(fingerprint(replayed));
      expect(fingerprint(joined), `seed ${seed}`).toEqual(fingerprint(net.peers[1]!));
    }
  });
});
