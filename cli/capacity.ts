/**
 * `bpusim capacity`: the highest offered rate each architecture sustains on a scenario
 * (system/capacity.ts), side by side, with the bottleneck where each saturates; over several
 * seeds, the mean and its 95 % interval. Wiring only.
 */
import type { Command } from 'commander';
import {
  type CapacityOptions,
  type CapacityOverSeeds,
  describePoint,
  findCapacityOverSeeds,
  loadArchitecture,
  SCENARIO_DEFAULTS,
  scenarioRunAt,
} from '../system/index.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { intFlag, numberFlag } from './_parse.js';

export interface CapacityFlags {
  arch: string;
  baseline?: string;
  workload: string;
  keys: number;
  topology: string;
  seed: number;
  seeds: number;
  tolerance: number;
  sloP99Ms?: number;
  json?: boolean;
}

function architectures(flags: CapacityFlags): string[] {
  const names = [...flags.arch.split(','), ...(flags.baseline === undefined ? [] : [flags.baseline])]
    .map((name) => name.trim())
    .filter((name) => name !== '');
  if (names.length === 0) throw new UsageError(`--arch: expected a comma-separated list, got '${flags.arch}'`);
  return [...new Set(names)];
}

/** One architecture's search; `search` overrides the defaults (start rate, run length). */
export function searchCapacity(
  name: string,
  flags: CapacityFlags,
  search: Partial<Pick<CapacityOptions, 'startTps' | 'runLength'>> = {},
): CapacityOverSeeds {
  const arch = loadArchitecture(name); // one clear message before any run
  const seeds = Array.from({ length: flags.seeds }, (_, i) => flags.seed + i);
  const scenario = (seed: number) => ({
    ...SCENARIO_DEFAULTS,
    arch: name,
    workload: flags.workload,
    keys: flags.keys,
    topology: flags.topology,
    seed,
    duration: '100ms',
  });
  return findCapacityOverSeeds((seed) => scenarioRunAt(scenario(seed), arch), seeds, {
    startTps: 1_000,
    maxTps: 10_000_000,
    ...search,
    tolerance: flags.tolerance,
    ...(flags.sloP99Ms === undefined ? {} : { sloP99Ms: flags.sloP99Ms }),
    onPoint: (p) => process.stderr.write(`capacity: ${name}: ${describePoint(p)}\n`),
  });
}

function row(r: CapacityOverSeeds): string {
  const capacity = r.seeds.length > 1 ? `${r.capacityTps.mean} ± ${r.capacityTps.ci95}` : `${r.capacityTps.mean}`;
  const bottlenecks = r.bottlenecksAtKnee
    .map((b) => (r.seeds.length > 1 ? `${b.bottleneck} (${b.seeds}/${r.seeds.length})` : b.bottleneck))
    .join(', ');
  const first = r.perSeed[0]?.atCapacity;
  const conflicts = first === null || first === undefined ? '-' : (first.conflictShare * 100).toFixed(1);
  const p99 = first === null || first === undefined ? '-' : first.steadyP99LatencyMs.toFixed(1);
  const valid = first === null || first === undefined ? '-' : `${Math.round(first.committedTps)}`;
  const runs = r.perSeed.reduce((n, s) => n + s.points.length, 0);
  return `| ${r.architecture} | ${capacity} | ${valid} | ${bottlenecks} | ${conflicts} | ${p99} | ${runs} |`;
}

/** The side-by-side table `capacity` and `start` print. */
export function formatCapacityTable(results: readonly CapacityOverSeeds[], flags: CapacityFlags): string {
  return [
    `capacity on ${flags.workload} (${flags.keys.toLocaleString('en-US')} keys), ${flags.topology}, within ${flags.tolerance * 100} %` +
      (flags.seeds > 1 ? `, ${flags.seeds} seeds from ${flags.seed} (mean ± 95 % interval)` : `, seed ${flags.seed}`),
    '| architecture | capacity tx/s | VALID tx/s at capacity | bottleneck at the knee | MVCC conflicts at capacity % | steady p99 ms at capacity | runs |',
    '|:--|--:|--:|:--|--:|--:|--:|',
    ...results.map(row),
    `Capacity: the highest offered rate of which ≥ 95 % is validated and committed — VALID, or made invalid by the workload itself (MVCC conflicts, chaincode refusals; counted apart: the VALID column is the useful part)${flags.sloP99Ms === undefined ? '' : ` — with a steady p99 ≤ ${flags.sloP99Ms} ms`}; VALID, conflicts and p99 are of that run (first seed); steady: requests after the warm-up and before the last batch timeout.`,
  ].join('\n');
}

export function registerCapacity(program: Command): void {
  program
    .command('capacity')
    .description(
      'the highest offered TPS each architecture sustains (≥ 95 % of arrivals validated and committed), with its bottleneck',
    )
    .option('--arch <list>', 'comma-separated presets or files', 'cpu-64core,bpu-2019')
    .option('--baseline <preset|file>', 'one more architecture to compare with (after --arch)')
    .option('--workload <name>', 'workload', 'smallbank')
    .option('--keys <n>', 'accounts or records', intFlag('--keys', 1, 10_000_000), 100_000)
    .option('--topology <t>', 'topology preset or file', 'dc')
    .option('--seed <s>', 'first seed', intFlag('--seed', 0), 1)
    .option(
      '--seeds <n>',
      'searches per architecture (seeds seed … seed+n−1): mean and 95 % interval',
      intFlag('--seeds', 1, 100),
      1,
    )
    .option('--tolerance <f>', 'the search stops within this fraction', numberFlag('--tolerance', 0.01, 1), 0.05)
    .option(
      '--slo-p99-ms <ms>',
      'a rate holds only if the p99 latency of steady requests is at most this',
      numberFlag('--slo-p99-ms', 0, 3_600_000, { exclusiveMin: true }),
    )
    .option('--json', 'print one JSON object')
    .action(
      action((flags: CapacityFlags) => {
        const names = architectures(flags);
        for (const name of names) loadArchitecture(name);
        const results = names.map((name) => searchCapacity(name, flags));
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify({ workload: flags.workload, keys: flags.keys, results })}\n`);
          return;
        }
        process.stdout.write(`${formatCapacityTable(results, flags)}\n`);
      }),
    );
}
