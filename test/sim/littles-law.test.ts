/**
 * Little's law L = λW on a random open network of servers: jobs enter by Poisson arrivals, visit a
 * random route of FIFO stations with random lane counts and exponential service, and leave. The
 * time-average number in the system (a time-weighted gauge) must equal throughput × mean sojourn
 * (per-job timestamps). Over a run that starts and ends empty the identity is exact on the sample
 * path, so any bookkeeping error in the kernel (a lost event, a gauge updated at the wrong time)
 * shows up. Checked for several seeds and network shapes, and per station with the Server's own
 * statistics (mean queue length = arrival rate × mean wait).
 */
import { describe, expect, it } from 'vitest';
import { Environment, Exponential, RandomStreams, Server, TimeWeightedGauge } from '../../sim/index.js';

function runRandomNetwork(seed: number, samplePeriodPs = 0) {
  const streams = new RandomStreams(seed);
  const shape = streams.stream('shape');
  const env = new Environment();
  const stationCount = 2 + shape.int(5);
  const stations = Array.from(
    { length: stationCount },
    (_, i) => new Server(env, { name: `s${i}`, lanes: 1 + shape.int(4) }),
  );
  const serviceMeans = stations.map((s) => (0.2 + shape.random()) * s.lanes);
  const routeRng = streams.stream('routes');
  const arrivalRng = streams.stream('arrivals');
  const serviceRng = streams.stream('service');
  const interarrival = new Exponential(1_000_000);
  const inSystem = new TimeWeightedGauge();
  let sojournSumPs = 0;
  let departed = 0;
  const customers = 20_000;
  let arrived = 0;

  const visit = (route: number[], step: number, enteredPs: number): void => {
    if (step === route.length) {
      inSystem.add(-1, env.nowPs);
      sojournSumPs += env.nowPs - enteredPs;
      departed++;
      return;
    }
    const station = route[step] as number;
    const meanPs = (serviceMeans[station] as number) * 600_000;
    const servicePs = Math.round(new Exponential(meanPs).sample(serviceRng));
    (stations[station] as Server).submit(servicePs, () => visit(route, step + 1, enteredPs));
  };
  const onArrival = (): void => {
    arrived++;
    if (arrived < customers) env.schedule(Math.round(interarrival.sample(arrivalRng)), onArrival);
    inSystem.add(1, env.nowPs);
    const hops = 1 + routeRng.int(3);
    const route = Array.from({ length: hops }, () => routeRng.int(stationCount));
    visit(route, 0, env.nowPs);
  };
  env.schedule(0, onArrival);
  const samples = stations.map(() => ({ queue: 0, busy: 0, count: 0 }));
  if (samplePeriodPs > 0) {
    const sample = (): void => {
      stations.forEach((station, i) => {
        const s = samples[i] as { queue: number; busy: number; count: number };
        s.queue += station.queueLength;
        s.busy += station.busyLanes;
        s.count++;
      });
      if (departed < customers) env.schedule(samplePeriodPs, sample);
    };
    env.schedule(samplePeriodPs, sample);
  }
  env.run();
  return { env, stations, inSystem, sojournSumPs, departed, customers, samples };
}

describe("Little's law", () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    it(`holds for the whole random network (seed ${seed})`, () => {
      const { env, inSystem, sojournSumPs, departed, customers } = runRandomNetwork(seed);
      expect(departed).toBe(customers);
      const elapsedPs = env.nowPs;
      const L = inSystem.mean(elapsedPs);
      const lambda = departed / elapsedPs;
      const W = sojournSumPs / departed;
      expect(L / (lambda * W)).toBeCloseTo(1, 9);
    });

    it(`each station's time-averaged queue length and utilisation match an independent sampler (seed ${seed})`, () => {
      // Sampling the state at regular instants estimates its time average without bias; the
      // Server computes its averages from job timestamps instead, so the two are independent.
      const { env, stations, samples } = runRandomNetwork(seed, 250_000);
      for (const [i, station] of stations.entries()) {
        const stats = station.stats();
        const sampled = samples[i] as { queue: number; busy: number; count: number };
        const sampledQueue = sampled.queue / sampled.count;
        const sampledUtilisation = sampled.busy / sampled.count / station.lanes;
        expect(Math.abs(stats.meanQueueLength - sampledQueue)).toBeLessThan(0.02 * Math.max(1, sampledQueue));
        expect(Math.abs(stats.utilisation - sampledUtilisation)).toBeLessThan(0.01);
        expect(stats.completed).toBe(stats.started);
        expect(env.nowPs).toBeGreaterThan(0);
      }
    });
  }
});
