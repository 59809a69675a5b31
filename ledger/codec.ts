/**
 * Canonical msgpack encoding for everything that is hashed or signed.
 *
 * Canonical because every structure is encoded as a tuple (array) in a fixed field order, never as a
 * map whose key order could vary, and msgpackr is configured without records or structure sharing,
 * so the same value gives the same bytes on every run and machine. Byte strings are msgpack `bin`.
 * Every call counts its bytes into the caller's receipt.
 */
import { Packr } from 'msgpackr';
import type { WorkReceipt } from './receipt.js';

const packr = new Packr({ useRecords: false, structuredClone: false, moreTypes: false, bundleStrings: false });

/** A value the canonical codec accepts: tuples of these, strings, safe integers, byte strings, null. */
export type Canonical = null | boolean | number | string | Uint8Array | readonly Canonical[];

/**
 * msgpackr packs into a shared buffer and returns a view of it: one view kept (an envelope in
 * flight, a block) keeps the whole buffer alive, up to the size of the largest block ever packed.
 * Under load, thousands of transactions in flight then hold hundreds of MB of other messages'
 * bytes. The result is therefore copied into storage of its own.
 */
function ownBytes(view: Uint8Array): Uint8Array {
  return new Uint8Array(view);
}

export function encode(value: Canonical, receipt: WorkReceipt): Uint8Array {
  const bytes = ownBytes(packr.pack(value));
  receipt.encodeBytes += bytes.length;
  return bytes;
}

/**
 * `encode([first, second])` for two byte strings, written directly: an envelope is its payload and
 * signature framed this way, and going through msgpackr copied the whole payload twice (into its
 * buffer, then out of it). The bytes are msgpack's: fixarray of 2, then each as bin 8/16/32 by its
 * length, as msgpackr writes them (checked byte for byte in the tests).
 */
export function encodeBytesPair(first: Uint8Array, second: Uint8Array, receipt: WorkReceipt): Uint8Array {
  const out = new Uint8Array(1 + binBytes(first.length) + binBytes(second.length));
  out[0] = 0x92;
  writeBin(out, writeBin(out, 1, first), second);
  receipt.encodeBytes += out.length;
  return out;
}

/** Bytes of a msgpack bin of `length` bytes, header included. */
function binBytes(length: number): number {
  return (length < 0x100 ? 2 : length < 0x1_0000 ? 3 : 5) + length;
}

/** Writes `bytes` as a msgpack bin at `at`; returns the offset after it. */
function writeBin(out: Uint8Array, at: number, bytes: Uint8Array): number {
  const n = bytes.length;
  let offset = at;
  if (n < 0x100) {
    out[offset++] = 0xc4;
    out[offset++] = n;
  } else if (n < 0x1_0000) {
    out[offset++] = 0xc5;
    out[offset++] = n >>> 8;
    out[offset++] = n & 0xff;
  } else {
    out[offset++] = 0xc6;
    out[offset++] = n >>> 24;
    out[offset++] = (n >>> 16) & 0xff;
    out[offset++] = (n >>> 8) & 0xff;
    out[offset++] = n & 0xff;
  }
  out.set(bytes, offset);
  return offset + n;
}

/** Decodes bytes; throws on malformed input (callers at trust boundaries turn that into a code). */
export function decode(bytes: Uint8Array, receipt: WorkReceipt): unknown {
  receipt.decodeBytes += bytes.length;
  return packr.unpack(bytes);
}

/**
 * Canonical bytes of a value without counting them (for callers that count the whole they are part
 * of). A view into msgpackr's shared buffer, not copied: msgpackr never writes over earlier
 * results, but the view keeps that whole buffer alive, so it is for bytes used at once (sized,
 * copied into a block's encoding); a caller that keeps them copies them (see `ownBytes`).
 */
export function packValue(value: Canonical): Uint8Array {
  return packr.pack(value);
}
