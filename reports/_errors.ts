/**
 * Bad input to the reports part (a report or sweep file that is not what it should be). The CLI
 * recognises `badInput === true`, prints the message alone and exits 2 (cli/_errors.ts).
 */
export class ReportInputError extends Error {
  readonly badInput = true;
  constructor(message: string) {
    super(message);
    this.name = 'ReportInputError';
  }
}
