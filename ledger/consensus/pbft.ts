/**
 * PBFT (Castro & Liskov, "Practical Byzantine Fault Tolerance", OSDI 1999; TOCS 2002) as a time-free
 * state machine, with Fabric-style request batching: the primary cuts batches with the block cutter
 * (and a batch timer armed when the pending batch becomes non-empty) and orders one batch per sequence
 * number. n replicas tolerate f = ⌊(n−1)/3⌋ Byzantine; quorums are q = ⌈(n+f+1)/2⌉ (2f+1 at n = 3f+1).
 *
 * Normal case: PRE-PREPARE(v, s, d) with the batch → PREPARE from backups; prepared = the pre-prepare
 * plus q−1 matching prepares from distinct backups → COMMIT; committed-local = prepared plus q
 * matching commits; batches execute (decide) in sequence order. Every message carries a signature
 * over its canonical fields (the batch is bound by its digest, so it is not signed twice).
 *
 * Checkpoints every `checkpointInterval`: the state digest is a hash chain over executed batch
 * digests; q matching CHECKPOINTs make it stable, move the low watermark h and garbage-collect the
 * log at or below it. Sequence numbers accepted lie in (h, h + watermarkWindow]. A replica that finds
 * a stable checkpoint beyond what it executed fetches the missing batches (state transfer) from the
 * checkpoint's signers and checks them against the certified chain digest, so one Byzantine
 * responder cannot feed it a wrong history.
 *
 * View change: a backup holding an undecided request for `requestTimeoutMs` (or seeing a primary's
 * pre-prepare whose digest does not match its batch) sends VIEW-CHANGE(v+1) with its stable
 * checkpoint proof and its prepared certificates; f+1 VIEW-CHANGEs for higher views pull a replica
 * along (the smallest such view); the new primary, with q of them, sends NEW-VIEW with the
 * VIEW-CHANGEs and one signed pre-prepare per sequence number in (min-s, max-s] — the digest of the
 * highest-view prepared certificate, or the empty batch (the null request). Backups recompute that
 * set and accept only an exact match. A view change that does not complete in time moves to the next
 * view with the timeout doubled.
 *
 * Byzantine modes (only as primary; as a backup the node follows the protocol, so f+1 such nodes still
 * cannot make honest replicas decide differently): 'equivocate' sends one batch to the lower half of
 * the backups and a different one (reversed, or empty) to the upper half for the same sequence
 * number; 'withhold' sends no pre-prepare and no NEW-VIEW; 'bad-digest' sends pre-prepares whose
 * digest does not match the batch.
 *
 * Client envelopes: `submit` on a backup keeps the envelope in its request pool (which runs its
 * request timer) and forwards it to the primary (unless `forwardRequests` is false, for clients that
 * submit to every replica); on the primary it enters the block cutter. After a
 * view change every backup re-forwards its undecided pool to the new primary. A withholding primary
 * is only caught if some honest backup holds the request, so a client should submit to more than the
 * primary (PBFT clients broadcast on retry; SmartBFT clients submit to all). Forwarded requests are
 * not signed by the replica: the envelope carries its creator's signature, which the ledger checks.
 * Pools and recently-decided sets are bounded (poolCountMax, decidedKeyCountMax).
 *
 * What survives a crash (`persisted`): view, stable checkpoint and proof, executed sequence, state
 * digest, height, the primary's next sequence, and every pre-prepare it accepted above the stable
 * checkpoint (so a restarted replica never votes for a second digest at the same view and sequence).
 */
import { assert } from '../assert.js';
import { BlockCutter } from '../block-cutter.js';
import type { CryptoProvider, KeyPair } from '../crypto/provider.js';
import { sha256, toHex, utf8 } from '../hash.js';
import type { WorkReceipt } from '../receipt.js';
import {
  EffectsBuilder,
  batchDigest,
  consensusKeys,
  countDecode,
  isBytes,
  isNat,
  signBody,
  toCanonical,
  verifyMessage,
} from './_common.js';
import type { ByzantineMode, ConsensusMessage, ConsensusNode, Effects, NodeId, PbftConfig } from './types.js';

// ---- messages ---------------------------------------------------------------------------------

interface Signed {
  readonly sig: Uint8Array;
}

export interface PbftPrePrepare extends ConsensusMessage, Signed {
  readonly type: 'pbft/pre-prepare';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
  /** Absent when the pre-prepare travels inside a certificate or a NEW-VIEW (bound by its digest). */
  readonly batch?: readonly Uint8Array[];
}

export interface PbftPrepare extends ConsensusMessage, Signed {
  readonly type: 'pbft/prepare';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
}

export interface PbftCommit extends ConsensusMessage, Signed {
  readonly type: 'pbft/commit';
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
}

export interface PbftCheckpoint extends ConsensusMessage, Signed {
  readonly type: 'pbft/checkpoint';
  readonly seq: number;
  /** Hex hash chain over executed batch digests up to `seq`. */
  readonly state: string;
}

export interface PbftPreparedCert {
  readonly prePrepare: PbftPrePrepare;
  readonly prepares: readonly PbftPrepare[];
}

export interface PbftBatch {
  readonly digest: string;
  readonly envelopes: readonly Uint8Array[];
}

export interface PbftViewChange extends ConsensusMessage, Signed {
  readonly type: 'pbft/view-change';
  readonly view: number;
  readonly stable: number;
  readonly stableState: string;
  readonly proof: readonly PbftCheckpoint[];
  readonly prepared: readonly PbftPreparedCert[];
  /** The batches of the prepared certificates; unsigned (bound by digest), stripped inside NEW-VIEW. */
  readonly batches?: readonly PbftBatch[];
}

export interface PbftNewView extends ConsensusMessage, Signed {
  readonly type: 'pbft/new-view';
  readonly view: number;
  readonly viewChanges: readonly PbftViewChange[];
  readonly prePrepares: readonly PbftPrePrepare[];
  readonly batches: readonly PbftBatch[];
}

export interface PbftRequest extends ConsensusMessage {
  readonly type: 'pbft/request';
  readonly envelopes: readonly Uint8Array[];
}

export interface PbftFetch extends ConsensusMessage {
  readonly type: 'pbft/fetch';
  readonly fromSeq: number;
  readonly toSeq: number;
}

export interface PbftBatches extends ConsensusMessage {
  readonly type: 'pbft/batches';
  readonly entries: readonly { readonly seq: number; readonly envelopes: readonly Uint8Array[] }[];
  /** The stable-checkpoint certificate for the last entry's sequence (empty: it is the requester's target). */
  readonly proof: readonly PbftCheckpoint[];
}

/** A replica that made no progress for a status period tells the others where it stands. */
export interface PbftStatus extends ConsensusMessage {
  readonly type: 'pbft/status';
  readonly view: number;
  readonly active: boolean;
  readonly stable: number;
  readonly lastExecuted: number;
}

/** A stable checkpoint's certificate, sent to a replica whose status shows an older one. */
export interface PbftStable extends ConsensusMessage {
  readonly type: 'pbft/stable';
  readonly seq: number;
  readonly state: string;
  readonly proof: readonly PbftCheckpoint[];
}

/** q matching signed commits and the batch: proof that (seq, digest) committed, for a replica that missed them. */
export interface PbftCommitCert extends ConsensusMessage {
  readonly type: 'pbft/commit-cert';
  readonly seq: number;
  readonly digest: string;
  readonly commits: readonly PbftCommit[];
  readonly batch: readonly Uint8Array[];
}

export type PbftMessage =
  | PbftPrePrepare
  | PbftPrepare
  | PbftCommit
  | PbftCheckpoint
  | PbftViewChange
  | PbftNewView
  | PbftRequest
  | PbftFetch
  | PbftBatches
  | PbftStatus
  | PbftStable
  | PbftCommitCert;

export interface PbftPersisted {
  readonly view: number;
  readonly active: boolean;
  readonly stable: number;
  readonly stableState: string;
  readonly stableProof: readonly PbftCheckpoint[];
  readonly lastExecuted: number;
  readonly state: string;
  readonly height: number;
  readonly seqNext: number;
  /** [seq, view, digest] of every pre-prepare accepted above the stable checkpoint. */
  readonly accepted: readonly (readonly [number, number, string])[];
}

export const PBFT_TIMERS = {
  request: 'request',
  viewChange: 'view-change',
  batch: 'batch',
  fetch: 'fetch',
  status: 'status',
} as const;

/** Undecided envelopes a replica holds; later ones are dropped (the client retries). */
export const pbftPoolCountMax = 100_000;
/** Decided envelopes remembered to drop resubmissions. */
export const pbftDecidedKeyCountMax = 100_000;
/** Executed batches (and checkpoint certificates) kept to serve state transfer, at least 2L. */
export const pbftRetainedBatchCountMin = 1024;
/** Views ahead of the current one for which prepares and commits are kept. */
const viewsAheadMax = 2;
/** The view-change timeout doubles per consecutive failed view change, at most this many times. */
const backoffDoublingsMax = 10;

const GENESIS_STATE = '0'.repeat(64);

interface Slot {
  /** The pre-prepare accepted per view (header only). */
  readonly prePrepares: Map<number, PbftPrePrepare>;
  readonly batches: Map<string, readonly Uint8Array[]>;
  readonly prepares: Map<string, Map<NodeId, PbftPrepare>>;
  readonly commits: Map<string, Map<NodeId, PbftCommit>>;
  readonly commitSent: Set<number>;
  cert: PbftPreparedCert | null;
  committed: string | null;
}

function voteKey(view: number, digest: string): string {
  return `${view}|${digest}`;
}

function envelopeKey(envelope: Uint8Array): string {
  return Buffer.from(envelope.buffer, envelope.byteOffset, envelope.byteLength).toString('latin1');
}

/** The signed fields of a message: everything but the signature and the batches (bound by digest). */
function body(message: ConsensusMessage): ReturnType<typeof toCanonical> {
  return toCanonical({ ...message, sig: undefined, batch: undefined, batches: undefined });
}

function header(message: PbftPrePrepare): PbftPrePrepare {
  return {
    type: message.type,
    from: message.from,
    view: message.view,
    seq: message.seq,
    digest: message.digest,
    sig: message.sig,
  };
}

function checkConfig(config: PbftConfig): void {
  const where = `pbft node ${config.id}`;
  assert(Number.isSafeInteger(config.n) && config.n >= 1, `${where}: n must be an integer ≥ 1, got ${config.n}`);
  assert(
    Number.isSafeInteger(config.id) && config.id >= 0 && config.id < config.n,
    `${where}: id must be in 0…${config.n - 1}`,
  );
  assert(config.batchTimeoutMs > 0, `${where}: batchTimeoutMs must be > 0`);
  assert(config.requestTimeoutMs > 0, `${where}: requestTimeoutMs must be > 0`);
  assert(
    Number.isSafeInteger(config.checkpointInterval) && config.checkpointInterval >= 1,
    `${where}: checkpointInterval must be an integer ≥ 1`,
  );
  assert(
    Number.isSafeInteger(config.watermarkWindow) &&
      config.watermarkWindow >= config.checkpointInterval &&
      config.watermarkWindow % config.checkpointInterval === 0,
    `${where}: watermarkWindow must be a multiple of checkpointInterval (${config.checkpointInterval}), got ${config.watermarkWindow}`,
  );
  assert(config.keys !== undefined || config.seed !== undefined, `${where}: give keys or seed`);
  if (config.keys !== undefined)
    assert(config.keys.length === config.n, `${where}: expected ${config.n} keys, got ${config.keys.length}`);
}

class PbftNode implements ConsensusNode {
  readonly protocol = 'pbft' as const;
  readonly id: NodeId;
  private readonly n: number;
  private readonly f: number;
  private readonly q: number;
  private readonly crypto: CryptoProvider;
  private readonly keys: readonly KeyPair[];
  private readonly byzantine: ByzantineMode | undefined;

  private view = 0;
  /** False between sending VIEW-CHANGE for `view` and accepting its NEW-VIEW. */
  private active = true;
  private stable = 0;
  private stableState = GENESIS_STATE;
  private stableProof: PbftCheckpoint[] = [];
  private lastExecuted = 0;
  private state = GENESIS_STATE;
  private height = 0;
  private seqNext = 1;

  private readonly slots = new Map<number, Slot>();
  private readonly checkpoints = new Map<number, Map<string, Map<NodeId, PbftCheckpoint>>>();
  private readonly farCheckpoints = new Map<NodeId, PbftCheckpoint>();
  /** This replica's own checkpoint messages above the stable one (resent when a peer's status asks). */
  private readonly ownCheckpoints = new Map<number, PbftCheckpoint>();
  /** Own state digest at each checkpoint sequence not yet garbage-collected. */
  private readonly stateAt = new Map<number, string>();
  /** Executed batches kept for state transfer (the last `retained` sequence numbers). */
  private readonly history = new Map<number, readonly Uint8Array[]>();
  /** Certificates of the stable checkpoints this replica passed, for the same range. */
  private readonly proofs = new Map<number, readonly PbftCheckpoint[]>();
  private readonly retained: number;
  private readonly viewChanges = new Map<number, Map<NodeId, PbftViewChange>>();
  private backoff = 0;
  private transfer: { seq: number; state: string; signers: NodeId[]; attempt: number } | null = null;
  /** The NEW-VIEW that started the current view (sent again to replicas still changing views). */
  private newView: PbftNewView | null = null;
  /** The VIEW-CHANGE this replica sent for the view it is changing to (sent again on a peer's status). */
  private ownViewChange: PbftViewChange | null = null;
  /** Whether a batch executed since the last status tick. */
  private progressed = false;

  private readonly pool = new Map<string, Uint8Array>();
  private readonly decidedKeys = new Set<string>();
  private timedKey: string | null = null;
  /** Envelopes this primary has put in the cutter or a pre-prepare (not to order twice). */
  private readonly inFlight = new Set<string>();
  private readonly cutter: BlockCutter;
  private batchTimerArmed = false;
  private readonly proposals: Uint8Array[][] = [];

  constructor(private readonly config: PbftConfig) {
    checkConfig(config);
    this.id = config.id;
    this.n = config.n;
    this.f = Math.floor((config.n - 1) / 3);
    this.q = Math.ceil((config.n + this.f + 1) / 2);
    this.crypto = config.crypto;
    this.keys = config.keys ?? consensusKeys(config.crypto, config.n, config.seed ?? '');
    this.byzantine = config.byzantine;
    this.cutter = new BlockCutter(config.batch);
    this.retained = Math.max(2 * config.watermarkWindow, pbftRetainedBatchCountMin);
    if (config.persisted !== undefined) this.restore(config.persisted);
  }

  // ---- inputs -------------------------------------------------------------------------------

  start(): Effects {
    const fx = this.effects(0);
    fx.setTimer(PBFT_TIMERS.status, this.statusPeriodMs());
    if (!this.active) fx.setTimer(PBFT_TIMERS.viewChange, this.viewChangeTimeout());
    return fx.build();
  }

  submit(envelope: Uint8Array): Effects {
    const fx = this.effects(0);
    this.takeRequests(fx, [envelope], true);
    return fx.build();
  }

  receive(message: ConsensusMessage): Effects {
    const fx = this.effects(1);
    const m = message as PbftMessage;
    countDecode(m, fx.receipt);
    if (!isNat(m.from) || m.from >= this.n || m.from === this.id) return fx.build();
    switch (m.type) {
      case 'pbft/request':
        if (Array.isArray(m.envelopes) && m.envelopes.every(isBytes)) this.takeRequests(fx, m.envelopes, false);
        break;
      case 'pbft/pre-prepare':
        this.onPrePrepare(fx, m);
        break;
      case 'pbft/prepare':
      case 'pbft/commit':
        this.onVote(fx, m);
        break;
      case 'pbft/checkpoint':
        this.onCheckpoint(fx, m);
        break;
      case 'pbft/view-change':
        this.onViewChange(fx, m);
        break;
      case 'pbft/new-view':
        this.onNewView(fx, m);
        break;
      case 'pbft/fetch':
        this.onFetch(fx, m);
        break;
      case 'pbft/batches':
        this.onBatches(fx, m);
        break;
      case 'pbft/status':
        this.onStatus(fx, m);
        break;
      case 'pbft/stable':
        if (
          isNat(m.seq) &&
          m.seq > this.stable &&
          typeof m.state === 'string' &&
          Array.isArray(m.proof) &&
          this.validStableProof(m.seq, m.state, m.proof, fx)
        ) {
          this.adoptStable(fx, m.seq, m.state, m.proof.slice());
        }
        break;
      case 'pbft/commit-cert':
        this.onCommitCert(fx, m);
        break;
      default:
        break;
    }
    return fx.build();
  }

  timer(name: string): Effects {
    const fx = this.effects(0);
    switch (name) {
      case PBFT_TIMERS.batch:
        this.batchTimerArmed = false;
        if (this.isPrimary() && this.active) {
          const batch = this.cutter.cut();
          if (batch.length > 0) this.proposals.push(batch);
          this.propose(fx);
        }
        break;
      case PBFT_TIMERS.request:
        this.timedKey = null;
        if (this.active && !this.isPrimary() && this.pool.size > 0) this.startViewChange(fx, this.view + 1);
        break;
      case PBFT_TIMERS.viewChange:
        if (!this.active) {
          this.backoff = Math.min(this.backoff + 1, backoffDoublingsMax);
          this.startViewChange(fx, this.view + 1);
        }
        break;
      case PBFT_TIMERS.status:
        fx.setTimer(PBFT_TIMERS.status, this.statusPeriodMs());
        if (!this.progressed && this.waiting()) {
          fx.broadcast({
            type: 'pbft/status',
            from: this.id,
            view: this.view,
            active: this.active,
            stable: this.stable,
            lastExecuted: this.lastExecuted,
          } satisfies PbftStatus);
          this.retransmit(fx);
        }
        this.progressed = false;
        break;
      case PBFT_TIMERS.fetch:
        if (this.transfer !== null && this.lastExecuted < this.transfer.seq) {
          this.transfer.attempt += 1;
          this.sendFetch(fx);
        }
        break;
      default:
        assert(false, `pbft node ${this.id}: unknown timer '${name}'`);
    }
    return fx.build();
  }

  isLeader(): boolean {
    return this.active && this.isPrimary();
  }

  persisted(): PbftPersisted {
    const accepted: [number, number, string][] = [];
    for (const [seq, slot] of this.slots)
      for (const [view, pp] of slot.prePrepares) accepted.push([seq, view, pp.digest]);
    return {
      view: this.view,
      active: this.active,
      stable: this.stable,
      stableState: this.stableState,
      stableProof: this.stableProof.slice(),
      lastExecuted: this.lastExecuted,
      state: this.state,
      height: this.height,
      seqNext: this.seqNext,
      accepted,
    };
  }

  /** For tests and diagnostics. */
  get currentView(): number {
    return this.view;
  }

  get lowWatermark(): number {
    return this.stable;
  }

  get logSize(): number {
    return this.slots.size;
  }

  // ---- requests and proposals ---------------------------------------------------------------

  private takeRequests(fx: EffectsBuilder, envelopes: readonly Uint8Array[], fromClient: boolean): void {
    const fresh: Uint8Array[] = [];
    for (const envelope of envelopes) {
      if (envelope.length > this.config.batch.absoluteMaxBytes) continue;
      const key = envelopeKey(envelope);
      if (this.decidedKeys.has(key) || this.inFlight.has(key)) continue;
      if (!this.pool.has(key)) {
        if (this.pool.size >= pbftPoolCountMax) continue;
        this.pool.set(key, envelope);
      }
      fresh.push(envelope);
    }
    if (fresh.length === 0) return;
    if (this.isPrimary() && this.active) {
      this.order(fx, fresh);
    } else if (fromClient && this.active && this.config.forwardRequests !== false) {
      fx.send(this.primary(this.view), { type: 'pbft/request', from: this.id, envelopes: fresh } satisfies PbftRequest);
    }
    this.updateRequestTimer(fx);
  }

  /** Primary: envelopes into the cutter; cut batches queue for proposal. */
  private order(fx: EffectsBuilder, envelopes: readonly Uint8Array[]): void {
    for (const envelope of envelopes) {
      const key = envelopeKey(envelope);
      if (this.inFlight.has(key) || this.decidedKeys.has(key)) continue;
      this.inFlight.add(key);
      for (const batch of this.cutter.ordered(envelope)) this.proposals.push(batch);
    }
    if (this.cutter.pendingCount > 0 && !this.batchTimerArmed) {
      this.batchTimerArmed = true;
      fx.setTimer(PBFT_TIMERS.batch, this.config.batchTimeoutMs);
    } else if (this.cutter.pendingCount === 0 && this.batchTimerArmed) {
      this.batchTimerArmed = false;
      fx.cancelTimer(PBFT_TIMERS.batch);
    }
    this.propose(fx);
  }

  /** Primary: pre-prepares queued batches while sequence numbers are inside the watermarks. */
  private propose(fx: EffectsBuilder): void {
    if (!this.isPrimary() || !this.active) return;
    while (this.proposals.length > 0 && this.seqNext <= this.stable + this.config.watermarkWindow) {
      const batch = this.proposals.shift() as Uint8Array[];
      const seq = this.seqNext;
      this.seqNext += 1;
      const digest = batchDigest(batch, fx.receipt);
      if (this.byzantine === 'withhold') continue;
      if (this.byzantine === 'bad-digest') {
        const bad = toHex(sha256(utf8(`bad/${digest}`), fx.receipt));
        fx.broadcast({
          ...this.signed<PbftPrePrepare>(
            { type: 'pbft/pre-prepare', from: this.id, view: this.view, seq, digest: bad },
            fx,
          ),
          batch,
        });
        continue;
      }
      const pp = this.signed<PbftPrePrepare>(
        { type: 'pbft/pre-prepare', from: this.id, view: this.view, seq, digest },
        fx,
      );
      this.acceptPrePrepare(fx, pp, batch);
      if (this.byzantine === 'equivocate') {
        const others = fx.others();
        const half = Math.ceil(others.length / 2);
        let other = batch.length >= 2 ? batch.slice().reverse() : [];
        let otherDigest = batchDigest(other, fx.receipt);
        if (otherDigest === digest) {
          other = [];
          otherDigest = batchDigest(other, fx.receipt);
        }
        const twin = this.signed<PbftPrePrepare>(
          { type: 'pbft/pre-prepare', from: this.id, view: this.view, seq, digest: otherDigest },
          fx,
        );
        fx.sendTo(others.slice(0, half), { ...pp, batch });
        fx.sendTo(others.slice(half), { ...twin, batch: other });
      } else {
        fx.broadcast({ ...pp, batch });
      }
    }
  }

  // ---- normal case --------------------------------------------------------------------------

  private onPrePrepare(fx: EffectsBuilder, m: PbftPrePrepare): void {
    if (!this.active || m.view !== this.view || m.from !== this.primary(m.view) || !this.inWindow(m.seq)) return;
    if (typeof m.digest !== 'string' || !Array.isArray(m.batch) || !m.batch.every(isBytes)) return;
    const slot = this.slot(m.seq);
    if (slot.prePrepares.has(m.view)) return;
    if (!this.verify(m, fx)) return;
    if (batchDigest(m.batch, fx.receipt) !== m.digest) {
      // A signed pre-prepare whose digest does not match its batch proves the primary faulty.
      this.startViewChange(fx, this.view + 1);
      return;
    }
    this.acceptPrePrepare(fx, header(m), m.batch);
  }

  private acceptPrePrepare(fx: EffectsBuilder, pp: PbftPrePrepare, batch: readonly Uint8Array[]): void {
    const slot = this.slot(pp.seq);
    slot.prePrepares.set(pp.view, header(pp));
    slot.batches.set(pp.digest, batch);
    if (this.primary(pp.view) !== this.id) {
      // The batch's requests are now known to this backup: its request timer watches them (unless
      // the sequence already executed here, e.g. re-proposed in a NEW-VIEW after a restart).
      for (const envelope of pp.seq > this.lastExecuted ? batch : []) {
        const key = envelopeKey(envelope);
        if (!this.decidedKeys.has(key) && !this.pool.has(key) && this.pool.size < pbftPoolCountMax)
          this.pool.set(key, envelope);
      }
      this.updateRequestTimer(fx);
      const prepare = this.signed<PbftPrepare>(
        { type: 'pbft/prepare', from: this.id, view: pp.view, seq: pp.seq, digest: pp.digest },
        fx,
      );
      this.addVote(slot.prepares, prepare);
      fx.broadcast(prepare);
    }
    this.progress(fx, pp.seq);
  }

  private onVote(fx: EffectsBuilder, m: PbftPrepare | PbftCommit): void {
    if (
      !isNat(m.view) ||
      m.view < this.view ||
      m.view > this.view + viewsAheadMax ||
      !this.inWindow(m.seq) ||
      typeof m.digest !== 'string'
    )
      return;
    if (m.type === 'pbft/prepare' && m.from === this.primary(m.view)) return;
    const slot = this.slot(m.seq);
    const votes = m.type === 'pbft/prepare' ? slot.prepares : slot.commits;
    if (votes.get(voteKey(m.view, m.digest))?.has(m.from) === true) return;
    if (!this.verify(m, fx)) return;
    this.addVote(votes, m);
    this.progress(fx, m.seq);
  }

  private addVote<M extends PbftPrepare | PbftCommit>(votes: Map<string, Map<NodeId, M>>, m: M): void {
    const key = voteKey(m.view, m.digest);
    let byNode = votes.get(key);
    if (byNode === undefined) {
      byNode = new Map();
      votes.set(key, byNode);
    }
    byNode.set(m.from, m);
  }

  /** Moves slot `seq` of the current view through prepared → committed-local → execution. */
  private progress(fx: EffectsBuilder, seq: number): void {
    if (!this.active) return;
    const slot = this.slots.get(seq);
    if (slot === undefined) return;
    const pp = slot.prePrepares.get(this.view);
    // A restarted replica remembers accepted digests without their batches: it neither votes nor
    // executes there (checkpoints or the next view bring that sequence back).
    if (pp === undefined || !slot.batches.has(pp.digest)) return;
    const key = voteKey(this.view, pp.digest);
    const prepares = slot.prepares.get(key);
    if ((prepares?.size ?? 0) < this.q - 1) return;
    if (slot.cert === null || slot.cert.prePrepare.view < this.view) {
      slot.cert = { prePrepare: pp, prepares: [...(prepares?.values() ?? [])].slice(0, this.q - 1) };
    }
    if (!slot.commitSent.has(this.view)) {
      slot.commitSent.add(this.view);
      const commit = this.signed<PbftCommit>(
        { type: 'pbft/commit', from: this.id, view: this.view, seq, digest: pp.digest },
        fx,
      );
      this.addVote(slot.commits, commit);
      fx.broadcast(commit);
    }
    if (slot.committed === null && (slot.commits.get(key)?.size ?? 0) >= this.q) {
      slot.committed = pp.digest;
      this.execute(fx);
    }
  }

  private execute(fx: EffectsBuilder): void {
    let executed = false;
    for (;;) {
      const seq = this.lastExecuted + 1;
      const slot = this.slots.get(seq);
      if (slot === undefined || slot.committed === null) break;
      const batch = slot.batches.get(slot.committed);
      assert(batch !== undefined, `pbft node ${this.id}: committed seq ${seq} without its batch`);
      this.applyBatch(fx, seq, batch, slot.committed);
      executed = true;
    }
    if (executed) {
      this.backoff = 0;
      this.updateRequestTimer(fx);
      this.propose(fx);
    }
  }

  private applyBatch(fx: EffectsBuilder, seq: number, batch: readonly Uint8Array[], digest: string): void {
    assert(seq === this.lastExecuted + 1, `pbft node ${this.id}: executes ${seq} after ${this.lastExecuted}`);
    this.lastExecuted = seq;
    this.progressed = true;
    this.state = this.chain(this.state, digest, fx.receipt);
    this.history.set(seq, batch);
    this.history.delete(seq - this.retained);
    this.proofs.delete(seq - this.retained);
    if (batch.length > 0) {
      this.height += 1;
      fx.decided.push({ height: this.height, envelopes: batch, digest });
    }
    for (const envelope of batch) {
      const key = envelopeKey(envelope);
      this.pool.delete(key);
      this.inFlight.delete(key);
      if (!this.decidedKeys.has(key)) {
        this.decidedKeys.add(key);
        if (this.decidedKeys.size > pbftDecidedKeyCountMax)
          this.decidedKeys.delete(this.decidedKeys.values().next().value as string);
      }
    }
    if (seq % this.config.checkpointInterval === 0) {
      this.stateAt.set(seq, this.state);
      if (seq > this.stable) {
        const checkpoint = this.signed<PbftCheckpoint>(
          { type: 'pbft/checkpoint', from: this.id, seq, state: this.state },
          fx,
        );
        this.ownCheckpoints.set(seq, checkpoint);
        fx.broadcast(checkpoint);
        this.addCheckpoint(fx, checkpoint);
      }
    }
  }

  private chain(state: string, digest: string, receipt: WorkReceipt): string {
    return toHex(sha256(Buffer.from(state + digest, 'hex'), receipt));
  }

  // ---- checkpoints and state transfer -------------------------------------------------------

  private onCheckpoint(fx: EffectsBuilder, m: PbftCheckpoint): void {
    if (
      !isNat(m.seq) ||
      m.seq <= this.stable ||
      m.seq % this.config.checkpointInterval !== 0 ||
      typeof m.state !== 'string'
    )
      return;
    if (m.seq > this.stable + 2 * this.config.watermarkWindow) {
      // Far ahead: this replica lags (it was down or cut off). Only each sender's latest is kept, so
      // memory stays bounded; q of them agreeing make a stable checkpoint to catch up to.
      const previous = this.farCheckpoints.get(m.from);
      if (previous !== undefined && previous.seq >= m.seq) return;
      if (!this.verify(m, fx)) return;
      this.farCheckpoints.set(m.from, m);
      const agreeing = [...this.farCheckpoints.values()].filter((c) => c.seq === m.seq && c.state === m.state);
      if (agreeing.length >= this.q) this.adoptStable(fx, m.seq, m.state, agreeing.slice(0, this.q));
      return;
    }
    if (this.checkpoints.get(m.seq)?.get(m.state)?.has(m.from) === true) return;
    if (!this.verify(m, fx)) return;
    this.addCheckpoint(fx, m);
  }

  private addCheckpoint(fx: EffectsBuilder, m: PbftCheckpoint): void {
    let byState = this.checkpoints.get(m.seq);
    if (byState === undefined) {
      byState = new Map();
      this.checkpoints.set(m.seq, byState);
    }
    let byNode = byState.get(m.state);
    if (byNode === undefined) {
      byNode = new Map();
      byState.set(m.state, byNode);
    }
    byNode.set(m.from, m);
    if (byNode.size >= this.q) this.adoptStable(fx, m.seq, m.state, [...byNode.values()].slice(0, this.q));
  }

  /** Makes (seq, state) the stable checkpoint: moves h, collects garbage, fetches what is missing. */
  private adoptStable(fx: EffectsBuilder, seq: number, state: string, proof: PbftCheckpoint[]): void {
    if (seq <= this.stable) return;
    if (this.lastExecuted >= seq) {
      const own = this.stateAt.get(seq);
      assert(
        own === undefined || own === state,
        `pbft node ${this.id}: state at ${seq} differs from a quorum's checkpoint`,
      );
    }
    this.stable = seq;
    this.stableState = state;
    this.stableProof = proof;
    this.proofs.set(seq, proof);
    for (const key of [...this.slots.keys()]) if (key <= seq) this.slots.delete(key);
    for (const key of [...this.checkpoints.keys()]) if (key <= seq) this.checkpoints.delete(key);
    for (const [from, c] of [...this.farCheckpoints]) if (c.seq <= seq) this.farCheckpoints.delete(from);
    for (const key of [...this.ownCheckpoints.keys()]) if (key <= seq) this.ownCheckpoints.delete(key);
    for (const key of [...this.stateAt.keys()]) if (key < seq) this.stateAt.delete(key);
    if (this.lastExecuted < seq) {
      this.transfer = { seq, state, signers: proof.map((c) => c.from).filter((id) => id !== this.id), attempt: 0 };
      this.sendFetch(fx);
    }
    if (this.seqNext <= seq) this.seqNext = seq + 1;
    this.propose(fx);
  }

  private sendFetch(fx: EffectsBuilder): void {
    const transfer = this.transfer;
    if (transfer === null || transfer.signers.length === 0) return;
    const to = transfer.signers[transfer.attempt % transfer.signers.length] as NodeId;
    fx.send(to, {
      type: 'pbft/fetch',
      from: this.id,
      fromSeq: this.lastExecuted + 1,
      toSeq: transfer.seq,
    } satisfies PbftFetch);
    fx.setTimer(PBFT_TIMERS.fetch, this.config.requestTimeoutMs);
  }

  /**
   * Serves executed batches from `fromSeq`, at most one window per message, ending at a stable
   * checkpoint this replica holds the certificate of (so the requester can check each chunk), or at
   * the requester's target.
   */
  private onFetch(fx: EffectsBuilder, m: PbftFetch): void {
    if (!isNat(m.fromSeq) || !isNat(m.toSeq) || m.fromSeq < 1 || m.toSeq < m.fromSeq || m.toSeq > this.lastExecuted)
      return;
    let end = m.toSeq;
    let proof: readonly PbftCheckpoint[] = [];
    if (end - m.fromSeq >= this.config.watermarkWindow) {
      end = 0;
      for (let c = m.fromSeq + this.config.watermarkWindow - 1; c >= m.fromSeq; c -= 1) {
        const held = this.proofs.get(c);
        if (held !== undefined) {
          end = c;
          proof = held;
          break;
        }
      }
      if (end === 0) return;
    }
    const entries: { seq: number; envelopes: readonly Uint8Array[] }[] = [];
    for (let seq = m.fromSeq; seq <= end; seq += 1) {
      const envelopes = this.history.get(seq);
      if (envelopes === undefined) return;
      entries.push({ seq, envelopes });
    }
    fx.send(m.from, { type: 'pbft/batches', from: this.id, entries, proof } satisfies PbftBatches);
  }

  private onBatches(fx: EffectsBuilder, m: PbftBatches): void {
    const transfer = this.transfer;
    if (transfer === null || !Array.isArray(m.entries) || !Array.isArray(m.proof)) return;
    const first = m.entries[0];
    if (first === undefined || first.seq !== this.lastExecuted + 1) return;
    const lastSeq = first.seq + m.entries.length - 1;
    if (lastSeq > transfer.seq || (m.proof.length === 0 && lastSeq !== transfer.seq)) return;
    // Check the chunk's chain against a certified checkpoint before executing any of it.
    let state = this.state;
    const digests: string[] = [];
    for (const [index, entry] of m.entries.entries()) {
      if (entry.seq !== first.seq + index || !Array.isArray(entry.envelopes) || !entry.envelopes.every(isBytes)) return;
      const digest = batchDigest(entry.envelopes, fx.receipt);
      digests.push(digest);
      state = this.chain(state, digest, fx.receipt);
    }
    if (m.proof.length === 0 ? state !== transfer.state : !this.validStableProof(lastSeq, state, m.proof, fx)) return;
    m.entries.forEach((entry, index) => this.applyBatch(fx, entry.seq, entry.envelopes, digests[index] as string));
    if (this.lastExecuted < transfer.seq) {
      transfer.attempt = 0;
      this.sendFetch(fx);
      return;
    }
    this.transfer = null;
    fx.cancelTimer(PBFT_TIMERS.fetch);
    this.execute(fx);
    this.updateRequestTimer(fx);
  }

  // ---- retransmission ----------------------------------------------------------------------

  /**
   * Castro–Liskov recover lost messages by retransmission; here a replica that made no progress for
   * a status period while it waits for something broadcasts its status, and each peer answers only
   * with what is self-certifying: its stable checkpoint certificate, its own signed checkpoints above
   * the sender's stable one, the NEW-VIEW of its view, and
   * commit certificates (q signed commits plus the batch) for sequence numbers the sender lacks.
   * In steady progress no status is sent, so the normal case stays at its O(n²) messages per batch.
   */
  private onStatus(fx: EffectsBuilder, m: PbftStatus): void {
    if (!isNat(m.view) || !isNat(m.stable) || !isNat(m.lastExecuted)) return;
    if (m.stable < this.stable) {
      fx.send(m.from, {
        type: 'pbft/stable',
        from: this.id,
        seq: this.stable,
        state: this.stableState,
        proof: this.stableProof,
      } satisfies PbftStable);
    }
    // Lost CHECKPOINTs leave the stable checkpoint (and so the window) stuck: resend ours.
    for (const [seq, checkpoint] of this.ownCheckpoints) if (seq > m.stable) fx.send(m.from, checkpoint);
    // A peer behind our view change (it was down or cut off when we sent it) gets our VIEW-CHANGE,
    // so f+1 of them can pull it along and the new primary can gather a quorum.
    if (
      !this.active &&
      this.ownViewChange !== null &&
      this.ownViewChange.view === this.view &&
      (m.view < this.view || (m.view === this.view && !m.active))
    ) {
      fx.send(m.from, this.ownViewChange);
    }
    if (this.active && this.newView !== null && (m.view < this.view || (m.view === this.view && !m.active)))
      fx.send(m.from, this.newView);
    let sent = 0;
    for (const [seq, slot] of this.slots) {
      if (seq <= m.lastExecuted || slot.committed === null || sent >= this.config.watermarkWindow) continue;
      const batch = slot.batches.get(slot.committed);
      let commits: PbftCommit[] | null = null;
      for (const [key, byNode] of slot.commits) {
        if (byNode.size >= this.q && key.endsWith(`|${slot.committed}`))
          commits = [...byNode.values()].slice(0, this.q);
      }
      if (batch === undefined || commits === null) continue;
      fx.send(m.from, {
        type: 'pbft/commit-cert',
        from: this.id,
        seq,
        digest: slot.committed,
        commits,
        batch,
      } satisfies PbftCommitCert);
      sent += 1;
    }
  }

  /** Resends this replica's own pre-prepares (as primary) or prepares and commits for the current view's undecided slots. */
  private retransmit(fx: EffectsBuilder): void {
    if (!this.active) return;
    for (const [seq, slot] of this.slots) {
      if (seq <= this.lastExecuted) continue;
      const pp = slot.prePrepares.get(this.view);
      const batch = pp === undefined ? undefined : slot.batches.get(pp.digest);
      if (pp === undefined || batch === undefined) continue;
      const key = voteKey(this.view, pp.digest);
      if (pp.from === this.id) fx.broadcast({ ...pp, batch });
      const prepare = slot.prepares.get(key)?.get(this.id);
      if (prepare !== undefined) fx.broadcast(prepare);
      const commit = slot.commits.get(key)?.get(this.id);
      if (commit !== undefined) fx.broadcast(commit);
    }
  }

  private onCommitCert(fx: EffectsBuilder, m: PbftCommitCert): void {
    if (
      !this.inWindow(m.seq) ||
      typeof m.digest !== 'string' ||
      !Array.isArray(m.commits) ||
      !Array.isArray(m.batch) ||
      !m.batch.every(isBytes)
    )
      return;
    const slot = this.slot(m.seq);
    if (slot.committed !== null) return;
    const first = m.commits[0];
    if (first === undefined) return;
    const senders = new Set<NodeId>();
    for (const commit of m.commits) {
      if (
        commit.type !== 'pbft/commit' ||
        commit.seq !== m.seq ||
        commit.digest !== m.digest ||
        commit.view !== first.view
      )
        return;
      if (!isNat(commit.from) || commit.from >= this.n || senders.has(commit.from)) return;
      if (!this.verify(commit, fx)) return;
      senders.add(commit.from);
    }
    if (senders.size < this.q || batchDigest(m.batch, fx.receipt) !== m.digest) return;
    // q commits include f+1 honest replicas that prepared (seq, digest): it is committed.
    slot.batches.set(m.digest, m.batch);
    for (const commit of m.commits) this.addVote(slot.commits, commit);
    slot.committed = m.digest;
    this.execute(fx);
  }

  private waiting(): boolean {
    if (!this.active || this.transfer !== null || this.pool.size > 0) return true;
    for (const seq of this.slots.keys()) if (seq > this.lastExecuted) return true;
    return false;
  }

  private statusPeriodMs(): number {
    return this.config.requestTimeoutMs / 2;
  }

  // ---- view change --------------------------------------------------------------------------

  private startViewChange(fx: EffectsBuilder, view: number): void {
    if (view <= this.view && !this.active) return;
    if (view <= this.view) view = this.view + 1;
    this.view = view;
    this.active = false;
    this.timedKey = null;
    fx.cancelTimer(PBFT_TIMERS.request);
    if (this.batchTimerArmed) {
      this.batchTimerArmed = false;
      fx.cancelTimer(PBFT_TIMERS.batch);
    }
    this.cutter.cut();
    this.proposals.length = 0;
    this.inFlight.clear();
    for (const key of [...this.viewChanges.keys()]) if (key < view) this.viewChanges.delete(key);
    const prepared: PbftPreparedCert[] = [];
    const batches: PbftBatch[] = [];
    for (const [seq, slot] of this.slots) {
      if (seq <= this.stable || slot.cert === null) continue;
      prepared.push(slot.cert);
      const batch = slot.batches.get(slot.cert.prePrepare.digest);
      assert(batch !== undefined, `pbft node ${this.id}: prepared seq ${seq} without its batch`);
      batches.push({ digest: slot.cert.prePrepare.digest, envelopes: batch });
    }
    const vc = this.signed<PbftViewChange>(
      {
        type: 'pbft/view-change',
        from: this.id,
        view,
        stable: this.stable,
        stableState: this.stableState,
        proof: this.stableProof,
        prepared,
      },
      fx,
    );
    this.ownViewChange = { ...vc, batches };
    fx.broadcast(this.ownViewChange);
    fx.setTimer(PBFT_TIMERS.viewChange, this.viewChangeTimeout());
    this.addViewChange(fx, { ...vc, batches });
  }

  private viewChangeTimeout(): number {
    return this.config.requestTimeoutMs * 2 ** this.backoff;
  }

  private onViewChange(fx: EffectsBuilder, m: PbftViewChange): void {
    if (!isNat(m.view) || m.view < this.view || (m.view === this.view && this.active)) return;
    if (this.viewChanges.get(m.view)?.has(m.from) === true) return;
    if (!this.validViewChange(m, fx, true)) return;
    this.addViewChange(fx, m);
  }

  private addViewChange(fx: EffectsBuilder, m: PbftViewChange): void {
    let byNode = this.viewChanges.get(m.view);
    if (byNode === undefined) {
      byNode = new Map();
      this.viewChanges.set(m.view, byNode);
    }
    byNode.set(m.from, m);
    if (m.stable > this.stable) this.adoptStable(fx, m.stable, m.stableState, m.proof.slice());
    // f+1 replicas want a view beyond ours: join the smallest such view (one of them is honest).
    if (m.view > this.view) {
      const wanting = new Map<NodeId, number>();
      for (const [view, senders] of this.viewChanges) {
        if (view <= this.view) continue;
        for (const sender of senders.keys()) if (!wanting.has(sender)) wanting.set(sender, view);
      }
      if (wanting.size >= this.f + 1) this.startViewChange(fx, Math.min(...wanting.values()));
    }
    if (!this.active && this.primary(this.view) === this.id) this.tryNewView(fx);
  }

  private validViewChange(m: PbftViewChange, fx: EffectsBuilder, withBatches: boolean): boolean {
    if (!isNat(m.stable) || typeof m.stableState !== 'string' || !Array.isArray(m.proof) || !Array.isArray(m.prepared))
      return false;
    if (!this.verify(m, fx)) return false;
    if (!this.validStableProof(m.stable, m.stableState, m.proof, fx)) return false;
    const seen = new Set<number>();
    for (const cert of m.prepared) {
      const pp = cert.prePrepare;
      if (pp.type !== 'pbft/pre-prepare' || !isNat(pp.seq) || !isNat(pp.view) || pp.view >= m.view || seen.has(pp.seq))
        return false;
      if (pp.seq <= m.stable || pp.seq > m.stable + this.config.watermarkWindow || pp.from !== this.primary(pp.view))
        return false;
      seen.add(pp.seq);
      if (!this.verify(pp, fx)) return false;
      const senders = new Set<NodeId>();
      for (const prepare of cert.prepares) {
        if (
          prepare.type !== 'pbft/prepare' ||
          prepare.view !== pp.view ||
          prepare.seq !== pp.seq ||
          prepare.digest !== pp.digest
        )
          return false;
        if (prepare.from === pp.from || senders.has(prepare.from) || !isNat(prepare.from) || prepare.from >= this.n)
          return false;
        if (!this.verify(prepare, fx)) return false;
        senders.add(prepare.from);
      }
      if (senders.size < this.q - 1) return false;
      if (withBatches) {
        const carried = m.batches?.find((b) => b.digest === pp.digest);
        if (carried === undefined || !Array.isArray(carried.envelopes) || !carried.envelopes.every(isBytes))
          return false;
        if (batchDigest(carried.envelopes, fx.receipt) !== pp.digest) return false;
      }
    }
    return true;
  }

  private validStableProof(seq: number, state: string, proof: readonly PbftCheckpoint[], fx: EffectsBuilder): boolean {
    if (seq === 0) return state === GENESIS_STATE;
    if (seq % this.config.checkpointInterval !== 0) return false;
    const senders = new Set<NodeId>();
    for (const checkpoint of proof) {
      if (checkpoint.type !== 'pbft/checkpoint' || checkpoint.seq !== seq || checkpoint.state !== state) return false;
      if (!isNat(checkpoint.from) || checkpoint.from >= this.n || senders.has(checkpoint.from)) return false;
      if (!this.verify(checkpoint, fx)) return false;
      senders.add(checkpoint.from);
    }
    return senders.size >= this.q;
  }

  /** The pre-prepares of a new view: (min-s, max-s] with the highest-view prepared digest or null. */
  private computeO(
    viewChanges: readonly PbftViewChange[],
    fx: EffectsBuilder,
  ): {
    minS: number;
    stableState: string;
    proof: readonly PbftCheckpoint[];
    chosen: { seq: number; digest: string }[];
  } {
    let minS = 0;
    let stableState = GENESIS_STATE;
    let proof: readonly PbftCheckpoint[] = [];
    let maxS = 0;
    for (const vc of viewChanges) {
      if (vc.stable > minS) {
        minS = vc.stable;
        stableState = vc.stableState;
        proof = vc.proof;
      }
      for (const cert of vc.prepared) maxS = Math.max(maxS, cert.prePrepare.seq);
    }
    const nullDigest = batchDigest([], fx.receipt);
    const chosen: { seq: number; digest: string }[] = [];
    for (let seq = minS + 1; seq <= maxS; seq += 1) {
      let best: PbftPrePrepare | null = null;
      for (const vc of viewChanges) {
        for (const cert of vc.prepared) {
          if (cert.prePrepare.seq === seq && (best === null || cert.prePrepare.view > best.view))
            best = cert.prePrepare;
        }
      }
      chosen.push({ seq, digest: best === null ? nullDigest : best.digest });
    }
    return { minS, stableState, proof, chosen };
  }

  private tryNewView(fx: EffectsBuilder): void {
    const collected = this.viewChanges.get(this.view);
    if (collected === undefined || collected.size < this.q) return;
    if (this.byzantine === 'withhold') return;
    const chosenVcs = [...collected.values()].sort((a, b) => a.from - b.from).slice(0, this.q);
    const { chosen } = this.computeO(chosenVcs, fx);
    const batchByDigest = new Map<string, readonly Uint8Array[]>();
    batchByDigest.set(batchDigest([], fx.receipt), []);
    for (const vc of chosenVcs)
      for (const b of vc.batches ?? []) if (!batchByDigest.has(b.digest)) batchByDigest.set(b.digest, b.envelopes);
    const prePrepares = chosen.map(({ seq, digest }) =>
      this.signed<PbftPrePrepare>({ type: 'pbft/pre-prepare', from: this.id, view: this.view, seq, digest }, fx),
    );
    const batches: PbftBatch[] = [];
    for (const { digest } of chosen) {
      const envelopes = batchByDigest.get(digest);
      assert(envelopes !== undefined, `pbft node ${this.id}: new view ${this.view} lacks batch ${digest}`);
      if (envelopes.length > 0 && !batches.some((b) => b.digest === digest)) batches.push({ digest, envelopes });
    }
    const stripped: PbftViewChange[] = chosenVcs.map(({ batches: _carried, ...vc }) => vc);
    const nv = this.signed<PbftNewView>(
      { type: 'pbft/new-view', from: this.id, view: this.view, viewChanges: stripped, prePrepares, batches },
      fx,
    );
    fx.broadcast(nv);
    this.enterView(fx, nv, batchByDigest);
  }

  private onNewView(fx: EffectsBuilder, m: PbftNewView): void {
    if (
      !isNat(m.view) ||
      m.view < this.view ||
      (m.view === this.view && this.active) ||
      m.from !== this.primary(m.view)
    )
      return;
    if (!Array.isArray(m.viewChanges) || !Array.isArray(m.prePrepares) || !Array.isArray(m.batches)) return;
    if (!this.verify(m, fx)) return;
    const senders = new Set<NodeId>();
    for (const vc of m.viewChanges) {
      if (
        vc.type !== 'pbft/view-change' ||
        vc.view !== m.view ||
        !isNat(vc.from) ||
        vc.from >= this.n ||
        senders.has(vc.from)
      )
        return;
      if (!this.validViewChange(vc, fx, false)) return;
      senders.add(vc.from);
    }
    if (senders.size < this.q) return;
    const { chosen } = this.computeO(m.viewChanges, fx);
    if (chosen.length !== m.prePrepares.length) return;
    for (const [index, expected] of chosen.entries()) {
      const pp = m.prePrepares[index] as PbftPrePrepare;
      if (
        pp.type !== 'pbft/pre-prepare' ||
        pp.from !== m.from ||
        pp.view !== m.view ||
        pp.seq !== expected.seq ||
        pp.digest !== expected.digest
      )
        return;
      if (!this.verify(pp, fx)) return;
    }
    const batchByDigest = new Map<string, readonly Uint8Array[]>();
    batchByDigest.set(batchDigest([], fx.receipt), []);
    for (const b of m.batches) {
      if (!Array.isArray(b.envelopes) || !b.envelopes.every(isBytes)) return;
      if (batchDigest(b.envelopes, fx.receipt) !== b.digest) return;
      batchByDigest.set(b.digest, b.envelopes);
    }
    for (const { digest } of chosen) if (!batchByDigest.has(digest)) return;
    this.view = m.view;
    this.enterView(fx, m, batchByDigest);
  }

  /** Installs a NEW-VIEW (ours or the primary's): the chosen pre-prepares, then normal operation. */
  private enterView(
    fx: EffectsBuilder,
    nv: PbftNewView,
    batchByDigest: ReadonlyMap<string, readonly Uint8Array[]>,
  ): void {
    const { minS, stableState, proof } = this.computeO(nv.viewChanges, fx);
    this.active = true;
    this.newView = nv;
    this.timedKey = null;
    fx.cancelTimer(PBFT_TIMERS.viewChange);
    for (const key of [...this.viewChanges.keys()]) if (key <= this.view) this.viewChanges.delete(key);
    if (minS > this.stable) this.adoptStable(fx, minS, stableState, proof.slice());
    let maxS = this.stable;
    for (const pp of nv.prePrepares) {
      maxS = Math.max(maxS, pp.seq);
      if (pp.seq <= this.stable) continue;
      const slot = this.slot(pp.seq);
      if (slot.prePrepares.has(pp.view)) continue;
      this.acceptPrePrepare(fx, pp, batchByDigest.get(pp.digest) as readonly Uint8Array[]);
    }
    for (const seq of [...this.slots.keys()]) this.progress(fx, seq);
    if (this.isPrimary()) {
      this.seqNext = Math.max(maxS, this.lastExecuted) + 1;
      const chosenKeys = new Set<string>();
      for (const pp of nv.prePrepares)
        for (const envelope of batchByDigest.get(pp.digest) ?? []) chosenKeys.add(envelopeKey(envelope));
      const pending = [...this.pool.entries()].filter(([key]) => !chosenKeys.has(key)).map(([, envelope]) => envelope);
      for (const key of chosenKeys) this.inFlight.add(key);
      this.order(fx, pending);
    } else if (this.pool.size > 0) {
      fx.send(this.primary(this.view), {
        type: 'pbft/request',
        from: this.id,
        envelopes: [...this.pool.values()],
      } satisfies PbftRequest);
    }
    this.updateRequestTimer(fx);
  }

  // ---- helpers ------------------------------------------------------------------------------

  private updateRequestTimer(fx: EffectsBuilder): void {
    if (!this.active || this.isPrimary() || this.pool.size === 0) {
      if (this.timedKey !== null) {
        this.timedKey = null;
        fx.cancelTimer(PBFT_TIMERS.request);
      }
      return;
    }
    // The timer follows the oldest undecided request, so a primary that orders others but censors
    // one is still caught.
    const oldest = this.pool.keys().next().value as string;
    if (this.timedKey === oldest) return;
    this.timedKey = oldest;
    fx.setTimer(PBFT_TIMERS.request, this.config.requestTimeoutMs);
  }

  private primary(view: number): NodeId {
    return view % this.n;
  }

  private isPrimary(): boolean {
    return this.primary(this.view) === this.id;
  }

  private inWindow(seq: unknown): seq is number {
    return isNat(seq) && seq > this.stable && seq <= this.stable + this.config.watermarkWindow;
  }

  private slot(seq: number): Slot {
    let slot = this.slots.get(seq);
    if (slot === undefined) {
      slot = {
        prePrepares: new Map(),
        batches: new Map(),
        prepares: new Map(),
        commits: new Map(),
        commitSent: new Set(),
        cert: null,
        committed: null,
      };
      this.slots.set(seq, slot);
    }
    return slot;
  }

  private effects(messagesHandled: number): EffectsBuilder {
    return new EffectsBuilder(this.id, this.n, messagesHandled, this.config.orderIdsOnly === true);
  }

  private signed<M extends ConsensusMessage & Signed>(unsigned: Omit<M, 'sig'>, fx: EffectsBuilder): M {
    const key = this.keys[this.id] as KeyPair;
    return { ...unsigned, sig: signBody(this.crypto, key, body(unsigned), fx.receipt) } as M;
  }

  private verify(m: ConsensusMessage & Partial<Signed>, fx: EffectsBuilder): boolean {
    if (!isNat(m.from) || m.from >= this.n || !isBytes(m.sig)) return false;
    const key = this.keys[m.from] as KeyPair;
    return verifyMessage(this.crypto, key.scheme, key.publicKey, m, () => body(m), m.sig, fx.receipt);
  }

  private restore(raw: unknown): void {
    assert(typeof raw === 'object' && raw !== null, 'pbft: persisted state must be an object');
    const saved = raw as PbftPersisted;
    assert(
      isNat(saved.view) &&
        isNat(saved.stable) &&
        isNat(saved.lastExecuted) &&
        isNat(saved.height) &&
        isNat(saved.seqNext),
      'pbft: persisted counters',
    );
    assert(
      typeof saved.state === 'string' && typeof saved.stableState === 'string' && Array.isArray(saved.accepted),
      'pbft: persisted digests',
    );
    this.view = saved.view;
    this.active = saved.active;
    this.stable = saved.stable;
    this.stableState = saved.stableState;
    this.stableProof = saved.stableProof.slice();
    this.lastExecuted = saved.lastExecuted;
    this.state = saved.state;
    this.height = saved.height;
    this.seqNext = saved.seqNext;
    // A restarted replica remembers which digest it accepted per (view, seq) but not the batch or
    // the votes, so it refuses any other pre-prepare there; its lost progress comes back through
    // checkpoints (state transfer) or the next view change.
    for (const [seq, view, digest] of saved.accepted) {
      if (seq <= this.stable) continue;
      this.slot(seq).prePrepares.set(view, {
        type: 'pbft/pre-prepare',
        from: this.primary(view),
        view,
        seq,
        digest,
        sig: new Uint8Array(0),
      });
    }
  }
}

export function createPbftNode(
  config: PbftConfig,
): ConsensusNode & { readonly currentView: number; readonly lowWatermark: number; readonly logSize: number } {
  return new PbftNode(config);
}
