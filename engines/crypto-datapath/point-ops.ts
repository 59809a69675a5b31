/**
 * The point operations a scalar multiplication is made of, each one fixed microprogram. The engine's
 * controller issues one point operation at a time: the next starts when every field op of the
 * current one has written its result (a barrier), so a point operation's time on a datapath is its
 * microprogram's makespan, the same every time it runs.
 */
import { addFieldOpCounts, type FieldOpCounts, zeroFieldOpCounts } from './field-ops.js';
import { type Microprogram, MicroprogramBuilder, microprogramCounts } from './microprogram.js';

/**
 * `prepare` turns an affine point that is not a constant (the decoded public key) into the form the
 * curve's mixed add takes (Ed25519's (y − x, y + x, 2d·x·y); nothing for P-256).
 */
export const POINT_OP_KINDS = [
  'double',
  'add',
  'addNeg',
  'madd',
  'maddNeg',
  'tableRead',
  'prepare',
  'normalise',
] as const;
export type PointOpKind = (typeof POINT_OP_KINDS)[number];
export type PointOpCounts = Record<PointOpKind, number>;
export type PointOpPrograms = Record<PointOpKind, Microprogram>;

export function zeroPointOpCounts(): PointOpCounts {
  return { double: 0, add: 0, addNeg: 0, madd: 0, maddNeg: 0, tableRead: 0, prepare: 0, normalise: 0 };
}

/** A read of one precomputed point from the table memory: one load per stored coordinate. */
export function tableRead(coordinates: number): Microprogram {
  const m = new MicroprogramBuilder('tableRead', []);
  return m.build(Array.from({ length: coordinates }, () => m.op('load')));
}

/** A point operation that does nothing on this curve. */
export function noOp(name: string): Microprogram {
  return new MicroprogramBuilder(name, []).build([]);
}

/** Field-op counts of a whole program: Σ over point-op kinds of count × the microprogram's counts. */
export function fieldOpCountsOf(points: PointOpCounts, programs: PointOpPrograms): FieldOpCounts {
  const total = zeroFieldOpCounts();
  for (const kind of Object.keys(points) as PointOpKind[]) {
    addFieldOpCounts(total, microprogramCounts(programs[kind]), points[kind]);
  }
  return total;
}
