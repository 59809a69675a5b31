/**
 * `Store`: a FIFO mailbox between components (SimPy's Store). Producers `put` items; consumers
 * either `get()` an event (processes) or register a handler with `subscribe` (callbacks). Items
 * reach waiting consumers in arrival order, each through the event queue at the current time.
 * A bounded store refuses `put` when full (the caller decides: drop, retry, or count a loss).
 */
import { SimInputError } from '../errors.js';
import type { Environment } from '../environment.js';
import { SimEvent } from '../sim-event.js';

export class Store<T> {
  private readonly env: Environment;
  private readonly items: T[] = [];
  private head = 0;
  private readonly getters: SimEvent<T>[] = [];
  private subscriber: ((item: T) => void) | null = null;
  readonly capacity: number;

  constructor(env: Environment, capacity = Number.POSITIVE_INFINITY) {
    if (!(capacity >= 1)) throw new SimInputError(`store: capacity must be ≥ 1, got ${capacity}`);
    this.env = env;
    this.capacity = capacity;
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Adds an item; returns false when the store is full. */
  put(item: T): boolean {
    const waiting = this.getters.shift();
    if (waiting !== undefined) {
      waiting.succeed(item);
      return true;
    }
    if (this.subscriber !== null) {
      const subscriber = this.subscriber;
      this.env.schedule(0, () => subscriber(item));
      return true;
    }
    if (this.size >= this.capacity) return false;
    this.items.push(item);
    return true;
  }

  /** An event that succeeds with the next item. */
  get(): SimEvent<T> {
    const event = new SimEvent<T>(this.env);
    if (this.size > 0) event.succeed(this.take());
    else this.getters.push(event);
    return event;
  }

  /** The next item if one is waiting, without blocking. */
  tryGet(): T | undefined {
    return this.size > 0 ? this.take() : undefined;
  }

  /** Hands every item (those waiting now, then each new one) to `handler`, in order. */
  subscribe(handler: (item: T) => void): void {
    this.subscriber = handler;
    while (this.size > 0) {
      const item = this.take();
      this.env.schedule(0, () => handler(item));
    }
  }

  private take(): T {
    const item = this.items[this.head] as T;
    this.head++;
    // Compact now and then so a long-lived mailbox does not keep consumed items alive.
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items.splice(0, this.head);
      this.head = 0;
    }
    return item;
  }
}
