/**
 * The world state interface: a versioned key-value store with ordered range scans, the tx-id index
 * (for duplicate detection against the ledger) and a savepoint, all committed atomically per block.
 * In-memory (`memory-state.ts`, the fast default for simulation) and LMDB (`lmdb-state.ts`) implement
 * it; the peer does not know which one it has.
 *
 * Keys are composite `namespace \u0000 key` strings; chaincode keys may not contain U+0000 or
 * characters at or above U+D800, which keeps JavaScript string order equal to UTF-8 byte order
 * (LMDB's order), so both stores scan ranges identically.
 */
import type { Version } from '../chaincode/rwset.js';

export interface VersionedValue {
  readonly value: Uint8Array;
  readonly version: Version;
}

export interface StateUpdate {
  readonly key: string;
  /** null deletes the key. */
  readonly value: Uint8Array | null;
  readonly version: Version;
}

/** What the state has applied so far: the last block, the running state hash and the block hash. */
export interface Savepoint {
  readonly blockNum: number;
  /** Lanes of the running content hash (see `state-hash.ts`), so it resumes after a restart. */
  readonly stateHashLanes: Uint8Array;
  readonly blockHash: Uint8Array;
}

export interface CommitBatch {
  readonly updates: readonly StateUpdate[];
  readonly txIds: readonly string[];
  readonly savepoint: Savepoint;
}

export interface WorldState {
  readonly kind: 'memory' | 'lmdb';
  get(key: string): VersionedValue | undefined;
  /** Rows with startKey ≤ key < endKey in key order. */
  range(startKey: string, endKey: string): Iterable<readonly [string, VersionedValue]>;
  hasTxId(txId: string): boolean;
  /**
   * Every indexed tx id (hex), in no particular order: a state snapshot carries the index, so a peer
   * joined from it still refuses a resubmitted transaction as DUPLICATE_TXID.
   */
  txIds(): Iterable<string>;
  savepoint(): Savepoint | null;
  /** Applies a block's updates, tx ids and savepoint atomically. */
  commit(batch: CommitBatch): void;
  /**
   * Write-behind commit (optional; stores without it are committed with `commit`): the batch is
   * visible to reads at once and the returned function writes it durably, atomically as `commit`
   * does. Call that only once the block is durable in the block store (the state must never get
   * ahead of it), and call the persists in staging order.
   */
  stageCommit?(batch: CommitBatch): () => Promise<void>;
  close(): void;
}

export const NAMESPACE_SEPARATOR = '\u0000';

export function compositeKey(namespace: string, key: string): string {
  return namespace + NAMESPACE_SEPARATOR + key;
}

/** The exclusive end of a namespace-scoped range ('' means to the end of the namespace). */
export function compositeEnd(namespace: string, endKey: string): string {
  return endKey === '' ? `${namespace}\u0001` : compositeKey(namespace, endKey);
}

export function splitCompositeKey(composite: string): [string, string] {
  const at = composite.indexOf(NAMESPACE_SEPARATOR);
  return [composite.slice(0, at), composite.slice(at + 1)];
}

/** Chaincode keys are non-empty and free of U+0000 and of code units ≥ U+D800 (see above). */
export function isValidKey(key: string): boolean {
  if (key.length === 0 || key.length > 1024) return false;
  for (let i = 0; i < key.length; i += 1) {
    const code = key.charCodeAt(i);
    if (code === 0 || code >= 0xd800) return false;
  }
  return true;
}
