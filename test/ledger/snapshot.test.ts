/**
 * State snapshots and peer join (ledger/state/snapshot.ts, Peer.importSnapshot, ledger/join.ts): a
 * peer joined from a snapshot plus the blocks after it ends exactly where a peer that replayed every
 * block from genesis ends — state hash, commitment root, block hash, every entry and the tx-id index
 * (a resubmitted old transaction is a DUPLICATE_TXID at both) — with memory and with LMDB state, and
 * survives a restart. The snapshot's bytes do not depend on the store, and its receipts count exactly
 * what was encoded, decoded and written. Tampered snapshots (a value changed, a wrong claimed root, a
 * wrong state hash, damaged tx ids, a self-consistent snapshot of a corrupt state) are refused with
 * SnapshotVerificationError before anything is written, and `joinPeer` then falls back to replay and
 * still reaches the channel's state.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LedgerInputError } from '../../ledger/assert.js';
import { agreedRoot } from '../../ledger/audit.js';
import { decode, encode } from '../../ledger/codec.js';
import type { Canonical } from '../../ledger/codec.js';
import { joinPeer, replayBlocks } from '../../ledger/join.js';
import { Peer } from '../../ledger/peer.js';
import { emptyReceipt } from '../../ledger/receipt.js';
import { FileBlockStore } from '../../ledger/state/block-file.js';
import { MemoryBlockStore } from '../../ledger/state/block-store.js';
import { LmdbWorldState } from '../../ledger/state/lmdb-state.js';
import { MemoryWorldState } from '../../ledger/state/memory-state.js';
import { SNAPSHOT_FORMAT, SnapshotVerificationError } from '../../ledger/state/snapshot.js';
import type { StateSnapshot } from '../../ledger/state/snapshot.js';
import type { WorldState } from '../../ledger/state/world-state.js';
import { ValidationCode } from '../../ledger/validation-code.js';
import { RandomStream } from '../../sim/index.js';
import { commitBlock, freshPeer, integrityNetwork, rootHex, stateEntries } from './_integrity.js';
import type { TxSpec } from './_integrity.js';

const dir = mkdtempSync(join(tmpdir(), 'bpusim-snapshot-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => join(dir, `s${dirCount++}`);

const commitment = { bucketCount: 128 };
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

function randomTxs(rng: RandomStream, block: number): TxSpec[] {
  const txs: TxSpec[] = [];
  const count = 1 + rng.int(5);
  for (let i = 0; i < count; i += 1) {
    if (rng.int(3) === 0)
      txs.push([i, 'kv', 'update', [`user${String(rng.int(40)).padStart(10, '0')}`, `u${block}.${i}`]]);
    else txs.push([i, 'kv', 'insert', [`b${block}t${i}`, `v${rng.int(10_000)}`]]);
  }
  return txs;
}

/** A 3-peer network keeping commitments and whole block stores, `blocks` blocks past genesis. */
function channel(seed: number, blocks: number) {
  const net = integrityNetwork({ seed: `snapshot-${seed}`, stores: () => ({ blockStore: new MemoryBlockStore() }) });
  for (const peer of net.peers) peer.enableCommitment(commitment);
  const rng = new RandomStream('snapshot', seed);
  for (let block = 1; block <= blocks; block += 1) commitBlock(net, randomTxs(rng, block));
  return { net, rng, source: net.peers[0]! };
}

function fingerprint(peer: Peer) {
  return {
    height: peer.height,
    stateHash: peer.stateHashHex,
    root: peer.commitmentRootHex,
    blockHash: peer.blockHashHex,
  };
}

const txIdsOf = (state: WorldState) => [...state.txIds()].sort();

/** A copy of `snapshot` with some fields replaced and its header re-encoded to match (a consistent lie). */
function reclaim(
  snapshot: StateSnapshot,
  patch: Partial<Pick<StateSnapshot, 'stateChunks' | 'txIdChunks' | 'commitmentRoot' | 'stateHashLanes'>>,
): StateSnapshot {
  const next = { ...snapshot, ...patch };
  const header = encode(
    [
      SNAPSHOT_FORMAT,
      next.channelId,
      next.blockNum,
      next.blockHash,
      next.stateHashLanes,
      next.bucketCount,
      next.commitmentRoot,
      next.entryCount,
      next.txIdCount,
      next.txIdsDigest,
    ],
    emptyReceipt(),
  );
  let sizeBytes = header.length;
  for (const chunk of [...next.stateChunks, ...next.txIdChunks]) sizeBytes += chunk.length;
  return { ...next, header, sizeBytes };
}

/** The snapshot with one byte of one row's value flipped (the chunk re-encoded, the claims kept). */
function changeOneValue(snapshot: StateSnapshot, chunkIndex: number, rowIndex: number): StateSnapshot {
  const decoded = decodeChunk(snapshot.stateChunks[chunkIndex]!) as unknown[][];
  const value = decoded[rowIndex]![1] as Uint8Array;
  const changed = Uint8Array.from(value);
  changed[0] = (changed[0] ?? 0) ^ 0x20;
  decoded[rowIndex]![1] = changed;
  const stateChunks = snapshot.stateChunks.slice();
  stateChunks[chunkIndex] = encode(decoded as Canonical[], emptyReceipt());
  return { ...snapshot, stateChunks };
}

const decodeChunk = (chunk: Uint8Array): unknown => decode(chunk, emptyReceipt());

describe('snapshot plus later blocks equals replay from genesis', () => {
  for (const kind of ['memory', 'lmdb'] as const) {
    it(`with ${kind} state: hashes, commitment root, every entry and the tx-id index agree, and it survives a restart`, () => {
      const openState = (): WorldState => (kind === 'memory' ? new MemoryWorldState() : new LmdbWorldState(freshDir()));
      const { net, rng, source } = channel(kind === 'memory' ? 1 : 2, 6);
      const { snapshot } = source.exportSnapshot({ rowsPerChunk: 16 });
      const trusted = agreedRoot(net.peers, 6).root!;
      for (let block = 7; block <= 12; block += 1) commitBlock(net, randomTxs(rng, block));

      const lmdbPath = kind === 'lmdb' ? freshDir() : '';
      const fromSnapshot = freshPeer(net, 'joined', {
        state: kind === 'lmdb' ? new LmdbWorldState(lmdbPath) : openState(),
        commitment,
        blockStore: new MemoryBlockStore(),
      });
      // The block hash is trusted from the block after the snapshot, which chains to it.
      const importReceipt = fromSnapshot.importSnapshot(snapshot, {
        commitmentRoot: trusted,
        blockHash: source.blockStore.read(7, emptyReceipt()).header.previousHash,
      });
      expect(fromSnapshot.height).toBe(7);
      const after = replayBlocks(fromSnapshot, source.blockStore, 12);
      expect(after.blockCount).toBe(6);
      const fromGenesis = freshPeer(net, 'replayed', { state: openState(), commitment });
      expect(replayBlocks(fromGenesis, source.blockStore, 12).blockCount).toBe(13);

      for (const peer of [fromSnapshot, fromGenesis]) {
        expect(fingerprint(peer), peer.name).toEqual(fingerprint(source));
        expect(stateEntries(peer.state), peer.name).toEqual(stateEntries(source.state));
        expect(txIdsOf(peer.state), peer.name).toEqual(txIdsOf(source.state));
      }
      expect(importReceipt.stateWrites).toBe(snapshot.entryCount + snapshot.txIdCount);
      expect(importReceipt.decodeBytes).toBe(snapshot.sizeBytes);
      // The joined peer holds blocks from the snapshot on, not before.
      expect(fromSnapshot.blockStore.height()).toBe(13);
      expect(fromSnapshot.blockStore.read(7, emptyReceipt()).header.number).toBe(7);
      expect(() => fromSnapshot.blockStore.read(6, emptyReceipt())).toThrow(/precedes the first block held/);

      // An old transaction resubmitted is a duplicate at every peer, the snapshot-joined one too.
      const oldEnvelope = source.blockStore.read(2, emptyReceipt()).data[0]!;
      const replay = net.orderer.createBlock([oldEnvelope], emptyReceipt());
      for (const peer of [...net.peers, fromSnapshot, fromGenesis])
        expect([...peer.validateAndCommit(replay).validationCodes], peer.name).toEqual([ValidationCode.DUPLICATE_TXID]);

      if (kind === 'lmdb') {
        // Restart the snapshot-joined peer over its LMDB state and a head-only block store.
        const before = fingerprint(fromSnapshot);
        const identity = fromSnapshot.identity;
        fromSnapshot.close();
        const reopened = new Peer({
          identity,
          config: net.config,
          crypto: net.crypto,
          state: new LmdbWorldState(lmdbPath),
          commitment,
        });
        expect(fingerprint(reopened)).toEqual(before);
        const next = commitBlock(net, [[0, 'kv', 'insert', ['after-restart', 'x']]], [...net.peers, reopened]);
        expect(next.header.number).toBe(14);
        expect(fingerprint(reopened)).toEqual(fingerprint(source));
        reopened.close();
        fromGenesis.close();
      }
    });
  }

  it('gives the same snapshot bytes from memory and LMDB state, and counts exactly what it encodes', () => {
    const { net, source } = channel(3, 5);
    const lmdbPeer = freshPeer(net, 'lmdb-copy', { state: new LmdbWorldState(freshDir()), commitment });
    replayBlocks(lmdbPeer, source.blockStore, 5);
    const fromMemory = source.exportSnapshot({ rowsPerChunk: 10 });
    const fromLmdb = lmdbPeer.exportSnapshot({ rowsPerChunk: 10 });
    expect(hex(fromLmdb.snapshot.header)).toBe(hex(fromMemory.snapshot.header));
    expect(fromLmdb.snapshot.stateChunks.map(hex)).toEqual(fromMemory.snapshot.stateChunks.map(hex));
    expect(fromLmdb.snapshot.txIdChunks.map(hex)).toEqual(fromMemory.snapshot.txIdChunks.map(hex));
    const { snapshot, receipt } = fromMemory;
    expect(snapshot.stateChunks.length).toBe(Math.ceil(snapshot.entryCount / 10));
    expect(snapshot.entryCount).toBe(stateEntries(source.state).length);
    expect(snapshot.txIdCount).toBe(txIdsOf(source.state).length);
    expect(snapshot.sizeBytes).toBe(
      [snapshot.header, ...snapshot.stateChunks, ...snapshot.txIdChunks].reduce((sum, chunk) => sum + chunk.length, 0),
    );
    expect(receipt.encodeBytes).toBe(snapshot.sizeBytes);
    expect(receipt.rangeRows).toBe(snapshot.entryCount + snapshot.txIdCount);
    expect(receipt.hashBytes).toBe(snapshot.txIdChunks.reduce((sum, chunk) => sum + chunk.length, 0));
    expect(receipt.messageBytes).toBe(0);
    expect(hex(snapshot.commitmentRoot)).toBe(rootHex(source.commitment));
    // A peer keeping no commitment computes the root while exporting (and counts the hashing).
    const plain = freshPeer(net, 'plain');
    replayBlocks(plain, source.blockStore, 5);
    const computed = plain.exportSnapshot({ rowsPerChunk: 10, bucketCount: 128 });
    expect(hex(computed.snapshot.commitmentRoot)).toBe(hex(snapshot.commitmentRoot));
    expect(computed.receipt.hashBytes).toBeGreaterThan(receipt.hashBytes);
    expect(computed.receipt.integrityHashBytes).toBeGreaterThanOrEqual(127 * 64);
    lmdbPeer.close();
  });
});

describe('tampered snapshots are refused before anything is written', () => {
  const setup = () => {
    const { net, source } = channel(4, 6);
    const { snapshot } = source.exportSnapshot({ rowsPerChunk: 8 });
    const trusted = agreedRoot(net.peers, 6).root!;
    return { net, source, snapshot, trusted };
  };

  const expectRefused = (net: ReturnType<typeof setup>['net'], snapshot: StateSnapshot, check: string, trust = {}) => {
    const joiner = freshPeer(net, `joiner-${check}`, { commitment, blockStore: new MemoryBlockStore() });
    let error: unknown = null;
    try {
      joiner.importSnapshot(snapshot, trust);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SnapshotVerificationError);
    const refusal = error as SnapshotVerificationError;
    expect(refusal.check).toBe(check);
    expect(refusal.blockNum).toBe(6);
    expect(refusal.message).toContain('state snapshot at block 6 refused');
    expect(refusal.message).toContain(refusal.expected);
    expect(refusal.message).toContain(refusal.actual);
    // Nothing written: the peer is as fresh as before.
    expect([
      joiner.height,
      joiner.state.savepoint(),
      stateEntries(joiner.state).length,
      joiner.blockStore.height(),
    ]).toEqual([0, null, 0, 0]);
    return refusal;
  };

  it('one value changed: the root recomputed from the rows differs from the claimed one', () => {
    const { net, snapshot } = setup();
    const refusal = expectRefused(net, changeOneValue(snapshot, 1, 3), 'commitment-root');
    expect(refusal.expected).toBe(hex(snapshot.commitmentRoot));
    expect(refusal.actual).not.toBe(hex(snapshot.commitmentRoot));
  });

  it('a wrong claimed root, a wrong state hash, damaged tx ids, a header out of step with the fields', () => {
    const { net, snapshot } = setup();
    const wrongRoot = Uint8Array.from(snapshot.commitmentRoot);
    wrongRoot[31] = (wrongRoot[31] ?? 0) ^ 1;
    expect(expectRefused(net, reclaim(snapshot, { commitmentRoot: wrongRoot }), 'commitment-root').actual).toBe(
      hex(snapshot.commitmentRoot),
    );
    const wrongLanes = Uint8Array.from(snapshot.stateHashLanes);
    wrongLanes[0] = (wrongLanes[0] ?? 0) ^ 1;
    expectRefused(net, reclaim(snapshot, { stateHashLanes: wrongLanes }), 'state-hash');
    const txIdChunks = snapshot.txIdChunks.slice();
    txIdChunks[0] = encode([...(decodeChunk(txIdChunks[0]!) as string[]).slice(1)], emptyReceipt());
    expectRefused(net, reclaim(snapshot, { txIdChunks }), 'tx-ids');
    expectRefused(net, { ...snapshot, commitmentRoot: wrongRoot }, 'format');
  });

  it("a self-consistent snapshot of a corrupt state passes its own checks but not the other peers' root", () => {
    const { net, rng } = channel(5, 3);
    const faulty = net.peers[2]!;
    faulty.injectCorruptWrite({ atBlock: 4, keyIndex: 0 });
    for (let block = 4; block <= 6; block += 1) commitBlock(net, randomTxs(rng, block));
    expect(faulty.corruptWrites.length).toBe(1);
    const { snapshot } = faulty.exportSnapshot();
    const accepted = freshPeer(net, 'credulous', { blockStore: new MemoryBlockStore() });
    accepted.importSnapshot(snapshot);
    expect(accepted.stateHashHex).toBe(faulty.stateHashHex);
    const agreed = agreedRoot(net.peers, 6);
    expect(agreed.dissenting).toEqual([faulty.name]);
    const refusal = expectRefused(net, snapshot, 'trusted-root', { commitmentRoot: agreed.root });
    expect(refusal.expected).toBe(hex(agreed.root!));
  });

  it('refuses to import into a peer that is not fresh, or whose block store cannot start at the snapshot', () => {
    const { net, snapshot } = setup();
    expect(() => net.peers[1]!.importSnapshot(snapshot)).toThrow(/has committed blocks already/);
    const fileStore = freshPeer(net, 'file', { blockStore: new FileBlockStore(freshDir()) });
    expect(() => fileStore.importSnapshot(snapshot)).toThrow(LedgerInputError);
    expect(() => fileStore.importSnapshot(snapshot)).toThrow(/file block store cannot start at block 7/);
    fileStore.close();
  });
});

describe('joinPeer', () => {
  it('joins by snapshot when it verifies: the blocks after it replayed, work on both sides counted', () => {
    const { net, rng, source } = channel(6, 4);
    const { snapshot, receipt: exportReceipt } = source.exportSnapshot();
    for (let block = 5; block <= 8; block += 1) commitBlock(net, randomTxs(rng, block));
    const joiner = freshPeer(net, 'newcomer', { commitment, blockStore: new MemoryBlockStore() });
    const result = joinPeer({ joiner, source, snapshot, witnesses: net.peers });
    expect([result.path, result.refusal, result.snapshotBlockNum, result.blocksReplayed, result.blockNum]).toEqual([
      'snapshot',
      null,
      4,
      4,
      8,
    ]);
    expect(fingerprint(joiner)).toEqual(fingerprint(source));
    let blockBytes = 0;
    for (let n = 5; n <= 8; n += 1)
      blockBytes += source.blockStore.read(n, emptyReceipt()).data.reduce((sum, e) => sum + e.length, 0);
    expect(result.sourceReceipt.messageBytes).toBeGreaterThan(snapshot.sizeBytes + blockBytes);
    expect(result.bytesTransferred).toBe(result.sourceReceipt.messageBytes + 3 * 32);
    expect(result.sourceReceipt.encodeBytes).toBe(0); // a snapshot taken earlier is not exported again
    expect(exportReceipt.encodeBytes).toBe(snapshot.sizeBytes);
    expect(result.joinerReceipt.stateWrites).toBeGreaterThan(snapshot.entryCount + snapshot.txIdCount);
    expect(result.joinerReceipt.decodeBytes).toBeGreaterThan(snapshot.sizeBytes);
    expect([...result.witnessReceipts.values()].map((r) => r.messageBytes)).toEqual([32, 32, 32]);
  });

  it('falls back to replay when the snapshot is tampered in transit, and reaches the same state', () => {
    const { net, source } = channel(7, 6);
    const joiner = freshPeer(net, 'newcomer', { commitment, blockStore: new MemoryBlockStore() });
    const result = joinPeer({ joiner, source, transit: (snapshot) => changeOneValue(snapshot, 0, 0) });
    expect(result.path).toBe('replay');
    expect(result.refusal?.check).toBe('commitment-root');
    expect(result.blocksReplayed).toBe(7);
    expect(fingerprint(joiner)).toEqual(fingerprint(source));
    expect(stateEntries(joiner.state)).toEqual(stateEntries(source.state));
    expect(result.bytesTransferred).toBeGreaterThan(result.snapshotSizeBytes);
    expect(result.sourceReceipt.encodeBytes).toBeGreaterThanOrEqual(result.snapshotSizeBytes);
  });

  it("refuses a corrupt source's snapshot against the witnesses' root and replays to the channel's true state", () => {
    const { net, rng } = channel(8, 2);
    const faulty = net.peers[1]!;
    faulty.injectCorruptWrite({ atBlock: 3, keyIndex: 1, xorMask: 0xff });
    for (let block = 3; block <= 5; block += 1) commitBlock(net, randomTxs(rng, block));
    const joiner = freshPeer(net, 'newcomer', { commitment, blockStore: new MemoryBlockStore() });
    const result = joinPeer({ joiner, source: faulty, witnesses: net.peers });
    expect(result.path).toBe('replay');
    expect(result.refusal?.check).toBe('trusted-root');
    const honest = net.peers[0]!;
    expect(fingerprint(joiner)).toEqual(fingerprint(honest));
    expect(joiner.stateHashHex).not.toBe(faulty.stateHashHex);
    // Asked to replay outright, a second newcomer gets there too and transfers no snapshot.
    const second = freshPeer(net, 'second', { commitment });
    const replayed = joinPeer({ joiner: second, source: faulty, prefer: 'replay' });
    expect([replayed.path, replayed.snapshotBlockNum, replayed.snapshotSizeBytes]).toEqual(['replay', null, 0]);
    expect(fingerprint(second)).toEqual(fingerprint(honest));
  });
});
