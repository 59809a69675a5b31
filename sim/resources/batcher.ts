/**
 * `Batcher`: cuts a stream of items into batches with the semantics of Hyperledger Fabric's block
 * cutter (orderer/common/blockcutter, BatchSize and BatchTimeout of the channel config):
 * - an item larger than `absoluteMaxBytes` is refused (Fabric rejects it at broadcast);
 * - an item larger than `preferredMaxBytes` cuts the pending batch, then goes alone in its own;
 * - an item that would push the pending batch past `preferredMaxBytes` cuts the pending batch
 *   first and starts the next one;
 * - a batch reaching `maxCount` items is cut;
 * - the timer starts when an item makes the batch non-empty and no timer runs; it is stopped only
 *   when nothing is pending. As in Fabric's solo and etcdraft chains, a cut that leaves items
 *   pending does not restart it; on expiry whatever is pending is cut.
 */
import { SimInputError } from '../errors.js';
import type { Environment } from '../environment.js';

export type CutReason = 'count' | 'bytes' | 'oversized' | 'timeout' | 'flush';

export interface BatcherOptions {
  name?: string;
  maxCount: number;
  preferredMaxBytes: number;
  absoluteMaxBytes: number;
  /** BatchTimeout; Infinity for no timer. */
  timeoutPs: number;
}

export type BatchHandler<T> = (items: T[], reason: CutReason, sizeBytes: number) => void;

export class Batcher<T> {
  private readonly env: Environment;
  private readonly options: BatcherOptions;
  private readonly onBatch: BatchHandler<T>;
  private pending: T[] = [];
  private pendingBytes = 0;
  /** Incremented whenever the timer is stopped, so an expiry of a stopped timer is ignored. */
  private timerGeneration = 0;
  private timerRunning = false;
  private readonly onTimerBound: (generation: unknown) => void;

  constructor(env: Environment, options: BatcherOptions, onBatch: BatchHandler<T>) {
    const where = `batcher ${options.name ?? ''}`.trim();
    if (!Number.isInteger(options.maxCount) || options.maxCount < 1)
      throw new SimInputError(`${where}: maxCount must be an integer ≥ 1, got ${options.maxCount}`);
    if (!(options.preferredMaxBytes > 0))
      throw new SimInputError(`${where}: preferredMaxBytes must be > 0, got ${options.preferredMaxBytes}`);
    if (!(options.absoluteMaxBytes >= options.preferredMaxBytes)) {
      throw new SimInputError(
        `${where}: absoluteMaxBytes (${options.absoluteMaxBytes}) must be ≥ preferredMaxBytes (${options.preferredMaxBytes})`,
      );
    }
    if (!(options.timeoutPs > 0))
      throw new SimInputError(`${where}: timeoutPs must be > 0 (Infinity for none), got ${options.timeoutPs}`);
    this.env = env;
    this.options = options;
    this.onBatch = onBatch;
    this.onTimerBound = (generation: unknown) => this.onTimer(generation as number);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  get pendingSizeBytes(): number {
    return this.pendingBytes;
  }

  /** Adds an item of `sizeBytes`; returns false if it is refused for exceeding absoluteMaxBytes. */
  add(item: T, sizeBytes: number): boolean {
    const { maxCount, preferredMaxBytes, absoluteMaxBytes } = this.options;
    if (sizeBytes > absoluteMaxBytes) return false;
    if (sizeBytes > preferredMaxBytes) {
      if (this.pending.length > 0) this.cut('bytes');
      this.onBatch([item], 'oversized', sizeBytes);
      this.updateTimer();
      return true;
    }
    if (this.pendingBytes + sizeBytes > preferredMaxBytes) this.cut('bytes');
    this.pending.push(item);
    this.pendingBytes += sizeBytes;
    if (this.pending.length >= maxCount) this.cut('count');
    this.updateTimer();
    return true;
  }

  /** Cuts whatever is pending now (used at the end of a run or by a consensus leader change). */
  flush(): void {
    if (this.pending.length > 0) this.cut('flush');
    this.updateTimer();
  }

  private cut(reason: CutReason): void {
    const items = this.pending;
    const sizeBytes = this.pendingBytes;
    this.pending = [];
    this.pendingBytes = 0;
    this.onBatch(items, reason, sizeBytes);
  }

  private updateTimer(): void {
    const pending = this.pending.length > 0;
    if (this.timerRunning && !pending) {
      this.timerRunning = false;
      this.timerGeneration++;
    } else if (!this.timerRunning && pending && Number.isFinite(this.options.timeoutPs)) {
      this.timerRunning = true;
      this.env.schedule(this.options.timeoutPs, this.onTimerBound, this.timerGeneration);
    }
  }

  private onTimer(generation: number): void {
    if (!this.timerRunning || generation !== this.timerGeneration) return;
    this.timerRunning = false;
    this.timerGeneration++;
    if (this.pending.length > 0) this.cut('timeout');
  }
}
