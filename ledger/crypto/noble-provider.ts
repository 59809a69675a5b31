/**
 * Pure-JS provider (@noble/curves): the differential oracle for the `node` provider and an option
 * where OpenSSL is unavailable. Same keys, same deterministic signatures, ≈20× slower on this host
 * (≈1.8K P-256 sign/s, ≈0.5K verify/s on one core).
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { p256 } from '@noble/curves/nist.js';
import type { Scheme } from '../receipt.js';
import { blsAggregate, blsPublicKey, blsSecretFromSeed, blsSign, blsVerify, blsVerifyAggregate } from './_bls.js';
import { P256_ORDER, scalarFromSeed } from './_seed.js';
import type { CryptoProvider, KeyPair } from './provider.js';

export class NobleCryptoProvider implements CryptoProvider {
  readonly mode = 'noble' as const;

  keyPairFromSeed(scheme: Scheme, seed: Uint8Array): KeyPair {
    switch (scheme) {
      case 'p256': {
        const secretKey = scalarFromSeed(seed, 'bpusim/p256', P256_ORDER);
        return { scheme, secretKey, publicKey: p256.getPublicKey(secretKey, false) };
      }
      case 'ed25519': {
        const secretKey = Uint8Array.from(seed);
        return { scheme, secretKey, publicKey: ed25519.getPublicKey(secretKey) };
      }
      case 'bls': {
        const secretKey = blsSecretFromSeed(seed);
        return { scheme, secretKey, publicKey: blsPublicKey(secretKey) };
      }
    }
  }

  sign(key: KeyPair, message: Uint8Array): Uint8Array {
    switch (key.scheme) {
      case 'p256':
        return p256.sign(message, key.secretKey, { lowS: true, format: 'der' });
      case 'ed25519':
        return ed25519.sign(message, key.secretKey);
      case 'bls':
        return blsSign(key.secretKey, message);
    }
  }

  verify(scheme: Scheme, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    try {
      switch (scheme) {
        case 'p256':
          return p256.verify(signature, message, publicKey, { lowS: true, format: 'der' });
        case 'ed25519':
          return ed25519.verify(signature, message, publicKey);
        case 'bls':
          return blsVerify(publicKey, message, signature);
      }
    } catch {
      return false;
    }
  }

  aggregateBls(signatures: readonly Uint8Array[]): Uint8Array | null {
    return blsAggregate(signatures);
  }

  verifyBlsAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    return blsVerifyAggregate(publicKeys, message, aggregate);
  }
}
