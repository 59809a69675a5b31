/**
 * `Pipeline`: lanes of a pipelined unit (a hardware verify core, a hash core). On each lane a new
 * operation may enter every initiation interval (II) and leaves `latencyPs` after entering, so a
 * saturated pipeline completes lanes / II operations per unit time while each one still takes the
 * full latency. `depth` bounds the operations in flight per lane (the stages holding state); the
 * default, ceil(latency / II), is the depth at which II alone sets the throughput.
 *
 * Operations are served FIFO, so the entry time of each one is known when it is submitted: the
 * pipeline reserves it at once (no queue events), which makes it exact and allocation-free.
 */
import { assert, SimInputError } from '../errors.js';
import type { Environment } from '../environment.js';
import type { EventHandler } from '../event-queue.js';

export interface PipelineOptions {
  name?: string;
  lanes: number;
  latencyPs: number;
  initiationIntervalPs: number;
  depth?: number;
}

export interface PipelineStats {
  name: string;
  lanes: number;
  submitted: number;
  /** Fraction of issue slots (lanes × elapsed / II) used. */
  utilisation: number;
  /** Mean number of operations waiting to enter (Little's law: total wait / elapsed). */
  meanQueueLength: number;
  meanWaitPs: number;
  opsPerSec: number;
}

export class Pipeline {
  readonly name: string;
  readonly lanes: number;
  readonly latencyPs: number;
  readonly initiationIntervalPs: number;
  readonly depth: number;
  private readonly env: Environment;
  private readonly createdPs: number;
  private readonly laneNextEntryPs: Float64Array;
  /** Per lane, the exit times of its last `depth` operations (a ring). */
  private readonly laneExitRing: Float64Array;
  private readonly laneRingHead: Int32Array;
  private laneNext = 0;
  /** Sees every operation's entry and exit on its lane (timelines); null by default. */
  tracer: ((lane: number, entryPs: number, exitPs: number, label: string | null) => void) | null = null;
  private countSubmitted = 0;
  private waitSumPs = 0;
  private lastExitPs = 0;

  constructor(env: Environment, options: PipelineOptions) {
    const where = `pipeline ${options.name ?? ''}`.trim();
    if (!Number.isInteger(options.lanes) || options.lanes < 1)
      throw new SimInputError(`${where}: lanes must be an integer ≥ 1, got ${options.lanes}`);
    if (!Number.isInteger(options.latencyPs) || options.latencyPs < 0)
      throw new SimInputError(`${where}: latencyPs must be an integer ≥ 0, got ${options.latencyPs}`);
    if (!Number.isInteger(options.initiationIntervalPs) || options.initiationIntervalPs < 1) {
      throw new SimInputError(
        `${where}: initiationIntervalPs must be an integer ≥ 1, got ${options.initiationIntervalPs}`,
      );
    }
    const depthDefault = Math.max(1, Math.ceil(options.latencyPs / options.initiationIntervalPs));
    const depth = options.depth ?? depthDefault;
    if (!Number.isInteger(depth) || depth < 1)
      throw new SimInputError(`${where}: depth must be an integer ≥ 1, got ${depth}`);
    this.env = env;
    this.name = options.name ?? 'pipeline';
    this.lanes = options.lanes;
    this.latencyPs = options.latencyPs;
    this.initiationIntervalPs = options.initiationIntervalPs;
    this.depth = depth;
    this.createdPs = env.nowPs;
    this.laneNextEntryPs = new Float64Array(this.lanes).fill(env.nowPs);
    this.laneExitRing = new Float64Array(this.lanes * depth).fill(env.nowPs);
    this.laneRingHead = new Int32Array(this.lanes);
  }

  /** Submits one operation; `onDone(arg)` runs when it leaves. Returns its exit time in ps. */
  submit(onDone: EventHandler | null, arg: unknown = null, label: string | null = null): number {
    const exitPs = this.reserve(this.env.nowPs, label);
    if (onDone !== null) this.env.schedule(exitPs - this.env.nowPs, onDone, arg);
    return exitPs;
  }

  /**
   * Submits `count` operations at once (a block's signatures); `onDone(arg)` runs once, when the
   * last of them leaves. One event instead of `count`: the same timing, far fewer events.
   */
  submitMany(count: number, onDone: EventHandler | null, arg: unknown = null, label: string | null = null): number {
    const nowPs = this.env.nowPs;
    let lastExitPs = nowPs;
    for (let i = 0; i < count; i++) lastExitPs = this.reserve(nowPs, label);
    if (onDone !== null) this.env.schedule(lastExitPs - nowPs, onDone, arg);
    return lastExitPs;
  }

  /**
   * Reserves the next entry slot. Lanes are identical and every operation has the same II and
   * latency, so the lane free earliest is always the one used longest ago: round-robin is exact and
   * O(1) (a scan for the minimum would cost O(lanes) on engines with thousands of lanes).
   */
  private reserve(nowPs: number, label: string | null): number {
    const depth = this.depth;
    const lane = this.laneNext;
    this.laneNext = lane + 1 === this.lanes ? 0 : lane + 1;
    const head = this.laneRingHead[lane] as number;
    const slot = lane * depth + head;
    // A lane accepts when its II has passed and its oldest in-flight slot has drained.
    const entryPs = Math.max(nowPs, this.laneNextEntryPs[lane] as number, this.laneExitRing[slot] as number);
    const exitPs = entryPs + this.latencyPs;
    this.laneNextEntryPs[lane] = entryPs + this.initiationIntervalPs;
    this.laneExitRing[slot] = exitPs;
    this.laneRingHead[lane] = head + 1 === depth ? 0 : head + 1;
    this.countSubmitted++;
    this.waitSumPs += entryPs - nowPs;
    if (exitPs < this.lastExitPs) assert(false, `${this.name}: FIFO order broken (${exitPs} < ${this.lastExitPs})`);
    this.lastExitPs = exitPs;
    if (this.tracer !== null) this.tracer(lane, entryPs, exitPs, label);
    return exitPs;
  }

  /**
   * Issue-slot time (ps) used up to now, over all lanes: what a utilisation over any interval is a
   * difference of. An operation holds its lane's issue slot for one II from its entry; operations
   * reserved to enter later (queued) have not used theirs yet. With the default depth a lane's
   * reserved slots follow each other without gaps, so the unused part is the time from now to the
   * lane's next free entry. (`stats().utilisation` counts every reserved slot, capped at 1.)
   */
  busyLanePs(): number {
    const nowPs = this.env.nowPs;
    let reservedAheadPs = 0;
    for (let lane = 0; lane < this.lanes; lane++) {
      reservedAheadPs += Math.max(0, (this.laneNextEntryPs[lane] as number) - nowPs);
    }
    return Math.max(0, this.countSubmitted * this.initiationIntervalPs - reservedAheadPs);
  }

  stats(): PipelineStats {
    const nowPs = this.env.nowPs;
    const elapsedPs = nowPs - this.createdPs;
    const entered = this.countSubmitted;
    return {
      name: this.name,
      lanes: this.lanes,
      submitted: entered,
      utilisation: elapsedPs > 0 ? Math.min(1, (entered * this.initiationIntervalPs) / (this.lanes * elapsedPs)) : 0,
      meanQueueLength: elapsedPs > 0 ? this.waitSumPs / elapsedPs : 0,
      meanWaitPs: entered > 0 ? this.waitSumPs / entered : 0,
      opsPerSec: elapsedPs > 0 ? (entered * 1e12) / elapsedPs : 0,
    };
  }
}
