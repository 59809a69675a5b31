/**
 * A new peer joins the channel (the paper's remedy 4, "fast replication for new peers"): either
 * from a state snapshot plus the blocks after it (Fabric 2.3+'s join by snapshot), or by validating
 * and committing every block from genesis (Fabric's classic join). `joinPeer` tries the snapshot and
 * falls back to the replay when the joiner refuses it, and reports the work on each side.
 *
 * Why the fallback is safe: a refused snapshot writes nothing (Peer.importSnapshot checks before it
 * commits), and blocks need no trust in the peer serving them — the joiner checks each block's chain,
 * data hash and orderer signature and validates its transactions itself. Only the snapshot's state
 * must be trusted, which is what the commitment root the other peers agree on (`agreedRoot`) is for.
 *
 * Work: the source side counts the snapshot's export (state scan, encoding) and every byte it puts on
 * the wire (`messageBytes`: the snapshot, each block) plus reading blocks from its store; the joiner
 * counts decoding what it receives (`decodeBytes`), verifying and writing the snapshot, and
 * validating and committing each block (the same receipts as any commit). Witnesses count the roots
 * they send.
 */
import { LedgerInputError } from './assert.js';
import { agreedRoot } from './audit.js';
import type { Block } from './block.js';
import { encodedBlockSizeBytes } from './block.js';
import type { Peer } from './peer.js';
import type { WorkReceipt } from './receipt.js';
import { addReceipt, emptyReceipt } from './receipt.js';
import type { SnapshotOptions, StateSnapshot } from './state/snapshot.js';
import { SnapshotVerificationError } from './state/snapshot.js';

/** Where the joiner gets blocks from: any block store that keeps them (memory or file) is one. */
export interface BlockSource {
  height(): number;
  read(blockNum: number, receipt: WorkReceipt): Block;
}

export interface ReplayResult {
  /** Blocks validated and committed by the joiner. */
  readonly blockCount: number;
  readonly bytesTransferred: number;
  readonly sourceReceipt: WorkReceipt;
  readonly joinerReceipt: WorkReceipt;
}

/**
 * The joiner validates and commits blocks from its height up to and including `untilBlockNum`,
 * read from `blocks`. Adds the work to the given receipts (fresh ones by default).
 */
export function replayBlocks(
  joiner: Peer,
  blocks: BlockSource,
  untilBlockNum: number,
  sourceReceipt: WorkReceipt = emptyReceipt(),
  joinerReceipt: WorkReceipt = emptyReceipt(),
): ReplayResult {
  if (!Number.isSafeInteger(untilBlockNum) || untilBlockNum >= blocks.height()) {
    throw new LedgerInputError(`replay: block ${untilBlockNum} is not in the block source (height ${blocks.height()})`);
  }
  let blockCount = 0;
  let bytesTransferred = 0;
  for (let blockNum = joiner.height; blockNum <= untilBlockNum; blockNum += 1) {
    const block = blocks.read(blockNum, sourceReceipt);
    const sizeBytes = encodedBlockSizeBytes(block);
    sourceReceipt.messageBytes += sizeBytes;
    joinerReceipt.decodeBytes += sizeBytes;
    bytesTransferred += sizeBytes;
    addReceipt(joinerReceipt, joiner.validateAndCommit(block).receipt);
    blockCount += 1;
  }
  return { blockCount, bytesTransferred, sourceReceipt, joinerReceipt };
}

export interface JoinOptions {
  /** A fresh peer: nothing committed, empty stores (a head-only or memory block store). */
  readonly joiner: Peer;
  /** The peer that serves the snapshot and, unless `blocks` says otherwise, the blocks. */
  readonly source: Peer;
  /** Defaults to the source's block store (which must keep blocks from genesis for a replay). */
  readonly blocks?: BlockSource;
  /** 'snapshot' (default): try a snapshot, fall back to replay; 'replay': replay from genesis only. */
  readonly prefer?: 'snapshot' | 'replay';
  /** A snapshot taken earlier (its export work is not counted again); default: exported now from the source. */
  readonly snapshot?: StateSnapshot;
  readonly snapshotOptions?: SnapshotOptions;
  /** The commitment root the joiner trusts for the snapshot's block (e.g. `agreedRoot(...).root`). */
  readonly trustedRoot?: Uint8Array;
  /**
   * Peers asked for their root after the snapshot's block when `trustedRoot` is absent; the strict
   * majority's root is trusted, and without a majority the snapshot is refused.
   */
  readonly witnesses?: readonly Peer[];
  /** The last block to commit (default: the block source's last). */
  readonly untilBlockNum?: number;
  /** What happens to the snapshot on the way (fault injection: a damaged or lying source). */
  readonly transit?: (snapshot: StateSnapshot) => StateSnapshot;
}

export interface JoinResult {
  readonly path: 'snapshot' | 'replay';
  /** Why the snapshot was refused (null if it was accepted or not tried). */
  readonly refusal: SnapshotVerificationError | null;
  /** The snapshot's block (null if none was tried). */
  readonly snapshotBlockNum: number | null;
  readonly snapshotSizeBytes: number;
  /** Blocks validated and committed after the snapshot, or from genesis. */
  readonly blocksReplayed: number;
  /** Snapshot bytes (also when refused), block bytes and witnesses' roots. */
  readonly bytesTransferred: number;
  /** The joiner's last committed block. */
  readonly blockNum: number;
  readonly sourceReceipt: WorkReceipt;
  readonly joinerReceipt: WorkReceipt;
  readonly witnessReceipts: ReadonlyMap<string, WorkReceipt>;
}

/** Joins `joiner` to the channel (see the module header). */
export function joinPeer(options: JoinOptions): JoinResult {
  const { joiner, source } = options;
  if (joiner.height !== 0)
    throw new LedgerInputError(
      `join: ${joiner.name} has committed ${joiner.height} blocks already; joining needs a fresh peer`,
    );
  if (joiner === source) throw new LedgerInputError(`join: ${joiner.name} cannot join from itself`);
  const blocks = options.blocks ?? source.blockStore;
  const untilBlockNum = options.untilBlockNum ?? blocks.height() - 1;
  const sourceReceipt = emptyReceipt();
  const joinerReceipt = emptyReceipt();
  const witnessReceipts = new Map<string, WorkReceipt>();
  let bytesTransferred = 0;

  let refusal: SnapshotVerificationError | null = null;
  let snapshotBlockNum: number | null = null;
  let snapshotSizeBytes = 0;
  if ((options.prefer ?? 'snapshot') === 'snapshot') {
    let snapshot = options.snapshot;
    if (snapshot === undefined) {
      const exported = source.exportSnapshot(options.snapshotOptions ?? {});
      addReceipt(sourceReceipt, exported.receipt);
      snapshot = exported.snapshot;
    }
    if (snapshot.blockNum > untilBlockNum)
      throw new LedgerInputError(
        `join: the snapshot is at block ${snapshot.blockNum}, past the last block to commit (${untilBlockNum})`,
      );
    snapshotBlockNum = snapshot.blockNum;
    snapshotSizeBytes = snapshot.sizeBytes;
    sourceReceipt.messageBytes += snapshot.sizeBytes;
    bytesTransferred += snapshot.sizeBytes;
    const received = options.transit === undefined ? snapshot : options.transit(snapshot);
    let trustedRoot: Uint8Array | null = options.trustedRoot ?? null;
    if (trustedRoot === null && options.witnesses !== undefined) {
      const agreed = agreedRoot(options.witnesses, received.blockNum);
      for (const [name, receipt] of agreed.peerReceipts) {
        witnessReceipts.set(name, receipt);
        bytesTransferred += receipt.messageBytes;
      }
      trustedRoot = agreed.root;
      if (trustedRoot === null) {
        refusal = new SnapshotVerificationError(
          'trusted-root',
          received.blockNum,
          'a root a strict majority of the witnesses agree on',
          `roots from ${options.witnesses.length} witnesses without a majority`,
          'no trusted root to check against',
        );
      }
    }
    if (refusal === null) {
      try {
        addReceipt(joinerReceipt, joiner.importSnapshot(received, { commitmentRoot: trustedRoot }));
      } catch (error) {
        if (!(error instanceof SnapshotVerificationError)) throw error;
        refusal = error;
      }
    }
    if (refusal === null) {
      const replay = replayBlocks(joiner, blocks, untilBlockNum, sourceReceipt, joinerReceipt);
      bytesTransferred += replay.bytesTransferred;
      return {
        path: 'snapshot',
        refusal,
        snapshotBlockNum,
        snapshotSizeBytes,
        blocksReplayed: replay.blockCount,
        bytesTransferred,
        blockNum: joiner.height - 1,
        sourceReceipt,
        joinerReceipt,
        witnessReceipts,
      };
    }
  }
  const replay = replayBlocks(joiner, blocks, untilBlockNum, sourceReceipt, joinerReceipt);
  bytesTransferred += replay.bytesTransferred;
  return {
    path: 'replay',
    refusal,
    snapshotBlockNum,
    snapshotSizeBytes,
    blocksReplayed: replay.blockCount,
    bytesTransferred,
    blockNum: joiner.height - 1,
    sourceReceipt,
    joinerReceipt,
    witnessReceipts,
  };
}
