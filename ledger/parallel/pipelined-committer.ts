/**
 * Validate-and-commit at host speed: blocks are prepared (decoded, checked, signature jobs emitted)
 * in order on the main thread, their signatures verified on worker threads, and committed strictly in
 * order (MVCC and commit stay sequential, as in Fabric's committer). Up to `depth` blocks are in
 * flight, so workers verify block n+1 while the main thread commits block n. Receipts and validation
 * codes are exactly those of `Peer.validateAndCommit`.
 */
import { assert } from '../assert.js';
import type { Block } from '../block.js';
import type { CommitResult, Peer } from '../peer.js';
import { emptyReceipt } from '../receipt.js';
import type { WorkReceipt } from '../receipt.js';
import type { PreparedBlock } from '../validator.js';
import type { VerifyPool } from './verify-pool.js';

interface InFlight {
  readonly prepared: PreparedBlock;
  readonly receipt: WorkReceipt;
  readonly results: Promise<Uint8Array>;
}

export class PipelinedCommitter {
  private readonly inFlight: InFlight[] = [];
  private nextNumber: number;
  private nextPreviousHash: Uint8Array;

  constructor(
    private readonly peer: Peer,
    private readonly pool: VerifyPool,
    private readonly depth = 3,
  ) {
    assert(depth >= 1, 'pipeline depth must be at least 1');
    this.nextNumber = peer.height;
    this.nextPreviousHash = peer.lastBlockHash;
  }

  /** Queues a block; resolves with the commit results of any blocks that had to finish to make room. */
  async submit(block: Block): Promise<CommitResult[]> {
    const done: CommitResult[] = [];
    while (this.inFlight.length >= this.depth) done.push(await this.commitOldest());
    const receipt = emptyReceipt();
    const prepared = this.peer.prepareAhead(block, this.nextNumber, this.nextPreviousHash, receipt);
    this.nextNumber += 1;
    this.nextPreviousHash = prepared.blockHash;
    this.inFlight.push({ prepared, receipt, results: this.pool.verify(prepared.jobs) });
    return done;
  }

  /** Commits everything still in flight. */
  async drain(): Promise<CommitResult[]> {
    const done: CommitResult[] = [];
    while (this.inFlight.length > 0) done.push(await this.commitOldest());
    return done;
  }

  private async commitOldest(): Promise<CommitResult> {
    const oldest = this.inFlight.shift();
    assert(oldest !== undefined, 'nothing in flight');
    const results = await oldest.results;
    return this.peer.commitPrepared(oldest.prepared, results, oldest.receipt);
  }
}
