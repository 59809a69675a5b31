/**
 * Crypto engine timing derived from its microarchitecture: ECDSA P-256 and Ed25519 as point
 * operations, each a microprogram of field operations, list-scheduled on a datapath of multipliers,
 * adders, register ports and table memory. See docs/crypto-datapath.md.
 */
export { analyticalPointOpCounts } from './analytical-counts.js';
export { type CurveModel, curveModel, ED25519_CURVE, P256_CURVE, type SchemeName } from './curves.js';
export { checkDatapath, type DatapathSpec, type PipelinedUnitsSpec } from './datapath.js';
export { FIELD_OP_CLASSES, type FieldOpClass, type FieldOpCounts } from './field-ops.js';
export type { InversionMode } from './inversion.js';
export { listSchedule, type MicroprogramSchedule } from './list-schedule.js';
export type { Microprogram, MicroNode, Operand } from './microprogram.js';
export { type CryptoScalars, checkAlgorithm, type PlanOptions, type ScalarMulAlgorithm } from './plan.js';
export {
  fieldOpCountsOf,
  POINT_OP_KINDS,
  type PointOpCounts,
  type PointOpKind,
  type PointOpPrograms,
} from './point-ops.js';
export { steppedCycles } from './stepped.js';
export { EXAMPLE_DATAPATHS, exampleTableMarkdown } from './table.js';
export {
  analyticalCycles,
  type CryptoTiming,
  type CryptoTimingRequest,
  deriveCryptoTiming,
  pointOpMakespans,
  programsFor,
} from './timing.js';
export { pointOpTrace } from './trace.js';
