/**
 * The native P-256 verifier (ledger/crypto/native, built at install) against node:crypto, the oracle:
 * the same verdict for valid signatures, tampered messages, tampered signature bytes, wrong keys,
 * malformed DER and zero-length inputs, with and without the key's fixed-base table (r, s = 0 or
 * ≥ n and non-minimal DER included); invalid points refused at key import; non-byte arguments thrown on. Skipped, with the reason, where the install step could not build it (no C compiler or
 * headers): the `node` provider then verifies through node:crypto, which crypto.test.ts covers.
 */
import { createPublicKey, generateKeyPairSync, sign, verify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nativeP256, nativeTablesWork, p256Verifier } from '../../ledger/crypto/_native-p256.js';
import { createCryptoProvider } from '../../ledger/crypto/index.js';

const binding = nativeP256();
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

function keyPair(): { point: Buffer; publicKey: KeyObject; privateKey: KeyObject } {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const point = publicKey.export({ format: 'der', type: 'spki' }).subarray(P256_SPKI_PREFIX.length);
  return { point: Buffer.from(point), publicKey, privateKey };
}

describe.skipIf(binding === null)(
  'native P-256 verifier (not built here: run `node ledger/crypto/native/build.mjs`)',
  () => {
    const native = binding!;
    const keys = [keyPair(), keyPair(), keyPair()];
    const handles = keys.map((k) => native.publicKey(k.point));
    // The same keys again, each with a fixed-base table: verdicts must not change.
    const tabled = keys.map((k) => native.publicKey(k.point));

    it('is what the node provider uses in this thread', () => {
      expect(p256Verifier()).toBe('openssl-direct');
      expect(nativeTablesWork()).toBe(true);
      expect(handles.every((h) => h !== null)).toBe(true);
      expect(tabled.every((h) => h !== null && native.precompute(h) && native.precompute(h))).toBe(true);
    });

    it('agrees with node:crypto on valid, tampered and wrong-key signatures', () => {
      fc.assert(
        fc.property(
          fc.uint8Array({ minLength: 0, maxLength: 3000 }),
          fc.nat({ max: 2 }),
          fc.nat({ max: 2 }),
          fc.constantFrom('none', 'message', 'signature', 'truncate', 'append'),
          fc.nat(),
          (message, signer, checker, tamper, at) => {
            const signature = Buffer.from(sign('sha256', message, keys[signer]!.privateKey));
            let checkedMessage = Buffer.from(message);
            let checkedSignature = signature;
            if (tamper === 'message') {
              checkedMessage = Buffer.concat([checkedMessage, Buffer.of(at & 0xff)]);
            } else if (tamper === 'signature') {
              checkedSignature = Buffer.from(signature);
              checkedSignature[at % signature.length] =
                (checkedSignature[at % signature.length] ?? 0) ^ (1 + (at % 255));
            } else if (tamper === 'truncate') {
              checkedSignature = signature.subarray(0, at % signature.length);
            } else if (tamper === 'append') {
              checkedSignature = Buffer.concat([signature, Buffer.of(0)]);
            }
            const oracle = verify('sha256', checkedMessage, keys[checker]!.publicKey, checkedSignature);
            expect(native.verify(handles[checker]!, checkedMessage, checkedSignature)).toBe(oracle);
            expect(native.verify(tabled[checker]!, checkedMessage, checkedSignature)).toBe(oracle);
            if (tamper === 'none') expect(oracle).toBe(signer === checker);
          },
        ),
        { numRuns: 300 },
      );
    });

    it('refuses points that are not uncompressed points on P-256, as node:crypto does', () => {
      const { point } = keys[0]!;
      const offCurve = Buffer.from(point);
      offCurve[64] = (offCurve[64] ?? 0) ^ 1;
      const compressed = Buffer.concat([Buffer.of(2 + ((point[64] ?? 0) & 1)), point.subarray(1, 33)]);
      for (const bad of [
        offCurve,
        point.subarray(0, 64),
        Buffer.concat([point, Buffer.of(0)]),
        compressed,
        new Uint8Array(65),
      ]) {
        expect(native.publicKey(bad)).toBeNull();
      }
      expect(() =>
        createPublicKey({ key: Buffer.concat([P256_SPKI_PREFIX, offCurve]), format: 'der', type: 'spki' }),
      ).toThrow();
    });

    it('with a table, rejects r or s out of [1, n-1] and non-minimal DER, as node:crypto does', () => {
      const message = Buffer.from('edge');
      const signature = Buffer.from(sign('sha256', message, keys[0]!.privateKey));
      const order = Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex');
      const derInt = (bytes: Buffer) => Buffer.concat([Buffer.of(0x02, bytes.length), bytes]);
      const derSig = (r: Buffer, s: Buffer) => {
        const body = Buffer.concat([derInt(r), derInt(s)]);
        return Buffer.concat([Buffer.of(0x30, body.length), body]);
      };
      // r and s of the valid signature, then edge values in their place.
      const rLength = signature[3]!;
      const r = signature.subarray(4, 4 + rLength);
      const s = signature.subarray(4 + rLength + 2);
      const withZero = Buffer.concat([Buffer.of(0), order]);
      const sPlusN = (() => {
        let carry = 0;
        const sum = Buffer.alloc(33);
        const padded = Buffer.concat([Buffer.alloc(33 - s.length), s]);
        const n = Buffer.concat([Buffer.of(0), order]);
        for (let i = 32; i >= 0; i -= 1) {
          const total = (padded[i] ?? 0) + (n[i] ?? 0) + carry;
          sum[i] = total & 0xff;
          carry = total >> 8;
        }
        return sum[0]! & 0x80 ? Buffer.concat([Buffer.of(0), sum]) : sum;
      })();
      const cases = [
        derSig(r, s),
        derSig(Buffer.of(0), s),
        derSig(r, Buffer.of(0)),
        derSig(withZero, s),
        derSig(r, withZero),
        derSig(r, sPlusN),
        derSig(Buffer.concat([Buffer.of(0), r]), s),
      ];
      for (const candidate of cases) {
        const oracle = verify('sha256', message, keys[0]!.publicKey, candidate);
        expect(native.verify(tabled[0]!, message, candidate)).toBe(oracle);
        expect(native.verify(handles[0]!, message, candidate)).toBe(oracle);
      }
      expect(native.verify(tabled[0]!, message, cases[0]!)).toBe(true);
    });

    it('throws on arguments that are not byte arrays or keys', () => {
      const call = (f: () => unknown) => expect(f).toThrow(TypeError);
      call(() => native.publicKey('04' as unknown as Uint8Array));
      call(() => native.verify({} as never, new Uint8Array(1), new Uint8Array(1)));
      call(() => native.precompute({} as never));
      call(() => native.verify(handles[0]!, new Uint16Array(1) as unknown as Uint8Array, new Uint8Array(1)));
    });

    it('the node provider gives the same verdicts with it as node:crypto does', () => {
      const provider = createCryptoProvider('node');
      const key = provider.keyPairFromSeed('p256', new Uint8Array(32).fill(9));
      const spki = createPublicKey({
        key: Buffer.concat([P256_SPKI_PREFIX, key.publicKey]),
        format: 'der',
        type: 'spki',
      });
      for (const length of [0, 1, 100, 2000]) {
        const message = new Uint8Array(length).fill(length & 0xff);
        const signature = provider.sign(key, message);
        expect(provider.verify('p256', key.publicKey, message, signature)).toBe(true);
        expect(verify('sha256', message, spki, signature)).toBe(true);
        const other = Uint8Array.from(message);
        other[0] = (other[0] ?? 0) ^ 1;
        if (length > 0) expect(provider.verify('p256', key.publicKey, other, signature)).toBe(false);
      }
      // Past the verifies after which the provider gives a hot key its table: the same verdicts.
      const message = Uint8Array.of(7, 7, 7);
      const signature = provider.sign(key, message);
      for (let i = 0; i < 100; i += 1) {
        expect(provider.verify('p256', key.publicKey, message, signature)).toBe(true);
        expect(provider.verify('p256', key.publicKey, Uint8Array.of(7, 7, i), signature)).toBe(i === 7);
      }
    });
  },
);
