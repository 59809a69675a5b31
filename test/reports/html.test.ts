/**
 * The HTML report, rendered in this process (the browser check is html-chromium.test.ts): every
 * chart is present with drawn marks, the page is self-contained (no scripts, no external URLs),
 * the same report gives the same bytes, and sweep curves appear when a sweep file is given.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { movingMean, renderHtml, topEngineKeys } from '../../reports/html.js';
import { parseSweepConsensus, parseSweepInput } from '../../reports/sweep-consensus.js';
import { cli, fixtureReport, REPORT_FIXTURE, SWEEP_FIXTURE, tempDir } from './_helpers.js';

const sweep = {
  kind: 'consensus' as const,
  sweep: parseSweepConsensus(readFileSync(SWEEP_FIXTURE, 'utf8'), SWEEP_FIXTURE),
};

/** A grid sweep's output as `bpusim sweep grid.yaml --out` writes it (only the fields the charts read). */
function gridSweepText(): string {
  const point = (index: number, rate: number, lanes: number, tps: number) => ({
    index,
    params: { rate, 'arch.engines.crypto.verify.p256.lanes': lanes },
    report: {
      results: {
        arch: { architecture: 'bpu-2019', committedTps: tps, latencyMs: { p50: 10 + index, p99: 20 + index } },
      },
    },
  });
  return JSON.stringify({
    format: 'bpusim-sweep/1',
    grid: 'grid.yaml',
    points: [
      point(0, 10_000, 16, 9_000),
      point(1, 30_000, 16, 12_000),
      point(2, 10_000, 128, 9_900),
      point(3, 30_000, 128, 29_000),
    ],
  });
}

/** The markup of the `<svg data-chart="id">` element. */
function chart(html: string, id: string): string {
  const start = html.indexOf(`data-chart="${id}"`);
  expect(start, `chart ${id}`).toBeGreaterThan(0);
  return html.slice(html.lastIndexOf('<svg', start), html.indexOf('</svg>', start));
}

describe('HTML report', () => {
  const html = renderHtml(fixtureReport(), { sweep, source: 'report-small.json' });

  it('has every chart, each with drawn marks', () => {
    for (const id of [
      'throughput',
      'latency-cdf',
      'utilisation-arch',
      'utilisation-baseline',
      'sweep-tps',
      'sweep-latency',
    ]) {
      const svg = chart(html, id);
      const paths = [...svg.matchAll(/<path [^>]*data-series="[^"]*"[^>]*>/g)].map((m) => m[0]);
      expect(paths.length, id).toBeGreaterThan(0);
      for (const p of paths) expect(p, id).toMatch(/ d="M[\d.-]+,[\d.-]+[LHV]/);
    }
    const phases = chart(html, 'phases');
    expect([...phases.matchAll(/<rect [^>]*data-series=/g)]).toHaveLength(10); // 5 phases × 2 architectures
  });

  it('architecture and baseline utilisation panels share their axes', () => {
    const yTicks = (svg: string) => [...svg.matchAll(/<text[^>]*>(\d+%)<\/text>/g)].map((m) => m[1]);
    const xTicks = (svg: string) => [...svg.matchAll(/<text[^>]*dy="0.71em"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    const a = chart(html, 'utilisation-arch');
    const b = chart(html, 'utilisation-baseline');
    expect(yTicks(a)).toEqual(yTicks(b));
    expect(xTicks(a)).toEqual(xTicks(b));
    expect(yTicks(a)).toContain('100%');
  });

  it('is self-contained: no scripts, no external resources', () => {
    expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
    const urls = [...html.matchAll(/https?:\/\/[^\s"'<)]+/g)].map((m) => m[0]);
    expect(new Set(urls)).toEqual(new Set(['http://www.w3.org/2000/svg']));
    expect(html).toContain('Content-Security-Policy');
  });

  it('states the crypto mode and keeps host figures apart', () => {
    expect(html).toMatch(/crypto <b>modeled<\/b>/);
    expect(html).toMatch(/<footer>Host \(wall clock, not part of the simulated results\)/);
  });

  it('is deterministic: the same report gives the same bytes', () => {
    expect(renderHtml(fixtureReport(), { sweep, source: 'report-small.json' })).toBe(html);
  });

  it('a report without a baseline renders one of each chart', () => {
    const r = fixtureReport();
    r.results.baseline = null;
    r.ratios = null;
    const single = renderHtml(r);
    expect(single).toContain('data-chart="utilisation-arch"');
    expect(single).not.toContain('data-chart="utilisation-baseline"');
    expect(single).not.toContain('data-chart="sweep-tps"');
  });

  it('escapes names from the report', () => {
    const r = fixtureReport();
    r.results.arch.architecture = '<b>bpu</b>&';
    const out = renderHtml(r);
    // Inside a double-quoted attribute < and > are plain text (HTML serialisation leaves them); elsewhere they must be escaped.
    expect(out.replace(/="[^"]*"/g, '=""')).not.toContain('<b>bpu</b>');
    expect(out).toContain('&lt;b&gt;bpu&lt;/b&gt;&amp;');
  });

  it('helpers: moving mean and top engines', () => {
    expect(movingMean([0, 3, 0, 3, 0], 3)).toEqual([1.5, 1, 2, 1, 1.5]);
    const arch = fixtureReport().results.arch;
    const top = topEngineKeys(arch, 3);
    expect(top).toHaveLength(3);
    const mean = (k: string) => (arch.timeSeries.utilisation[k] ?? []).reduce((a, b) => a + b, 0);
    expect(mean(top[0]!)).toBeGreaterThanOrEqual(mean(top[1]!));
  });

  it('a grid sweep draws committed tx/s and latency against its numeric parameter, one curve per other value', () => {
    const grid = parseSweepInput(gridSweepText(), 'grid.json');
    expect(grid.kind).toBe('grid');
    const page = renderHtml(fixtureReport(), { sweep: grid });
    const tps = chart(page, 'grid-tps');
    expect(tps).toContain('arch.engines.crypto.verify.p256.lanes=16');
    expect(tps).toContain('arch.engines.crypto.verify.p256.lanes=128');
    expect(chart(page, 'grid-latency')).toContain('lanes=128 p99');
    expect(page).toContain('against rate');
    const broken = JSON.parse(gridSweepText()) as { points: { report: unknown }[] };
    (broken.points[1] as { report: unknown }).report = {};
    expect(() => parseSweepInput(JSON.stringify(broken), 'grid.json')).toThrow(
      /grid\.json: points\[1\]\.report\.results: expected object, received undefined \(expected the output of 'bpusim sweep <grid> --out'/,
    );
  });

  it('bpusim report --html [--sweep] writes the page; a bad sweep file exits 2 naming it', async () => {
    const dir = tempDir();
    const out = join(dir, 'r.html');
    const run = await cli('report', REPORT_FIXTURE, '--html', out, '--sweep', SWEEP_FIXTURE);
    expect(run.status).toBe(0);
    expect(readFileSync(out, 'utf8')).toContain('data-chart="sweep-latency"');
    const bad = await cli('report', REPORT_FIXTURE, '--html', join(dir, 'x.html'), '--sweep', REPORT_FIXTURE);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(
      /report-small\.json: protocol: expected string, received undefined \(expected the output of 'bpusim sweep consensus --json'\)/,
    );
  });
});
