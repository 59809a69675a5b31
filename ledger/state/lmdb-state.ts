/**
 * World state on LMDB (the `lmdb` package): one environment with three databases — `state`
 * (composite key → version and value), `txids` (the tx-id index) and `meta` (the savepoint) — and one
 * synchronous LMDB write transaction per block, so a block's updates, tx ids and savepoint land
 * atomically or not at all.
 *
 * Keys are the composite key's UTF-8 bytes (binary key encoding), so LMDB's byte order equals the
 * in-memory store's string order (see world-state.ts). Values are [blockNum u32][txNum u32][value].
 * Durability: lmdb-js's default overlapping sync (commit, then flush outside the write lock, with meta
 * pointers that keep the file consistent across a crash). The block store is the durable record in
 * any case; recovery re-applies blocks past the savepoint.
 */
import { open } from 'lmdb';
import type { Database, RootDatabase } from 'lmdb';
import { assert } from '../assert.js';
import { decode, encode } from '../codec.js';
import { emptyReceipt } from '../receipt.js';
import type { CommitBatch, Savepoint, VersionedValue, WorldState } from './world-state.js';

const VERSION_BYTES = 8;
const SAVEPOINT_KEY = Buffer.from('savepoint');
const PRESENT = Buffer.from([1]);

function encodeEntry(blockNum: number, txNum: number, value: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(VERSION_BYTES + value.length);
  out.writeUInt32BE(blockNum, 0);
  out.writeUInt32BE(txNum, 4);
  out.set(value, VERSION_BYTES);
  return out;
}

function decodeEntry(raw: Uint8Array): VersionedValue {
  const buf = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  return { version: { blockNum: buf.readUInt32BE(0), txNum: buf.readUInt32BE(4) }, value: Uint8Array.prototype.slice.call(buf, VERSION_BYTES) };
}

export interface LmdbWorldStateOptions {
  /** LMDB map size in bytes (grows automatically in lmdb-js; this is the starting size). */
  readonly mapSizeBytes?: number;
}

export class LmdbWorldState implements WorldState {
  readonly kind = 'lmdb' as const;
  private readonly root: RootDatabase;
  private readonly stateDb: Database<Buffer, Buffer>;
  private readonly txIdDb: Database<Buffer, Buffer>;
  private readonly metaDb: Database<Buffer, Buffer>;
  private cachedSavepoint: Savepoint | null;

  constructor(path: string, options: LmdbWorldStateOptions = {}) {
    this.root = open({ path, maxDbs: 4, mapSize: options.mapSizeBytes ?? 256 * 1024 * 1024 });
    const binary = { encoding: 'binary', keyEncoding: 'binary' } as const;
    this.stateDb = this.root.openDB<Buffer, Buffer>({ name: 'state', ...binary });
    this.txIdDb = this.root.openDB<Buffer, Buffer>({ name: 'txids', ...binary });
    this.metaDb = this.root.openDB<Buffer, Buffer>({ name: 'meta', ...binary });
    this.cachedSavepoint = this.readSavepoint();
  }

  get(key: string): VersionedValue | undefined {
    const raw = this.stateDb.get(Buffer.from(key, 'utf8'));
    return raw === undefined ? undefined : decodeEntry(raw);
  }

  *range(startKey: string, endKey: string): Iterable<readonly [string, VersionedValue]> {
    for (const { key, value } of this.stateDb.getRange({ start: Buffer.from(startKey, 'utf8'), end: Buffer.from(endKey, 'utf8') })) {
      yield [key.toString('utf8'), decodeEntry(value)];
    }
  }

  hasTxId(txId: string): boolean {
    return this.txIdDb.doesExist(Buffer.from(txId, 'hex'));
  }

  savepoint(): Savepoint | null {
    return this.cachedSavepoint;
  }

  commit(batch: CommitBatch): void {
    const savepointBytes = Buffer.from(encode([batch.savepoint.blockNum, batch.savepoint.stateHashLanes, batch.savepoint.blockHash], emptyReceipt()));
    this.root.transactionSync(() => {
      for (const update of batch.updates) {
        const key = Buffer.from(update.key, 'utf8');
        if (update.value === null) this.stateDb.removeSync(key);
        else this.stateDb.putSync(key, encodeEntry(update.version.blockNum, update.version.txNum, update.value));
      }
      for (const txId of batch.txIds) this.txIdDb.putSync(Buffer.from(txId, 'hex'), PRESENT);
      this.metaDb.putSync(SAVEPOINT_KEY, savepointBytes);
    });
    this.cachedSavepoint = batch.savepoint;
  }

  close(): void {
    this.root.close();
  }

  private readSavepoint(): Savepoint | null {
    const raw = this.metaDb.get(SAVEPOINT_KEY);
    if (raw === undefined) return null;
    const fields = decode(raw, emptyReceipt());
    assert(Array.isArray(fields) && fields.length === 3, 'LMDB savepoint does not decode');
    const [blockNum, stateHashLanes, blockHash] = fields as unknown[];
    assert(typeof blockNum === 'number' && stateHashLanes instanceof Uint8Array && blockHash instanceof Uint8Array, 'LMDB savepoint has bad fields');
    return { blockNum, stateHashLanes: Uint8Array.from(stateHashLanes), blockHash: Uint8Array.from(blockHash) };
  }
}
