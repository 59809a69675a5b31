/**
 * Crypto providers: known-answer vectors (test/vectors/signatures.json: keys and signatures from
 * fixed seeds, which also pins determinism across machines), a differential oracle (node:crypto vs
 * @noble/curves give byte-identical P-256 and Ed25519 signatures and accept each other's), Fabric's
 * low-S rule, rejection of tampered inputs by every provider, BLS aggregation, and the modeled
 * provider's verify-iff-untampered contract. Set UPDATE_VECTORS=1 to regenerate the vector file.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDerSignature, encodeDerSignature } from '../../ledger/crypto/_der.js';
import { P256_ORDER } from '../../ledger/crypto/_seed.js';
import { createCryptoProvider } from '../../ledger/crypto/index.js';
import type { CryptoMode } from '../../ledger/crypto/provider.js';
import { createHash } from 'node:crypto';
import type { Scheme } from '../../ledger/receipt.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const seedOf = (label: string) => createHash('sha256').update(label).digest();
const node = createCryptoProvider('node');
const noble = createCryptoProvider('noble');
const modeled = createCryptoProvider('modeled');
const vectorsPath = new URL('../vectors/signatures.json', import.meta.url);

interface SignatureVector {
  scheme: Scheme;
  seedLabel: string;
  messageHex: string;
  publicKeyHex: string;
  signatureHex: string;
}

function computeVectors(): SignatureVector[] {
  const out: SignatureVector[] = [];
  for (const scheme of ['p256', 'ed25519', 'bls'] as const) {
    for (const [seedLabel, message] of [
      ['alice', ''],
      ['bob', 'hello bpusim'],
      ['carol', 'x'.repeat(300)],
    ] as const) {
      const key = node.keyPairFromSeed(scheme, seedOf(seedLabel));
      const msg = Buffer.from(message);
      out.push({
        scheme,
        seedLabel,
        messageHex: hex(msg),
        publicKeyHex: hex(key.publicKey),
        signatureHex: hex(node.sign(key, msg)),
      });
    }
  }
  return out;
}

describe('signature known-answer vectors', () => {
  it('node and noble reproduce the stored keys and signatures, and verify them', () => {
    const computed = computeVectors();
    if (process.env.UPDATE_VECTORS === '1' || !existsSync(vectorsPath))
      writeFileSync(vectorsPath, `${JSON.stringify(computed, null, 2)}\n`);
    const stored = JSON.parse(readFileSync(vectorsPath, 'utf8')) as SignatureVector[];
    expect(computed).toEqual(stored);
    for (const v of stored) {
      const msg = Buffer.from(v.messageHex, 'hex');
      const sig = Buffer.from(v.signatureHex, 'hex');
      const pk = Buffer.from(v.publicKeyHex, 'hex');
      const nobleKey = noble.keyPairFromSeed(v.scheme, seedOf(v.seedLabel));
      expect(hex(nobleKey.publicKey)).toBe(v.publicKeyHex);
      if (v.scheme !== 'bls') expect(hex(noble.sign(nobleKey, msg))).toBe(v.signatureHex);
      expect(node.verify(v.scheme, pk, msg, sig)).toBe(true);
      if (v.scheme !== 'bls') expect(noble.verify(v.scheme, pk, msg, sig)).toBe(true);
      expect(node.verify(v.scheme, pk, Buffer.concat([msg, Buffer.from([0])]), sig)).toBe(false);
    }
  });
});

describe('differential: node:crypto vs @noble/curves', () => {
  it.each(['p256', 'ed25519'] as const)('%s signatures are byte-identical and cross-verify', (scheme) => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), fc.uint8Array({ maxLength: 512 }), (seed, msg) => {
        const a = node.keyPairFromSeed(scheme, seed);
        const b = noble.keyPairFromSeed(scheme, seed);
        expect(hex(a.publicKey)).toBe(hex(b.publicKey));
        const sigA = node.sign(a, msg);
        expect(hex(sigA)).toBe(hex(noble.sign(b, msg)));
        expect(noble.verify(scheme, b.publicKey, msg, sigA)).toBe(true);
        expect(node.verify(scheme, a.publicKey, msg, sigA)).toBe(true);
      }),
      { numRuns: 25, seed: 7 },
    );
  });
});

describe('rejections', () => {
  it('P-256 high-S signatures are rejected (Fabric low-S rule) by node and noble', () => {
    const key = node.keyPairFromSeed('p256', seedOf('lows'));
    const msg = Buffer.from('malleable');
    const sig = node.sign(key, msg);
    const [r, s] = decodeDerSignature(sig)!;
    expect(s <= P256_ORDER >> 1n).toBe(true);
    const highS = encodeDerSignature(r, P256_ORDER - s);
    expect(node.verify('p256', key.publicKey, msg, highS)).toBe(false);
    expect(noble.verify('p256', key.publicKey, msg, highS)).toBe(false);
  });

  it.each(['node', 'noble', 'modeled'] as CryptoMode[])(
    '%s rejects tampered message, signature, key and garbage',
    (mode) => {
      const provider = mode === 'node' ? node : mode === 'noble' ? noble : modeled;
      for (const scheme of ['p256', 'ed25519'] as const) {
        const key = provider.keyPairFromSeed(scheme, seedOf('tamper'));
        const other = provider.keyPairFromSeed(scheme, seedOf('other'));
        const msg = Buffer.from('pay 10 to bob');
        const sig = provider.sign(key, msg);
        expect(provider.verify(scheme, key.publicKey, msg, sig)).toBe(true);
        expect(provider.verify(scheme, key.publicKey, Buffer.from('pay 99 to bob'), sig)).toBe(false);
        const bad = Uint8Array.from(sig);
        bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
        expect(provider.verify(scheme, key.publicKey, msg, bad)).toBe(false);
        expect(provider.verify(scheme, other.publicKey, msg, sig)).toBe(false);
        expect(provider.verify(scheme, new Uint8Array(7), msg, sig)).toBe(false);
        expect(provider.verify(scheme, key.publicKey, msg, new Uint8Array(3))).toBe(false);
      }
    },
  );
});

describe('BLS aggregate endorsements', () => {
  it.each(['node', 'modeled'] as CryptoMode[])(
    '%s: one aggregate check for three signers; a wrong signer or message fails',
    (mode) => {
      const provider = mode === 'node' ? node : modeled;
      const keys = ['e1', 'e2', 'e3'].map((s) => provider.keyPairFromSeed('bls', seedOf(s)));
      const msg = Buffer.from('proposal response payload');
      const agg = provider.aggregateBls(keys.map((k) => provider.sign(k, msg)))!;
      expect(
        provider.verifyBlsAggregate(
          keys.map((k) => k.publicKey),
          msg,
          agg,
        ),
      ).toBe(true);
      expect(
        provider.verifyBlsAggregate(
          keys.slice(0, 2).map((k) => k.publicKey),
          msg,
          agg,
        ),
      ).toBe(false);
      expect(
        provider.verifyBlsAggregate(
          keys.map((k) => k.publicKey),
          Buffer.from('other'),
          agg,
        ),
      ).toBe(false);
    },
  );
});
