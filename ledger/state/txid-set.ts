/**
 * The in-memory tx-id index: an exact set of transaction ids kept as raw 32-byte digests in flat
 * typed arrays instead of a `Set` of 64-character hex strings.
 *
 * Why: every peer keeps the id of every transaction it has committed (Fabric's duplicate check
 * against the ledger), so the index is the one structure of a long simulation that grows with the
 * run. A `Set<string>` costs ≈150 B per id here (the hex string, the string it was sliced from,
 * the set's slot); 32 raw bytes at a load factor of ⅜..¾ cost ≈45–85 B.
 *
 * Layout: 256 segments chosen by the digest's first byte (ids are SHA-256 outputs, so uniform),
 * each an open-addressing table with linear probing over `capacity × 32` bytes. Segments grow one
 * at a time, so a resize briefly holds 1/256 of the index twice, not all of it. An all-zero slot
 * means empty; the all-zero id itself is remembered in a flag. Ids that are not 64 lower-case hex
 * characters (a malformed envelope's) go to a small ordinary `Set`, so the set stays exact for
 * any string.
 */

const ID_BYTES = 32;
const SEGMENT_COUNT = 256;
const INITIAL_CAPACITY = 16;
const HEX_ID = /^[0-9a-f]{64}$/;

interface Segment {
  table: Uint8Array;
  capacity: number;
  size: number;
}

export class TxIdSet {
  private readonly segments: Segment[] = [];
  private readonly scratch = Buffer.alloc(ID_BYTES);
  private readonly other = new Set<string>();
  private hasZeroId = false;
  private count = 0;

  constructor() {
    for (let i = 0; i < SEGMENT_COUNT; i += 1) this.segments.push({ table: new Uint8Array(INITIAL_CAPACITY * ID_BYTES), capacity: INITIAL_CAPACITY, size: 0 });
  }

  get size(): number {
    return this.count;
  }

  has(txId: string): boolean {
    if (!HEX_ID.test(txId)) return this.other.has(txId);
    const id = this.load(txId);
    if (isZero(id, 0)) return this.hasZeroId;
    const segment = this.segments[id[0] as number] as Segment;
    return !isZero(segment.table, findSlot(segment, id) * ID_BYTES);
  }

  add(txId: string): void {
    if (!HEX_ID.test(txId)) {
      if (!this.other.has(txId)) this.count += 1;
      this.other.add(txId);
      return;
    }
    const id = this.load(txId);
    if (isZero(id, 0)) {
      if (!this.hasZeroId) this.count += 1;
      this.hasZeroId = true;
      return;
    }
    const segment = this.segments[id[0] as number] as Segment;
    const slot = findSlot(segment, id);
    if (!isZero(segment.table, slot * ID_BYTES)) return; // already present
    segment.table.set(id, slot * ID_BYTES);
    segment.size += 1;
    this.count += 1;
    // Grow at ¾ full: linear probing stays short on uniform keys.
    if (segment.size * 4 > segment.capacity * 3) grow(segment);
  }

  /** Every id, as hex, in no particular order. */
  *values(): Iterable<string> {
    if (this.hasZeroId) yield '0'.repeat(ID_BYTES * 2);
    for (const segment of this.segments) {
      for (let slot = 0; slot < segment.capacity; slot += 1) {
        const at = slot * ID_BYTES;
        if (!isZero(segment.table, at)) yield Buffer.from(segment.table.buffer, segment.table.byteOffset + at, ID_BYTES).toString('hex');
      }
    }
    yield* this.other;
  }

  /** Bytes held by the tables (what a long run pays for the index). */
  get tableBytes(): number {
    let bytes = 0;
    for (const segment of this.segments) bytes += segment.table.byteLength;
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
  let slot = (((id[1] as number) << 24) | ((id[2] as number) << 16) | ((id[3] as number) << 8) | (id[4] as number)) & mask;
  for (;;) {
    const at = slot * ID_BYTES;
    if (isZero(segment.table, at) || equalAt(segment.table, at, id)) return slot;
    slot = (slot + 1) & mask;
  }
}

function grow(segment: Segment): void {
  const old = segment.table;
  const oldCapacity = segment.capacity;
  segment.capacity = oldCapacity * 2;
  segment.table = new Uint8Array(segment.capacity * ID_BYTES);
  for (let slot = 0; slot < oldCapacity; slot += 1) {
    const at = slot * ID_BYTES;
    if (isZero(old, at)) continue;
    const id = old.subarray(at, at + ID_BYTES);
    segment.table.set(id, findSlot(segment, id) * ID_BYTES);
  }
}
