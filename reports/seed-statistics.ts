/**
 * Mean and 95 % confidence interval of each Table 01 metric over several seeds, so a claimed
 * speed-up can be told apart from run-to-run noise. Student's t with n − 1 degrees of freedom.
 */
import { sixFigures } from './figures.js';
import type { ArchResult, SeedMetric, SeedStatistics } from './run-report.js';

/** Two-sided 95 % Student t quantiles for 1 … 30 degrees of freedom; 1.96 beyond. */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tQuantile95(degreesOfFreedom: number): number {
  return T95[degreesOfFreedom - 1] ?? 1.96;
}

export function seedMetric(values: number[]): SeedMetric {
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { mean, ci95: 0, values };
  const variance = values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / (n - 1);
  const ci95 = tQuantile95(n - 1) * Math.sqrt(variance / n);
  const round = sixFigures;
  return { mean: round(mean), ci95: round(ci95), values };
}

/** The metrics reported per seed (the paper's Table 01 plus the bottleneck's utilisation). */
export const SEED_METRICS: Record<string, (r: ArchResult) => number> = {
  committedTps: (r) => r.committedTps,
  contractExecutionsPerSec: (r) => r.contractExecutionsPerSec,
  latencyP50Ms: (r) => r.latencyMs.p50,
  latencyP95Ms: (r) => r.latencyMs.p95,
  latencyP99Ms: (r) => r.latencyMs.p99,
  latencyMaxMs: (r) => r.latencyMs.max,
  bottleneckUtilisation: (r) => r.bottleneck.utilisation,
};

export function seedStatistics(seeds: number[], results: ArchResult[]): SeedStatistics {
  const metrics: Record<string, SeedMetric> = {};
  for (const [name, get] of Object.entries(SEED_METRICS)) metrics[name] = seedMetric(results.map(get));
  return { seeds, metrics };
}
