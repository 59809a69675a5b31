/**
 * Counted signing and verification: the only way the rest of the ledger touches a provider, so every
 * signature made or checked lands in a receipt. P-256 also counts its SHA-256 message digest as
 * hashBytes (Fabric's BCCSP hashes, then signs the digest); Ed25519 and BLS hash inside the scheme.
 */
import type { Scheme, WorkReceipt } from '../receipt.js';
import { countSign, countVerify } from '../receipt.js';
import type { CryptoProvider, KeyPair } from './provider.js';
import type { VerifyCache } from './verify-cache.js';

export function signCounted(
  provider: CryptoProvider,
  key: KeyPair,
  message: Uint8Array,
  receipt: WorkReceipt,
): Uint8Array {
  countSign(receipt, key.scheme);
  if (key.scheme === 'p256') receipt.hashBytes += message.length;
  return provider.sign(key, message);
}

export function verifyCounted(
  provider: CryptoProvider,
  cache: VerifyCache | null,
  scheme: Scheme,
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
  receipt: WorkReceipt,
  /** The key is a client's, not known in advance (counted in `genericVerifies`). */
  genericKey = false,
): boolean {
  countVerify(receipt, scheme, 1, genericKey);
  if (scheme === 'p256') receipt.hashBytes += message.length;
  const check = () => provider.verify(scheme, publicKey, message, signature);
  return cache === null ? check() : cache.lookup(scheme, publicKey, message, signature, check);
}

export function verifyBlsAggregateCounted(
  provider: CryptoProvider,
  publicKeys: readonly Uint8Array[],
  message: Uint8Array,
  aggregate: Uint8Array,
  receipt: WorkReceipt,
): boolean {
  countVerify(receipt, 'bls');
  return provider.verifyBlsAggregate(publicKeys, message, aggregate);
}
