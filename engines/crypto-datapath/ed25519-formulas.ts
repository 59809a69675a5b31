/**
 * Ed25519 point formulas as microprograms: twisted Edwards −x² + y² = 1 + d·x²·y² (a = −1) in
 * extended coordinates (X : Y : Z : T), x = X/Z, y = Y/Z, T = X·Y/Z, with the formulas of Hisil,
 * Wong, Carter and Dawson (ASIACRYPT 2008) as the Explicit-Formulas Database lists them. They are
 * complete on this curve (d is not a square), so counts depend only on the recoding.
 *
 *   add (add-2008-hwcd-3, k = 2d): 8 mul + 1 mulConst(2d) + 9 add/sub
 *   madd (the same with the second point given as (y − x, y + x, 2d·x·y), Z2 = 1): 7 mul + 7 add/sub
 *   double (dbl-2008-hwcd, a = −1 folded into signs): 4 mul + 4 sqr + 8 add/sub
 *   prepare (x, y) → (y − x, y + x, x·y, 2d·x·y): 1 mul + 1 mulConst + 2 add/sub
 *
 * Negation: −(X : Y : Z : T) = (−X : Y : Z : −T), two subtractions; the mixed form of −P swaps
 * y − x and y + x (free: other registers) and negates 2d·x·y, one subtraction.
 */
import { type Microprogram, MicroprogramBuilder, type Operand } from './microprogram.js';

const ZERO: Operand = { kind: 'const', name: 'zero' };

/** The common tail: E = B − A, F = D − C, G = D + C, H = B + A, then the four products. */
function finish(m: MicroprogramBuilder, A: Operand, B: Operand, C: Operand, D: Operand): Microprogram {
  const E = m.sub(B, A);
  const F = m.sub(D, C);
  const G = m.add(D, C);
  const H = m.add(B, A);
  return m.build([m.mul(E, F), m.mul(G, H), m.mul(F, G), m.mul(E, H)]);
}

/** (X1:Y1:Z1:T1) + (X2:Y2:Z2:T2); outputs X3, Y3, Z3, T3. */
export function edAdd(negate: boolean): Microprogram {
  const m = new MicroprogramBuilder(negate ? 'addNeg' : 'add', ['X1', 'Y1', 'Z1', 'T1', 'X2', 'Y2', 'Z2', 'T2']);
  const [X1, Y1, Z1, T1, Y2, Z2] = [m.input(0), m.input(1), m.input(2), m.input(3), m.input(5), m.input(6)];
  const X2 = negate ? m.sub(ZERO, m.input(4)) : m.input(4);
  const T2 = negate ? m.sub(ZERO, m.input(7)) : m.input(7);
  const A = m.mul(m.sub(Y1, X1), m.sub(Y2, X2));
  const B = m.mul(m.add(Y1, X1), m.add(Y2, X2));
  const C = m.mulConst('2d', m.mul(T1, T2));
  const ZZ = m.mul(Z1, Z2);
  const D = m.add(ZZ, ZZ);
  return finish(m, A, B, C, D);
}

/** (X1:Y1:Z1:T1) + an affine point in mixed form (y − x, y + x, 2d·x·y). */
export function edMixedAdd(negate: boolean): Microprogram {
  const m = new MicroprogramBuilder(negate ? 'maddNeg' : 'madd', ['X1', 'Y1', 'Z1', 'T1', 'YmX2', 'YpX2', 'T2d2']);
  const [X1, Y1, Z1, T1] = [m.input(0), m.input(1), m.input(2), m.input(3)];
  // −P = (−x, y): y − x and y + x trade places and 2d·x·y changes sign.
  const yMinusX = negate ? m.input(5) : m.input(4);
  const yPlusX = negate ? m.input(4) : m.input(5);
  const t2d = negate ? m.sub(ZERO, m.input(6)) : m.input(6);
  const A = m.mul(m.sub(Y1, X1), yMinusX);
  const B = m.mul(m.add(Y1, X1), yPlusX);
  const C = m.mul(T1, t2d);
  const D = m.add(Z1, Z1);
  return finish(m, A, B, C, D);
}

/** 2·(X:Y:Z); T is not needed. With a = −1: G = B − A, H = −(A + B). */
export function edDouble(): Microprogram {
  const m = new MicroprogramBuilder('double', ['X', 'Y', 'Z']);
  const [X, Y, Z] = [m.input(0), m.input(1), m.input(2)];
  const A = m.sqr(X);
  const B = m.sqr(Y);
  const ZZ = m.sqr(Z);
  const C = m.add(ZZ, ZZ);
  const E = m.sub(m.sub(m.sqr(m.add(X, Y)), A), B);
  const G = m.sub(B, A);
  const F = m.sub(G, C);
  const H = m.sub(ZERO, m.add(A, B));
  return m.build([m.mul(E, F), m.mul(G, H), m.mul(F, G), m.mul(E, H)]);
}

/** An affine point (x, y) into mixed form, keeping T = x·y for copies into the accumulator. */
export function edPrepare(): Microprogram {
  const m = new MicroprogramBuilder('prepare', ['x', 'y']);
  const [x, y] = [m.input(0), m.input(1)];
  const t = m.mul(x, y);
  return m.build([m.sub(y, x), m.add(y, x), t, m.mulConst('2d', t)]);
}
