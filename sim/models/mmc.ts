/**
 * The M/M/c reference model (../shared/bench/des): c lanes of one Server, Poisson arrivals at
 * λ = ρ·c·μ, exponential service at μ, exactly N customers, run until the last departure.
 * Used by `bpusim bench des` for speed and by the tests against Erlang-C.
 *
 * Model time unit = 1e9 ps, so μ = 1 means a mean service of 1 ms of simulated time; rounding
 * draws to whole picoseconds changes them by at most 5e-10 of the unit.
 *
 * Events follow the reference convention: arrival + service start + departure = 3 per customer.
 */
import { Exponential } from '../distributions.js';
import { Environment } from '../environment.js';
import { RandomStreams } from '../prng.js';
import { mmcMeanWait } from '../queueing-theory.js';
import { Server } from '../resources/server.js';

export const MMC_PS_PER_UNIT = 1e9;

export interface MmcParams {
  customers: number;
  servers: number;
  rho: number;
  mu: number;
  seed: number;
}

export interface MmcResult {
  customers: number;
  events: number;
  meanWait: number;
  erlangCWait: number;
  servers: number;
  rho: number;
  mu: number;
  seed: number;
  simTime: number;
  utilisation: number;
  meanQueueLength: number;
}

export interface MmcModel {
  env: Environment;
  /** Collects the figures after `env.run()`. */
  finish(): MmcResult;
}

export function buildMmcModel(params: MmcParams): MmcModel {
  const { customers, servers, rho, mu, seed } = params;
  const lambda = rho * servers * mu;
  const env = new Environment();
  const streams = new RandomStreams(seed);
  const arrivalRng = streams.stream('mmc/arrivals');
  const serviceRng = streams.stream('mmc/service');
  const interarrival = new Exponential(1 / lambda);
  const service = new Exponential(1 / mu);
  const server = new Server(env, { name: 'mmc', lanes: servers });
  let arrivals = 0;
  let departures = 0;

  const onDeparture = (): void => {
    departures++;
  };
  const onArrival = (): void => {
    arrivals++;
    if (arrivals < customers) env.schedule(Math.round(interarrival.sample(arrivalRng) * MMC_PS_PER_UNIT), onArrival);
    server.submit(Math.round(service.sample(serviceRng) * MMC_PS_PER_UNIT), onDeparture);
  };
  env.schedule(Math.round(interarrival.sample(arrivalRng) * MMC_PS_PER_UNIT), onArrival);

  return {
    env,
    finish(): MmcResult {
      const stats = server.stats();
      return {
        customers,
        events: arrivals + stats.started + departures,
        meanWait: stats.meanWaitPs / MMC_PS_PER_UNIT,
        erlangCWait: mmcMeanWait(servers, lambda, mu),
        servers,
        rho,
        mu,
        seed,
        simTime: env.nowPs / MMC_PS_PER_UNIT,
        utilisation: stats.utilisation,
        meanQueueLength: stats.meanQueueLength,
      };
    },
  };
}
