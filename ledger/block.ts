/**
 * Blocks as in Fabric: a header (number, previous block's hash, data hash), data (the envelopes), and
 * metadata (the orderer's identity and signature over the header, and the committing peer's
 * per-transaction validation flags). The block hash is SHA-256 of the canonical header encoding, so
 * it chains blocks and does not depend on any peer's flags. The data hash is SHA-256 over the
 * concatenated envelopes (Fabric's BlockDataHash).
 */
import { assert } from './assert.js';
import { decode, encode, packValue } from './codec.js';
import { HASH_BYTES, sha256, sha256Parts } from './hash.js';
import type { WorkReceipt } from './receipt.js';

export interface BlockHeader {
  readonly number: number;
  readonly previousHash: Uint8Array;
  readonly dataHash: Uint8Array;
}

export interface BlockMetadata {
  readonly ordererIdentity: Uint8Array;
  readonly ordererSignature: Uint8Array;
  /** One validation code per transaction, set by the committing peer (empty as ordered). */
  readonly validationFlags: Uint8Array;
}

export interface Block {
  readonly header: BlockHeader;
  readonly data: readonly Uint8Array[];
  readonly metadata: BlockMetadata;
}

export const GENESIS_PREVIOUS_HASH = new Uint8Array(HASH_BYTES);

export function encodeHeader(header: BlockHeader, receipt: WorkReceipt): Uint8Array {
  return encode([header.number, header.previousHash, header.dataHash], receipt);
}

export function blockHash(header: BlockHeader, receipt: WorkReceipt): Uint8Array {
  return sha256(encodeHeader(header, receipt), receipt);
}

export function computeDataHash(data: readonly Uint8Array[], receipt: WorkReceipt): Uint8Array {
  return sha256Parts(data, receipt);
}

/**
 * The encoded `data` array of a decoded block, as a view into the bytes it was decoded from, so
 * re-encoding the block with new validation flags (the committer stores every block it validates)
 * copies the envelopes once instead of re-packing 500 of them. Keyed by the data array itself:
 * `readonly`, and its envelopes are views into those same bytes, so the segment cannot go stale.
 */
const encodedDataSegments = new WeakMap<readonly Uint8Array[], Uint8Array>();

function binHeaderBytes(length: number): number {
  return length < 0x100 ? 2 : length < 0x10000 ? 3 : 5;
}

function writeBin(out: Uint8Array, offset: number, bytes: Uint8Array): number {
  const n = bytes.length;
  if (n < 0x100) {
    out[offset] = 0xc4;
    out[offset + 1] = n;
    offset += 2;
  } else if (n < 0x10000) {
    out[offset] = 0xc5;
    out[offset + 1] = n >>> 8;
    out[offset + 2] = n & 0xff;
    offset += 3;
  } else {
    out[offset] = 0xc6;
    out[offset + 1] = n >>> 24;
    out[offset + 2] = (n >>> 16) & 0xff;
    out[offset + 3] = (n >>> 8) & 0xff;
    out[offset + 4] = n & 0xff;
    offset += 5;
  }
  out.set(bytes, offset);
  return offset + n;
}

const binBytes = (bytes: Uint8Array) => binHeaderBytes(bytes.length) + bytes.length;

/** The canonical encoding of a block, in parts: msgpack is compositional, so parts concatenate. */
function blockParts(block: Block) {
  const { header, metadata } = block;
  const numberBytes = packValue(header.number);
  const dataBytes = encodedDataSegments.get(block.data) ?? packValue(block.data);
  const sizeBytes =
    1 +
    numberBytes.length +
    binBytes(header.previousHash) +
    binBytes(header.dataHash) +
    dataBytes.length +
    binBytes(metadata.ordererIdentity) +
    binBytes(metadata.ordererSignature) +
    binBytes(metadata.validationFlags);
  return { numberBytes, dataBytes, sizeBytes };
}

/** Size of `encodeBlock(block)` in bytes. */
export function encodedBlockSizeBytes(block: Block): number {
  return blockParts(block).sizeBytes;
}

/** Writes `encodeBlock(block)` into `out` at `offset` (byte-identical; counted the same); returns the size. */
export function encodeBlockInto(block: Block, out: Uint8Array, offset: number, receipt: WorkReceipt): number {
  const { header, metadata } = block;
  const { numberBytes, dataBytes, sizeBytes } = blockParts(block);
  assert(
    out.length - offset >= sizeBytes,
    `encodeBlockInto: ${out.length - offset} bytes of room for a ${sizeBytes}-byte block`,
  );
  let at = offset;
  out[at] = 0x97; // fixarray of 7
  at += 1;
  out.set(numberBytes, at);
  at += numberBytes.length;
  at = writeBin(out, at, header.previousHash);
  at = writeBin(out, at, header.dataHash);
  out.set(dataBytes, at);
  at += dataBytes.length;
  at = writeBin(out, at, metadata.ordererIdentity);
  at = writeBin(out, at, metadata.ordererSignature);
  at = writeBin(out, at, metadata.validationFlags);
  assert(at - offset === sizeBytes, `encodeBlockInto: wrote ${at - offset} bytes, sized ${sizeBytes}`);
  receipt.encodeBytes += sizeBytes;
  return sizeBytes;
}

export function encodeBlock(block: Block, receipt: WorkReceipt): Uint8Array {
  const { header, metadata } = block;
  return encode(
    [
      header.number,
      header.previousHash,
      header.dataHash,
      block.data,
      metadata.ordererIdentity,
      metadata.ordererSignature,
      metadata.validationFlags,
    ],
    receipt,
  );
}

/** Decodes a stored or received block; null when malformed. */
export function decodeBlock(bytes: Uint8Array, receipt: WorkReceipt): Block | null {
  try {
    const raw = decode(bytes, receipt);
    if (!Array.isArray(raw) || raw.length !== 7) return null;
    const [number, previousHash, dataHash, data, ordererIdentity, ordererSignature, validationFlags] = raw as unknown[];
    if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < 0) return null;
    if (!(previousHash instanceof Uint8Array) || !(dataHash instanceof Uint8Array)) return null;
    if (!Array.isArray(data) || !data.every((d) => d instanceof Uint8Array)) return null;
    if (
      !(ordererIdentity instanceof Uint8Array) ||
      !(ordererSignature instanceof Uint8Array) ||
      !(validationFlags instanceof Uint8Array)
    )
      return null;
    const envelopes = data as Uint8Array[];
    // Remember where the data array's encoding lies (everything between the header fields and the
    // metadata), checked by its array header; the block stays valid without it.
    const start = 1 + packValue(number).length + binBytes(previousHash) + binBytes(dataHash);
    const end = bytes.length - binBytes(ordererIdentity) - binBytes(ordererSignature) - binBytes(validationFlags);
    const first = bytes[start] ?? 0;
    const count =
      (first & 0xf0) === 0x90
        ? first & 0x0f
        : first === 0xdc
          ? ((bytes[start + 1] ?? 0) << 8) | (bytes[start + 2] ?? 0)
          : -1;
    if (bytes[0] === 0x97 && count === envelopes.length && start < end)
      encodedDataSegments.set(envelopes, bytes.subarray(start, end));
    return {
      header: { number, previousHash, dataHash },
      data: envelopes,
      metadata: { ordererIdentity, ordererSignature, validationFlags },
    };
  } catch {
    return null;
  }
}

export function blockSizeBytes(block: Block): number {
  let size =
    3 * HASH_BYTES +
    block.metadata.ordererIdentity.length +
    block.metadata.ordererSignature.length +
    block.metadata.validationFlags.length;
  for (const envelope of block.data) size += envelope.length;
  return size;
}
