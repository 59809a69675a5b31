/**
 * `bpusim bench des`: the kernel's speed on the reference M/M/c model of ../shared/bench/des,
 * built from the kernel's own Server resource (not a hand-inlined loop), so the figure is what
 * engines built on the kernel can expect. Prints one JSON object with --json (the keys run.sh
 * reads), else a short table.
 */
import type { Command } from 'commander';
import { buildMmcModel } from '../sim/models/mmc.js';
import { action } from './_action.js';
import { intFlag, numberFlag } from './_parse.js';

interface BenchDesFlags {
  customers: number;
  servers: number;
  rho: number;
  mu: number;
  seed: number;
  json?: boolean;
}

export function registerBenchDes(bench: Command): void {
  bench
    .command('des')
    .description('M/M/c model on the kernel: events per wall-second and mean wait vs Erlang-C')
    .option('--customers <n>', 'customers to simulate', intFlag('--customers', 1, 1e9), 1_000_000)
    .option('--servers <c>', 'identical servers (lanes)', intFlag('--servers', 1, 1_000_000), 8)
    .option('--rho <r>', 'utilisation λ/(cμ), below 1', numberFlag('--rho', 0, 0.9999, { exclusiveMin: true }), 0.9)
    .option(
      '--mu <m>',
      'service rate per server (per time unit)',
      numberFlag('--mu', 0, 1e6, { exclusiveMin: true }),
      1,
    )
    .option('--seed <s>', 'root seed', intFlag('--seed', 0), 1)
    .option('--json', 'print one JSON object')
    .action(
      action((flags: BenchDesFlags) => {
        const model = buildMmcModel(flags);
        // Only the run loop is timed, as the reference scripts do (no start-up, no warm-up).
        const startNs = process.hrtime.bigint(); // host-time-ok
        model.env.run();
        const wallSeconds = Number(process.hrtime.bigint() - startNs) / 1e9; // host-time-ok
        const figures = model.finish();
        const result = {
          ...figures,
          wallSeconds,
          eventsPerSec: figures.events / wallSeconds,
          impl: `bpusim-kernel/node-${process.versions.node}`,
        };
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        const errorPct = (result.meanWait / result.erlangCWait - 1) * 100;
        process.stdout.write(
          [
            `M/M/${result.servers}  rho=${result.rho}  customers=${result.customers}  seed=${result.seed}`,
            `events        ${result.events}  (arrival + service start + departure per customer)`,
            `wall          ${result.wallSeconds.toFixed(3)} s  (host)`,
            `events/s      ${Math.round(result.eventsPerSec).toLocaleString('en-US')}  (host)`,
            `mean wait     ${result.meanWait.toFixed(4)}  vs Erlang-C ${result.erlangCWait.toFixed(4)}  (${errorPct >= 0 ? '+' : ''}${errorPct.toFixed(2)} %)`,
            '',
          ].join('\n'),
        );
      }),
    );
}
