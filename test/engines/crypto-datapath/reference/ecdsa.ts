/**
 * Reference ECDSA P-256 verify and the sign's k·G, per algorithm, over the counted field. The
 * scalar-field work (s⁻¹, u1, u2 mod n; s = k⁻¹(h + r·d) mod n) is done uncounted: the engine model
 * leaves it out (see plan.ts).
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { Field } from '@noble/curves/abstract/modular.js';
import { p256 } from '@noble/curves/nist.js';
import { bytesToNumberBE } from '@noble/curves/utils.js';
import type { FieldOpCounts } from '../../../../engines/crypto-datapath/field-ops.js';
import type { InversionMode } from '../../../../engines/crypto-datapath/inversion.js';
import type { ScalarMulAlgorithm } from '../../../../engines/crypto-datapath/plan.js';
import {
  affineSum,
  combMultiply,
  combTable,
  doubleAndAdd,
  G,
  oddMultiples,
  shamir,
  wnafMultiply,
} from './algorithms.js';
import { CountedField, N } from './counted-field.js';
import { type Affine, add, type Proj } from './rcb.js';

const Fn = Field(N);

export interface ReferenceOptions {
  readonly algorithm: ScalarMulAlgorithm;
  readonly knownKey: boolean;
  /** Known points' tables are precomputed (the datapath has a table memory). */
  readonly tables: boolean;
  readonly inversion: InversionMode;
}

export interface ReferenceResult {
  readonly valid: boolean;
  readonly counts: FieldOpCounts;
  readonly u1: bigint;
  readonly u2: bigint;
}

function combine(F: CountedField, a: Proj | undefined, b: Proj | undefined): Proj | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : add(F, a, b);
}

function linearCombination(F: CountedField, u1: bigint, u2: bigint, Q: Affine, o: ReferenceOptions): Proj | undefined {
  const knownQ = o.knownKey && o.tables;
  const { algorithm } = o;
  switch (algorithm.name) {
    case 'double-and-add':
      return combine(F, doubleAndAdd(F, u1, G), doubleAndAdd(F, u2, Q));
    case 'wnaf': {
      const w = algorithm.windowBits;
      const g = { k: u1, P: G, table: o.tables ? oddMultiples(G, w) : undefined };
      const q = { k: u2, P: Q, table: knownQ ? oddMultiples(Q, w) : undefined };
      if (algorithm.interleaved === true) return wnafMultiply(F, w, [g, q]);
      return combine(F, wnafMultiply(F, w, [g]), wnafMultiply(F, w, [q]));
    }
    case 'comb': {
      const t = algorithm.teeth;
      const gTerm = { k: u1, table: combTable(G, t) };
      if (knownQ) return combMultiply(F, t, [gTerm, { k: u2, table: combTable(Q, t) }]);
      return combine(
        F,
        combMultiply(F, t, [gTerm]),
        wnafMultiply(F, algorithm.variableBaseWindowBits, [{ k: u2, P: Q }]),
      );
    }
    case 'shamir':
      return shamir(F, u1, u2, Q, knownQ ? affineSum(G, Q) : undefined);
  }
}

/** x(R) mod n with R = X/Z; undefined for the point at infinity. */
function xModN(F: CountedField, R: Proj | undefined): bigint | undefined {
  if (R === undefined || R.Z === 0n) return undefined;
  return F.mul(R.X, F.inv(R.Z)) % N;
}

export function referenceVerify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  options: ReferenceOptions,
): ReferenceResult {
  const F = new CountedField(options.inversion);
  const r = bytesToNumberBE(signature.subarray(0, 32));
  const s = bytesToNumberBE(signature.subarray(32, 64));
  // noble's defaults: r, s in [1, n), and low-S only.
  if (r <= 0n || r >= N || s <= 0n || s >= N || s > N >> 1n) return { valid: false, counts: F.counts, u1: 0n, u2: 0n };
  const { x, y } = p256.Point.fromBytes(publicKey).toAffine();
  const h = bytesToNumberBE(sha256(message)) % N;
  const sInverse = Fn.inv(s);
  const u1 = Fn.mul(h, sInverse);
  const u2 = Fn.mul(r, sInverse);
  const v = xModN(F, linearCombination(F, u1, u2, { x, y }, options));
  return { valid: v === r, counts: F.counts, u1, u2 };
}

/** r = x(k·G) mod n, as a sign computes it. */
export function referenceSignR(k: bigint, options: ReferenceOptions): { r: bigint; counts: FieldOpCounts } {
  const F = new CountedField(options.inversion);
  const { algorithm } = options;
  let R: Proj | undefined;
  if (algorithm.name === 'wnaf')
    R = wnafMultiply(F, algorithm.windowBits, [
      { k, P: G, table: options.tables ? oddMultiples(G, algorithm.windowBits) : undefined },
    ]);
  else if (algorithm.name === 'comb')
    R = combMultiply(F, algorithm.teeth, [{ k, table: combTable(G, algorithm.teeth) }]);
  else R = doubleAndAdd(F, k, G);
  return { r: xModN(F, R)!, counts: F.counts };
}
