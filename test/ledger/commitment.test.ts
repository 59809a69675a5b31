/**
 * The state commitment (ledger/state/commitment.ts): kept incrementally on the commit path, it must
 * equal a from-scratch recomputation over the state — block by block under random writes, overwrites
 * and deletes (unit level, several bucket counts), and over a real network's state after N blocks,
 * including the root kept for an earlier block. Also: the commit receipt counts the commitment's
 * hashing (and nothing for a block that writes nothing); the commitment is rebuilt on open after a
 * restart (LMDB) and refuses a state changed behind the peer's back; range hashes; retention limits;
 * bucket spread; option checks. Seeds are printed in failure messages.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LedgerAssertionError, LedgerInputError } from '../../ledger/assert.js';
import { Peer } from '../../ledger/peer.js';
import { emptyReceipt } from '../../ledger/receipt.js';
import {
  STATE_KEY_END,
  StateCommitment,
  bucketOfKey,
  checkpointBucket,
  checkpointRoot,
  rangeContentHash,
} from '../../ledger/state/commitment.js';
import { LmdbWorldState } from '../../ledger/state/lmdb-state.js';
import { MemoryWorldState } from '../../ledger/state/memory-state.js';
import { StateHash, entryDigest } from '../../ledger/state/state-hash.js';
import { runVerifyJobs } from '../../ledger/verify-job.js';
import { RandomStream } from '../../sim/index.js';
import { commitBlock, freshPeer, integrityNetwork, rootHex } from './_integrity.js';
import type { TxSpec } from './_integrity.js';

const root = mkdtempSync(join(tmpdir(), 'bpusim-commitment-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

/** A commitment built from scratch over a plain map, sealed at `blockNum`. */
function fromScratch(entries: ReadonlyMap<string, Uint8Array>, bucketCount: number, blockNum: number): StateCommitment {
  const state = new MemoryWorldState();
  state.commit({
    updates: [...entries].map(([key, value]) => ({ key, value, version: { blockNum: 0, txNum: 0 } })),
    txIds: [],
    savepoint: { blockNum, stateHashLanes: new Uint8Array(32), blockHash: new Uint8Array(32) },
  });
  return StateCommitment.fromState(state, blockNum, { bucketCount }, emptyReceipt()).commitment;
}

/** Random kv writes for one block: fresh inserts and updates of the kv records (some twice). */
function randomTxs(rng: RandomStream, block: number, count: number): TxSpec[] {
  const txs: TxSpec[] = [];
  for (let i = 0; i < count; i += 1) {
    if (rng.int(2) === 0) txs.push([i, 'kv', 'insert', [`k${block}_${i}`, `v${rng.int(1000)}`]]);
    else txs.push([i, 'kv', 'update', [`user${String(rng.int(40)).padStart(10, '0')}`, `u${block}_${i}`]]);
  }
  return txs;
}

describe('state commitment: incremental equals batch', () => {
  it('block by block under random adds, overwrites and deletes, for 2, 16 and 1,024 buckets', () => {
    for (const bucketCount of [2, 16, 1024]) {
      for (let seed = 0; seed < 10; seed += 1) {
        const rng = new RandomStream(`commitment-unit-${bucketCount}`, seed);
        const incremental = new StateCommitment({ bucketCount });
        const live = new Map<string, Uint8Array>();
        const receipt = emptyReceipt();
        for (let blockNum = 0; blockNum < 12; blockNum += 1) {
          const writes = rng.int(20);
          for (let w = 0; w < writes; w += 1) {
            const key = `ns\u0000key${rng.int(40)}`;
            const old = live.get(key);
            if (old !== undefined) incremental.remove(key, entryDigest(key, old, receipt));
            if (rng.int(5) === 0) {
              live.delete(key);
              continue;
            }
            const value = Uint8Array.of(rng.int(256), rng.int(256), rng.int(256));
            incremental.add(key, entryDigest(key, value, receipt));
            live.set(key, value);
          }
          incremental.seal(blockNum, receipt);
          const batch = fromScratch(live, bucketCount, blockNum);
          expect(hex(incremental.root), `buckets ${bucketCount} seed ${seed} block ${blockNum}`).toBe(hex(batch.root));
          expect(
            hex(incremental.currentCheckpoint().tree),
            `buckets ${bucketCount} seed ${seed} block ${blockNum}: whole tree`,
          ).toBe(hex(batch.currentCheckpoint().tree));
        }
        // Emptied of every entry, the commitment is the empty one again (additive: nothing left over).
        for (const [key, value] of live) incremental.remove(key, entryDigest(key, value, receipt));
        incremental.seal(12, receipt);
        expect(hex(incremental.root), `buckets ${bucketCount} seed ${seed}: emptied`).toBe(
          hex(fromScratch(new Map(), bucketCount, 0).root),
        );
      }
    }
  });

  it("a network's commitments after N blocks equal a recomputation over the state, and so does an earlier block's kept root", () => {
    for (const seed of [1, 2, 3]) {
      const net = integrityNetwork({ seed: `commitment-${seed}` });
      for (const peer of net.peers) peer.enableCommitment({ bucketCount: 64 });
      const rng = new RandomStream('commitment-net', seed);
      const earlyBlock = 4;
      let earlyRoot = '';
      for (let block = 1; block <= 9; block += 1) {
        commitBlock(net, randomTxs(rng, block, 1 + rng.int(6)));
        if (block === earlyBlock)
          earlyRoot = hex(
            StateCommitment.fromState(net.peers[0]!.state, block, { bucketCount: 64 }, emptyReceipt()).commitment.root,
          );
      }
      const peer = net.peers[0]!;
      const recomputed = StateCommitment.fromState(
        peer.state,
        peer.height - 1,
        { bucketCount: 64 },
        emptyReceipt(),
      ).commitment;
      expect(rootHex(peer.commitment), `seed ${seed}`).toBe(hex(recomputed.root));
      expect(new Set(net.peers.map((p) => p.commitmentRootHex)).size, `seed ${seed}: peers agree`).toBe(1);
      expect(hex(peer.commitment!.rootAfter(earlyBlock)!), `seed ${seed}: kept root of block ${earlyBlock}`).toBe(
        earlyRoot,
      );
      expect(earlyRoot, `seed ${seed}: the state changed since block ${earlyBlock}`).not.toBe(rootHex(peer.commitment));
      // The buckets add up the same entry digests as the running state hash.
      expect(hex(peer.commitment!.lanesSum()), `seed ${seed}`).toBe(hex(peer.stateHashLanes));
    }
  });
});

describe('state commitment: on the commit path', () => {
  it('the commit receipt counts the tree hashing, and nothing for a block that writes nothing', () => {
    const net = integrityNetwork();
    const bucketCount = 256;
    net.peers[0]!.enableCommitment({ bucketCount });
    const [withCommitment, without] = [net.peers[0]!, net.peers[2]!];
    const follower = freshPeer(net, 'follower', { commitment: { bucketCount } });
    follower.validateAndCommit(net.genesisBlock);
    const writes = commitBlock(
      net,
      [0, 1, 2, 3, 4].map((i) => [i, 'kv', 'insert', [`fresh${i}`, 'x']] as TxSpec),
      [...net.peers, follower],
    );
    // Replay the same block at a fresh pair of peers, one with and one without, to compare receipts.
    const a = freshPeer(net, 'a', { commitment: { bucketCount } });
    const b = freshPeer(net, 'b');
    for (const peer of [a, b]) peer.validateAndCommit(net.genesisBlock);
    const withReceipt = a.validateAndCommit(writes).receipt;
    const withoutReceipt = b.validateAndCommit(writes).receipt;
    const extra = withReceipt.integrityHashBytes - withoutReceipt.integrityHashBytes;
    expect(withReceipt.hashBytes).toBe(withoutReceipt.hashBytes);
    // Five keys dirty at most five leaf-to-root paths of log2(256) = 8 inner nodes, 64 bytes each.
    expect(extra).toBeGreaterThanOrEqual(8 * 64);
    expect(extra).toBeLessThanOrEqual(5 * 8 * 64);
    expect(extra % 64).toBe(0);
    expect(withReceipt.stateReads).toBe(withoutReceipt.stateReads);
    const idle = commitBlock(net, [[0, 'donothing', 'noop', []]], []);
    expect(a.validateAndCommit(idle).receipt.integrityHashBytes).toBe(
      b.validateAndCommit(idle).receipt.integrityHashBytes,
    );
    expect(a.commitment!.rootAfter(2)).toEqual(a.commitment!.rootAfter(1));
    expect(withCommitment.commitmentRootHex).toBe(follower.commitmentRootHex);
    expect(without.commitmentRootHex).toBeNull();
  });

  it('rebuilds on open after a restart (LMDB) by one counted scan, and carries on with the same roots', () => {
    const net = integrityNetwork();
    const path = join(root, 'restart');
    const options = { bucketCount: 128 };
    let peer = freshPeer(net, 'durable', { state: new LmdbWorldState(path), commitment: options });
    peer.validateAndCommit(net.genesisBlock);
    const rng = new RandomStream('restart', 7);
    for (let block = 1; block <= 5; block += 1) commitBlock(net, randomTxs(rng, block, 4), [...net.peers, peer]);
    const before = rootHex(peer.commitment);
    const identity = peer.identity;
    peer.close();
    peer = new Peer({
      identity,
      config: net.config,
      crypto: net.crypto,
      state: new LmdbWorldState(path),
      commitment: options,
    });
    expect(peer.height).toBe(6);
    expect(rootHex(peer.commitment)).toBe(before);
    let rows = 0;
    for (const _ of peer.state.range('', STATE_KEY_END)) rows += 1;
    expect(peer.openReceipt.rangeRows).toBe(rows);
    expect(peer.openReceipt.hashBytes).toBeGreaterThan(0);
    expect(peer.openReceipt.integrityHashBytes).toBeGreaterThanOrEqual(127 * 64);
    // Roots before the restart are not kept; from the restart on they are.
    expect(peer.commitment!.rootAfter(4)).toBeNull();
    for (let block = 6; block <= 7; block += 1) commitBlock(net, randomTxs(rng, block, 4), [...net.peers, peer]);
    const reference = StateCommitment.fromState(net.peers[0]!.state, 7, options, emptyReceipt()).commitment;
    expect(rootHex(peer.commitment)).toBe(hex(reference.root));
    expect(peer.stateHashHex).toBe(net.peers[0]!.stateHashHex);
    peer.close();
  });

  it('keeps the same root on the pipelined path (deferred commits, LMDB write-behind), before and after the writes land', async () => {
    const net = integrityNetwork();
    const path = join(root, 'deferred');
    const options = { bucketCount: 64 };
    const deferred = freshPeer(net, 'deferred', { state: new LmdbWorldState(path), commitment: options });
    const inline = freshPeer(net, 'inline', { commitment: options });
    for (const peer of [deferred, inline]) peer.validateAndCommit(net.genesisBlock);
    const rng = new RandomStream('deferred', 3);
    const persisted: Promise<void>[] = [];
    for (let block = 1; block <= 4; block += 1) {
      const written = commitBlock(net, randomTxs(rng, block, 4), [inline]);
      const receipt = emptyReceipt();
      const prepared = deferred.prepare(written, receipt);
      const commit = deferred.commitPreparedDeferred(prepared, runVerifyJobs(net.crypto, null, prepared.jobs), receipt);
      persisted.push(commit.statePersisted);
      // Visible at once, although LMDB may not have written it yet.
      expect(commit.result.commitmentRoot, `block ${block}`).toBe(inline.commitmentRootHex);
      expect(hex(deferred.exportSnapshot().snapshot.commitmentRoot)).toBe(rootHex(inline.commitment));
    }
    await Promise.all(persisted);
    const identity = deferred.identity;
    deferred.close();
    const reopened = new Peer({
      identity,
      config: net.config,
      crypto: net.crypto,
      state: new LmdbWorldState(path),
      commitment: options,
    });
    expect(reopened.commitmentRootHex).toBe(inline.commitmentRootHex);
    reopened.close();
  });

  it('refuses to open over a state changed behind its savepoint', () => {
    const net = integrityNetwork();
    const state = new MemoryWorldState();
    const peer = freshPeer(net, 'victim', { state });
    peer.validateAndCommit(net.genesisBlock);
    commitBlock(net, [[0, 'kv', 'insert', ['a', '1']]], [...net.peers, peer]);
    const key = 'kv\u0000a';
    const entry = state.get(key)!;
    state.commit({
      updates: [{ key, value: Uint8Array.of(0x32), version: entry.version }],
      txIds: [],
      savepoint: state.savepoint()!,
    });
    expect(() => freshPeer(net, 'victim', { state, commitment: {} })).toThrow(LedgerAssertionError);
    expect(() => freshPeer(net, 'victim', { state, commitment: {} })).toThrow(/does not match the peer's state hash/);
  });
});

describe('state commitment: roots only at checkpoint blocks (rootEveryBlock: false)', () => {
  it('costs no tree hashing between checkpoints, and its roots equal the every-block ones where kept', () => {
    const net = integrityNetwork();
    const every = { bucketCount: 256, checkpointEveryBlocks: 4 };
    const sparse = { ...every, rootEveryBlock: false };
    const [a, b, c] = ['every', 'sparse', 'none'].map((name) =>
      freshPeer(net, name, name === 'every' ? { commitment: every } : name === 'sparse' ? { commitment: sparse } : {}),
    );
    const peers = [a!, b!, c!];
    for (const peer of peers) peer.validateAndCommit(net.genesisBlock);
    const rng = new RandomStream('sparse', 1);
    for (let block = 1; block <= 9; block += 1) {
      const written = commitBlock(net, randomTxs(rng, block, 3), net.peers);
      const [withEvery, withSparse, without] = peers.map((peer) => peer.validateAndCommit(written));
      const checkpointBlock = block % 4 === 0;
      expect(withSparse!.commitmentRoot, `block ${block}`).toBe(checkpointBlock ? withEvery!.commitmentRoot : null);
      if (!checkpointBlock)
        expect(withSparse!.receipt.integrityHashBytes, `block ${block}: no tree work`).toBe(
          without!.receipt.integrityHashBytes,
        );
      else
        expect(
          withSparse!.receipt.integrityHashBytes,
          `block ${block}: the interval's tree work at once`,
        ).toBeGreaterThan(without!.receipt.integrityHashBytes);
    }
    const sparseCommitment = b!.commitment!;
    expect(sparseCommitment.rootAfter(7)).toBeNull();
    expect(hex(sparseCommitment.rootAfter(8)!)).toBe(hex(a!.commitment!.rootAfter(8)!));
    expect(sparseCommitment.rootIsCurrent).toBe(false);
    expect(() => sparseCommitment.root).toThrow(/use rootNow/);
    // Asked for, the root of block 9 is computed (and counted) and then kept.
    const receipt = emptyReceipt();
    expect(hex(sparseCommitment.rootNow(receipt))).toBe(rootHex(a!.commitment));
    expect(receipt.integrityHashBytes).toBeGreaterThan(0);
    expect(hex(sparseCommitment.rootAfter(9)!)).toBe(rootHex(a!.commitment));
    expect(b!.commitmentRootHex).toBe(a!.commitmentRootHex);
    // A snapshot from it carries the same root; its audit checkpoints compare with the others'.
    expect(hex(b!.exportSnapshot().snapshot.commitmentRoot)).toBe(rootHex(a!.commitment));
    expect(hex(sparseCommitment.checkpointAfter(8)!.tree)).toBe(hex(a!.commitment!.checkpointAfter(8)!.tree));
  });
});

describe('state commitment: range hashes, retention, buckets, options', () => {
  it('hashes key ranges by scan: the whole range is the state hash; a corrupt write shows only in ranges holding its key', () => {
    const net = integrityNetwork();
    net.peers[1]!.injectCorruptWrite({ atBlock: 1, keyIndex: 1 });
    commitBlock(
      net,
      ['m1', 'm2', 'm3'].map((k, i) => [i, 'kv', 'insert', [k, `value-${k}`]] as TxSpec),
    );
    const corrupted = net.peers[1]!.corruptWrites[0]!;
    expect(corrupted.key).toBe('kv\u0000m2');
    const whole = net.peers[0]!.stateRangeHash('', STATE_KEY_END);
    expect(hex(whole.digest)).toBe(net.peers[0]!.stateHashHex);
    expect(whole.receipt.rangeRows).toBe(whole.rowCount);
    expect(whole.rowCount).toBeGreaterThan(40);
    const range = (peerIndex: number, start: string, end: string) =>
      hex(net.peers[peerIndex]!.stateRangeHash(start, end).digest);
    expect(range(0, 'kv\u0000m2', 'kv\u0000m3')).not.toBe(range(1, 'kv\u0000m2', 'kv\u0000m3'));
    expect(range(0, 'kv\u0000m2', 'kv\u0000m3')).toBe(range(2, 'kv\u0000m2', 'kv\u0000m3'));
    expect(range(0, 'kv\u0000a', 'kv\u0000m2')).toBe(range(1, 'kv\u0000a', 'kv\u0000m2'));
    expect(range(0, 'kv\u0000m3', STATE_KEY_END)).toBe(range(1, 'kv\u0000m3', STATE_KEY_END));
    const receipt = emptyReceipt();
    expect(rangeContentHash(net.peers[0]!.state, 'kv\u0000m1', 'kv\u0000m4', receipt).rowCount).toBe(3);
    expect(receipt.rangeRows).toBe(3);
    expect(() => net.peers[0]!.stateRangeHash('b', 'a')).toThrow(LedgerInputError);
  });

  it('keeps the most recent periodic checkpoints and explicit retains, and a bounded root history', () => {
    const commitment = new StateCommitment({
      bucketCount: 4,
      checkpointEveryBlocks: 10,
      checkpointsKept: 2,
      rootHistoryBlocks: 1000,
    });
    const receipt = emptyReceipt();
    commitment.retain(15);
    for (let blockNum = 0; blockNum < 3000; blockNum += 1) {
      commitment.add(`ns\u0000k${blockNum}`, entryDigest(`ns\u0000k${blockNum}`, Uint8Array.of(1), receipt));
      commitment.seal(blockNum, receipt);
      if (blockNum === 20) commitment.retain(20);
    }
    expect(commitment.keptCheckpoints()).toEqual([15, 20, 2980, 2990]);
    const kept = commitment.checkpointAfter(2990)!;
    expect(hex(checkpointRoot(kept))).toBe(hex(commitment.rootAfter(2990)!));
    expect(checkpointBucket(kept, 3).length).toBe(32);
    expect(() => commitment.retain(30)).toThrow(/was not kept/);
    commitment.release(15);
    expect(commitment.checkpointAfter(15)).toBeNull();
    // At least the last 1,000 roots, dropped in whole chunks of 1,024.
    expect(commitment.rootAfter(1999)).not.toBeNull();
    expect(commitment.rootAfter(0)).toBeNull();
    expect(commitment.oldestRootBlockNum).toBeLessThanOrEqual(2000);
    expect(commitment.rootAfter(3000)).toBeNull();
    expect(() => commitment.seal(2999, receipt)).toThrow(LedgerAssertionError);
  });

  it('spreads keys evenly over the buckets, and its work on empty blocks is zero', () => {
    const counts = new Array<number>(64).fill(0);
    for (let i = 0; i < 64_000; i += 1) counts[bucketOfKey(`kv\u0000user${String(i).padStart(10, '0')}`, 64)]! += 1;
    expect(Math.min(...counts)).toBeGreaterThan(800);
    expect(Math.max(...counts)).toBeLessThan(1200);
    const commitment = new StateCommitment({ bucketCount: 1024 });
    const first = emptyReceipt();
    commitment.seal(0, first);
    expect(first.integrityHashBytes).toBe(1023 * 64);
    const second = emptyReceipt();
    commitment.seal(1, second);
    expect(second.integrityHashBytes).toBe(0);
    const acc = new StateHash();
    expect(hex(commitment.lanesSum())).toBe(hex(acc.lanesBytes()));
  });

  it('refuses bad options with the field and what is allowed', () => {
    expect(() => new StateCommitment({ bucketCount: 1000 })).toThrow(
      /bucketCount: expected a power of two in \[2, 1048576\], got 1000/,
    );
    expect(() => new StateCommitment({ bucketCount: 1 })).toThrow(LedgerInputError);
    expect(() => new StateCommitment({ checkpointEveryBlocks: -1 })).toThrow(/checkpointEveryBlocks/);
    expect(() => new StateCommitment({ rootHistoryBlocks: 0 })).toThrow(/rootHistoryBlocks/);
    const net = integrityNetwork();
    net.peers[0]!.enableCommitment();
    expect(() => net.peers[0]!.enableCommitment()).toThrow(/already kept/);
    expect(() => net.peers[0]!.injectCorruptWrite({ atBlock: 0 })).toThrow(/already committed/);
    expect(() => net.peers[0]!.injectCorruptWrite({ atBlock: 5, xorMask: 0 })).toThrow(/xorMask/);
  });
});
