/**
 * Two kinds of failure, as in TigerBeetle: a broken invariant is a programmer error and stops the
 * run (`assert`); input a user can get wrong (a run too long, a negative rate) is a `SimInputError`,
 * which the CLI reports in one line with exit code 2.
 *
 * `ConfigError` is the project's one class for a bad user file or option (architecture, topology,
 * fault, grid and workload files, scenario fields): it lives here, in the part every other part may
 * import and that imports nothing, so engines/, workloads/ and system/ share it.
 */

/**
 * Bad input in a user's file or option: one message naming the file (or flag), the field and what
 * is allowed. The CLI prints it alone and exits 2 (`badInput`).
 */
export class ConfigError extends Error {
  readonly badInput = true;
  constructor(
    readonly file: string,
    readonly field: string,
    detail: string,
  ) {
    super(field === '' ? `${file}: ${detail}` : `${file}: ${field}: ${detail}`);
    this.name = 'ConfigError';
  }
}

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
