/**
 * Cycles of one signature operation (ECDSA P-256 or Ed25519) on a datapath, and the result API.
 * The modelled controller issues one point operation at a time, so
 *   cycles per op = Σ over point-op kinds of (mean count per op) × (that microprogram's makespan),
 * the counts averaged over a fixed seeded sample of scalars (a sample mean, not the exact
 * expectation). One engine runs one operation at a time: its initiation interval is its latency.
 */
import { analyticalPointOpCounts } from './analytical-counts.js';
import { curveModel, type SchemeName } from './curves.js';
import { checkDatapath, type DatapathSpec } from './datapath.js';
import type { FieldOpCounts } from './field-ops.js';
import type { InversionMode } from './inversion.js';
import { listSchedule } from './list-schedule.js';
import { type CryptoScalars, checkAlgorithm, type PlanOptions, type ScalarMulAlgorithm } from './plan.js';
import {
  fieldOpCountsOf,
  POINT_OP_KINDS,
  type PointOpCounts,
  type PointOpKind,
  type PointOpPrograms,
  zeroPointOpCounts,
} from './point-ops.js';
import { scalarSample } from './scalar-sample.js';
import { tableBytesOf } from './table-sizes.js';

export interface CryptoTimingRequest {
  readonly scheme: SchemeName;
  readonly op: 'verify' | 'sign';
  readonly algorithm: ScalarMulAlgorithm;
  readonly datapath: DatapathSpec;
  /** Verify against a key whose tables are precomputed (an endorser's certificate). */
  readonly knownKey?: boolean;
  /** Scalars averaged over: default 64 from seed 1. */
  readonly sample?: { readonly count: number; readonly seed: number };
}

export interface CryptoTiming {
  readonly cyclesPerOp: number;
  readonly latencyNs: number;
  readonly initiationIntervalNs: number;
  readonly opsPerSecPerEngine: number;
  /** Ready for the architecture file's pipeline spec (`engines/architecture.ts`). */
  readonly pipeline: { readonly lanes: number; readonly latencyNs: number; readonly initiationIntervalNs: number };
  /** Mean field operations per operation. */
  readonly fieldOps: FieldOpCounts;
  /** Mean point operations per operation. */
  readonly pointOps: PointOpCounts;
  /** Each point operation's makespan on this datapath (0 for kinds this algorithm never issues). */
  readonly makespanCycles: Record<PointOpKind, number>;
  readonly inversion: InversionMode;
  readonly resources: {
    readonly multipliers: number;
    readonly squarers: number;
    readonly adders: number;
    readonly inverters: number;
    /** generatorTableBytes + perKeyTableBytes: what one operation needs resident. */
    readonly tableBytes: number;
    readonly generatorTableBytes: number;
    readonly perKeyTableBytes: number;
  };
}

export function inversionModeOf(datapath: DatapathSpec): InversionMode {
  return datapath.inverter === undefined ? 'fermat' : 'unit';
}

type PlanRequest = Pick<CryptoTimingRequest, 'scheme' | 'algorithm' | 'datapath' | 'knownKey'>;

export function planOptionsOf(request: PlanRequest): PlanOptions {
  return {
    curve: curveModel(request.scheme),
    algorithm: request.algorithm,
    knownKey: request.knownKey ?? false,
    precomputedTables: request.datapath.tableMemory !== undefined,
  };
}

/** The scheme's point-op microprograms, with the inversion the datapath implies. */
export function programsFor(scheme: SchemeName, datapath: DatapathSpec): PointOpPrograms {
  return curveModel(scheme).microprograms(inversionModeOf(datapath));
}

/** Makespans of the point operations `counts` uses (others need units the datapath may lack). */
export function pointOpMakespans(
  programs: PointOpPrograms,
  datapath: DatapathSpec,
  counts: PointOpCounts,
): Record<PointOpKind, number> {
  const makespans = zeroPointOpCounts();
  for (const kind of POINT_OP_KINDS) {
    if (counts[kind] !== 0) makespans[kind] = listSchedule(programs[kind], datapath).makespanCycles;
  }
  return makespans;
}

/** Analytical cycles of one operation with these scalars: Σ count × makespan. */
export function analyticalCycles(scalars: CryptoScalars, request: PlanRequest): number {
  const counts = analyticalPointOpCounts(scalars, planOptionsOf(request));
  const makespans = pointOpMakespans(programsFor(request.scheme, request.datapath), request.datapath, counts);
  return POINT_OP_KINDS.reduce((sum, kind) => sum + counts[kind] * makespans[kind], 0);
}

export function deriveCryptoTiming(request: CryptoTimingRequest): CryptoTiming {
  const { datapath } = request;
  checkDatapath(datapath);
  checkAlgorithm(request.algorithm);
  const sampleCount = request.sample?.count ?? 64;
  if (!Number.isInteger(sampleCount) || sampleCount < 1) throw new RangeError('sample.count must be an integer ≥ 1');
  const options = planOptionsOf(request);
  const tables = tableBytesOf(request.op, options);
  const tableBytes = tables.generatorTableBytes + tables.perKeyTableBytes;
  if (tableBytes > (datapath.tableMemory?.bytes ?? 0))
    throw new RangeError(`${request.algorithm.name} needs ${tableBytes} bytes of table memory`);
  const sample = scalarSample(options.curve, request.op, sampleCount, request.sample?.seed ?? 1);
  const pointOps = zeroPointOpCounts();
  for (const scalars of sample) {
    const counts = analyticalPointOpCounts(scalars, options);
    for (const kind of POINT_OP_KINDS) pointOps[kind] += counts[kind] / sample.length;
  }
  const programs = programsFor(request.scheme, datapath);
  const makespanCycles = pointOpMakespans(programs, datapath, pointOps);
  const cyclesPerOp = POINT_OP_KINDS.reduce((sum, kind) => sum + pointOps[kind] * makespanCycles[kind], 0);
  const latencyNs = cyclesPerOp / datapath.clockGHz;
  const inversion = inversionModeOf(datapath);
  return {
    cyclesPerOp,
    latencyNs,
    initiationIntervalNs: latencyNs,
    opsPerSecPerEngine: 1e9 / latencyNs,
    pipeline: { lanes: 1, latencyNs, initiationIntervalNs: latencyNs },
    fieldOps: fieldOpCountsOf(pointOps, programs),
    pointOps,
    makespanCycles,
    inversion,
    resources: {
      multipliers: datapath.multipliers.count,
      squarers: datapath.squarers?.count ?? 0,
      adders: datapath.adders.count,
      inverters: datapath.inverter === undefined ? 0 : 1,
      tableBytes,
      ...tables,
    },
  };
}
