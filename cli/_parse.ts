/**
 * Flag parsers for commander that reject bad values with a message naming the flag and what is
 * allowed (exit 2 through UsageError), instead of letting NaN flow into a simulation.
 */
import { UsageError } from './_errors.js';

export function intFlag(flag: string, min: number, max = Number.MAX_SAFE_INTEGER) {
  return (raw: string): number => {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value) || value < min || value > max) {
      throw new UsageError(`${flag}: expected an integer from ${min} to ${max}, got '${raw}'`);
    }
    return value;
  };
}

export function numberFlag(flag: string, min: number, max: number, opts: { exclusiveMin?: boolean } = {}) {
  return (raw: string): number => {
    const value = Number(raw);
    const belowMin = opts.exclusiveMin === true ? value <= min : value < min;
    if (raw.trim() === '' || !Number.isFinite(value) || belowMin || value > max) {
      const low = opts.exclusiveMin === true ? `greater than ${min}` : `at least ${min}`;
      throw new UsageError(`${flag}: expected a number ${low} and at most ${max}, got '${raw}'`);
    }
    return value;
  };
}
