/**
 * From an algorithm and concrete scalars to a plan: table builds, doubling chains (each with one or
 * more digit streams sharing its doublings), how the chains' results are combined. The rules:
 *
 * - The accumulator starts empty. Doublings of an empty accumulator are skipped; the first nonzero
 *   digit loads its table point (a `tableRead` if the table is in table memory, else a free
 *   register copy); every later nonzero digit adds its table point.
 * - G is a known point; Q (the public key) is known only with `knownKey` (e.g. an endorser's
 *   certificate). A known point's table is precomputed offline in affine form and lives in the
 *   table memory, when the datapath has one: each use is a `tableRead` then a mixed add.
 * - An unknown point's table is built on the fly in projective form in the register file: odd
 *   multiples P, 3P, 5P, … by 1 double (2P), 1 madd (3P = 2P + P) and full adds after that. P itself
 *   is affine (the decoded key), so a digit ±1 is a mixed add; other digits are full adds.
 * - Separate chains (u1·G and u2·Q computed apart) are combined with one full add.
 */
import type { CurveModel } from './curves.js';
import type { PointOpKind } from './point-ops.js';
import { binaryDigits, combColumns, jointBits, wnafDigits } from './recoding.js';

export type ScalarMulAlgorithm =
  | { readonly name: 'double-and-add' }
  /** wNAF per scalar; `interleaved`: u1·G and u2·Q share one doubling chain (Straus with wNAF). */
  | { readonly name: 'wnaf'; readonly windowBits: number; readonly interleaved?: boolean }
  /** Comb for known points; an unknown Q falls back to wNAF of `variableBaseWindowBits`. */
  | { readonly name: 'comb'; readonly teeth: number; readonly variableBaseWindowBits: number }
  /** Straus–Shamir with the 1-bit joint table {G, Q, G + Q}. */
  | { readonly name: 'shamir' };

/**
 * How a stream's digits reach the accumulator. `joint*` streams carry Shamir digits
 * (1 = G, 2 = Q, 3 = G + Q; G and Q are affine in registers, G + Q built or precomputed).
 */
export type TableKind = 'affineBase' | 'onTheFly' | 'precomputed' | 'jointOnTheFly' | 'jointPrecomputed';

export interface DigitStream {
  readonly digits: readonly number[];
  readonly table: TableKind;
}

/** Streams sharing one doubling chain, all the same length (shorter ones padded with leading 0s). */
export interface Chain {
  readonly streams: readonly DigitStream[];
}

export interface ScalarMulPlan {
  /** Point operations that build on-the-fly tables, in order, before the chains. */
  readonly builds: readonly PointOpKind[];
  readonly chains: readonly Chain[];
}

export type CryptoScalars =
  | { readonly op: 'verify'; readonly u1: bigint; readonly u2: bigint }
  | { readonly op: 'sign'; readonly k: bigint };

export interface PlanOptions {
  readonly curve: CurveModel;
  readonly algorithm: ScalarMulAlgorithm;
  /** Q's table is precomputed (needs `precomputedTables`). */
  readonly knownKey: boolean;
  /** The datapath has a table memory for precomputed tables. */
  readonly precomputedTables: boolean;
}

/** The on-the-fly build of odd multiples up to (2^(w−1) − 1)·P. */
export function wnafTableBuild(windowBits: number): PointOpKind[] {
  const entries = 1 << (windowBits - 2);
  if (entries === 1) return [];
  return ['double', 'madd', ...new Array<PointOpKind>(entries - 2).fill('add')];
}

function chain(...streams: DigitStream[]): Chain {
  const length = Math.max(...streams.map((s) => s.digits.length));
  const padded = streams.map((s) => ({
    table: s.table,
    digits: [...new Array<number>(length - s.digits.length).fill(0), ...s.digits],
  }));
  return { streams: padded };
}

function wnafStream(k: bigint, windowBits: number, known: boolean, builds: PointOpKind[]): DigitStream {
  if (!known) builds.push(...wnafTableBuild(windowBits));
  return { digits: wnafDigits(k, windowBits), table: known ? 'precomputed' : 'onTheFly' };
}

function wnafChain(k: bigint, windowBits: number, known: boolean, builds: PointOpKind[]): Chain {
  return chain(wnafStream(k, windowBits, known, builds));
}

/** Throws a RangeError naming the parameter for an algorithm the model does not cover. */
export function checkAlgorithm(algorithm: ScalarMulAlgorithm): void {
  const inRange = (value: number, low: number, high: number, field: string): void => {
    if (!Number.isInteger(value) || value < low || value > high)
      throw new RangeError(`algorithm.${field} must be an integer in [${low}, ${high}], got ${value}`);
  };
  if (algorithm.name === 'wnaf') inRange(algorithm.windowBits, 2, 10, 'windowBits');
  if (algorithm.name === 'comb') {
    inRange(algorithm.teeth, 1, 12, 'teeth');
    inRange(algorithm.variableBaseWindowBits, 2, 10, 'variableBaseWindowBits');
  }
}

function requireTables(options: PlanOptions): void {
  if (!options.precomputedTables) throw new RangeError(`${options.algorithm.name} needs a table memory`);
}

export function planScalarMul(scalars: CryptoScalars, options: PlanOptions): ScalarMulPlan {
  const plan = planChains(scalars, options);
  if (scalars.op === 'sign' || !options.curve.prepareUnknownBase) return plan;
  // Q is used from registers unless every use of it goes through its precomputed table.
  const knownQ = options.knownKey && options.precomputedTables;
  const name = options.algorithm.name;
  const qFromRegisters = name === 'double-and-add' || name === 'shamir' || !knownQ;
  return qFromRegisters ? { ...plan, builds: ['prepare', ...plan.builds] } : plan;
}

function planChains(scalars: CryptoScalars, options: PlanOptions): ScalarMulPlan {
  const { algorithm } = options;
  const knownQ = options.knownKey && options.precomputedTables;
  const builds: PointOpKind[] = [];
  if (scalars.op === 'sign') {
    const { k } = scalars;
    // Shamir's trick needs two scalars; with one it is the binary method.
    if (algorithm.name === 'double-and-add' || algorithm.name === 'shamir')
      return { builds, chains: [chain({ digits: binaryDigits(k), table: 'affineBase' })] };
    if (algorithm.name === 'wnaf')
      return { builds, chains: [wnafChain(k, algorithm.windowBits, options.precomputedTables, builds)] };
    requireTables(options);
    return {
      builds,
      chains: [chain({ digits: combColumns(k, algorithm.teeth, options.curve.scalarBits), table: 'precomputed' })],
    };
  }
  const { u1, u2 } = scalars;
  switch (algorithm.name) {
    case 'double-and-add':
      return {
        builds,
        chains: [
          chain({ digits: binaryDigits(u1), table: 'affineBase' }),
          chain({ digits: binaryDigits(u2), table: 'affineBase' }),
        ],
      };
    case 'wnaf': {
      const g = wnafStream(u1, algorithm.windowBits, options.precomputedTables, builds);
      const q = wnafStream(u2, algorithm.windowBits, knownQ, builds);
      return { builds, chains: algorithm.interleaved === true ? [chain(g, q)] : [chain(g), chain(q)] };
    }
    case 'comb': {
      requireTables(options);
      const g = { digits: combColumns(u1, algorithm.teeth, options.curve.scalarBits), table: 'precomputed' as const };
      if (knownQ)
        return {
          builds,
          chains: [
            chain(g, { digits: combColumns(u2, algorithm.teeth, options.curve.scalarBits), table: 'precomputed' }),
          ],
        };
      return { builds, chains: [chain(g), wnafChain(u2, algorithm.variableBaseWindowBits, false, builds)] };
    }
    case 'shamir':
      if (!knownQ) builds.push('madd');
      return {
        builds,
        chains: [chain({ digits: jointBits(u1, u2), table: knownQ ? 'jointPrecomputed' : 'jointOnTheFly' })],
      };
  }
}
