/**
 * Sizing: the cheapest engine counts of an architecture that hold a target TPS.
 *
 * Below saturation an engine's utilisation grows linearly with the offered rate, so one short run
 * at a low rate measures each engine's demand per transaction (busy lanes per TPS) on every node.
 * Each engine is then given the fewest lanes (cores, boards, pipelines) that carry the target at a
 * utilisation ceiling (default 80 %, headroom for queueing), which is the cheapest mix because cost
 * is per lane; the sized architecture is checked with a run at the target, and the result names
 * its bottleneck and the next engine to add. Engines that cannot be scaled by lanes (a single NIC,
 * the PCIe link) are reported when they would pass the ceiling.
 */
import type { DatapathConfig } from '../engines/datapath-pipeline.js';
import { chooseDatapath, type DatapathChoice } from './datapath-sizing.js';
import { type Architecture, architectureSchema, checkArchitecture, loadArchitecture } from '../engines/architecture.js';
import { validateConfig } from '../engines/config-file.js';
import { significantFigures } from '../reports/figures.js';
import type { RunReport } from '../reports/run-report.js';
import { buildRunReport } from './report.js';
import { SCENARIO_DEFAULTS, type Scenario } from './scenario.js';

export interface SizeOptions {
  targetTps: number;
  arch: string;
  workload: string;
  topology: string;
  probeRate: number;
  duration: string;
  ceiling: number;
  iterations: number;
  /** Area the datapath-described crypto pipelines of a node may take together (their `area` unit); none when absent. */
  areaBudget?: number;
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

function setPath(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
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
  /** Engines this workload never used at the probe: set to one lane (the cheapest), not sized. */
  unused: string[];
  /** Crypto pipelines given by a datapath with `area`: the multiplier counts tried and the one chosen. */
  datapaths: DatapathChoice[];
  /** Their chosen total area against the budget (null without a budget). */
  area: { total: number; budget: number | null; fits: boolean | null };
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

type LaneChoice = SizingResult['probe']['engines'][number];

/** The probe and check runs: the scenario at one rate on one architecture, modeled crypto, no baseline. */
function runAt(options: SizeOptions, rate: number, arch: Architecture): RunReport {
  const scenario: Scenario = {
    ...SCENARIO_DEFAULTS,
    workload: options.workload,
    topology: options.topology,
    duration: options.duration,
    crypto: 'modeled',
    baseline: 'none',
    arrival: 'poisson',
    rate,
  };
  return buildRunReport(scenario, { archOverride: arch });
}

/**
 * Demand per transaction: each engine's busy lane-seconds over the probe divided by its
 * transactions (robust to idle tails such as a final batch timeout), the busiest node of each
 * kind deciding (every node shares the architecture). At the target: busy lanes = demand × T.
 */
function demandPerTx(probe: RunReport): Map<string, number> {
  const probeResult = probe.results.arch;
  const txs = Math.max(1, probeResult.submittedTxs);
  const demand = new Map<string, number>();
  for (const s of probeResult.engines) {
    // Whole-run busy time over every transaction submitted in the run.
    const busyLaneSecondsPerTx = ((s.runUtilisation ?? s.utilisation) * s.lanes * probeResult.simulatedSeconds) / txs;
    demand.set(s.engine, Math.max(demand.get(s.engine) ?? 0, busyLaneSecondsPerTx));
  }
  return demand;
}

/** The fewest lanes per engine that carry the target at the ceiling, written into `sized`. */
function chooseLanes(
  base: Architecture,
  demand: Map<string, number>,
  options: SizeOptions,
  sized: Record<string, unknown>,
  unused: string[],
  datapaths: DatapathChoice[],
): LaneChoice[] {
  const engines: LaneChoice[] = [];
  for (const [engine, busyLanes] of demand) {
    // busyLanes: lane-seconds per transaction; × TPS gives busy lanes at that rate.
    const path = lanePath(engine);
    const lanesBefore = Number(getPath(base, path ?? []) ?? 1);
    if (path === null) continue;
    if (busyLanes === 0) {
      setPath(sized, path, 1);
      unused.push(engine);
      continue;
    }
    // SC boards hold coresPerBoard lanes each.
    const lanesPerUnit = engine === 'sc' ? (base.engines.sc?.coresPerBoard ?? 1) : 1;
    const lanesFor = (busy: number): number =>
      Math.max(1, Math.ceil((busy * options.targetTps) / options.ceiling / lanesPerUnit));
    let lanesAfter = lanesFor(busyLanes);
    const datapath = datapathOf(getPath(base, path.slice(0, -1)));
    if (datapath?.area !== undefined) {
      const choice = chooseDatapath(engine, datapath, busyLanes, lanesFor);
      datapaths.push(choice);
      lanesAfter = choice.chosen.lanes;
      setPath(sized, [...path.slice(0, -1), 'datapath'], choice.datapath);
    }
    setPath(sized, path, lanesAfter);
    engines.push({ engine, busyLanesPerKtps: significantFigures(busyLanes * 1000, 4), lanesBefore, lanesAfter });
  }
  return engines;
}

export function sizeArchitecture(options: SizeOptions): SizingResult {
  const base = loadArchitecture(options.arch);
  const demand = demandPerTx(runAt(options, options.probeRate, base));
  const sized = structuredClone(base) as unknown as Record<string, unknown>;
  const unused: string[] = [];
  const datapaths: DatapathChoice[] = [];
  const engines = chooseLanes(base, demand, options, sized, unused, datapaths);
  (sized as { name: string }).name = `${base.name}-sized-${Math.round(options.targetTps)}tps`;
  const where = `sizing of ${base.name}`;
  let sizedArch = checkArchitecture(where, validateConfig(where, architectureSchema, sized));
  let check = runAt(options, options.targetTps, sizedArch);
  // Linear demand misses one effect: a peer validates one block at a time, so the block's
  // validation time (not only the lanes' average load) must fit between blocks. While the check
  // fails on that serial validator, widen the engines a block's validation waits on and re-check.
  for (
    let iteration = 0;
    iteration < options.iterations && check.results.arch.committedTps < 0.95 * options.targetTps;
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
    check = runAt(options, options.targetTps, sizedArch);
  }
  return sizingResult(options, base, { engines, unused, datapaths }, sizedArch, check);
}

/** A pipeline spec's datapath, when it is given by one. */
function datapathOf(spec: unknown): DatapathConfig | undefined {
  return spec !== null && typeof spec === 'object' && 'datapath' in spec
    ? (spec.datapath as DatapathConfig)
    : undefined;
}

function sizingResult(
  options: SizeOptions,
  base: Architecture,
  { engines, unused, datapaths }: { engines: LaneChoice[]; unused: string[]; datapaths: DatapathChoice[] },
  sized: Architecture,
  check: RunReport,
): SizingResult {
  const result = check.results.arch;
  // Engines without lanes to add (a NIC, the PCIe link, a peer's serial validator), as measured at the target.
  const unscalable: SizingResult['unscalable'] = [];
  for (const s of result.engines) {
    if (
      lanePath(s.engine) === null &&
      s.utilisation > options.ceiling &&
      !unscalable.some((u) => u.engine === s.engine)
    ) {
      unscalable.push({ engine: s.engine, utilisationAtTarget: significantFigures(s.utilisation, 4) });
    }
  }
  const ranked = [...result.engines].sort((a, b) => b.utilisation - a.utilisation);
  const next = ranked.find((s) => lanePath(s.engine) !== null);
  return {
    targetTps: options.targetTps,
    base: base.name,
    probe: { rateTps: options.probeRate, engines },
    unscalable,
    unused,
    datapaths,
    area: areaAgainstBudget(datapaths, sized, options.areaBudget),
    sized,
    check: {
      committedTps: result.committedTps,
      holds: result.committedTps >= 0.95 * options.targetTps,
      bottleneck: `${result.bottleneck.node}.${result.bottleneck.engine}`,
      bottleneckUtilisation: result.bottleneck.utilisation,
      nextEngineToAdd: next === undefined ? '-' : next.engine,
    },
    nodeCostUsd: result.nodeCostUsd,
    nodePowerW: result.nodePowerW,
  };
}

/** The chosen datapaths' area at the lanes the sized architecture ended with (the check may have widened them). */
function areaAgainstBudget(
  datapaths: readonly DatapathChoice[],
  sized: Architecture,
  budget: number | undefined,
): SizingResult['area'] {
  let total = 0;
  for (const choice of datapaths) {
    const lanes = Number(getPath(sized, lanePath(choice.engine) ?? []) ?? choice.chosen.lanes);
    total += lanes * choice.chosen.engineArea;
  }
  return { total, budget: budget ?? null, fits: budget === undefined ? null : total <= budget };
}
