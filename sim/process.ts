/**
 * SimPy-style generator processes. A process is a generator that yields what it waits for:
 * - a number: a timeout of that many picoseconds (no allocation: the commonest wait is cheapest);
 * - a SimEvent: resumes with its value when it succeeds, or has its failure thrown into it.
 * The process itself is a SimEvent that succeeds with the generator's return value, so processes
 * can wait for each other.
 */
import { assert } from './errors.js';
import type { Environment } from './environment.js';
import { SimEvent } from './sim-event.js';

/**
 * What a process may wait on besides a timeout: any SimEvent or Process, whatever its value type.
 * Structural on purpose: `SimEvent<number>` is not a `SimEvent<unknown>` to the compiler (its
 * private callback list makes T invariant), so a process yielding a typed event would not compile.
 * `env` keeps promises and other thenables out.
 */
export interface Waitable {
  readonly env: Environment;
  then(
    callback: (event: { readonly ok: boolean; readonly value: unknown; readonly error: Error | undefined }) => void,
  ): void;
}

export type ProcessYield = number | Waitable;
export type ProcessGenerator<R = void> = Generator<ProcessYield, R, unknown>;

export class Process<R = void> extends SimEvent<R> {
  private readonly generator: ProcessGenerator<R>;

  constructor(env: Environment, generator: ProcessGenerator<R>) {
    super(env);
    this.generator = generator;
    env.schedule(0, resumeWithUndefined, this);
  }

  /** @internal */
  resume(input: unknown, failure: Error | undefined): void {
    let step: IteratorResult<ProcessYield, R>;
    try {
      step = failure === undefined ? this.generator.next(input) : this.generator.throw(failure);
    } catch (error) {
      // A process that throws fails; if nobody waits for it, SimEvent rethrows out of run().
      this.fail(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    if (step.done === true) {
      this.succeed(step.value);
      return;
    }
    const awaited = step.value;
    if (typeof awaited === 'number') {
      if (!(awaited >= 0) || !Number.isInteger(awaited))
        assert(false, `a process yielded ${awaited}: a timeout must be a non-negative integer of ps`);
      this.env.schedule(awaited, resumeWithUndefined, this);
      return;
    }
    awaited.then((event) => this.resume(event.ok ? event.value : undefined, event.error));
  }
}

function resumeWithUndefined(arg: unknown): void {
  (arg as Process<unknown>).resume(undefined, undefined);
}

export function startProcess<R>(env: Environment, generator: ProcessGenerator<R>): Process<R> {
  return new Process(env, generator);
}
