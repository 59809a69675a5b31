/**
 * `bpusim run`: the product's main job — the same workload on the same seed through the same real
 * ledger, once on an architecture (the BPU) and once on a baseline (the CPU), with the paper's
 * Table 01 metrics side by side, written to a report and summarised on stdout. The run itself is
 * system/'s (`buildRunReport`); this file parses flags, attaches the progress bar, timeline and
 * trace recorder the flags ask for, prints and writes.
 */
import { totalmem } from 'node:os';
import type { Command } from 'commander';
import { ARCH_PRESETS, type Architecture } from '../engines/architecture.js';
import { TimelineWriter } from '../reports/timeline.js';
import { formatSummary } from '../reports/summary.js';
import { ConfigError } from '../sim/errors.js';
import { msToPs, parseDurationPs } from '../sim/index.js';
import {
  estimatePeakBytes,
  buildRunReport,
  type RunInstruments,
  type RunReport,
  type Role,
  SCENARIO_DEFAULTS,
  type Scenario,
  type SharedRunOptions,
} from '../system/index.js';
import { type TraceEvent, TraceWriter, traceExtent } from '../workloads/trace.js';
import { WORKLOAD_NAMES } from '../workloads/generators.js';

import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { checkOutputPath, writeFileAtomic } from './_output.js';
import { intFlag, numberFlag } from './_parse.js';
import { runProgress } from './_progress.js';

/** The run's flags: a scenario plus where its outputs go. */
export interface RunFlags extends Scenario {
  out?: string;
  json?: boolean;
  recordTrace?: string;
  timeline?: string;
  timelineWindow?: string;
}

export const RUN_DEFAULTS = SCENARIO_DEFAULTS;

export function registerRun(program: Command): void {
  program
    .command('run')
    .description('simulate a workload on an architecture and a baseline; write the report and print a summary')
    .option(
      '--arch <preset|file>',
      `architecture under test (preset: ${ARCH_PRESETS.join(', ')}; or a YAML/JSON file)`,
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
      action((flags: RunFlags, command: Command) => {
        executeRun(withTraceDuration(flags, command.getOptionValueSource('duration') === 'default'));
      }),
    );
}

/**
 * A replayed trace sets the arrival period unless --duration is given: the default (2 s) would
 * cut a longer trace short or, for a shorter one, measure an empty window (committed TPS 0).
 * The period ends just after the last transaction (trace time over --time-scale).
 */
function withTraceDuration(flags: RunFlags, durationIsDefault: boolean): RunFlags {
  if (flags.trace === undefined) return flags;
  const extent = traceExtent(flags.trace);
  // A run of no transactions would report zeros as if they were measured.
  if (extent.events === 0) throw new ConfigError(flags.trace, '', 'holds no transactions; a replay needs at least one');
  if (!durationIsDefault) return flags;
  const spanMs = (extent.lastS / (flags.timeScale ?? 1)) * 1000;
  return { ...flags, duration: `${Math.max(1, Math.ceil(spanMs + 1))}ms` };
}

/** Every output the flags name, checked before the run (a run must not end by failing to write). */
export function checkRunOutputs(flags: RunFlags): void {
  const inputs = [flags.arch, flags.baseline, flags.topology, flags.faults, flags.trace];
  const outputs: [string, string | undefined][] = [
    ['--out', flags.out],
    ['--timeline', flags.timeline],
    ['--record-trace', flags.recordTrace],
  ];
  for (const [flag, path] of outputs) if (path !== undefined) checkOutputPath(flag, path, inputs);
}

export function executeRun(flags: RunFlags): RunReport {
  checkRunOutputs(flags);
  checkRunSize(flags);
  const report = buildReport(flags);
  const json = `${JSON.stringify(report, null, 2)}\n`;
  if (flags.out !== undefined) writeFileAtomic(flags.out, json);
  if (flags.json === true) process.stdout.write(json);
  else {
    process.stdout.write(formatSummary(report) + (flags.out !== undefined ? `report: ${flags.out}\n` : ''));
    // Host figures differ from run to run: on stderr, apart from the summary (which a CI diffs).
    process.stderr.write(hostLine(report));
  }
  return report;
}

/**
 * Refuses (exit 2) a run whose estimated peak memory exceeds 90 % of this host's, and states the
 * estimate on stderr when it is above 1 GiB, before the run starts.
 */
function checkRunSize(flags: RunFlags): void {
  const durationPs = parseDurationPs(flags.duration) ?? 0;
  const offeredTxs = flags.trace === undefined ? flags.rate * (durationPs / 1e12) : 0;
  const peakBytes = estimatePeakBytes({ keys: flags.keys, offeredTxs });
  const gib = (bytes: number) => (bytes / 2 ** 30).toFixed(1);
  const what = `--keys ${flags.keys.toLocaleString('en-US')} and ${Math.round(offeredTxs).toLocaleString('en-US')} offered transactions`;
  if (peakBytes > 0.9 * totalmem())
    throw new UsageError(
      `${what}: estimated peak memory ≈ ${gib(peakBytes)} GiB, more than this host's ${gib(totalmem())} GiB allows; lower --keys or --rate × --duration`,
    );
  if (peakBytes > 2 ** 30) process.stderr.write(`bpusim: ${what}: estimated peak memory ≈ ${gib(peakBytes)} GiB\n`);
}

/** "host: 12.3 s wall for bpu-2019 (4,100 committed tx per wall-second), …, peak RSS 512 MiB". */
function hostLine(report: RunReport): string {
  const { host, identity } = report;
  const names: Record<string, string | null> = { arch: identity.architecture, baseline: identity.baseline };
  const roles = Object.keys(host.wallSeconds).map(
    (role) =>
      `${(host.wallSeconds[role] ?? 0).toFixed(1)} s wall for ${names[role] ?? role} (${(host.simulatedTxPerWallSecond[role] ?? 0).toLocaleString('en-US')} committed tx per wall-second)`,
  );
  const peak = host.peakRssMiB === undefined ? '' : `, peak RSS ${host.peakRssMiB.toLocaleString('en-US')} MiB`;
  return `host: ${roles.join(', ')}${peak}\n`;
}

/** Runs the scenario with the flags' instruments and returns its report. `archOverride` replaces --arch. */
export function buildReport(flags: RunFlags, archOverride?: Architecture): RunReport {
  // A progress bar on stderr for runs a person watches: only on a TTY, so CI logs stay quiet.
  // The arch run, then the baseline's (extra seeds and sweep points run bare).
  const progress = flags.json === true ? null : runProgress(flags.baseline === 'none' ? 1 : 2);
  const instrument = (role: Role, which: Architecture, options: SharedRunOptions): RunInstruments => {
    progress?.start(`${role} ${which.name}`);
    // Only the arch run writes a timeline and records its trace.
    const timeline =
      role === 'arch' && flags.timeline !== undefined
        ? new TimelineWriter(flags.timeline, ...timelineWindow(flags, options.durationPs))
        : undefined;
    const recorder =
      role === 'arch' && flags.recordTrace !== undefined
        ? new TraceWriter(flags.recordTrace, `bpusim run (${which.name}, seed ${options.seed})`)
        : undefined;
    return {
      extras: {
        ...(recorder === undefined ? {} : { recordTrace: (event: TraceEvent) => recorder.write(event) }),
        ...(timeline === undefined
          ? {}
          : {
              timeline: (node: string, track: string, startPs: number, endPs: number, name: string) =>
                timeline.slice(node, track, startPs, endPs, name),
            }),
        ...(progress === null ? {} : { onProgress: (fraction: number) => progress.update(fraction) }),
      },
      finish() {
        progress?.stop();
        recorder?.finish();
        timeline?.finish();
      },
      abort() {
        recorder?.abort();
        timeline?.abort();
      },
    };
  };
  return buildRunReport(flags, { ...(archOverride === undefined ? {} : { archOverride }), instrument });
}

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
