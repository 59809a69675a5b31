/**
 * The point operations a scalar multiplication is made of, each one fixed microprogram. The engine's
 * controller issues one point operation at a time: the next starts when every field op of the
 * current one has written its result (a barrier), so a point operation's time on a datapath is its
 * microprogram's makespan, the same every time it runs.
 */
import { addFieldOpCounts, type FieldOpCounts, zeroFieldOpCounts } from './field-ops.js';
import { type InversionMode, normaliseX } from './inversion.js';
import { type Microprogram, MicroprogramBuilder, microprogramCounts } from './microprogram.js';
import { rcbAdd, rcbDouble, rcbMixedAdd } from './p256-formulas.js';

export const POINT_OP_KINDS = ['double', 'add', 'addNeg', 'madd', 'maddNeg', 'tableRead', 'normalise'] as const;
export type PointOpKind = (typeof POINT_OP_KINDS)[number];
export type PointOpCounts = Record<PointOpKind, number>;

/** Bytes of one precomputed table entry: an affine P-256 point, two 32-byte coordinates. */
export const TABLE_ENTRY_BYTES = 64;

export function zeroPointOpCounts(): PointOpCounts {
  return { double: 0, add: 0, addNeg: 0, madd: 0, maddNeg: 0, tableRead: 0, normalise: 0 };
}

/** A read of one precomputed affine point from the table memory into two registers. */
function tableRead(): Microprogram {
  const m = new MicroprogramBuilder('tableRead', []);
  return m.build([m.op('load'), m.op('load')]);
}

export function pointOpMicroprograms(inversion: InversionMode): Record<PointOpKind, Microprogram> {
  return {
    double: rcbDouble(),
    add: rcbAdd(false),
    addNeg: rcbAdd(true),
    madd: rcbMixedAdd(false),
    maddNeg: rcbMixedAdd(true),
    tableRead: tableRead(),
    normalise: normaliseX(inversion),
  };
}

/** Field-op counts of a whole program: Σ over point-op kinds of count × the microprogram's counts. */
export function fieldOpCountsOf(points: PointOpCounts, inversion: InversionMode): FieldOpCounts {
  const programs = pointOpMicroprograms(inversion);
  const total = zeroFieldOpCounts();
  for (const kind of Object.keys(points) as PointOpKind[]) {
    addFieldOpCounts(total, microprogramCounts(programs[kind]), points[kind]);
  }
  return total;
}
