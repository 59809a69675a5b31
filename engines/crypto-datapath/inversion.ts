/**
 * The final normalisation: affine x = X · Z⁻¹ (ECDSA needs only x: verify compares x mod n with r,
 * sign takes r = x mod n; the comparisons are not field operations and are not counted).
 *
 * Inversion is either one `inv` on a dedicated inverter (when the datapath has one) or, by default,
 * Fermat's little theorem Z^(p−2) on the multipliers. Fermat is the usual hardware choice: it reuses
 * the multiplier, takes a fixed number of steps whatever Z is (a binary-GCD inverter's time depends
 * on the value) and needs no extra unit. The chain below is the standard one for the P-256 prime,
 * built from x^(2^k − 1) pieces: 255 sqr + 13 mul.
 */
import { type Microprogram, MicroprogramBuilder, type Operand } from './microprogram.js';

export type InversionMode = 'fermat' | 'unit';

/** One step: `to = from^(2^squarings) · times` (names of earlier values; `x1` is the input). */
export interface ChainStep {
  readonly to: string;
  readonly from: string;
  readonly squarings: number;
  readonly times: string;
}

const step = (to: string, from: string, squarings: number, times: string): ChainStep => ({
  to,
  from,
  squarings,
  times,
});

/** x^(p−2) for p = 2^256 − 2^224 + 2^192 + 2^96 − 1; p − 2 = 1^32 0^31 1 0^96 1^94 0 1 in binary. */
export const P256_INVERSION_CHAIN: readonly ChainStep[] = [
  step('x2', 'x1', 1, 'x1'),
  step('x4', 'x2', 2, 'x2'),
  step('x8', 'x4', 4, 'x4'),
  step('x16', 'x8', 8, 'x8'),
  step('x32', 'x16', 16, 'x16'),
  step('acc', 'x32', 32, 'x1'),
  step('acc', 'acc', 128, 'x32'),
  step('acc', 'acc', 32, 'x32'),
  step('acc', 'acc', 16, 'x16'),
  step('acc', 'acc', 8, 'x8'),
  step('acc', 'acc', 4, 'x4'),
  step('acc', 'acc', 2, 'x2'),
  step('acc', 'acc', 2, 'x1'),
];

/** The exponent a chain computes (for the test that it is p − 2): pure exponent arithmetic. */
export function chainExponent(chain: readonly ChainStep[]): bigint {
  const values = new Map<string, bigint>([['x1', 1n]]);
  let last = 1n;
  for (const s of chain) {
    last = (values.get(s.from)! << BigInt(s.squarings)) + values.get(s.times)!;
    values.set(s.to, last);
  }
  return last;
}

function appendFermat(m: MicroprogramBuilder, z: Operand): Operand {
  const values = new Map<string, Operand>([['x1', z]]);
  let last = z;
  for (const s of P256_INVERSION_CHAIN) {
    let v = values.get(s.from)!;
    for (let i = 0; i < s.squarings; i++) v = m.sqr(v);
    last = m.mul(v, values.get(s.times)!);
    values.set(s.to, last);
  }
  return last;
}

/** x = X · Z⁻¹ with the chosen inversion. */
export function normaliseX(mode: InversionMode): Microprogram {
  const m = new MicroprogramBuilder('normalise', ['X', 'Z']);
  const zInverse = mode === 'unit' ? m.op('inv', m.input(1)) : appendFermat(m, m.input(1));
  return m.build([m.mul(m.input(0), zInverse)]);
}
