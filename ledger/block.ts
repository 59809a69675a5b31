/**
 * Blocks as in Fabric: a header (number, previous block's hash, data hash), data (the envelopes), and
 * metadata (the orderer's identity and signature over the header, and the committing peer's
 * per-transaction validation flags). The block hash is SHA-256 of the canonical header encoding, so
 * it chains blocks and does not depend on any peer's flags. The data hash is SHA-256 over the
 * concatenated envelopes (Fabric's BlockDataHash).
 */
import { decode, encode } from './codec.js';
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

export function encodeBlock(block: Block, receipt: WorkReceipt): Uint8Array {
  const { header, metadata } = block;
  return encode(
    [header.number, header.previousHash, header.dataHash, block.data, metadata.ordererIdentity, metadata.ordererSignature, metadata.validationFlags],
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
    if (!(ordererIdentity instanceof Uint8Array) || !(ordererSignature instanceof Uint8Array) || !(validationFlags instanceof Uint8Array)) return null;
    return { header: { number, previousHash, dataHash }, data: data as Uint8Array[], metadata: { ordererIdentity, ordererSignature, validationFlags } };
  } catch {
    return null;
  }
}

export function blockSizeBytes(block: Block): number {
  let size = 3 * HASH_BYTES + block.metadata.ordererIdentity.length + block.metadata.ordererSignature.length + block.metadata.validationFlags.length;
  for (const envelope of block.data) size += envelope.length;
  return size;
}
