/**
 * GF(p) for P-256 with every operation counted by class: the "real implementation" side of the
 * count check. Plain bigint arithmetic, written independently of the engine's microprograms.
 */
import { Field } from '@noble/curves/abstract/modular.js';
import { p256 } from '@noble/curves/nist.js';
import { type FieldOpCounts, zeroFieldOpCounts } from '../../../../engines/crypto-datapath/field-ops.js';
import type { InversionMode } from '../../../../engines/crypto-datapath/inversion.js';

export const P = p256.Point.Fp.ORDER;
export const N = p256.Point.Fn.ORDER;
export const B = p256.Point.CURVE().b;
/**
 * GF(p) with every operation counted by class. A curve's field adds its multiplication by a curve
 * constant and its inversion chain (a^(p−2)) written out.
 */
export abstract class CountedPrimeField {
  counts: FieldOpCounts = zeroFieldOpCounts();
  private readonly field: ReturnType<typeof Field>;

  constructor(
    readonly p: bigint,
    readonly inversion: InversionMode,
  ) {
    this.field = Field(p);
  }

  mul(a: bigint, b: bigint): bigint {
    this.counts.mul++;
    return (a * b) % this.p;
  }
  sqr(a: bigint): bigint {
    this.counts.sqr++;
    return (a * a) % this.p;
  }
  add(a: bigint, b: bigint): bigint {
    this.counts.add++;
    const r = a + b;
    return r >= this.p ? r - this.p : r;
  }
  sub(a: bigint, b: bigint): bigint {
    this.counts.sub++;
    const r = a - b;
    return r < 0n ? r + this.p : r;
  }
  /** A coordinate read from the precomputed-table memory. */
  load(value: bigint): bigint {
    this.counts.load++;
    return value;
  }
  inv(a: bigint): bigint {
    if (this.inversion === 'unit') {
      this.counts.inv++;
      return this.field.inv(a);
    }
    return this.fermatInverse(a);
  }

  /** Multiplication by a curve constant (its own op class: a constant multiplier in hardware). */
  protected mulConstant(constant: bigint, a: bigint): bigint {
    this.counts.mulConst++;
    return (constant * a) % this.p;
  }

  protected sqrTimes(a: bigint, times: number): bigint {
    let r = a;
    for (let i = 0; i < times; i++) r = this.sqr(r);
    return r;
  }

  protected abstract fermatInverse(a: bigint): bigint;
}

/** GF(p) of P-256. */
export class CountedField extends CountedPrimeField {
  constructor(inversion: InversionMode) {
    super(P, inversion);
  }

  /** Multiplication by the curve constant b. */
  mulB(a: bigint): bigint {
    return this.mulConstant(B, a);
  }

  /** a^(p−2): the x^(2^k − 1) addition chain for the P-256 prime, written out. */
  protected fermatInverse(a: bigint): bigint {
    const x2 = this.mul(this.sqrTimes(a, 1), a);
    const x4 = this.mul(this.sqrTimes(x2, 2), x2);
    const x8 = this.mul(this.sqrTimes(x4, 4), x4);
    const x16 = this.mul(this.sqrTimes(x8, 8), x8);
    const x32 = this.mul(this.sqrTimes(x16, 16), x16);
    let r = this.mul(this.sqrTimes(x32, 32), a);
    r = this.mul(this.sqrTimes(r, 128), x32);
    r = this.mul(this.sqrTimes(r, 32), x32);
    r = this.mul(this.sqrTimes(r, 16), x16);
    r = this.mul(this.sqrTimes(r, 8), x8);
    r = this.mul(this.sqrTimes(r, 4), x4);
    r = this.mul(this.sqrTimes(r, 2), x2);
    return this.mul(this.sqrTimes(r, 2), a);
  }
}
