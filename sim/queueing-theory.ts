/**
 * Closed-form queueing results the kernel is tested against and sizing tools can use for a first
 * guess. Rates are per unit time in whatever unit the caller uses; results are in that unit.
 */
import { assert } from './errors.js';

/** Erlang-C: probability an arrival waits in an M/M/c queue with offered load a = λ/μ. */
export function erlangCProbabilityOfWait(servers: number, offeredLoad: number): number {
  assert(Number.isInteger(servers) && servers >= 1, `servers must be an integer ≥ 1, got ${servers}`);
  assert(
    offeredLoad >= 0 && offeredLoad < servers,
    `offered load ${offeredLoad} must be in [0, ${servers}) for a stable queue`,
  );
  // Erlang-B by its stable recursion B_k = a·B_{k−1} / (k + a·B_{k−1}), then C from B.
  let erlangB = 1;
  for (let k = 1; k <= servers; k++) erlangB = (offeredLoad * erlangB) / (k + offeredLoad * erlangB);
  return (servers * erlangB) / (servers - offeredLoad * (1 - erlangB));
}

/** Mean wait in queue of M/M/c: Wq = C(c, a) / (cμ − λ). */
export function mmcMeanWait(servers: number, arrivalRate: number, serviceRate: number): number {
  const probabilityOfWait = erlangCProbabilityOfWait(servers, arrivalRate / serviceRate);
  return probabilityOfWait / (servers * serviceRate - arrivalRate);
}

/** Mean wait in queue of M/M/1: Wq = ρ / (μ − λ). */
export function mm1MeanWait(arrivalRate: number, serviceRate: number): number {
  const rho = arrivalRate / serviceRate;
  assert(rho < 1, `M/M/1 needs ρ < 1, got ${rho}`);
  return rho / (serviceRate - arrivalRate);
}

/** Pollaczek–Khinchine mean wait of M/G/1: Wq = λ·E[S²] / (2(1 − ρ)). */
export function mg1MeanWait(arrivalRate: number, serviceMean: number, serviceSecondMoment: number): number {
  const rho = arrivalRate * serviceMean;
  assert(rho < 1, `M/G/1 needs ρ < 1, got ${rho}`);
  return (arrivalRate * serviceSecondMoment) / (2 * (1 - rho));
}

/** M/D/1 (constant service D): Wq = ρ·D / (2(1 − ρ)). */
export function md1MeanWait(arrivalRate: number, serviceTime: number): number {
  return mg1MeanWait(arrivalRate, serviceTime, serviceTime * serviceTime);
}
