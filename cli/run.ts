/**
 * `bpusim run`: the product's main job — the same workload on the same seed through the same real
 * ledger, once on an architecture (the BPU) and once on a baseline (the CPU), with the paper's
 * Table 01 metrics side by side, written to a report and summarised on stdout.
 */
import { existsSync, readFileSync } from 'node:fs';
import { BUILTIN_CHAINCODE_NAMES } from '../ledger/index.js';
import { TraceError, TraceReader, TraceWriter, type TraceEvent } from '../workloads/trace.js';
import { join } from 'node:path';
import type { Command } from 'commander';
import { loadArchitecture, type Architecture } from '../engines/architecture.js';
import { packageRoot } from '../engines/config-file.js';
import { hasOrdererFaults, loadFaultFile } from '../engines/fault-file.js';
import type { IntegrityOptions } from './scenario/state-integrity.js';
import { loadTopology } from '../engines/topology.js';
import { msToPs, parseDurationPs, secondsToPs } from '../sim/index.js';
import { TimelineWriter } from '../reports/timeline.js';
import { Presets, SingleBar } from 'cli-progress';
import { WORKLOAD_NAMES, makeGenerator, type WorkloadName } from '../workloads/generators.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { writeFileAtomic } from './_output.js';
import { intFlag, numberFlag } from './_parse.js';
import { computeRatios, formatSummary, identityOf, REPORT_SCHEMA_VERSION, type RunReport } from './scenario/report.js';
import { seedStatistics } from '../reports/seed-statistics.js';
import { parsePeerSweep, sweepPeers } from './scenario/scalability.js';
import { meanOfferedTps, parseArrival } from '../workloads/arrivals.js';
import { runSystem, type CryptoModeFlag, type SystemRunOptions } from './scenario/system-model.js';

export interface RunFlags {
  arch: string;
  baseline: string;
  topology: string;
  workload: string;
  rate: number;
  duration: string;
  drain?: string;
  arrival: string;
  seed: number;
  crypto: string;
  keys: number;
  out?: string;
  json?: boolean;
  sweep?: string;
  targetTps?: number;
  endorsementScheme?: string;
  ordering?: string;
  faults?: string;
  seeds?: number;
  trace?: string;
  timeScale?: number;
  recordTrace?: string;
  timeline?: string;
  timelineWindow?: string;
  auditEvery?: number;
  auditBuckets?: number;
  joinPeerAt?: string;
  join?: string;
  growPeersEvery?: string;
}

export const RUN_DEFAULTS = {
  arch: 'bpu-2019',
  baseline: 'cpu-64core',
  topology: 'dc',
  workload: 'smallbank',
  rate: 100_000,
  duration: '2s',
  arrival: 'poisson',
  seed: 1,
  crypto: 'real',
  keys: 10_000,
} as const;

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('simulate a workload on an architecture and a baseline; write the report and print a summary')
    .option(
      '--arch <preset|file>',
      'architecture under test (preset: cpu-64core, bpu-2019, bpu-1m; or a YAML/JSON file)',
      RUN_DEFAULTS.arch,
    )
    .option('--baseline <preset|file|none>', "baseline architecture, or 'none'", RUN_DEFAULTS.baseline)
    .option(
      '--topology <preset|file>',
      'network topology (preset: dc, continental, hybrid; or a file)',
      RUN_DEFAULTS.topology,
    )
    .option('--workload <name>', `workload: ${WORKLOAD_NAMES.join(', ')}`, RUN_DEFAULTS.workload)
    .option(
      '--rate <tps>',
      'offered transactions per second',
      numberFlag('--rate', 0, 1e8, { exclusiveMin: true }),
      RUN_DEFAULTS.rate,
    )
    .option('--duration <time>', 'arrivals for this long (e.g. 2s, 500ms)', RUN_DEFAULTS.duration)
    .option(
      '--drain <time>',
      'longest time after the last arrival for in-flight txs (default: the duration, at least 1s)',
    )
    .option(
      '--arrival <process>',
      'arrival process: poisson, fixed, ramp:FROM:TO (TPS), bursty:ON:OFF:ONMS:OFFMS (MMPP), closed:N[:THINKMS] (N outstanding per client)',
      RUN_DEFAULTS.arrival,
    )
    .option('--seed <n>', 'root seed', intFlag('--seed', 0), RUN_DEFAULTS.seed)
    .option(
      '--seeds <n>',
      'run seeds seed … seed+n−1 and report each metric as mean ± 95 % CI',
      intFlag('--seeds', 1, 1000),
    )
    .option(
      '--crypto <mode>',
      'real (compute every signature) or modeled (charge their cost only)',
      RUN_DEFAULTS.crypto,
    )
    .option(
      '--ordering <solo|raft|pbft>',
      "ordering service: one orderer, or the topology's orderers running Raft or PBFT",
      'solo',
    )
    .option(
      '--faults <file>',
      'fault schedule (YAML/JSON): orderer crash, restart, partition, heal, network, slow, byzantine (raft/pbft); peer corrupt-write (with --audit-every)',
    )
    .option(
      '--audit-every <blocks>',
      'state-integrity audit: peers compare their state commitments after every N blocks',
      intFlag('--audit-every', 1, 1_000_000),
    )
    .option(
      '--audit-buckets <n>',
      'buckets of the state commitment (a power of two)',
      intFlag('--audit-buckets', 2, 1 << 20),
      1024,
    )
    .option('--join-peer-at <time>', 'a new peer joins the running network at this simulated time (e.g. 1s, 300ms)')
    .option(
      '--join <snapshot|replay>',
      'how the new peer catches up: a state snapshot plus later blocks, or every block from genesis',
      'snapshot',
    )
    .option(
      '--grow-peers-every <time>',
      'scalability in one run: a new peer joins (by snapshot) every interval while the target TPS (--target-tps, default --rate) holds; reports how many',
    )
    .option(
      '--endorsement-scheme <scheme>',
      'peer signatures: p256, ed25519, or bls (aggregated: one check whatever the endorsers)',
      'p256',
    )
    .option(
      '--keys <n>',
      'accounts / records in the workload key space',
      intFlag('--keys', 2, 10_000_000),
      RUN_DEFAULTS.keys,
    )
    .option(
      '--sweep <peers=list>',
      'scalability: run at --target-tps with each total peer count, e.g. peers=4,8,16,32,64',
    )
    .option(
      '--target-tps <tps>',
      'target rate the sweep must hold (default: --rate)',
      numberFlag('--target-tps', 0, 1e8, { exclusiveMin: true }),
    )
    .option(
      '--trace <file>',
      'replay this trace (bpusim-trace/1 JSON Lines) instead of --workload and --arrival, open loop, streamed',
    )
    .option(
      '--time-scale <x>',
      'trace time is divided by x (2 = twice as fast)',
      numberFlag('--time-scale', 0, 1e6, { exclusiveMin: true }),
    )
    .option('--record-trace <file>', 'write the transactions the architecture run offered as a trace')
    .option(
      '--timeline <file>',
      'write the architecture run as a Chrome trace-event timeline (open in Perfetto): nodes, engine lanes, operations',
    )
    .option(
      '--timeline-window <from:to>',
      'simulated time kept in the timeline, e.g. 100ms:110ms (default: 10 ms from mid-run)',
    )
    .option('--out <file>', 'write the JSON report here')
    .option('--json', 'print the JSON report instead of the summary')
    .action(
      action((flags: RunFlags) => {
        executeRun(flags);
      }),
    );
}

export function buildRunOptions(flags: RunFlags): {
  options: Omit<SystemRunOptions, 'arch'>;
  arch: Architecture;
  baseline: Architecture | null;
} {
  if (!(WORKLOAD_NAMES as readonly string[]).includes(flags.workload)) {
    throw new UsageError(`--workload: unknown workload '${flags.workload}'; allowed: ${WORKLOAD_NAMES.join(', ')}`);
  }
  if (flags.crypto !== 'real' && flags.crypto !== 'modeled')
    throw new UsageError(`--crypto: expected real or modeled, got '${flags.crypto}'`);
  const scheme = flags.endorsementScheme ?? 'p256';
  if (scheme !== 'p256' && scheme !== 'ed25519' && scheme !== 'bls')
    throw new UsageError(`--endorsement-scheme: expected p256, ed25519 or bls, got '${scheme}'`);
  const ordering = flags.ordering ?? 'solo';
  if (ordering !== 'solo' && ordering !== 'raft' && ordering !== 'pbft')
    throw new UsageError(`--ordering: expected solo, raft or pbft, got '${ordering}'`);
  const durationPs = parseDurationPs(flags.duration);
  if (durationPs === undefined || durationPs <= 0)
    throw new UsageError(`--duration: expected a positive time such as 2s or 500ms, got '${flags.duration}'`);
  const arrival = parseArrival(flags.arrival, flags.rate, durationPs / 1e12);
  if (typeof arrival === 'string')
    throw new UsageError(
      `--arrival: ${arrival}; allowed: poisson, fixed, ramp:FROM:TO, bursty:ON:OFF:ONMS:OFFMS, closed:N[:THINKMS]`,
    );
  const drainPs = flags.drain === undefined ? Math.max(durationPs, secondsToPs(1)) : parseDurationPs(flags.drain);
  if (drainPs === undefined)
    throw new UsageError(`--drain: expected a time such as 2s or 500ms, got '${flags.drain ?? ''}'`);
  if (flags.join !== undefined && flags.join !== 'snapshot' && flags.join !== 'replay')
    throw new UsageError(`--join: expected snapshot or replay, got '${flags.join}'`);
  const buckets = flags.auditBuckets ?? 1024;
  if ((buckets & (buckets - 1)) !== 0)
    throw new UsageError(`--audit-buckets: expected a power of two from 2 to 1048576, got ${buckets}`);
  let joinAtPs: number | undefined;
  if (flags.joinPeerAt !== undefined) {
    joinAtPs = parseDurationPs(flags.joinPeerAt);
    if (joinAtPs === undefined || joinAtPs <= 0 || joinAtPs >= durationPs)
      throw new UsageError(
        `--join-peer-at: expected a time within --duration (${flags.duration}) such as 300ms, got '${flags.joinPeerAt}'`,
      );
  }
  const arch = loadArchitecture(flags.arch);
  const baseline = flags.baseline === 'none' ? null : loadArchitecture(flags.baseline);
  const topology = loadTopology(flags.topology);
  const workload = makeGenerator(flags.workload as WorkloadName, { keys: flags.keys });
  const peerCount = topology.orgs.reduce((sum, org) => sum + org.peers, 0);
  const faults =
    flags.faults === undefined ? undefined : loadFaultFile(flags.faults, topology.orderers.count, peerCount);
  if (faults !== undefined && ordering === 'solo' && hasOrdererFaults(faults))
    throw new UsageError(`--faults: ${flags.faults} schedules orderer faults, which need --ordering raft or pbft`);
  const corruptWrites = (faults?.events ?? []).flatMap((event) =>
    event.kind === 'corrupt-write' ? [{ atMs: event.atMs, peer: event.peer }] : [],
  );
  if (corruptWrites.length > 0 && flags.auditEvery === undefined)
    throw new UsageError(`--faults: ${flags.faults} corrupts peer state; add --audit-every N so audits can find it`);
  let grow: IntegrityOptions['grow'];
  if (flags.growPeersEvery !== undefined) {
    const everyPs = parseDurationPs(flags.growPeersEvery);
    if (everyPs === undefined || everyPs <= 0 || everyPs * 2 > durationPs)
      throw new UsageError(
        `--grow-peers-every: expected an interval at most half of --duration (${flags.duration}) such as 100ms, got '${flags.growPeersEvery}'`,
      );
    grow = { everyPs, targetTps: flags.targetTps ?? flags.rate, untilPs: durationPs };
  }
  const integrity: IntegrityOptions | undefined =
    flags.auditEvery === undefined && joinAtPs === undefined && grow === undefined
      ? undefined
      : {
          ...(flags.auditEvery === undefined ? {} : { auditEveryBlocks: flags.auditEvery }),
          buckets,
          ...(joinAtPs === undefined
            ? {}
            : { joinAtPs, joinMode: (flags.join ?? 'snapshot') as 'snapshot' | 'replay' }),
          ...(corruptWrites.length === 0 ? {} : { corruptWrites }),
          ...(grow === undefined ? {} : { grow }),
        };
  if (flags.trace !== undefined && !existsSync(flags.trace))
    throw new UsageError(`--trace: ${flags.trace}: no such file`);
  if (flags.timeScale !== undefined && flags.trace === undefined) throw new UsageError('--time-scale: needs --trace');
  return {
    arch,
    baseline,
    options: {
      topology,
      workload,
      ratePerSec: arrival.kind === 'fixed' || arrival.kind === 'poisson' ? flags.rate : meanOfferedTps(arrival),
      arrival,
      durationPs,
      drainPs,
      seed: flags.seed,
      crypto: flags.crypto as CryptoModeFlag,
      endorsementScheme: scheme,
      ordering,
      ...(faults === undefined ? {} : { faults }),
      ...(integrity === undefined ? {} : { integrity }),
      keys: flags.keys,
      ...(flags.timeScale === undefined ? {} : { timeScale: flags.timeScale }),
      ...(flags.trace === undefined ? {} : { traceName: flags.trace }),
    },
  };
}

export function executeRun(flags: RunFlags): RunReport {
  const report = buildReport(flags);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (flags.out !== undefined) writeFileAtomic(flags.out, json);
  if (flags.json === true) process.stdout.write(json);
  else process.stdout.write(formatSummary(report) + (flags.out !== undefined ? `report: ${flags.out}\n` : ''));
  return report;
}

/** Runs the scenario and returns its report (nothing printed or written). `archOverride` replaces --arch. */
export function buildReport(flags: RunFlags, archOverride?: Architecture): RunReport {
  const built = buildRunOptions(flags);
  const { options, baseline } = built;
  const arch = archOverride ?? built.arch;
  const version = packageVersion();
  const wallSeconds: Record<string, number> = {};
  const simulatedTxPerWallSecond: Record<string, number> = {};
  // A progress bar on stderr for runs a person watches: only on a TTY, so CI logs stay quiet.
  const progress =
    process.stderr.isTTY === true && flags.json !== true
      ? new SingleBar(
          {
            format: '{role} [{bar}] {percentage}% of the arrival period',
            hideCursor: true,
            clearOnComplete: true,
            stream: process.stderr,
          },
          Presets.shades_classic,
        )
      : null;
  const timed = (role: string, which: Architecture) => {
    progress?.start(100, 0, { role: `${role} ${which.name}` });
    const startNs = process.hrtime.bigint(); // host-time-ok
    // Each run reads the trace afresh (streamed: constant memory); only the arch run records.
    const trace = flags.trace === undefined ? undefined : traceSource(flags.trace);
    const timeline =
      role === 'arch' && flags.timeline !== undefined
        ? new TimelineWriter(flags.timeline, ...timelineWindow(flags, options.durationPs))
        : undefined;
    const recorder =
      role === 'arch' && flags.recordTrace !== undefined
        ? new TraceWriter(flags.recordTrace, `bpusim run (${which.name}, seed ${options.seed})`)
        : undefined;
    let result;
    try {
      result = runSystem({
        ...options,
        arch: which,
        ...(trace === undefined ? {} : { trace }),
        ...(recorder === undefined ? {} : { recordTrace: (event: TraceEvent) => recorder.write(event) }),
        ...(timeline === undefined
          ? {}
          : {
              timeline: (node: string, track: string, startPs: number, endPs: number, name: string) =>
                timeline.slice(node, track, startPs, endPs, name),
            }),
        ...(progress === null ? {} : { onProgress: (fraction: number) => progress.update(Math.round(fraction * 100)) }),
      });
      progress?.stop();
      recorder?.finish();
      timeline?.finish();
    } catch (error) {
      recorder?.abort();
      timeline?.abort();
      throw error;
    }
    const seconds = Number(process.hrtime.bigint() - startNs) / 1e9; // host-time-ok
    wallSeconds[role] = Number(seconds.toFixed(3));
    simulatedTxPerWallSecond[role] = Math.round(result.committedTxs / seconds);
    return result;
  };
  const peerCounts = flags.sweep === undefined ? undefined : parsePeerSweep(flags.sweep);
  if (flags.sweep !== undefined && peerCounts === undefined)
    throw new UsageError(`--sweep: expected peers=<n>,<n>,... (1 to 1024 each), got '${flags.sweep}'`);
  const archResult = timed('arch', arch);
  const baselineResult = baseline === null ? null : timed('baseline', baseline);
  const seedCount = flags.seeds ?? 1;
  let seedStats: RunReport['seedStatistics'];
  if (seedCount > 1) {
    const seeds = Array.from({ length: seedCount }, (_, i) => options.seed + i);
    const rest = seeds.slice(1);
    const archRuns = [archResult, ...rest.map((seed) => runSystem({ ...options, seed, arch }))];
    const baselineRuns =
      baseline === null || baselineResult === null
        ? null
        : [baselineResult, ...rest.map((seed) => runSystem({ ...options, seed, arch: baseline }))];
    seedStats = {
      arch: seedStatistics(seeds, archRuns),
      baseline: baselineRuns === null ? null : seedStatistics(seeds, baselineRuns),
    };
  }
  const targetTps = flags.targetTps ?? flags.rate;
  const scalability =
    peerCounts === undefined
      ? null
      : {
          arch: sweepPeers(options, arch, peerCounts, targetTps),
          baseline: baseline === null ? null : sweepPeers(options, baseline, peerCounts, targetTps),
        };
  const report: RunReport = {
    schemaVersion: REPORT_SCHEMA_VERSION,
    identity: identityOf(version, options, arch, baseline),
    config: {
      architecture: arch,
      baseline,
      topology: options.topology,
      drainSeconds: options.drainPs / 1e12,
      run: scenarioFlags(flags, options.faults),
    },
    results: { arch: archResult, baseline: baselineResult },
    ratios: baselineResult === null ? null : computeRatios(archResult, baselineResult),
    ...(scalability === null ? {} : { scalability }),
    ...(seedStats === undefined ? {} : { seedStatistics: seedStats }),
    host: {
      wallSeconds,
      simulatedTxPerWallSecond,
      rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
      node: process.versions.node,
    },
  };
  return report;
}

/**
 * The scenario flags a report needs to be re-run exactly (`bpusim rerun`): everything except the
 * architecture, baseline and topology (saved whole beside them) and the output options.
 */
function scenarioFlags(flags: RunFlags, faults: unknown): RerunScenario {
  return {
    workload: flags.workload,
    rate: flags.rate,
    duration: flags.duration,
    ...(flags.drain === undefined ? {} : { drain: flags.drain }),
    arrival: flags.arrival,
    seed: flags.seed,
    crypto: flags.crypto,
    keys: flags.keys,
    ordering: flags.ordering ?? 'solo',
    endorsementScheme: flags.endorsementScheme ?? 'p256',
    ...(flags.seeds === undefined ? {} : { seeds: flags.seeds }),
    ...(flags.sweep === undefined ? {} : { sweep: flags.sweep }),
    ...(flags.targetTps === undefined ? {} : { targetTps: flags.targetTps }),
    ...(faults === undefined ? {} : { faults }),
    ...(flags.trace === undefined ? {} : { trace: flags.trace }),
    ...(flags.timeScale === undefined ? {} : { timeScale: flags.timeScale }),
    ...(flags.auditEvery === undefined
      ? {}
      : { auditEvery: flags.auditEvery, auditBuckets: flags.auditBuckets ?? 1024 }),
    ...(flags.joinPeerAt === undefined ? {} : { joinPeerAt: flags.joinPeerAt, join: flags.join ?? 'snapshot' }),
    ...(flags.growPeersEvery === undefined ? {} : { growPeersEvery: flags.growPeersEvery }),
  };
}

/** RunFlags minus the architecture, baseline, topology and output options, with the fault file's content. */
export type RerunScenario = Pick<
  RunFlags,
  | 'workload'
  | 'rate'
  | 'duration'
  | 'drain'
  | 'arrival'
  | 'seed'
  | 'crypto'
  | 'keys'
  | 'ordering'
  | 'endorsementScheme'
  | 'seeds'
  | 'sweep'
  | 'targetTps'
  | 'trace'
  | 'timeScale'
  | 'auditEvery'
  | 'auditBuckets'
  | 'joinPeerAt'
  | 'join'
  | 'growPeersEvery'
> & {
  faults?: unknown;
};

/** The timeline's window in ps: `--timeline-window from:to`, or 10 ms (at most a tenth of the run) from mid-run. */
function timelineWindow(flags: RunFlags, durationPs: number): [number, number] {
  if (flags.timelineWindow === undefined) {
    const fromPs = Math.round(durationPs / 2);
    return [fromPs, fromPs + Math.min(msToPs(10), Math.round(durationPs / 10))];
  }
  const [from, to] = flags.timelineWindow.split(':');
  const fromPs = parseDurationPs(from ?? '');
  const toPs = parseDurationPs(to ?? '');
  if (fromPs === undefined || toPs === undefined || toPs <= fromPs)
    throw new UsageError(
      `--timeline-window: expected FROM:TO such as 100ms:110ms with TO after FROM, got '${flags.timelineWindow}'`,
    );
  return [fromPs, toPs];
}

/** A trace reader that also refuses contracts the ledger does not have, naming the line. */
function traceSource(file: string) {
  const reader = new TraceReader(file);
  return {
    next() {
      const event = reader.next();
      if (event !== null && !(BUILTIN_CHAINCODE_NAMES as readonly string[]).includes(event.contract)) {
        throw new TraceError(
          file,
          reader.currentLine,
          `field 'contract': '${event.contract}' is not a built-in contract; allowed: ${BUILTIN_CHAINCODE_NAMES.join(', ')}`,
        );
      }
      return event;
    },
  };
}

function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}
