/**
 * Two kinds of failure, as in TigerBeetle: a broken invariant is a programmer error and stops the
 * run (`assert`); input a user can get wrong (a run too long, a negative rate) is a `SimInputError`,
 * which the CLI reports in one line with exit code 2.
 */

export class SimInputError extends Error {
  readonly badInput = true;
  constructor(message: string) {
    super(message);
    this.name = 'SimInputError';
  }
}

export class AssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AssertionError';
  }
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
