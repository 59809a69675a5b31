/**
 * The in-memory tx-id index: an exact set of transaction ids kept as raw 32-byte digests in flat
 * typed arrays instead of a `Set` of 64-character hex strings, each with the number of the first
 * block that committed it — so peers that commit the same chain can share one index, each seeing
 * only the ids below its own height (`firstBlock(id) < height`).
 *
 * Why: every peer keeps the id of every transaction it has committed (Fabric's duplicate check
 * against the ledger), so the index is the one structure of a long simulation that grows with the
 * run. A `Set<string>` costs ≈150 B per id here (the hex string, the string it was sliced from,
 * the set's slot); 32 raw bytes and a 4-byte block number at a load factor of ⅜..¾ cost ≈50–95 B.
 *
 * Layout: 256 segments chosen by the digest's first byte (ids are SHA-256 outputs, so uniform),
 * each an open-addressing table with linear probing over `capacity × 32` bytes. Segments grow one
 * at a time, so a resize briefly holds 1/256 of the index twice, not all of it. An all-zero slot
 * means empty; the all-zero id itself is kept in a field of its own. Ids that are not 64 lower-case
 * hex characters (a malformed envelope's) go to a small ordinary `Map`, so the set stays exact for
 * any string.
 */

const ID_BYTES = 32;
const SEGMENT_COUNT = 256;
const INITIAL_CAPACITY = 16;
const HEX_ID = /^[0-9a-f]{64}$/;

interface Segment {
  table: Uint8Array;
  /** First block of the id in the same slot. */
  blocks: Uint32Array;
  capacity: number;
  size: number;
}

function newSegment(capacity: number): Segment {
  return { table: new Uint8Array(capacity * ID_BYTES), blocks: new Uint32Array(capacity), capacity, size: 0 };
}

export class TxIdSet {
  private readonly segments: Segment[] = [];
  private readonly scratch = Buffer.alloc(ID_BYTES);
  private readonly other = new Map<string, number>();
  /** First block of the all-zero id, or -1. */
  private zeroIdBlock = -1;
  private count = 0;

  constructor() {
    for (let i = 0; i < SEGMENT_COUNT; i += 1) this.segments.push(newSegment(INITIAL_CAPACITY));
  }

  get size(): number {
    return this.count;
  }

  has(txId: string): boolean {
    return this.firstBlock(txId) >= 0;
  }

  /** The first block that added `txId`, or -1 when it was never added. */
  firstBlock(txId: string): number {
    if (!HEX_ID.test(txId)) return this.other.get(txId) ?? -1;
    const id = this.load(txId);
    if (isZero(id, 0)) return this.zeroIdBlock;
    const segment = this.segments[id[0] as number] as Segment;
    const slot = findSlot(segment, id);
    return isZero(segment.table, slot * ID_BYTES) ? -1 : (segment.blocks[slot] as number);
  }

  /** Adds `txId` as committed in block `blockNum`; an id already present keeps its first block. */
  add(txId: string, blockNum = 0): void {
    if (!Number.isSafeInteger(blockNum) || blockNum < 0 || blockNum > 0xffff_fffe)
      throw new RangeError(`TxIdSet.add: block number ${blockNum}`);
    if (!HEX_ID.test(txId)) {
      if (!this.other.has(txId)) {
        this.count += 1;
        this.other.set(txId, blockNum);
      }
      return;
    }
    const id = this.load(txId);
    if (isZero(id, 0)) {
      if (this.zeroIdBlock < 0) {
        this.count += 1;
        this.zeroIdBlock = blockNum;
      }
      return;
    }
    const segment = this.segments[id[0] as number] as Segment;
    const slot = findSlot(segment, id);
    if (!isZero(segment.table, slot * ID_BYTES)) return; // already present
    segment.table.set(id, slot * ID_BYTES);
    segment.blocks[slot] = blockNum;
    segment.size += 1;
    this.count += 1;
    // Grow at ¾ full: linear probing stays short on uniform keys.
    if (segment.size * 4 > segment.capacity * 3) grow(segment);
  }

  /** Every id (as hex) first added in a block below `beforeBlock` (default: all), in no particular order. */
  *values(beforeBlock = Infinity): Iterable<string> {
    if (this.zeroIdBlock >= 0 && this.zeroIdBlock < beforeBlock) yield '0'.repeat(ID_BYTES * 2);
    for (const segment of this.segments) {
      for (let slot = 0; slot < segment.capacity; slot += 1) {
        const at = slot * ID_BYTES;
        if (!isZero(segment.table, at) && (segment.blocks[slot] as number) < beforeBlock)
          yield Buffer.from(segment.table.buffer, segment.table.byteOffset + at, ID_BYTES).toString('hex');
      }
    }
    for (const [id, blockNum] of this.other) if (blockNum < beforeBlock) yield id;
  }

  /** Bytes held by the tables (what a long run pays for the index). */
  get tableBytes(): number {
    let bytes = 0;
    for (const segment of this.segments) bytes += segment.table.byteLength + segment.blocks.byteLength;
    return bytes;
  }

  private load(hex: string): Uint8Array {
    this.scratch.write(hex, 'hex');
    return this.scratch;
  }
}

function isZero(bytes: Uint8Array, at: number): boolean {
  for (let i = 0; i < ID_BYTES; i += 1) if (bytes[at + i] !== 0) return false;
  return true;
}

function equalAt(table: Uint8Array, at: number, id: Uint8Array): boolean {
  for (let i = 0; i < ID_BYTES; i += 1) if (table[at + i] !== id[i]) return false;
  return true;
}

/** The slot holding `id`, or the empty slot where it would go (capacity is a power of two). */
function findSlot(segment: Segment, id: Uint8Array): number {
  // Bytes 1..4 pick the slot (byte 0 already picked the segment).
  const mask = segment.capacity - 1;
  let slot =
    (((id[1] as number) << 24) | ((id[2] as number) << 16) | ((id[3] as number) << 8) | (id[4] as number)) & mask;
  for (;;) {
    const at = slot * ID_BYTES;
    if (isZero(segment.table, at) || equalAt(segment.table, at, id)) return slot;
    slot = (slot + 1) & mask;
  }
}

function grow(segment: Segment): void {
  const old = { table: segment.table, blocks: segment.blocks, capacity: segment.capacity };
  const bigger = newSegment(old.capacity * 2);
  segment.table = bigger.table;
  segment.blocks = bigger.blocks;
  segment.capacity = bigger.capacity;
  for (let slot = 0; slot < old.capacity; slot += 1) {
    const at = slot * ID_BYTES;
    if (isZero(old.table, at)) continue;
    const id = old.table.subarray(at, at + ID_BYTES);
    const to = findSlot(segment, id);
    segment.table.set(id, to * ID_BYTES);
    segment.blocks[to] = old.blocks[slot] as number;
  }
}
