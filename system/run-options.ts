/**
 * The options of one system run: the architecture, the network, the workload and how it arrives,
 * how long, the seed and crypto mode, and the optional parts (consensus ordering, faults, state
 * integrity, traces). Hooks that observe a run (progress, timeline, trace recording) have no
 * effect on its results.
 */
import type { Architecture } from '../engines/architecture.js';
import type { CryptoProvider, GenesisImages } from '../ledger/index.js';
import type { ArrivalSpec } from '../workloads/arrivals.js';
import type { WorkloadGenerator } from '../workloads/generators.js';
import type { FaultFile } from './fault-file.js';
import type { IntegrityOptions } from './state-integrity.js';
import type { Topology } from './topology.js';

export type { ArrivalSpec };

/** A source of trace events read as the run goes (constant memory); null at the end. */
export interface TraceSource {
  next(): { timeS: number; client: number; contract: string; fn: string; args: string[] } | null;
}

export type CryptoModeFlag = 'real' | 'modeled';

export interface SystemRunOptions {
  arch: Architecture;
  topology: Topology;
  workload: WorkloadGenerator;
  /** Nominal offered rate (the open-loop process's rate; reports use it as offeredTps). */
  ratePerSec: number;
  arrival: ArrivalSpec;
  /** Replays this trace (open loop) instead of the arrival process and workload generator. */
  trace?: TraceSource;
  /** Trace time is divided by this (2 = twice as fast). */
  timeScale?: number;
  /** Key-space size for contracts a trace calls (accounts / records). */
  keys?: number;
  /** Called with the fraction of the arrival period simulated so far (a progress bar); no effect on results. */
  onProgress?: (fraction: number) => void;
  /** Receives every engine operation as it starts (a timeline export). */
  timeline?: (node: string, track: string, startPs: number, endPs: number, name: string) => void;
  /** The trace file's name, for the report's identity. */
  traceName?: string;
  /** Receives every transaction offered, in order (`run --record-trace`). */
  recordTrace?: (event: { timeS: number; client: number; contract: string; fn: string; args: string[] }) => void;
  durationPs: number;
  /** Longest simulated time allowed after the last arrival for in-flight transactions to finish. */
  drainPs: number;
  seed: number;
  crypto: CryptoModeFlag;
  /**
   * Ordering service: 'solo' (one orderer, Fabric's block cutter and batch timer) or a cluster of
   * `topology.orderers.count` nodes running Raft or PBFT, driven in simulated time.
   */
  ordering?: 'solo' | 'raft' | 'pbft';
  /** Faults scheduled on the ordering cluster (needs raft or pbft). */
  faults?: FaultFile;
  /** Scheme of the peers' keys, i.e. of endorsements; 'bls' aggregates them (the paper's remedy 2). */
  endorsementScheme?: 'p256' | 'ed25519' | 'bls';
  /** Overrides the provider `crypto` selects (the benchmark passes a counting wrapper). */
  cryptoProvider?: CryptoProvider;
  /** State-integrity audits, corrupt-write faults and a peer joining during the run (issue 8). */
  integrity?: IntegrityOptions;
  /**
   * Genesis images kept across runs of one process (ledger/genesis-image.ts): a caller that runs
   * one channel many times passes the same set; the result is the same either way.
   */
  genesisImages?: GenesisImages;
}
