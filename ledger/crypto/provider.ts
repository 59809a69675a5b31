/**
 * The crypto provider interface: one shape for OpenSSL (`node`), pure JS (`noble`) and a `modeled`
 * mode that computes no curve math. Providers know nothing of receipts; `signing.ts` counts.
 *
 * Every provider signs deterministically (RFC 6979 for P-256, RFC 8032 for Ed25519, BLS is
 * deterministic by construction), so a seeded run produces the same block hashes every time.
 */
import type { Scheme } from '../receipt.js';

export type CryptoMode = 'node' | 'noble' | 'modeled';
export const CRYPTO_MODES: readonly CryptoMode[] = ['node', 'noble', 'modeled'];

export interface KeyPair {
  readonly scheme: Scheme;
  /** P-256: 65-byte uncompressed point; Ed25519: 32 bytes; BLS: 48-byte compressed G1 point. */
  readonly publicKey: Uint8Array;
  /** 32 bytes (P-256 scalar, Ed25519 seed, BLS scalar). */
  readonly secretKey: Uint8Array;
}

export interface CryptoProvider {
  readonly mode: CryptoMode;
  /** Derives a key pair from 32 seed bytes; the same seed always gives the same key. */
  keyPairFromSeed(scheme: Scheme, seed: Uint8Array): KeyPair;
  /** Signs `message` (P-256 hashes it with SHA-256 first, as Fabric's BCCSP does). */
  sign(key: KeyPair, message: Uint8Array): Uint8Array;
  /** True iff `signature` is valid; never throws on malformed keys or signatures. */
  verify(scheme: Scheme, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean;
  /** Aggregates BLS signatures into one; null if any input is malformed. */
  aggregateBls(signatures: readonly Uint8Array[]): Uint8Array | null;
  /** One check for all signers of the same message (the paper's remedy 2). */
  verifyBlsAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean;
}
