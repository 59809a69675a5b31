/**
 * The future event list: a binary min-heap ordered by (time, sequence number), so events at equal
 * times fire in the order they were scheduled — ties never depend on object identity (SimPy's
 * rule). Keys live in typed arrays (struct of arrays) and entries move by value during sifts, so
 * scheduling allocates nothing once the arrays have grown to the run's peak size.
 *
 * Why a binary heap: the hot loop of bpusim keeps a few thousand pending events at most (one per
 * busy lane, link and timer). At that size a binary heap in typed arrays beats calendar queues and
 * pairing heaps in JS; the reference loop in ../shared/bench/des uses the same layout.
 */

/** What an event does when it fires; `arg` is whatever was passed to `push`. */
export type EventHandler = (arg: unknown) => void;

const CAPACITY_INITIAL = 1024;

export class EventQueue {
  private timePs: Float64Array;
  private seqs: Float64Array;
  private handlers: (EventHandler | null)[];
  private args: unknown[];
  private countPending = 0;
  private seqNext = 0;

  constructor(capacity = CAPACITY_INITIAL) {
    this.timePs = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.handlers = new Array<EventHandler | null>(capacity).fill(null);
    this.args = new Array<unknown>(capacity).fill(null);
  }

  get size(): number {
    return this.countPending;
  }

  /** Number of events ever pushed; the next event's sequence number. */
  get scheduledCount(): number {
    return this.seqNext;
  }

  /** Time of the earliest pending event; only meaningful when size > 0. */
  peekTimePs(): number {
    return this.timePs[0] as number;
  }

  push(atPs: number, handler: EventHandler, arg: unknown): void {
    if (this.countPending === this.timePs.length) this.grow();
    const timePs = this.timePs;
    const seqs = this.seqs;
    const handlers = this.handlers;
    const args = this.args;
    const seq = this.seqNext++;
    let i = this.countPending++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const parentTimePs = timePs[parent] as number;
      if (parentTimePs < atPs || (parentTimePs === atPs && (seqs[parent] as number) < seq)) break;
      timePs[i] = parentTimePs;
      seqs[i] = seqs[parent] as number;
      handlers[i] = handlers[parent] as EventHandler;
      args[i] = args[parent];
      i = parent;
    }
    timePs[i] = atPs;
    seqs[i] = seq;
    handlers[i] = handler;
    args[i] = arg;
  }

  /**
   * Removes the earliest event. The caller reads `topHandler`/`topArg`/`peekTimePs` first; splitting
   * read and removal avoids returning a tuple object per event.
   */
  pop(): void {
    const timePs = this.timePs;
    const seqs = this.seqs;
    const handlers = this.handlers;
    const args = this.args;
    const n = --this.countPending;
    if (n === 0) {
      handlers[0] = null;
      args[0] = null;
      return;
    }
    const lastTimePs = timePs[n] as number;
    const lastSeq = seqs[n] as number;
    const lastHandler = handlers[n] as EventHandler;
    const lastArg = args[n];
    handlers[n] = null;
    args[n] = null;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= n) break;
      const right = child + 1;
      if (right < n) {
        const rightTimePs = timePs[right] as number;
        const childTimePs = timePs[child] as number;
        if (
          rightTimePs < childTimePs ||
          (rightTimePs === childTimePs && (seqs[right] as number) < (seqs[child] as number))
        ) {
          child = right;
        }
      }
      const childTimePs = timePs[child] as number;
      if (lastTimePs < childTimePs || (lastTimePs === childTimePs && lastSeq < (seqs[child] as number))) break;
      timePs[i] = childTimePs;
      seqs[i] = seqs[child] as number;
      handlers[i] = handlers[child] as EventHandler;
      args[i] = args[child];
      i = child;
    }
    timePs[i] = lastTimePs;
    seqs[i] = lastSeq;
    handlers[i] = lastHandler;
    args[i] = lastArg;
  }

  topHandler(): EventHandler {
    return this.handlers[0] as EventHandler;
  }

  topArg(): unknown {
    return this.args[0];
  }

  private grow(): void {
    const capacity = this.timePs.length * 2;
    const timePs = new Float64Array(capacity);
    timePs.set(this.timePs);
    this.timePs = timePs;
    const seqs = new Float64Array(capacity);
    seqs.set(this.seqs);
    this.seqs = seqs;
    const handlers = new Array<EventHandler | null>(capacity).fill(null);
    const args = new Array<unknown>(capacity).fill(null);
    for (let i = 0; i < this.countPending; i++) {
      handlers[i] = this.handlers[i] as EventHandler;
      args[i] = this.args[i];
    }
    this.handlers = handlers;
    this.args = args;
  }
}
