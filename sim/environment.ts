/**
 * The simulation environment: the clock (`nowPs`), the future event list and the run loop, after
 * SimPy's `Environment` (now, schedule, step, run(until)).
 *
 * Two ways to describe behaviour sit on top of it, and components pick per need:
 * - plain callbacks (`schedule(delayPs, handler, arg)`), allocation-free, for hot paths such as a
 *   crypto lane completing an operation millions of times per run;
 * - SimPy-style generator processes (`process(function* () { yield delayPs; yield event; })`) for
 *   behaviour with many steps and waits (a client, a protocol timer), where readability wins and a
 *   few allocations per step do not matter.
 * Generators alone would cost a closure or promise per wait; callbacks alone make multi-step
 * behaviour hard to read. Keeping both, on the same queue and clock, costs nothing.
 */
import { assert, SimInputError } from './errors.js';
import { EventQueue, type EventHandler } from './event-queue.js';
import { TIME_PS_MAX, checkHorizonPs } from './time.js';

export interface EnvironmentOptions {
  /** Keep a running hash of (time, sequence) of every dispatched event, to test determinism. */
  traceOrderHash?: boolean;
}

export class Environment {
  private readonly queue = new EventQueue();
  private currentPs = 0;
  private dispatched = 0;
  private stopRequested = false;
  private readonly traceOrderHash: boolean;
  /** FNV-1a over the (time, seq) of dispatched events; two 32-bit halves keep it exact. */
  private orderHashLow = 0x811c9dc5;
  private orderHashHigh = 0x01000193;

  constructor(options: EnvironmentOptions = {}) {
    this.traceOrderHash = options.traceOrderHash === true;
  }

  /** Current simulated time in picoseconds. */
  get nowPs(): number {
    return this.currentPs;
  }

  /** Events dispatched so far (kernel entries, not model-level events). */
  get dispatchedCount(): number {
    return this.dispatched;
  }

  get pendingCount(): number {
    return this.queue.size;
  }

  /** Schedules `handler(arg)` after `delayPs` (≥ 0, integer). */
  schedule(delayPs: number, handler: EventHandler, arg: unknown = null): void {
    const atPs = this.currentPs + delayPs;
    // Checked inline (not through assert) because a template message would be built per event.
    if (!(delayPs >= 0) || !Number.isInteger(atPs) || atPs > TIME_PS_MAX) this.refuseDelay(delayPs, atPs);
    this.queue.push(atPs, handler, arg);
  }

  private refuseDelay(delayPs: number, atPs: number): never {
    assert(delayPs >= 0, `schedule: negative delay ${delayPs} ps would travel back in time`);
    assert(Number.isInteger(atPs), `schedule: time ${atPs} ps is not an integer (delay ${delayPs} ps)`);
    throw new SimInputError(`simulated time would pass 2^53 ps (${atPs} ps); the run is too long to represent exactly`);
  }

  /** Schedules `handler(arg)` at the absolute time `atPs` (not before now). */
  scheduleAt(atPs: number, handler: EventHandler, arg: unknown = null): void {
    this.schedule(atPs - this.currentPs, handler, arg);
  }

  /** Stops `run` after the event being dispatched. */
  stop(): void {
    this.stopRequested = true;
  }

  /** Dispatches the next event; returns false when none is pending. */
  step(): boolean {
    const queue = this.queue;
    if (queue.size === 0) return false;
    const atPs = queue.peekTimePs();
    assert(atPs >= this.currentPs, `clock would go backwards: ${atPs} < ${this.currentPs}`);
    const handler = queue.topHandler();
    const arg = queue.topArg();
    if (this.traceOrderHash) this.mixOrderHash(atPs, queue.scheduledCount);
    queue.pop();
    this.currentPs = atPs;
    this.dispatched++;
    handler(arg);
    return true;
  }

  /**
   * Runs until no event is pending, `stop()` is called, or the clock would pass `untilPs`
   * (events at exactly `untilPs` do fire). The clock then reads `untilPs` if it was given.
   */
  run(untilPs?: number): void {
    if (untilPs !== undefined) {
      checkHorizonPs(untilPs, 'run(until)');
      if (untilPs < this.currentPs) {
        throw new SimInputError(`run(until=${untilPs} ps) is before now (${this.currentPs} ps)`);
      }
    }
    const limitPs = untilPs ?? TIME_PS_MAX;
    this.stopRequested = false;
    if (this.traceOrderHash) {
      while (!this.stopRequested && this.queue.size > 0 && this.queue.peekTimePs() <= limitPs) this.step();
    } else {
      this.runFast(limitPs);
    }
    if (untilPs !== undefined && !this.stopRequested && this.currentPs < untilPs) this.currentPs = untilPs;
  }

  /** Hash of the dispatch order so far (only with `traceOrderHash`). */
  orderHash(): string {
    assert(this.traceOrderHash, 'orderHash needs new Environment({ traceOrderHash: true })');
    return (
      (this.orderHashHigh >>> 0).toString(16).padStart(8, '0') + (this.orderHashLow >>> 0).toString(16).padStart(8, '0')
    );
  }

  /** The hot loop: the same as `step()` without the per-event checks that `push` already made. */
  private runFast(limitPs: number): void {
    const queue = this.queue;
    while (queue.size > 0) {
      const atPs = queue.peekTimePs();
      if (atPs > limitPs) break;
      const handler = queue.topHandler();
      const arg = queue.topArg();
      queue.pop();
      this.currentPs = atPs;
      this.dispatched++;
      handler(arg);
      if (this.stopRequested) break;
    }
  }

  private mixOrderHash(atPs: number, seqHint: number): void {
    // Mixes the time (as two 26-bit halves, exact for integers below 2^52) and the count of
    // events scheduled so far, which differs if any component scheduled in a different order.
    const words = [atPs % 0x4000000, Math.floor(atPs / 0x4000000), seqHint, this.dispatched];
    for (const word of words) {
      this.orderHashLow = Math.imul(this.orderHashLow ^ (word & 0xffff), 0x01000193);
      this.orderHashHigh = Math.imul(this.orderHashHigh ^ (word >>> 16) ^ this.orderHashLow, 0x01000193);
    }
  }
}
