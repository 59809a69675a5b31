/**
 * `bpusim compare` and reports/compare.ts: direction-aware regressions (throughput down, latency or
 * utilisation up) beyond the threshold exit 1, improvements and changes inside it exit 0, two
 * same-seed reports that differ only in `host` compare equal, multi-seed means use their 95 % CI to
 * call a change noise, and bad input exits 2 with one line naming the file and the field. Reports
 * are the committed fixture (a real `bpusim run`) with single fields changed.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseThreshold } from '../../cli/compare.js';
import { changePct, compareReports, statusOf } from '../../reports/compare.js';
import type { RunReport, SeedStatistics } from '../../reports/run-report.js';
import { cli, fixtureReport, REPORT_FIXTURE, tempDir } from './_helpers.js';

const dir = tempDir();
let fileCount = 0;
function write(report: unknown, name = `r${++fileCount}.json`): string {
  const path = join(dir, name);
  writeFileSync(path, typeof report === 'string' ? report : JSON.stringify(report));
  return path;
}
function changed(mutate: (r: RunReport) => void): string {
  const r = fixtureReport();
  mutate(r);
  return write(r);
}
const options = { maxRegressionPct: 5, baseName: 'base.json', nextName: 'new.json' };

describe('bpusim compare (exit codes and output)', () => {
  it('identical except host → exit 0, "identical", nothing flagged', async () => {
    const other = changed((r) => {
      r.host = {
        wallSeconds: { arch: 99, baseline: 98 },
        simulatedTxPerWallSecond: { arch: 1, baseline: 2 },
        rssMiB: 4096,
        node: '22.0.0',
      };
    });
    const run = await cli('compare', REPORT_FIXTURE, other, '--max-regression', '5%');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('The simulated results are identical');
    expect(run.stdout).not.toMatch(/REGRESSION|improved|worse/);
    expect(run.stdout).toContain('**Result: pass**');
    expect(run.stderr).toBe('');
  });

  it('committed TPS down 10 % → exit 1, the row marked, a one-line reason on stderr', async () => {
    const slower = changed((r) => {
      r.results.arch.committedTps *= 0.9;
    });
    const run = await cli('compare', REPORT_FIXTURE, slower, '--max-regression', '5%');
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/\| committed TPS \| ↑ \| [\d,]+ \| [\d,]+ \| −10\.0 % \| 🔴 \*\*REGRESSION\*\* \|/);
    expect(run.stdout).toContain('**Result: FAIL** — 1 metric regressed beyond 5 %: arch committed TPS (−10.0 %)');
    expect(run.stderr).toMatch(/^bpusim: check failed: 1 metric regressed beyond 5%/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('latency is lower-is-better: p99 up 10 % fails, p99 down 10 % passes as improved', async () => {
    const worse = await cli(
      'compare',
      REPORT_FIXTURE,
      changed((r) => {
        r.results.baseline!.latencyMs.p99 *= 1.1;
      }),
    );
    expect(worse.status).toBe(1);
    expect(worse.stdout).toMatch(/\| latency p99 \(ms\) \| ↓ \|.*\| \+10\.0 % \| 🔴 \*\*REGRESSION\*\* \|/);
    const better = await cli(
      'compare',
      REPORT_FIXTURE,
      changed((r) => {
        r.results.baseline!.latencyMs.p99 *= 0.9;
      }),
    );
    expect(better.status).toBe(0);
    expect(better.stdout).toMatch(/\| latency p99 \(ms\) \| ↓ \|.*\| −10\.00? % \| 🟢 improved \|/);
    expect(better.stdout).not.toContain('identical');
  });

  it('a change in the worse direction within the threshold passes, marked worse', async () => {
    const run = await cli(
      'compare',
      REPORT_FIXTURE,
      changed((r) => {
        r.results.arch.contractExecutionsPerSec *= 0.97;
      }),
      '--max-regression',
      '5',
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/contract executions\/s \(endorsements\) \|.*−3\.00 % \| 🟡 worse \(within threshold\)/);
  });

  it('the threshold is strict: exactly 5 % worse passes at --max-regression 5%, fails at 4.9%', async () => {
    const file = changed((r) => {
      r.results.arch.latencyMs.p50 = 100;
    });
    const base = changed((r) => {
      r.results.arch.latencyMs.p50 = 100 / 1.05;
    });
    expect((await cli('compare', base, file, '--max-regression', '5%')).status).toBe(0);
    expect((await cli('compare', base, file, '--max-regression', '4.9%')).status).toBe(1);
  });

  it('validation codes: more conflicts is worse, fewer VALID is worse; a new code counts from 0', async () => {
    const run = await cli(
      'compare',
      REPORT_FIXTURE,
      changed((r) => {
        r.results.arch.validationCodes.ENDORSEMENT_POLICY_FAILURE = 3;
      }),
    );
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/\| txs ENDORSEMENT_POLICY_FAILURE \| ↓ \| 0 \| 3 \| \+∞ \| 🔴 \*\*REGRESSION\*\* \|/);
  });

  it('a baseline only in one report is noted, not compared', async () => {
    const run = await cli(
      'compare',
      REPORT_FIXTURE,
      changed((r) => {
        r.results.baseline = null;
        r.ratios = null;
      }),
    );
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('only in base');
  });

  it.each([
    [['compare', '/no/such/base.json', REPORT_FIXTURE], /^bpusim: \/no\/such\/base\.json: no such file\n$/],
    [['compare', REPORT_FIXTURE, 'NOTJSON'], /: not JSON: /],
    [
      ['compare', REPORT_FIXTURE, 'WRONGVERSION'],
      /: schemaVersion: expected 'bpusim-report\/1', got 'bpusim-report\/9'\n$/,
    ],
    [['compare', REPORT_FIXTURE, 'BADFIELD'], /: results\.arch\.latencyMs\.p95: expected number, got null\n$/],
    [
      ['compare', REPORT_FIXTURE, REPORT_FIXTURE, '--max-regression', 'lots'],
      /^bpusim: --max-regression: expected a percentage from 0% to 1000% such as 5%, got 'lots'\n$/,
    ],
    [['compare', REPORT_FIXTURE, REPORT_FIXTURE, '--max-regression', '-5%'], /--max-regression: expected a percentage/],
    [['compare', REPORT_FIXTURE], /missing required argument 'new'/],
  ])('bad input %j → exit 2, one line, no stack', async (args, message) => {
    const files: Record<string, string> = {
      NOTJSON: write('{"schemaVersion": "bpusim-report/1",'),
      WRONGVERSION: write({ ...fixtureReport(), schemaVersion: 'bpusim-report/9' }),
      BADFIELD: changed((r) => {
        (r.results.arch.latencyMs as unknown as Record<string, unknown>).p95 = null;
      }),
    };
    const run = await cli(...args.map((a) => files[a] ?? a));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });
});

describe('compareReports (the logic)', () => {
  it('changePct and statusOf are direction-aware', () => {
    expect(changePct(100, 110)).toBeCloseTo(10);
    expect(changePct(0, 0)).toBe(0);
    expect(changePct(0, 1)).toBe(Infinity);
    expect(statusOf(100, 90, 'higher', 5, null)).toBe('regression');
    expect(statusOf(100, 90, 'lower', 5, null)).toBe('improved');
    expect(statusOf(100, 104, 'lower', 5, null)).toBe('worse');
    expect(statusOf(100, 100, 'lower', 0, null)).toBe('unchanged');
    expect(statusOf(100, 101, 'lower', 0, null)).toBe('regression');
  });

  it('identity differences are noted', () => {
    const next = fixtureReport();
    next.identity.seed = 2;
    const result = compareReports(fixtureReport(), next, options);
    expect(result.identical).toBe(false);
    expect(result.notes.join(' ')).toContain('seed 1 → 2');
  });

  it('key order does not matter for "identical"', () => {
    const reverseKeys = (x: unknown): unknown =>
      Array.isArray(x)
        ? x.map(reverseKeys)
        : x !== null && typeof x === 'object'
          ? Object.fromEntries(
              Object.entries(x)
                .reverse()
                .map(([k, v]) => [k, reverseKeys(v)]),
            )
          : x;
    const a = fixtureReport();
    const reordered = reverseKeys(a) as RunReport;
    expect(JSON.stringify(reordered)).not.toBe(JSON.stringify(a));
    expect(compareReports(a, reordered, options).identical).toBe(true);
  });

  describe('multi-seed reports (seedStatistics: mean ± 95 % CI)', () => {
    const withSeeds = (tps: { mean: number; ci95: number }, p99: { mean: number; ci95: number }): RunReport => {
      const r = fixtureReport();
      const stats = (): SeedStatistics => ({
        seeds: [1, 2, 3, 4, 5],
        metrics: { committedTps: { ...tps, values: [] }, latencyP99Ms: { ...p99, values: [] } },
      });
      r.seedStatistics = { arch: stats(), baseline: stats() };
      return r;
    };

    it('a change inside the CI of the difference is within noise and does not fail', () => {
      const base = withSeeds({ mean: 1000, ci95: 80 }, { mean: 50, ci95: 1 });
      const next = withSeeds({ mean: 900, ci95: 80 }, { mean: 50, ci95: 1 }); // −10 %, |Δ| 100 ≤ √(80²+80²) ≈ 113
      const result = compareReports(base, next, options);
      const row = result.rows.find((r) => r.role === 'arch' && r.key === 'committedTps');
      expect(row?.status).toBe('within noise');
      expect(result.regressions).toEqual([]);
      expect(result.multiSeed).toBe(true);
      expect(result.markdown).toContain('1,000 ± 80');
      expect(result.markdown).toContain('⚪ within noise');
    });

    it('a change outside the CI beyond the threshold is a regression', () => {
      const base = withSeeds({ mean: 1000, ci95: 10 }, { mean: 50, ci95: 1 });
      const next = withSeeds({ mean: 1000, ci95: 10 }, { mean: 60, ci95: 1 });
      const result = compareReports(base, next, options);
      expect(result.regressions.map((r) => `${r.role}.${r.key}`)).toEqual([
        'arch.latencyP99Ms',
        'baseline.latencyP99Ms',
      ]);
    });

    it('only one side with seed statistics: compared without noise bounds, and said so', () => {
      const result = compareReports(fixtureReport(), withSeeds({ mean: 1, ci95: 1 }, { mean: 1, ci95: 1 }), options);
      expect(result.multiSeed).toBe(false);
      expect(result.notes.join(' ')).toContain('Only new.json has seed statistics for arch');
    });
  });

  it('parseThreshold accepts 5%, 5 and 0.5 %; rejects the rest', () => {
    expect(parseThreshold('5%')).toBe(5);
    expect(parseThreshold('5')).toBe(5);
    expect(parseThreshold(' 0.5 % ')).toBe(0.5);
    for (const bad of ['', '%', '-1', '5%%', '1e3', '1001%', 'NaN'])
      expect(() => parseThreshold(bad)).toThrow(/--max-regression/);
  });
});
