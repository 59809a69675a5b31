/**
 * Storage: the block file recovers from a torn data tail, a torn index entry and an index that lags
 * the data; a peer whose state savepoint lags its block file re-applies the missing blocks; and a
 * fast-check property runs conflict-free random workloads against in-memory and LMDB state and
 * requires identical state and block hashes.
 */
import { appendFileSync, mkdtempSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { encodedBlockSizeBytes } from '../../ledger/block.js';
import { createNetwork } from '../../ledger/network.js';
import { Peer } from '../../ledger/peer.js';
import { emptyReceipt } from '../../ledger/receipt.js';
import { FileBlockStore } from '../../ledger/state/block-file.js';
import { LmdbWorldState } from '../../ledger/state/lmdb-state.js';
import { ValidationCode } from '../../ledger/validation-code.js';

const root = mkdtempSync(join(tmpdir(), 'bpusim-storage-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let dirCount = 0;
const freshDir = () => join(root, `d${dirCount++}`);

const chaincodes = [{ name: 'kv', policy: "OR('Org1MSP.peer', 'Org2MSP.peer')", params: { records: 30 } }];

function chainInto(dir: string, blocks: number) {
  const net = createNetwork({
    seed: 'storage',
    crypto: 'modeled',
    chaincodes,
    stores: (i) => (i === 0 ? { blockStore: new FileBlockStore(dir) } : {}),
  });
  for (let b = 0; b < blocks; b += 1)
    net.gateway.submitAndCommit(net.clients[0]!, 'kv', 'update', [`user000000000${b % 10}`, `v${b}`]);
  const peer = net.peers[0]!;
  const result = { height: peer.height, stateHash: peer.stateHashHex, blockHash: peer.blockHashHex, net };
  peer.close();
  return result;
}

describe('block store work in receipts', () => {
  it('a block file counts the bytes it writes and one sync per block; a head-only store counts the same append', () => {
    const dir = freshDir();
    const net = createNetwork({
      seed: 'storage-receipts',
      crypto: 'modeled',
      chaincodes,
      stores: (i) => (i === 0 ? { blockStore: new FileBlockStore(dir) } : {}),
    });
    const client = net.clients[0]!;
    const proposed = client.propose('kv', 'update', ['user0000000001', 'v']);
    const responses = net.gateway.chooseEndorsers('kv').map((peer) => peer.endorse(proposed.signed).response);
    const assembled = client.assemble(proposed.proposal, responses);
    if (!assembled.result.ok) throw new Error('not endorsed');
    net.orderer.broadcast(assembled.result.envelope);
    const block = net.orderer.cutNow().block!;
    const fileBytes = () => statSync(join(dir, 'blocks.dat')).size + statSync(join(dir, 'blocks.idx')).size;
    const before = fileBytes();
    const onFile = net.peers[0]!.validateAndCommit(block).receipt;
    expect(onFile.storageWriteBytes).toBe(fileBytes() - before);
    expect(onFile.storageSyncs).toBe(1);
    const headOnly = net.peers[1]!.validateAndCommit(block).receipt;
    // The stored block carries the validation flags the orderer's did not (a byte per transaction).
    expect(headOnly.storageWriteBytes).toBe(encodedBlockSizeBytes(block) + block.data.length);
    expect(headOnly.storageSyncs).toBe(1);
    // The frame header and the index entry are what the file adds to the block's bytes.
    expect(onFile.storageWriteBytes - headOnly.storageWriteBytes).toBe(16);
    net.peers[0]!.close();
  });
});

describe('block file recovery', () => {
  it('truncates a torn data tail and a torn index entry, keeping every whole block', () => {
    const dir = freshDir();
    const { height } = chainInto(dir, 5);
    appendFileSync(join(dir, 'blocks.dat'), Buffer.from([0, 0, 1, 0, 9, 9, 9])); // a frame header promising 256 bytes
    appendFileSync(join(dir, 'blocks.idx'), Buffer.from([0, 0, 0])); // a torn index entry
    const store = new FileBlockStore(dir);
    expect(store.height()).toBe(height);
    expect(store.recovery.truncatedDataBytes).toBe(7);
    for (let n = 0; n < height; n += 1) expect(store.read(n, emptyReceipt()).header.number).toBe(n);
    store.close();
  });

  it('re-indexes whole blocks the index lost', () => {
    const dir = freshDir();
    const { height } = chainInto(dir, 4);
    const idx = join(dir, 'blocks.idx');
    truncateSync(idx, statSync(idx).size - 16);
    const store = new FileBlockStore(dir);
    expect(store.height()).toBe(height);
    expect(store.recovery.reindexedBlocks).toBe(2);
    store.close();
  });

  it('a peer whose state lags its block file re-applies the missing blocks', () => {
    const dir = freshDir();
    const { height, stateHash, blockHash, net } = chainInto(dir, 6);
    // A brand-new state (savepoint: none) over the full block file: everything is replayed.
    const peer = new Peer({
      identity: net.peers[0]!.identity,
      config: net.config,
      crypto: net.crypto,
      state: new LmdbWorldState(join(dir, 'fresh-state')),
      blockStore: new FileBlockStore(dir),
    });
    expect([peer.height, peer.stateHashHex, peer.blockHashHex]).toEqual([height, stateHash, blockHash]);
    peer.close();
  });
});

describe('memory and LMDB state agree', () => {
  it('conflict-free random workloads give the same state and block hash', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.tuple(fc.constant('update'), fc.nat(29), fc.string({ minLength: 1, maxLength: 20 })),
            fc.tuple(fc.constant('insert'), fc.nat(500), fc.string({ minLength: 1, maxLength: 20 })),
            fc.tuple(fc.constant('scan'), fc.nat(29), fc.integer({ min: 1, max: 8 }).map(String)),
          ),
          { minLength: 1, maxLength: 25 },
        ),
        (ops) => {
          const dir = freshDir();
          const net = createNetwork({
            seed: 'agree',
            crypto: 'modeled',
            chaincodes,
            stores: (i) => (i === 0 ? { state: new LmdbWorldState(join(dir, 'state')) } : {}),
          });
          for (const [fn, index, value] of ops) {
            const key = `user${String(index).padStart(10, '0')}${fn === 'insert' ? 'n' : ''}`;
            const args = fn === 'scan' ? [key, value] : [key, value];
            const out = net.gateway.submitAndCommit(net.clients[0]!, 'kv', fn, args);
            expect(out.code).toBe(ValidationCode.VALID);
          }
          const [lmdbPeer, memoryPeer] = net.peers;
          expect(lmdbPeer!.state.kind).toBe('lmdb');
          expect(memoryPeer!.state.kind).toBe('memory');
          expect(lmdbPeer!.stateHashHex).toBe(memoryPeer!.stateHashHex);
          expect(lmdbPeer!.blockHashHex).toBe(memoryPeer!.blockHashHex);
          // Range scans agree row for row.
          const rows = (s: typeof lmdbPeer) =>
            [...s!.state.range('kv\u0000', 'kv\u0001')].map(
              ([k, v]) => `${k}@${v.version.blockNum}.${v.version.txNum}`,
            );
          expect(rows(lmdbPeer)).toEqual(rows(memoryPeer));
          lmdbPeer!.close();
        },
      ),
      { numRuns: 12, seed: 11 },
    );
  });
});
