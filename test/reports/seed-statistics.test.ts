/**
 * Multi-seed statistics: the 95 % confidence interval uses Student's t (checked against a worked
 * example), and `run --seeds N` reports every Table 01 metric over N seeds with the first seed's
 * run as its results.
 */
import { describe, expect, it } from 'vitest';
import { buildRunReport, SCENARIO_DEFAULTS, type Scenario } from '../../system/index.js';
import { seedMetric, tQuantile95 } from '../../reports/seed-statistics.js';
import type { RunReport } from '../../reports/run-report.js';
import { formatSummary } from '../../reports/summary.js';
import { readFileSync } from 'node:fs';

describe('seed statistics', () => {
  it('mean ± t(0.975, n−1)·s/√n', () => {
    // values 10, 12, 14: mean 12, s = 2, t(0.975, 2) = 4.303 → half-width 4.303 · 2 / √3 = 4.9687.
    const m = seedMetric([10, 12, 14]);
    expect(m.mean).toBe(12);
    expect(m.ci95).toBeCloseTo(4.9687, 3);
    expect(tQuantile95(9)).toBe(2.262);
    expect(seedMetric([5]).ci95).toBe(0);
  });

  it('run --seeds 3 reports each metric over three seeds', () => {
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = (() => true) as typeof process.stdout.write;
    try {
      const report = buildRunReport({
        ...SCENARIO_DEFAULTS,
        rate: 2000,
        duration: '100ms',
        crypto: 'modeled',
        seeds: 3,
        seed: 5,
        baseline: 'none',
      } as Scenario);
      const stats = report.seedStatistics?.arch;
      expect(stats?.seeds).toEqual([5, 6, 7]);
      const tps = stats?.metrics.committedTps;
      expect(tps?.values).toHaveLength(3);
      expect(tps?.values[0]).toBe(report.results.arch.committedTps);
      expect(tps?.ci95).toBeGreaterThanOrEqual(0);
    } finally {
      process.stdout.write = write;
    }
  });

  it("the summary's headline ratio says it is the first seed's, and gives the ratio of the seeds' means", () => {
    const report = JSON.parse(
      readFileSync(new URL('fixtures/report-small.json', import.meta.url), 'utf8'),
    ) as RunReport;
    const metric = (mean: number) => ({ mean, ci95: 0, values: [mean] });
    const seeded: RunReport = {
      ...report,
      seedStatistics: {
        arch: { seeds: [1, 2], metrics: { committedTps: metric(300), latencyP50Ms: metric(20) } },
        baseline: { seeds: [1, 2], metrics: { committedTps: metric(200), latencyP50Ms: metric(40) } },
      },
    };
    const text = formatSummary(seeded);
    expect(text).toMatch(/\(seed 1, the columns above\): committed TPS × 1,/);
    expect(text).toMatch(/over 2 seeds \(ratio of means\): committed TPS × 1\.5, p50 latency × 0\.5/);
    expect(formatSummary(report)).not.toMatch(/ratio of means/);
  });
});
