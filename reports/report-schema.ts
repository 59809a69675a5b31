/**
 * The run report's schema: a zod schema that mirrors `run-report.ts` field for field, the JSON
 * Schema generated from it (shipped as `reports/schema/bpusim-report-1.schema.json`), and
 * `validateReport`, which turns any JSON value into a `RunReport` or one message naming the file
 * and the field.
 *
 * Objects are open (extra keys allowed) so a report from a newer bpusim that only *adds* fields
 * still validates under the same schema version; removing or retyping a field needs a new
 * version (`bpusim-report/2`) and a new schema file beside this one.
 */
import { z } from 'zod';
import { REPORT_SCHEMA_VERSION, type RunReport } from './run-report.js';
import { ReportInputError } from './_errors.js';

const finite = z.number();
const count = z.number().int().min(0);

const phaseSummary = z.looseObject({ meanMs: finite, p99Ms: finite }).meta({ id: 'PhaseSummary' });

const engineStats = z
  .looseObject({
    node: z.string(),
    engine: z.string(),
    lanes: count,
    utilisation: finite,
    runUtilisation: finite.optional(),
    meanQueueLength: finite,
    opsPerSec: finite,
    ops: count,
  })
  .meta({ id: 'EngineStats' });

export const archResultSchema = z
  .looseObject({
    architecture: z.string(),
    offeredTps: finite,
    submittedTxs: count,
    committedTxs: count,
    committedTps: finite,
    workloadInvalidTps: finite.optional(),
    contractExecutions: count,
    contractExecutionsPerSec: finite,
    distinctContracts: count,
    parallelContractExecutionsPerSec: finite,
    rejectedAtEndorsement: count,
    unfinishedTxs: count,
    overload: z
      .looseObject({
        concurrencyLimit: count,
        peakAdmitted: count,
        rejectedAtAdmission: count,
        clientTimeoutMs: finite,
        timedOut: count,
        committedAfterTimeout: count,
        retries: count,
      })
      .exactOptional(),
    latencyMs: z.looseObject({ p50: finite, p95: finite, p99: finite, max: finite, mean: finite }),
    steadyLatencyMs: z.looseObject({ p50: finite, p99: finite, count: finite }).exactOptional(),
    phasesMs: z.looseObject({
      endorse: phaseSummary,
      order: phaseSummary,
      validate: phaseSummary,
      commit: phaseSummary,
      network: phaseSummary,
    }),
    blocks: count,
    meanBlockTxs: finite,
    engines: z.array(engineStats),
    bottleneck: z.looseObject({ node: z.string(), engine: z.string(), utilisation: finite }),
    validationCodes: z.record(z.string(), count),
    blockHash: z.string(),
    stateHash: z.string(),
    peersAgree: z.boolean(),
    simulatedSeconds: finite,
    nodeCostUsd: finite,
    nodePowerW: finite,
    // Utilisation per window is a ratio of busy lane-time to window time; values a hair below 0 or
    // above 1 occur where a job straddles a window edge, so the schema does not clamp them.
    timeSeries: z.looseObject({
      windowMs: finite.positive(),
      committedPerSec: z.array(finite),
      utilisation: z.record(z.string(), z.array(finite)),
    }),
    latencyCdf: z.array(z.looseObject({ q: finite.min(0).max(1), ms: finite })),
    fees: z.looseObject({ mdm: finite, usd: finite, mdmPerTx: finite, usdPerMdm: finite }).exactOptional(),
    integrity: z
      .looseObject({
        audit: z
          .looseObject({
            everyBlocks: count,
            buckets: count,
            audits: count,
            meanAuditLatencyMs: finite,
            workPerAudit: z.looseObject({ hashBytes: finite, messageBytes: finite, rangeRows: finite }),
            divergences: z.array(
              z.looseObject({
                blockNum: count,
                lastSeenBlockNum: count,
                audits: count,
                detectedAtMs: finite,
                suspects: z.array(z.string()),
                divergentBuckets: z.array(count),
                keys: z.array(z.string()),
                minKey: z.string().nullable(),
                maxKey: z.string().nullable(),
                narrowedAtMs: finite.nullable(),
              }),
            ),
            injected: z.array(z.looseObject({ peer: z.string(), blockNum: count, key: z.string() })),
            detected: count,
          })
          .exactOptional(),
        growth: z
          .looseObject({
            everyMs: finite,
            targetTps: finite,
            steps: z.array(z.looseObject({ peers: count, committedTps: finite, holds: z.boolean() })),
            peersHeld: count,
            addedPeers: count,
            joinTimesMs: z.array(finite.nullable()),
          })
          .exactOptional(),
        join: z
          .looseObject({
            mode: z.enum(['snapshot', 'replay']),
            path: z.enum(['snapshot', 'replay']),
            atMs: finite,
            refusal: z.string().nullable(),
            snapshotBlockNum: count.nullable(),
            snapshotBytes: finite,
            blocksReplayed: count,
            bytesTransferred: finite,
            joinTimeMs: finite.nullable(),
            stateMatches: z.boolean(),
          })
          .exactOptional(),
      })
      .exactOptional(),
  })
  .meta({ id: 'ArchResult' });

const scalability = z
  .looseObject({
    targetTps: finite,
    holdFraction: finite,
    points: z.array(z.looseObject({ peers: count, committedTps: finite, holds: z.boolean(), bottleneck: z.string() })),
    maxPeersHolding: count,
  })
  .meta({ id: 'Scalability' });

const seedMetric = z.looseObject({ mean: finite, ci95: finite.min(0), values: z.array(finite) });
const seedStatistics = z
  .looseObject({ seeds: z.array(z.number().int()), metrics: z.record(z.string(), seedMetric) })
  .meta({ id: 'SeedStatistics' });

export const runReportSchema = z.looseObject({
  schemaVersion: z.literal(REPORT_SCHEMA_VERSION),
  identity: z.looseObject({
    version: z.string(),
    seed: z.number().int(),
    workload: z.string(),
    topology: z.string(),
    architecture: z.string(),
    baseline: z.string().nullable(),
    cryptoMode: z.enum(['real', 'modeled']),
    offeredTps: finite,
    arrival: z.string(),
    durationSeconds: finite,
  }),
  config: z.looseObject({
    architecture: z.unknown(),
    baseline: z.unknown(),
    topology: z.unknown(),
    drainSeconds: finite,
  }),
  results: z.looseObject({ arch: archResultSchema, baseline: archResultSchema.nullable() }),
  ratios: z.record(z.string(), finite).nullable(),
  seedStatistics: z.looseObject({ arch: seedStatistics, baseline: seedStatistics.nullable() }).exactOptional(),
  scalability: z.looseObject({ arch: scalability, baseline: scalability.nullable() }).exactOptional(),
  host: z.looseObject({
    wallSeconds: z.record(z.string(), finite),
    simulatedTxPerWallSecond: z.record(z.string(), finite),
    rssMiB: finite,
    peakRssMiB: finite.exactOptional(),
    node: z.string(),
  }),
});

// Compile-time check that the schema and the data types agree both ways: whatever the schema
// accepts is a RunReport, and every RunReport the simulator writes passes the schema's shape.
type Parsed = z.output<typeof runReportSchema>;
const _parsedIsReport = (x: Parsed): RunReport => x;
const _reportIsParsed = (x: Omit<RunReport, 'schemaVersion'>): Omit<z.input<typeof runReportSchema>, 'schemaVersion'> =>
  x;
void _parsedIsReport;
void _reportIsParsed;

/** Where the schema for this version lives in the package (relative to the package root). */
export const REPORT_SCHEMA_FILE = 'reports/schema/bpusim-report-1.schema.json';

/** The JSON Schema (draft 2020-12) generated from the zod schema; the shipped file is this, pretty-printed. */
export function reportJsonSchema(): Record<string, unknown> {
  const generated = z.toJSONSchema(runReportSchema, { target: 'draft-2020-12', io: 'input' }) as Record<
    string,
    unknown
  >;
  const { $schema, ...rest } = generated;
  return {
    $schema,
    $id: 'https://github.com/bpusim/bpusim/reports/schema/bpusim-report-1.schema.json',
    title: `bpusim run report (${REPORT_SCHEMA_VERSION})`,
    description:
      'What `bpusim run --out` writes. Everything outside `host` is byte-identical for the same inputs and seed. Objects are open: newer reports of the same version may add fields.',
    ...rest,
  };
}

/** `a.b[3].c` for an issue path; `(top level)` for the root. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(top level)' : out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'object') return 'an object';
  return String(value);
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let node = root;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<PropertyKey, unknown>)[key];
  }
  return node;
}

/**
 * Checks a parsed JSON value against the report schema. Returns it typed, or throws a
 * `ReportInputError` (exit 2 in the CLI) with one line: `<file>: <field>: <what was expected>, got <what came>`.
 */
export function validateReport(json: unknown, file: string): RunReport {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) {
    throw new ReportInputError(`${file}: not a bpusim report: expected a JSON object, got ${describe(json)}`);
  }
  const version = (json as { schemaVersion?: unknown }).schemaVersion;
  if (version !== REPORT_SCHEMA_VERSION) {
    const got = version === undefined ? 'no schemaVersion' : describe(version);
    throw new ReportInputError(`${file}: schemaVersion: expected '${REPORT_SCHEMA_VERSION}', got ${got}`);
  }
  const parsed = runReportSchema.safeParse(json);
  if (parsed.success) return parsed.data as RunReport;
  const issue = parsed.error.issues[0];
  if (issue === undefined) throw new ReportInputError(`${file}: not a valid bpusim report`);
  const field = formatPath(issue.path);
  const got = valueAt(json, issue.path);
  const message =
    issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.message.replace(/^Invalid input: /, '');
  throw new ReportInputError(
    `${file}: ${field}: ${message}, got ${got === undefined ? 'nothing (missing)' : describe(got)}`,
  );
}

/** JSON.parse with the file named in the error. */
export function parseJsonFile(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ReportInputError(`${file}: not JSON: ${(error as Error).message}`);
  }
}

export function parseReportText(text: string, file: string): RunReport {
  return validateReport(parseJsonFile(text, file), file);
}
