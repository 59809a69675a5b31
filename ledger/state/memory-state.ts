/**
 * In-memory world state, the fast default for simulation: a Map for point reads plus a sorted key
 * array for range scans (new keys are inserted by binary search; deletes splice them out). Commits
 * are atomic trivially (single-threaded, no partial failure).
 */
import { TxIdSet } from './txid-set.js';
import type { CommitBatch, Savepoint, VersionedValue, WorldState } from './world-state.js';

function lowerBound(keys: readonly string[], key: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((keys[mid] ?? '') < key) low = mid + 1;
    else high = mid;
  }
  return low;
}

export interface MemoryWorldStateOptions {
  /**
   * A tx-id index shared with the states of other peers of the channel (each id keeps the first
   * block that committed it, and this state sees the ids below its own height). Only for peers
   * that commit the same chain, as the simulated network's peers do: it stores each id once
   * instead of once per peer, the one structure of a long run that grows with every transaction.
   * Not for a peer that imports a snapshot: its tx ids are not covered by the agreed root, and
   * they would become every sharing peer's.
   */
  readonly sharedTxIds?: TxIdSet;
}

/** Above this many keys added or removed in one batch, the sorted key list is rebuilt by a merge. */
const SPLICE_MAX = 64;

export class MemoryWorldState implements WorldState {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, VersionedValue>();
  private sortedKeys: string[] = [];
  private readonly txIdIndex: TxIdSet;
  private lastSavepoint: Savepoint | null = null;

  constructor(options: MemoryWorldStateOptions = {}) {
    this.txIdIndex = options.sharedTxIds ?? new TxIdSet();
  }

  /** Blocks committed so far (the savepoint's block number + 1). */
  private get height(): number {
    return this.lastSavepoint === null ? 0 : this.lastSavepoint.blockNum + 1;
  }

  get(key: string): VersionedValue | undefined {
    return this.entries.get(key);
  }

  *range(startKey: string, endKey: string): Iterable<readonly [string, VersionedValue]> {
    for (let i = lowerBound(this.sortedKeys, startKey); i < this.sortedKeys.length; i += 1) {
      const key = this.sortedKeys[i] ?? '';
      if (key >= endKey) return;
      const entry = this.entries.get(key);
      if (entry !== undefined) yield [key, entry];
    }
  }

  hasTxId(txId: string): boolean {
    const first = this.txIdIndex.firstBlock(txId);
    return first >= 0 && first < this.height;
  }

  txIds(): Iterable<string> {
    return this.txIdIndex.values(this.height);
  }

  savepoint(): Savepoint | null {
    return this.lastSavepoint;
  }

  commit(batch: CommitBatch): void {
    const added: string[] = [];
    const removed = new Set<string>();
    for (const update of batch.updates) {
      const existed = this.entries.has(update.key);
      if (update.value === null) {
        if (existed) {
          this.entries.delete(update.key);
          removed.add(update.key);
        }
      } else {
        if (!existed) added.push(update.key);
        // A copy: the value is usually a view into a whole decoded block, which it would keep alive
        // for as long as the key is not overwritten (measured: 65 MB of block buffers held by 80K
        // values after a 20K-tx run).
        // (allocUnsafeSlow: its own small buffer, not a slice of Node's shared 8 KB pool.)
        const value = Buffer.allocUnsafeSlow(update.value.length);
        value.set(update.value);
        this.entries.set(update.key, { value, version: update.version });
      }
    }
    this.reindex(added, removed);
    for (const txId of batch.txIds) this.txIdIndex.add(txId, batch.savepoint.blockNum);
    this.lastSavepoint = batch.savepoint;
  }

  /**
   * Keeps the sorted key list (for range reads) in step: a few keys are spliced in place; many (a
   * genesis of a million accounts) are sorted and merged in one pass, since a splice per key moves
   * the whole array each time (quadratic: minutes for a million keys). A batch names each key once.
   */
  private reindex(added: string[], removed: ReadonlySet<string>): void {
    const keys = this.sortedKeys;
    if (added.length + removed.size <= SPLICE_MAX) {
      for (const key of removed) keys.splice(lowerBound(keys, key), 1);
      for (const key of added) keys.splice(lowerBound(keys, key), 0, key);
      return;
    }
    added.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const merged: string[] = [];
    let i = 0;
    for (const key of added) {
      while (i < keys.length && (keys[i] as string) < key) {
        const kept = keys[i++] as string;
        if (!removed.has(kept)) merged.push(kept);
      }
      merged.push(key);
    }
    for (; i < keys.length; i += 1) if (!removed.has(keys[i] as string)) merged.push(keys[i] as string);
    this.sortedKeys = merged;
  }

  close(): void {}

  get size(): number {
    return this.entries.size;
  }
}
