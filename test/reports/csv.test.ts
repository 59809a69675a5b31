/**
 * CSV export: `bpusim report <report> --csv <dir>` writes summary.csv (one row per architecture,
 * Table 01 metrics, one column per validation code) and utilisation.csv (long format: role,
 * architecture, window start, node, engine, utilisation), whole or not at all. Checked against the
 * fixture report's own numbers with a small RFC 4180 parser.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csvField, splitSeriesKey, summaryCsv, utilisationCsv } from '../../reports/csv.js';
import { cli, fixtureReport, REPORT_FIXTURE, tempDir } from './_helpers.js';

/** RFC 4180 parse (quoted fields with "" escapes, commas and newlines inside quotes). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), (i += 1);
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else field += c;
  }
  if (field !== '' || row.length > 0) row.push(field), rows.push(row);
  return rows;
}

function records(text: string): Record<string, string>[] {
  const [header, ...rows] = parseCsv(text);
  return rows.map((r) => Object.fromEntries((header ?? []).map((h, i) => [h, r[i] ?? ''])));
}

describe('CSV export', () => {
  const report = fixtureReport();

  it('summary.csv: one row per architecture with the report’s own figures', () => {
    const rows = records(summaryCsv(report));
    expect(rows.map((r) => `${r.role}:${r.architecture}`)).toEqual([
      `arch:${report.results.arch.architecture}`,
      `baseline:${report.results.baseline?.architecture}`,
    ]);
    for (const [i, result] of [report.results.arch, report.results.baseline!].entries()) {
      const row = rows[i]!;
      expect(Number(row.committedTps)).toBe(result.committedTps);
      expect(Number(row.contractExecutionsPerSec)).toBe(result.contractExecutionsPerSec);
      expect(Number(row.latencyP50Ms)).toBe(result.latencyMs.p50);
      expect(Number(row.latencyP95Ms)).toBe(result.latencyMs.p95);
      expect(Number(row.latencyP99Ms)).toBe(result.latencyMs.p99);
      expect(Number(row.latencyMaxMs)).toBe(result.latencyMs.max);
      expect(Number(row.bottleneckUtilisation)).toBe(result.bottleneck.utilisation);
      expect(row.bottleneckEngine).toBe(result.bottleneck.engine);
      expect(Number(row['validation.VALID'])).toBe(result.validationCodes.VALID);
      expect(row.stateHash).toBe(result.stateHash);
    }
  });

  it('summary.csv: a code only one architecture saw is 0 for the other; seed statistics add mean/ci95 columns', () => {
    const r = fixtureReport();
    r.results.arch.validationCodes.PHANTOM_READ_CONFLICT = 2;
    r.seedStatistics = {
      arch: { seeds: [1, 2], metrics: { committedTps: { mean: 10, ci95: 1, values: [9, 11] } } },
      baseline: null,
    };
    const rows = records(summaryCsv(r));
    expect(rows[0]?.['validation.PHANTOM_READ_CONFLICT']).toBe('2');
    expect(rows[1]?.['validation.PHANTOM_READ_CONFLICT']).toBe('0');
    expect(rows[0]?.committedTps_mean).toBe('10');
    expect(rows[1]?.committedTps_ci95).toBe('');
  });

  it('utilisation.csv: every window of every engine, node names with dots split correctly', () => {
    const rows = records(utilisationCsv(report));
    const expected = [report.results.arch, report.results.baseline!].reduce(
      (n, r) => n + Object.values(r.timeSeries.utilisation).reduce((m, xs) => m + xs.length, 0),
      0,
    );
    expect(rows).toHaveLength(expected);
    const arch = report.results.arch;
    const key = Object.keys(arch.timeSeries.utilisation).find((k) => k.startsWith('peer0.Org1MSP.'))!;
    const { node, engine } = splitSeriesKey(key, arch);
    expect(node).toBe('peer0.Org1MSP');
    const series = rows.filter((r) => r.role === 'arch' && r.node === node && r.engine === engine);
    expect(series.map((r) => Number(r.utilisation))).toEqual(arch.timeSeries.utilisation[key]);
    expect(series.map((r) => Number(r.timeMs))).toEqual(
      series.map((_, i) => Number((i * arch.timeSeries.windowMs).toPrecision(12))),
    );
  });

  it('fields with commas, quotes or newlines are quoted', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('x\ny')).toBe('"x\ny"');
    expect(csvField(null)).toBe('');
    const r = fixtureReport();
    r.results.arch.architecture = 'bpu, "v2"';
    expect(records(summaryCsv(r))[0]?.architecture).toBe('bpu, "v2"');
  });

  it('bpusim report --csv writes both files and nothing else', async () => {
    const dir = join(tempDir(), 'out');
    const run = await cli('report', REPORT_FIXTURE, '--csv', dir);
    expect(run.status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(['summary.csv', 'utilisation.csv']);
    expect(readFileSync(join(dir, 'summary.csv'), 'utf8')).toBe(summaryCsv(report));
    expect(readFileSync(join(dir, 'utilisation.csv'), 'utf8')).toBe(utilisationCsv(report));
  });

  it('bad input leaves no files behind', async () => {
    const dir = tempDir();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ ...fixtureReport(), results: { arch: {}, baseline: null } }));
    const run = await cli('report', bad, '--csv', join(dir, 'out'), '--html', join(dir, 'r.html'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad\.json: results\.arch\.architecture: expected string, got nothing \(missing\)/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    expect(existsSync(join(dir, 'r.html'))).toBe(false);
    expect((await cli('report', REPORT_FIXTURE)).stderr).toMatch(/expected --csv <dir> and\/or --html <file>/);
  });
});
