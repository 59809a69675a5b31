/**
 * `Server`: c identical lanes in front of one queue — the M/M/c station every engine is built
 * from (verify lanes of a crypto engine, DB engine lanes, CPU cores).
 *
 * A job is submitted with its service time (engines know it from the work receipt) and a
 * completion callback. Queue discipline FIFO or priority (lower value first, FIFO within a
 * priority). The queue may be bounded; when full a new job is rejected (`'reject'`, the caller gets
 * 'rejected') or held as blocked until a place frees (`'block'`, back-pressure a sender can see).
 *
 * Hot path: FIFO jobs wait in a growable ring of parallel arrays and lanes are a free-list, so a
 * job allocates nothing; the completion event's argument is the lane index.
 */
import { assert, SimInputError } from '../errors.js';
import type { Environment } from '../environment.js';
import type { EventHandler } from '../event-queue.js';

export type QueueDiscipline = 'fifo' | 'priority';
export type WhenFull = 'reject' | 'block';
export type SubmitOutcome = 'started' | 'queued' | 'blocked' | 'rejected';

/** Sees every job as it starts on a lane: for timelines (Perfetto). `label` is what submit gave. */
export type LaneTracer = (lane: number, startPs: number, endPs: number, label: string | null) => void;

export interface ServerOptions {
  name?: string;
  lanes: number;
  discipline?: QueueDiscipline;
  /** Jobs that may wait (not counting those in service); Infinity when omitted. */
  queueCapacity?: number;
  whenFull?: WhenFull;
}

export interface ServerStats {
  name: string;
  lanes: number;
  submitted: number;
  started: number;
  completed: number;
  rejected: number;
  /** Fraction of lane-time busy over the elapsed time. */
  utilisation: number;
  meanQueueLength: number;
  queueLengthMax: number;
  /** Mean time from submission to service start over started jobs, in ps. */
  meanWaitPs: number;
  /** Completions per second of simulated time. */
  opsPerSec: number;
}

const RING_CAPACITY_INITIAL = 256;

export class Server {
  readonly name: string;
  readonly lanes: number;
  private readonly discipline: QueueDiscipline;
  private readonly queueCapacity: number;
  private readonly whenFull: WhenFull;
  private readonly env: Environment;
  private readonly createdPs: number;

  // Free lanes as a stack.
  private readonly freeLanes: Int32Array;
  private freeLaneCount: number;
  // The job in service on each lane.
  private readonly laneHandler: (EventHandler | null)[];
  private readonly laneArg: unknown[];

  // Waiting jobs: a ring (FIFO) or a binary heap on (priority, seq) in the same parallel arrays.
  private ringServicePs: Float64Array;
  private ringSubmittedPs: Float64Array;
  private ringPriority: Float64Array;
  private ringSeq: Float64Array;
  private ringHandler: (EventHandler | null)[];
  private ringArg: unknown[];
  private ringLabel: (string | null)[];
  /** Set to trace job starts; null (the default) costs one comparison per job. */
  tracer: LaneTracer | null = null;
  private ringHead = 0;
  private ringCount = 0;
  private seqNext = 0;

  // Jobs held back by a full queue under 'block' (rare path: plain arrays).
  private readonly blocked: {
    servicePs: number;
    handler: EventHandler | null;
    arg: unknown;
    priority: number;
    submittedPs: number;
    label: string | null;
  }[] = [];

  // Time-weighted statistics without a gauge update per event: busy lane-time is the service time
  // of started jobs minus what in-service jobs still have to do, and ∫ queue length dt is the sum
  // of waits (Little's law on the sample path), including the partial waits of jobs still queued.
  private readonly laneEndPs: Float64Array;
  private startedServiceSumPs = 0;
  private queueLengthPeak = 0;
  private countSubmitted = 0;
  private countStarted = 0;
  private countCompleted = 0;
  private countRejected = 0;
  private waitSumPs = 0;
  private readonly onComplete: EventHandler;

  constructor(env: Environment, options: ServerOptions) {
    const lanes = options.lanes;
    const where = `server ${options.name ?? ''}`.trim();
    if (!Number.isInteger(lanes) || lanes < 1)
      throw new SimInputError(`${where}: lanes must be an integer ≥ 1, got ${lanes}`);
    const queueCapacity = options.queueCapacity ?? Number.POSITIVE_INFINITY;
    if (!(queueCapacity >= 0)) throw new SimInputError(`${where}: queueCapacity must be ≥ 0, got ${queueCapacity}`);
    this.env = env;
    this.name = options.name ?? 'server';
    this.lanes = lanes;
    this.discipline = options.discipline ?? 'fifo';
    this.queueCapacity = queueCapacity;
    this.whenFull = options.whenFull ?? 'reject';
    this.createdPs = env.nowPs;
    this.freeLanes = new Int32Array(lanes);
    for (let i = 0; i < lanes; i++) this.freeLanes[i] = lanes - 1 - i;
    this.freeLaneCount = lanes;
    this.laneHandler = new Array<EventHandler | null>(lanes).fill(null);
    this.laneArg = new Array<unknown>(lanes).fill(null);
    this.ringServicePs = new Float64Array(RING_CAPACITY_INITIAL);
    this.ringSubmittedPs = new Float64Array(RING_CAPACITY_INITIAL);
    this.ringPriority = new Float64Array(RING_CAPACITY_INITIAL);
    this.ringSeq = new Float64Array(RING_CAPACITY_INITIAL);
    this.ringHandler = new Array<EventHandler | null>(RING_CAPACITY_INITIAL).fill(null);
    this.ringArg = new Array<unknown>(RING_CAPACITY_INITIAL).fill(null);
    this.ringLabel = new Array<string | null>(RING_CAPACITY_INITIAL).fill(null);
    this.laneEndPs = new Float64Array(lanes);
    this.onComplete = (lane: unknown) => this.complete(lane as number);
  }

  get busyLanes(): number {
    return this.lanes - this.freeLaneCount;
  }

  get queueLength(): number {
    return this.ringCount;
  }

  get blockedCount(): number {
    return this.blocked.length;
  }

  /**
   * Submits a job needing `servicePs` of one lane; `onDone(arg)` runs when it completes.
   * Returns whether it started at once, queued, was blocked by a full queue, or was rejected.
   */
  submit(
    servicePs: number,
    onDone: EventHandler | null,
    arg: unknown = null,
    priority = 0,
    label: string | null = null,
  ): SubmitOutcome {
    if (!(servicePs >= 0)) assert(false, `${this.name}: service time must be ≥ 0, got ${servicePs}`);
    this.countSubmitted++;
    const nowPs = this.env.nowPs;
    if (this.freeLaneCount > 0) {
      this.start(servicePs, onDone, arg, nowPs, label);
      return 'started';
    }
    if (this.ringCount < this.queueCapacity) {
      this.enqueue(servicePs, onDone, arg, priority, nowPs, label);
      return 'queued';
    }
    if (this.whenFull === 'block') {
      this.blocked.push({ servicePs, handler: onDone, arg, priority, submittedPs: nowPs, label });
      return 'blocked';
    }
    this.countRejected++;
    return 'rejected';
  }

  stats(): ServerStats {
    const nowPs = this.env.nowPs;
    const elapsedPs = nowPs - this.createdPs;
    return {
      name: this.name,
      lanes: this.lanes,
      submitted: this.countSubmitted,
      started: this.countStarted,
      completed: this.countCompleted,
      rejected: this.countRejected,
      utilisation: elapsedPs > 0 ? this.busyAreaPs(nowPs) / (this.lanes * elapsedPs) : 0,
      meanQueueLength: elapsedPs > 0 ? this.queueAreaPs(nowPs) / elapsedPs : 0,
      queueLengthMax: this.queueLengthPeak,
      meanWaitPs: this.countStarted > 0 ? this.waitSumPs / this.countStarted : 0,
      opsPerSec: elapsedPs > 0 ? (this.countCompleted * 1e12) / elapsedPs : 0,
    };
  }

  /** Busy lane-time (ps) up to now: what a utilisation over any interval is a difference of. */
  busyLanePs(): number {
    return this.busyAreaPs(this.env.nowPs);
  }

  /** Busy lane-time so far: started service minus the part in-service jobs have yet to do. */
  private busyAreaPs(nowPs: number): number {
    let remainingPs = 0;
    for (let lane = 0; lane < this.lanes; lane++) remainingPs += Math.max(0, (this.laneEndPs[lane] as number) - nowPs);
    return this.startedServiceSumPs - remainingPs;
  }

  /** ∫ queue length dt so far: completed waits plus the waits of jobs still in the queue. */
  private queueAreaPs(nowPs: number): number {
    let waitingPs = 0;
    const mask = this.ringServicePs.length - 1;
    for (let i = 0; i < this.ringCount; i++) {
      const index = this.discipline === 'fifo' ? (this.ringHead + i) & mask : i;
      waitingPs += nowPs - (this.ringSubmittedPs[index] as number);
    }
    for (const job of this.blocked) waitingPs += nowPs - job.submittedPs;
    return this.waitSumPs + waitingPs;
  }

  private start(
    servicePs: number,
    onDone: EventHandler | null,
    arg: unknown,
    submittedPs: number,
    label: string | null,
  ): void {
    const nowPs = this.env.nowPs;
    const lane = this.freeLanes[--this.freeLaneCount] as number;
    this.laneHandler[lane] = onDone;
    this.laneArg[lane] = arg;
    this.countStarted++;
    this.waitSumPs += nowPs - submittedPs;
    this.startedServiceSumPs += servicePs;
    this.laneEndPs[lane] = nowPs + servicePs;
    if (this.tracer !== null) this.tracer(lane, nowPs, nowPs + servicePs, label);
    this.env.schedule(servicePs, this.onComplete, lane);
  }

  private complete(lane: number): void {
    const handler = this.laneHandler[lane] as EventHandler | null;
    const arg = this.laneArg[lane];
    this.laneHandler[lane] = null;
    this.laneArg[lane] = null;
    this.countCompleted++;
    this.freeLanes[this.freeLaneCount++] = lane;
    // The freed lane takes the next waiting job before the finished job's callback runs, so a
    // callback that submits again queues behind jobs that were already waiting (FIFO stays fair).
    if (this.ringCount > 0) this.startNextWaiting();
    if (handler !== null) handler(arg);
  }

  private startNextWaiting(): void {
    let index: number;
    if (this.discipline === 'fifo') {
      index = this.ringHead;
      this.ringHead = (this.ringHead + 1) & (this.ringServicePs.length - 1);
    } else {
      index = this.heapPopIndex();
    }
    const servicePs = this.ringServicePs[index] as number;
    const submittedPs = this.ringSubmittedPs[index] as number;
    const handler = this.ringHandler[index] as EventHandler | null;
    const arg = this.ringArg[index];
    const label = this.ringLabel[index] as string | null;
    this.ringHandler[index] = null;
    this.ringArg[index] = null;
    this.ringLabel[index] = null;
    this.ringCount--;
    this.start(servicePs, handler, arg, submittedPs, label);
    if (this.blocked.length > 0) {
      const next = this.blocked.shift();
      assert(next !== undefined, 'blocked list emptied unexpectedly');
      this.enqueue(next.servicePs, next.handler, next.arg, next.priority, next.submittedPs, next.label);
    }
  }

  private enqueue(
    servicePs: number,
    handler: EventHandler | null,
    arg: unknown,
    priority: number,
    submittedPs: number,
    label: string | null,
  ): void {
    if (this.ringCount === this.ringServicePs.length) this.growRing();
    if (this.discipline === 'fifo') {
      const index = (this.ringHead + this.ringCount) & (this.ringServicePs.length - 1);
      this.ringServicePs[index] = servicePs;
      this.ringSubmittedPs[index] = submittedPs;
      this.ringHandler[index] = handler;
      this.ringArg[index] = arg;
      this.ringLabel[index] = label;
    } else {
      this.heapPush(servicePs, handler, arg, priority, submittedPs, label);
    }
    this.ringCount++;
    if (this.ringCount > this.queueLengthPeak) this.queueLengthPeak = this.ringCount;
  }

  private growRing(): void {
    const capacity = this.ringServicePs.length * 2;
    const oldCapacity = this.ringServicePs.length;
    const servicePs = new Float64Array(capacity);
    const submittedPs = new Float64Array(capacity);
    const priority = new Float64Array(capacity);
    const seq = new Float64Array(capacity);
    const handlers = new Array<EventHandler | null>(capacity).fill(null);
    const args = new Array<unknown>(capacity).fill(null);
    const labels = new Array<string | null>(capacity).fill(null);
    // FIFO entries are unrolled from the head; heap entries already start at index 0 (head stays 0).
    for (let i = 0; i < this.ringCount; i++) {
      const from = (this.ringHead + i) & (oldCapacity - 1);
      servicePs[i] = this.ringServicePs[from] as number;
      submittedPs[i] = this.ringSubmittedPs[from] as number;
      priority[i] = this.ringPriority[from] as number;
      seq[i] = this.ringSeq[from] as number;
      handlers[i] = this.ringHandler[from] as EventHandler | null;
      args[i] = this.ringArg[from];
      labels[i] = this.ringLabel[from] as string | null;
    }
    this.ringServicePs = servicePs;
    this.ringSubmittedPs = submittedPs;
    this.ringPriority = priority;
    this.ringSeq = seq;
    this.ringHandler = handlers;
    this.ringArg = args;
    this.ringLabel = labels;
    this.ringHead = 0;
  }

  // Priority discipline: a binary min-heap on (priority, seq) over indices 0 … ringCount−1.
  private heapLess(a: number, b: number): boolean {
    const pa = this.ringPriority[a] as number;
    const pb = this.ringPriority[b] as number;
    return pa < pb || (pa === pb && (this.ringSeq[a] as number) < (this.ringSeq[b] as number));
  }

  private heapSwap(a: number, b: number): void {
    swapIn(this.ringServicePs, a, b);
    swapIn(this.ringSubmittedPs, a, b);
    swapIn(this.ringPriority, a, b);
    swapIn(this.ringSeq, a, b);
    swapIn(this.ringHandler, a, b);
    swapIn(this.ringArg, a, b);
    swapIn(this.ringLabel, a, b);
  }

  private heapPush(
    servicePs: number,
    handler: EventHandler | null,
    arg: unknown,
    priority: number,
    submittedPs: number,
    label: string | null,
  ): void {
    let i = this.ringCount;
    this.ringServicePs[i] = servicePs;
    this.ringSubmittedPs[i] = submittedPs;
    this.ringPriority[i] = priority;
    this.ringSeq[i] = this.seqNext++;
    this.ringHandler[i] = handler;
    this.ringArg[i] = arg;
    this.ringLabel[i] = label;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.heapLess(i, parent)) break;
      this.heapSwap(i, parent);
      i = parent;
    }
  }

  /** Moves the heap's minimum to the last slot and returns that slot's index. */
  private heapPopIndex(): number {
    const last = this.ringCount - 1;
    this.heapSwap(0, last);
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.heapLess(child + 1, child)) child++;
      if (!this.heapLess(child, i)) break;
      this.heapSwap(i, child);
      i = child;
    }
    return last;
  }
}

function swapIn<T>(array: { [index: number]: T }, a: number, b: number): void {
  const tmp = array[a] as T;
  array[a] = array[b] as T;
  array[b] = tmp;
}
