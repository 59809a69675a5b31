/**
 * `bpusim validate`: does the model of a known machine predict what that machine really does?
 *
 * For each workload and worker count, runs the real ledger benchmark on this host and simulates the
 * same receipts on the calibrated `host` architecture (calibrate/validate.ts), then prints measured
 * vs predicted throughput and latency per phase and end to end, with the error in %. The host
 * architecture comes from `--host host.yaml` (written by `bpusim calibrate`) or, without it, from a
 * calibration run first in this process. This file is the command's wiring only (flags, printing).
 */
import type { Command } from 'commander';
import { BENCH_WORKLOADS } from '../calibrate/bench-ledger.js';
import { calibrate } from '../calibrate/calibrate.js';
import { validate } from '../calibrate/validate.js';
import { loadArchitecture } from '../engines/architecture.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { runPublished } from './validate-published.js';
import { intFlag } from './_parse.js';

interface ValidateFlags {
  host?: string;
  txs: number;
  workloads: string;
  workers: string;
  seed: number;
  store: string;
  repeat: number;
  recalibrateEach?: boolean;
  published?: boolean;
  duration: string;
  blocks: number;
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
    .option('--workloads <list>', `workloads: ${BENCH_WORKLOADS.join(', ')}`, BENCH_WORKLOADS.join(','))
    .option('--workers <list>', 'verification worker counts', '1,2')
    .option('--seed <s>', 'workload and key seed', intFlag('--seed', 0), 1)
    .option('--store <kind>', 'world state of the committer: lmdb, memory', 'lmdb')
    .option('--repeat <n>', 'runs per case; figures are medians', intFlag('--repeat', 1, 99), 1)
    .option(
      '--recalibrate-each',
      'calibrate again (shorter trials) right before each run: on a host whose speed drifts, costs measured minutes earlier mislead',
    )
    .option(
      '--published',
      "predict published systems from presets built of component figures (no host bench): each publication's figure, the model's prediction, the error",
    )
    .option('--duration <time>', '--published: simulated time of each end-to-end run', '500ms')
    .option('--blocks <n>', '--published: blocks of each validator bench', intFlag('--blocks', 2, 100_000), 100)
    .option('--json', 'print one JSON object')
    .action(
      action(async (flags: ValidateFlags) => {
        if (flags.published === true) {
          runPublished(flags, (line) => process.stderr.write(`validate: ${line}\n`));
          return;
        }
        const workloads = parseList(
          '--workloads',
          flags.workloads,
          (w) => BENCH_WORKLOADS.find((k) => k === w),
          BENCH_WORKLOADS.join(', '),
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
          "| workload | workers | phase | measured tx/s | predicted tx/s | error % | runs' error % | measured ms | predicted ms | error % |",
          '|:--|--:|:--|--:|--:|--:|:--|--:|--:|--:|',
        ];
        for (const c of result.cases) {
          lines.push(
            `| ${c.workload} | ${c.workers} | ${c.phase} | ${c.measuredTps} | ${c.predictedTps} | ${c.errorPct} | ${c.errorSpreadPct[0]} … ${c.errorSpreadPct[1]} | ${c.measuredLatencyMs ?? ''} | ${c.predictedLatencyMs ?? ''} | ${c.latencyErrorPct ?? ''} |`,
          );
        }
        lines.push(
          `throughput |error|: median over cases ${result.medianAbsErrorPct} %, ${Math.round(result.shareWithin15Pct * 100)} % of cases within 15 %, max ${result.maxAbsErrorPct} %; latency max ${result.maxAbsLatencyErrorPct} %`,
        );
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
