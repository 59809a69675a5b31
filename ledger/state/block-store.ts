/**
 * The block store interface: an append-only sequence of committed blocks (with the committing peer's
 * validation flags). `FileBlockStore` (`block-file.ts`) persists them; `MemoryBlockStore` keeps the
 * encoded blocks in memory (tests); `HeadOnlyBlockStore` keeps only the height, for long
 * simulations that must run in constant memory and never replay.
 */
import { assert } from '../assert.js';
import type { Block } from '../block.js';
import { decodeBlock, encodeBlock, encodedBlockSizeBytes } from '../block.js';
import type { WorkReceipt } from '../receipt.js';

export interface BlockStore {
  readonly kind: 'memory' | 'file' | 'head-only';
  /** Number of blocks stored (the next block number). */
  height(): number;
  /** Appends the next block; returns its encoded size. */
  append(block: Block, receipt: WorkReceipt): number;
  /**
   * Appends the next block and returns at once; `durable` resolves when the block would survive power
   * loss (stores without it are used through `append`, durable when it returns).
   */
  appendDeferred?(block: Block, receipt: WorkReceipt): DeferredAppend;
  /** Reads a stored block; throws if the store does not keep blocks. */
  read(blockNum: number, receipt: WorkReceipt): Block;
  /**
   * Makes an empty store begin at block `blockNum` (optional): a peer that joined from a state
   * snapshot holds no earlier blocks, as a Fabric peer bootstrapped from a snapshot does not.
   */
  startAt?(blockNum: number): void;
  close(): void;
}

export interface DeferredAppend {
  readonly sizeBytes: number;
  readonly durable: Promise<void>;
}

export class MemoryBlockStore implements BlockStore {
  readonly kind = 'memory' as const;
  private readonly blocks: Uint8Array[] = [];
  /** Number of the first block held (non-zero after `startAt`). */
  private firstBlockNum = 0;

  height(): number {
    return this.firstBlockNum + this.blocks.length;
  }

  append(block: Block, receipt: WorkReceipt): number {
    assert(
      block.header.number === this.height(),
      `block store: expected block ${this.height()}, got ${block.header.number}`,
    );
    const bytes = encodeBlock(block, receipt);
    this.blocks.push(bytes);
    return bytes.length;
  }

  startAt(blockNum: number): void {
    assert(this.height() === 0, `block store: startAt(${blockNum}) on a store holding ${this.height()} blocks`);
    assert(Number.isSafeInteger(blockNum) && blockNum >= 0, `block store: startAt(${blockNum})`);
    this.firstBlockNum = blockNum;
  }

  read(blockNum: number, receipt: WorkReceipt): Block {
    assert(
      blockNum >= this.firstBlockNum,
      `block store: block ${blockNum} precedes the first block held (${this.firstBlockNum}, joined from a snapshot)`,
    );
    const bytes = this.blocks[blockNum - this.firstBlockNum];
    assert(bytes !== undefined, `block store: no block ${blockNum}`);
    const block = decodeBlock(bytes, receipt);
    assert(block !== null, `block store: block ${blockNum} does not decode`);
    return block;
  }

  close(): void {}
}

export class HeadOnlyBlockStore implements BlockStore {
  readonly kind = 'head-only' as const;
  private count = 0;

  height(): number {
    return this.count;
  }

  /**
   * Keeps nothing, but counts what a durable store's append does (the block's bytes written and one
   * sync), so a simulated peer is charged for its block store as a Fabric peer is for its own.
   */
  append(block: Block, receipt?: WorkReceipt): number {
    assert(block.header.number === this.count, `block store: expected block ${this.count}, got ${block.header.number}`);
    this.count += 1;
    if (receipt !== undefined) {
      receipt.storageWriteBytes += encodedBlockSizeBytes(block);
      receipt.storageSyncs += 1;
    }
    return 0;
  }

  startAt(blockNum: number): void {
    assert(this.count === 0, `block store: startAt(${blockNum}) on a store holding ${this.count} blocks`);
    assert(Number.isSafeInteger(blockNum) && blockNum >= 0, `block store: startAt(${blockNum})`);
    this.count = blockNum;
  }

  read(blockNum: number): Block {
    throw new Error(`head-only block store keeps no blocks (asked for block ${blockNum})`);
  }

  close(): void {}
}
