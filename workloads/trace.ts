/**
 * Workload traces: a documented, versioned JSON Lines format, written and read as streams so a
 * trace of any length replays in constant memory.
 *
 * Format `bpusim-trace/1` (UTF-8, one JSON object per line):
 * - line 1, the header: `{"format":"bpusim-trace/1","source":"<what produced it>"}`;
 * - every other line, one transaction offered:
 *   `{"t":0.0125,"client":3,"contract":"smallbank","fn":"send_payment","args":["12","40","7"]}`
 *   `t` seconds since the start (non-decreasing), `client` an integer ≥ 0 (replay maps it onto the
 *   topology's clients modulo their count), `contract` and `fn` non-empty strings, `args` strings.
 * Empty lines are ignored. A bad line stops the replay with the file, the line number and the
 * field (exit 2).
 */
import { closeSync, openSync, readSync, renameSync, rmSync, writeSync } from 'node:fs';
import { checkInputFile } from '../sim/input-file.js';
import { callProblem } from '../ledger/chaincode/contract.js';
import { BUILTIN_CONTRACTS } from '../ledger/chaincode/registry.js';

export const TRACE_FORMAT = 'bpusim-trace/1';

export interface TraceEvent {
  timeS: number;
  client: number;
  contract: string;
  fn: string;
  args: string[];
}

export class TraceError extends Error {
  readonly badInput = true;
  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'TraceError';
  }
}

const CHUNK_BYTES = 1 << 16;
/** A single line longer than this is refused rather than buffered without bound. */
export const TRACE_LINE_BYTES_MAX = 1 << 20;

/**
 * How many transactions a trace holds and the time of its last one, in seconds of trace time (one
 * streamed pass; every line is checked as a replay would).
 */
export function traceExtent(file: string): { events: number; lastS: number } {
  const reader = new TraceReader(file);
  let lastS = 0;
  let events = 0;
  for (let event = reader.next(); event !== null; event = reader.next()) {
    lastS = event.timeS;
    events++;
  }
  return { events, lastS };
}

/** Reads a trace line by line with a fixed-size buffer: memory does not grow with the file. */
export class TraceReader {
  private readonly fd: number;
  private readonly buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private pending = '';
  private lines: string[] = [];
  private lineIndex = 0;
  private lineNumber = 0;
  private eof = false;
  private lastTimeS = 0;
  private readonly decoder = new TextDecoder('utf-8', { fatal: true });
  readonly source: string;

  constructor(readonly file: string) {
    // Streamed, so any size; but only a regular file (a pipe could block for ever, a directory
    // fails mid-read).
    checkInputFile(file, file, null);
    try {
      this.fd = openSync(file, 'r');
    } catch (error) {
      throw new TraceError(file, 0, `cannot open: ${(error as Error).message}`);
    }
    const header = this.nextLine();
    if (header === null)
      throw new TraceError(file, 1, `empty file; expected a header line {"format":"${TRACE_FORMAT}",...}`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(header);
    } catch {
      throw new TraceError(file, this.lineNumber, `header: not JSON; expected {"format":"${TRACE_FORMAT}",...}`);
    }
    const format = (parsed as { format?: unknown } | null)?.format;
    if (format !== TRACE_FORMAT)
      throw new TraceError(file, this.lineNumber, `format: expected "${TRACE_FORMAT}", got ${JSON.stringify(format)}`);
    const source = (parsed as { source?: unknown }).source;
    this.source = typeof source === 'string' ? source : 'unknown';
  }

  /** Line number of the event last returned (1-based; the header is line 1). */
  get currentLine(): number {
    return this.lineNumber;
  }

  /** The next transaction, or null at the end of the file. */
  next(): TraceEvent | null {
    for (;;) {
      const line = this.nextLine();
      if (line === null) {
        this.close();
        return null;
      }
      if (line.trim() === '') continue;
      return this.parse(line);
    }
  }

  close(): void {
    if (!this.eof) {
      this.eof = true;
      this.lines = [];
    }
    try {
      closeSync(this.fd);
    } catch {
      // Already closed.
    }
  }

  private parse(line: string): TraceEvent {
    const fail = (detail: string): never => {
      throw new TraceError(this.file, this.lineNumber, detail);
    };
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(line) as Record<string, unknown>;
    } catch (error) {
      return fail(`not JSON (${(error as Error).message})`);
    }
    if (record === null || typeof record !== 'object' || Array.isArray(record)) return fail('expected an object');
    const { t, client, contract, fn, args } = record;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0)
      return fail(`field 't': expected a number of seconds ≥ 0, got ${JSON.stringify(t)}`);
    if (t < this.lastTimeS)
      return fail(`field 't': ${t} is before the previous line's ${this.lastTimeS}; times must not decrease`);
    if (typeof client !== 'number' || !Number.isSafeInteger(client) || client < 0)
      return fail(`field 'client': expected an integer ≥ 0, got ${JSON.stringify(client)}`);
    if (typeof contract !== 'string' || contract === '')
      return fail(`field 'contract': expected a non-empty string, got ${JSON.stringify(contract)}`);
    if (typeof fn !== 'string' || fn === '')
      return fail(`field 'fn': expected a non-empty string, got ${JSON.stringify(fn)}`);
    if (!Array.isArray(args) || !args.every((a) => typeof a === 'string'))
      return fail(`field 'args': expected an array of strings, got ${JSON.stringify(args)}`);
    for (const key of Object.keys(record)) {
      if (!['t', 'client', 'contract', 'fn', 'args'].includes(key))
        return fail(`unknown field '${key}'; allowed: t, client, contract, fn, args`);
    }
    const served = BUILTIN_CONTRACTS.get(contract);
    if (served === undefined)
      return fail(
        `field 'contract': '${contract}' is not a built-in contract; allowed: ${[...BUILTIN_CONTRACTS.keys()].join(', ')}`,
      );
    const problem = callProblem(served, fn, args as string[]);
    if (problem !== null) return fail(problem);
    this.lastTimeS = t;
    return { timeS: t, client, contract, fn, args: args as string[] };
  }

  private nextLine(): string | null {
    while (this.lineIndex >= this.lines.length) {
      if (this.eof) return null;
      const bytes = readSync(this.fd, this.buffer, 0, CHUNK_BYTES, null);
      let text: string;
      try {
        text = bytes === 0 ? '' : this.decoder.decode(this.buffer.subarray(0, bytes), { stream: true });
      } catch {
        throw new TraceError(this.file, this.lineNumber + 1, 'not valid UTF-8');
      }
      if (bytes === 0) {
        this.eof = true;
        this.lines = this.pending === '' ? [] : [this.pending];
        this.pending = '';
      } else {
        const parts = (this.pending + text).split('\n');
        this.pending = parts.pop() ?? '';
        if (this.pending.length > TRACE_LINE_BYTES_MAX)
          throw new TraceError(
            this.file,
            this.lineNumber + parts.length + 1,
            `line longer than ${TRACE_LINE_BYTES_MAX} bytes`,
          );
        this.lines = parts;
      }
      this.lineIndex = 0;
    }
    this.lineNumber++;
    const line = this.lines[this.lineIndex++] as string;
    return line.endsWith('\r') ? line.slice(0, -1) : line;
  }
}

/** Writes a trace to a temporary name and renames it into place on `finish` (nothing half-written). */
export class TraceWriter {
  private readonly temporary: string;
  private readonly fd: number;
  private buffered: string[] = [];
  private bufferedChars = 0;
  private count = 0;

  constructor(
    readonly file: string,
    source: string,
  ) {
    this.temporary = `${file}.${process.pid}.tmp`;
    this.fd = openSync(this.temporary, 'w');
    this.push(JSON.stringify({ format: TRACE_FORMAT, source }));
  }

  get events(): number {
    return this.count;
  }

  write(event: TraceEvent): void {
    this.count++;
    this.push(
      JSON.stringify({
        t: Number(event.timeS.toFixed(9)),
        client: event.client,
        contract: event.contract,
        fn: event.fn,
        args: event.args,
      }),
    );
  }

  finish(): void {
    this.flush();
    closeSync(this.fd);
    renameSync(this.temporary, this.file);
  }

  abort(): void {
    try {
      closeSync(this.fd);
    } finally {
      rmSync(this.temporary, { force: true });
    }
  }

  private push(line: string): void {
    this.buffered.push(line);
    this.bufferedChars += line.length + 1;
    if (this.bufferedChars > CHUNK_BYTES) this.flush();
  }

  private flush(): void {
    if (this.buffered.length === 0) return;
    writeSync(this.fd, `${this.buffered.join('\n')}\n`);
    this.buffered = [];
    this.bufferedChars = 0;
  }
}
