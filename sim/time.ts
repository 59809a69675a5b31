/**
 * Simulated time is an integer number of picoseconds held in a JS number, exact up to 2^53 ps
 * (about 2.5 hours of simulated time). Integers keep event order exact: two events computed by
 * different paths to the same instant compare equal, which floats in seconds would not guarantee.
 */
import { SimInputError } from './errors.js';

export const PS_PER_NS = 1_000;
export const PS_PER_US = 1_000_000;
export const PS_PER_MS = 1_000_000_000;
export const PS_PER_S = 1_000_000_000_000;

/** The last representable instant: 2^53 − 1 ps ≈ 9,007 s. */
export const TIME_PS_MAX = Number.MAX_SAFE_INTEGER;

export function nsToPs(ns: number): number {
  return Math.round(ns * PS_PER_NS);
}
export function usToPs(us: number): number {
  return Math.round(us * PS_PER_US);
}
export function msToPs(ms: number): number {
  return Math.round(ms * PS_PER_MS);
}
export function secondsToPs(seconds: number): number {
  return Math.round(seconds * PS_PER_S);
}
export function psToNs(ps: number): number {
  return ps / PS_PER_NS;
}
export function psToUs(ps: number): number {
  return ps / PS_PER_US;
}
export function psToMs(ps: number): number {
  return ps / PS_PER_MS;
}
export function psToSeconds(ps: number): number {
  return ps / PS_PER_S;
}

/** Picoseconds taken by `cycles` at `clockGHz` (1 GHz → 1,000 ps per cycle), rounded to whole ps. */
export function cyclesToPs(cycles: number, clockGHz: number): number {
  return Math.round((cycles * 1_000) / clockGHz);
}

/** Cycles elapsed in `ps` at `clockGHz`. */
export function psToCycles(ps: number, clockGHz: number): number {
  return (ps * clockGHz) / 1_000;
}

/**
 * Refuses a simulated duration that cannot be represented exactly. Called before a run starts, so
 * the user learns at once rather than after hours of a run whose clock silently lost precision.
 */
export function checkHorizonPs(horizonPs: number, what = 'simulated duration'): void {
  if (!Number.isFinite(horizonPs) || horizonPs < 0) {
    throw new SimInputError(`${what}: expected a non-negative number of picoseconds, got ${horizonPs}`);
  }
  if (horizonPs > TIME_PS_MAX) {
    throw new SimInputError(
      `${what}: ${psToSeconds(horizonPs).toFixed(1)} s is beyond the ${psToSeconds(TIME_PS_MAX).toFixed(0)} s ` +
        '(2^53 ps) that integer picosecond time can represent exactly; split the run or shorten it',
    );
  }
}

/**
 * Parses a human duration such as "2s", "150ms", "10us", "500ns", "1e6ps" into picoseconds.
 * Returns undefined on malformed text so the caller can name its own flag or field in the error.
 */
export function parseDurationPs(text: string): number | undefined {
  const match = /^\s*([0-9]*\.?[0-9]+(?:e[+-]?[0-9]+)?)\s*(ps|ns|us|µs|ms|s|min)\s*$/i.exec(text);
  if (match === null) return undefined;
  const value = Number(match[1]);
  const unit = (match[2] ?? '').toLowerCase();
  const scale: Record<string, number> = {
    ps: 1,
    ns: PS_PER_NS,
    us: PS_PER_US,
    µs: PS_PER_US,
    ms: PS_PER_MS,
    s: PS_PER_S,
    min: 60 * PS_PER_S,
  };
  const factor = scale[unit];
  if (factor === undefined || !Number.isFinite(value)) return undefined;
  return Math.round(value * factor);
}
