/**
 * `bpusim bench run`: how much the simulator adds on top of the real work. It runs the full-system
 * scenario on one architecture with a counting wrapper around the crypto provider, then measures
 * on this host how long the signatures the run actually computed take on their own (the host
 * crypto bound for the same signatures), and prints both. With `--crypto modeled` it reports the
 * simulated committed transactions per wall-second and the peak RSS instead.
 */
import type { Command } from 'commander';
import { benchRun } from '../system/index.js';
import { action } from './_action.js';
import { intFlag } from './_parse.js';
import { RUN_DEFAULTS, type RunFlags } from './run.js';

interface BenchRunFlags extends RunFlags {
  json?: boolean;
  samples: number;
  profile: boolean;
}

export function registerBenchRun(bench: Command): void {
  bench
    .command('run')
    .description(
      'full-system run: wall time per simulated tx vs the host crypto bound (real) or tx per wall-second and RSS (modeled)',
    )
    .option('--arch <preset|file>', 'architecture', RUN_DEFAULTS.arch)
    .option('--topology <preset|file>', 'topology', RUN_DEFAULTS.topology)
    .option('--workload <name>', 'workload', RUN_DEFAULTS.workload)
    .option('--keys <n>', 'accounts or records', intFlag('--keys', 2, 10_000_000), 10_000)
    .option('--rate <tps>', 'offered TPS', (v) => Number(v), 20_000)
    .option('--duration <time>', 'arrivals for this long', '500ms')
    .option('--crypto <mode>', 'real or modeled', RUN_DEFAULTS.crypto)
    .option('--seed <n>', 'root seed', intFlag('--seed', 0), RUN_DEFAULTS.seed)
    .option(
      '--samples <n>',
      'signatures timed per scheme for the crypto bound',
      intFlag('--samples', 100, 1_000_000),
      3000,
    )
    .option('--no-profile', 'skip the host CPU breakdown by part (a sampling profile costs a few per cent)')
    .option('--json', 'print one JSON object')
    .action(
      action((flags: BenchRunFlags) => {
        const figures = benchRun(flags, flags.samples, flags.profile);
        process.stdout.write(flags.json === true ? `${JSON.stringify(figures)}\n` : `${benchLines(figures)}\n`);
      }),
    );
}

/** One figure per line; the per-part breakdown indented under its heading. */
function benchLines(figures: Record<string, unknown>): string {
  return Object.entries(figures)
    .map(([key, value]) =>
      typeof value === 'object' && value !== null
        ? [key, ...Object.entries(value).map(([part, v]) => `  ${part.padEnd(32)} ${String(v)}`)].join('\n')
        : `${key.padEnd(34)} ${String(value)}`,
    )
    .join('\n');
}
