/** Bad input in a workload file (Diablo description): file, field and what is allowed; exit 2. */
export class ConfigErrorLike extends Error {
  readonly badInput = true;
  constructor(file: string, field: string, detail: string) {
    super(field === '' ? `${file}: ${detail}` : `${file}: ${field}: ${detail}`);
    this.name = 'WorkloadFileError';
  }
}
