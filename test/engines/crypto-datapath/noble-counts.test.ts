/**
 * Bonus check: noble's own P-256, built with `weierstrass(...)` over a field whose methods count
 * their calls. noble's verify computes u1·G + u2·Q with `mulAddUnsafe`: interleaved width-4 wNAF,
 * both tables (P, 3P, 5P, 7P) built on the fly with 1 double + 3 full adds, every digit a full add
 * (the first one onto the point at infinity), a negative digit a `neg`, the generic-a RCB formulas
 * (mulA and b3 multiplications are field muls, squares are muls too), then toAffine (1 inv + 7 mul).
 *
 * The test predicts noble's calls exactly from the wNAF digits and noble's per-formula costs, and
 * relates them to the closest algorithm here, `wnaf` w=4 interleaved without tables:
 *   - the same doublings (chain and table builds);
 *   - one add more in noble (it adds the first digit onto infinity; here it is a register copy);
 *   - noble's add is 17 muls and 23 add/sub (12M + 3·mulA + 2·b3) where this model's is
 *     12 mul + 2 mulConst + 29 add/sub (a = −3 folded into adds), its double 16 muls (8M + 3S +
 *     3·mulA + 2·b3) and 15 add/sub against 8 mul + 3 sqr + 2 mulConst + 21 add/sub here, and
 *     this model uses the 11-mul mixed add for digits ±1 and for 3P.
 */
import { Field } from '@noble/curves/abstract/modular.js';
import { weierstrass } from '@noble/curves/abstract/weierstrass.js';
import { p256 } from '@noble/curves/nist.js';
import { describe, expect, it } from 'vitest';
import { analyticalPointOpCounts } from '../../../engines/crypto-datapath/analytical-counts.js';
import { P256_CURVE } from '../../../engines/crypto-datapath/curves.js';
import { wnafDigits } from '../../../engines/crypto-datapath/recoding.js';
import { RandomStream } from '../../../sim/prng.js';
import { uniformScalar } from './fixtures.js';

const COUNTED = ['mul', 'sqr', 'add', 'sub', 'neg', 'inv'] as const;
type NobleCounts = Record<(typeof COUNTED)[number], number>;
const zero = (): NobleCounts => ({ mul: 0, sqr: 0, add: 0, sub: 0, neg: 0, inv: 0 });

const base = Field(p256.Point.Fp.ORDER);
let counts = zero();
// The counting field inherits everything from noble's own field and shadows the counted methods;
// calls noble makes inside a method (inv's exponentiation) go to the base field, uncounted.
const countingField = Object.create(base) as typeof base;
for (const name of COUNTED) {
  const method = base[name] as (...args: bigint[]) => bigint;
  Object.defineProperty(countingField, name, {
    value: (...args: bigint[]) => {
      counts[name]++;
      return method.apply(base, args);
    },
  });
}
const Point = weierstrass(p256.Point.CURVE(), { Fp: countingField });

function measure(run: () => unknown): NobleCounts {
  counts = zero();
  run();
  return counts;
}

function scaled(c: NobleCounts, times: number): NobleCounts {
  return Object.fromEntries(COUNTED.map((k) => [k, c[k] * times])) as NobleCounts;
}
function sum(...all: NobleCounts[]): NobleCounts {
  return Object.fromEntries(COUNTED.map((k) => [k, all.reduce((s, c) => s + c[k], 0)])) as NobleCounts;
}

describe("noble's P-256 over a counting field", () => {
  const stream = new RandomStream('crypto-datapath-test/noble', 4);
  const someQ = Point.BASE.multiply(uniformScalar(stream));
  const otherQ = Point.BASE.multiply(uniformScalar(stream));
  const double = measure(() => someQ.double());
  const add = measure(() => someQ.add(otherQ));
  const negate = measure(() => someQ.negate());
  const toAffine = measure(() => someQ.add(otherQ).toAffine());

  it('has the generic-a RCB costs its comments state', () => {
    expect(double).toEqual({ mul: 16, sqr: 0, add: 12, sub: 3, neg: 0, inv: 0 });
    expect(add).toEqual({ mul: 17, sqr: 0, add: 17, sub: 6, neg: 0, inv: 0 });
    expect(negate).toEqual({ ...zero(), neg: 1 });
    // toAffine: is0() compares with infinity (4 muls), then x = X·Z⁻¹, y = Y·Z⁻¹ and a Z·Z⁻¹ = 1 check.
    expect(sum(toAffine, scaled(add, -1))).toEqual({ ...zero(), mul: 7, inv: 1 });
  });

  it('u1·G + u2·Q costs exactly what its wNAF digits predict, and relates to wnaf w=4 interleaved here', () => {
    for (let i = 0; i < 25; i++) {
      const u1 = uniformScalar(stream);
      const u2 = uniformScalar(stream);
      const Q = Point.BASE.multiply(uniformScalar(stream));
      const observed = measure(() => Point.BASE.mulAddUnsafe(u1, Q, u2));
      const d1 = wnafDigits(u1, 4);
      const d2 = wnafDigits(u2, 4);
      const nonzero = [...d1, ...d2].filter((d) => d !== 0).length;
      const negative = [...d1, ...d2].filter((d) => d < 0).length;
      const doubles = Math.max(d1.length, d2.length) - 1 + 2;
      const adds = nonzero + 2 * 3;
      expect(observed).toEqual(sum(scaled(double, doubles), scaled(add, adds), scaled(negate, negative)));
      const ours = analyticalPointOpCounts(
        { op: 'verify', u1, u2 },
        {
          curve: P256_CURVE,
          algorithm: { name: 'wnaf', windowBits: 4, interleaved: true },
          knownKey: false,
          precomputedTables: false,
        },
      );
      expect(ours.double).toBe(doubles);
      expect(ours.add + ours.addNeg + ours.madd + ours.maddNeg).toBe(adds - 1);
    }
  });
});
