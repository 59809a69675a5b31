/**
 * Validate-and-commit at host speed: blocks are prepared (decoded, checked, signature jobs emitted)
 * in order on the main thread, their signatures verified on worker threads, and committed strictly in
 * order (MVCC and commit stay sequential, as in Fabric's committer). Up to `depth` blocks are in
 * flight, so workers verify block n+1 while the main thread commits block n. Receipts and validation
 * codes are exactly those of `Peer.validateAndCommit`.
 *
 * Durability is pipelined too (`Peer.commitPreparedDeferred`): block n's fsync and its world-state
 * write run off the main thread while block n+1 is validated. A block's result is handed back
 * (acknowledged) only once it is durable in the block store, so results lag their commit by a block
 * or two; at most `unackedMax` committed blocks wait for durability before the committer waits too.
 */
import { assert } from '../assert.js';
import type { Block } from '../block.js';
import type { CommitResult, DeferredCommit, Peer } from '../peer.js';
import { emptyReceipt } from '../receipt.js';
import type { WorkReceipt } from '../receipt.js';
import type { PreparedBlock } from '../validator.js';
import type { VerifyPool } from './verify-pool.js';

interface InFlight {
  readonly prepared: PreparedBlock;
  readonly receipt: WorkReceipt;
  readonly results: Promise<Uint8Array>;
}

interface Unacked {
  readonly commit: DeferredCommit;
  durable: boolean;
}

interface Unpersisted {
  readonly persisted: Promise<void>;
  settled: boolean;
}

const unackedMaxDefault = 4;

export class PipelinedCommitter {
  private readonly inFlight: InFlight[] = [];
  private readonly unacked: Unacked[] = [];
  private readonly unpersisted: Unpersisted[] = [];
  /** Durable results not yet handed back. */
  private readonly ready: CommitResult[] = [];
  private nextNumber: number;
  private nextPreviousHash: Uint8Array;

  constructor(
    private readonly peer: Peer,
    private readonly pool: VerifyPool,
    private readonly depth = 3,
    private readonly unackedMax = unackedMaxDefault,
    /** Sees each block as prepared, before its checks go to the pool (a model of this committer reads its jobs). */
    private readonly onPrepared?: (prepared: PreparedBlock) => void,
    /** Told when a block's commit has been applied (before it is durable). */
    private readonly onCommitted?: (blockNum: number) => void,
  ) {
    assert(depth >= 1, 'pipeline depth must be at least 1');
    assert(unackedMax >= 1, 'unacknowledged block limit must be at least 1');
    this.nextNumber = peer.height;
    this.nextPreviousHash = peer.lastBlockHash;
  }

  /** Queues a block; resolves with the results of the blocks that became durable meanwhile, in order. */
  async submit(block: Block): Promise<CommitResult[]> {
    while (this.inFlight.length >= this.depth) await this.commitOldest();
    const receipt = emptyReceipt();
    const prepared = this.peer.prepareAhead(block, this.nextNumber, this.nextPreviousHash, receipt);
    this.nextNumber += 1;
    this.nextPreviousHash = prepared.blockHash;
    this.onPrepared?.(prepared);
    this.inFlight.push({ prepared, receipt, results: this.pool.verify(prepared.jobs) });
    return this.takeDurable();
  }

  /** Commits everything still in flight and waits until all of it is durable and written to state. */
  async drain(): Promise<CommitResult[]> {
    while (this.inFlight.length > 0) await this.commitOldest();
    const done = this.ready.splice(0);
    for (const entry of this.unacked.splice(0)) {
      await entry.commit.durable;
      done.push(entry.commit.result);
    }
    for (const entry of this.unpersisted.splice(0)) await entry.persisted;
    return done;
  }

  private async commitOldest(): Promise<void> {
    const oldest = this.inFlight.shift();
    assert(oldest !== undefined, 'nothing in flight');
    const results = await oldest.results;
    const commit = this.peer.commitPreparedDeferred(oldest.prepared, results, oldest.receipt);
    this.onCommitted?.(commit.result.blockNum);
    const unacked: Unacked = { commit, durable: false };
    void commit.durable.then(
      () => {
        unacked.durable = true;
      },
      () => undefined,
    );
    this.unacked.push(unacked);
    const unpersisted: Unpersisted = { persisted: commit.statePersisted, settled: false };
    void commit.statePersisted.then(
      () => {
        unpersisted.settled = true;
      },
      () => undefined,
    );
    this.unpersisted.push(unpersisted);
    // Bounded: wait (and surface any failure) when too many blocks are not yet durable or persisted.
    while (this.unacked.length > this.unackedMax) {
      const front = this.unacked.shift()!;
      await front.commit.durable;
      this.ready.push(front.commit.result);
    }
    while (this.unpersisted[0]?.settled === true) this.unpersisted.shift();
    while (this.unpersisted.length > this.unackedMax) {
      await this.unpersisted[0]!.persisted;
      this.unpersisted.shift();
    }
  }

  /** Results of the leading blocks that are durable (in block order). */
  private takeDurable(): CommitResult[] {
    while (this.unacked[0]?.durable === true) this.ready.push(this.unacked.shift()!.commit.result);
    return this.ready.splice(0);
  }
}
