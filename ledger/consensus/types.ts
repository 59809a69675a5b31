/**
 * The ordering protocols' seam with the simulator: time-free, deterministic state machines.
 *
 * A node takes inputs (boot, a client's envelope, a protocol message, a timer expiry) and returns
 * effects (messages to send, timers to arm or cancel, batches decided) plus a work receipt of what
 * the step cost. It never reads a clock and never draws randomness except through `random` given in,
 * so the simulator (sim/, engines/) decides when each input happens and what it costs in time.
 * Raft follows Ongaro & Ousterhout (2014) as Fabric's etcdraft uses it; PBFT follows Castro & Liskov
 * (OSDI 1999 / TOCS 2002) with request batching through Fabric's block cutter.
 */
import type { BatchConfig } from '../channel-config.js';
import type { CryptoProvider, KeyPair } from '../crypto/provider.js';
import type { WorkReceipt } from '../receipt.js';

/** Node index 0 … n−1. */
export type NodeId = number;

/** A protocol message; each protocol adds its own fields. `type` is prefixed 'raft/' or 'pbft/'. */
export interface ConsensusMessage {
  readonly type: string;
  readonly from: NodeId;
}

/** One message to one recipient; a broadcast is expanded per recipient and never sent to self. */
export interface Send {
  readonly to: NodeId;
  readonly message: ConsensusMessage;
  /** Canonical msgpack size of the whole message (fields and signature), see `_common.ts`. */
  readonly sizeBytes: number;
}

/** (Re)arms the timer of that name to expire `delayMs` after the step that requested it. */
export interface TimerRequest {
  readonly name: string;
  readonly delayMs: number;
}

/** A batch decided at `height` (1, 2, 3 … in order, never repeated by the same node object). */
export interface DecidedBatch {
  readonly height: number;
  readonly envelopes: readonly Uint8Array[];
  /** Hex SHA-256 of the canonical msgpack encoding of the envelope list (`batchDigest`). */
  readonly digest: string;
}

export interface Effects {
  readonly sends: Send[];
  readonly setTimers: TimerRequest[];
  readonly cancelTimers: string[];
  readonly decided: DecidedBatch[];
  /**
   * Signs/verifies (message authentication), hashBytes (digests), encode/decode bytes, messageBytes,
   * and consensusMessages: the protocol messages processed by this call (1 for `receive`, else 0).
   */
  readonly receipt: WorkReceipt;
}

export interface ConsensusNode {
  readonly id: NodeId;
  readonly protocol: 'raft' | 'pbft';
  /** At boot, and after a restart (a new object built with `persisted`). */
  start(): Effects;
  /** A client's envelope reaches this node. */
  submit(envelope: Uint8Array): Effects;
  receive(message: ConsensusMessage): Effects;
  /** A timer this node armed has expired (the driver drops cancelled and superseded expiries). */
  timer(name: string): Effects;
  /** Raft leader / PBFT primary of the current view, as this node believes. */
  isLeader(): boolean;
  /** A snapshot of what survives a crash; pass it back as `persisted` to restart. */
  persisted(): unknown;
}

export interface RaftConfig {
  readonly id: NodeId;
  readonly n: number;
  /** Uniform [0, 1), seeded by the driver; used only for election timeouts. */
  readonly random: () => number;
  readonly batch: BatchConfig;
  readonly batchTimeoutMs: number;
  /** Election timeout drawn uniformly from [min, max] on every (re)arm. */
  readonly electionTimeoutMs: readonly [number, number];
  readonly heartbeatMs: number;
  readonly persisted?: unknown;
  /** With `keys`, every Raft message is signed and verified; without, messages are unsigned (etcdraft relies on mutual TLS). */
  readonly crypto?: CryptoProvider;
  readonly keys?: readonly KeyPair[];
  /** Entries carry transaction ids, not envelopes (FastFabric); sizes only, the protocol is unchanged. */
  readonly orderIdsOnly?: boolean;
}

export type ByzantineMode = 'equivocate' | 'withhold' | 'bad-digest';

export interface PbftConfig {
  readonly id: NodeId;
  /** Replicas; f = ⌊(n−1)/3⌋ and quorums are ⌈(n+f+1)/2⌉ (= 2f+1 when n = 3f+1). */
  readonly n: number;
  readonly batch: BatchConfig;
  readonly batchTimeoutMs: number;
  /** A backup holding an undecided request this long votes for a view change (doubles per failed view). */
  readonly requestTimeoutMs: number;
  /** A checkpoint every this many sequence numbers. */
  readonly checkpointInterval: number;
  /** L: sequence numbers accepted lie in (h, h + L], h the stable checkpoint. A multiple of checkpointInterval. */
  readonly watermarkWindow: number;
  /**
   * Whether a backup forwards a client's envelope to the primary (default true). Set false when
   * clients submit every envelope to all replicas (as SmartBFT clients do): the primary has it
   * already, and forwarding would add n−1 copies per envelope. Backups always keep the envelope in
   * their pool, watch it with the request timer and hand it to the next primary after a view change.
   */
  readonly forwardRequests?: boolean;
  /** Pre-prepares and view changes carry transaction ids, not envelopes (FastFabric); sizes only. */
  readonly orderIdsOnly?: boolean;
  /** Misbehaviour when this node is primary; as a backup it follows the protocol. */
  readonly byzantine?: ByzantineMode;
  readonly crypto: CryptoProvider;
  /**
   * Key pair of every replica, indexed by NodeId (this node signs with keys[id], checks the others'
   * public keys). Give either `keys` or `seed`; with `seed` the keys are `consensusKeys(crypto, n, seed)`.
   */
  readonly keys?: readonly KeyPair[];
  readonly seed?: string;
  readonly persisted?: unknown;
}
