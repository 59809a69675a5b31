/**
 * How the CLI tells error kinds apart without importing every part's error classes.
 *
 * A part of bpusim that rejects user input (a flag, a file, a trace line) throws an Error with
 * `badInput === true`; the CLI prints its message alone and exits 2. An Error with
 * `checkFailed === true` means a command's own check did not hold (exit 1). Anything else is a
 * programmer error: the stack is printed and the exit code is 1.
 */

export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

/** Bad input to the CLI itself (a flag value). Parts define their own classes with `badInput`. */
export class UsageError extends Error {
  readonly badInput = true;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** A command's own check failed (for example a comparison found a regression). */
export class CheckFailed extends Error {
  readonly checkFailed = true;
  constructor(message: string) {
    super(message);
    this.name = 'CheckFailed';
  }
}

export function isBadInput(error: unknown): error is Error {
  return error instanceof Error && (error as { badInput?: unknown }).badInput === true;
}

export function isCheckFailed(error: unknown): error is Error {
  return error instanceof Error && (error as { checkFailed?: unknown }).checkFailed === true;
}
