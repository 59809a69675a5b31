/**
 * The state commitment: a bucketed Merkle commitment over the world state's content (keys and
 * values; versions excluded, like the running state hash in `state-hash.ts`), kept up to date at
 * every commit for the cost of the keys written — the paper's remedy 4, "hardware that periodically
 * checks consistency of the whole state across peers", needs peers to compare their whole state
 * without shipping it.
 *
 * Shape, as Fabric v0.6's bucket tree (`core/ledger/statemgmt/buckettree`) had it:
 * - `bucketCount` buckets (a power of two); a key's bucket is chosen by a hash of the key alone, so
 *   an overwrite stays in its bucket and buckets fill evenly whatever the key names look like.
 * - Each bucket is an additive multiset digest of its live entries: eight 32-bit lanes, each the sum
 *   mod 2^32 of the matching word of SHA-256(key ‖ 0 ‖ value). The entry digests are the ones the
 *   running state hash computes anyway (`StateHash.add/remove` return them), so an overwrite costs
 *   no extra SHA-256 here: subtract the old entry's digest and add the new one, O(1). A consequence
 *   the peer checks on open: the buckets' lanes add up to the state hash's lanes.
 * - A binary Merkle tree over the buckets gives the root. Leaves are the buckets' lanes themselves
 *   (32 bytes, no hash needed); an inner node is SHA-256(left ‖ right). The tree is updated once per
 *   block along the dirty paths only, so a block costs at most min(d · log2 B, B − 1) 64-byte hashes
 *   for d dirty buckets, and nothing at all for a block that writes nothing.
 *
 * Why buckets and a tree rather than one hash: two peers that disagree find *where* by walking the
 * tree from the root (log2 B steps per diverging bucket, `audit.ts`), and a joining peer can check a
 * snapshot against a 32-byte root other peers agree on (`snapshot.ts`).
 *
 * Why the bucket index is not SHA-256: it is index work, like the hash a hash table computes for
 * every `get` (which the receipt counts as a state read, not as hashed bytes). A 32-bit FNV-1a of
 * the key with a murmur3 finaliser spreads keys evenly over a power-of-two bucket count; it need not
 * resist an adversary, because a crafted key only makes one bucket fuller (a slower drill-down),
 * never hides a difference (every entry is still in some bucket's SHA-256-based digest).
 *
 * What is kept: the root after every block (32 bytes each; optionally only the most recent N), and
 * the whole tree ("checkpoint", 64 bytes per bucket) after the blocks the caller asks for —
 * periodically (`checkpointEveryBlocks`) or explicitly (`retain`). The commitment is derived state:
 * after a restart the peer rebuilds it from the world state with one scan (see `fromState`), and
 * roots of blocks before the restart are not kept.
 *
 * Cost, measured on the 2-core dev host: a 64-byte SHA-256 through node:crypto takes ≈1.6 µs, and a
 * block of 200 writes scattered over 1,024 buckets dirties ≈530 inner nodes, so a root after every
 * block costs ≈0.9–1.4 ms per such block (about as much as the entry digests themselves). With
 * `rootEveryBlock: false` the tree is rehashed only at checkpoint blocks (or when a root is asked
 * for, `rootNow`): the dirty set is bounded by the bucket count, so an audit every k blocks costs at
 * most B − 1 hashes per k blocks, and a write costs only its O(1) lane update. Roots are then kept
 * for those blocks only.
 */
import { hash } from 'node:crypto';
import { LedgerInputError, assert } from '../assert.js';
import type { WorkReceipt } from '../receipt.js';
import { emptyReceipt } from '../receipt.js';
import { STATE_HASH_LANE_COUNT, StateHash, addLanes } from './state-hash.js';
import type { WorldState } from './world-state.js';

export const COMMITMENT_BUCKETS_DEFAULT = 1024;
export const COMMITMENT_BUCKETS_MIN = 2;
/** 2^20 buckets: a 64 MiB tree; larger is a configuration mistake, not a need. */
export const COMMITMENT_BUCKETS_MAX = 1 << 20;
export const COMMITMENT_CHECKPOINTS_KEPT_DEFAULT = 4;
/** Bytes of one tree node (a bucket's lanes, or an inner SHA-256). */
export const COMMITMENT_NODE_BYTES = 32;
/** Above every valid composite key (valid keys stay below U+D800, see world-state.ts). */
export const STATE_KEY_END = '\uffff';

const ROOTS_PER_CHUNK = 1024;

export interface CommitmentOptions {
  /** Number of buckets, a power of two in [2, 2^20] (default 1024). */
  readonly bucketCount?: number;
  /** Keep the whole tree after every block whose number is a multiple of this (0 or absent: none). */
  readonly checkpointEveryBlocks?: number;
  /** Periodic checkpoints kept, most recent first (default 4); explicit `retain`s are kept until released. */
  readonly checkpointsKept?: number;
  /** Roots kept: at least the most recent N blocks' (default: every block's). */
  readonly rootHistoryBlocks?: number;
  /**
   * Compute the root after every block (default true). False: only at checkpoint blocks and when
   * asked (`rootNow`), which makes keeping the commitment O(1) per write (see the module header).
   */
  readonly rootEveryBlock?: boolean;
}

/**
 * The whole commitment after one block: what a peer hands an auditor. `tree` holds node i at bytes
 * [32·i, 32·i + 32) for i in [1, 2·bucketCount): node 1 is the root, node i's children are 2i and
 * 2i + 1, and node bucketCount + b holds bucket b's lanes (eight big-endian u32).
 */
export interface StateCheckpoint {
  readonly blockNum: number;
  readonly bucketCount: number;
  readonly tree: Uint8Array;
}

/** The 32-byte digest of node `index` of a checkpoint's tree (a view, not a copy). */
export function checkpointNode(checkpoint: StateCheckpoint, index: number): Uint8Array {
  assert(
    Number.isInteger(index) && index >= 1 && index < 2 * checkpoint.bucketCount,
    `tree node ${index} outside [1, ${2 * checkpoint.bucketCount})`,
  );
  return checkpoint.tree.subarray(index * COMMITMENT_NODE_BYTES, (index + 1) * COMMITMENT_NODE_BYTES);
}

export function checkpointRoot(checkpoint: StateCheckpoint): Uint8Array {
  return checkpointNode(checkpoint, 1);
}

/** Bucket b's digest (its lanes as 32 bytes) in a checkpoint. */
export function checkpointBucket(checkpoint: StateCheckpoint, bucket: number): Uint8Array {
  return checkpointNode(checkpoint, checkpoint.bucketCount + bucket);
}

/** The bucket of a composite key: FNV-1a over its UTF-16 code units, murmur3's fmix32, low bits. */
export function bucketOfKey(key: string, bucketCount: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) & (bucketCount - 1);
}

/** Checks and fills in defaults once (STYLE.md: relations asserted at load, exact messages). */
export function resolveCommitmentOptions(options: CommitmentOptions): Required<CommitmentOptions> {
  const bucketCount = options.bucketCount ?? COMMITMENT_BUCKETS_DEFAULT;
  if (
    !Number.isInteger(bucketCount) ||
    bucketCount < COMMITMENT_BUCKETS_MIN ||
    bucketCount > COMMITMENT_BUCKETS_MAX ||
    (bucketCount & (bucketCount - 1)) !== 0
  ) {
    throw new LedgerInputError(
      `state commitment: bucketCount: expected a power of two in [${COMMITMENT_BUCKETS_MIN}, ${COMMITMENT_BUCKETS_MAX}], got ${bucketCount}`,
    );
  }
  const checkpointEveryBlocks = options.checkpointEveryBlocks ?? 0;
  if (!Number.isSafeInteger(checkpointEveryBlocks) || checkpointEveryBlocks < 0) {
    throw new LedgerInputError(
      `state commitment: checkpointEveryBlocks: expected an integer ≥ 0, got ${checkpointEveryBlocks}`,
    );
  }
  const checkpointsKept = options.checkpointsKept ?? COMMITMENT_CHECKPOINTS_KEPT_DEFAULT;
  if (!Number.isSafeInteger(checkpointsKept) || checkpointsKept < 1) {
    throw new LedgerInputError(`state commitment: checkpointsKept: expected an integer ≥ 1, got ${checkpointsKept}`);
  }
  const rootHistoryBlocks = options.rootHistoryBlocks ?? Number.POSITIVE_INFINITY;
  if (!(rootHistoryBlocks >= 1) || (Number.isFinite(rootHistoryBlocks) && !Number.isSafeInteger(rootHistoryBlocks))) {
    throw new LedgerInputError(
      `state commitment: rootHistoryBlocks: expected an integer ≥ 1 (or absent for all), got ${rootHistoryBlocks}`,
    );
  }
  const rootEveryBlock = options.rootEveryBlock ?? true;
  return { bucketCount, checkpointEveryBlocks, checkpointsKept, rootHistoryBlocks, rootEveryBlock };
}

/**
 * Roots by block number, 32 bytes each in chunks of 1,024, so a long run keeps 32 bytes per block
 * and no object per block; with a limit, whole chunks older than it are dropped.
 */
class RootHistory {
  private readonly chunks: Uint8Array[] = [];
  private firstBlockNum = -1;
  private count = 0;

  constructor(private readonly keepBlocks: number) {}

  push(blockNum: number, root: Uint8Array): void {
    if (this.count === 0) this.firstBlockNum = blockNum;
    assert(
      blockNum === this.firstBlockNum + this.count,
      `root history: block ${blockNum} after block ${this.firstBlockNum + this.count - 1}`,
    );
    const slot = this.count % ROOTS_PER_CHUNK;
    if (slot === 0) this.chunks.push(new Uint8Array(ROOTS_PER_CHUNK * COMMITMENT_NODE_BYTES));
    this.chunks[this.chunks.length - 1]!.set(root, slot * COMMITMENT_NODE_BYTES);
    this.count += 1;
    while (this.count - ROOTS_PER_CHUNK >= this.keepBlocks) {
      this.chunks.shift();
      this.count -= ROOTS_PER_CHUNK;
      this.firstBlockNum += ROOTS_PER_CHUNK;
    }
  }

  get(blockNum: number): Uint8Array | null {
    const at = blockNum - this.firstBlockNum;
    if (this.count === 0 || at < 0 || at >= this.count) return null;
    const chunk = this.chunks[Math.floor(at / ROOTS_PER_CHUNK)];
    assert(chunk !== undefined, `root history: no chunk for block ${blockNum}`);
    const offset = (at % ROOTS_PER_CHUNK) * COMMITMENT_NODE_BYTES;
    return chunk.slice(offset, offset + COMMITMENT_NODE_BYTES);
  }

  get oldestBlockNum(): number | null {
    return this.count === 0 ? null : this.firstBlockNum;
  }

  get latestBlockNum(): number | null {
    return this.count === 0 ? null : this.firstBlockNum + this.count - 1;
  }
}

export class StateCommitment {
  readonly bucketCount: number;
  readonly options: Readonly<Required<CommitmentOptions>>;
  /** Working lanes, bucket b at [8b, 8b + 8). */
  private readonly lanes: Uint32Array;
  /** A Buffer so node:crypto hashes its subarrays without a conversion (≈10% faster, measured). */
  private readonly tree: Buffer;
  private readonly treeView: DataView;
  private readonly bucketDirty: Uint8Array;
  private dirtyBuckets: number[] = [];
  private readonly nodeQueued: Uint8Array;
  private sealedBlockNum = -1;
  /** Entries added or removed since the last seal (a root now would mix two blocks). */
  private unsealed = false;
  private readonly roots: RootHistory;
  /** Roots of the blocks computed with `rootEveryBlock: false`, ascending. */
  private readonly sparseRoots = new Map<number, Uint8Array>();
  private readonly checkpoints = new Map<number, StateCheckpoint>();
  private readonly requested = new Set<number>();
  private readonly periodicKept: number[] = [];

  /** An empty commitment (no entries, nothing sealed yet). */
  constructor(options: CommitmentOptions = {}) {
    this.options = resolveCommitmentOptions(options);
    this.bucketCount = this.options.bucketCount;
    this.lanes = new Uint32Array(this.bucketCount * STATE_HASH_LANE_COUNT);
    this.tree = Buffer.alloc(2 * this.bucketCount * COMMITMENT_NODE_BYTES);
    this.treeView = new DataView(this.tree.buffer, this.tree.byteOffset, this.tree.byteLength);
    this.bucketDirty = new Uint8Array(this.bucketCount);
    this.nodeQueued = new Uint8Array(this.bucketCount);
    this.roots = new RootHistory(this.options.rootHistoryBlocks);
    // Every inner node is stale until the first seal: mark every bucket dirty once, so the first
    // seal builds the whole tree (B − 1 hashes), and later seals only the dirty paths.
    for (let bucket = 0; bucket < this.bucketCount; bucket += 1) this.markDirty(bucket);
    this.unsealed = false;
  }

  /**
   * Builds the commitment of a whole world state with one range scan (a peer opening over an
   * existing state, or enabling the commitment late) and seals it at `blockNum`. Counts every row
   * scanned (rangeRows), every entry hashed (hashBytes) and the tree's hashes (integrityHashBytes) into `receipt`.
   */
  static fromState(
    state: WorldState,
    blockNum: number,
    options: CommitmentOptions,
    receipt: WorkReceipt,
  ): { commitment: StateCommitment; stateHash: StateHash } {
    const commitment = new StateCommitment(options);
    const stateHash = new StateHash();
    for (const [key, entry] of state.range('', STATE_KEY_END)) {
      receipt.rangeRows += 1;
      const digest = stateHash.add(key, entry.value, receipt);
      commitment.add(key, digest);
    }
    if (blockNum >= 0) commitment.seal(blockNum, receipt);
    return { commitment, stateHash };
  }

  /** Folds a new entry's digest (from `entryDigest` / `StateHash.add`) into its bucket. */
  add(key: string, digest: Uint8Array): void {
    this.apply(key, digest, 1);
  }

  /** Takes an old entry's digest out of its bucket. */
  remove(key: string, digest: Uint8Array): void {
    this.apply(key, digest, -1);
  }

  /**
   * Closes block `blockNum`: rehashes the dirty paths and records the root (with `rootEveryBlock`,
   * or at a checkpoint block), and the checkpoint if one is due. Returns the root (a copy), or null
   * when none was computed. Counts the inner nodes' hashed bytes.
   */
  seal(blockNum: number, receipt: WorkReceipt): Uint8Array | null {
    assert(
      Number.isSafeInteger(blockNum) && blockNum > this.sealedBlockNum,
      `state commitment: seal of block ${blockNum} after block ${this.sealedBlockNum}`,
    );
    this.sealedBlockNum = blockNum;
    this.unsealed = false;
    const periodic = this.options.checkpointEveryBlocks > 0 && blockNum % this.options.checkpointEveryBlocks === 0;
    const requested = this.requested.has(blockNum);
    if (!this.options.rootEveryBlock && !periodic && !requested) return null;
    const root = this.rootNow(receipt);
    if (periodic || requested) {
      this.checkpoints.set(blockNum, this.currentCheckpoint());
      if (periodic && !requested) this.keepPeriodic(blockNum);
      this.requested.delete(blockNum);
    }
    return root;
  }

  /**
   * The root after the last sealed block (a copy), rehashing any dirty paths first — only ever
   * needed with `rootEveryBlock: false` — and counting that work. Records the root for its block.
   */
  rootNow(receipt: WorkReceipt): Uint8Array {
    assert(this.sealedBlockNum >= 0, 'state commitment: no block sealed yet');
    assert(!this.unsealed, `state commitment: entries changed after block ${this.sealedBlockNum} and not sealed yet`);
    this.rehashDirty(receipt);
    const root = this.tree.subarray(COMMITMENT_NODE_BYTES, 2 * COMMITMENT_NODE_BYTES);
    if (this.options.rootEveryBlock) {
      if (this.roots.latestBlockNum !== this.sealedBlockNum) this.roots.push(this.sealedBlockNum, root);
    } else if (!this.sparseRoots.has(this.sealedBlockNum)) {
      this.sparseRoots.set(this.sealedBlockNum, Uint8Array.from(root));
      for (const kept of this.sparseRoots.keys()) {
        if (kept > this.sealedBlockNum - this.options.rootHistoryBlocks) break;
        this.sparseRoots.delete(kept);
      }
    }
    return Uint8Array.from(root);
  }

  /** The last sealed block (-1 before the first seal). */
  get blockNum(): number {
    return this.sealedBlockNum;
  }

  /** Whether the tree is up to date with the last sealed block (always, with `rootEveryBlock`). */
  get rootIsCurrent(): boolean {
    return this.sealedBlockNum >= 0 && this.dirtyBuckets.length === 0 && !this.unsealed;
  }

  /** The root after the last sealed block (a copy); see `rootNow` when it may need rehashing. */
  get root(): Uint8Array {
    assert(
      this.rootIsCurrent,
      `state commitment: no current root after block ${this.sealedBlockNum} (rootEveryBlock is off: use rootNow)`,
    );
    return Uint8Array.from(this.tree.subarray(COMMITMENT_NODE_BYTES, 2 * COMMITMENT_NODE_BYTES));
  }

  /** The root after block `blockNum`, or null if it is not kept (outside the history, not computed, or not sealed yet). */
  rootAfter(blockNum: number): Uint8Array | null {
    if (!this.options.rootEveryBlock) {
      const root = this.sparseRoots.get(blockNum);
      return root === undefined ? null : Uint8Array.from(root);
    }
    return this.roots.get(blockNum);
  }

  /** The oldest block whose root is still kept (null before the first root). */
  get oldestRootBlockNum(): number | null {
    if (!this.options.rootEveryBlock) {
      for (const blockNum of this.sparseRoots.keys()) return blockNum;
      return null;
    }
    return this.roots.oldestBlockNum;
  }

  /**
   * Asks to keep the checkpoint after block `blockNum` until `release(blockNum)`: a future block is
   * captured when it is sealed, the current one at once (counting any rehash into `receipt`). Throws
   * for a past block not kept.
   */
  retain(blockNum: number, receipt: WorkReceipt = emptyReceipt()): void {
    if (!Number.isSafeInteger(blockNum) || blockNum < 0)
      throw new LedgerInputError(`state commitment: retain: expected a block number ≥ 0, got ${blockNum}`);
    if (blockNum > this.sealedBlockNum) {
      this.requested.add(blockNum);
      return;
    }
    if (blockNum === this.sealedBlockNum && !this.checkpoints.has(blockNum)) {
      this.rootNow(receipt);
      this.checkpoints.set(blockNum, this.currentCheckpoint());
    }
    if (!this.checkpoints.has(blockNum))
      throw new LedgerInputError(
        `state commitment: retain: block ${blockNum} is past (last sealed ${this.sealedBlockNum}) and its checkpoint was not kept`,
      );
    // An explicit retain outlives the periodic window.
    const at = this.periodicKept.indexOf(blockNum);
    if (at >= 0) this.periodicKept.splice(at, 1);
  }

  /** Forgets a kept checkpoint (and a pending request for it). */
  release(blockNum: number): void {
    this.checkpoints.delete(blockNum);
    this.requested.delete(blockNum);
    const at = this.periodicKept.indexOf(blockNum);
    if (at >= 0) this.periodicKept.splice(at, 1);
  }

  /** The checkpoint kept for block `blockNum`, or null. */
  checkpointAfter(blockNum: number): StateCheckpoint | null {
    return this.checkpoints.get(blockNum) ?? null;
  }

  /** Block numbers whose checkpoints are kept, ascending. */
  keptCheckpoints(): number[] {
    return [...this.checkpoints.keys()].sort((a, b) => a - b);
  }

  /** A copy of the tree as of the last sealed block (see `rootNow` when it may need rehashing). */
  currentCheckpoint(): StateCheckpoint {
    assert(
      this.rootIsCurrent,
      `state commitment: no current tree after block ${this.sealedBlockNum} (use rootNow first)`,
    );
    return { blockNum: this.sealedBlockNum, bucketCount: this.bucketCount, tree: Uint8Array.from(this.tree) };
  }

  /** The buckets' lanes added up: equal to the running state hash's lanes when both saw the same entries. */
  lanesSum(): Uint8Array {
    const sum = new Uint32Array(STATE_HASH_LANE_COUNT);
    for (let bucket = 0; bucket < this.bucketCount; bucket += 1) {
      for (let i = 0; i < STATE_HASH_LANE_COUNT; i += 1)
        sum[i] = ((sum[i] ?? 0) + (this.lanes[bucket * STATE_HASH_LANE_COUNT + i] ?? 0)) >>> 0;
    }
    const out = new Uint8Array(STATE_HASH_LANE_COUNT * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < STATE_HASH_LANE_COUNT; i += 1) view.setUint32(i * 4, sum[i] ?? 0, false);
    return out;
  }

  private apply(key: string, digest: Uint8Array, sign: 1 | -1): void {
    const bucket = bucketOfKey(key, this.bucketCount);
    addLanes(this.lanes, bucket * STATE_HASH_LANE_COUNT, digest, sign);
    this.markDirty(bucket);
    this.unsealed = true;
  }

  private markDirty(bucket: number): void {
    if (this.bucketDirty[bucket] === 1) return;
    this.bucketDirty[bucket] = 1;
    this.dirtyBuckets.push(bucket);
  }

  /** Writes dirty leaves, then rehashes their ancestors level by level (each parent once). */
  private rehashDirty(receipt: WorkReceipt): void {
    if (this.dirtyBuckets.length === 0) return;
    let level: number[] = [];
    for (const bucket of this.dirtyBuckets) {
      this.bucketDirty[bucket] = 0;
      const node = this.bucketCount + bucket;
      for (let i = 0; i < STATE_HASH_LANE_COUNT; i += 1)
        this.treeView.setUint32(
          node * COMMITMENT_NODE_BYTES + i * 4,
          this.lanes[bucket * STATE_HASH_LANE_COUNT + i] ?? 0,
          false,
        );
      level.push(node);
    }
    this.dirtyBuckets = [];
    while (level[0] !== 1) {
      const parents: number[] = [];
      for (const node of level) {
        const parent = node >>> 1;
        if (this.nodeQueued[parent] === 1) continue;
        this.nodeQueued[parent] = 1;
        parents.push(parent);
      }
      for (const parent of parents) {
        this.nodeQueued[parent] = 0;
        // Children 2p and 2p + 1 are adjacent, so their 64 bytes are one subarray: one-shot hash, no copy.
        const children = this.tree.subarray(
          2 * parent * COMMITMENT_NODE_BYTES,
          (2 * parent + 2) * COMMITMENT_NODE_BYTES,
        );
        receipt.integrityHashBytes += children.length;
        this.tree.set(hash('sha256', children, 'buffer'), parent * COMMITMENT_NODE_BYTES);
      }
      level = parents;
    }
  }

  private keepPeriodic(blockNum: number): void {
    this.periodicKept.push(blockNum);
    while (this.periodicKept.length > this.options.checkpointsKept) {
      const oldest = this.periodicKept.shift();
      if (oldest !== undefined) this.checkpoints.delete(oldest);
    }
  }
}

/** Recomputes a tree's inner node from its two children (what an auditor checks). */
export function innerNodeDigest(checkpoint: StateCheckpoint, index: number, receipt: WorkReceipt): Uint8Array {
  assert(
    index >= 1 && index < checkpoint.bucketCount,
    `node ${index} is not an inner node of a ${checkpoint.bucketCount}-bucket tree`,
  );
  const children = checkpoint.tree.subarray(2 * index * COMMITMENT_NODE_BYTES, (2 * index + 2) * COMMITMENT_NODE_BYTES);
  receipt.integrityHashBytes += children.length;
  return hash('sha256', children, 'buffer');
}

export interface RangeContentHash {
  /** SHA-256 of the lanes of the range's additive entry digests (like the state hash, over a key range). */
  readonly digest: Uint8Array;
  readonly rowCount: number;
}

/**
 * The content hash of the rows with startKey ≤ key < endKey of a state, by one scan: the same
 * construction as the state hash (order-independent, versions excluded), so the range ['',
 * STATE_KEY_END) hashes to the peer's state hash. Counts rangeRows and hashBytes.
 */
export function rangeContentHash(
  state: WorldState,
  startKey: string,
  endKey: string,
  receipt: WorkReceipt,
): RangeContentHash {
  if (!(startKey <= endKey))
    throw new LedgerInputError(`range hash: expected startKey ≤ endKey, got '${startKey}' > '${endKey}'`);
  const acc = new StateHash();
  let rowCount = 0;
  for (const [key, entry] of state.range(startKey, endKey)) {
    receipt.rangeRows += 1;
    rowCount += 1;
    acc.add(key, entry.value, receipt);
  }
  const lanes = acc.lanesBytes();
  receipt.hashBytes += lanes.length;
  return { digest: hash('sha256', lanes, 'buffer'), rowCount };
}
