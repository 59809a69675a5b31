/**
 * Capacity: the highest offered rate an architecture sustains on a scenario — transactions
 * processed to an outcome (VALID, plus what the workload itself made invalid, counted apart:
 * WORKLOAD_INVALID) at least 95 % of the arrivals over the measurement window and, with a service-level objective
 * (`sloP99Ms`), the steady p99 latency within it (requests submitted after the warm-up and before
 * the last batch timeout: the last ones wait for a block only the timeout cuts, which a service
 * under continuing load does not see). Found by doubling the rate
 * from `startTps` until a run does not hold, then bisecting (geometrically) between the last rate
 * that held and the first that did not, until they are within `tolerance` of each other. Every run
 * is kept as a point, so the curve up to the knee is in the result, with the bottleneck of the
 * first rate that does not hold (where the machine saturates).
 *
 * Why the workload's invalid transactions count toward holding: an MVCC conflict is a transaction
 * the machine endorsed, ordered and validated — the work was done; it is invalid because two
 * transactions of the workload touched one key, which no hardware removes (likewise a proposal the
 * chaincode refuses, say for want of funds). Counting VALID alone would make a contended workload
 * (SmallBank on 10K accounts: over 5 % conflicts at any rate) sustain nothing on any machine. They
 * are kept apart: each point carries VALID (committedTps, the useful throughput) and the rest
 * (workloadInvalidTps, conflictShare), so a reader sees both. A machine that cannot keep up still
 * fails: refusals, time-outs and a growing backlog leave arrivals without such an outcome.
 */
import { createHash } from 'node:crypto';
import type { Architecture } from '../engines/architecture.js';
import type { EngineStats } from '../engines/node-engines.js';
import { GenesisImages } from '../ledger/index.js';
import { parseDurationPs, psToSeconds, secondsToPs } from '../sim/index.js';
import { resolveScenario, type Scenario } from './scenario.js';
import type { Topology } from './topology.js';
import { HOLD_FRACTION } from './scalability.js';
import { runSystem, type SystemRunOptions } from './run-system.js';
import { peerAsOne, sixFigures } from '../reports/figures.js';
import type { SeedMetric } from '../reports/run-report.js';
import { seedMetric } from '../reports/seed-statistics.js';

/**
 * The genesis images a search's runs share (ledger/genesis-image.ts): every run of a search, and
 * of the searches of one process on the same channel (a study's worker), builds the same genesis;
 * a million accounts took ≈ 45 s a run. Same results with or without.
 */
export const SEARCH_GENESIS_IMAGES = new GenesisImages(2);

/** Blocks' worth of arrivals a run lasts at least (its window, the last ¾, then holds ≈ 45 blocks: ±2 %). */
const BLOCKS_PER_RUN = 60;
const MIN_ARRIVALS = 4_000;

export interface CapacityPoint {
  readonly offeredTps: number;
  /** VALID commits per second over the window (the useful throughput). */
  readonly committedTps: number;
  /** Per second over the window, what the workload made invalid (MVCC conflicts, chaincode refusals: WORKLOAD_INVALID). */
  readonly workloadInvalidTps: number;
  readonly holds: boolean;
  readonly p99LatencyMs: number;
  /** p99 of the requests submitted in the steady part of the run (see the file's comment). */
  readonly steadyP99LatencyMs: number;
  readonly bottleneck: string;
  /**
   * The three busiest engines of the run, most utilised first, peers named as one (`peer.`: they
   * are alike) — how the bottleneck migrates as the offered rate rises.
   */
  readonly busiest: readonly { readonly engine: string; readonly utilisation: number }[];
  /**
   * Share of the run's transactions that failed MVCC (read or phantom conflicts): contention of the
   * workload, not a lack of hardware. They do not count as committed, so a contended workload's
   * capacity is its useful throughput; this says how much of the load they were.
   */
  readonly conflictShare: number;
  /** What the machines of the run cost and draw (the architecture's per-node figures × nodes) and spend per VALID commit. */
  readonly nodes: number;
  readonly nodeCostUsd: number;
  readonly nodePowerW: number;
  readonly joulesPerCommittedTx: number | null;
}

export interface CapacityResult {
  readonly architecture: string;
  /** The highest offered rate that held (0 when even `startTps` did not). */
  readonly capacityTps: number;
  /** Bottleneck of the lowest rate that did not hold (or of the highest run, when every run held). */
  readonly bottleneckAtKnee: string;
  /** The run at the capacity (null when nothing held). */
  readonly atCapacity: CapacityPoint | null;
  readonly points: readonly CapacityPoint[];
}

export interface CapacityOptions {
  readonly startTps: number;
  readonly maxTps: number;
  /** Stop bisecting when the failing rate is within this factor above the holding one (0.05: 5 %). */
  readonly tolerance: number;
  /** A rate holds only if the steady p99 latency is at most this (milliseconds); none when absent. */
  readonly sloP99Ms?: number;
  /** How long each run lasts at least: blocks' worth of arrivals and arrivals (default 60 blocks, 4,000 arrivals). */
  readonly runLength?: { readonly blocks: number; readonly arrivals: number };
  readonly onPoint?: (point: CapacityPoint) => void;
}

/** The run at `rate` offered for at least `minDurationS` (arrival process and duration resolved for it). */
export type RunAtRate = (rate: number, minDurationS: number) => SystemRunOptions;

/**
 * The scenario's runs at any rate on `arch` (modeled signatures, no baseline): the arrival process
 * and duration are resolved again for each rate, since an open process carries its rate. The
 * scenario's duration is a floor; `topology` replaces the scenario's when given.
 */
export function scenarioRunAt(scenario: Scenario, arch: Architecture, topology?: Topology): RunAtRate {
  const floorPs = parseDurationPs(scenario.duration) ?? 0;
  return (rate, minDurationS) => {
    const durationMs = Math.ceil(Math.max(floorPs, secondsToPs(minDurationS)) / 1e9);
    const resolved = resolveScenario({
      ...scenario,
      baseline: 'none',
      crypto: 'modeled',
      rate,
      duration: `${durationMs}ms`,
    });
    return { ...resolved.options, ...(topology === undefined ? {} : { topology }), arch };
  };
}

/**
 * One run of the search at `rate`, with a fingerprint of its whole result (two runs with the same
 * fingerprint simulated the same thing).
 */
export function runCapacityPoint(
  runAt: RunAtRate,
  rate: number,
  length: { blocks: number; arrivals: number } = { blocks: BLOCKS_PER_RUN, arrivals: MIN_ARRIVALS },
  sloP99Ms?: number,
): { point: CapacityPoint; fingerprint: string } {
  // Commits come a block at a time, so a window of few blocks misreads the rate by up to one
  // block in a handful: each run lasts at least BLOCKS_PER_RUN blocks' worth of arrivals, and
  // enough arrivals that their count is within a few percent of the rate (Poisson: ±1/√n).
  const probe = runAt(rate, 0);
  const minArrivals = Math.max(length.arrivals, length.blocks * probe.topology.batch.maxMessageCount);
  const options = runAt(rate, minArrivals / rate);
  const result = runSystem({ ...options, genesisImages: SEARCH_GENESIS_IMAGES });
  // Held against the arrivals that came (an open process's count varies about the rate).
  const arrivedTps = result.submittedTxs / psToSeconds(options.durationPs);
  // What was simulated, not how the machine was described: an engine's lane count shows in its
  // stats even when nothing ran on it.
  const { architecture: _name, engines, ...rest } = result;
  const simulated = { ...rest, engines: engines.map(({ lanes: _lanes, ...figures }) => figures) };
  const steadyP99LatencyMs = result.steadyLatencyMs?.p99 ?? result.latencyMs.p99;
  const workloadInvalidTps = result.workloadInvalidTps ?? 0;
  const withinSlo = sloP99Ms === undefined || steadyP99LatencyMs <= sloP99Ms;
  return {
    point: {
      offeredTps: rate,
      committedTps: result.committedTps,
      workloadInvalidTps,
      holds: result.committedTps + workloadInvalidTps >= HOLD_FRACTION * Math.min(rate, arrivedTps) && withinSlo,
      p99LatencyMs: result.latencyMs.p99,
      steadyP99LatencyMs,
      bottleneck: `${result.bottleneck.node}.${result.bottleneck.engine}`,
      busiest: busiestEngines(result.engines),
      conflictShare: sixFigures(conflictsOf(result.validationCodes) / Math.max(1, result.submittedTxs)),
      nodes: new Set(result.engines.filter((e) => e.engine === 'cpu').map((e) => e.node)).size,
      nodeCostUsd: result.nodeCostUsd,
      nodePowerW: result.nodePowerW,
      joulesPerCommittedTx: result.energy?.joulesPerCommittedTx ?? null,
    },
    fingerprint: createHash('sha256').update(JSON.stringify(simulated)).digest('hex'),
  };
}

export { peerAsOne };

function busiestEngines(engines: readonly EngineStats[]): CapacityPoint['busiest'] {
  const byName = new Map<string, number>();
  for (const e of engines) {
    const name = peerAsOne(`${e.node}.${e.engine}`);
    byName.set(name, Math.max(byName.get(name) ?? 0, e.utilisation));
  }
  return [...byName]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, 3)
    .map(([engine, utilisation]) => ({ engine, utilisation: sixFigures(utilisation) }));
}

function conflictsOf(codes: Readonly<Record<string, number>>): number {
  return (codes.MVCC_READ_CONFLICT ?? 0) + (codes.PHANTOM_READ_CONFLICT ?? 0);
}

/** Narrows a rate that held and one that did not, geometrically, until they are within `tolerance`. */
export function bisectKnee(
  run: (rate: number) => CapacityPoint,
  heldAt: CapacityPoint,
  failedAt: CapacityPoint,
  tolerance: number,
): { held: CapacityPoint; failed: CapacityPoint } {
  let held = heldAt;
  let failed = failedAt;
  while (failed.offeredTps > held.offeredTps * (1 + tolerance)) {
    const point = run(Math.round(Math.sqrt(held.offeredTps * failed.offeredTps)));
    if (point.holds) held = point;
    else failed = point;
  }
  return { held, failed };
}

/** One line of progress for a run of a search. */
export function describePoint(point: CapacityPoint): string {
  return `${point.offeredTps} offered → ${point.committedTps} committed${point.holds ? '' : ' (does not hold)'}`;
}

export function findCapacity(runAt: RunAtRate, search: CapacityOptions): CapacityResult {
  const points: CapacityPoint[] = [];
  const architecture = runAt(search.startTps, 0).arch.name;
  const run = (rate: number): CapacityPoint => {
    const { point } = runCapacityPoint(runAt, rate, search.runLength, search.sloP99Ms);
    points.push(point);
    search.onPoint?.(point);
    return point;
  };
  let held: CapacityPoint | null = null;
  let failed: CapacityPoint | null = null;
  for (let rate = search.startTps; rate <= search.maxTps && failed === null; rate *= 2) {
    const point = run(Math.round(rate));
    if (point.holds) held = point;
    else failed = point;
  }
  if (held !== null && failed !== null) ({ held, failed } = bisectKnee(run, held, failed, search.tolerance));
  const knee = failed ?? points[points.length - 1];
  return {
    architecture,
    capacityTps: held?.offeredTps ?? 0,
    bottleneckAtKnee: knee?.bottleneck ?? '',
    atCapacity: held,
    points,
  };
}

/**
 * The search started near a known answer (a neighbouring scenario's capacity): a first run at
 * `startTps`, steps up or down until the outcome flips — the first by the tolerance itself (a
 * small change settles in one more run), later ×1.25 — then bisection. Fewer runs than doubling
 * from far below when the answer is close.
 */
export function findCapacityFrom(
  runAt: RunAtRate,
  startTps: number,
  search: Omit<CapacityOptions, 'startTps' | 'maxTps'>,
): CapacityResult {
  const points: CapacityPoint[] = [];
  const run = (rate: number): CapacityPoint => {
    const { point } = runCapacityPoint(runAt, rate, search.runLength, search.sloP99Ms);
    points.push(point);
    search.onPoint?.(point);
    return point;
  };
  const first = run(Math.max(1, Math.round(startTps)));
  let held: CapacityPoint | null = first.holds ? first : null;
  let failed: CapacityPoint | null = first.holds ? null : first;
  for (let i = 0; i < 24 && (held === null || failed === null); i += 1) {
    const step = i === 0 ? 1 + search.tolerance : 1.25;
    const rate = Math.round(held === null ? (failed as CapacityPoint).offeredTps / step : held.offeredTps * step);
    if (rate < 1) break;
    const point = run(rate);
    if (point.holds) held = point;
    else failed = point;
  }
  if (held !== null && failed !== null) ({ held, failed } = bisectKnee(run, held, failed, search.tolerance));
  return {
    architecture: runAt(startTps, 0).arch.name,
    capacityTps: held?.offeredTps ?? 0,
    bottleneckAtKnee: (failed ?? held ?? first).bottleneck,
    atCapacity: held,
    points,
  };
}

export interface CapacityOverSeeds {
  readonly architecture: string;
  readonly seeds: readonly number[];
  /** Mean and Student-t 95 % interval of the capacity over the seeds (0 with one seed). */
  readonly capacityTps: SeedMetric;
  /** The bottleneck at the knee of each seed, most frequent first. */
  readonly bottlenecksAtKnee: readonly { readonly bottleneck: string; readonly seeds: number }[];
  readonly perSeed: readonly CapacityResult[];
}

/** The search once per seed (each its own arrivals and workload draws): an interval, not one draw. */
export function findCapacityOverSeeds(
  runAtSeed: (seed: number) => RunAtRate,
  seeds: readonly number[],
  search: CapacityOptions,
): CapacityOverSeeds {
  const perSeed = seeds.map((seed) => findCapacity(runAtSeed(seed), search));
  const counts = new Map<string, number>();
  for (const r of perSeed) counts.set(r.bottleneckAtKnee, (counts.get(r.bottleneckAtKnee) ?? 0) + 1);
  return {
    architecture: perSeed[0]?.architecture ?? '',
    seeds,
    capacityTps: seedMetric(perSeed.map((r) => r.capacityTps)),
    bottlenecksAtKnee: [...counts]
      .map(([bottleneck, n]) => ({ bottleneck, seeds: n }))
      .sort((a, b) => b.seeds - a.seeds || a.bottleneck.localeCompare(b.bottleneck)),
    perSeed,
  };
}
