/**
 * A quantity that holds a value over time (queue length, busy lanes), averaged by the time it
 * held each value: mean = ∫ value dt / elapsed. Constant memory, O(1) per change.
 */
import { assert } from '../errors.js';

export class TimeWeightedGauge {
  private current = 0;
  private lastChangePs: number;
  private areaValuePs = 0;
  private peak = 0;
  private readonly startPs: number;

  constructor(startPs = 0, initial = 0) {
    this.startPs = startPs;
    this.lastChangePs = startPs;
    this.current = initial;
    this.peak = initial;
  }

  get value(): number {
    return this.current;
  }

  get max(): number {
    return this.peak;
  }

  set(value: number, nowPs: number): void {
    if (nowPs < this.lastChangePs) assert(false, `gauge updated back in time: ${nowPs} < ${this.lastChangePs}`);
    this.areaValuePs += this.current * (nowPs - this.lastChangePs);
    this.lastChangePs = nowPs;
    this.current = value;
    if (value > this.peak) this.peak = value;
  }

  add(delta: number, nowPs: number): void {
    this.set(this.current + delta, nowPs);
  }

  /** ∫ value dt from the start to `nowPs`, in value·ps. */
  areaPs(nowPs: number): number {
    return this.areaValuePs + this.current * Math.max(0, nowPs - this.lastChangePs);
  }

  /** Time-weighted mean from the start to `nowPs`. */
  mean(nowPs: number): number {
    const elapsedPs = nowPs - this.startPs;
    return elapsedPs > 0 ? this.areaPs(nowPs) / elapsedPs : this.current;
  }
}
