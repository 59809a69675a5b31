/**
 * The pipelined committer over durable stores (LMDB state with its write-behind overlay, block file
 * with deferred grouped fsync) against inline `validateAndCommit`: the same codes, receipts, state
 * and block hashes, including MVCC conflicts that only the overlay can see (block n+1 reads, at stale
 * versions, keys block n wrote, while block n's state write may still be in flight), and the same
 * stored blocks after reopening. Also: the overlay's reads and range merge against the in-memory
 * store, and the block encoder's data-segment shortcut against a plain re-encode.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Block } from '../../ledger/block.js';
import { decodeBlock, encodeBlock, encodeBlockInto, encodedBlockSizeBytes } from '../../ledger/block.js';
import { PipelinedCommitter } from '../../ledger/parallel/pipelined-committer.js';
import { VerifyPool } from '../../ledger/parallel/verify-pool.js';
import { Peer } from '../../ledger/peer.js';
import { emptyReceipt, type WorkReceipt } from '../../ledger/receipt.js';
import { FileBlockStore } from '../../ledger/state/block-file.js';
import { MemoryBlockStore } from '../../ledger/state/block-store.js';
import { LmdbWorldState } from '../../ledger/state/lmdb-state.js';
import { MemoryWorldState } from '../../ledger/state/memory-state.js';
import type { CommitBatch } from '../../ledger/state/world-state.js';
import { ValidationCode } from '../../ledger/validation-code.js';
import { smallNetwork } from './_fixtures.js';

const pool = new VerifyPool('node', { threads: 2 });
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpusim-pipelined-'));
  dirs.push(dir);
  return dir;
};
afterAll(async () => {
  await pool.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Blocks whose transactions are endorsed two blocks at a time against the same state, so the second block of each pair reads stale versions. */
function buildBlocks(): Block[] {
  const net = smallNetwork();
  const blocks: Block[] = [];
  let t = 0;
  for (let pair = 0; pair < 3; pair += 1) {
    const pending: Uint8Array[][] = [[], []];
    for (const envelopes of pending) {
      for (let i = 0; i < 10; i += 1, t += 1) {
        const c = net.clients[t % 3]!;
        const a = t % 6;
        const p = c.propose(
          'smallbank',
          t % 2 === 0 ? 'send_payment' : 'deposit_checking',
          t % 2 === 0 ? [String(a), String((a + 1) % 6), '1'] : [String(a), '1'],
        );
        const responses = net.gateway.chooseEndorsers('smallbank').map((peer) => peer.endorse(p.signed).response);
        const assembled = c.assemble(p.proposal, responses);
        if (assembled.result.ok) envelopes.push(assembled.result.envelope);
      }
    }
    for (const envelopes of pending) {
      const block = net.orderer.createBlock(envelopes, emptyReceipt());
      for (const peer of net.peers) peer.validateAndCommit(block);
      // Round-trip through the encoding, as a committer receives blocks (exercises the data-segment path).
      blocks.push(decodeBlock(encodeBlock(block, emptyReceipt()), emptyReceipt())!);
    }
  }
  return blocks;
}

describe('pipelined committer over durable stores', () => {
  it('equals inline validation, MVCC conflicts across in-flight blocks included, and reopens to the same ledger', async () => {
    const net = smallNetwork();
    const blocks = buildBlocks();
    const identity = net.cas[0]!.issue('p9', 'peer', 'p256', 'test-seed');
    // A block store that encodes (as the file does), so receipts compare one to one.
    const inline = new Peer({ identity, config: net.config, crypto: net.crypto, blockStore: new MemoryBlockStore() });
    inline.validateAndCommit(net.genesisBlock);
    const inlineResults = blocks.map((b) => inline.validateAndCommit(b));

    const dir = tempDir();
    const open = () =>
      new Peer({
        identity,
        config: net.config,
        crypto: net.crypto,
        state: new LmdbWorldState(join(dir, 'state')),
        blockStore: new FileBlockStore(join(dir, 'blocks')),
      });
    const durable = open();
    durable.validateAndCommit(net.genesisBlock);
    const committer = new PipelinedCommitter(durable, pool, 3, 2);
    const results = [];
    for (const b of blocks) results.push(...(await committer.submit(b)));
    results.push(...(await committer.drain()));

    expect(results.map((r) => r.blockNum)).toEqual(blocks.map((b) => b.header.number));
    expect(results.map((r) => [...r.validationCodes])).toEqual(inlineResults.map((r) => [...r.validationCodes]));
    // The same work, but for the block store's device: the file writes and syncs each block, the
    // in-memory reference has no device.
    const withoutDevice = (r: WorkReceipt) => ({ ...r, storageWriteBytes: 0, storageSyncs: 0 });
    expect(results.map((r) => withoutDevice(r.receipt))).toEqual(inlineResults.map((r) => withoutDevice(r.receipt)));
    for (const r of results) {
      expect(r.receipt.storageSyncs).toBe(1);
      expect(r.receipt.storageWriteBytes).toBeGreaterThan(16);
    }
    for (const r of inlineResults) expect(r.receipt.storageSyncs).toBe(0);
    expect(results.map((r) => r.stateHash)).toEqual(inlineResults.map((r) => r.stateHash));
    expect([durable.stateHashHex, durable.blockHashHex]).toEqual([inline.stateHashHex, inline.blockHashHex]);
    // The stale second blocks of each pair must have conflicts, or this test proves nothing.
    expect(inlineResults.some((r) => r.validationCodes.includes(ValidationCode.MVCC_READ_CONFLICT))).toBe(true);
    durable.close();

    const reopened = open();
    expect([reopened.height, reopened.stateHashHex, reopened.blockHashHex]).toEqual([
      inline.height,
      inline.stateHashHex,
      inline.blockHashHex,
    ]);
    for (const [i, b] of blocks.entries())
      expect([...reopened.blockStore.read(b.header.number, emptyReceipt()).metadata.validationFlags]).toEqual([
        ...inlineResults[i]!.validationCodes,
      ]);
    reopened.close();
  });
});

describe('LMDB write-behind overlay', () => {
  const value = (text: string) => new TextEncoder().encode(text);
  const batch = (blockNum: number, writes: [string, string | null][], txIds: string[]): CommitBatch => ({
    updates: writes.map(([key, v], txNum) => ({
      key: `ns\u0000${key}`,
      value: v === null ? null : value(v),
      version: { blockNum, txNum },
    })),
    txIds,
    savepoint: { blockNum, stateHashLanes: new Uint8Array(32), blockHash: new Uint8Array(32).fill(blockNum) },
  });
  const rows = (state: {
    range(s: string, e: string): Iterable<readonly [string, { value: Uint8Array; version: unknown }]>;
  }) =>
    [...state.range('ns\u0000', 'ns\u0001')].map(([key, entry]) => [
      key,
      new TextDecoder().decode(entry.value),
      entry.version,
    ]);

  it('reads, tx ids and ranges see staged batches before and after they are written, as the in-memory store does', async () => {
    const lmdb = new LmdbWorldState(join(tempDir(), 'state'));
    const memory = new MemoryWorldState();
    const batches = [
      batch(
        1,
        [
          ['b', '1'],
          ['d', '1'],
          ['f', '1'],
        ],
        ['aa01'],
      ),
      batch(
        2,
        [
          ['a', '2'],
          ['d', null],
          ['e', '2'],
        ],
        ['aa02'],
      ),
      batch(
        3,
        [
          ['b', null],
          ['c', '3'],
          ['g', '3'],
        ],
        ['aa03'],
      ),
    ];
    lmdb.commit(batches[0]!);
    memory.commit(batches[0]!);
    const persist2 = lmdb.stageCommit(batches[1]!);
    const persist3 = lmdb.stageCommit(batches[2]!);
    memory.commit(batches[1]!);
    memory.commit(batches[2]!);
    const check = () => {
      expect(rows(lmdb)).toEqual(rows(memory));
      for (const key of ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'])
        expect(lmdb.get(`ns\u0000${key}`)?.version ?? null).toEqual(memory.get(`ns\u0000${key}`)?.version ?? null);
      for (const txId of ['aa01', 'aa02', 'aa03', 'aa04']) expect(lmdb.hasTxId(txId)).toBe(memory.hasTxId(txId));
    };
    check();
    expect(lmdb.pendingWrites).toBe(2);
    await persist2();
    check();
    await persist3();
    expect(lmdb.pendingWrites).toBe(0);
    check();
    expect(lmdb.savepoint()?.blockNum).toBe(3);
    lmdb.close();
  });
});

describe('block encoding', () => {
  it('re-encodes a decoded block with new flags byte-identically through the data-segment shortcut', () => {
    const net = smallNetwork();
    const envelopes = [];
    for (let i = 0; i < 20; i += 1) {
      const c = net.clients[i % 3]!;
      const p = c.propose('smallbank', 'deposit_checking', [String(i), '1']);
      const assembled = c.assemble(
        p.proposal,
        net.gateway.chooseEndorsers('smallbank').map((peer) => peer.endorse(p.signed).response),
      );
      if (assembled.result.ok) envelopes.push(assembled.result.envelope);
    }
    const block = net.orderer.createBlock(envelopes, emptyReceipt());
    const decoded = decodeBlock(encodeBlock(block, emptyReceipt()), emptyReceipt())!;
    const stored: Block = {
      ...decoded,
      metadata: { ...decoded.metadata, validationFlags: new Uint8Array(decoded.data.length).fill(11) },
    };
    const plain = encodeBlock({ ...stored, data: [...stored.data] }, emptyReceipt());
    const out = new Uint8Array(encodedBlockSizeBytes(stored) + 5);
    const receipt = emptyReceipt();
    encodeBlockInto(stored, out, 5, receipt);
    expect(Buffer.from(out.subarray(5)).equals(Buffer.from(plain))).toBe(true);
    expect(receipt.encodeBytes).toBe(plain.length);
  });
});
