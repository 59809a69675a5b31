/**
 * SHA-256 through node:crypto (OpenSSL), counting input bytes into the caller's receipt.
 */
import { createHash } from 'node:crypto';
import type { WorkReceipt } from './receipt.js';

export const HASH_BYTES = 32;

export function sha256(bytes: Uint8Array, receipt: WorkReceipt): Uint8Array {
  receipt.hashBytes += bytes.length;
  return createHash('sha256').update(bytes).digest();
}

/** SHA-256 over the concatenation of `parts`, without building the concatenation. */
export function sha256Parts(parts: readonly Uint8Array[], receipt: WorkReceipt): Uint8Array {
  const hasher = createHash('sha256');
  for (const part of parts) {
    receipt.hashBytes += part.length;
    hasher.update(part);
  }
  return hasher.digest();
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(parts);
}

const encoder = new TextEncoder();
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}
