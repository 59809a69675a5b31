/**
 * A committing peer: blocks arrive in its inbox, possibly out of order (the orderer's sends to a
 * peer can overtake each other on a multi-lane engine), and it validates and commits them strictly
 * in block order, as Fabric's deliver client and committer do.
 *
 * Validation is two steps charged to the peer's engines: `prepare` (decode, identity and policy
 * checks, signature checks; the block's transactions as independent pieces, as Fabric validates
 * them in parallel) and `commitPrepared` (MVCC checks, the block store's append, state writes; one
 * transaction after another, as Fabric's committer does, unless the architecture's `commit.parallel`
 * says otherwise). The next block is prepared once this one is committed, or, with
 * `commit.pipelined` (FastFabric), while it commits. The commit's state change becomes visible
 * when the commit step starts; endorsements that arrive during the write phase therefore see the
 * new state slightly early.
 *
 * The peer's committer is a resource of its own, reported as engine `validator` (busy while a
 * block is being prepared or committed): a saturated committer limits throughput while each engine
 * it uses is only partly busy.
 *
 * Callbacks, not a generator process: a block's life is two charges, and the engines'
 * `charge(work, then)` already is the wait; `pump` starts whatever the two steps' state allows.
 */
import type { NodeEngines } from '../engines/node-engines.js';
import {
  addReceipt,
  type Block,
  type CryptoProvider,
  emptyReceipt,
  type Peer,
  type WorkReceipt,
} from '../ledger/index.js';
import { bytesEqual } from '../ledger/hash.js';
import type { PreparedBlock } from '../ledger/validator.js';
import { runVerifyJobs } from '../ledger/verify-job.js';
import type { Environment } from '../sim/index.js';

/** The outcome of one block's commit at one peer, with when it arrived and when validation ended. */
export interface BlockCommitted {
  peer: Peer;
  block: Block;
  validationCodes: ArrayLike<number>;
  /** State writes of the commit (its valid transactions' updates and tx ids). */
  stateWrites: number;
  arrivedPs: number;
  validatedPs: number;
}

/** A peer's serial validator: busy time and blocks, reported as engine `validator`. */
export interface ValidatorStats {
  node: string;
  /** Busy time of the blocks it has finished. */
  busyPs: number;
  blocks: number;
  /** When the block in progress arrived at the validator; null when idle. */
  blockStartPs: number | null;
}

/** Busy time up to `nowPs`, the block in progress included. */
export function validatorBusyPs(v: ValidatorStats, nowPs: number): number {
  return v.busyPs + (v.blockStartPs === null ? 0 : nowPs - v.blockStartPs);
}

type VerifyCache = Parameters<typeof runVerifyJobs>[1];

/**
 * Preparing a block (decoding, identity and policy checks, the signature checks) reads no world
 * state: it is a function of the block, the peer's chain position and the channel config, which
 * every peer shares. So the first peer to validate a block prepares it and runs its signature
 * checks on the host, and a peer at the same position takes that result and adds the same work to
 * its own receipt (simulated time is charged in full at every peer). MVCC and commit stay per peer,
 * against each peer's own state. Reports are unchanged; the host saves ≈¾ of the preparation with
 * four peers.
 */
export class BlockPreparation {
  private readonly prepared = new WeakMap<
    Block,
    {
      expectedNumber: number;
      previousHash: Uint8Array;
      prepared: PreparedBlock;
      receipt: WorkReceipt;
      results: Uint8Array;
    }
  >();

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly verifyCache: VerifyCache,
  ) {}

  /**
   * The block prepared for `peer` as block `expectedNumber` following `previousHash` (the peer's
   * own position, or, pipelining, the block it is committing), its work added to `receipt`.
   */
  prepare(
    peer: Peer,
    block: Block,
    receipt: WorkReceipt,
    expectedNumber: number,
    previousHash: Uint8Array,
  ): { prepared: PreparedBlock; results: Uint8Array } {
    let shared = this.prepared.get(block);
    const samePosition =
      shared !== undefined && shared.expectedNumber === expectedNumber && bytesEqual(shared.previousHash, previousHash);
    if (shared === undefined || !samePosition) {
      const own = emptyReceipt();
      const prepared = peer.prepareAhead(block, expectedNumber, previousHash, own);
      const results = runVerifyJobs(this.crypto, this.verifyCache, prepared.jobs);
      shared = { expectedNumber, previousHash, prepared, receipt: own, results };
      this.prepared.set(block, shared);
    }
    addReceipt(receipt, shared.receipt);
    return shared;
  }
}

/** A block between its arrival at the validator and the end of its commit. */
interface InFlightBlock {
  block: Block;
  /** When its preparation started. */
  arrivedPs: number;
  prepared: PreparedBlock | null;
  results: Uint8Array | null;
}

export class PeerNode {
  private readonly inbox = new Map<number, Block>();
  /** Oldest first: the block committing (or prepared, waiting to commit), then the one preparing. */
  private readonly flight: InFlightBlock[] = [];
  private preparing = false;
  private committing = false;
  private nextPrepareNumber: number;
  private nextPrepareHash: Uint8Array;
  private lastCommitEndPs = 0;
  /** FastFabric's pipelining: block N+1 is prepared while block N commits. */
  private readonly pipelined: boolean;
  /** Fabric applies MVCC and state writes one transaction after another unless the architecture says otherwise. */
  private readonly parallelCommit: boolean;

  constructor(
    readonly peer: Peer,
    private readonly env: Environment,
    private readonly engines: NodeEngines,
    private readonly preparation: BlockPreparation,
    readonly validator: ValidatorStats,
    private readonly onCommitted: (committed: BlockCommitted) => void,
  ) {
    this.nextPrepareNumber = peer.height;
    this.nextPrepareHash = peer.lastBlockHash;
    this.pipelined = engines.arch.commit?.pipelined === true;
    this.parallelCommit = engines.arch.commit?.parallel === true;
  }

  /** A block from the orderer (or a catching-up joiner's source). */
  deliver(block: Block): void {
    // A joined peer may be handed a block it already committed while catching up.
    if (block.header.number < this.nextPrepareNumber) return;
    this.inbox.set(block.header.number, block);
    this.pump();
  }

  /** Starts what can start: the commit of a prepared block, then the preparation of the next one. */
  private pump(): void {
    const head = this.flight[0];
    if (!this.committing && head !== undefined && head.prepared !== null) this.startCommit(head);
    const room = this.pipelined ? this.flight.length < 2 : this.flight.length === 0;
    if (this.preparing || !room) return;
    const block = this.inbox.get(this.nextPrepareNumber);
    if (block !== undefined) this.startPrepare(block);
  }

  private startPrepare(block: Block): void {
    this.inbox.delete(block.header.number);
    this.preparing = true;
    const entry: InFlightBlock = { block, arrivedPs: this.env.nowPs, prepared: null, results: null };
    this.flight.push(entry);
    this.validator.blockStartPs ??= entry.arrivedPs;
    const receipt = emptyReceipt();
    const expected = this.nextPrepareNumber;
    const { prepared, results } = this.preparation.prepare(this.peer, block, receipt, expected, this.nextPrepareHash);
    this.nextPrepareNumber = expected + 1;
    this.nextPrepareHash = prepared.blockHash;
    const done = (): void => {
      this.preparing = false;
      entry.prepared = prepared;
      entry.results = results;
      this.pump();
    };
    this.engines.charge(receipt, done, this.engines.validationPieces(block.data.length));
  }

  private startCommit(entry: InFlightBlock): void {
    this.committing = true;
    const validatedPs = this.env.nowPs;
    const receipt = emptyReceipt();
    const commit = this.peer.commitPrepared(entry.prepared as PreparedBlock, entry.results as Uint8Array, receipt);
    const txCount = Math.max(1, entry.block.data.length);
    const done = (): void => {
      this.committing = false;
      this.flight.shift();
      // Busy from the block's arrival, or from the previous commit's end when it was prepared during it.
      this.validator.busyPs += this.env.nowPs - Math.max(entry.arrivedPs, this.lastCommitEndPs);
      this.validator.blocks++;
      this.lastCommitEndPs = this.env.nowPs;
      this.validator.blockStartPs = this.flight.length > 0 ? this.env.nowPs : null;
      const { block, arrivedPs } = entry;
      const { validationCodes } = commit;
      this.onCommitted({
        peer: this.peer,
        block,
        validationCodes,
        stateWrites: receipt.stateWrites,
        arrivedPs,
        validatedPs,
      });
      this.pump();
    };
    this.engines.charge(receipt, done, this.parallelCommit ? txCount : 1);
  }
}
