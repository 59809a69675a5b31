/**
 * A one-shot event a process can wait for, after SimPy's `Event`: it is triggered once (succeed or
 * fail), and its callbacks run from the event queue at the moment it was triggered, so waking up
 * respects the same (time, sequence) order as everything else. A failed event whose failure nobody
 * waits for is not ignored: the failure is thrown out of `run()` (SimPy's rule).
 */
import { assert } from './errors.js';
import type { Environment } from './environment.js';

type Callback<T> = (event: SimEvent<T>) => void;

export class SimEvent<T = unknown> {
  private callbacks: Callback<T>[] | null = [];
  private state: 'pending' | 'triggered' | 'processed' = 'pending';
  private result: T | undefined;
  private failure: Error | undefined;

  constructor(readonly env: Environment) {}

  get triggered(): boolean {
    return this.state !== 'pending';
  }

  get processed(): boolean {
    return this.state === 'processed';
  }

  get ok(): boolean {
    return this.failure === undefined;
  }

  /** The value it succeeded with (after it triggered). */
  get value(): T {
    assert(this.state !== 'pending', 'SimEvent.value read before the event triggered');
    if (this.failure !== undefined) throw this.failure;
    return this.result as T;
  }

  get error(): Error | undefined {
    return this.failure;
  }

  succeed(value: T): this {
    assert(this.state === 'pending', 'SimEvent triggered twice');
    this.state = 'triggered';
    this.result = value;
    this.env.schedule(0, processEvent, this);
    return this;
  }

  fail(error: Error): this {
    assert(this.state === 'pending', 'SimEvent triggered twice');
    this.state = 'triggered';
    this.failure = error;
    this.env.schedule(0, processEvent, this);
    return this;
  }

  /** Calls `callback(event)` when the event is processed (at once, via the queue, if it already was). */
  // biome-ignore lint/suspicious/noThenProperty: SimPy's name for an event's callback; processes yield events, nothing awaits them
  then(callback: Callback<T>): void {
    if (this.callbacks !== null) {
      this.callbacks.push(callback);
      return;
    }
    this.env.schedule(0, () => callback(this));
  }

  /** @internal Runs the callbacks; called from the event queue. */
  process(): void {
    const callbacks = this.callbacks ?? [];
    this.callbacks = null;
    this.state = 'processed';
    if (this.failure !== undefined && callbacks.length === 0) throw this.failure;
    for (const callback of callbacks) callback(this);
  }
}

function processEvent(arg: unknown): void {
  (arg as SimEvent<unknown>).process();
}

/** An event that succeeds with `value` after `delayPs`. */
export function timeout<T = undefined>(env: Environment, delayPs: number, value?: T): SimEvent<T> {
  const event = new SimEvent<T>(env);
  env.schedule(delayPs, () => event.succeed(value as T));
  return event;
}

/** Succeeds with all values once every event has succeeded; fails with the first failure. */
export function allOf<T>(env: Environment, events: readonly SimEvent<T>[]): SimEvent<T[]> {
  const all = new SimEvent<T[]>(env);
  let remaining = events.length;
  if (remaining === 0) return all.succeed([]);
  for (const event of events) {
    event.then((done) => {
      if (all.triggered) return;
      if (!done.ok) {
        all.fail(done.error as Error);
        return;
      }
      remaining--;
      if (remaining === 0) all.succeed(events.map((e) => e.value));
    });
  }
  return all;
}

/** Succeeds with the first event to succeed (or fails with the first failure). */
export function anyOf<T>(env: Environment, events: readonly SimEvent<T>[]): SimEvent<T> {
  const any = new SimEvent<T>(env);
  assert(events.length > 0, 'anyOf needs at least one event');
  for (const event of events) {
    event.then((done) => {
      if (any.triggered) return;
      if (done.ok) any.succeed(done.value);
      else any.fail(done.error as Error);
    });
  }
  return any;
}
