/**
 * Reference scalar multiplications over the counted field: textbook loops with their own recodings,
 * written without the engine's plan/trace code. Precomputed tables (known points) are made offline
 * with noble and cost nothing here but the `load` of each coordinate read at run time.
 */
import { p256 } from '@noble/curves/nist.js';
import type { CountedField } from './counted-field.js';
import { type Affine, add, double, mixedAdd, type Proj } from './rcb.js';

const Point = p256.Point;
export const G: Affine = { x: Point.BASE.x, y: Point.BASE.y };

function toAffine(point: InstanceType<typeof Point>): Affine {
  const { x, y } = point.toAffine();
  return { x, y };
}

/** The accumulator: empty until the first digit, whose point it copies instead of adding. */
export class Accumulator {
  point: Proj | undefined;
  constructor(private readonly F: CountedField) {}

  double(): void {
    if (this.point !== undefined) this.point = double(this.F, this.point);
  }
  addAffine(a: Affine, negative: boolean): void {
    if (this.point === undefined) {
      if (negative) throw new Error('negative first digit');
      this.point = { X: a.x, Y: a.y, Z: 1n };
    } else {
      this.point = mixedAdd(this.F, this.point, negative ? { x: a.x, y: this.F.sub(0n, a.y) } : a);
    }
  }
  addProjective(q: Proj, negative: boolean): void {
    if (this.point === undefined) {
      if (negative) throw new Error('negative first digit');
      this.point = q;
    } else {
      this.point = add(this.F, this.point, negative ? { X: q.X, Y: this.F.sub(0n, q.Y), Z: q.Z } : q);
    }
  }
  /** A precomputed entry read from the table memory. */
  read(entry: Affine): Affine {
    return { x: this.F.load(entry.x), y: this.F.load(entry.y) };
  }
}

export function doubleAndAdd(F: CountedField, k: bigint, P: Affine): Proj | undefined {
  const acc = new Accumulator(F);
  for (const bit of k.toString(2)) {
    acc.double();
    if (bit === '1') acc.addAffine(P, false);
  }
  return k === 0n ? undefined : acc.point;
}

/** Width-w NAF, least significant digit first. */
export function naf(k: bigint, w: number): number[] {
  const digits: number[] = [];
  const mask = BigInt((1 << w) - 1);
  for (let rest = k; rest > 0n; rest >>= 1n) {
    let d = 0;
    if ((rest & 1n) === 1n) {
      d = Number(rest & mask);
      if (d >= 1 << (w - 1)) d -= 1 << w;
      rest -= BigInt(d);
    }
    digits.push(d);
  }
  return digits;
}

const offlineTables = new Map<string, Affine[]>();

/** Offline tables are made once per (point, kind, size): G's are shared by every verify. */
function memo(P: Affine, key: string, make: () => Affine[]): Affine[] {
  const id = `${P.x}:${P.y}:${key}`;
  const table = offlineTables.get(id) ?? make();
  offlineTables.set(id, table);
  return table;
}

/** Odd multiples P, 3P, …, (2^(w−1) − 1)P in affine form (offline). */
export function oddMultiples(P: Affine, w: number): Affine[] {
  return memo(P, `odd${w}`, () => makeOddMultiples(P, w));
}

function makeOddMultiples(P: Affine, w: number): Affine[] {
  const base = Point.fromAffine(P);
  const twice = base.double();
  const table = [base];
  for (let i = 1; i < 1 << (w - 2); i++) table.push(table[i - 1]!.add(twice));
  return table.map(toAffine);
}

/** A wNAF term: k·P, with P's precomputed odd multiples or none (then built now). */
export interface WnafTerm {
  readonly k: bigint;
  readonly P: Affine;
  readonly table?: Affine[] | undefined;
}

/** P, 3P, …, built now in projective form: 2P, then 3P = 2P + P (mixed), then full adds. */
function buildOddMultiples(F: CountedField, P: Affine, w: number): Proj[] {
  const built: Proj[] = [{ X: P.x, Y: P.y, Z: 1n }];
  if (w < 3) return built;
  const twice = double(F, built[0]!);
  built.push(mixedAdd(F, twice, P));
  for (let i = 2; i < 1 << (w - 2); i++) built.push(add(F, built[i - 1]!, twice));
  return built;
}

/** wNAF over one or more terms sharing one doubling chain (one term: the plain method). */
export function wnafMultiply(F: CountedField, w: number, terms: readonly WnafTerm[]): Proj | undefined {
  const built = terms.map((t) => (t.table === undefined ? buildOddMultiples(F, t.P, w) : []));
  const digits = terms.map((t) => naf(t.k, w));
  const length = Math.max(...digits.map((d) => d.length));
  const acc = new Accumulator(F);
  for (let bit = length - 1; bit >= 0; bit--) {
    acc.double();
    terms.forEach((term, i) => {
      const d = digits[i]![bit] ?? 0;
      if (d === 0) return;
      const index = (Math.abs(d) - 1) / 2;
      if (term.table !== undefined) acc.addAffine(acc.read(term.table[index]!), d < 0);
      else if (index === 0) acc.addAffine(term.P, d < 0);
      else acc.addProjective(built[i]![index]!, d < 0);
    });
  }
  return acc.point;
}

/** Lim–Lee comb table: entry m = Σ_i bit_i(m) · 2^(i·d) · P (offline; entry 0 unused). */
export function combTable(P: Affine, teeth: number): Affine[] {
  return memo(P, `comb${teeth}`, () => makeCombTable(P, teeth));
}

function makeCombTable(P: Affine, teeth: number): Affine[] {
  const d = Math.ceil(256 / teeth);
  const bases = [Point.fromAffine(P)];
  for (let i = 1; i < teeth; i++) bases.push(bases[i - 1]!.multiply(1n << BigInt(d)));
  const table = [Point.ZERO];
  for (let m = 1; m < 1 << teeth; m++) {
    const top = 31 - Math.clz32(m);
    table.push(table[m - (1 << top)]!.add(bases[top]!));
  }
  return table.map((p, m) => (m === 0 ? { x: 0n, y: 0n } : toAffine(p)));
}

/** The comb's table index at column j: bit i·d + j of k for each tooth i. */
export function combPattern(k: bigint, teeth: number, d: number, j: number): number {
  let pattern = 0;
  for (let i = 0; i < teeth; i++) pattern |= Number((k >> BigInt(i * d + j)) & 1n) << i;
  return pattern;
}

/** Comb over one or more (scalar, table) pairs sharing one doubling chain. */
export function combMultiply(
  F: CountedField,
  teeth: number,
  terms: readonly { k: bigint; table: Affine[] }[],
): Proj | undefined {
  const d = Math.ceil(256 / teeth);
  const acc = new Accumulator(F);
  for (let j = d - 1; j >= 0; j--) {
    acc.double();
    for (const { k, table } of terms) {
      const pattern = combPattern(k, teeth, d, j);
      if (pattern !== 0) acc.addAffine(acc.read(table[pattern]!), false);
    }
  }
  return acc.point;
}

/** Straus–Shamir u1·G + u2·Q with the joint table {G, Q, G + Q}; G + Q precomputed or built now. */
export function shamir(F: CountedField, u1: bigint, u2: bigint, Q: Affine, gPlusQ?: Affine): Proj | undefined {
  const built = gPlusQ === undefined ? mixedAdd(F, { X: G.x, Y: G.y, Z: 1n }, Q) : undefined;
  const acc = new Accumulator(F);
  const bits = Math.max(u1.toString(2).length, u2.toString(2).length);
  for (let i = bits - 1; i >= 0; i--) {
    acc.double();
    const b1 = ((u1 >> BigInt(i)) & 1n) === 1n;
    const b2 = ((u2 >> BigInt(i)) & 1n) === 1n;
    if (b1 && b2) {
      if (built !== undefined) acc.addProjective(built, false);
      else acc.addAffine(acc.read(gPlusQ!), false);
    } else if (b1) acc.addAffine(G, false);
    else if (b2) acc.addAffine(Q, false);
  }
  return acc.point;
}

export function affineSum(a: Affine, b: Affine): Affine {
  return toAffine(Point.fromAffine(a).add(Point.fromAffine(b)));
}
