/**
 * Raft (Ongaro & Ousterhout, "In Search of an Understandable Consensus Algorithm", 2014) as a
 * time-free state machine, shaped like Fabric's etcdraft orderer: the leader cuts batches with the
 * block cutter (plus a batch timer armed when the pending batch becomes non-empty), each batch is one
 * log entry, and an entry decides a block once it is committed (stored on a majority, current term).
 *
 * Choices, and why:
 * - A new leader appends an empty entry of its term (§8 of the paper), so entries of earlier terms
 *   commit promptly; empty entries decide nothing, so block heights count non-empty entries only.
 * - Replication is pipelined: the leader sends new entries to followers it believes caught up and
 *   advances nextIndex optimistically; a rejection carries the follower's hint and rewinds it; every
 *   heartbeat resends from nextIndex, which repairs dropped messages. A follower never truncates an
 *   entry whose term matches, so reordered and duplicated appends are harmless.
 * - Check-quorum (as etcd's CheckQuorum): a leader that has not heard from a majority within the
 *   longest election timeout steps down, so clients of a partitioned leader can find the real one.
 * - Client envelopes submitted to a follower are forwarded to the leader it knows (etcdraft does the
 *   same); with no known leader they are held (at most holdCountMax, later ones dropped: the client's
 *   retry covers them) and forwarded once a leader is known. A leader that steps down moves its
 *   pending (uncut) envelopes to that hold queue. Envelopes over AbsoluteMaxBytes are dropped, as the
 *   orderer refuses them at broadcast. Forwarded envelopes lost on the wire are the client's to retry.
 * - What survives a crash: term, vote, log, and the applied index and height (decided blocks are in
 *   the orderer's block store, so a restarted node resumes deciding after them, never repeats them).
 *   The log is not compacted (no snapshots): memory grows with the number of blocks.
 */
import { assert } from '../assert.js';
import { BlockCutter } from '../block-cutter.js';
import type { KeyPair } from '../crypto/provider.js';
import {
  EffectsBuilder,
  batchDigest,
  countDecode,
  isBytes,
  isNat,
  signBody,
  toCanonical,
  verifyMessage,
} from './_common.js';
import type { ConsensusMessage, ConsensusNode, Effects, NodeId, RaftConfig } from './types.js';

export interface RaftEntry {
  readonly term: number;
  readonly envelopes: readonly Uint8Array[];
}

export interface RaftVoteRequest extends ConsensusMessage {
  readonly type: 'raft/vote-request';
  readonly term: number;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  readonly sig?: Uint8Array;
}

export interface RaftVote extends ConsensusMessage {
  readonly type: 'raft/vote';
  readonly term: number;
  readonly granted: boolean;
  readonly sig?: Uint8Array;
}

export interface RaftAppend extends ConsensusMessage {
  readonly type: 'raft/append';
  readonly term: number;
  readonly prevIndex: number;
  readonly prevTerm: number;
  readonly entries: readonly RaftEntry[];
  readonly leaderCommit: number;
  readonly sig?: Uint8Array;
}

export interface RaftAppendAck extends ConsensusMessage {
  readonly type: 'raft/append-ack';
  readonly term: number;
  readonly success: boolean;
  /** On success the follower's match index; on rejection the index the leader should resend after. */
  readonly index: number;
  readonly sig?: Uint8Array;
}

export interface RaftForward extends ConsensusMessage {
  readonly type: 'raft/forward';
  readonly envelopes: readonly Uint8Array[];
  readonly sig?: Uint8Array;
}

export type RaftMessage = RaftVoteRequest | RaftVote | RaftAppend | RaftAppendAck | RaftForward;

export interface RaftPersisted {
  readonly term: number;
  readonly votedFor: NodeId | null;
  readonly log: readonly RaftEntry[];
  readonly appliedIndex: number;
  readonly height: number;
}

/** Entries per append message: bounds one message to this many batches. */
export const raftEntriesPerAppendMax = 8;
/** Envelopes a node without a known leader holds before dropping new ones. */
export const raftHoldCountMax = 10_000;

export const RAFT_TIMERS = {
  election: 'election',
  heartbeat: 'heartbeat',
  checkQuorum: 'check-quorum',
  batch: 'batch',
} as const;

type Role = 'follower' | 'candidate' | 'leader';

function checkConfig(config: RaftConfig): void {
  const where = `raft node ${config.id}`;
  assert(Number.isSafeInteger(config.n) && config.n >= 1, `${where}: n must be an integer ≥ 1, got ${config.n}`);
  assert(
    Number.isSafeInteger(config.id) && config.id >= 0 && config.id < config.n,
    `${where}: id must be in 0…${config.n - 1}`,
  );
  const [min, max] = config.electionTimeoutMs;
  assert(min > 0 && max >= min, `${where}: electionTimeoutMs must be 0 < min ≤ max, got [${min}, ${max}]`);
  assert(
    config.heartbeatMs > 0 && config.heartbeatMs < min,
    `${where}: heartbeatMs must be in (0, ${min}), got ${config.heartbeatMs}`,
  );
  assert(config.batchTimeoutMs > 0, `${where}: batchTimeoutMs must be > 0, got ${config.batchTimeoutMs}`);
  if (config.keys !== undefined) {
    assert(config.crypto !== undefined, `${where}: keys given without crypto`);
    assert(config.keys.length === config.n, `${where}: expected ${config.n} keys, got ${config.keys.length}`);
  }
}

function readPersisted(raw: unknown, n: number): RaftPersisted {
  assert(typeof raw === 'object' && raw !== null, 'raft: persisted state must be an object');
  const state = raw as Partial<RaftPersisted>;
  assert(isNat(state.term), 'raft: persisted term');
  assert(state.votedFor === null || (isNat(state.votedFor) && state.votedFor < n), 'raft: persisted votedFor');
  assert(Array.isArray(state.log), 'raft: persisted log');
  assert(isNat(state.appliedIndex) && state.appliedIndex <= state.log.length, 'raft: persisted appliedIndex');
  assert(isNat(state.height), 'raft: persisted height');
  return {
    term: state.term,
    votedFor: state.votedFor ?? null,
    log: state.log.slice(),
    appliedIndex: state.appliedIndex,
    height: state.height,
  };
}

class RaftNode implements ConsensusNode {
  readonly protocol = 'raft' as const;
  readonly id: NodeId;
  private readonly n: number;
  private readonly majority: number;

  private term = 0;
  private votedFor: NodeId | null = null;
  private log: RaftEntry[] = [];
  private appliedIndex = 0;
  private height = 0;

  private role: Role = 'follower';
  private leaderId: NodeId | null = null;
  private commitIndex = 0;
  private readonly votes = new Set<NodeId>();
  private readonly nextIndex: number[];
  private readonly matchIndex: number[];
  private readonly heardFrom = new Set<NodeId>();
  private readonly cutter: BlockCutter;
  private batchTimerArmed = false;
  private hold: Uint8Array[] = [];

  constructor(private readonly config: RaftConfig) {
    checkConfig(config);
    this.id = config.id;
    this.n = config.n;
    this.majority = Math.floor(config.n / 2) + 1;
    this.nextIndex = new Array<number>(config.n).fill(1);
    this.matchIndex = new Array<number>(config.n).fill(0);
    this.cutter = new BlockCutter(config.batch);
    if (config.persisted !== undefined) {
      const saved = readPersisted(config.persisted, config.n);
      this.term = saved.term;
      this.votedFor = saved.votedFor;
      this.log = saved.log.slice();
      this.appliedIndex = saved.appliedIndex;
      this.height = saved.height;
      // Applied entries were committed, so the commit index can start there.
      this.commitIndex = saved.appliedIndex;
    }
  }

  // ---- inputs -------------------------------------------------------------------------------

  start(): Effects {
    const fx = this.effects(0);
    this.becomeFollower(fx, this.term, null);
    return fx.build();
  }

  submit(envelope: Uint8Array): Effects {
    const fx = this.effects(0);
    this.accept(fx, [envelope]);
    return fx.build();
  }

  receive(message: ConsensusMessage): Effects {
    const fx = this.effects(1);
    const m = message as RaftMessage;
    countDecode(m, fx.receipt);
    if (!isNat(m.from) || m.from >= this.n || m.from === this.id) return fx.build();
    if (!this.authentic(m, fx)) return fx.build();
    switch (m.type) {
      case 'raft/vote-request':
        this.onVoteRequest(fx, m);
        break;
      case 'raft/vote':
        this.onVote(fx, m);
        break;
      case 'raft/append':
        this.onAppend(fx, m);
        break;
      case 'raft/append-ack':
        this.onAppendAck(fx, m);
        break;
      case 'raft/forward':
        this.accept(fx, m.envelopes);
        break;
      default:
        break;
    }
    return fx.build();
  }

  timer(name: string): Effects {
    const fx = this.effects(0);
    switch (name) {
      case RAFT_TIMERS.election:
        if (this.role !== 'leader') this.startElection(fx);
        break;
      case RAFT_TIMERS.heartbeat:
        if (this.role === 'leader') {
          for (const peer of fx.others()) this.replicateTo(fx, peer, true);
          fx.setTimer(RAFT_TIMERS.heartbeat, this.config.heartbeatMs);
        }
        break;
      case RAFT_TIMERS.checkQuorum:
        if (this.role === 'leader') {
          if (this.heardFrom.size + 1 < this.majority) {
            this.becomeFollower(fx, this.term, null);
          } else {
            this.heardFrom.clear();
            fx.setTimer(RAFT_TIMERS.checkQuorum, this.config.electionTimeoutMs[1]);
          }
        }
        break;
      case RAFT_TIMERS.batch:
        this.batchTimerArmed = false;
        if (this.role === 'leader') {
          const batch = this.cutter.cut();
          if (batch.length > 0) this.appendEntry(fx, batch);
        }
        break;
      default:
        assert(false, `raft node ${this.id}: unknown timer '${name}'`);
    }
    return fx.build();
  }

  isLeader(): boolean {
    return this.role === 'leader';
  }

  persisted(): RaftPersisted {
    return {
      term: this.term,
      votedFor: this.votedFor,
      log: this.log.slice(),
      appliedIndex: this.appliedIndex,
      height: this.height,
    };
  }

  /** For tests and the driver's diagnostics. */
  get currentTerm(): number {
    return this.term;
  }

  // ---- roles --------------------------------------------------------------------------------

  private becomeFollower(fx: EffectsBuilder, term: number, leaderId: NodeId | null): void {
    const wasLeader = this.role === 'leader';
    if (term > this.term) {
      this.term = term;
      this.votedFor = null;
    }
    this.role = 'follower';
    this.leaderId = leaderId;
    if (wasLeader) {
      fx.cancelTimer(RAFT_TIMERS.heartbeat);
      fx.cancelTimer(RAFT_TIMERS.checkQuorum);
      this.stopBatchTimer(fx);
      for (const envelope of this.cutter.cut()) this.holdEnvelope(envelope);
    }
    this.armElection(fx);
    if (leaderId !== null) this.flushHold(fx);
  }

  private startElection(fx: EffectsBuilder): void {
    this.role = 'candidate';
    this.term += 1;
    this.votedFor = this.id;
    this.leaderId = null;
    this.votes.clear();
    this.votes.add(this.id);
    this.armElection(fx);
    if (this.votes.size >= this.majority) {
      this.becomeLeader(fx);
      return;
    }
    fx.broadcast(
      this.sign(
        {
          type: 'raft/vote-request',
          from: this.id,
          term: this.term,
          lastLogIndex: this.log.length,
          lastLogTerm: this.lastTerm(),
        },
        fx,
      ),
    );
  }

  private becomeLeader(fx: EffectsBuilder): void {
    this.role = 'leader';
    this.leaderId = this.id;
    fx.cancelTimer(RAFT_TIMERS.election);
    this.heardFrom.clear();
    for (let peer = 0; peer < this.n; peer += 1) {
      this.nextIndex[peer] = this.log.length + 1;
      this.matchIndex[peer] = 0;
    }
    fx.setTimer(RAFT_TIMERS.heartbeat, this.config.heartbeatMs);
    fx.setTimer(RAFT_TIMERS.checkQuorum, this.config.electionTimeoutMs[1]);
    this.appendEntry(fx, []);
    const held = this.hold;
    this.hold = [];
    this.accept(fx, held);
  }

  private armElection(fx: EffectsBuilder): void {
    const [min, max] = this.config.electionTimeoutMs;
    const draw = this.config.random();
    assert(draw >= 0 && draw < 1, `raft node ${this.id}: random() returned ${draw}, expected [0, 1)`);
    fx.setTimer(RAFT_TIMERS.election, min + draw * (max - min));
  }

  // ---- client envelopes ---------------------------------------------------------------------

  private accept(fx: EffectsBuilder, envelopes: readonly Uint8Array[]): void {
    if (envelopes.length === 0) return;
    if (this.role === 'leader') {
      for (const envelope of envelopes) {
        if (envelope.length > this.config.batch.absoluteMaxBytes) continue;
        for (const batch of this.cutter.ordered(envelope)) this.appendEntry(fx, batch);
      }
      if (this.cutter.pendingCount > 0 && !this.batchTimerArmed) {
        this.batchTimerArmed = true;
        fx.setTimer(RAFT_TIMERS.batch, this.config.batchTimeoutMs);
      } else if (this.cutter.pendingCount === 0) {
        this.stopBatchTimer(fx);
      }
      return;
    }
    if (this.leaderId !== null) {
      fx.send(this.leaderId, this.sign({ type: 'raft/forward', from: this.id, envelopes: envelopes.slice() }, fx));
      return;
    }
    for (const envelope of envelopes) this.holdEnvelope(envelope);
  }

  private holdEnvelope(envelope: Uint8Array): void {
    if (this.hold.length < raftHoldCountMax) this.hold.push(envelope);
  }

  private flushHold(fx: EffectsBuilder): void {
    if (this.hold.length === 0 || this.leaderId === null || this.leaderId === this.id) return;
    const held = this.hold;
    this.hold = [];
    fx.send(this.leaderId, this.sign({ type: 'raft/forward', from: this.id, envelopes: held }, fx));
  }

  private stopBatchTimer(fx: EffectsBuilder): void {
    if (!this.batchTimerArmed) return;
    this.batchTimerArmed = false;
    fx.cancelTimer(RAFT_TIMERS.batch);
  }

  // ---- replication --------------------------------------------------------------------------

  private appendEntry(fx: EffectsBuilder, envelopes: readonly Uint8Array[]): void {
    assert(this.role === 'leader', `raft node ${this.id}: appendEntry as ${this.role}`);
    this.log.push({ term: this.term, envelopes: envelopes.slice() });
    this.matchIndex[this.id] = this.log.length;
    for (const peer of fx.others()) {
      // Only followers believed caught up get the new entry now; the rest catch up on heartbeats/acks.
      if (this.nextIndex[peer] === this.log.length) this.replicateTo(fx, peer, false);
    }
    this.advanceCommit(fx);
  }

  /** Sends entries from nextIndex (bounded); an empty append when `heartbeat` and nothing is due. */
  private replicateTo(fx: EffectsBuilder, peer: NodeId, heartbeat: boolean): void {
    const next = this.nextIndex[peer] ?? 1;
    const last = Math.min(this.log.length, next + raftEntriesPerAppendMax - 1);
    if (last < next && !heartbeat) return;
    const prevIndex = next - 1;
    const entries = this.log.slice(prevIndex, last);
    fx.send(
      peer,
      this.sign(
        {
          type: 'raft/append',
          from: this.id,
          term: this.term,
          prevIndex,
          prevTerm: this.termAt(prevIndex),
          entries,
          leaderCommit: this.commitIndex,
        },
        fx,
      ),
    );
    this.nextIndex[peer] = prevIndex + entries.length + 1;
  }

  private onAppend(fx: EffectsBuilder, m: RaftAppend): void {
    if (m.term < this.term) {
      fx.send(
        m.from,
        this.sign(
          { type: 'raft/append-ack', from: this.id, term: this.term, success: false, index: this.log.length },
          fx,
        ),
      );
      return;
    }
    if (m.term > this.term || this.role !== 'follower' || this.leaderId !== m.from) {
      assert(!(m.term === this.term && this.role === 'leader'), `raft node ${this.id}: two leaders in term ${m.term}`);
      this.becomeFollower(fx, m.term, m.from);
    } else {
      this.armElection(fx);
    }
    if (m.prevIndex > this.log.length || this.termAt(m.prevIndex) !== m.prevTerm) {
      // Rewind hint: before our log's end, and before the whole conflicting term, never below commit.
      let hint = Math.min(m.prevIndex - 1, this.log.length);
      if (m.prevIndex <= this.log.length) {
        const conflictTerm = this.termAt(m.prevIndex);
        while (hint > this.commitIndex && this.termAt(hint) === conflictTerm) hint -= 1;
      }
      hint = Math.max(hint, Math.min(this.commitIndex, m.prevIndex - 1));
      fx.send(
        m.from,
        this.sign({ type: 'raft/append-ack', from: this.id, term: this.term, success: false, index: hint }, fx),
      );
      return;
    }
    let index = m.prevIndex;
    for (const entry of m.entries) {
      index += 1;
      if (index <= this.log.length) {
        if (this.termAt(index) === entry.term) continue;
        assert(index > this.commitIndex, `raft node ${this.id}: leader ${m.from} overwrites committed index ${index}`);
        this.log.length = index - 1;
      }
      this.log.push(entry);
    }
    const matched = m.prevIndex + m.entries.length;
    const commit = Math.min(m.leaderCommit, matched);
    if (commit > this.commitIndex) {
      this.commitIndex = commit;
      this.apply(fx);
    }
    fx.send(
      m.from,
      this.sign({ type: 'raft/append-ack', from: this.id, term: this.term, success: true, index: matched }, fx),
    );
  }

  private onAppendAck(fx: EffectsBuilder, m: RaftAppendAck): void {
    if (m.term > this.term) {
      this.becomeFollower(fx, m.term, null);
      return;
    }
    if (this.role !== 'leader' || m.term < this.term) return;
    this.heardFrom.add(m.from);
    const match = this.matchIndex[m.from] ?? 0;
    if (m.success) {
      if (m.index > match) {
        this.matchIndex[m.from] = m.index;
        this.advanceCommit(fx);
      }
      if ((this.nextIndex[m.from] ?? 1) <= m.index) this.nextIndex[m.from] = m.index + 1;
      // Keep streaming to a follower that is behind instead of waiting for the next heartbeat.
      if (m.index < this.log.length && (this.nextIndex[m.from] ?? 1) === m.index + 1)
        this.replicateTo(fx, m.from, false);
      return;
    }
    this.nextIndex[m.from] = Math.max(
      (this.matchIndex[m.from] ?? 0) + 1,
      Math.min(this.nextIndex[m.from] ?? 1, m.index + 1),
    );
    this.replicateTo(fx, m.from, true);
  }

  private advanceCommit(fx: EffectsBuilder): void {
    const sorted = this.matchIndex.slice().sort((a, b) => b - a);
    const candidate = sorted[this.majority - 1] ?? 0;
    if (candidate > this.commitIndex && this.termAt(candidate) === this.term) {
      this.commitIndex = candidate;
      this.apply(fx);
    }
  }

  private apply(fx: EffectsBuilder): void {
    while (this.appliedIndex < this.commitIndex) {
      this.appliedIndex += 1;
      const entry = this.log[this.appliedIndex - 1];
      assert(entry !== undefined, `raft node ${this.id}: committed index ${this.appliedIndex} missing`);
      if (entry.envelopes.length === 0) continue;
      this.height += 1;
      fx.decided.push({
        height: this.height,
        envelopes: entry.envelopes,
        digest: batchDigest(entry.envelopes, fx.receipt),
      });
    }
  }

  // ---- elections ----------------------------------------------------------------------------

  private onVoteRequest(fx: EffectsBuilder, m: RaftVoteRequest): void {
    if (m.term > this.term) this.becomeFollower(fx, m.term, null);
    const upToDate =
      m.lastLogTerm > this.lastTerm() || (m.lastLogTerm === this.lastTerm() && m.lastLogIndex >= this.log.length);
    const granted = m.term === this.term && upToDate && (this.votedFor === null || this.votedFor === m.from);
    if (granted) {
      this.votedFor = m.from;
      this.armElection(fx);
    }
    fx.send(m.from, this.sign({ type: 'raft/vote', from: this.id, term: this.term, granted }, fx));
  }

  private onVote(fx: EffectsBuilder, m: RaftVote): void {
    if (m.term > this.term) {
      this.becomeFollower(fx, m.term, null);
      return;
    }
    if (this.role !== 'candidate' || m.term < this.term || !m.granted) return;
    this.votes.add(m.from);
    if (this.votes.size >= this.majority) this.becomeLeader(fx);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private termAt(index: number): number {
    if (index === 0) return 0;
    return this.log[index - 1]?.term ?? -1;
  }

  private lastTerm(): number {
    return this.termAt(this.log.length);
  }

  private effects(messagesHandled: number): EffectsBuilder {
    return new EffectsBuilder(this.id, this.n, messagesHandled, this.config.orderIdsOnly === true);
  }

  private sign<M extends RaftMessage>(message: M, fx: EffectsBuilder): M {
    const { crypto, keys } = this.config;
    if (crypto === undefined || keys === undefined) return message;
    const key = keys[this.id] as KeyPair;
    return { ...message, sig: signBody(crypto, key, toCanonical({ ...message, sig: undefined }), fx.receipt) };
  }

  private authentic(m: RaftMessage, fx: EffectsBuilder): boolean {
    const { crypto, keys } = this.config;
    if (crypto === undefined || keys === undefined) return true;
    const key = keys[m.from] as KeyPair;
    if (!isBytes(m.sig)) return false;
    return verifyMessage(
      crypto,
      key.scheme,
      key.publicKey,
      m,
      () => toCanonical({ ...m, sig: undefined }),
      m.sig,
      fx.receipt,
    );
  }
}

export function createRaftNode(config: RaftConfig): ConsensusNode & { readonly currentTerm: number } {
  return new RaftNode(config);
}
