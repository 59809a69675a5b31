/**
 * Consensus on its own: n orderers running Raft or PBFT over data-centre links, fed envelopes by
 * clients at a fixed rate, measured in simulated time — blocks and transactions decided per second
 * and the latency from submission to the first honest decision. Used by `sweep consensus` (Table
 * 01's consensus throughput and latency as the number of nodes grows) and `fuzz consensus`.
 */
import { Environment, LatencyHistogram, parseDurationPs, psToSeconds, RandomStreams } from '../sim/index.js';
import { type Architecture, loadArchitecture } from '../engines/architecture.js';
import { ConfigError } from '../sim/errors.js';
import { sixFigures } from '../reports/figures.js';
import { createCryptoProvider, DEFAULT_BATCH, type BatchConfig, type CryptoProvider } from '../ledger/index.js';
import { createPbftNode, createRaftNode } from '../ledger/consensus/index.js';
import type { ConsensusNode, NodeId } from '../ledger/consensus/types.js';
import { ConsensusDriver, type LinkSpec, type NetworkFaults } from './consensus-driver.js';

export type Protocol = 'raft' | 'pbft';
export type ByzantineMode = 'equivocate' | 'withhold' | 'bad-digest';

export interface ConsensusRunOptions {
  protocol: Protocol;
  n: number;
  arch: Architecture;
  seed: number;
  ratePerSec: number;
  durationPs: number;
  /** Extra simulated time after the last submission for decisions to finish. */
  drainPs: number;
  /** Time before clients start, for a first leader to be elected (default: Raft 1 s, PBFT 0). */
  settlePs?: number;
  envelopeBytes: number;
  batch?: BatchConfig;
  batchTimeoutMs?: number;
  link?: LinkSpec;
  byzantine?: ReadonlyMap<NodeId, ByzantineMode>;
  /** Scheduled faults: called once with the driver before the run starts. */
  schedule?: (driver: ConsensusDriver, env: Environment) => void;
  faults?: NetworkFaults;
  /** Signs and checks protocol messages (default: the modeled provider, for speed). */
  crypto?: CryptoProvider;
}

export interface ConsensusRunResult {
  protocol: Protocol;
  orderers: number;
  architecture: string;
  blocksPerSec: number;
  txPerSec: number;
  latencyMs: { p50: number; p99: number; mean: number };
  decidedHeight: number;
  submittedTxs: number;
  decidedTxs: number;
  messagesDelivered: number;
  safetyViolations: number;
  bottleneck: { node: string; engine: string; utilisation: number };
}

export const CONSENSUS_DEFAULTS = {
  batchTimeoutMs: 50,
  electionTimeoutMs: [150, 300] as [number, number],
  heartbeatMs: 50,
  requestTimeoutMs: 500,
  checkpointInterval: 10,
  watermarkWindow: 40,
  link: { latencyUs: 100, gbps: 25 },
} as const;

export function faultTolerance(protocol: Protocol, n: number): number {
  return protocol === 'pbft' ? Math.floor((n - 1) / 3) : Math.floor((n - 1) / 2);
}

export function buildConsensus(
  options: ConsensusRunOptions,
  env: Environment,
  streams: RandomStreams,
): ConsensusDriver {
  const crypto = options.crypto ?? createCryptoProvider('modeled');
  const batch = options.batch ?? { ...DEFAULT_BATCH, maxMessageCount: 100 };
  const batchTimeoutMs = options.batchTimeoutMs ?? CONSENSUS_DEFAULTS.batchTimeoutMs;
  const orderIdsOnly = options.arch.platform?.orderTxIdsOnly === true;
  const createNode = (id: NodeId, persisted: unknown): ConsensusNode => {
    if (options.protocol === 'raft') {
      const rng = streams.stream(`raft/${id}/election/${persisted === undefined ? 0 : 1}`);
      return createRaftNode({
        id,
        n: options.n,
        random: () => rng.random(),
        batch,
        batchTimeoutMs,
        electionTimeoutMs: [...CONSENSUS_DEFAULTS.electionTimeoutMs],
        heartbeatMs: CONSENSUS_DEFAULTS.heartbeatMs,
        ...(persisted === undefined ? {} : { persisted }),
        crypto,
        orderIdsOnly,
      });
    }
    const byzantine = options.byzantine?.get(id);
    return createPbftNode({
      id,
      n: options.n,
      batch,
      batchTimeoutMs,
      requestTimeoutMs: CONSENSUS_DEFAULTS.requestTimeoutMs,
      checkpointInterval: CONSENSUS_DEFAULTS.checkpointInterval,
      watermarkWindow: CONSENSUS_DEFAULTS.watermarkWindow,
      crypto,
      seed: `bpusim/consensus/${options.seed}`,
      // Clients submit to every replica (below), so backups need not forward to the primary.
      forwardRequests: false,
      orderIdsOnly,
      ...(byzantine === undefined ? {} : { byzantine }),
      ...(persisted === undefined ? {} : { persisted }),
    });
  };
  const link = options.link ?? CONSENSUS_DEFAULTS.link;
  return new ConsensusDriver({
    env,
    arch: options.arch,
    n: options.n,
    createNode,
    link: () => link,
    faultRng: streams.stream('consensus/network-faults'),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
    byzantine: new Set(options.byzantine?.keys() ?? []),
  });
}

export function runConsensus(options: ConsensusRunOptions): ConsensusRunResult & { driver: ConsensusDriver } {
  const env = new Environment();
  const streams = new RandomStreams(options.seed);
  const submittedAt = new Map<string, number>();
  const latency = new LatencyHistogram();
  let decidedTxs = 0;
  let decidedInWindow = 0;
  let blocksInWindow = 0;
  // Clients start after the cluster settles (Raft elects its first leader), and rates are measured
  // from the end of a warm-up (a quarter of the submissions) to the end of the submissions.
  const settlePs = options.settlePs ?? (options.protocol === 'raft' ? 1e12 : 0);
  const endPs = settlePs + options.durationPs;
  const warmupPs = settlePs + Math.round(options.durationPs / 4);
  const driver = buildConsensus(options, env, streams);
  driver.onFirstDecide((batch) => {
    const inWindow = env.nowPs >= warmupPs && env.nowPs <= endPs;
    if (inWindow) blocksInWindow++;
    for (const envelope of batch.envelopes) {
      const key = Buffer.from(envelope.subarray(0, 12)).toString('hex');
      const at = submittedAt.get(key);
      if (at !== undefined) {
        submittedAt.delete(key);
        latency.record((env.nowPs - at) / 1000);
      }
      decidedTxs++;
      if (inWindow) decidedInWindow++;
    }
  });
  options.schedule?.(driver, env);
  driver.start();
  // Raft clients send each envelope to the node they believe leads (the lowest-id self-declared
  // leader, node 0 while none does); a follower forwards it. PBFT clients send to every replica,
  // as SmartBFT's and Fabric's BFT gateway do: a withholding primary is only caught when honest
  // backups hold the request and time out on it.
  const gapPs = Math.max(1, Math.round(1e12 / options.ratePerSec));
  let sequence = 0;
  const submit = (): void => {
    if (env.nowPs > endPs) return;
    env.schedule(gapPs, submit);
    const envelope = new Uint8Array(options.envelopeBytes);
    const view = new DataView(envelope.buffer);
    view.setUint32(0, options.seed >>> 0);
    view.setFloat64(4, sequence++);
    submittedAt.set(Buffer.from(envelope.subarray(0, 12)).toString('hex'), env.nowPs);
    if (options.protocol === 'pbft') {
      for (let id = 0; id < options.n; id++) driver.submit(id, envelope);
    } else {
      const leader = driver.leader();
      driver.submit(Math.max(leader, 0), envelope);
    }
  };
  env.schedule(settlePs + gapPs, submit);
  env.run(endPs + options.drainPs);
  const windowSeconds = psToSeconds(endPs - warmupPs);
  const stats = driver.engineStats();
  const top = stats.reduce(
    (best, s) => (s.utilisation > best.utilisation ? s : best),
    stats[0] ?? { node: '-', engine: '-', utilisation: 0 },
  );
  const summary = latency.summary();
  const round = sixFigures;
  return {
    driver,
    protocol: options.protocol,
    orderers: options.n,
    architecture: options.arch.name,
    blocksPerSec: round(blocksInWindow / windowSeconds),
    txPerSec: round(decidedInWindow / windowSeconds),
    latencyMs: { p50: round(summary.p50 / 1e6), p99: round(summary.p99 / 1e6), mean: round(summary.mean / 1e6) },
    decidedHeight: driver.canonicalHeight,
    submittedTxs: sequence,
    decidedTxs,
    messagesDelivered: driver.deliveredCount,
    safetyViolations: driver.violations.length,
    bottleneck: { node: top.node, engine: top.engine, utilisation: round(top.utilisation) },
  };
}

export interface ConsensusSweepOptions {
  protocol: Protocol;
  orderers: readonly number[];
  arch: string;
  /** A preset or file, or 'none'. */
  baseline: string;
  rate: number;
  duration: string;
  envelopeBytes: number;
  seed: number;
}

/**
 * Table 01's consensus rows: throughput and latency per orderer count, architecture then baseline,
 * each cluster run on its own (`sweep consensus`).
 */
export function sweepConsensus(options: ConsensusSweepOptions): {
  protocol: Protocol;
  offeredTps: number;
  durationSeconds: number;
  envelopeBytes: number;
  seed: number;
  rows: ConsensusRunResult[];
} {
  const durationPs = parseDurationPs(options.duration);
  if (durationPs === undefined || durationPs <= 0)
    throw new ConfigError('--duration', '', `expected a positive time such as 1s, got '${options.duration}'`);
  const archs = [
    loadArchitecture(options.arch),
    ...(options.baseline === 'none' ? [] : [loadArchitecture(options.baseline)]),
  ];
  const rows = options.orderers.flatMap((n) =>
    archs.map((arch) => {
      const { driver: _driver, ...result } = runConsensus({
        protocol: options.protocol,
        n,
        arch,
        seed: options.seed,
        ratePerSec: options.rate,
        durationPs,
        drainPs: durationPs,
        envelopeBytes: options.envelopeBytes,
      });
      return result;
    }),
  );
  return {
    protocol: options.protocol,
    offeredTps: options.rate,
    durationSeconds: durationPs / 1e12,
    envelopeBytes: options.envelopeBytes,
    seed: options.seed,
    rows,
  };
}
