/**
 * `bpusim size --target-tps T`: flags and output around system/'s sizing (system/sizing.ts): the
 * fewest lanes per engine that hold T, checked by a run.
 */
import type { Command } from 'commander';
import { type SizeOptions, sizeArchitecture } from '../system/index.js';
import { action } from './_action.js';
import { CheckFailed, UsageError } from './_errors.js';
import { checkOutputPath, writeFileAtomic } from './_output.js';
import { intFlag, numberFlag } from './_parse.js';
import { RUN_DEFAULTS } from './run.js';

interface SizeFlags extends SizeOptions {
  out?: string;
  json?: boolean;
}

export function registerSize(program: Command): void {
  program
    .command('size')
    .description('size an architecture: the fewest lanes per engine that hold a target TPS, checked by a run')
    .requiredOption(
      '--target-tps <tps>',
      'throughput to hold',
      numberFlag('--target-tps', 0, 1e8, { exclusiveMin: true }),
    )
    .option('--arch <preset|file>', 'architecture to size (its engine kinds and per-lane costs are kept)', 'bpu-2019')
    .option('--workload <name>', 'workload', RUN_DEFAULTS.workload)
    .option('--topology <preset|file>', 'topology', RUN_DEFAULTS.topology)
    .option(
      '--probe-rate <tps>',
      'low rate used to measure demand per transaction',
      numberFlag('--probe-rate', 0, 1e8, { exclusiveMin: true }),
      5_000,
    )
    .option(
      '--duration <time>',
      'simulated time of the probe and the check runs (long against the latency at the target)',
      '200ms',
    )
    .option(
      '--ceiling <fraction>',
      'highest utilisation allowed per engine at the target',
      numberFlag('--ceiling', 0, 1, { exclusiveMin: true }),
      0.8,
    )
    .option(
      '--iterations <n>',
      'widen-and-recheck rounds when the check does not hold',
      intFlag('--iterations', 0, 20),
      4,
    )
    .option(
      '--area-budget <units>',
      "area the datapath-described crypto pipelines may take per node (in their datapath's area unit)",
      numberFlag('--area-budget', 0, 1e12, { exclusiveMin: true }),
    )
    .option('--out <file>', 'write the sized architecture (JSON) here')
    .option('--json', 'print the sizing as JSON')
    .action(
      action((flags: SizeFlags) => {
        if (flags.out !== undefined) checkOutputPath('--out', flags.out, [flags.arch]);
        if (flags.probeRate > flags.targetTps)
          throw new UsageError(`--probe-rate (${flags.probeRate}) must not exceed --target-tps (${flags.targetTps})`);
        const sizing = sizeArchitecture(flags);
        // A sizing that does not hold its target is a failed check: no architecture file, exit 1.
        const notWritten = flags.out === undefined ? '' : `; ${flags.out} not written`;
        const failed = !sizing.check.holds
          ? new CheckFailed(
              `the sized architecture commits ${Math.round(sizing.check.committedTps)} TPS, under 95 % of ${sizing.targetTps}${notWritten}`,
            )
          : sizing.area.fits === false
            ? new CheckFailed(
                `the crypto datapaths need ${sizing.area.total.toLocaleString('en-US')} area units, over the budget of ${sizing.area.budget?.toLocaleString('en-US')}${notWritten}`,
              )
            : null;
        if (flags.out !== undefined && failed === null)
          writeFileAtomic(flags.out, `${JSON.stringify(sizing.sized, null, 2)}\n`);
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(sizing)}\n`);
          if (failed !== null) throw failed;
          return;
        }
        const lines = sizing.probe.engines.map(
          (e) =>
            `  ${e.engine.padEnd(22)} ${String(e.lanesBefore).padStart(7)} → ${String(e.lanesAfter).padStart(7)}   (${e.busyLanesPerKtps} busy lanes per 1K TPS)`,
        );
        const warn = sizing.unscalable.map(
          (u) =>
            `  ! ${u.engine} would run at ${(u.utilisationAtTarget * 100).toFixed(0)} % and cannot be scaled by lanes`,
        );
        process.stdout.write(
          [
            `sizing ${sizing.base} for ${sizing.targetTps.toLocaleString('en-US')} TPS (${flags.workload} on ${flags.topology}; demand measured at ${flags.probeRate.toLocaleString('en-US')} TPS)`,
            '  engine                   lanes before → after',
            ...lines,
            ...(sizing.unused.length === 0
              ? []
              : [`  not used by this workload (left at 1 lane): ${sizing.unused.join(', ')}`]),
            ...warn,
            ...datapathLines(sizing),
            `check at target: committed ${Math.round(sizing.check.committedTps).toLocaleString('en-US')} TPS — ${sizing.check.holds ? 'holds' : 'does NOT hold'}; bottleneck ${sizing.check.bottleneck} ${(sizing.check.bottleneckUtilisation * 100).toFixed(0)} %${bottleneckScalable(sizing) ? '' : ' (no lanes to add)'}; busiest engine with lanes: ${sizing.check.nextEngineToAdd}`,
            `node cost ${sizing.nodeCostUsd.toLocaleString('en-US')} USD, power ${sizing.nodePowerW} W (from the architecture's per-engine figures)`,
            '',
          ].join('\n'),
        );
        if (failed !== null) throw failed;
      }),
    );
}

/** Whether the check's bottleneck is an engine whose lanes sizing can add (not a NIC, link or validator). */
function bottleneckScalable(sizing: ReturnType<typeof sizeArchitecture>): boolean {
  return sizing.check.bottleneck.endsWith(`.${sizing.check.nextEngineToAdd}`);
}

/** Each datapath-sized pipeline: the multiplier counts tried, the one chosen, and the area against the budget. */
function datapathLines(sizing: ReturnType<typeof sizeArchitecture>): string[] {
  if (sizing.datapaths.length === 0) return [];
  const lines = sizing.datapaths.flatMap((d) => [
    `  ${d.engine} datapath: multipliers per engine → µs per operation, engines, area (each, total)`,
    ...d.variants.map(
      (v) =>
        `    ${v.multipliers === d.chosen.multipliers ? '*' : ' '} ${String(v.multipliers).padStart(2)} → ${v.latencyUs.toFixed(1).padStart(8)} µs  ${String(v.lanes).padStart(7)} engines  ${v.engineArea.toLocaleString('en-US')} / ${v.totalArea.toLocaleString('en-US')}`,
    ),
  ]);
  const { total, budget, fits } = sizing.area;
  lines.push(
    `  datapath area at the check: ${total.toLocaleString('en-US')}${budget === null ? '' : ` of a budget of ${budget.toLocaleString('en-US')} — ${fits === true ? 'fits' : 'does NOT fit'}`}`,
  );
  return lines;
}
