/**
 * Bad input in a user's file (architecture, topology): one message naming the file, the field and
 * what is allowed. The CLI prints it alone and exits 2 (`badInput`).
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
