/**
 * What one nonzero digit costs, by where its table point lives (see plan.ts for the table rules):
 * affine points in registers and entries ±1 of an on-the-fly table are mixed adds, other on-the-fly
 * entries (projective) full adds, precomputed entries a table read and a mixed add.
 */
import type { CurveModel } from './curves.js';
import type { TableKind } from './plan.js';
import type { PointOpKind } from './point-ops.js';

/** Point operations that add a nonzero digit to a started accumulator. */
export function addDigitOps(table: TableKind, digit: number): PointOpKind[] {
  const negative = digit < 0;
  const madd: PointOpKind = negative ? 'maddNeg' : 'madd';
  switch (table) {
    case 'affineBase':
      return [madd];
    case 'onTheFly':
      return Math.abs(digit) === 1 ? [madd] : [negative ? 'addNeg' : 'add'];
    case 'precomputed':
      return ['tableRead', madd];
    case 'jointOnTheFly':
      return digit === 3 ? ['add'] : ['madd'];
    case 'jointPrecomputed':
      return digit === 3 ? ['tableRead', 'madd'] : ['madd'];
  }
}

/** Point operations that load the first nonzero digit's point into the empty accumulator. */
export function initDigitOps(table: TableKind, digit: number, curve: CurveModel): readonly PointOpKind[] {
  if (digit < 0) throw new RangeError('a chain cannot start with a negative digit');
  if (table === 'precomputed' || (table === 'jointPrecomputed' && digit === 3)) return curve.precomputedFirstDigit;
  return [];
}
