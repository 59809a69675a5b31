/**
 * Renes–Costello–Batina complete formulas for a = −3 (ePrint 2015/1060, Algorithms 4, 5, 6) as
 * straight-line code over the counted field: the reference's own transcription, separate from the
 * engine's microprogram builder.
 */
import type { CountedField } from './counted-field.js';

export interface Proj {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
}
export interface Affine {
  readonly x: bigint;
  readonly y: bigint;
}

export function add(F: CountedField, p: Proj, q: Proj): Proj {
  const { X: X1, Y: Y1, Z: Z1 } = p;
  const { X: X2, Y: Y2, Z: Z2 } = q;
  let t0 = F.mul(X1, X2);
  let t1 = F.mul(Y1, Y2);
  let t2 = F.mul(Z1, Z2);
  let t3 = F.add(X1, Y1);
  let t4 = F.add(X2, Y2);
  t3 = F.mul(t3, t4);
  t4 = F.add(t0, t1);
  t3 = F.sub(t3, t4);
  t4 = F.add(Y1, Z1);
  let X3 = F.add(Y2, Z2);
  t4 = F.mul(t4, X3);
  X3 = F.add(t1, t2);
  t4 = F.sub(t4, X3);
  X3 = F.add(X1, Z1);
  let Y3 = F.add(X2, Z2);
  X3 = F.mul(X3, Y3);
  Y3 = F.add(t0, t2);
  Y3 = F.sub(X3, Y3);
  let Z3 = F.mulB(t2);
  X3 = F.sub(Y3, Z3);
  Z3 = F.add(X3, X3);
  X3 = F.add(X3, Z3);
  Z3 = F.sub(t1, X3);
  X3 = F.add(t1, X3);
  Y3 = F.mulB(Y3);
  t1 = F.add(t2, t2);
  t2 = F.add(t1, t2);
  Y3 = F.sub(Y3, t2);
  Y3 = F.sub(Y3, t0);
  t1 = F.add(Y3, Y3);
  Y3 = F.add(t1, Y3);
  t1 = F.add(t0, t0);
  t0 = F.add(t1, t0);
  t0 = F.sub(t0, t2);
  t1 = F.mul(t4, Y3);
  t2 = F.mul(t0, Y3);
  Y3 = F.mul(X3, Z3);
  Y3 = F.add(Y3, t2);
  X3 = F.mul(t3, X3);
  X3 = F.sub(X3, t1);
  Z3 = F.mul(t4, Z3);
  t1 = F.mul(t3, t0);
  Z3 = F.add(Z3, t1);
  return { X: X3, Y: Y3, Z: Z3 };
}

export function mixedAdd(F: CountedField, p: Proj, q: Affine): Proj {
  const { X: X1, Y: Y1, Z: Z1 } = p;
  const { x: X2, y: Y2 } = q;
  let t0 = F.mul(X1, X2);
  let t1 = F.mul(Y1, Y2);
  let t3 = F.add(X2, Y2);
  let t4 = F.add(X1, Y1);
  t3 = F.mul(t3, t4);
  t4 = F.add(t0, t1);
  t3 = F.sub(t3, t4);
  t4 = F.mul(Y2, Z1);
  t4 = F.add(t4, Y1);
  let Y3 = F.mul(X2, Z1);
  Y3 = F.add(Y3, X1);
  let Z3 = F.mulB(Z1);
  let X3 = F.sub(Y3, Z3);
  Z3 = F.add(X3, X3);
  X3 = F.add(X3, Z3);
  Z3 = F.sub(t1, X3);
  X3 = F.add(t1, X3);
  Y3 = F.mulB(Y3);
  t1 = F.add(Z1, Z1);
  let t2 = F.add(t1, Z1);
  Y3 = F.sub(Y3, t2);
  Y3 = F.sub(Y3, t0);
  t1 = F.add(Y3, Y3);
  Y3 = F.add(t1, Y3);
  t1 = F.add(t0, t0);
  t0 = F.add(t1, t0);
  t0 = F.sub(t0, t2);
  t1 = F.mul(t4, Y3);
  t2 = F.mul(t0, Y3);
  Y3 = F.mul(X3, Z3);
  Y3 = F.add(Y3, t2);
  X3 = F.mul(t3, X3);
  X3 = F.sub(X3, t1);
  Z3 = F.mul(t4, Z3);
  t1 = F.mul(t3, t0);
  Z3 = F.add(Z3, t1);
  return { X: X3, Y: Y3, Z: Z3 };
}

export function double(F: CountedField, p: Proj): Proj {
  const { X, Y, Z } = p;
  let t0 = F.sqr(X);
  const t1 = F.sqr(Y);
  let t2 = F.sqr(Z);
  let t3 = F.mul(X, Y);
  t3 = F.add(t3, t3);
  let Z3 = F.mul(X, Z);
  Z3 = F.add(Z3, Z3);
  let Y3 = F.mulB(t2);
  Y3 = F.sub(Y3, Z3);
  let X3 = F.add(Y3, Y3);
  Y3 = F.add(X3, Y3);
  X3 = F.sub(t1, Y3);
  Y3 = F.add(t1, Y3);
  Y3 = F.mul(X3, Y3);
  X3 = F.mul(X3, t3);
  t3 = F.add(t2, t2);
  t2 = F.add(t2, t3);
  Z3 = F.mulB(Z3);
  Z3 = F.sub(Z3, t2);
  Z3 = F.sub(Z3, t0);
  t3 = F.add(Z3, Z3);
  Z3 = F.add(Z3, t3);
  t3 = F.add(t0, t0);
  t0 = F.add(t3, t0);
  t0 = F.sub(t0, t2);
  t0 = F.mul(t0, Z3);
  Y3 = F.add(Y3, t0);
  t0 = F.mul(Y, Z);
  t0 = F.add(t0, t0);
  Z3 = F.mul(t0, Z3);
  X3 = F.sub(X3, Z3);
  Z3 = F.mul(t0, t1);
  Z3 = F.add(Z3, Z3);
  Z3 = F.add(Z3, Z3);
  return { X: X3, Y: Y3, Z: Z3 };
}
