/**
 * `bpusim start` (what `npm start` runs): the main job on a short default — SmallBank on the
 * co-located data-centre topology, the paper's BPU against the 64-core CPU baseline, same seed,
 * real signatures — sized to finish in well under a minute on a 2-core machine. It writes
 * report.json and prints the side-by-side summary. `bpusim run` takes the same scenario at any size.
 */
import type { Command } from 'commander';
import { action } from './_action.js';
import { executeRun, RUN_DEFAULTS } from './run.js';

export const START_RATE_TPS = 50_000;
export const START_DURATION = '200ms';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      `the default scenario: smallbank at ${START_RATE_TPS.toLocaleString('en-US')} TPS for ${START_DURATION}, bpu-2019 vs cpu-64core, report.json`,
    )
    .option('--out <file>', 'where to write the report', 'report.json')
    .action(
      action((flags: { out: string }) => {
        executeRun({ ...RUN_DEFAULTS, rate: START_RATE_TPS, duration: START_DURATION, out: flags.out });
      }),
    );
}
