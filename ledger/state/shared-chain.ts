/**
 * One world state for every peer that commits the same chain, read by each at its own height.
 *
 * Why: the simulated network's peers commit the same blocks in the same order, and the ledger is
 * deterministic, so peers at the same height hold the same state. Keeping a copy per peer paid
 * memory and commit work once per peer (a million accounts × four peers did not fit in a minute or
 * in 1.5 GB). Here each key keeps its recent versions, newest first, each tagged with the block
 * that wrote it; a peer's view at height h reads the newest version written by a block below h. So
 * a lagging peer still endorses and validates against exactly what it has committed: the MVCC
 * conflicts that come from timing are the same as with private copies.
 *
 * The first view to commit block n applies its writes; a view that commits n later only checks
 * that it reached the same savepoint (block hash and state hash) and moves its height. A peer may
 * also share the rest of its commit's result with the views behind it (`shareCommit`, used by
 * peer.ts), so the validation of a block runs once on the host while every peer is charged it.
 *
 * A block's record (its savepoint, shared result and the keys it wrote) is dropped once every
 * attached view has passed the block, and with it the versions of those keys that no view can read
 * any more (they are also dropped when a key is written again), so memory follows the state and the
 * lag between peers, not the length of the run.
 *
 * A view that must differ from the chain (a peer that will corrupt a write, keeps a state
 * commitment of its own, joins from a snapshot, or is handed a different block) `detach`es: it
 * copies the state at its height into a private in-memory state and goes on alone. The tx-id index
 * stays shared (each id keeps the first block that committed it, see txid-set.ts), as the same
 * chain commits the same ids.
 */
import type { Version } from '../chaincode/rwset.js';
import { assert } from '../assert.js';
import { bytesEqual } from '../hash.js';
import type { WorkReceipt } from '../receipt.js';
import { MemoryWorldState } from './memory-state.js';
import { SortedKeys } from './sorted-keys.js';
import { TxIdSet } from './txid-set.js';
import type { CommitBatch, Savepoint, StateUpdate, VersionedValue, WorldState } from './world-state.js';

/**
 * One version of one key; no data is a delete. The value is either a buffer of its own or a range
 * of a batch's slab, made into a view when read: a million genesis values then cost no view object
 * each while they sit in the state (≈ 70 B per value).
 */
class Cell {
  constructor(
    /** The value's own buffer (offset −1), a slab holding it at `offset`, or null for a delete. */
    private readonly data: Uint8Array | null,
    private readonly offset: number,
    private readonly length: number,
    readonly version: Version,
    /** The block that wrote it: views at height > since see it. */
    readonly since: number,
    public older: Cell | null,
  ) {}

  get value(): Uint8Array | null {
    const data = this.data;
    return data === null || this.offset < 0 ? data : data.subarray(this.offset, this.offset + this.length);
  }

  get live(): boolean {
    return this.data !== null;
  }
}

function isLive(cell: Cell | null): cell is Cell & VersionedValue {
  return cell?.live === true;
}

/** What a peer shares about a block it committed, for the peers behind it on the same chain. */
export interface SharedCommit {
  readonly blockHash: Uint8Array;
  readonly validationCodes: Uint8Array;
  /** The commit's work, excluding what each peer does for itself (its block store's append). */
  readonly receipt: WorkReceipt;
}

interface BlockRecord {
  readonly savepoint: Savepoint;
  shared: SharedCommit | null;
  /** The keys the block wrote: once every view has passed it, their older versions are dropped. */
  readonly keys: readonly string[];
}

/** The keys' largest end: composite keys are made of code units below U+D800 (see world-state.ts). */
const KEYS_END = '\ud800';

/**
 * A chain as it stood with the genesis block alone applied and shared by the view that applied it:
 * what another chain of the same channel starts from instead of applying a genesis of millions of
 * writes again (ledger/genesis-image.ts). Its cells and keys are read, never written, by every chain
 * made from it: each keeps the versions written after the genesis apart (see `SharedChain.base`).
 */
export interface ChainGenesis {
  readonly cells: ReadonlyMap<string, Cell>;
  readonly keys: SortedKeys;
  readonly record: { readonly savepoint: Savepoint; readonly shared: SharedCommit };
}

export class SharedChain {
  readonly txIds = new TxIdSet();
  /**
   * The versions written after the genesis, when the genesis is a base (`base`); otherwise every
   * version. A key's list here never reaches into the base: its genesis version is read from the
   * base when no version here is visible.
   */
  private cells = new Map<string, Cell>();
  /** The keys of `cells` that the base does not hold. */
  private keys = new SortedKeys();
  /** The genesis, kept apart and shared with other chains (null until `genesis()` is asked for). */
  private base: ChainGenesis | null = null;
  private readonly views = new Set<ChainView>();
  /** Blocks applied so far. */
  private applied = 0;
  /** Blocks applied that some attached view has not committed yet. */
  private readonly records = new Map<number, BlockRecord>();

  /** An empty chain, or one with `genesis` applied (every view still at height 0, to follow it). */
  constructor(genesis?: ChainGenesis) {
    if (genesis === undefined) return;
    this.base = genesis;
    // No older version of a genesis key exists, so block 0's record has no keys to prune. Its
    // state accesses are not repeated into each follower's receipt: the network hands them over
    // once (Network.takeGenesisStateKeys), and a million-account genesis lists two million.
    const { savepoint, shared } = genesis.record;
    const receipt = { ...shared.receipt, stateKeys: [] };
    this.records.set(0, { savepoint, shared: { ...shared, receipt }, keys: [] });
    this.applied = 1;
  }

  /**
   * This chain's genesis, to start other chains from: only while block 0 alone is applied, its
   * result shared, with no tx id (a genesis has none). The chain moves its versions into the base
   * it hands out (no copy) and keeps later ones apart, as a chain made from it does.
   */
  genesis(): ChainGenesis | null {
    if (this.base !== null) return this.base;
    const record = this.records.get(0);
    if (this.applied !== 1 || this.txIds.size !== 0 || record === undefined || record.shared === null) return null;
    this.base = { cells: this.cells, keys: this.keys, record: { savepoint: record.savepoint, shared: record.shared } };
    this.cells = new Map();
    this.keys = new SortedKeys();
    this.records.set(0, { ...record, keys: [] });
    return this.base;
  }

  /** A new view at height 0 (nothing committed). */
  view(): ChainView {
    const view = new ChainView(this);
    this.views.add(view);
    return view;
  }

  /** Versions held, all keys together (a test's and a memory check's figure). */
  get versionCount(): number {
    let count = this.base?.cells.size ?? 0;
    for (let cell of this.cells.values()) for (; cell !== null; cell = cell.older as Cell) count += 1;
    return count;
  }

  /** Per-block records held (blocks some attached view has not committed yet). */
  get recordCount(): number {
    return this.records.size;
  }

  /** @internal The newest version of `key` that a view at `height` sees. */
  getAt(key: string, height: number): VersionedValue | undefined {
    let cell = this.cells.get(key) ?? null;
    while (cell !== null && cell.since >= height) cell = cell.older;
    // None visible here: the genesis version, if the base holds one and the view has passed block 0.
    if (cell === null && this.base !== null && height > 0) cell = this.base.cells.get(key) ?? null;
    return isLive(cell) ? cell : undefined;
  }

  /** @internal */
  *rangeAt(startKey: string, endKey: string, height: number): Iterable<readonly [string, VersionedValue]> {
    const keys =
      this.base === null
        ? this.keys.between(startKey, endKey)
        : mergeSorted(this.base.keys.between(startKey, endKey), this.keys.between(startKey, endKey));
    for (const key of keys) {
      const entry = this.getAt(key, height);
      if (entry !== undefined) yield [key, entry];
    }
  }

  /** @internal The savepoint and shared result of block `blockNum`, when it is applied and still held. */
  record(blockNum: number): BlockRecord | undefined {
    return this.records.get(blockNum);
  }

  /** @internal Block `batch.savepoint.blockNum` committed by `view` (at that height). */
  commit(view: ChainView, batch: CommitBatch): void {
    const blockNum = batch.savepoint.blockNum;
    assert(blockNum === view.height, `shared chain: a view at height ${view.height} commits block ${blockNum}`);
    if (blockNum === this.applied) {
      const keys = this.apply(batch.updates, blockNum, this.minHeight());
      for (const txId of batch.txIds) this.txIds.add(txId, blockNum);
      this.records.set(blockNum, { savepoint: batch.savepoint, shared: null, keys });
      this.applied = blockNum + 1;
    } else {
      const record = this.records.get(blockNum);
      assert(record !== undefined, `shared chain: block ${blockNum} is neither next nor held`);
      assert(
        bytesEqual(record.savepoint.blockHash, batch.savepoint.blockHash) &&
          bytesEqual(record.savepoint.stateHashLanes, batch.savepoint.stateHashLanes),
        `shared chain: block ${blockNum} committed to a different state (detach a view that must differ)`,
      );
    }
  }

  /** @internal Moves `view` past block `blockNum`, as committed by the view that applied it. */
  follow(view: ChainView, blockNum: number): Savepoint {
    assert(blockNum === view.height, `shared chain: a view at height ${view.height} follows block ${blockNum}`);
    const record = this.records.get(blockNum);
    assert(record !== undefined, `shared chain: block ${blockNum} is not held`);
    return record.savepoint;
  }

  /** @internal */
  release(view: ChainView): void {
    this.views.delete(view);
    this.dropRecords();
  }

  /**
   * @internal Drops the records of blocks every attached view has committed, and the versions
   * their keys no longer need (a key's older version was kept while a view lagged behind its write;
   * without this it would stay until the key is written again, which on a large key space is long).
   */
  dropRecords(): void {
    const min = this.minHeight();
    for (const [blockNum, record] of this.records) {
      if (blockNum >= min) continue;
      for (const key of record.keys) {
        const cell = this.cells.get(key);
        if (cell !== undefined) dropUnreadable(cell, min);
      }
      this.records.delete(blockNum);
    }
  }

  /** The lowest height of an attached view (the oldest state someone may still read). */
  private minHeight(): number {
    let min = this.applied;
    for (const view of this.views) if (view.height < min) min = view.height;
    return min;
  }

  /** Writes a block's updates as versions of `blockNum`; returns the keys written. */
  private apply(updates: readonly StateUpdate[], blockNum: number, minHeight: number): string[] {
    const added: string[] = [];
    const written: string[] = [];
    const slab = updates.length >= SLAB_MIN_VALUES ? newSlab(updates) : null;
    let slabAt = 0;
    for (const update of updates) {
      const older = this.cells.get(update.key) ?? null;
      // A genesis key is in the base's keys already, and its delete must shadow the base's version.
      if (older === null && this.base?.cells.has(update.key) !== true) {
        if (update.value === null) continue;
        added.push(update.key);
      }
      const value = update.value;
      let cell: Cell;
      if (value === null) cell = new Cell(null, -1, 0, update.version, blockNum, older);
      else if (slab === null) cell = new Cell(ownCopy(value), -1, 0, update.version, blockNum, older);
      else {
        slab.set(value, slabAt);
        cell = new Cell(slab, slabAt, value.length, update.version, blockNum, older);
        slabAt += value.length;
      }
      dropUnreadable(cell, minHeight);
      this.cells.set(update.key, cell);
      written.push(update.key);
    }
    if (added.length > 0) this.keys.update(added, new Set());
    return written;
  }

  /** @internal The state at `height` as one batch of writes, in key order (for `detach`). */
  snapshotAt(height: number): StateUpdate[] {
    return [...this.rangeAt('', KEYS_END, height)].map(([key, entry]) => ({
      key,
      value: entry.value,
      version: entry.version,
    }));
  }
}

/** The keys of two sorted sequences with no key in both, in order. */
function* mergeSorted(a: Iterable<string>, b: Iterable<string>): Iterable<string> {
  const left = a[Symbol.iterator]();
  const right = b[Symbol.iterator]();
  let x = left.next();
  let y = right.next();
  while (!x.done || !y.done) {
    if (y.done || (!x.done && x.value < y.value)) {
      yield x.value as string;
      x = left.next();
    } else {
      yield y.value;
      y = right.next();
    }
  }
}

/**
 * Versions older than the newest one written below `minHeight` cannot be read by any attached view
 * (each reads the newest below its own height, which is at least `minHeight`).
 */
function dropUnreadable(newest: Cell, minHeight: number): void {
  let cell: Cell | null = newest;
  while (cell !== null && cell.since >= minHeight) cell = cell.older;
  if (cell !== null) cell.older = null;
}

/**
 * From this many values on, a batch's values are copied into one buffer of their own (a genesis of
 * millions of accounts: one allocation instead of one per value, which cost a third of its load in
 * GC). That buffer lives while any of its values does, so smaller batches (a block's) keep one
 * buffer per value: a key written once and never again must not hold a whole block's values.
 */
const SLAB_MIN_VALUES = 4096;

/** One buffer for all of `updates`' values (filled in turn by `apply`). */
function newSlab(updates: readonly StateUpdate[]): Uint8Array {
  let bytes = 0;
  for (const update of updates) bytes += update.value?.length ?? 0;
  return Buffer.allocUnsafeSlow(bytes);
}

/**
 * A value of its own: the update's value is usually a view into a whole decoded block, which it
 * would keep alive for as long as the key is not overwritten. (allocUnsafeSlow: its own small
 * buffer, not a slice of Node's shared 8 KB pool.)
 */
function ownCopy(value: Uint8Array): Uint8Array {
  const copy = Buffer.allocUnsafeSlow(value.length);
  copy.set(value);
  return copy;
}

/** One peer's world state: the shared chain read at the peer's height, or, once detached, its own copy. */
export class ChainView implements WorldState {
  readonly kind = 'memory' as const;
  private last: Savepoint | null = null;
  private own: MemoryWorldState | null = null;

  /** The chain this view reads (its identity tells peers which results they may share). */
  constructor(readonly chain: SharedChain) {}

  /** Blocks committed. */
  get height(): number {
    return this.last === null ? 0 : this.last.blockNum + 1;
  }

  /** Still reading the shared chain (not detached). */
  get attached(): boolean {
    return this.own === null;
  }

  get(key: string): VersionedValue | undefined {
    return this.own === null ? this.chain.getAt(key, this.height) : this.own.get(key);
  }

  range(startKey: string, endKey: string): Iterable<readonly [string, VersionedValue]> {
    return this.own === null ? this.chain.rangeAt(startKey, endKey, this.height) : this.own.range(startKey, endKey);
  }

  hasTxId(txId: string): boolean {
    if (this.own !== null) return this.own.hasTxId(txId);
    const first = this.chain.txIds.firstBlock(txId);
    return first >= 0 && first < this.height;
  }

  txIds(): Iterable<string> {
    return this.own === null ? this.chain.txIds.values(this.height) : this.own.txIds();
  }

  savepoint(): Savepoint | null {
    return this.own === null ? this.last : this.own.savepoint();
  }

  commit(batch: CommitBatch): void {
    if (this.own !== null) {
      this.own.commit(batch);
      return;
    }
    this.chain.commit(this, batch);
    this.last = batch.savepoint;
    this.chain.dropRecords();
  }

  /** What the peer that applied block `blockNum` shared about it, if it did and it is still held. */
  sharedCommit(blockNum: number): SharedCommit | null {
    return this.own === null ? (this.chain.record(blockNum)?.shared ?? null) : null;
  }

  /** Shares this view's commit of the block it just applied with the views behind it. */
  shareCommit(blockNum: number, shared: SharedCommit): void {
    const record = this.own === null ? this.chain.record(blockNum) : undefined;
    if (record !== undefined && record.shared === null) record.shared = shared;
  }

  /** Commits block `blockNum` as the view that applied it did (see `sharedCommit`); returns its savepoint. */
  follow(blockNum: number): Savepoint {
    assert(this.own === null, 'a detached view follows no chain');
    this.last = this.chain.follow(this, blockNum);
    this.chain.dropRecords();
    return this.last;
  }

  /** Copies the state at this view's height into a private state and leaves the chain (idempotent). */
  detach(): void {
    if (this.own !== null) return;
    const own = new MemoryWorldState({ sharedTxIds: this.chain.txIds });
    if (this.last !== null)
      own.commit({ updates: this.chain.snapshotAt(this.height), txIds: [], savepoint: this.last });
    this.own = own;
    this.chain.release(this);
  }

  close(): void {
    if (this.own === null) this.chain.release(this);
    else this.own.close();
  }
}
