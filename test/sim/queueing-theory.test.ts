/**
 * The kernel's Server against queueing theory: mean waits of M/M/1 and M/M/c (Erlang-C), M/D/1
 * (Pollaczek–Khinchine), non-preemptive priorities (Cobham) and the loss probability of a bounded
 * M/M/1/K. Waits of one run scatter (about ±3 % for 1M customers at ρ = 0.9), so each check
 * averages ≥ 10 fixed seeds and holds the mean to 2 %.
 */
import { describe, expect, it } from 'vitest';
import {
  Constant,
  Environment,
  Exponential,
  type Distribution,
  RandomStreams,
  Server,
  md1MeanWait,
  mm1MeanWait,
  mmcMeanWait,
} from '../../sim/index.js';
import { buildMmcModel } from '../../sim/models/mmc.js';

const SEEDS = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
const PS_PER_UNIT = 1e6;

/** One FIFO station fed by Poisson arrivals; returns the mean queue wait in model units. */
function simulateSingleStation(
  lanes: number,
  lambda: number,
  service: Distribution,
  customers: number,
  seed: number,
): number {
  const env = new Environment();
  const streams = new RandomStreams(seed);
  const arrivalRng = streams.stream('arrivals');
  const serviceRng = streams.stream('service');
  const interarrival = new Exponential(1 / lambda);
  const server = new Server(env, { lanes });
  let arrived = 0;
  const onArrival = (): void => {
    arrived++;
    if (arrived < customers) env.schedule(Math.round(interarrival.sample(arrivalRng) * PS_PER_UNIT), onArrival);
    server.submit(Math.round(service.sample(serviceRng) * PS_PER_UNIT), null);
  };
  env.schedule(0, onArrival);
  env.run();
  const stats = server.stats();
  expect(stats.completed).toBe(customers);
  return stats.meanWaitPs / PS_PER_UNIT;
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

describe('Server against queueing theory', () => {
  it('M/M/c (c = 8, ρ = 0.9): mean wait over 10 seeds within 2 % of Erlang-C', () => {
    const waits = SEEDS.map((seed) => {
      const model = buildMmcModel({ customers: 1_000_000, servers: 8, rho: 0.9, mu: 1, seed });
      model.env.run();
      const result = model.finish();
      expect(result.events).toBe(3 * 1_000_000);
      return result.meanWait;
    });
    const theory = mmcMeanWait(8, 7.2, 1);
    expect(Math.abs(mean(waits) / theory - 1)).toBeLessThan(0.02);
  });

  it('M/M/1 (ρ = 0.7): mean wait over 10 seeds within 2 % of ρ/(μ−λ)', () => {
    const waits = SEEDS.map((seed) => simulateSingleStation(1, 0.7, new Exponential(1), 400_000, seed));
    expect(Math.abs(mean(waits) / mm1MeanWait(0.7, 1) - 1)).toBeLessThan(0.02);
  });

  it('M/D/1 (ρ = 0.8): mean wait over 10 seeds within 2 % of Pollaczek–Khinchine', () => {
    const waits = SEEDS.map((seed) => simulateSingleStation(1, 0.8, new Constant(1), 400_000, seed));
    expect(Math.abs(mean(waits) / md1MeanWait(0.8, 1) - 1)).toBeLessThan(0.02);
  });

  it('M/M/c with c = 1 agrees with M/M/1 (the two formulas are the same theory)', () => {
    expect(mmcMeanWait(1, 0.7, 1)).toBeCloseTo(mm1MeanWait(0.7, 1), 12);
  });

  it('priority discipline: two classes match Cobham’s non-preemptive M/M/1 waits within 3 %', () => {
    // λ1 = 0.3 (high priority, value 0), λ2 = 0.4 (low, value 1), both exp(1): ρ = 0.7.
    const lambdaHigh = 0.3;
    const lambdaLow = 0.4;
    const residual = lambdaHigh + lambdaLow; // W0 = Σ λ_i E[S_i²] / 2 = Σ λ_i · 2 / 2
    const theoryHigh = residual / (1 - lambdaHigh);
    const theoryLow = residual / ((1 - lambdaHigh) * (1 - lambdaHigh - lambdaLow));
    const highs: number[] = [];
    const lows: number[] = [];
    for (const seed of SEEDS) {
      const env = new Environment();
      const streams = new RandomStreams(seed);
      const server = new Server(env, { lanes: 1, discipline: 'priority' });
      const service = new Exponential(1);
      const waitSum = [0, 0];
      const waitCount = [0, 0];
      for (const [cls, lambda] of [
        [0, lambdaHigh],
        [1, lambdaLow],
      ] as const) {
        const arrivalRng = streams.stream(`arrivals/${cls}`);
        const serviceRng = streams.stream(`service/${cls}`);
        const interarrival = new Exponential(1 / lambda);
        // Both classes arrive over the same horizon, so the load mix holds for the whole run.
        const onArrival = (): void => {
          if (env.nowPs < 400_000 * PS_PER_UNIT)
            env.schedule(Math.round(interarrival.sample(arrivalRng) * PS_PER_UNIT), onArrival);
          const submittedPs = env.nowPs;
          const servicePs = Math.round(service.sample(serviceRng) * PS_PER_UNIT);
          server.submit(
            servicePs,
            () => {
              waitSum[cls] = (waitSum[cls] as number) + (env.nowPs - submittedPs - servicePs) / PS_PER_UNIT;
              waitCount[cls] = (waitCount[cls] as number) + 1;
            },
            null,
            cls,
          );
        };
        env.schedule(Math.round(interarrival.sample(arrivalRng) * PS_PER_UNIT), onArrival);
      }
      env.run();
      highs.push((waitSum[0] as number) / (waitCount[0] as number));
      lows.push((waitSum[1] as number) / (waitCount[1] as number));
    }
    expect(Math.abs(mean(highs) / theoryHigh - 1)).toBeLessThan(0.03);
    expect(Math.abs(mean(lows) / theoryLow - 1)).toBeLessThan(0.03);
    expect(mean(highs)).toBeLessThan(mean(lows));
  });

  it('bounded queue with reject: M/M/1/K loss probability matches (1−ρ)ρ^K/(1−ρ^{K+1})', () => {
    const rho = 0.9;
    const systemCapacity = 5; // 1 in service + 4 waiting
    const theory = ((1 - rho) * rho ** systemCapacity) / (1 - rho ** (systemCapacity + 1));
    const losses = SEEDS.map((seed) => {
      const env = new Environment();
      const streams = new RandomStreams(seed);
      const arrivalRng = streams.stream('arrivals');
      const serviceRng = streams.stream('service');
      const interarrival = new Exponential(1 / rho);
      const service = new Exponential(1);
      const server = new Server(env, { lanes: 1, queueCapacity: systemCapacity - 1, whenFull: 'reject' });
      let arrived = 0;
      let rejected = 0;
      const onArrival = (): void => {
        arrived++;
        if (arrived < 200_000) env.schedule(Math.round(interarrival.sample(arrivalRng) * PS_PER_UNIT), onArrival);
        if (server.submit(Math.round(service.sample(serviceRng) * PS_PER_UNIT), null) === 'rejected') rejected++;
      };
      env.schedule(0, onArrival);
      env.run();
      expect(server.stats().rejected).toBe(rejected);
      return rejected / arrived;
    });
    expect(Math.abs(mean(losses) / theory - 1)).toBeLessThan(0.02);
  });
});
