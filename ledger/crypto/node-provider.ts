/**
 * The default provider: OpenSSL through node:crypto for P-256 and Ed25519 (≈20× faster than pure JS
 * on this host: `bpusim bench ledger`), deterministic P-256 signing per `_p256-deterministic.ts`,
 * BLS through @noble/curves.
 *
 * Verification needs node KeyObjects; building one from raw bytes costs more than a hash, so they are
 * cached per public key (bounded: a channel has few identities). P-256 verification goes through the
 * native binding to the same OpenSSL (`_native-p256.ts`) when it was built, with keys cached the same
 * way; the results are the same either way.
 */
import { createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import type { Scheme } from '../receipt.js';
import { blsAggregate, blsPublicKey, blsSecretFromSeed, blsSign, blsVerify, blsVerifyAggregate } from './_bls.js';
import { isLowSDer } from './_der.js';
import { nativeP256, nativeTablesWork } from './_native-p256.js';
import { BytesMap } from '../bytes-map.js';
import type { NativeP256, NativeP256Key } from './_native-p256.js';
import { p256PublicKey, signP256Deterministic } from './_p256-deterministic.js';
import { P256_ORDER, scalarFromSeed } from './_seed.js';
import type { CryptoProvider, KeyPair } from './provider.js';

const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');
const ED25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const keyObjectCountMax = 4096;
/**
 * Fixed-base tables for hot P-256 keys (native verifier): a key gets one after this many verifies
 * (a table costs ≈26 ms to build, ≈500 verifies' worth, and halves every later verify), and at most
 * this many keys per thread hold one (≈150 KB each). A channel's endorsing peers and busy clients
 * are the hot keys; a one-off key never pays for a table.
 */
const TABLE_AFTER_VERIFIES = 64;
const TABLED_KEYS_MAX = 64;

interface NativeKeyEntry {
  readonly key: NativeP256Key;
  verifies: number;
}

export class NodeCryptoProvider implements CryptoProvider {
  readonly mode = 'node' as const;
  private readonly publicKeyObjects = {
    p256: new BytesMap<KeyObject | null>(keyObjectCountMax),
    ed25519: new BytesMap<KeyObject | null>(keyObjectCountMax),
  };
  private readonly ed25519PrivateKeys = new WeakMap<KeyPair, KeyObject>();
  private readonly native: NativeP256 | null = nativeP256();
  private readonly nativeKeys = new BytesMap<NativeKeyEntry | null>(keyObjectCountMax);
  private tabledKeys = 0;

  keyPairFromSeed(scheme: Scheme, seed: Uint8Array): KeyPair {
    switch (scheme) {
      case 'p256': {
        const secretKey = scalarFromSeed(seed, 'bpusim/p256', P256_ORDER);
        return { scheme, secretKey, publicKey: p256PublicKey(secretKey) };
      }
      case 'ed25519': {
        const secretKey = Uint8Array.from(seed);
        const privateKey = createPrivateKey({
          key: Buffer.concat([ED25519_PKCS8_PREFIX, secretKey]),
          format: 'der',
          type: 'pkcs8',
        });
        const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
        return { scheme, secretKey, publicKey: Uint8Array.from(spki.subarray(ED25519_SPKI_PREFIX.length)) };
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
        return signP256Deterministic(key.secretKey, message);
      case 'ed25519':
        return nodeSign(null, message, this.ed25519PrivateKey(key));
      case 'bls':
        return blsSign(key.secretKey, message);
    }
  }

  verify(scheme: Scheme, publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
    switch (scheme) {
      case 'p256': {
        // Fabric rejects high-S signatures (malleability); OpenSSL accepts both, so check first.
        if (!isLowSDer(signature)) return false;
        if (this.native !== null) {
          const entry = this.nativeKey(this.native, publicKey);
          return entry !== null && this.native.verify(entry.key, message, signature);
        }
        const keyObject = this.publicKeyObject(scheme, publicKey);
        return keyObject !== null && nodeVerify('sha256', message, keyObject, signature);
      }
      case 'ed25519': {
        if (signature.length !== 64) return false;
        const keyObject = this.publicKeyObject(scheme, publicKey);
        return keyObject !== null && nodeVerify(null, message, keyObject, signature);
      }
      case 'bls':
        return blsVerify(publicKey, message, signature);
    }
  }

  aggregateBls(signatures: readonly Uint8Array[]): Uint8Array | null {
    return blsAggregate(signatures);
  }

  verifyBlsAggregate(publicKeys: readonly Uint8Array[], message: Uint8Array, aggregate: Uint8Array): boolean {
    return blsVerifyAggregate(publicKeys, message, aggregate);
  }

  private ed25519PrivateKey(key: KeyPair): KeyObject {
    let keyObject = this.ed25519PrivateKeys.get(key);
    if (keyObject === undefined) {
      keyObject = createPrivateKey({
        key: Buffer.concat([ED25519_PKCS8_PREFIX, key.secretKey]),
        format: 'der',
        type: 'pkcs8',
      });
      this.ed25519PrivateKeys.set(key, keyObject);
    }
    return keyObject;
  }

  private nativeKey(native: NativeP256, publicKey: Uint8Array): NativeKeyEntry | null {
    let entry = this.nativeKeys.get(publicKey);
    if (entry === undefined) {
      const key = native.publicKey(publicKey);
      entry = key === null ? null : { key, verifies: 0 };
      // A full map starts over, dropping its keys and their tables (freed with the handles).
      if (this.nativeKeys.count >= keyObjectCountMax) this.tabledKeys = 0;
      this.nativeKeys.set(publicKey, entry);
    }
    if (entry !== null) {
      entry.verifies += 1;
      if (
        entry.verifies === TABLE_AFTER_VERIFIES &&
        this.tabledKeys < TABLED_KEYS_MAX &&
        nativeTablesWork() &&
        native.precompute(entry.key)
      )
        this.tabledKeys += 1;
    }
    return entry;
  }

  private publicKeyObject(scheme: 'p256' | 'ed25519', publicKey: Uint8Array): KeyObject | null {
    const cache = this.publicKeyObjects[scheme];
    const cached = cache.get(publicKey);
    if (cached !== undefined) return cached;
    let keyObject: KeyObject | null = null;
    try {
      const prefix = scheme === 'p256' ? P256_SPKI_PREFIX : ED25519_SPKI_PREFIX;
      const expectedLength = scheme === 'p256' ? 65 : 32;
      if (publicKey.length === expectedLength) {
        keyObject = createPublicKey({ key: Buffer.concat([prefix, publicKey]), format: 'der', type: 'spki' });
      }
    } catch {
      keyObject = null;
    }
    cache.set(publicKey, keyObject);
    return keyObject;
  }
}
