/** GF(2^255 − 19) with every operation counted by class (counted-field.ts), for the Ed25519 reference. */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { InversionMode } from '../../../../engines/crypto-datapath/inversion.js';
import { CountedPrimeField } from './counted-field.js';

export const P25519 = ed25519.Point.Fp.ORDER;
export const L = ed25519.Point.Fn.ORDER;
export const D = ed25519.Point.CURVE().d;
export const D2 = (2n * D) % P25519;
/** GF(2^255 − 19), for the Ed25519 reference. */
export class CountedField25519 extends CountedPrimeField {
  constructor(inversion: InversionMode) {
    super(P25519, inversion);
  }

  /** Multiplication by the constant 2d. */
  mul2d(a: bigint): bigint {
    return this.mulConstant(D2, a);
  }

  /** a^(p−2) = a^((2^250 − 1)·2^5 + 11), ref10's chain written out. */
  protected fermatInverse(a: bigint): bigint {
    const z2 = this.sqr(a);
    const z9 = this.mul(this.sqrTimes(z2, 2), a);
    const z11 = this.mul(z9, z2);
    const z5 = this.mul(this.sqr(z11), z9);
    const z10 = this.mul(this.sqrTimes(z5, 5), z5);
    const z20 = this.mul(this.sqrTimes(z10, 10), z10);
    const z40 = this.mul(this.sqrTimes(z20, 20), z20);
    const z50 = this.mul(this.sqrTimes(z40, 10), z10);
    const z100 = this.mul(this.sqrTimes(z50, 50), z50);
    const z200 = this.mul(this.sqrTimes(z100, 100), z100);
    const z250 = this.mul(this.sqrTimes(z200, 50), z50);
    return this.mul(this.sqrTimes(z250, 5), z11);
  }
}
