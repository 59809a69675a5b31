/**
 * Utilisation and the bottleneck are measured over the measurement window (end of the warm-up to
 * the end of the arrivals, where committed TPS is measured), not over the whole run with its drain.
 * Checked three ways on a short run: every engine's window utilisation lies in [0, 1] and the
 * bottleneck is the busiest of them; a CPU's window utilisation agrees with the time series'
 * windows that lie inside the measurement window; and the whole-run figure (`runUtilisation`),
 * diluted by the drain, is lower.
 */
import { describe, expect, it } from 'vitest';
import { buildRunReport, SCENARIO_DEFAULTS } from '../../system/index.js';

describe('utilisation over the measurement window', () => {
  const report = buildRunReport({
    ...SCENARIO_DEFAULTS,
    rate: 40_000,
    duration: '200ms',
    crypto: 'modeled',
    arrival: 'fixed',
    // The paper's 2019 CPU: its cores are busy enough at this load for the comparison below.
    baseline: 'cpu-64core-paper',
  });

  it('names the busiest engine over the window as the bottleneck, all within [0, 1]', () => {
    for (const result of [report.results.arch, report.results.baseline]) {
      if (result === null) throw new Error('no baseline');
      for (const e of result.engines) {
        expect(e.utilisation).toBeGreaterThanOrEqual(0);
        expect(e.utilisation).toBeLessThanOrEqual(1);
      }
      const busiest = Math.max(...result.engines.map((e) => e.utilisation));
      expect(result.bottleneck.utilisation).toBe(busiest);
      const named = result.engines.find(
        (e) => e.node === result.bottleneck.node && e.engine === result.bottleneck.engine,
      );
      expect(named?.utilisation).toBe(busiest);
      // The drain after the arrivals dilutes the whole-run figure of the same engine.
      expect(named?.runUtilisation ?? 1).toBeLessThan(0.8 * busiest);
    }
  });

  it("agrees with the time series' windows inside the measurement window (a CPU)", () => {
    const result = report.results.baseline;
    if (result === null) throw new Error('no baseline');
    const { windowMs, utilisation } = result.timeSeries;
    // The series covers the notifying peer (the first), the proxy and the orderer.
    const key = 'peer0.Org1MSP.cpu';
    const series = utilisation[key];
    if (series === undefined) throw new Error(`no series for ${key}; have ${Object.keys(utilisation).join(', ')}`);
    const durationMs = 200;
    const first = Math.ceil(durationMs / 4 / windowMs);
    const last = Math.floor(durationMs / windowMs);
    const inside = series.slice(first, last);
    const mean = inside.reduce((a, b) => a + b, 0) / inside.length;
    const engine = result.engines.find((e) => `${e.node}.${e.engine}` === key);
    expect(engine).toBeDefined();
    expect(Math.abs((engine?.utilisation ?? 0) - mean)).toBeLessThan(0.02);
    expect(engine?.utilisation ?? 0).toBeGreaterThan(0.2);
  });
});
