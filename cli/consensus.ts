/**
 * `bpusim sweep consensus` (Table 01: consensus throughput and latency as orderers grow, BPU vs
 * CPU) and `bpusim fuzz consensus` (safety and liveness over random fault schedules; a failing
 * seed replays exactly with --seed).
 */
import type { Command } from 'commander';
import { loadArchitecture } from '../engines/architecture.js';
import { action } from './_action.js';
import { CheckFailed, UsageError } from './_errors.js';
import { intFlag, numberFlag } from './_parse.js';
import {
  type ConsensusSweepOptions,
  faultTolerance,
  fuzzCase,
  fuzzMany,
  type Protocol,
  sweepConsensus,
} from '../system/index.js';

function protocolFlag(raw: string): Protocol {
  if (raw !== 'raft' && raw !== 'pbft') throw new UsageError(`--protocol: expected raft or pbft, got '${raw}'`);
  return raw;
}

function listFlag(raw: string): number[] {
  const values = raw.split(',').map((part) => Number(part.trim()));
  if (values.length === 0 || values.some((v) => !Number.isInteger(v) || v < 1 || v > 256)) {
    throw new UsageError(`--orderers: expected a comma-separated list of integers from 1 to 256, got '${raw}'`);
  }
  return values;
}

export function registerConsensus(program: Command): void {
  const sweep =
    program.commands.find((c) => c.name() === 'sweep') ?? program.command('sweep').description('parameter sweeps');
  sweep
    .command('consensus')
    .description(
      'consensus throughput (blocks/s, tx/s) and latency (p50/p99) per orderer count, architecture vs baseline',
    )
    .option('--protocol <raft|pbft>', 'ordering protocol', protocolFlag, 'pbft' as Protocol)
    .option('--orderers <list>', 'orderer counts', listFlag, [4, 7, 10, 16, 31, 64])
    .option('--arch <preset|file>', 'architecture of each orderer', 'bpu-2019')
    .option('--baseline <preset|file|none>', 'baseline architecture', 'cpu-64core')
    .option(
      '--rate <tps>',
      'offered transactions per second',
      numberFlag('--rate', 0, 1e8, { exclusiveMin: true }),
      50_000,
    )
    .option('--duration <time>', 'submissions for this long', '1s')
    .option(
      '--envelope-bytes <n>',
      'size of each transaction envelope',
      intFlag('--envelope-bytes', 64, 1_000_000),
      3_000,
    )
    .option('--seed <n>', 'root seed', intFlag('--seed', 0), 1)
    .option('--json', 'print one JSON object')
    .action(
      action((flags: ConsensusSweepOptions & { json?: boolean }) => {
        const output = sweepConsensus(flags);
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(output)}\n`);
          return;
        }
        const header = ['orderers', 'f', 'architecture', 'blocks/s', 'tx/s', 'p50 ms', 'p99 ms', 'bottleneck'];
        const lines = output.rows.map((r) => [
          String(r.orderers),
          String(faultTolerance(r.protocol, r.orderers)),
          r.architecture,
          r.blocksPerSec.toFixed(1),
          Math.round(r.txPerSec).toLocaleString('en-US'),
          r.latencyMs.p50.toFixed(2),
          r.latencyMs.p99.toFixed(2),
          `${r.bottleneck.node}.${r.bottleneck.engine} ${(r.bottleneck.utilisation * 100).toFixed(0)}%`,
        ]);
        const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
        const format = (cells: string[]): string =>
          cells
            .map((c, i) => (i === 2 || i === 7 ? c.padEnd(widths[i] as number) : c.padStart(widths[i] as number)))
            .join('  ');
        process.stdout.write(
          `${flags.protocol} consensus, ${flags.rate.toLocaleString('en-US')} TPS offered, ${flags.envelopeBytes}-byte envelopes\n${format(header)}\n${lines.map(format).join('\n')}\n`,
        );
      }),
    );

  const fuzz = program.command('fuzz').description('deterministic simulation testing');
  fuzz
    .command('consensus')
    .description('random cluster sizes and fault schedules; checks safety and liveness; exit 1 on any failure')
    .option('--protocol <raft|pbft>', 'ordering protocol', protocolFlag, 'pbft' as Protocol)
    .option('--seeds <n>', 'how many seeds (1 … n)', intFlag('--seeds', 1, 1_000_000), 100)
    .option('--seed <n>', 'replay this one seed and print its scenario', intFlag('--seed', 0))
    .option('--arch <preset|file>', 'architecture of each orderer', 'bpu-2019')
    .option('--json', 'print one JSON object')
    .action(
      action((flags: { protocol: Protocol; seeds: number; seed?: number; arch: string; json?: boolean }) => {
        const arch = loadArchitecture(flags.arch);
        if (flags.seed !== undefined) {
          const result = fuzzCase(flags.protocol, flags.seed, arch);
          process.stdout.write(
            flags.json === true ? `${JSON.stringify(result)}\n` : `${JSON.stringify(result, null, 2)}\n`,
          );
          if (result.safetyViolations > 0 || result.livenessFailure) throw new CheckFailed(`seed ${flags.seed} failed`);
          return;
        }
        const seeds = Array.from({ length: flags.seeds }, (_, i) => i + 1);
        const summary = fuzzMany(flags.protocol, seeds, arch);
        const { protocol: _protocol, ...figures } = summary;
        process.stdout.write(
          flags.json === true ? `${JSON.stringify(figures)}\n` : `${flags.protocol}: ${JSON.stringify(figures)}\n`,
        );
        if (summary.firstFailingSeed !== null)
          throw new CheckFailed(
            `seed ${summary.firstFailingSeed} failed; replay with --seed ${summary.firstFailingSeed}`,
          );
      }),
    );
}
