/**
 * Ed25519 (the stretch goal), checked like P-256: the inversion chain's exponent; the microprograms
 * evaluated with real values against the reference formulas and noble's points; each algorithm's
 * instrumented reference verify agreeing with noble's ed25519.verify on 100 seeded signatures and
 * tampered ones, with exactly the predicted field-op counts; [r]B for sign; and the analytical and
 * stepped schedulers agreeing.
 */
import { Field } from '@noble/curves/abstract/modular.js';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { analyticalPointOpCounts } from '../../../engines/crypto-datapath/analytical-counts.js';
import { ED25519_CURVE } from '../../../engines/crypto-datapath/curves.js';
import { chainExponent, ED25519_INVERSION_CHAIN } from '../../../engines/crypto-datapath/inversion.js';
import { microprogramCounts } from '../../../engines/crypto-datapath/microprogram.js';
import { fieldOpCountsOf } from '../../../engines/crypto-datapath/point-ops.js';
import { scalarSample } from '../../../engines/crypto-datapath/scalar-sample.js';
import { steppedCycles } from '../../../engines/crypto-datapath/stepped.js';
import {
  analyticalCycles,
  deriveCryptoTiming,
  planOptionsOf,
  programsFor,
} from '../../../engines/crypto-datapath/timing.js';
import { pointOpTrace } from '../../../engines/crypto-datapath/trace.js';
import { RandomStream } from '../../../sim/prng.js';
import { TEST_DATAPATHS } from './datapaths.js';
import { evaluate } from './evaluate.js';
import { flipBit } from './fixtures.js';
import type { ReferenceOptions } from './reference/ecdsa.js';
import { referenceEdSignR, referenceEdVerify } from './reference/ed25519-eddsa.js';
import { CountedField25519, D2, L, P25519 } from './reference/ed25519-field.js';
import { edAdd, edDouble, edMixedAdd, type Extended } from './reference/ed25519-formulas.js';

const Fp = Field(P25519);
const stream = new RandomStream('crypto-datapath-test/ed25519', 5);
const randomScalar = (): bigint => {
  for (;;) {
    let v = 0n;
    for (let i = 0; i < 8; i++) v = (v << 32n) | BigInt(stream.nextUint32());
    v &= (1n << 253n) - 1n;
    if (v > 0n && v < L) return v;
  }
};
const randomBytes = (n: number): Uint8Array => Uint8Array.from({ length: n }, () => stream.int(256));

const SIGNATURES = Array.from({ length: 100 }, () => {
  const secretKey = randomBytes(32);
  const message = randomBytes(1 + stream.int(64));
  return { message, signature: ed25519.sign(message, secretKey), publicKey: ed25519.getPublicKey(secretKey) };
});

const CONFIGS: readonly ReferenceOptions[] = [
  { algorithm: { name: 'double-and-add' }, knownKey: false, tables: false, inversion: 'fermat' },
  { algorithm: { name: 'wnaf', windowBits: 4 }, knownKey: false, tables: false, inversion: 'fermat' },
  { algorithm: { name: 'wnaf', windowBits: 5 }, knownKey: true, tables: true, inversion: 'unit' },
  { algorithm: { name: 'wnaf', windowBits: 4, interleaved: true }, knownKey: false, tables: true, inversion: 'fermat' },
  {
    algorithm: { name: 'comb', teeth: 4, variableBaseWindowBits: 4 },
    knownKey: false,
    tables: true,
    inversion: 'fermat',
  },
  { algorithm: { name: 'comb', teeth: 5, variableBaseWindowBits: 4 }, knownKey: true, tables: true, inversion: 'unit' },
  { algorithm: { name: 'shamir' }, knownKey: false, tables: false, inversion: 'fermat' },
  { algorithm: { name: 'shamir' }, knownKey: true, tables: true, inversion: 'fermat' },
];
const label = (o: ReferenceOptions): string =>
  `${JSON.stringify(o.algorithm)} knownKey=${o.knownKey} tables=${o.tables} inversion=${o.inversion}`;
const planOf = (o: ReferenceOptions) => ({
  curve: ED25519_CURVE,
  algorithm: o.algorithm,
  knownKey: o.knownKey,
  precomputedTables: o.tables,
});

describe('Ed25519 microprograms', () => {
  const programs = ED25519_CURVE.microprograms('fermat');
  const randomExtended = (): Extended => {
    const { x, y } = ed25519.Point.BASE.multiply(randomScalar()).toAffine();
    const z = randomScalar();
    return { X: Fp.mul(x, z), Y: Fp.mul(y, z), Z: z, T: Fp.mul(Fp.mul(x, y), z) };
  };
  const noble = (p: Extended) => ed25519.Point.fromAffine({ x: Fp.div(p.X, p.Z), y: Fp.div(p.Y, p.Z) });
  const asExtended = (v: bigint[]): Extended => ({ X: v[0]!, Y: v[1]!, Z: v[2]!, T: v[3]! });
  const run = (name: keyof typeof programs, inputs: bigint[]) => evaluate(programs[name], inputs, P25519, { '2d': D2 });

  it('have the HWCD op counts and the 2^255 − 19 inversion chain', () => {
    expect(chainExponent(ED25519_INVERSION_CHAIN)).toBe(P25519 - 2n);
    expect(microprogramCounts(programs.add)).toMatchObject({ mul: 8, mulConst: 1, sqr: 0 });
    expect(microprogramCounts(programs.madd)).toMatchObject({ mul: 7, mulConst: 0, sqr: 0 });
    expect(microprogramCounts(programs.double)).toMatchObject({ mul: 4, sqr: 4, mulConst: 0 });
    expect(microprogramCounts(programs.normalise)).toMatchObject({ sqr: 254, mul: 13 });
    expect(microprogramCounts(programs.tableRead).load).toBe(3);
  });

  it('compute the reference formulas exactly and noble’s points', () => {
    const F = new CountedField25519('fermat');
    for (let i = 0; i < 30; i++) {
      const p = randomExtended();
      const q = randomExtended();
      const { x, y } = noble(q).toAffine();
      const [ym, yp, t, t2d] = run('prepare', [x, y]);
      const niels = { ym: ym!, yp: yp!, t2d: t2d! };
      expect(t).toBe(Fp.mul(x, y));
      const sum = noble(p).add(noble(q));
      const add = asExtended(run('add', [p.X, p.Y, p.Z, p.T, q.X, q.Y, q.Z, q.T]));
      expect(add).toEqual(edAdd(F, p, q));
      expect(noble(add).equals(sum)).toBe(true);
      const madd = asExtended(run('madd', [p.X, p.Y, p.Z, p.T, niels.ym, niels.yp, niels.t2d]));
      expect(madd).toEqual(edMixedAdd(F, p, niels));
      expect(noble(madd).equals(sum)).toBe(true);
      const dbl = asExtended(run('double', [p.X, p.Y, p.Z]));
      expect(dbl).toEqual(edDouble(F, p));
      expect(noble(dbl).equals(noble(p).double())).toBe(true);
      expect(Fp.mul(dbl.T, dbl.Z)).toBe(Fp.mul(dbl.X, dbl.Y));
      const difference = noble(p).subtract(noble(q));
      expect(noble(asExtended(run('addNeg', [p.X, p.Y, p.Z, p.T, q.X, q.Y, q.Z, q.T]))).equals(difference)).toBe(true);
      const maddNeg = run('maddNeg', [p.X, p.Y, p.Z, p.T, niels.ym, niels.yp, niels.t2d]);
      expect(noble(asExtended(maddNeg)).equals(difference)).toBe(true);
      const affine = noble(p).toAffine();
      expect(run('normalise', [p.X, p.Y, p.Z])).toEqual([affine.x, affine.y]);
    }
  });
});

describe('reference Ed25519 verify per algorithm', () => {
  for (const options of CONFIGS) {
    it(`${label(options)}: agrees with noble and with the analytical counts`, () => {
      const programs = ED25519_CURVE.microprograms(options.inversion);
      for (const { message, signature, publicKey } of SIGNATURES) {
        const result = referenceEdVerify(signature, message, publicKey, options);
        expect(result.valid).toBe(true);
        const predicted = analyticalPointOpCounts({ op: 'verify', u1: result.u1, u2: result.u2 }, planOf(options));
        expect(result.counts).toEqual(fieldOpCountsOf(predicted, programs));
      }
      for (const { message, signature, publicKey } of SIGNATURES.slice(0, 20)) {
        for (const [m, s] of [
          [flipBit(message, 3), signature],
          [message, flipBit(signature, 3)],
          [message, flipBit(signature, 260)],
        ] as const) {
          const valid = referenceEdVerify(s, m, publicKey, options).valid;
          expect(valid).toBe(false);
          expect(valid).toBe(ed25519.verify(s, m, publicKey));
        }
      }
    });
  }

  it('sign’s [r]B matches noble and the counts, per algorithm', () => {
    for (const options of CONFIGS.filter((o) => !o.knownKey)) {
      const programs = ED25519_CURVE.microprograms(options.inversion);
      for (let i = 0; i < 25; i++) {
        const r = randomScalar();
        const { x, y, counts } = referenceEdSignR(r, options);
        expect({ x, y }).toEqual(ed25519.Point.BASE.multiply(r).toAffine());
        expect(counts).toEqual(
          fieldOpCountsOf(analyticalPointOpCounts({ op: 'sign', k: r }, planOf(options)), programs),
        );
      }
    }
  });
});

describe('Ed25519 on datapaths', () => {
  it('analytical = stepped on every test datapath', () => {
    const scalars = [...scalarSample(ED25519_CURVE, 'verify', 2, 3), ...scalarSample(ED25519_CURVE, 'sign', 1, 3)];
    for (const datapath of Object.values(TEST_DATAPATHS)) {
      for (const options of CONFIGS) {
        if (options.tables && datapath.tableMemory === undefined) continue;
        const request = {
          scheme: 'ed25519' as const,
          algorithm: options.algorithm,
          datapath,
          knownKey: options.knownKey,
        };
        for (const s of scalars) {
          const trace = pointOpTrace(s, planOptionsOf(request));
          expect(steppedCycles(trace, programsFor('ed25519', datapath), datapath)).toBe(analyticalCycles(s, request));
        }
      }
    }
  });

  it('derives a timing with 96-byte table entries, faster than P-256 on the same datapath', () => {
    const datapath = TEST_DATAPATHS.oneMultiplierPipelined!;
    const algorithm = { name: 'comb', teeth: 5, variableBaseWindowBits: 4 } as const;
    const ed = deriveCryptoTiming({ scheme: 'ed25519', op: 'verify', algorithm, datapath, knownKey: true });
    expect(ed.resources.perKeyTableBytes).toBe(31 * 96);
    const p256 = deriveCryptoTiming({ scheme: 'p256', op: 'verify', algorithm, datapath, knownKey: true });
    expect(ed.cyclesPerOp).toBeLessThan(p256.cyclesPerOp);
    expect(ed.pointOps.prepare).toBe(0);
    const generic = deriveCryptoTiming({ scheme: 'ed25519', op: 'verify', algorithm, datapath });
    expect(generic.pointOps.prepare).toBe(1);
  });
});
