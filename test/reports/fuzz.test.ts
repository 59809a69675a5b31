/**
 * Property tests (fast-check): whatever JSON or text arrives as a report, validation either accepts
 * it or rejects it with a ReportInputError whose message is one line starting with the file name —
 * never another error, never a stack trace. Inputs: arbitrary JSON values, arbitrary text, and the
 * real fixture report with one field replaced or deleted (the interesting, nearly-valid cases).
 * The same mutations go through `bpusim compare` / `bpusim report` in this process (exit 0, 1 or 2;
 * 2 with one line), and two through the real bin. fast-check prints the seed of any failure.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReportInputError } from '../../reports/_errors.js';
import { parseReportText, validateReport } from '../../reports/report-schema.js';
import { parseSweepConsensus } from '../../reports/sweep-consensus.js';
import { cli, fixtureReport, REPORT_FIXTURE, tempDir } from './_helpers.js';

const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const FILE = 'fuzz.json';

/** Runs fn; returns 'ok', or the rejection's message after checking it is a one-line ReportInputError naming the file. */
function outcome(fn: () => unknown, file = FILE): string {
  try {
    fn();
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(ReportInputError);
    const message = (error as Error).message;
    expect(message.startsWith(`${file}: `)).toBe(true);
    expect(message).not.toMatch(/\n/);
    return message;
  }
}

/** Every path into the fixture report, sampled so the deep time-series arrays do not dominate. */
function pathsOf(
  value: unknown,
  prefix: (string | number)[] = [],
  out: (string | number)[][] = [],
): (string | number)[][] {
  if (prefix.length > 0) out.push(prefix);
  if (Array.isArray(value)) value.slice(0, 3).forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) if (k !== 'config') pathsOf(v, [...prefix, k], out);
  return out;
}
const PATHS = pathsOf(fixtureReport());

const mutation = fc.record({
  path: fc.constantFrom(...PATHS),
  replacement: fc.option(
    fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom(-1, 1.5, '', 'x', null, [], {}, true)),
    { nil: undefined },
  ),
});

function mutate(m: { path: (string | number)[]; replacement: unknown }): unknown {
  const report = fixtureReport() as unknown as Record<string | number, unknown>;
  let node = report;
  for (const key of m.path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  const last = m.path[m.path.length - 1] as string | number;
  if (m.replacement === undefined) {
    if (Array.isArray(node)) node.splice(last as number, 1);
    else delete node[last];
  } else node[last] = m.replacement;
  return report;
}

describe('malformed reports never crash', () => {
  it('arbitrary JSON values: rejected with one line naming the file', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (json) => {
        expect(outcome(() => validateReport(json, FILE))).not.toBe('ok');
      }),
      { numRuns: 1000 },
    );
  });

  it('arbitrary text: rejected with one line naming the file', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string(),
          fc.string({ unit: 'binary' }),
          fc.jsonValue().map((v) => JSON.stringify(v).slice(0, -1)),
        ),
        (text) => {
          expect(outcome(() => parseReportText(text, FILE))).not.toBe('ok');
          expect(outcome(() => parseSweepConsensus(text, FILE))).not.toBe('ok');
        },
      ),
      { numRuns: 500 },
    );
  });

  it('the real report with one field replaced or deleted: accepted or one clear line', () => {
    let rejected = 0;
    fc.assert(
      fc.property(mutation, (m) => {
        if (outcome(() => validateReport(mutate(m), FILE)) !== 'ok') rejected += 1;
      }),
      { numRuns: 1000 },
    );
    expect(rejected).toBeGreaterThan(500); // most single-field damage is caught, so the property is not vacuous
  });

  it('through the commands (in process): exit 0/1 if accepted, else exit 2 with one line; no partial files', async () => {
    const dir = tempDir();
    let runIndex = 0;
    await fc.assert(
      fc.asyncProperty(mutation, async (m) => {
        const file = join(dir, 'mutated.json');
        writeFileSync(file, JSON.stringify(mutate(m)));
        const accepted = outcome(() => validateReport(mutate(m), file), file) === 'ok';
        const compare = await cli('compare', REPORT_FIXTURE, file);
        runIndex += 1;
        const out = join(dir, `csv-out-${runIndex}`);
        const report = await cli('report', file, '--csv', out);
        for (const run of [compare, report]) {
          expect(run.stderr).not.toMatch(/\n\s+at /);
          if (accepted) expect(run.status === 0 || run.status === 1).toBe(true);
          else {
            expect(run.status).toBe(2);
            expect(run.stderr).toMatch(
              new RegExp(`^bpusim: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: [^\\n]+\\n$`),
            );
          }
        }
        if (!accepted) expect(existsSync(out)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });

  it('through the real bin: exit 2, one line, no stack trace', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify(mutate({ path: ['results', 'arch', 'timeSeries', 'utilisation'], replacement: [1, 2] })),
    );
    const run = (...args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, ...args]);
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d) => (stdout += String(d)));
        child.stderr.on('data', (d) => (stderr += String(d)));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
      });
    const [compare, report] = await Promise.all([
      run('compare', REPORT_FIXTURE, bad),
      run('report', bad, '--html', join(dir, 'x.html')),
    ]);
    for (const r of [compare, report]) {
      expect(r.status).toBe(2);
      expect(r.stderr).toBe(`bpusim: ${bad}: results.arch.timeSeries.utilisation: expected record, got an array\n`);
      expect(r.stdout).toBe('');
    }
    expect(existsSync(join(dir, 'x.html'))).toBe(false);
  });
});
