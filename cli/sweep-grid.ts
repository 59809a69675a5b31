/**
 * `bpusim sweep <grid.yaml> [--workers N] [--shard i/n] --out file` and `bpusim merge`: flags and
 * output around system/'s sweep runner (system/sweep.ts), which runs the grid's points on worker
 * threads and merges them in grid order.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { mergeSweeps, runSweep } from '../system/index.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { checkOutputPath, writeFileAtomic } from './_output.js';
import { intFlag } from './_parse.js';

function parseShard(raw: string): { index: number; count: number } {
  const match = /^(\d+)\/(\d+)$/.exec(raw);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (match === null || count < 1 || index >= count)
    throw new UsageError(`--shard: expected i/n with 0 ≤ i < n, got '${raw}'`);
  return { index, count };
}

export function registerSweepGrid(program: Command): void {
  const sweep =
    program.commands.find((c) => c.name() === 'sweep') ?? program.command('sweep').description('parameter sweeps');
  sweep
    .argument('[grid]', 'grid file (YAML or JSON): base run options and the values to vary')
    .option('--workers <n>', 'worker threads', intFlag('--workers', 1, 256), Math.max(1, availableParallelism()))
    .option('--shard <i/n>', 'run only points whose index ≡ i (mod n)')
    .option('--out <file>', 'write the sweep here (JSON)')
    .action(
      action(async (gridFile: string | undefined, flags: { workers: number; shard?: string; out?: string }) => {
        if (flags.out !== undefined) checkOutputPath('--out', flags.out, [gridFile]);
        if (gridFile === undefined) {
          sweep.help();
          return;
        }
        const output = await runSweep(
          gridFile,
          flags.workers,
          flags.shard === undefined ? null : parseShard(flags.shard),
        );
        const json = `${JSON.stringify(output)}\n`;
        if (flags.out === undefined) {
          process.stdout.write(json);
          return;
        }
        writeFileAtomic(flags.out, json);
        process.stdout.write(`${sweepTable(output.points)}sweep: ${flags.out}\n`);
      }),
    );
  program
    .command('merge')
    .description('join sweep shards (from --shard i/n) into one sweep, in grid order')
    .argument('<files...>', 'shard files')
    .requiredOption('--out <file>', 'merged sweep')
    .action(
      action((files: string[], flags: { out: string }) => {
        checkOutputPath('--out', flags.out, files);
        writeFileAtomic(flags.out, `${JSON.stringify(mergeSweeps(files))}\n`);
      }),
    );
}

interface PointSummary {
  index: number;
  params: Record<string, unknown>;
  report?: {
    results: {
      arch: { committedTps: number; latencyMs: { p99: number }; bottleneck: { node: string; engine: string } };
      baseline: { committedTps: number } | null;
    };
  };
}

/** One line per point: what it varied, committed TPS (and the baseline's), p99 and the bottleneck. */
function sweepTable(points: readonly unknown[]): string {
  const rows = (points as PointSummary[]).map((p) => {
    const params = Object.entries(p.params)
      .map(([key, value]) => `${key}=${String(value)}`)
      .join(' ');
    const arch = p.report?.results.arch;
    if (arch === undefined) return `| ${p.index} | ${params} | - | - | - | - |`;
    const baseline = p.report?.results.baseline;
    return `| ${p.index} | ${params} | ${Math.round(arch.committedTps)} | ${baseline == null ? '-' : Math.round(baseline.committedTps)} | ${arch.latencyMs.p99.toFixed(2)} | ${arch.bottleneck.node}.${arch.bottleneck.engine} |`;
  });
  return `${['| point | varied | committed TPS | baseline TPS | p99 ms | bottleneck |', '|--:|:--|--:|--:|--:|:--|', ...rows].join('\n')}\n`;
}
