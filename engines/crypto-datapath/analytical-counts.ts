/**
 * Point-op counts of a whole signature operation, computed from the recodings' digit statistics (how
 * many nonzero digits of each kind, where the first nonzero column is) without walking the chain
 * and without any field arithmetic.
 */
import { addDigitOps, initDigitOps } from './digit-ops.js';
import { type Chain, type CryptoScalars, type PlanOptions, planScalarMul } from './plan.js';
import { type PointOpCounts, type PointOpKind, zeroPointOpCounts } from './point-ops.js';

function addAll(counts: PointOpCounts, kinds: readonly PointOpKind[], times: number): void {
  for (const kind of kinds) counts[kind] += times;
}

/** Adds one chain's counts; returns whether the chain produced a point (some digit nonzero). */
function addChainCounts(counts: PointOpCounts, chain: Chain, options: PlanOptions): boolean {
  const length = chain.streams[0]?.digits.length ?? 0;
  let firstColumn = -1;
  for (let c = 0; c < length && firstColumn < 0; c++) {
    if (chain.streams.some((s) => s.digits[c] !== 0)) firstColumn = c;
  }
  if (firstColumn < 0) return false;
  // One doubling per column after the first nonzero one.
  counts.double += length - 1 - firstColumn;
  // Every nonzero digit is an add, except the very first, which is a load instead.
  for (const stream of chain.streams) {
    const histogram = new Map<number, number>();
    for (const d of stream.digits) if (d !== 0) histogram.set(d, (histogram.get(d) ?? 0) + 1);
    for (const [digit, times] of histogram) addAll(counts, addDigitOps(stream.table, digit), times);
  }
  const first = chain.streams.find((s) => s.digits[firstColumn] !== 0)!;
  const firstDigit = first.digits[firstColumn]!;
  addAll(counts, addDigitOps(first.table, firstDigit), -1);
  addAll(counts, initDigitOps(first.table, firstDigit, options.curve), 1);
  return true;
}

/** Point-op counts of one sign or verify: table builds, chains, combining adds, normalisation. */
export function analyticalPointOpCounts(scalars: CryptoScalars, options: PlanOptions): PointOpCounts {
  const plan = planScalarMul(scalars, options);
  const counts = zeroPointOpCounts();
  addAll(counts, plan.builds, 1);
  let results = 0;
  for (const chain of plan.chains) if (addChainCounts(counts, chain, options)) results++;
  counts.add += Math.max(0, results - 1);
  counts.normalise += 1;
  return counts;
}
