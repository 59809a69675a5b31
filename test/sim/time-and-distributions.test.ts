/**
 * Time helpers (unit conversions, cycles at a clock, the 2^53 ps horizon refused with a clear
 * message) and distributions (sample means against theory, Zipf frequencies against their exact
 * probabilities, bad specs refused naming the field).
 */
import { describe, expect, it } from 'vitest';
import {
  Empirical,
  Environment,
  Exponential,
  LogNormal,
  Normal,
  Pareto,
  RandomStreams,
  SimInputError,
  TIME_PS_MAX,
  Uniform,
  Zipf,
  cyclesToPs,
  makeDistribution,
  msToPs,
  nsToPs,
  parseDurationPs,
  psToSeconds,
  secondsToPs,
  usToPs,
  type Distribution,
  type DistributionSpec,
} from '../../sim/index.js';

describe('time', () => {
  it('converts units to integer picoseconds', () => {
    expect(nsToPs(1.5)).toBe(1_500);
    expect(usToPs(370)).toBe(370_000_000);
    expect(msToPs(2)).toBe(2_000_000_000);
    expect(secondsToPs(2)).toBe(2_000_000_000_000);
    expect(psToSeconds(secondsToPs(3.25))).toBe(3.25);
    expect(cyclesToPs(40, 1.2)).toBe(33_333);
    expect(cyclesToPs(3, 3)).toBe(1_000);
  });

  it('parses durations', () => {
    expect(parseDurationPs('2s')).toBe(2e12);
    expect(parseDurationPs('150ms')).toBe(150e9);
    expect(parseDurationPs('10us')).toBe(10e6);
    expect(parseDurationPs('1e3ns')).toBe(1e6);
    expect(parseDurationPs('2 parsecs')).toBeUndefined();
  });

  it('refuses a run past 2^53 ps with a clear message', () => {
    const env = new Environment();
    expect(() => env.run(TIME_PS_MAX + 2)).toThrow(SimInputError);
    expect(() => env.run(secondsToPs(10_000))).toThrow(/2\^53 ps/);
    const late = new Environment();
    late.schedule(TIME_PS_MAX - 10, () => late.schedule(100, () => undefined));
    expect(() => late.run()).toThrow(/would pass 2\^53 ps/);
  });

  it('refuses a negative delay as a programmer error', () => {
    const env = new Environment();
    expect(() => env.schedule(-1, () => undefined)).toThrow(/back in time/);
  });
});

describe('distributions', () => {
  const streams = new RandomStreams(11);
  const cases: [string, Distribution, number][] = [
    ['uniform', new Uniform(2, 10), 0.01],
    ['exponential', new Exponential(3), 0.015],
    ['normal', new Normal(5, 2), 0.01],
    ['lognormal', LogNormal.fromMeanCv(10, 0.5), 0.01],
    ['pareto (shape 3)', new Pareto(1, 3), 0.02],
    ['empirical', new Empirical([1, 2, 10], [5, 3, 2]), 0.01],
  ];
  for (const [label, distribution, tolerance] of cases) {
    it(`${label}: sample mean of 200k draws within ${tolerance * 100} % of theory`, () => {
      const rng = streams.stream(label);
      let sum = 0;
      for (let i = 0; i < 200_000; i++) sum += distribution.sample(rng);
      expect(Math.abs(sum / 200_000 / distribution.mean - 1)).toBeLessThan(tolerance);
    });
  }

  for (const theta of [0.5, 0.99, 1.2]) {
    it(`zipf θ=${theta}: rank frequencies match exact probabilities`, () => {
      const zipf = new Zipf(1000, theta);
      const rng = streams.stream(`zipf-${theta}`);
      const counts = new Float64Array(1000);
      const draws = 300_000;
      for (let i = 0; i < draws; i++) counts[zipf.sample(rng)]! += 1;
      for (const rank of [0, 1, 2, 9]) {
        const expected = zipf.probability(rank) * draws;
        expect(Math.abs((counts[rank] as number) - expected)).toBeLessThan(5 * Math.sqrt(expected) + 0.02 * expected);
      }
      let sum = 0;
      for (let k = 0; k < 1000; k++) sum += zipf.probability(k);
      expect(sum).toBeCloseTo(1, 9);
    });
  }

  it('makeDistribution refuses bad specs naming where they came from', () => {
    const bad: [DistributionSpec, RegExp][] = [
      [{ kind: 'exponential', mean: -1 }, /arch.yaml: engines.crypto.jitter: exponential needs mean > 0/],
      [{ kind: 'zipf', n: 0, theta: 0.9 }, /zipf needs an integer n/],
      [{ kind: 'empirical', values: [] }, /non-empty list/],
      [{ kind: 'gamma' } as unknown as DistributionSpec, /unknown kind 'gamma'; allowed: constant/],
    ];
    for (const [spec, message] of bad) {
      expect(() => makeDistribution(spec, 'arch.yaml: engines.crypto.jitter')).toThrow(message);
    }
    expect(makeDistribution({ kind: 'lognormal', mean: 4, cv: 0.2 }).mean).toBeCloseTo(4, 9);
  });
});
