/**
 * Arrival processes against their definitions: counts over a run match the rate integral (fixed,
 * Poisson, linear ramp, on/off MMPP), gaps of a Poisson process have the exponential's coefficient
 * of variation 1, a ramp's second half carries more arrivals than its first, and `--arrival`
 * text parses or is refused with what is allowed.
 */
import { describe, expect, it } from 'vitest';
import { RandomStreams, Zipf } from '../../sim/index.js';
import { meanOfferedTps, openArrivals, parseArrival, type ArrivalSpec } from '../../workloads/arrivals.js';
import type { Draws } from '../../workloads/draws.js';

function draws(name: string): Draws {
  const rng = new RandomStreams(3).stream(name);
  return { random: () => rng.random(), int: (n) => rng.int(n), zipfRank: (n, theta) => new Zipf(n, theta).sample(rng) };
}

function arrivalTimes(spec: Exclude<ArrivalSpec, { kind: 'closed' }>, endS: number, name: string): number[] {
  const process = openArrivals(spec, 1, draws(name), endS);
  const times: number[] = [];
  for (let t = process.next(0); t !== null; t = process.next(t)) times.push(t);
  return times;
}

describe('arrival processes', () => {
  it('fixed: exactly rate × duration arrivals, evenly spaced', () => {
    const times = arrivalTimes({ kind: 'fixed', tps: 1000 }, 10, 'fixed');
    expect(times.length).toBe(10_000);
    expect(times[1]! - times[0]!).toBeCloseTo(0.001, 12);
  });

  it('poisson: count within 3 sd of λT and exponential gaps (CV ≈ 1)', () => {
    const times = arrivalTimes({ kind: 'poisson', tps: 2000 }, 20, 'poisson');
    expect(Math.abs(times.length - 40_000)).toBeLessThan(3 * Math.sqrt(40_000));
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).toBeGreaterThan(0.97);
    expect(sd / mean).toBeLessThan(1.03);
  });

  it('ramp: count ≈ (from + to)/2 × T and the rate rises', () => {
    const spec = { kind: 'ramp', fromTps: 500, toTps: 4500, durationS: 10 } as const;
    const times = arrivalTimes(spec, 10, 'ramp');
    expect(Math.abs(times.length - 25_000)).toBeLessThan(3 * Math.sqrt(25_000));
    const firstHalf = times.filter((t) => t < 5).length;
    // Λ(5) = 500·5 + 400·25/2 = 7,500 of 25,000.
    expect(Math.abs(firstHalf - 7_500)).toBeLessThan(4 * Math.sqrt(7_500));
    expect(meanOfferedTps(spec)).toBe(2500);
  });

  it('bursty (MMPP on/off): long-run rate = on-rate × on-fraction', () => {
    const spec = { kind: 'bursty', onTps: 10_000, offTps: 0, meanOnMs: 10, meanOffMs: 30 } as const;
    const times = arrivalTimes(spec, 200, 'bursty');
    const rate = times.length / 200;
    expect(Math.abs(rate / meanOfferedTps(spec) - 1)).toBeLessThan(0.05);
    // Burstiness: gaps are far more variable than Poisson's.
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(sd / mean).toBeGreaterThan(1.5);
  });

  it('parses --arrival and refuses bad text', () => {
    expect(parseArrival('closed:8:2', 1000, 1)).toEqual({ kind: 'closed', outstanding: 8, thinkMs: 2 });
    expect(parseArrival('ramp:100:900', 1000, 3)).toEqual({ kind: 'ramp', fromTps: 100, toTps: 900, durationS: 3 });
    expect(parseArrival('closed:0', 1000, 1)).toMatch(/outstanding an integer ≥ 1/);
    expect(parseArrival('sawtooth', 1000, 1)).toMatch(/unknown process 'sawtooth'/);
    expect(parseArrival('bursty:1:2:0:5', 1000, 1)).toMatch(/durations > 0/);
  });
});

describe('YCSB workloads', () => {
  it('operation mixes match the core workloads', async () => {
    const { makeGenerator } = await import('../../workloads/generators.js');
    const d = draws('ycsb');
    const expected: Record<string, Record<string, number>> = {
      'ycsb-a': { read: 0.5, update: 0.5 },
      'ycsb-b': { read: 0.95, update: 0.05 },
      'ycsb-c': { read: 1 },
      'ycsb-d': { read: 0.95, insert: 0.05 },
      'ycsb-e': { scan: 0.95, insert: 0.05 },
      'ycsb-f': { read: 0.5, rmw: 0.5 },
    };
    for (const [name, mix] of Object.entries(expected)) {
      const generator = makeGenerator(name as 'ycsb-a', { keys: 1000 });
      const counts: Record<string, number> = {};
      for (let i = 0; i < 20_000; i++) {
        const tx = generator.next(d, i);
        counts[tx.fn] = (counts[tx.fn] ?? 0) + 1;
      }
      for (const [op, share] of Object.entries(mix))
        expect(Math.abs((counts[op] ?? 0) / 20_000 - share)).toBeLessThan(0.01);
      expect(Object.keys(counts).sort()).toEqual(Object.keys(mix).sort());
    }
  });
});
