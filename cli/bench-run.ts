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
    .option('--json', 'print one JSON object')
    .action(
      action((flags: BenchRunFlags) => {
        const figures = benchRun(flags, flags.samples);
        process.stdout.write(
          flags.json === true
            ? `${JSON.stringify(figures)}\n`
            : `${Object.entries(figures)
                .map(([k, v]) => `${k.padEnd(34)} ${String(v)}`)
                .join('\n')}\n`,
        );
      }),
    );
}
