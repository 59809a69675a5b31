/**
 * Deterministic simulation testing of the ordering protocols (TigerBeetle's VOPR idea): each seed
 * draws a cluster size and a fault schedule — crashes and restarts, a partition, message drop,
 * duplication and delay, a slow node, and (PBFT) Byzantine primaries — runs it in simulated time,
 * and checks safety (no two honest nodes decide different batches at one height) and liveness
 * (once every fault is cleared, new batches are decided within a bound). The total of crashed and
 * Byzantine nodes stays within the protocol's tolerance f. A seed replays exactly.
 */
import { RandomStreams, msToPs, type RandomStream } from '../sim/index.js';
import type { Architecture } from '../engines/architecture.js';
import type { NodeId } from '../ledger/consensus/types.js';
import { type ByzantineMode, type Protocol, faultTolerance, runConsensus } from './consensus-experiment.js';

export const FUZZ_FAULTS_CLEAR_MS = 1500;
export const FUZZ_LIVENESS_BOUND_MS = 3000;
const FUZZ_END_MS = FUZZ_FAULTS_CLEAR_MS + FUZZ_LIVENESS_BOUND_MS;

export interface FuzzCaseResult {
  seed: number;
  protocol: Protocol;
  orderers: number;
  scenario: string[];
  safetyViolations: number;
  livenessFailure: boolean;
  heightAtClear: number;
  finalHeight: number;
}

/** One seed's cluster and fault schedule, drawn in a fixed order from the seed's scenario stream. */
interface FuzzScenario {
  n: number;
  byzantine: Map<NodeId, ByzantineMode>;
  crashPlan: { id: NodeId; atMs: number; restartMs: number }[];
  partitioned: NodeId[];
  partitionAtMs: number;
  faults: { dropProbability: number; duplicateProbability: number; delayProbability: number; delayMaxMs: number };
  slowNode: number;
  slowMs: number;
  /** The schedule in words, printed when a seed is replayed. */
  scenario: string[];
}

function drawScenario(protocol: Protocol, rng: RandomStream): FuzzScenario {
  const n = protocol === 'raft' ? pick(rng, [3, 5]) : pick(rng, [4, 7]);
  const f = faultTolerance(protocol, n);
  const scenario: string[] = [`n=${n} f=${f}`];
  const byzantine = new Map<NodeId, ByzantineMode>();
  if (protocol === 'pbft' && rng.random() < 0.6) {
    const count = 1 + rng.int(f);
    const modes: ByzantineMode[] = ['equivocate', 'withhold', 'bad-digest'];
    // Node 0 is the first primary: make it Byzantine often, since that is where PBFT is tested.
    const candidates = rng.random() < 0.7 ? [0, ...shuffle(rng, range(1, n))] : shuffle(rng, range(0, n));
    for (const id of candidates.slice(0, count)) byzantine.set(id, pick(rng, modes));
    scenario.push(`byzantine ${[...byzantine].map(([id, mode]) => `${id}:${mode}`).join(',')}`);
  }
  const crashBudget = f - byzantine.size;
  const honest = range(0, n).filter((id) => !byzantine.has(id));
  const crashes = shuffle(rng, honest).slice(0, rng.int(crashBudget + 1));
  const crashPlan = crashes.map((id) => {
    const atMs = Math.round(rng.random() * 1000);
    const restartMs = atMs + Math.round(rng.random() * (FUZZ_FAULTS_CLEAR_MS - atMs));
    scenario.push(`crash ${id} at ${atMs} ms, restart at ${restartMs} ms`);
    return { id, atMs, restartMs };
  });
  const partitioned =
    rng.random() < 0.4 ? shuffle(rng, range(0, n)).slice(0, 1 + rng.int(Math.max(1, Math.floor((n - 1) / 2)))) : [];
  const partitionAtMs = Math.round(rng.random() * 1000);
  if (partitioned.length > 0) scenario.push(`partition {${partitioned.join(',')}} at ${partitionAtMs} ms`);
  const faults = {
    dropProbability: rng.random() * 0.1,
    duplicateProbability: rng.random() * 0.1,
    delayProbability: rng.random() * 0.2,
    delayMaxMs: 20,
  };
  scenario.push(
    `drop ${faults.dropProbability.toFixed(3)} dup ${faults.duplicateProbability.toFixed(3)} delay ${faults.delayProbability.toFixed(3)}×≤20ms`,
  );
  const slowNode = rng.random() < 0.3 ? rng.int(n) : -1;
  const slowMs = 1 + rng.random() * 4;
  if (slowNode >= 0) scenario.push(`slow ${slowNode} +${slowMs.toFixed(1)} ms/msg`);
  scenario.push(`all faults cleared at ${FUZZ_FAULTS_CLEAR_MS} ms`);
  return { n, byzantine, crashPlan, partitioned, partitionAtMs, faults, slowNode, slowMs, scenario };
}

export function fuzzCase(protocol: Protocol, seed: number, arch: Architecture): FuzzCaseResult {
  const drawn = drawScenario(protocol, new RandomStreams(seed).stream('fuzz/scenario'));
  const { n, byzantine, crashPlan, partitioned, partitionAtMs, faults, slowNode, slowMs, scenario } = drawn;
  let heightAtClear = 0;
  const result = runConsensus({
    protocol,
    n,
    arch,
    seed,
    ratePerSec: 200,
    durationPs: msToPs(FUZZ_END_MS),
    drainPs: 0,
    settlePs: 0,
    envelopeBytes: 512,
    byzantine,
    faults,
    schedule(driver, env) {
      if (slowNode >= 0) driver.slow(slowNode, slowMs);
      for (const crash of crashPlan) {
        env.schedule(msToPs(crash.atMs), () => driver.crash(crash.id));
        env.schedule(msToPs(crash.restartMs), () => driver.restart(crash.id));
      }
      if (partitioned.length > 0) {
        const rest = range(0, n).filter((id) => !partitioned.includes(id));
        env.schedule(msToPs(partitionAtMs), () => driver.partition(partitioned, rest));
      }
      env.schedule(msToPs(FUZZ_FAULTS_CLEAR_MS), () => {
        driver.heal();
        driver.setNetworkFaults({ dropProbability: 0, duplicateProbability: 0, delayProbability: 0, delayMaxMs: 0 });
        for (let id = 0; id < n; id++) {
          driver.restart(id);
          driver.slow(id, 0);
        }
        heightAtClear = driver.canonicalHeight;
      });
    },
  });
  return {
    seed,
    protocol,
    orderers: n,
    scenario,
    safetyViolations: result.safetyViolations,
    livenessFailure: result.decidedHeight <= heightAtClear,
    heightAtClear,
    finalHeight: result.decidedHeight,
  };
}

export interface FuzzSummary {
  protocol: Protocol;
  seeds: number;
  safetyViolations: number;
  livenessFailures: number;
  firstFailingSeed: number | null;
}

export function fuzzMany(protocol: Protocol, seeds: readonly number[], arch: Architecture): FuzzSummary {
  let safetyViolations = 0;
  let livenessFailures = 0;
  let firstFailingSeed: number | null = null;
  for (const seed of seeds) {
    const result = fuzzCase(protocol, seed, arch);
    safetyViolations += result.safetyViolations;
    if (result.livenessFailure) livenessFailures++;
    if ((result.safetyViolations > 0 || result.livenessFailure) && firstFailingSeed === null) firstFailingSeed = seed;
  }
  return { protocol, seeds: seeds.length, safetyViolations, livenessFailures, firstFailingSeed };
}

function pick<T>(rng: RandomStream, items: readonly T[]): T {
  return items[rng.int(items.length)] as T;
}

function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, i) => from + i);
}

function shuffle<T>(rng: RandomStream, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}
