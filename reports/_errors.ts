/**
 * Bad input to the reports part (a report or sweep file that is not what it should be). The CLI
 * recognises `badInput === true`, prints the message alone and exits 2 (cli/_errors.ts).
 *
 * The message is made one line here, whatever it quotes: a field name, a string value or a
 * JSON.parse error (which quotes the input) may hold newlines or control characters, shown
 * escaped (`\n`, `\u0000`) so the CLI's "one line, no stack" promise holds for any file.
 */
/** Longest message kept; the rest of a very long quoted value adds nothing. */
const MESSAGE_CHARS_MAX = 500;

export function oneLine(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this escapes
  const escaped = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]/g, (c) =>
    c === '\n'
      ? '\\n'
      : c === '\r'
        ? '\\r'
        : c === '\t'
          ? '\\t'
          : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return escaped.length > MESSAGE_CHARS_MAX ? `${escaped.slice(0, MESSAGE_CHARS_MAX)}…` : escaped;
}

export class ReportInputError extends Error {
  readonly badInput = true;
  constructor(message: string) {
    super(oneLine(message));
    this.name = 'ReportInputError';
  }
}
