/**
 * `bpusim start` (what `npm start` runs): the main job, sized for a minute or two on a 2-core
 * machine. First each architecture's capacity — the paper's BPU and the 64-core CPU server — on
 * SmallBank with 100,000 accounts, and where each saturates (a shorter search than `bpusim
 * capacity`'s: from 16,000 tx/s, runs of 12 blocks, within 15 %); then both at a load above the CPU's capacity,
 * side by side (modeled signatures unless --crypto real), report.json written. `bpusim capacity` and `bpusim run` take
 * the same scenario at any size.
 */
import type { Command } from 'commander';
import { action } from './_action.js';
import { type CapacityFlags, formatCapacityTable, searchCapacity } from './capacity.js';
import { numberFlag } from './_parse.js';
import { executeRun, RUN_DEFAULTS } from './run.js';

export const START_KEYS = 100_000;
export const START_DURATION = '200ms';
/** The run after the searches offers this multiple of the CPU's capacity: past its knee. */
const ABOVE_CPU_CAPACITY = 1.25;

interface StartFlags {
  out: string;
  tolerance: number;
  crypto: string;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description(
      `the default job: capacity of ${RUN_DEFAULTS.arch} and ${RUN_DEFAULTS.baseline} on smallbank (${START_KEYS.toLocaleString('en-US')} accounts) and where each saturates, then both at ${ABOVE_CPU_CAPACITY}× the CPU's capacity for ${START_DURATION}, report.json`,
    )
    .option('--out <file>', 'where to write the report of the run above capacity', 'report.json')
    .option(
      '--tolerance <f>',
      'the capacity searches stop within this fraction',
      numberFlag('--tolerance', 0.01, 1),
      0.15,
    )
    .option(
      '--crypto <mode>',
      'signatures of the run above capacity: modeled (the default, as the searches) or real',
      'modeled',
    )
    .action(
      action((flags: StartFlags) => {
        const search: CapacityFlags = {
          arch: RUN_DEFAULTS.arch,
          workload: RUN_DEFAULTS.workload,
          keys: START_KEYS,
          topology: RUN_DEFAULTS.topology,
          seed: RUN_DEFAULTS.seed,
          seeds: 1,
          tolerance: flags.tolerance,
        };
        const names = [RUN_DEFAULTS.arch, RUN_DEFAULTS.baseline];
        const results = names.map((name) =>
          searchCapacity(name, search, { startTps: 16_000, runLength: { blocks: 12, arrivals: 4_000 } }),
        );
        process.stdout.write(`${formatCapacityTable(results, search)}\n\n`);
        const cpuCapacity = results[1]?.capacityTps.mean ?? 0;
        const rate = Math.max(1_000, Math.round((ABOVE_CPU_CAPACITY * cpuCapacity) / 1_000) * 1_000);
        process.stdout.write(
          `Both at ${rate.toLocaleString('en-US')} TPS offered, ${ABOVE_CPU_CAPACITY}× ${RUN_DEFAULTS.baseline}'s capacity:\n`,
        );
        executeRun({
          ...RUN_DEFAULTS,
          keys: START_KEYS,
          rate,
          duration: START_DURATION,
          crypto: flags.crypto,
          out: flags.out,
        });
      }),
    );
}
