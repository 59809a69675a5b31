/**
 * Twisted Edwards (a = −1) formulas in extended coordinates, straight-line over the counted field:
 * the reference's own transcription of add-2008-hwcd-3, its mixed form, dbl-2008-hwcd.
 */
import type { CountedField25519 } from './ed25519-field.js';

export interface Extended {
  readonly X: bigint;
  readonly Y: bigint;
  readonly Z: bigint;
  readonly T: bigint;
}
/** An affine point as the mixed add takes it: y − x, y + x, 2d·x·y. */
export interface Niels {
  readonly ym: bigint;
  readonly yp: bigint;
  readonly t2d: bigint;
}

function products(F: CountedField25519, A: bigint, B: bigint, C: bigint, D: bigint): Extended {
  const E = F.sub(B, A);
  const Fv = F.sub(D, C);
  const G = F.add(D, C);
  const H = F.add(B, A);
  return { X: F.mul(E, Fv), Y: F.mul(G, H), Z: F.mul(Fv, G), T: F.mul(E, H) };
}

export function edAdd(F: CountedField25519, p: Extended, q: Extended): Extended {
  const A = F.mul(F.sub(p.Y, p.X), F.sub(q.Y, q.X));
  const B = F.mul(F.add(p.Y, p.X), F.add(q.Y, q.X));
  const C = F.mul2d(F.mul(p.T, q.T));
  const ZZ = F.mul(p.Z, q.Z);
  return products(F, A, B, C, F.add(ZZ, ZZ));
}

export function edMixedAdd(F: CountedField25519, p: Extended, q: Niels): Extended {
  const A = F.mul(F.sub(p.Y, p.X), q.ym);
  const B = F.mul(F.add(p.Y, p.X), q.yp);
  const C = F.mul(p.T, q.t2d);
  return products(F, A, B, C, F.add(p.Z, p.Z));
}

export function edDouble(F: CountedField25519, p: Extended): Extended {
  const A = F.sqr(p.X);
  const B = F.sqr(p.Y);
  const ZZ = F.sqr(p.Z);
  const C = F.add(ZZ, ZZ);
  const E = F.sub(F.sub(F.sqr(F.add(p.X, p.Y)), A), B);
  const G = F.sub(B, A);
  const Fv = F.sub(G, C);
  const H = F.sub(0n, F.add(A, B));
  return { X: F.mul(E, Fv), Y: F.mul(G, H), Z: F.mul(Fv, G), T: F.mul(E, H) };
}

export function negateExtended(F: CountedField25519, p: Extended): Extended {
  return { X: F.sub(0n, p.X), Y: p.Y, Z: p.Z, T: F.sub(0n, p.T) };
}

export function negateNiels(F: CountedField25519, q: Niels): Niels {
  return { ym: q.yp, yp: q.ym, t2d: F.sub(0n, q.t2d) };
}
