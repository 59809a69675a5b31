/**
 * In-memory world state, the fast default for simulation: a Map for point reads plus a sorted key
 * list for range scans (sorted-keys.ts). Commits are atomic trivially (single-threaded, no partial
 * failure).
 */
import { SortedKeys } from './sorted-keys.js';
import { TxIdSet } from './txid-set.js';
import type { CommitBatch, Savepoint, VersionedValue, WorldState } from './world-state.js';

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

export class MemoryWorldState implements WorldState {
  readonly kind = 'memory' as const;
  private readonly entries = new Map<string, VersionedValue>();
  private readonly sortedKeys = new SortedKeys();
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
    for (const key of this.sortedKeys.between(startKey, endKey)) {
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
    this.sortedKeys.update(added, removed);
    for (const txId of batch.txIds) this.txIdIndex.add(txId, batch.savepoint.blockNum);
    this.lastSavepoint = batch.savepoint;
  }

  close(): void {}

  get size(): number {
    return this.entries.size;
  }
}
