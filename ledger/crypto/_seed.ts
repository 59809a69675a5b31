/**
 * Maps 32 seed bytes to a scalar in [1, order - 1]. The bias of reducing a 256-bit hash modulo a
 * ~256-bit order is irrelevant here: keys only need to be deterministic and distinct.
 */
import { createHash } from 'node:crypto';

export function bytesToBigInt(bytes: Uint8Array): bigint {
  if (bytes.length === 0) return 0n;
  return BigInt(`0x${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex')}`);
}

export function bigIntToBytes32(value: bigint): Uint8Array {
  return Buffer.from(value.toString(16).padStart(64, '0'), 'hex');
}

export function scalarFromSeed(seed: Uint8Array, label: string, order: bigint): Uint8Array {
  const digest = createHash('sha256').update(label).update(seed).digest();
  return bigIntToBytes32((bytesToBigInt(digest) % (order - 1n)) + 1n);
}

export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;
export const BLS12_381_ORDER = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
