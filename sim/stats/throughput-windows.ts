/**
 * Completions per window of simulated time (throughput over time) in bounded memory: when the
 * number of windows would pass `windowCountMax`, adjacent windows are merged pairwise and the
 * window width doubles. A run of any length keeps at most `windowCountMax` numbers.
 */
import { assert } from '../errors.js';

export interface ThroughputPoint {
  startPs: number;
  widthPs: number;
  count: number;
  perSec: number;
}

export class ThroughputWindows {
  private widthPs: number;
  private counts: number[] = [];
  private readonly windowCountMax: number;

  constructor(windowPs: number, windowCountMax = 1024) {
    assert(windowPs > 0 && Number.isInteger(windowPs), `window must be a positive integer of ps, got ${windowPs}`);
    assert(windowCountMax >= 2 && windowCountMax % 2 === 0, 'windowCountMax must be even and ≥ 2');
    this.widthPs = windowPs;
    this.windowCountMax = windowCountMax;
  }

  get windowPs(): number {
    return this.widthPs;
  }

  record(atPs: number, amount = 1): void {
    let index = Math.floor(atPs / this.widthPs);
    while (index >= this.windowCountMax) {
      this.coarsen();
      index = Math.floor(atPs / this.widthPs);
    }
    while (this.counts.length <= index) this.counts.push(0);
    this.counts[index] = (this.counts[index] as number) + amount;
  }

  points(): ThroughputPoint[] {
    return this.counts.map((count, index) => ({
      startPs: index * this.widthPs,
      widthPs: this.widthPs,
      count,
      perSec: (count * 1e12) / this.widthPs,
    }));
  }

  private coarsen(): void {
    const merged: number[] = [];
    for (let i = 0; i < this.counts.length; i += 2) merged.push((this.counts[i] as number) + (this.counts[i + 1] ?? 0));
    this.counts = merged;
    this.widthPs *= 2;
  }
}
