/**
 * The analytical generator against a real implementation: for 100 seeded signatures, each
 * algorithm's instrumented reference verify (real P-256 arithmetic, every field op counted) agrees
 * with noble's p256.verify on valid and tampered signatures, and performs exactly the field-op
 * counts the generator predicts from the scalars' recodings, class by class.
 */
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { analyticalPointOpCounts } from '../../../engines/crypto-datapath/analytical-counts.js';
import { P256_CURVE } from '../../../engines/crypto-datapath/curves.js';
import { fieldOpCountsOf } from '../../../engines/crypto-datapath/point-ops.js';
import { flipBit, signedMessages, uniformScalar } from './fixtures.js';
import { RandomStream } from '../../../sim/prng.js';
import { type ReferenceOptions, referenceSignR, referenceVerify } from './reference/ecdsa.js';

const SIGNATURES = signedMessages(100, 1);

const CONFIGS: readonly ReferenceOptions[] = [
  { algorithm: { name: 'double-and-add' }, knownKey: false, tables: false, inversion: 'fermat' },
  { algorithm: { name: 'wnaf', windowBits: 4 }, knownKey: false, tables: false, inversion: 'fermat' },
  { algorithm: { name: 'wnaf', windowBits: 5 }, knownKey: false, tables: true, inversion: 'fermat' },
  { algorithm: { name: 'wnaf', windowBits: 2 }, knownKey: true, tables: true, inversion: 'unit' },
  {
    algorithm: { name: 'wnaf', windowBits: 4, interleaved: true },
    knownKey: false,
    tables: false,
    inversion: 'fermat',
  },
  { algorithm: { name: 'wnaf', windowBits: 3, interleaved: true }, knownKey: true, tables: true, inversion: 'unit' },
  {
    algorithm: { name: 'comb', teeth: 4, variableBaseWindowBits: 4 },
    knownKey: false,
    tables: true,
    inversion: 'fermat',
  },
  { algorithm: { name: 'comb', teeth: 6, variableBaseWindowBits: 5 }, knownKey: true, tables: true, inversion: 'unit' },
  { algorithm: { name: 'shamir' }, knownKey: false, tables: false, inversion: 'fermat' },
  { algorithm: { name: 'shamir' }, knownKey: true, tables: true, inversion: 'fermat' },
];

const label = (o: ReferenceOptions): string =>
  `${JSON.stringify(o.algorithm)} knownKey=${o.knownKey} tables=${o.tables} inversion=${o.inversion}`;

describe('reference ECDSA P-256 verify per algorithm', () => {
  it('noble accepts every seeded signature and rejects each tampered one', () => {
    for (const { message, signature, publicKey } of SIGNATURES) {
      expect(p256.verify(signature, message, publicKey)).toBe(true);
      expect(p256.verify(signature, flipBit(message, 5), publicKey)).toBe(false);
      expect(p256.verify(flipBit(signature, 250), message, publicKey)).toBe(false);
    }
  });

  for (const options of CONFIGS) {
    it(`${label(options)}: agrees with noble and with the analytical counts`, () => {
      const generator = {
        curve: P256_CURVE,
        algorithm: options.algorithm,
        knownKey: options.knownKey,
        precomputedTables: options.tables,
      };
      for (const { message, signature, publicKey } of SIGNATURES) {
        const result = referenceVerify(signature, message, publicKey, options);
        expect(result.valid).toBe(true);
        const predicted = fieldOpCountsOf(
          analyticalPointOpCounts({ op: 'verify', u1: result.u1, u2: result.u2 }, generator),
          P256_CURVE.microprograms(options.inversion),
        );
        expect(result.counts).toEqual(predicted);
      }
      // Tampered message, tampered r (a low bit of its last byte), tampered s: rejected like noble.
      for (const { message, signature, publicKey } of SIGNATURES.slice(0, 20)) {
        for (const [m, s] of [
          [flipBit(message, 3), signature],
          [message, flipBit(signature, 248)],
          [message, flipBit(signature, 500)],
        ] as const) {
          const valid = referenceVerify(s, m, publicKey, options).valid;
          expect(valid).toBe(false);
          expect(valid).toBe(p256.verify(s, m, publicKey));
        }
      }
    });
  }
});

describe('reference sign (r = x(k·G) mod n) per algorithm', () => {
  const stream = new RandomStream('crypto-datapath-test/nonces', 3);
  const nonces = Array.from({ length: 100 }, () => uniformScalar(stream));
  const n = p256.Point.Fn.ORDER;
  for (const options of CONFIGS.filter((o) => !o.knownKey)) {
    it(`${label(options)}: r matches noble's k·G and the counts match`, () => {
      const generator = {
        curve: P256_CURVE,
        algorithm: options.algorithm,
        knownKey: false,
        precomputedTables: options.tables,
      };
      for (const k of nonces) {
        const { r, counts } = referenceSignR(k, options);
        expect(r).toBe(p256.Point.BASE.multiply(k).toAffine().x % n);
        expect(counts).toEqual(
          fieldOpCountsOf(
            analyticalPointOpCounts({ op: 'sign', k }, generator),
            P256_CURVE.microprograms(options.inversion),
          ),
        );
      }
    });
  }
});
