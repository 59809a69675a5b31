/**
 * `bpusim sensitivity`: which assumed inputs of a preset decide its capacity (system/sensitivity.ts).
 * Wiring only: flags in, a table or one JSON object out, progress on stderr.
 */
import type { Command } from 'commander';
import { ARCH_PRESETS } from '../engines/architecture.js';
import { runSensitivity } from '../system/index.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { intFlag, numberFlag } from './_parse.js';

interface SensitivityFlags {
  arch: string;
  workload: string;
  keys: number;
  topology: string;
  factors: string;
  tolerance: number;
  top: number;
  base?: number;
  only?: string;
  json?: boolean;
}

function parseFactors(raw: string): number[] {
  const factors = raw.split(',').map((item) => Number(item.trim()));
  if (factors.length === 0 || factors.some((f) => !Number.isFinite(f) || f <= 0 || f === 1 || f > 100))
    throw new UsageError(`--factors: expected a comma-separated list of positive numbers other than 1, got '${raw}'`);
  return factors;
}

export function registerSensitivity(program: Command): void {
  program
    .command('sensitivity')
    .description(
      'capacity of a preset, then each of its assumed figures scaled alone (×0.5, ×2): which inputs decide the answer',
    )
    .option('--arch <preset>', `preset: ${ARCH_PRESETS.join(', ')}`, 'bpu-2019')
    .option('--workload <name>', 'workload', 'smallbank')
    .option('--keys <n>', 'accounts or records', intFlag('--keys', 1, 10_000_000), 100_000)
    .option('--topology <t>', 'topology preset or file', 'dc')
    .option('--factors <list>', 'factors each assumed figure is scaled by', '0.5,2')
    .option('--tolerance <f>', 'capacity search stops within this fraction', numberFlag('--tolerance', 0.01, 1), 0.1)
    .option('--top <n>', 'rows of the table (largest change first)', intFlag('--top', 1, 10_000), 15)
    .option('--base <tps>', "the preset's capacity when already known (skips its search)", intFlag('--base', 1, 1e9))
    .option('--only <prefixes>', 'only the assumed figures whose path starts with one of these (comma-separated)')
    .option('--json', 'print one JSON object')
    .action(
      action((flags: SensitivityFlags) => {
        const result = runSensitivity({
          arch: flags.arch,
          workload: flags.workload,
          keys: flags.keys,
          topology: flags.topology,
          factors: parseFactors(flags.factors),
          tolerance: flags.tolerance,
          ...(flags.base === undefined ? {} : { baseCapacityTps: flags.base }),
          ...(flags.only === undefined ? {} : { only: flags.only.split(',').map((p) => p.trim()) }),
          log: (line) => process.stderr.write(`sensitivity: ${line}\n`),
        });
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        const lines = [
          `${result.architecture}: capacity ${result.baseCapacityTps} tx/s (search within ${result.tolerance * 100} %), bottleneck ${result.baseBottleneck}`,
          '| assumed figure | value | × | capacity tx/s | change % | bottleneck at the knee |',
          '|:--|--:|--:|--:|--:|:--|',
          ...result.rows
            .filter((row) => row.onPath)
            .slice(0, flags.top)
            .map(
              (r) =>
                `| ${r.path} | ${r.baseValue} | ${r.factor} | ${r.capacityTps} | ${r.changePct} | ${r.bottleneckAtKnee} |`,
            ),
          `not on this workload's path (no effect): ${result.rows
            .filter((row) => !row.onPath)
            .map((row) => `${row.path} ×${row.factor}`)
            .join(', ')}`,
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
