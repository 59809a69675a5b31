/**
 * Reference Ed25519 verify ([S]B + [−k]A compared with R) and sign's [r]B per algorithm over the
 * counted field: textbook loops, their own table handling, separate from the engine's plan. The
 * scalar work mod L (k = H(R, A, M) mod L, −k) and point decoding are uncounted, as in the model.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, concatBytes } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import type { FieldOpCounts } from '../../../../engines/crypto-datapath/field-ops.js';
import { combPattern, naf } from './algorithms.js';
import type { ReferenceOptions } from './ecdsa.js';
import { CountedField25519, D2, L, P25519 } from './ed25519-field.js';
import {
  edAdd,
  edDouble,
  edMixedAdd,
  type Extended,
  type Niels,
  negateExtended,
  negateNiels,
} from './ed25519-formulas.js';

type EdPoint = InstanceType<typeof ed25519.Point>;
/** A point usable from registers: extended (x, y, 1, x·y) for copies, mixed form for adds. */
interface Base {
  readonly ext: Extended;
  readonly niels: Niels;
}
const mod = (a: bigint): bigint => ((a % P25519) + P25519) % P25519;
const NEUTRAL: Extended = { X: 0n, Y: 1n, Z: 1n, T: 0n };

/** Offline (uncounted) conversion of a known point. */
function offlineBase(point: EdPoint): Base {
  const { x, y } = point.toAffine();
  const t = mod(x * y);
  return { ext: { X: x, Y: y, Z: 1n, T: t }, niels: { ym: mod(y - x), yp: mod(y + x), t2d: mod(D2 * t) } };
}
const G = offlineBase(ed25519.Point.BASE);

/** The counted `prepare` of a decoded key. */
function prepare(F: CountedField25519, point: EdPoint): Base {
  const { x, y } = point.toAffine();
  const t = F.mul(x, y);
  return { ext: { X: x, Y: y, Z: 1n, T: t }, niels: { ym: F.sub(y, x), yp: F.add(y, x), t2d: F.mul2d(t) } };
}

class Accumulator {
  point: Extended | undefined;
  constructor(private readonly F: CountedField25519) {}
  double(): void {
    if (this.point !== undefined) this.point = edDouble(this.F, this.point);
  }
  addBase(b: Base, negative: boolean): void {
    if (this.point === undefined) this.point = b.ext;
    else this.point = edMixedAdd(this.F, this.point, negative ? negateNiels(this.F, b.niels) : b.niels);
  }
  addExtended(e: Extended, negative: boolean): void {
    if (this.point === undefined) this.point = e;
    else this.point = edAdd(this.F, this.point, negative ? negateExtended(this.F, e) : e);
  }
  /** A precomputed entry: read, then added (onto the neutral point if the accumulator is empty). */
  addPrecomputed(entry: Niels, negative: boolean): void {
    const read = { ym: this.F.load(entry.ym), yp: this.F.load(entry.yp), t2d: this.F.load(entry.t2d) };
    this.point = edMixedAdd(this.F, this.point ?? NEUTRAL, negative ? negateNiels(this.F, read) : read);
  }
}

const tables = new Map<string, Niels[]>();
function offlineTable(point: EdPoint, key: string, make: () => EdPoint[]): Niels[] {
  const id = `${point.toHex()}:${key}`;
  const table = tables.get(id) ?? make().map((p) => (p.is0() ? { ym: 1n, yp: 1n, t2d: 0n } : offlineBase(p).niels));
  tables.set(id, table);
  return table;
}
function oddMultiples(point: EdPoint, w: number): Niels[] {
  return offlineTable(point, `odd${w}`, () => {
    const out = [point];
    for (let i = 1; i < 1 << (w - 2); i++) out.push(out[i - 1]!.add(point.double()));
    return out;
  });
}
function combTable(point: EdPoint, teeth: number): Niels[] {
  return offlineTable(point, `comb${teeth}`, () => {
    const d = BigInt(Math.ceil(253 / teeth));
    const bases = [point];
    for (let i = 1; i < teeth; i++) bases.push(bases[i - 1]!.multiply(1n << d));
    const out = [ed25519.Point.ZERO];
    for (let m = 1; m < 1 << teeth; m++)
      out.push(out[m - (1 << (31 - Math.clz32(m)))]!.add(bases[31 - Math.clz32(m)]!));
    return out;
  });
}

function doubleAndAdd(F: CountedField25519, k: bigint, base: Base): Extended | undefined {
  const acc = new Accumulator(F);
  for (const bit of k.toString(2)) {
    acc.double();
    if (bit === '1') acc.addBase(base, false);
  }
  return k === 0n ? undefined : acc.point;
}

interface Term {
  readonly k: bigint;
  readonly base?: Base | undefined;
  readonly table?: Niels[] | undefined;
}
function wnaf(F: CountedField25519, w: number, terms: readonly Term[]): Extended | undefined {
  const built = terms.map((t) => {
    if (t.table !== undefined || w < 3) return [];
    const twice = edDouble(F, t.base!.ext);
    const out = [t.base!.ext, edMixedAdd(F, twice, t.base!.niels)];
    for (let i = 2; i < 1 << (w - 2); i++) out.push(edAdd(F, out[i - 1]!, twice));
    return out;
  });
  const digits = terms.map((t) => naf(t.k, w));
  const acc = new Accumulator(F);
  for (let bit = Math.max(...digits.map((d) => d.length)) - 1; bit >= 0; bit--) {
    acc.double();
    terms.forEach((term, i) => {
      const d = digits[i]![bit] ?? 0;
      if (d === 0) return;
      const index = (Math.abs(d) - 1) / 2;
      if (term.table !== undefined) acc.addPrecomputed(term.table[index]!, d < 0);
      else if (index === 0) acc.addBase(term.base!, d < 0);
      else acc.addExtended(built[i]![index]!, d < 0);
    });
  }
  return acc.point;
}

function comb(
  F: CountedField25519,
  teeth: number,
  terms: readonly { k: bigint; table: Niels[] }[],
): Extended | undefined {
  const d = Math.ceil(253 / teeth);
  const acc = new Accumulator(F);
  for (let j = d - 1; j >= 0; j--) {
    acc.double();
    for (const { k, table } of terms) {
      const pattern = combPattern(k, teeth, d, j);
      if (pattern !== 0) acc.addPrecomputed(table[pattern]!, false);
    }
  }
  return acc.point;
}

function shamir(F: CountedField25519, u1: bigint, u2: bigint, Q: Base, gPlusQ?: Niels): Extended | undefined {
  const built = gPlusQ === undefined ? edMixedAdd(F, G.ext, Q.niels) : undefined;
  const acc = new Accumulator(F);
  for (let i = Math.max(u1.toString(2).length, u2.toString(2).length) - 1; i >= 0; i--) {
    acc.double();
    const b1 = ((u1 >> BigInt(i)) & 1n) === 1n;
    const b2 = ((u2 >> BigInt(i)) & 1n) === 1n;
    if (b1 && b2) {
      if (built !== undefined) acc.addExtended(built, false);
      else acc.addPrecomputed(gPlusQ!, false);
    } else if (b1) acc.addBase(G, false);
    else if (b2) acc.addBase(Q, false);
  }
  return acc.point;
}

function combine(F: CountedField25519, a: Extended | undefined, b: Extended | undefined): Extended | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : edAdd(F, a, b);
}

function linearCombination(F: CountedField25519, u1: bigint, u2: bigint, A: EdPoint, o: ReferenceOptions) {
  const knownQ = o.knownKey && o.tables;
  const { algorithm } = o;
  const name = algorithm.name;
  // The key is prepared when it is used from registers, not only through its precomputed table.
  const Q = name === 'double-and-add' || name === 'shamir' || !knownQ ? prepare(F, A) : undefined;
  switch (algorithm.name) {
    case 'double-and-add':
      return combine(F, doubleAndAdd(F, u1, G), doubleAndAdd(F, u2, Q!));
    case 'wnaf': {
      const w = algorithm.windowBits;
      const g = { k: u1, base: G, table: o.tables ? oddMultiples(ed25519.Point.BASE, w) : undefined };
      const q = { k: u2, base: Q, table: knownQ ? oddMultiples(A, w) : undefined };
      if (algorithm.interleaved === true) return wnaf(F, w, [g, q]);
      return combine(F, wnaf(F, w, [g]), wnaf(F, w, [q]));
    }
    case 'comb': {
      const t = algorithm.teeth;
      const gTerm = { k: u1, table: combTable(ed25519.Point.BASE, t) };
      if (knownQ) return comb(F, t, [gTerm, { k: u2, table: combTable(A, t) }]);
      return combine(F, comb(F, t, [gTerm]), wnaf(F, algorithm.variableBaseWindowBits, [{ k: u2, base: Q }]));
    }
    case 'shamir':
      return shamir(F, u1, u2, Q!, knownQ ? offlineBase(ed25519.Point.BASE.add(A)).niels : undefined);
  }
}

function affine(F: CountedField25519, R: Extended | undefined): { x: bigint; y: bigint } | undefined {
  if (R === undefined) return undefined;
  const zInverse = F.inv(R.Z);
  return { x: F.mul(R.X, zInverse), y: F.mul(R.Y, zInverse) };
}

export interface EdReferenceResult {
  readonly valid: boolean;
  readonly counts: FieldOpCounts;
  readonly u1: bigint;
  readonly u2: bigint;
}

export function referenceEdVerify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  options: ReferenceOptions,
): EdReferenceResult {
  const F = new CountedField25519(options.inversion);
  const invalid = { valid: false, counts: F.counts, u1: 0n, u2: 0n };
  const S = bytesToNumberLE(signature.subarray(32, 64));
  if (S >= L) return invalid;
  let A: EdPoint;
  let R: EdPoint;
  try {
    A = ed25519.Point.fromBytes(publicKey);
    R = ed25519.Point.fromBytes(signature.subarray(0, 32));
  } catch {
    return invalid;
  }
  const k = bytesToNumberLE(sha512(concatBytes(signature.subarray(0, 32), publicKey, message))) % L;
  const u2 = (L - k) % L;
  const got = affine(F, linearCombination(F, S, u2, A, options));
  const want = R.toAffine();
  return { valid: got !== undefined && got.x === want.x && got.y === want.y, counts: F.counts, u1: S, u2 };
}

/** The affine R = [r]B of a sign, as its encoding needs it. */
export function referenceEdSignR(
  r: bigint,
  options: ReferenceOptions,
): { x: bigint; y: bigint; counts: FieldOpCounts } {
  const F = new CountedField25519(options.inversion);
  const { algorithm } = options;
  let R: Extended | undefined;
  if (algorithm.name === 'wnaf')
    R = wnaf(F, algorithm.windowBits, [
      { k: r, base: G, table: options.tables ? oddMultiples(ed25519.Point.BASE, algorithm.windowBits) : undefined },
    ]);
  else if (algorithm.name === 'comb')
    R = comb(F, algorithm.teeth, [{ k: r, table: combTable(ed25519.Point.BASE, algorithm.teeth) }]);
  else R = doubleAndAdd(F, r, G);
  return { ...affine(F, R)!, counts: F.counts };
}
