/**
 * Two kinds of failure, as in TigerBeetle (STYLE.md): a broken invariant is a programmer error and
 * stops the run (`assert`, always on); input a user can get wrong (a policy string, a channel config,
 * a flag) is a `LedgerInputError`, which the CLI prints in one line with exit code 2. An invalid
 * transaction is neither: it is a validation code.
 */

export class LedgerAssertionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LedgerAssertionError';
  }
}

export class LedgerInputError extends Error {
  readonly badInput = true;
  constructor(message: string) {
    super(message);
    this.name = 'LedgerInputError';
  }
}

export function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new LedgerAssertionError(message);
}
