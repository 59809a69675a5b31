/**
 * The run report: the run's identity and fully resolved configuration (so any report can be re-run
 * exactly), one result object per architecture under stable role keys (`arch`, `baseline`), their
 * ratios, and — only under `host` — wall-clock figures of the machine that ran it. Everything
 * outside `host` is byte-identical for the same inputs and seed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Architecture } from '../engines/architecture.js';
import { packageRoot } from '../engines/config-file.js';
import { sixFigures } from '../reports/figures.js';
import { REPORT_SCHEMA_VERSION, type ArchResult, type RunIdentity, type RunReport } from '../reports/run-report.js';
import { seedStatistics } from '../reports/seed-statistics.js';
import { GenesisImages } from '../ledger/index.js';
import { ConfigError } from '../sim/errors.js';
import { TraceReader } from '../workloads/trace.js';
import type { SystemRunOptions } from './run-options.js';
import { runSystem } from './run-system.js';
import { parsePeerSweep, sweepPeers } from './scalability.js';
import { resolveScenario, type Scenario, type SharedRunOptions } from './scenario.js';

export { REPORT_SCHEMA_VERSION };
export type { RunIdentity, RunReport };

export type Role = 'arch' | 'baseline';

/** What a caller attaches to one run (a progress bar, a timeline, a trace recorder): no effect on results. */
export interface RunInstruments {
  extras: Partial<Pick<SystemRunOptions, 'onProgress' | 'timeline' | 'recordTrace'>>;
  /** Called after the run completes. */
  finish(): void;
  /** Called when the run throws (remove what was half-written). */
  abort(): void;
}

export interface ReportOptions {
  /** Replaces the scenario's architecture (sizing and sweeps pass a modified one). */
  archOverride?: Architecture;
  /** Called before the arch and the baseline run; the scenario's extra seeds and sweeps run bare. */
  instrument?: (role: Role, arch: Architecture, options: SharedRunOptions) => RunInstruments;
}

/**
 * Runs a scenario — the architecture, then the baseline, on the same workload and seed; then any
 * extra seeds and peer sweeps it asks for — and returns its report. Nothing is printed or written.
 */
export function buildRunReport(scenario: Scenario, reportOptions: ReportOptions = {}): RunReport {
  const resolved = resolveScenario(scenario);
  const { baseline } = resolved;
  // The baseline and any extra seed's runs build the same channel again: they start from its
  // genesis kept by the first (same results; a single run keeps none, so it pays no memory for it).
  const options: SharedRunOptions =
    baseline !== null || (scenario.seeds ?? 1) > 1
      ? { ...resolved.options, genesisImages: new GenesisImages(2) }
      : resolved.options;
  const arch = reportOptions.archOverride ?? resolved.arch;
  const peerCounts = scenario.sweep === undefined ? undefined : parsePeerSweep(scenario.sweep);
  if (scenario.sweep !== undefined && peerCounts === undefined)
    throw new ConfigError('--sweep', '', `expected peers=<n>,<n>,... (1 to 1024 each), got '${scenario.sweep}'`);
  const host = { wallSeconds: {} as Record<string, number>, simulatedTxPerWallSecond: {} as Record<string, number> };
  const timed = (role: Role, which: Architecture): ArchResult => {
    const startNs = process.hrtime.bigint(); // host-time-ok
    const result = instrumentedRun(scenario, options, role, which, reportOptions);
    const seconds = Number(process.hrtime.bigint() - startNs) / 1e9; // host-time-ok
    host.wallSeconds[role] = Number(seconds.toFixed(3));
    host.simulatedTxPerWallSecond[role] = Math.round(result.committedTxs / seconds);
    return result;
  };
  const archResult = timed('arch', arch);
  const baselineResult = baseline === null ? null : timed('baseline', baseline);
  const seedStats = seedRuns(
    scenario,
    options,
    [arch, archResult],
    baseline === null || baselineResult === null ? null : [baseline, baselineResult],
  );
  const targetTps = scenario.targetTps ?? scenario.rate;
  // An open arrival process carries its rate: the sweep's runs arrive at the target, not at --rate.
  const sweepOptions =
    targetTps === scenario.rate ? options : resolveScenario({ ...scenario, rate: targetTps }).options;
  const scalability =
    peerCounts === undefined
      ? null
      : {
          arch: sweepPeers(sweepOptions, arch, peerCounts, targetTps),
          baseline: baseline === null ? null : sweepPeers(sweepOptions, baseline, peerCounts, targetTps),
        };
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    identity: identityOf(packageVersion(), options, arch, baseline),
    config: {
      architecture: arch,
      baseline,
      topology: options.topology,
      drainSeconds: options.drainPs / 1e12,
      run: rerunScenario(scenario, options.faults),
    },
    results: { arch: archResult, baseline: baselineResult },
    ratios: baselineResult === null ? null : computeRatios(archResult, baselineResult),
    ...(scalability === null ? {} : { scalability }),
    ...(seedStats === undefined ? {} : { seedStatistics: seedStats }),
    host: {
      ...host,
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      node: process.versions.node,
    },
  };
}

/** One run with the caller's instruments; each run reads the trace afresh (streamed: constant memory). */
function instrumentedRun(
  scenario: Scenario,
  options: SharedRunOptions,
  role: Role,
  arch: Architecture,
  reportOptions: ReportOptions,
): ArchResult {
  // The reader checks every line, the contract and its call included, naming the line.
  const trace = scenario.trace === undefined ? undefined : new TraceReader(scenario.trace);
  const instruments = reportOptions.instrument?.(role, arch, options);
  try {
    const result = runSystem({ ...options, arch, ...(trace === undefined ? {} : { trace }), ...instruments?.extras });
    instruments?.finish();
    return result;
  } catch (error) {
    instruments?.abort();
    throw error;
  }
}

/** With `seeds` > 1: the runs of seeds seed+1 … and every Table 01 metric's mean and 95 % interval. */
function seedRuns(
  scenario: Scenario,
  options: SharedRunOptions,
  arch: [Architecture, ArchResult],
  baseline: [Architecture, ArchResult] | null,
): RunReport['seedStatistics'] {
  const seedCount = scenario.seeds ?? 1;
  if (seedCount <= 1) return undefined;
  const seeds = Array.from({ length: seedCount }, (_, i) => options.seed + i);
  const rest = seeds.slice(1);
  const runs = ([which, first]: [Architecture, ArchResult]): ArchResult[] => [
    first,
    ...rest.map((seed) => runSystem({ ...options, seed, arch: which })),
  ];
  const archRuns = runs(arch);
  const baselineRuns = baseline === null ? null : runs(baseline);
  return {
    arch: seedStatistics(seeds, archRuns),
    baseline: baselineRuns === null ? null : seedStatistics(seeds, baselineRuns),
  };
}

/**
 * The scenario a report needs to be re-run exactly (`bpusim rerun`): everything except the
 * architecture, baseline and topology (saved whole beside them), with the fault file's content.
 */
export type RerunScenario = Omit<Scenario, 'arch' | 'baseline' | 'topology' | 'faults'> & { faults?: unknown };

function rerunScenario(scenario: Scenario, faults: unknown): RerunScenario {
  return {
    workload: scenario.workload,
    rate: scenario.rate,
    duration: scenario.duration,
    ...(scenario.drain === undefined ? {} : { drain: scenario.drain }),
    arrival: scenario.arrival,
    seed: scenario.seed,
    crypto: scenario.crypto,
    keys: scenario.keys,
    ordering: scenario.ordering ?? 'solo',
    endorsementScheme: scenario.endorsementScheme ?? 'p256',
    ...(scenario.seeds === undefined ? {} : { seeds: scenario.seeds }),
    ...(scenario.sweep === undefined ? {} : { sweep: scenario.sweep }),
    ...(scenario.targetTps === undefined ? {} : { targetTps: scenario.targetTps }),
    ...(faults === undefined ? {} : { faults }),
    ...(scenario.trace === undefined ? {} : { trace: scenario.trace }),
    ...(scenario.timeScale === undefined ? {} : { timeScale: scenario.timeScale }),
    ...(scenario.auditEvery === undefined
      ? {}
      : { auditEvery: scenario.auditEvery, auditBuckets: scenario.auditBuckets ?? 1024 }),
    ...(scenario.joinPeerAt === undefined
      ? {}
      : { joinPeerAt: scenario.joinPeerAt, join: scenario.join ?? 'snapshot' }),
    ...(scenario.growPeersEvery === undefined ? {} : { growPeersEvery: scenario.growPeersEvery }),
  };
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** arch ÷ baseline for the figures an architect compares (> 1 on throughput means the arch is faster). */
export function computeRatios(arch: ArchResult, baseline: ArchResult): Record<string, number> {
  // A zero baseline gives 0 (sixFigures maps the non-finite quotient to 0).
  const ratio = (a: number, b: number): number => (b === 0 ? 0 : sixFigures(a / b));
  return {
    committedTps: ratio(arch.committedTps, baseline.committedTps),
    contractExecutionsPerSec: ratio(arch.contractExecutionsPerSec, baseline.contractExecutionsPerSec),
    latencyP50: ratio(arch.latencyMs.p50, baseline.latencyMs.p50),
    latencyP99: ratio(arch.latencyMs.p99, baseline.latencyMs.p99),
  };
}

export function identityOf(
  version: string,
  options: Omit<SystemRunOptions, 'arch'>,
  arch: Architecture,
  baseline: Architecture | null,
): RunIdentity {
  return {
    version,
    seed: options.seed,
    workload: options.traceName === undefined ? options.workload.name : `trace ${options.traceName}`,
    topology: options.topology.name,
    architecture: arch.name,
    baseline: baseline?.name ?? null,
    cryptoMode: options.crypto,
    offeredTps: options.ratePerSec,
    arrival:
      options.traceName === undefined
        ? describeArrival(options.arrival)
        : `trace times${options.timeScale === undefined ? '' : ` ÷ ${options.timeScale}`}`,
    durationSeconds: options.durationPs / 1e12,
  };
}

function describeArrival(arrival: SystemRunOptions['arrival']): string {
  switch (arrival.kind) {
    case 'fixed':
    case 'poisson':
      return arrival.kind;
    case 'ramp':
      return `ramp ${arrival.fromTps}→${arrival.toTps} TPS`;
    case 'bursty':
      return `bursty on ${arrival.onTps} / off ${arrival.offTps} TPS, ${arrival.meanOnMs}/${arrival.meanOffMs} ms`;
    case 'closed':
      return `closed loop, ${arrival.outstanding} outstanding per client, think ${arrival.thinkMs} ms`;
  }
}
