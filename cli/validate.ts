/**
 * `bpusim validate`: does the model of a known machine predict what that machine really does?
 *
 * For each workload and worker count, runs the real ledger benchmark on this host (as `bench ledger`,
 * recording every step's work receipt) and simulates the same receipts on the calibrated `host`
 * architecture with the bench's own structure (engines/host-bench-model.ts), then prints measured vs
 * predicted throughput and latency per phase (endorse, validate+commit) and end to end, with the
 * error in %. The host architecture comes from `--host host.yaml` (written by `bpusim calibrate`)
 * or, without it, from a calibration run first in this process.
 *
 * Host figures throughout (wall-clock measurements); nothing here is a simulated report.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { Architecture } from '../engines/architecture.js';
import { loadArchitecture } from '../engines/architecture.js';
import { predictHostBench } from '../engines/host-bench-model.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { intFlag } from './_parse.js';
import { type BenchWorkload, emptyBenchTrace, runBenchLedger } from './bench-ledger.js';
import { calibrate } from './calibrate.js';
import { median } from './calibrate/measure.js';

const WORKLOADS: readonly BenchWorkload[] = ['smallbank', 'kv', 'donothing', 'cpuheavy'];

export interface ValidationCase {
  readonly workload: BenchWorkload;
  readonly workers: number;
  readonly phase: 'endorse' | 'validate+commit' | 'end-to-end';
  readonly measuredTps: number;
  readonly predictedTps: number;
  readonly errorPct: number;
  readonly measuredLatencyMs?: number;
  readonly predictedLatencyMs?: number;
  readonly latencyErrorPct?: number;
  /** validate+commit only: process CPU per tx measured, and the model's main-thread and worker CPU per tx. */
  readonly cpuMicrosPerTx?: {
    readonly measured: number;
    readonly predictedMain: number;
    readonly predictedWorkers: number;
  };
}

export interface ValidationResult {
  readonly host: string;
  readonly txs: number;
  /** Runs per case (figures are medians over them). */
  readonly repeat: number;
  readonly cases: ValidationCase[];
  /** Over every case's throughput error (errorPct). */
  readonly maxAbsErrorPct: number;
  /** Over every latency error (latencyErrorPct), reported apart. */
  readonly maxAbsLatencyErrorPct: number;
}

const errorPct = (measured: number, predicted: number): number =>
  Number((((predicted - measured) / measured) * 100).toFixed(1));
const round = (value: number, digits = 0): number => Number(value.toFixed(digits));

export interface ValidateOptions {
  readonly arch: Architecture;
  readonly workloads: readonly BenchWorkload[];
  readonly workers: readonly number[];
  readonly txs: number;
  readonly seed: number;
  readonly store: 'lmdb' | 'memory';
  readonly repeat: number;
  /** Calibrates again right before each run of each case (the host's speed drifts over minutes); the case's own runs are never used. */
  readonly recalibrate?: () => Promise<Architecture>;
}

interface CaseFigures {
  endorseTps: number;
  endorseLatencyMs: number;
  validateCommitTps: number;
  blockLatencyMs: number;
  endToEndTps: number;
}

function medianFigures(all: readonly CaseFigures[]): CaseFigures {
  const pick = (key: keyof CaseFigures) => median(all.map((f) => f[key]));
  return {
    endorseTps: pick('endorseTps'),
    endorseLatencyMs: pick('endorseLatencyMs'),
    validateCommitTps: pick('validateCommitTps'),
    blockLatencyMs: pick('blockLatencyMs'),
    endToEndTps: pick('endToEndTps'),
  };
}

/** One real bench run of the case and the model of the same receipts. */
async function runCase(
  options: ValidateOptions,
  workload: BenchWorkload,
  workers: number,
): Promise<{ measured: CaseFigures; predicted: CaseFigures; cpu: NonNullable<ValidationCase['cpuMicrosPerTx']> }> {
  const trace = emptyBenchTrace();
  const bench = await runBenchLedger(
    {
      txs: options.txs,
      workload,
      crypto: 'node',
      store: options.store,
      threads: workers,
      blockSize: 500,
      accounts: 10_000,
      seed: options.seed,
      fsync: true,
    },
    trace,
  );
  const arch = options.arch;
  const model = predictHostBench(
    { ...arch, engines: { ...arch.engines, cpu: { ...arch.engines.cpu, cores: availableParallelism() } } },
    trace.endorse,
    trace.phase1Other,
    trace.blocks,
    { threads: workers },
  );
  return {
    measured: {
      endorseTps: bench.endorseTxPerSec,
      endorseLatencyMs: (bench.wallSeconds.endorse * 1000) / Math.max(1, bench.orderedTxs),
      validateCommitTps: bench.validateCommitTxPerSec,
      blockLatencyMs: trace.blocks.reduce((sum, b) => sum + b.latencyNs, 0) / Math.max(1, trace.blocks.length) / 1e6,
      endToEndTps: bench.orderedTxs / (bench.wallSeconds.endorseAndOrder + bench.wallSeconds.validateCommit),
    },
    predicted: {
      endorseTps: model.endorseTps,
      endorseLatencyMs: model.endorseLatencyMs,
      validateCommitTps: model.validateCommitTps,
      blockLatencyMs: model.blockLatencyMs,
      endToEndTps: model.endToEndTps,
    },
    cpu: {
      measured: bench.cpuMicrosPerTx.validateCommit,
      predictedMain: round(model.phase2CpuMicrosPerTx.main, 1),
      predictedWorkers: round(model.phase2CpuMicrosPerTx.workers, 1),
    },
  };
}

export async function validate(
  options: ValidateOptions,
  log: (line: string) => void = () => undefined,
): Promise<ValidationResult> {
  const cases: ValidationCase[] = [];
  for (const workload of options.workloads) {
    for (const workers of options.workers) {
      // Each case is run `repeat` times and its figures are medians: a single run on a shared host
      // can be ≈30 % off (two identical runs back to back measured 2,131 and 2,919 endorse tx/s).
      const runs = [];
      for (let r = 0; r < options.repeat; r += 1) {
        // With recalibration, each run is paired with a calibration made just before it.
        const runOptions =
          options.recalibrate === undefined ? options : { ...options, arch: await options.recalibrate() };
        log(`${workload}, ${workers} worker(s), run ${r + 1}/${options.repeat}`);
        runs.push(await runCase(runOptions, workload, workers));
      }
      const measured = medianFigures(runs.map((run) => run.measured));
      const predicted = medianFigures(runs.map((run) => run.predicted));
      const cpu = runs[runs.length >> 1]!.cpu;
      cases.push(
        {
          workload,
          workers,
          phase: 'endorse',
          measuredTps: round(measured.endorseTps),
          predictedTps: round(predicted.endorseTps),
          errorPct: errorPct(measured.endorseTps, predicted.endorseTps),
          measuredLatencyMs: round(measured.endorseLatencyMs, 3),
          predictedLatencyMs: round(predicted.endorseLatencyMs, 3),
          latencyErrorPct: errorPct(measured.endorseLatencyMs, predicted.endorseLatencyMs),
        },
        {
          workload,
          workers,
          phase: 'validate+commit',
          measuredTps: round(measured.validateCommitTps),
          predictedTps: round(predicted.validateCommitTps),
          errorPct: errorPct(measured.validateCommitTps, predicted.validateCommitTps),
          measuredLatencyMs: round(measured.blockLatencyMs, 2),
          predictedLatencyMs: round(predicted.blockLatencyMs, 2),
          latencyErrorPct: errorPct(measured.blockLatencyMs, predicted.blockLatencyMs),
          cpuMicrosPerTx: cpu,
        },
        {
          workload,
          workers,
          phase: 'end-to-end',
          measuredTps: round(measured.endToEndTps),
          predictedTps: round(predicted.endToEndTps),
          errorPct: errorPct(measured.endToEndTps, predicted.endToEndTps),
        },
      );
    }
  }
  const throughput = cases.map((c) => Math.abs(c.errorPct));
  const latency = cases.flatMap((c) => (c.latencyErrorPct === undefined ? [] : [Math.abs(c.latencyErrorPct)]));
  return {
    host: options.arch.calibration?.host ?? options.arch.name,
    txs: options.txs,
    repeat: options.repeat,
    cases,
    maxAbsErrorPct: Math.max(...throughput),
    maxAbsLatencyErrorPct: Math.max(0, ...latency),
  };
}

interface ValidateFlags {
  host?: string;
  txs: number;
  workloads: string;
  workers: string;
  seed: number;
  store: string;
  repeat: number;
  recalibrateEach?: boolean;
  json?: boolean;
}

function parseList<T>(flag: string, raw: string, parse: (item: string) => T | undefined, allowed: string): T[] {
  const items = raw
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
  if (items.length === 0) throw new UsageError(`${flag}: expected a comma-separated list of ${allowed}, got '${raw}'`);
  return items.map((item) => {
    const value = parse(item);
    if (value === undefined) throw new UsageError(`${flag}: '${item}' is not one of ${allowed}`);
    return value;
  });
}

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description(
      'run the real ledger bench and the calibrated host model on the same transactions; print measured vs predicted',
    )
    .option('--host <file>', 'host architecture written by `bpusim calibrate` (default: calibrate first)')
    .option('--txs <n>', 'transactions per case', intFlag('--txs', 1_000, 1e7), 20_000)
    .option('--workloads <list>', `workloads: ${WORKLOADS.join(', ')}`, WORKLOADS.join(','))
    .option('--workers <list>', 'verification worker counts', '1,2')
    .option('--seed <s>', 'workload and key seed', intFlag('--seed', 0), 1)
    .option('--store <kind>', 'world state of the committer: lmdb, memory', 'lmdb')
    .option('--repeat <n>', 'runs per case; figures are medians', intFlag('--repeat', 1, 99), 1)
    .option(
      '--recalibrate-each',
      'calibrate again (shorter trials) right before each run: on a host whose speed drifts, costs measured minutes earlier mislead',
    )
    .option('--json', 'print one JSON object')
    .action(
      action(async (flags: ValidateFlags) => {
        const workloads = parseList(
          '--workloads',
          flags.workloads,
          (w) => WORKLOADS.find((k) => k === w),
          WORKLOADS.join(', '),
        );
        const workers = parseList(
          '--workers',
          flags.workers,
          (w) => (/^[0-9]+$/.test(w) && Number(w) >= 1 && Number(w) <= 64 ? Number(w) : undefined),
          'integers 1..64',
        );
        if (flags.store !== 'lmdb' && flags.store !== 'memory')
          throw new UsageError(`--store: expected one of lmdb, memory, got '${flags.store}'`);
        const log = process.stderr.isTTY
          ? (line: string) => process.stderr.write(`validate: ${line}\n`)
          : () => undefined;
        if (flags.recalibrateEach === true && flags.host !== undefined)
          throw new UsageError('--recalibrate-each: calibrates before each case; leave out --host');
        const arch =
          flags.host !== undefined
            ? loadArchitecture(flags.host)
            : flags.recalibrateEach === true
              ? await calibrate({ crypto: 'node', trials: 3, trialMs: 10, inContextTxs: 1_000 })
              : await calibrate({ crypto: 'node', trials: 7, trialMs: 100 }, log);
        const result = await validate(
          {
            arch,
            workloads,
            workers,
            txs: flags.txs,
            seed: flags.seed,
            store: flags.store,
            repeat: flags.repeat,
            ...(flags.recalibrateEach === true
              ? { recalibrate: () => calibrate({ crypto: 'node', trials: 5, trialMs: 60, inContextTxs: 5_000 }, log) }
              : {}),
          },
          log,
        );
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        const lines = [
          `validation on ${result.host}, ${result.txs} txs per case, median of ${result.repeat} run(s)`,
          '| workload | workers | phase | measured tx/s | predicted tx/s | error % | measured ms | predicted ms | error % |',
          '|:--|--:|:--|--:|--:|--:|--:|--:|--:|',
        ];
        for (const c of result.cases) {
          lines.push(
            `| ${c.workload} | ${c.workers} | ${c.phase} | ${c.measuredTps} | ${c.predictedTps} | ${c.errorPct} | ${c.measuredLatencyMs ?? ''} | ${c.predictedLatencyMs ?? ''} | ${c.latencyErrorPct ?? ''} |`,
          );
        }
        lines.push(`max |error|: throughput ${result.maxAbsErrorPct} %, latency ${result.maxAbsLatencyErrorPct} %`);
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
