/**
 * The final normalisation: affine x = X · Z⁻¹ (ECDSA needs only x: verify compares x mod n with r,
 * sign takes r = x mod n; the comparisons are not field operations and are not counted).
 *
 * Inversion is either one `inv` on a dedicated inverter (when the datapath has one) or, by default,
 * Fermat's little theorem Z^(p−2) on the multipliers. Fermat is the usual hardware choice: it reuses
 * the multiplier, takes a fixed number of steps whatever Z is (a binary-GCD inverter's time depends
 * on the value) and needs no extra unit. The chains below are the standard ones for each prime,
 * built from x^(2^k − 1) pieces: 255 sqr + 13 mul for P-256, 254 sqr + 11 mul for 2^255 − 19.
 */
import { type Microprogram, MicroprogramBuilder, type Operand } from './microprogram.js';

export type InversionMode = 'fermat' | 'unit';

/**
 * One step: `to = from^(2^squarings) · times`, or only the squarings when `times` is absent (names
 * of earlier values; `x1` is the input).
 */
export interface ChainStep {
  readonly to: string;
  readonly from: string;
  readonly squarings: number;
  readonly times?: string;
}

const step = (to: string, from: string, squarings: number, times?: string): ChainStep =>
  times === undefined ? { to, from, squarings } : { to, from, squarings, times };

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

/**
 * x^(p−2) for p = 2^255 − 19 (ref10's fe_invert): 254 sqr + 11 mul. p − 2 = (2^250 − 1)·2^5 + 11.
 */
export const ED25519_INVERSION_CHAIN: readonly ChainStep[] = [
  step('x2', 'x1', 1),
  step('x9', 'x2', 2, 'x1'),
  step('x11', 'x9', 0, 'x2'),
  step('x5_0', 'x11', 1, 'x9'),
  step('x10_0', 'x5_0', 5, 'x5_0'),
  step('x20_0', 'x10_0', 10, 'x10_0'),
  step('x40_0', 'x20_0', 20, 'x20_0'),
  step('x50_0', 'x40_0', 10, 'x10_0'),
  step('x100_0', 'x50_0', 50, 'x50_0'),
  step('x200_0', 'x100_0', 100, 'x100_0'),
  step('x250_0', 'x200_0', 50, 'x50_0'),
  step('acc', 'x250_0', 5, 'x11'),
];

/** The exponent a chain computes (for the test that it is p − 2): pure exponent arithmetic. */
export function chainExponent(chain: readonly ChainStep[]): bigint {
  const values = new Map<string, bigint>([['x1', 1n]]);
  let last = 1n;
  for (const s of chain) {
    last = (values.get(s.from)! << BigInt(s.squarings)) + (s.times === undefined ? 0n : values.get(s.times)!);
    values.set(s.to, last);
  }
  return last;
}

function appendFermat(m: MicroprogramBuilder, z: Operand, chain: readonly ChainStep[]): Operand {
  const values = new Map<string, Operand>([['x1', z]]);
  let last = z;
  for (const s of chain) {
    let v = values.get(s.from)!;
    for (let i = 0; i < s.squarings; i++) v = m.sqr(v);
    last = s.times === undefined ? v : m.mul(v, values.get(s.times)!);
    values.set(s.to, last);
  }
  return last;
}

/**
 * Affine coordinates from projective ones: Z⁻¹ once, then one mul per coordinate wanted (P-256
 * needs x only, Ed25519's encoding needs x and y). Inputs: the coordinates, then Z.
 */
export function normalise(
  mode: InversionMode,
  chain: readonly ChainStep[],
  coordinates: readonly string[],
): Microprogram {
  const m = new MicroprogramBuilder('normalise', [...coordinates, 'Z']);
  const z = m.input(coordinates.length);
  const zInverse = mode === 'unit' ? m.op('inv', z) : appendFermat(m, z, chain);
  return m.build(coordinates.map((_, i) => m.mul(m.input(i), zInverse)));
}

/** P-256's normalisation: x = X · Z⁻¹. */
export function normaliseX(mode: InversionMode): Microprogram {
  return normalise(mode, P256_INVERSION_CHAIN, ['X']);
}
