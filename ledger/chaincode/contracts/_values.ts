/**
 * Small helpers the built-in contracts share: integer balances stored as decimal strings (readable
 * in dumps, canonical), and deterministic filler bytes.
 */
import { ChaincodeError } from '../contract.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function encodeInt(value: bigint | number): Uint8Array {
  return encoder.encode(value.toString());
}

export function decodeInt(bytes: Uint8Array | null, what: string): bigint {
  if (bytes === null) throw new ChaincodeError(`${what}: not found`, 400);
  const text = decoder.decode(bytes);
  if (!/^-?[0-9]+$/.test(text)) throw new ChaincodeError(`${what}: corrupt balance '${text.slice(0, 32)}'`);
  return BigInt(text);
}

/** `length` bytes that depend only on `seed` (YCSB-style field values). */
export function fillerBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761 + 1) >>> 0;
  for (let i = 0; i < length; i += 1) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = 97 + (x % 26);
  }
  return out;
}

export function padIndex(index: number, width = 10): string {
  return index.toString().padStart(width, '0');
}
