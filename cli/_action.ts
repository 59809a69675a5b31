/**
 * Wraps a command's action so every command maps errors to exit codes the same way
 * (0 ok, 1 check failed, 2 bad input) and never shows a stack trace for bad input.
 */
import { EXIT_BAD_INPUT, EXIT_CHECK_FAILED, isBadInput, isCheckFailed } from './_errors.js';

export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await fn(...args);
    } catch (error) {
      if (isBadInput(error)) {
        process.stderr.write(`bpusim: ${error.message}\n`);
        process.exitCode = EXIT_BAD_INPUT;
        return;
      }
      if (isCheckFailed(error)) {
        process.stderr.write(`bpusim: check failed: ${error.message}\n`);
        process.exitCode = EXIT_CHECK_FAILED;
        return;
      }
      throw error;
    }
  };
}
