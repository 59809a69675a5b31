/**
 * The run report's data types: what `bpusim run` writes and what reports, comparisons and charts
 * read. Data only — no simulator, engine or ledger code: the one type taken from engines/ is
 * `EngineStats`, what an engine reports about itself, imported as a type. Key names are stable:
 * tools and CI rely on them.
 */
import type { EngineStats } from '../engines/node-engines.js';

export type { EngineStats };

/**
 * One engine in a result: `utilisation` is its busy share over the measurement window (from the
 * end of the warm-up to the end of the arrivals, the window committed TPS is measured over);
 * `runUtilisation` is over the whole run, drain included. Queue length and ops are whole-run.
 */
export interface EngineResult extends EngineStats {
  /** Absent in reports written before it was added. */
  runUtilisation?: number | undefined;
}

export const REPORT_SCHEMA_VERSION = 'bpusim-report/1';

export interface PhaseSummary {
  meanMs: number;
  p99Ms: number;
}

export interface ArchResult {
  architecture: string;
  offeredTps: number;
  submittedTxs: number;
  committedTxs: number;
  committedTps: number;
  /**
   * Transactions per second, over the same window as committedTps, that the machine processed but
   * the workload made invalid: MVCC and phantom-read conflicts (its transactions contend for keys)
   * and proposals the chaincode refused or its endorsers answered differently (ENDORSEMENT_REJECTED).
   * Absent in reports written before it existed.
   */
  workloadInvalidTps?: number | undefined;
  contractExecutions: number;
  contractExecutionsPerSec: number;
  distinctContracts: number;
  parallelContractExecutionsPerSec: number;
  rejectedAtEndorsement: number;
  unfinishedTxs: number;
  /**
   * How the run met its load at the door: the proxy's concurrency limit and the most it held,
   * proposals it refused (RESOURCE_EXHAUSTED), clients' time-outs, transactions that committed
   * after their client had timed out, and retries. Counted per attempt; validationCodes count
   * each request's final outcome. Absent in reports written before it existed.
   */
  overload?: {
    concurrencyLimit: number;
    peakAdmitted: number;
    rejectedAtAdmission: number;
    clientTimeoutMs: number;
    timedOut: number;
    committedAfterTimeout: number;
    retries: number;
  };
  latencyMs: { p50: number; p95: number; p99: number; max: number; mean: number };
  /**
   * Latency of the requests submitted after the warm-up and before the last batch timeout of the
   * arrival period (the last requests wait for a block only the timeout cuts). Absent in reports
   * from before it was recorded.
   */
  steadyLatencyMs?: { p50: number; p99: number; count: number };
  phasesMs: {
    endorse: PhaseSummary;
    order: PhaseSummary;
    validate: PhaseSummary;
    commit: PhaseSummary;
    network: PhaseSummary;
  };
  blocks: number;
  meanBlockTxs: number;
  engines: EngineResult[];
  bottleneck: { node: string; engine: string; utilisation: number };
  /**
   * The peers' DB-engine state caches (architectures whose DB engine has a driven `cache`): world-state
   * reads over the whole run and the share that hit. Absent otherwise.
   */
  dbCache?: { reads: number; readHits: number; hitRate: number };
  /**
   * Energy of every node over the whole run (drain included), engine by engine: idle power plus
   * energy per operation where the architecture gives `energy`, else its nameplate `powerW` drawn
   * all run (`basis`). Null per-transaction figures when nothing committed or nothing is costed.
   * Absent in reports from before it was recorded.
   */
  energy?: {
    joules: number;
    joulesPerCommittedTx: number | null;
    committedTxPerJoule: number | null;
    byEngine: { engine: string; joules: number; basis: 'per-op' | 'nameplate' | 'none' }[];
  };
  validationCodes: Record<string, number>;
  blockHash: string;
  stateHash: string;
  peersAgree: boolean;
  simulatedSeconds: number;
  /** Sum of the engines' costUsd and powerW per node, as the architecture file gives them. */
  nodeCostUsd: number;
  nodePowerW: number;
  /** Over time, in windows of `windowMs`: VALID commits per second and each engine's utilisation (notifier peer, proxy, orderer). */
  timeSeries: { windowMs: number; committedPerSec: number[]; utilisation: Record<string, number[]> };
  /** End-to-end latency distribution: quantile q → latency in ms. */
  latencyCdf: { q: number; ms: number }[];
  /** mdm-token runs: fees paid by VALID transfers to the consortium members. */
  fees?: { mdm: number; usd: number; mdmPerTx: number; usdPerMdm: number };
  /** State-integrity audits and a peer join, when the run asked for them (issue 8). */
  integrity?: {
    audit?: {
      everyBlocks: number;
      buckets: number;
      audits: number;
      meanAuditLatencyMs: number;
      workPerAudit: { hashBytes: number; messageBytes: number; rangeRows: number };
      divergences: {
        blockNum: number;
        lastSeenBlockNum: number;
        audits: number;
        detectedAtMs: number;
        suspects: string[];
        divergentBuckets: number[];
        keys: string[];
        minKey: string | null;
        maxKey: string | null;
        narrowedAtMs: number | null;
      }[];
      injected: { peer: string; blockNum: number; key: string }[];
      detected: number;
    };
    growth?: {
      everyMs: number;
      targetTps: number;
      steps: { peers: number; committedTps: number; holds: boolean }[];
      peersHeld: number;
      addedPeers: number;
      joinTimesMs: (number | null)[];
    };
    join?: {
      mode: 'snapshot' | 'replay';
      path: 'snapshot' | 'replay';
      atMs: number;
      refusal: string | null;
      snapshotBlockNum: number | null;
      snapshotBytes: number;
      blocksReplayed: number;
      bytesTransferred: number;
      joinTimeMs: number | null;
      stateMatches: boolean;
    };
  };
}

export interface ScalabilityPoint {
  peers: number;
  committedTps: number;
  holds: boolean;
  bottleneck: string;
}

export interface Scalability {
  targetTps: number;
  holdFraction: number;
  points: ScalabilityPoint[];
  /** The most peers that held the target, or 0 if none did. */
  maxPeersHolding: number;
}

export interface RunIdentity {
  version: string;
  seed: number;
  workload: string;
  topology: string;
  architecture: string;
  baseline: string | null;
  cryptoMode: 'real' | 'modeled';
  offeredTps: number;
  arrival: string;
  durationSeconds: number;
}

export interface RunReport {
  schemaVersion: string;
  identity: RunIdentity;
  /** The fully resolved architecture, baseline and topology files, as validated. */
  config: { architecture: unknown; baseline: unknown; topology: unknown; drainSeconds: number; run?: unknown };
  results: { arch: ArchResult; baseline: ArchResult | null };
  ratios: Record<string, number> | null;
  /** Present with `--seeds N` (N ≥ 2): `results` hold the first seed's run; these hold all N. */
  seedStatistics?: { arch: SeedStatistics; baseline: SeedStatistics | null };
  scalability?: { arch: Scalability; baseline: Scalability | null };
  host: {
    wallSeconds: Record<string, number>;
    /** Committed transactions simulated per wall-second, per architecture. */
    simulatedTxPerWallSecond: Record<string, number>;
    /** Resident set size at the end of the run. */
    rssMiB: number;
    /** The process's peak resident set size (absent in reports from before it was recorded). */
    peakRssMiB?: number;
    node: string;
  };
}

/** One metric over several seeds: mean and the half-width of its 95 % confidence interval (Student t). */
export interface SeedMetric {
  mean: number;
  ci95: number;
  values: number[];
}

/** `bpusim run --seeds N`: every Table 01 metric of one architecture over N seeds. */
export interface SeedStatistics {
  seeds: number[];
  metrics: Record<string, SeedMetric>;
}
