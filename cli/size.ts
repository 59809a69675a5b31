/**
 * `bpusim size --target-tps T`: the cheapest engine counts of an architecture that hold T.
 *
 * Below saturation an engine's utilisation grows linearly with the offered rate, so one short run
 * at a low rate measures each engine's demand per transaction (busy lanes per TPS) on every node.
 * Each engine is then given the fewest lanes (cores, boards, pipelines) that carry the target at a
 * utilisation ceiling (default 80 %, headroom for queueing), which is the cheapest mix because cost
 * is per lane; the sized architecture is checked with a run at the target, and the report names
 * its bottleneck and the next engine to add. Engines that cannot be scaled by lanes (a single NIC,
 * the PCIe link) are reported when they would pass the ceiling.
 */
import type { Command } from 'commander';
import { architectureSchema, checkArchitecture, loadArchitecture, type Architecture } from '../engines/architecture.js';
import { validateConfig } from '../engines/config-file.js';
import type { EngineStats } from '../reports/run-report.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { writeFileAtomic } from './_output.js';
import { intFlag, numberFlag } from './_parse.js';
import { buildReport, RUN_DEFAULTS, type RunFlags } from './run.js';

interface SizeFlags {
  targetTps: number;
  arch: string;
  workload: string;
  topology: string;
  probeRate: number;
  duration: string;
  ceiling: number;
  iterations: number;
  out?: string;
  json?: boolean;
}

/** Where each engine's lane count lives in the architecture file. */
function lanePath(engine: string): string[] | null {
  if (engine === 'cpu') return ['engines', 'cpu', 'cores'];
  if (engine === 'sc') return ['engines', 'sc', 'boards'];
  if (engine === 'crypto.hash') return ['engines', 'crypto', 'hash', 'lanes'];
  const crypto = /^crypto\.(sign|verify)\.(p256|ed25519|bls)$/.exec(engine);
  if (crypto !== null) return ['engines', 'crypto', crypto[1] as string, crypto[2] as string, 'lanes'];
  if (engine === 'db' || engine === 'serde' || engine === 'bft') return ['engines', engine, 'lanes'];
  return null;
}

function getPath(root: unknown, path: readonly string[]): unknown {
  return path.reduce<unknown>(
    (node, key) => (node !== null && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined),
    root,
  );
}

function setPath(root: Record<string, unknown>, path: readonly string[], value: number): void {
  let node = root;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[path[path.length - 1] as string] = value;
}

export interface SizingResult {
  targetTps: number;
  base: string;
  probe: {
    rateTps: number;
    engines: { engine: string; busyLanesPerKtps: number; lanesBefore: number; lanesAfter: number }[];
  };
  unscalable: { engine: string; utilisationAtTarget: number }[];
  sized: Architecture;
  check: {
    committedTps: number;
    holds: boolean;
    bottleneck: string;
    bottleneckUtilisation: number;
    nextEngineToAdd: string;
  };
  nodeCostUsd: number;
  nodePowerW: number;
}

export function sizeArchitecture(flags: SizeFlags): SizingResult {
  const base = loadArchitecture(flags.arch);
  const common: Partial<RunFlags> = {
    workload: flags.workload,
    topology: flags.topology,
    duration: flags.duration,
    crypto: 'modeled',
    baseline: 'none',
    arrival: 'poisson',
  };
  const probe = buildReport({ ...RUN_DEFAULTS, ...common, rate: flags.probeRate } as RunFlags, base);
  // Demand per transaction: each engine's busy lane-seconds over the probe divided by its
  // transactions (robust to idle tails such as a final batch timeout), the busiest node of each
  // kind deciding (every node shares the architecture). At the target: busy lanes = demand × T.
  const probeResult = probe.results.arch;
  const txs = Math.max(1, probeResult.submittedTxs);
  const demand = new Map<string, number>();
  for (const s of probeResult.engines as EngineStats[]) {
    const busyLaneSecondsPerTx = (s.utilisation * s.lanes * probeResult.simulatedSeconds) / txs;
    demand.set(s.engine, Math.max(demand.get(s.engine) ?? 0, busyLaneSecondsPerTx));
  }
  const scale = flags.targetTps;
  const sized = structuredClone(base) as unknown as Record<string, unknown>;
  const engines: SizingResult['probe']['engines'] = [];
  const unscalable: SizingResult['unscalable'] = [];
  for (const [engine, busyLanes] of demand) {
    // busyLanes: lane-seconds per transaction; × TPS gives busy lanes at that rate.
    const path = lanePath(engine);
    const lanesBefore = Number(getPath(base, path ?? []) ?? 1);
    if (path === null) continue;
    // SC boards hold coresPerBoard lanes each.
    const lanesPerUnit = engine === 'sc' ? (base.engines.sc?.coresPerBoard ?? 1) : 1;
    const lanesAfter = Math.max(1, Math.ceil((busyLanes * scale) / flags.ceiling / lanesPerUnit));
    setPath(sized, path, lanesAfter);
    engines.push({ engine, busyLanesPerKtps: Number((busyLanes * 1000).toPrecision(4)), lanesBefore, lanesAfter });
  }
  (sized as { name: string }).name = `${base.name}-sized-${Math.round(flags.targetTps)}tps`;
  const where = `sizing of ${base.name}`;
  let sizedArch = checkArchitecture(where, validateConfig(where, architectureSchema, sized));
  let check = buildReport({ ...RUN_DEFAULTS, ...common, rate: flags.targetTps } as RunFlags, sizedArch);
  // Linear demand misses one effect: a peer validates one block at a time, so the block's
  // validation time (not only the lanes' average load) must fit between blocks. While the check
  // fails on that serial validator, widen the engines a block's validation waits on and re-check.
  for (
    let iteration = 0;
    iteration < flags.iterations && check.results.arch.committedTps < 0.95 * flags.targetTps;
    iteration++
  ) {
    const bottleneck = check.results.arch.bottleneck.engine;
    const widen =
      bottleneck === 'validator'
        ? engines.filter((e) => /^(crypto\.verify|db|crypto\.hash|serde|cpu)/.test(e.engine))
        : engines.filter((e) => e.engine === bottleneck);
    if (widen.length === 0) break;
    for (const e of widen) {
      e.lanesAfter = Math.ceil(e.lanesAfter * 1.5);
      setPath(sized, lanePath(e.engine) as string[], e.lanesAfter);
    }
    sizedArch = checkArchitecture(where, validateConfig(where, architectureSchema, sized));
    check = buildReport({ ...RUN_DEFAULTS, ...common, rate: flags.targetTps } as RunFlags, sizedArch);
  }
  const result = check.results.arch;
  // Engines without lanes to add (a NIC, the PCIe link, a peer's serial validator), as measured at the target.
  for (const s of result.engines as EngineStats[]) {
    if (
      lanePath(s.engine) === null &&
      s.utilisation > flags.ceiling &&
      !unscalable.some((u) => u.engine === s.engine)
    ) {
      unscalable.push({ engine: s.engine, utilisationAtTarget: Number(s.utilisation.toPrecision(4)) });
    }
  }
  const ranked = [...(result.engines as EngineStats[])].sort((a, b) => b.utilisation - a.utilisation);
  const next = ranked.find((s) => lanePath(s.engine) !== null);
  return {
    targetTps: flags.targetTps,
    base: base.name,
    probe: { rateTps: flags.probeRate, engines },
    unscalable,
    sized: sizedArch,
    check: {
      committedTps: result.committedTps,
      holds: result.committedTps >= 0.95 * flags.targetTps,
      bottleneck: `${result.bottleneck.node}.${result.bottleneck.engine}`,
      bottleneckUtilisation: result.bottleneck.utilisation,
      nextEngineToAdd: next === undefined ? '-' : next.engine,
    },
    nodeCostUsd: result.nodeCostUsd,
    nodePowerW: result.nodePowerW,
  };
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
    .option('--out <file>', 'write the sized architecture (JSON) here')
    .option('--json', 'print the sizing as JSON')
    .action(
      action((flags: SizeFlags) => {
        if (flags.probeRate > flags.targetTps)
          throw new UsageError(`--probe-rate (${flags.probeRate}) must not exceed --target-tps (${flags.targetTps})`);
        const sizing = sizeArchitecture(flags);
        if (flags.out !== undefined) writeFileAtomic(flags.out, `${JSON.stringify(sizing.sized, null, 2)}\n`);
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(sizing)}\n`);
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
            ...warn,
            `check at target: committed ${Math.round(sizing.check.committedTps).toLocaleString('en-US')} TPS — ${sizing.check.holds ? 'holds' : 'does NOT hold'}; bottleneck ${sizing.check.bottleneck} ${(sizing.check.bottleneckUtilisation * 100).toFixed(0)} %; next engine to add: ${sizing.check.nextEngineToAdd}`,
            `node cost ${sizing.nodeCostUsd.toLocaleString('en-US')} USD, power ${sizing.nodePowerW} W (from the architecture's per-engine figures)`,
            '',
          ].join('\n'),
        );
      }),
    );
}
