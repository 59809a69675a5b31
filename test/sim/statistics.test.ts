/**
 * Statistics: the latency histogram's quantiles stay within its relative-error bound of an exact
 * sort on random data (uniform, lognormal, heavy-tailed), merging two histograms equals recording
 * both streams into one, and encoding round-trips; the time-weighted gauge integrates exactly;
 * throughput windows keep bounded memory while conserving counts.
 */
import { describe, expect, it } from 'vitest';
import {
  HISTOGRAM_RELATIVE_ERROR_MAX,
  LatencyHistogram,
  LogNormal,
  Pareto,
  RandomStreams,
  ThroughputWindows,
  TimeWeightedGauge,
  Uniform,
} from '../../sim/index.js';

function exactQuantile(sorted: number[], q: number): number {
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1] as number;
}

describe('LatencyHistogram', () => {
  const rngs = new RandomStreams(5);
  const cases = [
    ['uniform ns', new Uniform(1_000, 5_000_000)],
    ['lognormal ps', LogNormal.fromMeanCv(2e9, 1.5)],
    ['pareto tail', new Pareto(1e6, 1.2)],
  ] as const;
  for (const [label, distribution] of cases) {
    it(`quantiles within ${(HISTOGRAM_RELATIVE_ERROR_MAX * 100).toFixed(2)} % of an exact sort: ${label}`, () => {
      const rng = rngs.stream(label);
      const histogram = new LatencyHistogram();
      const values: number[] = [];
      for (let i = 0; i < 100_000; i++) {
        const value = Math.round(Math.min(distribution.sample(rng), 2 ** 50));
        values.push(value);
        histogram.record(value);
      }
      values.sort((a, b) => a - b);
      for (const q of [0.5, 0.9, 0.95, 0.99, 0.999, 1]) {
        const exact = exactQuantile(values, q);
        const approx = histogram.quantile(q);
        expect(Math.abs(approx - exact) / exact).toBeLessThanOrEqual(HISTOGRAM_RELATIVE_ERROR_MAX);
      }
      expect(histogram.max).toBe(values[values.length - 1]);
      expect(histogram.min).toBe(values[0]);
      expect(histogram.count).toBe(values.length);
    });
  }

  it('merge equals recording both streams into one, and encode/decode round-trips', () => {
    const rng = rngs.stream('merge');
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    const both = new LatencyHistogram();
    for (let i = 0; i < 20_000; i++) {
      const value = Math.round(1 + rng.random() * 1e7);
      (i % 2 === 0 ? a : b).record(value);
      both.record(value);
    }
    const merged = LatencyHistogram.decode(a.encode());
    merged.merge(LatencyHistogram.decode(JSON.parse(JSON.stringify(b.encode()))));
    expect(merged.summary()).toEqual(both.summary());
  });

  it('an empty histogram reports zeros', () => {
    expect(new LatencyHistogram().summary()).toEqual({
      count: 0,
      min: 0,
      mean: 0,
      p50: 0,
      p95: 0,
      p99: 0,
      p999: 0,
      max: 0,
    });
  });
});

describe('TimeWeightedGauge', () => {
  it('integrates a step function exactly', () => {
    const gauge = new TimeWeightedGauge(0);
    gauge.set(2, 10); // 0 on [0,10)
    gauge.set(5, 30); // 2 on [10,30)
    gauge.set(0, 40); // 5 on [30,40)
    expect(gauge.areaPs(50)).toBe(2 * 20 + 5 * 10);
    expect(gauge.mean(50)).toBe(90 / 50);
    expect(gauge.max).toBe(5);
  });

  it('refuses an update back in time', () => {
    const gauge = new TimeWeightedGauge(0);
    gauge.set(1, 10);
    expect(() => gauge.set(2, 5)).toThrow(/back in time/);
  });
});

describe('ThroughputWindows', () => {
  it('keeps at most windowCountMax windows and conserves the count', () => {
    const windows = new ThroughputWindows(1_000, 8);
    let total = 0;
    for (let t = 0; t < 100_000; t += 7) {
      windows.record(t);
      total++;
    }
    const points = windows.points();
    expect(points.length).toBeLessThanOrEqual(8);
    expect(points.reduce((sum, p) => sum + p.count, 0)).toBe(total);
    expect(points[0]?.widthPs).toBe(16_000);
  });
});
