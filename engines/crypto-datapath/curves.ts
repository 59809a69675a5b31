/**
 * What the model needs to know about a signature scheme's curve: its point-op microprograms, its
 * scalars' size and distribution, and what a precomputed table entry is and costs.
 */
import { ED25519_INVERSION_CHAIN, type InversionMode, normalise, normaliseX } from './inversion.js';
import { edAdd, edDouble, edMixedAdd, edPrepare } from './ed25519-formulas.js';
import { rcbAdd, rcbDouble, rcbMixedAdd } from './p256-formulas.js';
import { noOp, type PointOpKind, type PointOpPrograms, tableRead } from './point-ops.js';

export type SchemeName = 'p256' | 'ed25519';

export interface CurveModel {
  readonly scheme: SchemeName;
  /** Scalars are below the group order, which is below 2^scalarBits (the comb's span). */
  readonly scalarBits: number;
  readonly groupOrder: bigint;
  /** Coordinates of a precomputed table entry, 32 bytes each. */
  readonly tableEntryCoordinates: number;
  /**
   * What loading the first digit's precomputed entry into the empty accumulator costs: P-256's
   * affine entry is already a projective point with Z = 1; Ed25519's entry is in the mixed add's
   * (y − x, y + x, 2d·x·y) form, so it is added onto the neutral point instead.
   */
  readonly precomputedFirstDigit: readonly PointOpKind[];
  /** A verify `prepare`s Q when it uses Q from registers (not only through its table). */
  readonly prepareUnknownBase: boolean;
  readonly microprograms: (inversion: InversionMode) => PointOpPrograms;
}

export const P256_CURVE: CurveModel = {
  scheme: 'p256',
  scalarBits: 256,
  groupOrder: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  tableEntryCoordinates: 2,
  precomputedFirstDigit: ['tableRead'],
  prepareUnknownBase: false,
  microprograms: (inversion) => ({
    double: rcbDouble(),
    add: rcbAdd(false),
    addNeg: rcbAdd(true),
    madd: rcbMixedAdd(false),
    maddNeg: rcbMixedAdd(true),
    tableRead: tableRead(2),
    prepare: noOp('prepare'),
    normalise: normaliseX(inversion),
  }),
};

export const ED25519_CURVE: CurveModel = {
  scheme: 'ed25519',
  scalarBits: 253,
  groupOrder: 2n ** 252n + 27742317777372353535851937790883648493n,
  tableEntryCoordinates: 3,
  precomputedFirstDigit: ['tableRead', 'madd'],
  prepareUnknownBase: true,
  microprograms: (inversion) => ({
    double: edDouble(),
    add: edAdd(false),
    addNeg: edAdd(true),
    madd: edMixedAdd(false),
    maddNeg: edMixedAdd(true),
    tableRead: tableRead(3),
    prepare: edPrepare(),
    normalise: normalise(inversion, ED25519_INVERSION_CHAIN, ['X', 'Y']),
  }),
};

export function curveModel(scheme: SchemeName): CurveModel {
  return scheme === 'p256' ? P256_CURVE : ED25519_CURVE;
}

/** Bytes of one table entry: its coordinates, 32 bytes each. */
export function tableEntryBytes(curve: CurveModel): number {
  return curve.tableEntryCoordinates * 32;
}
