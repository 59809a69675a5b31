/**
 * The `modeled` provider for large simulated sweeps: no curve math at all. A "signature" is a
 * SHA-256 tag of the scheme, public key and message, padded to the scheme's real signature size so
 * message bytes stay realistic; it verifies iff key, message and signature are untampered. Receipts
 * count signs and verifies exactly as with real crypto (counting happens in `signing.ts`, not here),
 * and every report states which mode produced it.
 *
 * It is not a signature scheme: anyone who knows a public key can "sign". It models cost, not
 * security, and rejects exactly the forgeries the tests craft (changed bytes, wrong key).
 */
import { createHash, hash } from 'node:crypto';
import type { Scheme } from '../receipt.js';
import type { CryptoProvider, KeyPair } from './provider.js';

const PUBLIC_KEY_BYTES: Record<Scheme, number> = { p256: 65, ed25519: 32, bls: 48 };
const SIGNATURE_BYTES: Record<Scheme, number> = { p256: 71, ed25519: 64, bls: 96 };

function expand(tag: Buffer, length: number): Uint8Array {
  const out = Buffer.alloc(length);
  for (let offset = 0; offset < length; offset += tag.length)
    tag.copy(out, offset, 0, Math.min(tag.length, length - offset));
  return out;
}

const TAG_PREFIX = Buffer.from('bpusim/modeled-sig/');
let scratch = Buffer.allocUnsafe(4096);

/**
 * SHA-256('bpusim/modeled-sig/' ‖ scheme ‖ public key ‖ message), one-shot through a reused buffer:
 * a modeled run computes one per signature and per check, and a Hash object with four updates cost
 * ≈13 % of a modeled run's time (profiled).
 */
function tagDigest(scheme: Scheme, publicKey: Uint8Array, message: Uint8Array): Buffer {
  const size = TAG_PREFIX.length + scheme.length + publicKey.length + message.length;
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  let offset = TAG_PREFIX.copy(scratch, 0);
  offset += scratch.write(scheme, offset, 'latin1');
  scratch.set(publicKey, offset);
  scratch.set(message, offset + publicKey.length);
  return hash('sha256', scratch.subarray(0, size), 'buffer') as unknown as Buffer;
}

function tag(scheme: Scheme, publicKey: Uint8Array, message: Uint8Array): Uint8Array {
  return expand(tagDigest(scheme, publicKey, message), SIGNATURE_BYTES[scheme]);
}

export class ModeledCryptoProvider implements CryptoProvider {
  readonly mode = 'modeled' as const;

  keyPairFromSeed(scheme: Scheme, seed: Uint8Array): KeyPair {
    const secretKey = createHash('sha256').update('bpusim/modeled-secret/').update(scheme).update(seed).digest();
    const publicKey = expand(
      createHash('sha256').update('bpusim/modeled-public/').update(secretKey).digest(),
      PUBLIC_KEY_BYTES[scheme],
    );
    return { scheme, secretKey: Uint8Array.from(secretKey), publicKey };
  }

  sign(key: KeyPair, message: Uint8Array): Uint8Array {
    return tag(key.scheme, key.publicKey, message);
  }

  verify(scheme: Scheme, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    if (signature.length !== SIGNATURE_BYTES[scheme]) return false;
    const digest = tagDigest(scheme, publicKey, message);
    for (let i = 0; i < signature.length; i += 1) if (signature[i] !== digest[i % digest.length]) return false;
    return true;
  }

  aggregateBls(signatures: readonly Uint8Array[]): Uint8Array | null {
    // Order-independent like real BLS aggregation: XOR of the parts.
    const out = Buffer.alloc(SIGNATURE_BYTES.bls);
    for (const sig of signatures) {
      if (sig.length !== out.length) return null;
      for (let i = 0; i < out.length; i += 1) out[i] = (out[i] ?? 0) ^ (sig[i] ?? 0);
    }
    return out;
  }

  verifyBlsAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    if (publicKeys.length === 0) return false;
    const expected = this.aggregateBls(publicKeys.map((pk) => tag('bls', pk, message)));
    return expected !== null && Buffer.from(expected).equals(aggregate);
  }
}
