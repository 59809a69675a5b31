/**
 * The microprograms compute what they claim: each dependency graph, evaluated with real P-256
 * values, gives the reference formula's exact projective result and noble's point. This is what
 * makes the schedulers' dependency edges trustworthy. Also: the published op counts, the inversion
 * chain's exponent and the recodings.
 */
import { Field } from '@noble/curves/abstract/modular.js';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { type Microprogram, microprogramCounts } from '../../../engines/crypto-datapath/microprogram.js';
import { chainExponent, normaliseX, P256_INVERSION_CHAIN } from '../../../engines/crypto-datapath/inversion.js';
import { P256_CURVE } from '../../../engines/crypto-datapath/curves.js';
import {
  binaryDigits,
  combColumns,
  combSpacing,
  jointBits,
  wnafDigits,
} from '../../../engines/crypto-datapath/recoding.js';
import { RandomStream } from '../../../sim/prng.js';
import { evaluate } from './evaluate.js';
import { uniformScalar } from './fixtures.js';
import { B, CountedField, P } from './reference/counted-field.js';
import { add, double, mixedAdd, type Proj } from './reference/rcb.js';

const Fp = Field(P);

const run = (program: Microprogram, inputs: readonly bigint[]): bigint[] => evaluate(program, inputs, P, { b: B });

const stream = new RandomStream('crypto-datapath-test/points', 2);
/** A random point in random projective form (Z ≠ 1), so formulas are exercised in general. */
function randomProjective(): Proj {
  const { x, y } = p256.Point.BASE.multiply(uniformScalar(stream)).toAffine();
  const z = uniformScalar(stream) % P;
  return { X: Fp.mul(x, z), Y: Fp.mul(y, z), Z: z };
}
const affineOf = (p: Proj): { x: bigint; y: bigint } => ({ x: Fp.div(p.X, p.Z), y: Fp.div(p.Y, p.Z) });
const noblePoint = (p: Proj) => p256.Point.fromAffine(affineOf(p));
const programs = P256_CURVE.microprograms('fermat');

describe('point-operation microprograms', () => {
  it('have the published op counts (RCB 2016, a = −3)', () => {
    const counts = (name: keyof typeof programs) => microprogramCounts(programs[name]);
    expect(counts('add')).toMatchObject({ mul: 12, sqr: 0, mulConst: 2 });
    expect(counts('add').add + counts('add').sub).toBe(29);
    expect(counts('madd')).toMatchObject({ mul: 11, sqr: 0, mulConst: 2 });
    expect(counts('madd').add + counts('madd').sub).toBe(23);
    expect(counts('double')).toMatchObject({ mul: 8, sqr: 3, mulConst: 2 });
    expect(counts('double').add + counts('double').sub).toBe(21);
    expect(counts('addNeg').sub).toBe(counts('add').sub + 1);
    expect(counts('tableRead')).toMatchObject({ load: 2, mul: 0 });
    expect(counts('normalise')).toMatchObject({ sqr: 255, mul: 14, inv: 0 });
    expect(microprogramCounts(normaliseX('unit'))).toMatchObject({ sqr: 0, mul: 1, inv: 1 });
  });

  it('compute the reference formulas exactly and noble’s points, for 30 random inputs', () => {
    const F = new CountedField('fermat');
    for (let i = 0; i < 30; i++) {
      const p1 = randomProjective();
      const p2 = randomProjective();
      const a2 = affineOf(p2);
      const sum = noblePoint(p1).add(noblePoint(p2));
      const expectPoint = (out: bigint[], ref: Proj, expected: typeof sum) => {
        expect(out).toEqual([ref.X, ref.Y, ref.Z]);
        expect(noblePoint(ref).equals(expected)).toBe(true);
      };
      expectPoint(run(programs.add, [p1.X, p1.Y, p1.Z, p2.X, p2.Y, p2.Z]), add(F, p1, p2), sum);
      expectPoint(run(programs.madd, [p1.X, p1.Y, p1.Z, a2.x, a2.y]), mixedAdd(F, p1, a2), sum);
      expectPoint(run(programs.double, [p1.X, p1.Y, p1.Z]), double(F, p1), noblePoint(p1).double());
      const difference = noblePoint(p1).subtract(noblePoint(p2));
      const [X, Y, Z] = run(programs.addNeg, [p1.X, p1.Y, p1.Z, p2.X, p2.Y, p2.Z]);
      expect(noblePoint({ X: X!, Y: Y!, Z: Z! }).equals(difference)).toBe(true);
      const [mX, mY, mZ] = run(programs.maddNeg, [p1.X, p1.Y, p1.Z, a2.x, a2.y]);
      expect(noblePoint({ X: mX!, Y: mY!, Z: mZ! }).equals(difference)).toBe(true);
      expect(run(programs.normalise, [p1.X, p1.Z])).toEqual([affineOf(p1).x]);
      expect(run(normaliseX('unit'), [p1.X, p1.Z])).toEqual([affineOf(p1).x]);
    }
  });

  it('add and double are complete: P + P, P + (−P) and doubling a point of order 2 are handled', () => {
    const p = randomProjective();
    const [X, Y, Z] = run(programs.add, [p.X, p.Y, p.Z, p.X, p.Y, p.Z]);
    expect(noblePoint({ X: X!, Y: Y!, Z: Z! }).equals(noblePoint(p).double())).toBe(true);
    const [, , zeroZ] = run(programs.addNeg, [p.X, p.Y, p.Z, p.X, p.Y, p.Z]);
    expect(zeroZ).toBe(0n);
  });
});

describe('inversion chain and recodings', () => {
  it('the chain computes x^(p−2) with 255 squarings and 13 multiplications', () => {
    expect(chainExponent(P256_INVERSION_CHAIN)).toBe(P - 2n);
    expect(P256_INVERSION_CHAIN.reduce((s, step) => s + step.squarings, 0)).toBe(255);
    expect(P256_INVERSION_CHAIN.length).toBe(13);
  });

  it('every recoding gives back its scalar and keeps its digit rules', () => {
    for (let i = 0; i < 200; i++) {
      const k = uniformScalar(stream);
      const u = uniformScalar(stream);
      expect(binaryDigits(k).reduce((acc, d) => 2n * acc + BigInt(d), 0n)).toBe(k);
      for (const w of [2, 3, 4, 5, 6]) {
        const digits = wnafDigits(k, w);
        expect(digits.reduce((acc, d) => 2n * acc + BigInt(d), 0n)).toBe(k);
        expect(digits[0]).toBeGreaterThan(0);
        digits.forEach((d, j) => {
          if (d === 0) return;
          expect(Math.abs(d) % 2).toBe(1);
          expect(Math.abs(d)).toBeLessThan(1 << (w - 1));
          // Non-adjacency: the next w − 1 digits are zero.
          expect(digits.slice(j + 1, j + w).every((e) => e === 0)).toBe(true);
        });
      }
      for (const teeth of [1, 4, 5, 8]) {
        const d = BigInt(combSpacing(teeth, 256));
        let rebuilt = 0n;
        combColumns(k, teeth, 256).forEach((pattern, c) => {
          const j = d - 1n - BigInt(c);
          for (let t = 0; t < teeth; t++) if ((pattern >> t) & 1) rebuilt += 1n << (BigInt(t) * d + j);
        });
        expect(rebuilt).toBe(k);
      }
      const joint = jointBits(k, u);
      expect(joint.reduce((acc, d) => 2n * acc + BigInt(d & 1), 0n)).toBe(k);
      expect(joint.reduce((acc, d) => 2n * acc + BigInt(d >> 1), 0n)).toBe(u);
    }
  });
});
