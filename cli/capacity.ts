/**
 * `bpusim capacity`: the highest offered rate each architecture sustains on a scenario
 * (system/capacity.ts), side by side, with the bottleneck where each saturates. Wiring only.
 */
import type { Command } from 'commander';
import {
  type CapacityResult,
  describePoint,
  findCapacity,
  loadArchitecture,
  SCENARIO_DEFAULTS,
  scenarioRunAt,
} from '../system/index.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { intFlag, numberFlag } from './_parse.js';

interface CapacityFlags {
  arch: string;
  workload: string;
  keys: number;
  topology: string;
  seed: number;
  tolerance: number;
  json?: boolean;
}

export function registerCapacity(program: Command): void {
  program
    .command('capacity')
    .description('the highest offered TPS each architecture sustains (≥ 95 % of arrivals commit), with its bottleneck')
    .option('--arch <list>', 'comma-separated presets or files', 'cpu-64core,bpu-2019')
    .option('--workload <name>', 'workload', 'smallbank')
    .option('--keys <n>', 'accounts or records', intFlag('--keys', 1, 10_000_000), 100_000)
    .option('--topology <t>', 'topology preset or file', 'dc')
    .option('--seed <s>', 'seed', intFlag('--seed', 0), 1)
    .option('--tolerance <f>', 'the search stops within this fraction', numberFlag('--tolerance', 0.01, 1), 0.05)
    .option('--json', 'print one JSON object')
    .action(
      action((flags: CapacityFlags) => {
        const names = flags.arch
          .split(',')
          .map((name) => name.trim())
          .filter((name) => name !== '');
        if (names.length === 0) throw new UsageError(`--arch: expected a comma-separated list, got '${flags.arch}'`);
        const results: CapacityResult[] = names.map((name) => {
          const scenario = {
            ...SCENARIO_DEFAULTS,
            arch: name,
            workload: flags.workload,
            keys: flags.keys,
            topology: flags.topology,
            seed: flags.seed,
            duration: '100ms',
          };
          return findCapacity(scenarioRunAt(scenario, loadArchitecture(name)), {
            startTps: 1_000,
            maxTps: 10_000_000,
            tolerance: flags.tolerance,
            onPoint: (p) => process.stderr.write(`capacity: ${name}: ${describePoint(p)}\n`),
          });
        });
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify({ workload: flags.workload, keys: flags.keys, results })}\n`);
          return;
        }
        const lines = [
          `capacity on ${flags.workload} (${flags.keys} keys), ${flags.topology}, within ${flags.tolerance * 100} %`,
          '| architecture | capacity tx/s | bottleneck at the knee | runs |',
          '|:--|--:|:--|--:|',
          ...results.map(
            (r) => `| ${r.architecture} | ${r.capacityTps} | ${r.bottleneckAtKnee} | ${r.points.length} |`,
          ),
        ];
        process.stdout.write(`${lines.join('\n')}\n`);
      }),
    );
}
