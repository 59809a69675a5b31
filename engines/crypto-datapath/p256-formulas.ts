/**
 * P-256 point formulas as microprograms: the complete projective formulas of Renes, Costello and
 * Batina (EUROCRYPT 2016, ePrint 2015/1060) specialised to a = −3, the curve's own a. Complete
 * means one formula for every input (P = Q, P = −Q, the point at infinity), so a scalar's op counts
 * depend only on its recoding, never on the points met on the way, and the datapath needs no
 * exception handling. Projective (X : Y : Z) stands for the affine point (X/Z, Y/Z).
 *
 *   add  (Algorithm 4): 12 mul + 2 mulConst(b) + 29 add/sub
 *   madd (Algorithm 5): 11 mul + 2 mulConst(b) + 23 add/sub, second point affine (Z2 = 1)
 *   double (Algorithm 6): 8 mul + 3 sqr + 2 mulConst(b) + 21 add/sub
 *
 * Each line below is one line of the paper's algorithm, in its order. The `negate` variants add one
 * `sub` (0 − Y2) in front: a negative recoding digit adds −P, and negating costs one subtraction.
 */
import { type Microprogram, MicroprogramBuilder, type Operand } from './microprogram.js';

const ZERO: Operand = { kind: 'const', name: 'zero' };

/** Algorithm 4: (X1:Y1:Z1) + (X2:Y2:Z2). */
export function rcbAdd(negate: boolean): Microprogram {
  const m = new MicroprogramBuilder(negate ? 'addNeg' : 'add', ['X1', 'Y1', 'Z1', 'X2', 'Y2', 'Z2']);
  const [X1, Y1, Z1, X2, Z2] = [m.input(0), m.input(1), m.input(2), m.input(3), m.input(5)];
  const Y2 = negate ? m.sub(ZERO, m.input(4)) : m.input(4);
  let t0 = m.mul(X1, X2);
  let t1 = m.mul(Y1, Y2);
  let t2 = m.mul(Z1, Z2);
  let t3 = m.add(X1, Y1);
  let t4 = m.add(X2, Y2);
  t3 = m.mul(t3, t4);
  t4 = m.add(t0, t1);
  t3 = m.sub(t3, t4);
  t4 = m.add(Y1, Z1);
  let X3 = m.add(Y2, Z2);
  t4 = m.mul(t4, X3);
  X3 = m.add(t1, t2);
  t4 = m.sub(t4, X3);
  X3 = m.add(X1, Z1);
  let Y3 = m.add(X2, Z2);
  X3 = m.mul(X3, Y3);
  Y3 = m.add(t0, t2);
  Y3 = m.sub(X3, Y3);
  let Z3 = m.mulConst('b', t2);
  X3 = m.sub(Y3, Z3);
  Z3 = m.add(X3, X3);
  X3 = m.add(X3, Z3);
  Z3 = m.sub(t1, X3);
  X3 = m.add(t1, X3);
  Y3 = m.mulConst('b', Y3);
  t1 = m.add(t2, t2);
  t2 = m.add(t1, t2);
  Y3 = m.sub(Y3, t2);
  Y3 = m.sub(Y3, t0);
  t1 = m.add(Y3, Y3);
  Y3 = m.add(t1, Y3);
  t1 = m.add(t0, t0);
  t0 = m.add(t1, t0);
  t0 = m.sub(t0, t2);
  t1 = m.mul(t4, Y3);
  t2 = m.mul(t0, Y3);
  Y3 = m.mul(X3, Z3);
  Y3 = m.add(Y3, t2);
  X3 = m.mul(t3, X3);
  X3 = m.sub(X3, t1);
  Z3 = m.mul(t4, Z3);
  t1 = m.mul(t3, t0);
  Z3 = m.add(Z3, t1);
  return m.build([X3, Y3, Z3]);
}

/** Algorithm 5: (X1:Y1:Z1) + (X2, Y2) with the second point affine. */
export function rcbMixedAdd(negate: boolean): Microprogram {
  const m = new MicroprogramBuilder(negate ? 'maddNeg' : 'madd', ['X1', 'Y1', 'Z1', 'X2', 'Y2']);
  const [X1, Y1, Z1, X2] = [m.input(0), m.input(1), m.input(2), m.input(3)];
  const Y2 = negate ? m.sub(ZERO, m.input(4)) : m.input(4);
  let t0 = m.mul(X1, X2);
  let t1 = m.mul(Y1, Y2);
  let t3 = m.add(X2, Y2);
  let t4 = m.add(X1, Y1);
  t3 = m.mul(t3, t4);
  t4 = m.add(t0, t1);
  t3 = m.sub(t3, t4);
  t4 = m.mul(Y2, Z1);
  t4 = m.add(t4, Y1);
  let Y3 = m.mul(X2, Z1);
  Y3 = m.add(Y3, X1);
  let Z3 = m.mulConst('b', Z1);
  let X3 = m.sub(Y3, Z3);
  Z3 = m.add(X3, X3);
  X3 = m.add(X3, Z3);
  Z3 = m.sub(t1, X3);
  X3 = m.add(t1, X3);
  Y3 = m.mulConst('b', Y3);
  t1 = m.add(Z1, Z1);
  let t2 = m.add(t1, Z1);
  Y3 = m.sub(Y3, t2);
  Y3 = m.sub(Y3, t0);
  t1 = m.add(Y3, Y3);
  Y3 = m.add(t1, Y3);
  t1 = m.add(t0, t0);
  t0 = m.add(t1, t0);
  t0 = m.sub(t0, t2);
  t1 = m.mul(t4, Y3);
  t2 = m.mul(t0, Y3);
  Y3 = m.mul(X3, Z3);
  Y3 = m.add(Y3, t2);
  X3 = m.mul(t3, X3);
  X3 = m.sub(X3, t1);
  Z3 = m.mul(t4, Z3);
  t1 = m.mul(t3, t0);
  Z3 = m.add(Z3, t1);
  return m.build([X3, Y3, Z3]);
}

/** Algorithm 6: 2·(X:Y:Z). */
export function rcbDouble(): Microprogram {
  const m = new MicroprogramBuilder('double', ['X', 'Y', 'Z']);
  const [X, Y, Z] = [m.input(0), m.input(1), m.input(2)];
  let t0 = m.sqr(X);
  const t1 = m.sqr(Y);
  let t2 = m.sqr(Z);
  let t3 = m.mul(X, Y);
  t3 = m.add(t3, t3);
  let Z3 = m.mul(X, Z);
  Z3 = m.add(Z3, Z3);
  let Y3 = m.mulConst('b', t2);
  Y3 = m.sub(Y3, Z3);
  let X3 = m.add(Y3, Y3);
  Y3 = m.add(X3, Y3);
  X3 = m.sub(t1, Y3);
  Y3 = m.add(t1, Y3);
  Y3 = m.mul(X3, Y3);
  X3 = m.mul(X3, t3);
  t3 = m.add(t2, t2);
  t2 = m.add(t2, t3);
  Z3 = m.mulConst('b', Z3);
  Z3 = m.sub(Z3, t2);
  Z3 = m.sub(Z3, t0);
  t3 = m.add(Z3, Z3);
  Z3 = m.add(Z3, t3);
  t3 = m.add(t0, t0);
  t0 = m.add(t3, t0);
  t0 = m.sub(t0, t2);
  t0 = m.mul(t0, Z3);
  Y3 = m.add(Y3, t0);
  t0 = m.mul(Y, Z);
  t0 = m.add(t0, t0);
  Z3 = m.mul(t0, Z3);
  X3 = m.sub(X3, Z3);
  Z3 = m.mul(t0, t1);
  Z3 = m.add(Z3, Z3);
  Z3 = m.add(Z3, Z3);
  return m.build([X3, Y3, Z3]);
}
