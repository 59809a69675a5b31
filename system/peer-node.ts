/**
 * A committing peer: blocks arrive in its inbox, possibly out of order (the orderer's sends to a
 * peer can overtake each other on a multi-lane engine), and it validates and commits them strictly
 * in block order, one at a time, as Fabric's deliver client and committer do.
 *
 * Validation is two steps, each charged to the peer's engines with the block's transactions as
 * independent pieces: `prepare` (decode, identity and policy checks, signature checks) and
 * `commitPrepared` (MVCC and state writes). The commit's state change becomes visible when the
 * commit step starts; endorsements that arrive during the write phase (microseconds) therefore see
 * the new state slightly early.
 *
 * The peer's serial committer is a resource of its own, reported as engine `validator`: a saturated
 * serial committer limits throughput while each engine it uses is only partly busy.
 *
 * Callbacks, not a generator process: the peer's behaviour is two charges in sequence per block,
 * and the engines' `charge(work, then)` already is the wait, so a process would add a layer
 * without making the two steps clearer.
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
    { prepared: PreparedBlock; receipt: WorkReceipt; results: Uint8Array }
  >();

  constructor(
    private readonly crypto: CryptoProvider,
    private readonly verifyCache: VerifyCache,
  ) {}

  /** The block prepared for `peer`, its work added to `receipt`. */
  prepare(peer: Peer, block: Block, receipt: WorkReceipt): { prepared: PreparedBlock; results: Uint8Array } {
    let shared = this.prepared.get(block);
    const samePosition =
      shared !== undefined &&
      peer.height === block.header.number &&
      bytesEqual(peer.lastBlockHash, block.header.previousHash);
    if (shared === undefined || !samePosition) {
      const own = emptyReceipt();
      const prepared = peer.prepare(block, own);
      shared = { prepared, receipt: own, results: runVerifyJobs(this.crypto, this.verifyCache, prepared.jobs) };
      this.prepared.set(block, shared);
    }
    addReceipt(receipt, shared.receipt);
    return shared;
  }
}

export class PeerNode {
  private readonly inbox = new Map<number, Block>();
  private nextBlockNumber: number;
  private busy = false;

  constructor(
    readonly peer: Peer,
    private readonly env: Environment,
    private readonly engines: NodeEngines,
    private readonly preparation: BlockPreparation,
    readonly validator: ValidatorStats,
    private readonly onCommitted: (committed: BlockCommitted) => void,
  ) {
    this.nextBlockNumber = peer.height;
  }

  /** A block from the orderer (or a catching-up joiner's source). */
  deliver(block: Block): void {
    // A joined peer may be handed a block it already committed while catching up.
    if (block.header.number < this.nextBlockNumber) return;
    this.inbox.set(block.header.number, block);
    if (!this.busy) this.processNext();
  }

  private processNext(): void {
    const block = this.inbox.get(this.nextBlockNumber);
    if (block === undefined) {
      this.busy = false;
      return;
    }
    this.inbox.delete(this.nextBlockNumber);
    this.nextBlockNumber++;
    this.busy = true;
    const txCount = Math.max(1, block.data.length);
    const arrivedPs = this.env.nowPs;
    this.validator.blockStartPs = arrivedPs;
    const prepareReceipt = emptyReceipt();
    const { prepared, results } = this.preparation.prepare(this.peer, block, prepareReceipt);
    this.engines.charge(prepareReceipt, () => this.commit(block, prepared, results, arrivedPs), txCount);
  }

  private commit(block: Block, prepared: PreparedBlock, results: Uint8Array, arrivedPs: number): void {
    const validatedPs = this.env.nowPs;
    const commitReceipt = emptyReceipt();
    const commit = this.peer.commitPrepared(prepared, results, commitReceipt);
    const txCount = Math.max(1, block.data.length);
    this.engines.charge(
      commitReceipt,
      () => {
        this.validator.busyPs += this.env.nowPs - arrivedPs;
        this.validator.blocks++;
        this.validator.blockStartPs = null;
        this.onCommitted({ peer: this.peer, block, validationCodes: commit.validationCodes, arrivedPs, validatedPs });
        this.processNext();
      },
      txCount,
    );
  }
}
