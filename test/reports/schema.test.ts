/**
 * The report's JSON Schema: the shipped file is exactly what the zod schema generates; a real report
 * from `buildRunReport` (modeled crypto, a small run) passes the shipped *JSON* schema, checked by an
 * independent validator (./_json-schema.ts), and passes `validateReport`; malformed reports get one
 * message naming the file and the field.
 *
 * To regenerate the shipped schema after changing reports/report-schema.ts:
 *   BPUSIM_WRITE_SCHEMA=1 npx vitest run test/reports/schema.test.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildRunReport } from '../../system/index.js';
import { REPORT_SCHEMA_FILE, reportJsonSchema, validateReport } from '../../reports/report-schema.js';
import type { RunReport } from '../../reports/run-report.js';
import { fixtureReport } from './_helpers.js';
import { keywordsOf, SUPPORTED_KEYWORDS, validateJsonSchema } from './_json-schema.js';

// The mutators below poke at arbitrary fields of a parsed report, which has no static shape.
// biome-ignore lint/suspicious/noExplicitAny: see the line above
type Json = any;

const ROOT = new URL('../../', import.meta.url).pathname;
const shipped = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(ROOT, REPORT_SCHEMA_FILE), 'utf8')) as Record<string, unknown>;

describe('report JSON Schema', () => {
  let real: RunReport;
  beforeAll(() => {
    // buildRunReport prints its summary; keep the test output quiet.
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      real = buildRunReport({
        arch: 'bpu-2019',
        baseline: 'cpu-64core',
        topology: 'dc',
        workload: 'smallbank',
        rate: 2000,
        duration: '60ms',
        arrival: 'poisson',
        seed: 7,
        crypto: 'modeled',
        keys: 1000,
      });
    } finally {
      write.mockRestore();
    }
  });
  afterAll(() => vi.restoreAllMocks());

  it('the shipped schema file is what the zod schema generates', () => {
    const generated = `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
    if (process.env.BPUSIM_WRITE_SCHEMA === '1') writeFileSync(join(ROOT, REPORT_SCHEMA_FILE), generated);
    expect(
      readFileSync(join(ROOT, REPORT_SCHEMA_FILE), 'utf8'),
      `regenerate with BPUSIM_WRITE_SCHEMA=1 npx vitest run test/reports/schema.test.ts`,
    ).toBe(generated);
  });

  it('uses only keywords the independent validator understands', () => {
    const unknown = [...keywordsOf(shipped())].filter((k) => !SUPPORTED_KEYWORDS.has(k));
    expect(unknown).toEqual([]);
  });

  it('a real report from buildRunReport passes the shipped JSON schema and validateReport', () => {
    const json = JSON.parse(JSON.stringify(real)) as unknown;
    expect(validateJsonSchema(shipped(), json)).toEqual([]);
    expect(validateReport(json, 'real.json').identity.cryptoMode).toBe('modeled');
    expect(real.results.baseline).not.toBeNull();
  });

  it('the independent validator does reject what the schema forbids (it is not vacuous)', () => {
    const schema = shipped();
    const bad = fixtureReport() as unknown as {
      results: { arch: Record<string, unknown> };
      identity: Record<string, unknown>;
    };
    bad.results.arch.committedTps = 'fast';
    delete bad.results.arch.latencyMs;
    bad.identity.cryptoMode = 'quantum';
    const errors = validateJsonSchema(schema, bad);
    expect(errors).toEqual(
      expect.arrayContaining([
        '$.results.arch.committedTps: expected number',
        '$.results.arch.latencyMs: required',
        expect.stringMatching(/^\$\.identity\.cryptoMode: expected one of/),
      ]),
    );
    expect(validateJsonSchema(schema, { ...fixtureReport(), schemaVersion: 'bpusim-report/0' })).toEqual([
      '$.schemaVersion: expected "bpusim-report/1"',
    ]);
  });

  it('accepts fields added later (objects are open within a schema version)', () => {
    const report = { ...fixtureReport(), somethingNew: { x: 1 } };
    expect(validateJsonSchema(shipped(), report)).toEqual([]);
    expect(() => validateReport(report, 'r.json')).not.toThrow();
  });

  it.each([
    [
      (r: Json) => {
        r.schemaVersion = 'bpusim-report/2';
      },
      "r.json: schemaVersion: expected 'bpusim-report/1', got 'bpusim-report/2'",
    ],
    [
      (r: Json) => {
        delete r.schemaVersion;
      },
      "r.json: schemaVersion: expected 'bpusim-report/1', got no schemaVersion",
    ],
    [
      (r: Json) => {
        r.results.arch.latencyMs.p99 = '12';
      },
      "r.json: results.arch.latencyMs.p99: expected number, got '12'",
    ],
    [
      (r: Json) => {
        delete r.results.baseline.stateHash;
      },
      'r.json: results.baseline.stateHash: expected string, got nothing (missing)',
    ],
    [
      (r: Json) => {
        r.results.arch.engines[3].ops = -1;
      },
      'r.json: results.arch.engines[3].ops: Too small: expected number to be >=0, got -1',
    ],
    [
      (r: Json) => {
        r.results.arch.validationCodes.VALID = 1.5;
      },
      'r.json: results.arch.validationCodes.VALID: expected int, got 1.5',
    ],
  ])('malformed report %# → one message naming file and field', (mutate, message) => {
    const report = fixtureReport() as unknown as Record<string, unknown>;
    mutate(report);
    expect(() => validateReport(report, 'r.json')).toThrow(message);
  });

  it('non-objects are not reports', () => {
    expect(() => validateReport([1, 2], 'a.json')).toThrow(
      'a.json: not a bpusim report: expected a JSON object, got an array',
    );
    expect(() => validateReport(null, 'a.json')).toThrow(
      'a.json: not a bpusim report: expected a JSON object, got null',
    );
  });
});
