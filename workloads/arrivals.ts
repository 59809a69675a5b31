/**
 * Arrival processes, after Caliper's rate controllers: when each client's next transaction is
 * offered. Open-loop processes give the gap to the next arrival; the closed loop keeps a fixed
 * number of transactions outstanding per client (a new one after each completes, plus think time).
 *
 * - fixed: constant gaps (Caliper fixed-rate);
 * - poisson: exponential gaps;
 * - ramp: rate changing linearly from `fromTps` to `toTps` over the run (Caliper linear-rate), as a
 *   non-homogeneous Poisson process sampled by inversion of its cumulative rate;
 * - bursty: a two-state Markov-modulated Poisson process (on/off; exponential sojourns);
 * - closed: `outstanding` transactions per client, `thinkMs` after each completion (Caliper
 *   fixed-load).
 * Rates are for the whole run; each of `clients` clients carries 1/clients of it.
 */
import type { Draws } from './draws.js';

export type ArrivalSpec =
  | { kind: 'fixed'; tps: number }
  | { kind: 'poisson'; tps: number }
  | { kind: 'ramp'; fromTps: number; toTps: number; durationS: number }
  | { kind: 'bursty'; onTps: number; offTps: number; meanOnMs: number; meanOffMs: number }
  | { kind: 'closed'; outstanding: number; thinkMs: number };

export const ARRIVAL_KINDS = ['fixed', 'poisson', 'ramp', 'bursty', 'closed'] as const;

/** Open-loop arrivals for one client: the time of its next arrival after `nowS` (seconds), or null when done. */
export interface OpenArrivals {
  next(nowS: number): number | null;
}

export function openArrivals(
  spec: Exclude<ArrivalSpec, { kind: 'closed' }>,
  clients: number,
  draws: Draws,
  endS: number,
): OpenArrivals {
  const exp = (rate: number): number => -Math.log(1 - draws.random()) / rate;
  switch (spec.kind) {
    case 'fixed': {
      const gap = clients / spec.tps;
      return { next: (now) => (now + gap <= endS ? now + gap : null) };
    }
    case 'poisson': {
      const rate = spec.tps / clients;
      return {
        next: (now) => {
          const t = now + exp(rate);
          return t <= endS ? t : null;
        },
      };
    }
    case 'ramp': {
      // Λ(t) = a·t + b·t²/2 with a = from/clients, b = (to − from)/(clients·T); the next arrival
      // solves Λ(t') = Λ(t) + E with E ~ Exp(1).
      const a = spec.fromTps / clients;
      const b = (spec.toTps - spec.fromTps) / (clients * spec.durationS);
      const cumulative = (t: number): number => a * t + (b * t * t) / 2;
      return {
        next(now) {
          const target = cumulative(now) - Math.log(1 - draws.random());
          const t = Math.abs(b) < 1e-12 ? target / a : (-a + Math.sqrt(Math.max(0, a * a + 2 * b * target))) / b;
          return Number.isFinite(t) && t > now && t <= Math.min(endS, spec.durationS) ? t : null;
        },
      };
    }
    case 'bursty': {
      let on = true;
      let switchAt = exp(1000 / spec.meanOnMs);
      return {
        next(now) {
          let t = now;
          for (;;) {
            const rate = (on ? spec.onTps : spec.offTps) / clients;
            const candidate = rate > 0 ? t + exp(rate) : Number.POSITIVE_INFINITY;
            if (candidate <= switchAt) return candidate <= endS ? candidate : null;
            // Memoryless: restart the draw from the switch instant in the other state.
            t = switchAt;
            on = !on;
            switchAt = t + exp(1000 / (on ? spec.meanOnMs : spec.meanOffMs));
            if (t > endS) return null;
          }
        },
      };
    }
  }
}

/** Parses `--arrival` text: poisson | fixed | ramp:FROM:TO | bursty:ON:OFF:ONMS:OFFMS | closed:N[:THINKMS]. */
export function parseArrival(text: string, tps: number, durationS: number): ArrivalSpec | string {
  const [kind, ...rest] = text.split(':');
  const nums = rest.map(Number);
  const ok = nums.every((n) => Number.isFinite(n) && n >= 0);
  switch (kind) {
    case 'poisson':
    case 'fixed':
      return rest.length === 0 ? { kind, tps } : `${kind} takes no parameters`;
    case 'ramp':
      return rest.length === 2 && ok && (nums[0] as number) + (nums[1] as number) > 0
        ? { kind, fromTps: nums[0] as number, toTps: nums[1] as number, durationS }
        : 'ramp:FROM_TPS:TO_TPS (not both 0)';
    case 'bursty':
      return rest.length === 4 && ok && (nums[2] as number) > 0 && (nums[3] as number) > 0
        ? {
            kind,
            onTps: nums[0] as number,
            offTps: nums[1] as number,
            meanOnMs: nums[2] as number,
            meanOffMs: nums[3] as number,
          }
        : 'bursty:ON_TPS:OFF_TPS:MEAN_ON_MS:MEAN_OFF_MS (durations > 0)';
    case 'closed':
      return (rest.length === 1 || rest.length === 2) && ok && Number.isInteger(nums[0]) && (nums[0] as number) >= 1
        ? { kind, outstanding: nums[0] as number, thinkMs: nums[1] ?? 0 }
        : 'closed:OUTSTANDING_PER_CLIENT[:THINK_MS] (outstanding an integer ≥ 1)';
    default:
      return `unknown process '${kind ?? ''}'`;
  }
}

/** Mean offered rate of an open process over the run (for reports). */
export function meanOfferedTps(spec: ArrivalSpec): number {
  switch (spec.kind) {
    case 'fixed':
    case 'poisson':
      return spec.tps;
    case 'ramp':
      return (spec.fromTps + spec.toTps) / 2;
    case 'bursty':
      return (spec.onTps * spec.meanOnMs + spec.offTps * spec.meanOffMs) / (spec.meanOnMs + spec.meanOffMs);
    case 'closed':
      return 0;
  }
}
