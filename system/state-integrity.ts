/**
 * State integrity in the full-system run (the paper's remedy 4): periodic consistency audits of the
 * peers' state commitments, and a new peer joining a running network by snapshot or by replay.
 * The ledger does the work (commitments, audit, snapshot export/import, validation); this module
 * decides when it happens in simulated time and charges each receipt to the engines of the node
 * that did it, with the bytes crossing the topology's links.
 *
 * Modelling choices (each says why):
 * - Audit: every peer seals its commitment after each audited block (a checkpoint kept by the ledger)
 *   and sends its root to the auditor (the first peer); when every peer's root is in, the auditor
 *   compares them and walks the Merkle tree to the diverging buckets. The drill-down to keys scans
 *   states, which must be at one height: it runs at the first moment all audited peers are.
 * - State-integrity hashing — the commitment's upkeep in each commit (counted by the ledger as
 *   `integrityHashBytes`) and the audit's checks — goes to the DB engine's integrity hasher on an
 *   architecture whose DB engine serves state and has one (`db.hashBytesPerNs`: the paper's hardware
 *   checker); otherwise it goes where hashing goes (CPU cores on the baseline). Scans are state work.
 * - Join: the snapshot comes from a peer of the first organisation (its DB engine scans and encodes
 *   it, its NIC sends it); the blocks after it (or every block, for a replay) come from the orderer's
 *   deliver service, one at a time, as Fabric peers pull them. The joiner receives live blocks only
 *   once it has caught up with every block cut so far; the join time ends there.
 */
import type { Architecture } from '../engines/architecture.js';
import type { ArchResult } from '../reports/run-report.js';
import type { NodeEngines } from '../engines/node-engines.js';
import type { Environment } from '../sim/index.js';
import { msToPs, psToSeconds } from '../sim/index.js';
import { agreedRoot, auditCheckpoints, locateDivergentKeys, type AuditReport } from '../ledger/audit.js';
import type { Block } from '../ledger/block.js';
import { encodedBlockSizeBytes } from '../ledger/block.js';
import type { Network } from '../ledger/network.js';
import { Peer } from '../ledger/peer.js';
import { addReceipt, emptyReceipt, type WorkReceipt } from '../ledger/receipt.js';
import { SnapshotVerificationError } from '../ledger/state/snapshot.js';
import type { StateSnapshot } from '../ledger/state/snapshot.js';
import { decode, packValue } from '../ledger/codec.js';
import { sixFigures } from '../reports/figures.js';

export interface IntegrityOptions {
  /** Audit after every this many blocks (absent: no audits). */
  auditEveryBlocks?: number;
  /** Buckets of the state commitment (a power of two). */
  buckets?: number;
  /** A new peer joins at this simulated time (absent: none). */
  joinAtPs?: number;
  /** How it catches up: a state snapshot plus the blocks after it, or every block from genesis. */
  joinMode?: 'snapshot' | 'replay';
  /** Corrupt one state write at peer `peer` at the first block committed after `atMs` (fault file). */
  corruptWrites?: readonly { atMs: number; peer: number }[];
  /** Damage the snapshot on its way to the joiner (tests of the refusal and fallback path). */
  tamperSnapshot?: boolean;
  /**
   * Table 01's "nodes that can be added at a fixed TPS": a new peer joins (by snapshot) every
   * `everyPs`, and the committed TPS of each interval is checked against `targetTps`.
   */
  grow?: { everyPs: number; targetTps: number; untilPs: number };
}

export interface AuditRecord {
  blockNum: number;
  /** From the first peer's commit of the block to the auditor's verdict. */
  latencyMs: number;
  agree: boolean;
}

/** What the report carries (reports/run-report.ts owns the shape). */
export type IntegrityResult = NonNullable<ArchResult['integrity']>;
/** One divergence found by audits: first and last audit that saw it (same peers and buckets), keys once narrowed. */
export type DivergenceRecord = NonNullable<IntegrityResult['audit']>['divergences'][number];

export interface IntegrityContext {
  env: Environment;
  arch: Architecture;
  network: Network;
  /** Peers taking part (the joiner is appended once it is live). */
  livePeers: Peer[];
  enginesOf(name: string): NodeEngines;
  newEngines(name: string): NodeEngines;
  send(from: string, to: string, bytes: number, then: () => void): void;
  /** Where a new node sits (for its links): the first organisation's site. */
  placeNode(name: string, likePeer: string): void;
  /** Every block cut so far, genesis first (kept only when a peer joins). */
  chain: readonly Block[];
  /** Starts the live block processing of a peer that has caught up. */
  attachLive(peer: Peer): void;
  ordererName: string;
  seed: number;
  /** Transactions in blocks committed so far at the notifying peer (any validation code: a block carries invalid ones too). */
  committedCount(): number;
}

/**
 * Audit work: its hashing (entry digests of a drill-down, inner nodes) is state-integrity work, which
 * the engines give to the DB engine's integrity hasher where there is one (see the header).
 */
function integrityWork(receipt: WorkReceipt): WorkReceipt {
  return { ...receipt, hashBytes: 0, integrityHashBytes: receipt.hashBytes + receipt.integrityHashBytes };
}

export class StateIntegrity {
  private readonly roots = new Map<number, { firstCommitPs: number; reported: Set<string> }>();
  private readonly audits: AuditRecord[] = [];
  private readonly divergences: DivergenceRecord[] = [];
  private readonly pendingNarrowing: { report: AuditReport; record: DivergenceRecord }[] = [];
  private readonly auditWork = emptyReceipt();
  private join: IntegrityResult['join'] | undefined;
  private joiner: Peer | null = null;
  private joinCount = 0;
  private readonly growthSteps: { peers: number; committedTps: number; holds: boolean }[] = [];
  private readonly growthJoins: NonNullable<IntegrityResult['join']>[] = [];

  constructor(
    private readonly ctx: IntegrityContext,
    private readonly options: IntegrityOptions,
  ) {
    const every = options.auditEveryBlocks;
    const keepRoots =
      (options.joinAtPs !== undefined && (options.joinMode ?? 'snapshot') === 'snapshot') || options.grow !== undefined;
    if (every !== undefined || keepRoots) {
      for (const peer of ctx.network.peers) {
        const receipt = peer.enableCommitment({
          bucketCount: options.buckets ?? 1024,
          ...(every === undefined ? {} : { checkpointEveryBlocks: every }),
          // A snapshot is checked against the root the other peers hold for its block: keep one per block.
          rootEveryBlock: keepRoots,
        });
        ctx.enginesOf(peer.name).charge(integrityWork(receipt), () => undefined);
      }
    }
    for (const fault of options.corruptWrites ?? []) {
      ctx.env.scheduleAt(msToPs(fault.atMs), () => {
        const peer = ctx.network.peers[fault.peer];
        if (peer !== undefined) peer.injectCorruptWrite({ atBlock: peer.height });
      });
    }
    if (options.joinAtPs !== undefined) ctx.env.scheduleAt(options.joinAtPs, () => this.startJoin('first'));
    const grow = options.grow;
    if (grow !== undefined) {
      let lastCommitted = 0;
      let warmedUp = false;
      const tick = (): void => {
        const committed = ctx.committedCount();
        const committedTps = ((committed - lastCommitted) * 1e12) / grow.everyPs;
        lastCommitted = committed;
        // The first interval fills the pipeline (a warm-up): it is not a step.
        if (warmedUp)
          this.growthSteps.push({
            peers: ctx.livePeers.length,
            committedTps: sixFigures(committedTps),
            holds: committedTps >= 0.95 * grow.targetTps,
          });
        warmedUp = true;
        if (ctx.env.nowPs + grow.everyPs <= grow.untilPs) {
          this.startJoin('growth');
          ctx.env.schedule(grow.everyPs, tick);
        }
      };
      ctx.env.schedule(grow.everyPs, tick);
    }
  }

  /** A peer finished committing block `blockNum` (its engines are done with it). */
  onCommitted(peer: Peer, blockNum: number): void {
    const every = this.options.auditEveryBlocks;
    if (every !== undefined && blockNum > 0 && blockNum % every === 0 && peer.commitment !== null) {
      let entry = this.roots.get(blockNum);
      if (entry === undefined) {
        entry = { firstCommitPs: this.ctx.env.nowPs, reported: new Set() };
        this.roots.set(blockNum, entry);
      }
      const auditor = this.ctx.livePeers[0]!;
      const rootBytes = 32;
      const state = entry;
      const deliver = (): void => {
        state.reported.add(peer.name);
        this.maybeAudit(blockNum);
      };
      if (peer === auditor) deliver();
      else
        this.ctx
          .enginesOf(peer.name)
          .charge({ ...emptyReceipt(), messageBytes: rootBytes }, () =>
            this.ctx.send(peer.name, auditor.name, rootBytes, deliver),
          );
    }
    this.tryNarrowing();
  }

  private auditedPeers(): Peer[] {
    return this.ctx.livePeers.filter((p) => p.commitment !== null);
  }

  private maybeAudit(blockNum: number): void {
    const entry = this.roots.get(blockNum);
    const peers = this.auditedPeers();
    if (entry === undefined || peers.length < 2 || !peers.every((p) => entry.reported.has(p.name))) return;
    this.roots.delete(blockNum);
    const participants = peers.flatMap((peer) => {
      const checkpoint = peer.commitment?.checkpointAfter(blockNum) ?? null;
      return checkpoint === null ? [] : [{ peer: peer.name, checkpoint }];
    });
    if (participants.length < 2) return;
    const report = auditCheckpoints(participants);
    const auditor = this.ctx.livePeers[0]!;
    addReceipt(this.auditWork, report.auditorReceipt);
    for (const [name, receipt] of report.peerReceipts) {
      addReceipt(this.auditWork, receipt);
      if (receipt.messageBytes + receipt.hashBytes + receipt.integrityHashBytes > 0 && name !== auditor.name)
        this.ctx.enginesOf(name).charge(integrityWork(receipt), () => undefined);
    }
    this.ctx.enginesOf(auditor.name).charge(integrityWork(report.auditorReceipt), () => {
      const nowPs = this.ctx.env.nowPs;
      this.audits.push({ blockNum, latencyMs: (nowPs - entry.firstCommitPs) / 1e9, agree: report.agree });
      if (report.agree) return;
      const buckets = report.divergentBuckets.map((b) => b.bucket);
      // A divergence found again (same peers, same buckets) is the same one, still there.
      const known = this.divergences.find(
        (d) =>
          d.lastSeenBlockNum < blockNum &&
          sameList(d.suspects, report.suspects) &&
          sameList(d.divergentBuckets, buckets),
      );
      if (known !== undefined) {
        known.lastSeenBlockNum = blockNum;
        known.audits += 1;
        return;
      }
      const record: DivergenceRecord = {
        blockNum,
        lastSeenBlockNum: blockNum,
        audits: 1,
        detectedAtMs: nowPs / 1e9,
        suspects: [...report.suspects],
        divergentBuckets: buckets,
        keys: [],
        minKey: null,
        maxKey: null,
        narrowedAtMs: null,
      };
      this.divergences.push(record);
      this.pendingNarrowing.push({ report, record });
      this.tryNarrowing();
    });
  }

  /** Key drill-down for detected divergences, once the audited peers are at one height. */
  private tryNarrowing(): void {
    if (this.pendingNarrowing.length === 0) return;
    const peers = this.auditedPeers();
    const height = peers[0]?.height;
    if (height === undefined || !peers.every((p) => p.height === height)) return;
    for (const { report, record } of this.pendingNarrowing.splice(0)) {
      const sources = peers.filter((p) => report.peers.includes(p.name));
      if (sources.length < 2) continue;
      const located = locateDivergentKeys(report, sources);
      addReceipt(this.auditWork, located.auditorReceipt);
      for (const [name, receipt] of located.peerReceipts) {
        addReceipt(this.auditWork, receipt);
        this.ctx.enginesOf(name).charge(integrityWork(receipt), () => undefined);
      }
      record.keys = located.keys.map((k) => k.key);
      record.minKey = located.minKey;
      record.maxKey = located.maxKey;
      record.narrowedAtMs = this.ctx.env.nowPs / 1e9;
    }
  }

  // ---- join -----------------------------------------------------------------------------------------

  private startJoin(kind: 'first' | 'growth'): void {
    const { ctx } = this;
    const mode = kind === 'growth' ? 'snapshot' : (this.options.joinMode ?? 'snapshot');
    this.joinCount += 1;
    const atPs = ctx.env.nowPs;
    const ca = ctx.network.cas[0]!;
    const identity = ca.issue(
      `peer-joined-${this.joinCount}`,
      'peer',
      'p256',
      `bpusim/${ctx.seed}/join/${this.joinCount}`,
    );
    const joiner = new Peer({
      identity,
      config: ctx.network.config,
      crypto: ctx.network.crypto,
      verifyCache: ctx.network.verifyCache,
    });
    if (kind === 'first') this.joiner = joiner;
    const source = ctx.network.peers[0]!;
    ctx.placeNode(joiner.name, source.name);
    ctx.newEngines(joiner.name);
    const result: NonNullable<IntegrityResult['join']> = {
      mode,
      path: mode,
      atMs: psToSeconds(atPs) * 1000,
      refusal: null,
      snapshotBlockNum: null,
      snapshotBytes: 0,
      blocksReplayed: 0,
      bytesTransferred: 0,
      joinTimeMs: null,
      stateMatches: false,
    };
    if (kind === 'first') this.join = result;
    else this.growthJoins.push(result);
    const catchUp = (): void => this.catchUp(joiner, result, atPs);
    if (mode === 'replay') {
      catchUp();
      return;
    }
    // The snapshot: exported now at the source's height, sent, verified and imported by the joiner.
    const exported = source.exportSnapshot({});
    let snapshot: StateSnapshot = exported.snapshot;
    result.snapshotBlockNum = snapshot.blockNum;
    result.snapshotBytes = snapshot.sizeBytes;
    const trusted = agreedRoot(
      ctx.network.peers.filter((p) => p.height > snapshot.blockNum),
      snapshot.blockNum,
    );
    if (this.options.tamperSnapshot === true) snapshot = tampered(snapshot);
    ctx.enginesOf(source.name).charge({ ...exported.receipt, messageBytes: snapshot.sizeBytes }, () => {
      ctx.send(source.name, joiner.name, snapshot.sizeBytes, () => {
        result.bytesTransferred += snapshot.sizeBytes;
        const receipt = emptyReceipt();
        receipt.decodeBytes += snapshot.sizeBytes;
        try {
          addReceipt(
            receipt,
            joiner.importSnapshot(snapshot, trusted.root === null ? {} : { commitmentRoot: trusted.root }),
          );
        } catch (error) {
          if (!(error instanceof SnapshotVerificationError)) throw error;
          // Refused before anything was written: fall back to replaying every block.
          result.refusal = error.message;
          result.path = 'replay';
        }
        ctx.enginesOf(joiner.name).charge(receipt, catchUp);
      });
    });
  }

  /** One block at a time from the orderer's deliver service until the joiner has every block cut. */
  private catchUp(joiner: Peer, result: NonNullable<IntegrityResult['join']>, atPs: number): void {
    const { ctx } = this;
    const next = joiner.height;
    if (next >= ctx.chain.length) {
      result.joinTimeMs = (ctx.env.nowPs - atPs) / 1e9;
      if (this.options.auditEveryBlocks !== undefined && joiner.commitment === null) {
        ctx.enginesOf(joiner.name).charge(
          integrityWork(
            joiner.enableCommitment({
              bucketCount: this.options.buckets ?? 1024,
              checkpointEveryBlocks: this.options.auditEveryBlocks,
            }),
          ),
          () => undefined,
        );
      }
      ctx.livePeers.push(joiner);
      ctx.attachLive(joiner);
      return;
    }
    const block = ctx.chain[next]!;
    const bytes = encodedBlockSizeBytes(block);
    ctx.enginesOf(ctx.ordererName).charge({ ...emptyReceipt(), messageBytes: bytes }, () =>
      ctx.send(ctx.ordererName, joiner.name, bytes, () => {
        result.bytesTransferred += bytes;
        const commit = joiner.validateAndCommit(block);
        const receipt = addReceipt({ ...emptyReceipt(), decodeBytes: bytes }, commit.receipt);
        result.blocksReplayed += 1;
        const engines = ctx.enginesOf(joiner.name);
        engines.charge(receipt, () => this.catchUp(joiner, result, atPs), engines.validationPieces(block.data.length));
      }),
    );
  }

  result(reference: Peer): IntegrityResult {
    const out: IntegrityResult = {};
    const every = this.options.auditEveryBlocks;
    if (every !== undefined) {
      const injected = this.ctx.network.peers.flatMap((peer) =>
        peer.corruptWrites.map((w) => ({ peer: peer.name, blockNum: w.blockNum, key: w.key })),
      );
      const detected = injected.filter((w) =>
        this.divergences.some(
          (d) =>
            d.blockNum >= w.blockNum &&
            d.suspects.includes(w.peer) &&
            d.minKey !== null &&
            d.maxKey !== null &&
            d.minKey <= w.key &&
            w.key <= d.maxKey,
        ),
      ).length;
      const audits = Math.max(1, this.audits.length);
      out.audit = {
        everyBlocks: every,
        buckets: this.options.buckets ?? 1024,
        audits: this.audits.length,
        meanAuditLatencyMs: sixFigures(this.audits.reduce((sum, a) => sum + a.latencyMs, 0) / audits),
        workPerAudit: {
          hashBytes: sixFigures((this.auditWork.hashBytes + this.auditWork.integrityHashBytes) / audits),
          messageBytes: sixFigures(this.auditWork.messageBytes / audits),
          rangeRows: sixFigures(this.auditWork.rangeRows / audits),
        },
        divergences: this.divergences.map((d) => ({
          ...d,
          detectedAtMs: sixFigures(d.detectedAtMs),
          narrowedAtMs: d.narrowedAtMs === null ? null : sixFigures(d.narrowedAtMs),
        })),
        injected,
        detected,
      };
    }
    const grow = this.options.grow;
    if (grow !== undefined) {
      let peersHeld = this.ctx.network.peers.length;
      for (const step of this.growthSteps) {
        if (!step.holds) break;
        peersHeld = Math.max(peersHeld, step.peers);
      }
      out.growth = {
        everyMs: sixFigures(grow.everyPs / 1e9),
        targetTps: grow.targetTps,
        steps: this.growthSteps,
        peersHeld,
        addedPeers: this.growthJoins.filter((j) => j.joinTimeMs !== null).length,
        joinTimesMs: this.growthJoins.map((j) => (j.joinTimeMs === null ? null : sixFigures(j.joinTimeMs))),
      };
    }
    if (this.join !== undefined) {
      out.join = {
        ...this.join,
        joinTimeMs: this.join.joinTimeMs === null ? null : sixFigures(this.join.joinTimeMs),
        stateMatches:
          this.joiner !== null &&
          this.joiner.height === reference.height &&
          this.joiner.stateHashHex === reference.stateHashHex,
      };
    }
    return out;
  }
}

/**
 * The snapshot with one byte of its first row's value flipped (a damaged or lying source). A value,
 * not a version: the commitment covers content only, so a changed version would pass (see the note
 * in the closing report).
 */
function tampered(snapshot: StateSnapshot): StateSnapshot {
  const chunks = snapshot.stateChunks.map((chunk, i) => {
    if (i !== 0) return chunk;
    const rows = decode(chunk, emptyReceipt()) as [string, Uint8Array, number, number][];
    const first = rows[0];
    if (first === undefined || first[1].length === 0) return chunk;
    const value = Uint8Array.from(first[1]);
    value[0] = (value[0] ?? 0) ^ 0x01;
    // Kept in the snapshot: its own copy, not a view of the codec's shared buffer.
    return new Uint8Array(packValue([[first[0], value, first[2], first[3]], ...rows.slice(1)]));
  });
  return { ...snapshot, stateChunks: chunks };
}

function sameList<T>(a: readonly T[], b: readonly T[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
