/**
 * The running state hash: a fingerprint of the world state's *content* (keys and values, not
 * versions), updated incrementally at every commit.
 *
 * Content-only and order-independent on purpose: DESIGN.md's invariant is that a conflict-free
 * workload ends with the same state hash on every architecture, although batch timeouts cut blocks
 * differently (so versions differ). It is an additive multiset hash (AdHash): eight 32-bit lanes,
 * each the sum mod 2^32 of the corresponding word of SHA-256(key ‖ 0 ‖ value) over all live entries.
 * Overwriting subtracts the old entry's digest and adds the new one, so it costs one extra hash per
 * write and no scan. The published hash is SHA-256 of the lanes.
 */
import { createHash, hash } from 'node:crypto';
import type { WorkReceipt } from '../receipt.js';

export const STATE_HASH_LANE_COUNT = 8;

export class StateHash {
  private readonly lanes: Uint32Array;
  private scratch = Buffer.allocUnsafe(256);

  constructor(lanes?: Uint8Array) {
    this.lanes = new Uint32Array(STATE_HASH_LANE_COUNT);
    if (lanes !== undefined) {
      const view = new DataView(lanes.buffer, lanes.byteOffset, lanes.byteLength);
      for (let i = 0; i < STATE_HASH_LANE_COUNT; i += 1) this.lanes[i] = view.getUint32(i * 4, false);
    }
  }

  add(key: string, value: Uint8Array, receipt: WorkReceipt): void {
    this.apply(key, value, 1, receipt);
  }

  remove(key: string, value: Uint8Array, receipt: WorkReceipt): void {
    this.apply(key, value, -1, receipt);
  }

  /** The lanes as 32 big-endian bytes (what a savepoint stores). */
  lanesBytes(): Uint8Array {
    const out = new Uint8Array(STATE_HASH_LANE_COUNT * 4);
    const view = new DataView(out.buffer);
    for (let i = 0; i < STATE_HASH_LANE_COUNT; i += 1) view.setUint32(i * 4, this.lanes[i] ?? 0, false);
    return out;
  }

  digest(): Uint8Array {
    return createHash('sha256').update(this.lanesBytes()).digest();
  }

  digestHex(): string {
    return Buffer.from(this.digest()).toString('hex');
  }

  private apply(key: string, value: Uint8Array, sign: 1 | -1, receipt: WorkReceipt): void {
    // key ‖ 0 ‖ value assembled in a reused buffer and hashed one-shot: 2.3 µs against 4.1 µs for a
    // Hash object with three updates (measured, 60-byte entries), and no per-entry key Buffer.
    const sizeMax = key.length * 3 + 1 + value.length;
    if (this.scratch.length < sizeMax) this.scratch = Buffer.allocUnsafe(Math.max(sizeMax, this.scratch.length * 2));
    const keyBytes = this.scratch.write(key, 0, 'utf8');
    this.scratch[keyBytes] = 0;
    this.scratch.set(value, keyBytes + 1);
    const size = keyBytes + 1 + value.length;
    receipt.hashBytes += size;
    const entry = hash('sha256', this.scratch.subarray(0, size), 'buffer');
    for (let i = 0; i < STATE_HASH_LANE_COUNT; i += 1) {
      const word = entry.readUInt32BE(i * 4);
      this.lanes[i] = ((this.lanes[i] ?? 0) + sign * word) >>> 0;
    }
  }
}
