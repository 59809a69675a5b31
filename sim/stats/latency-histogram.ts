/**
 * Latency distribution in constant memory with a bounded relative error, mergeable across worker
 * threads and processes. Backed by HdrHistogram (hdr-histogram-js), the log-linear histogram that
 * load generators (wrk2, HdrHistogram in Java/Go) use; with 2 significant digits each bucket is at
 * most 1/128 of its value wide, so a reported quantile is within 0.8 % of an exact one.
 *
 * Values are recorded as non-negative integers in the caller's unit (bpusim records picoseconds
 * or nanoseconds); fractions are rounded. The exact count, min, max and mean are kept beside it.
 */
import * as hdr from 'hdr-histogram-js';
import { assert } from '../errors.js';

/** Relative error bound of a quantile (bucket width / value), documented and tested. */
export const HISTOGRAM_RELATIVE_ERROR_MAX = 1 / 128;

export interface QuantileSummary {
  count: number;
  min: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
  p999: number;
  max: number;
}

export class LatencyHistogram {
  private readonly histogram: hdr.Histogram;
  private countRecorded = 0;
  private sum = 0;
  private minimum = Number.POSITIVE_INFINITY;
  private maximum = 0;

  constructor() {
    this.histogram = hdr.build({
      bitBucketSize: 64,
      autoResize: true,
      lowestDiscernibleValue: 1,
      highestTrackableValue: 2,
      numberOfSignificantValueDigits: 2,
      useWebAssembly: false,
    });
  }

  record(value: number): void {
    if (!(value >= 0) || !Number.isFinite(value)) assert(false, `histogram value must be finite and ≥ 0, got ${value}`);
    const rounded = Math.round(value);
    this.histogram.recordValue(rounded);
    this.countRecorded++;
    this.sum += rounded;
    if (rounded < this.minimum) this.minimum = rounded;
    if (rounded > this.maximum) this.maximum = rounded;
  }

  get count(): number {
    return this.countRecorded;
  }

  get mean(): number {
    return this.countRecorded > 0 ? this.sum / this.countRecorded : 0;
  }

  get min(): number {
    return this.countRecorded > 0 ? this.minimum : 0;
  }

  get max(): number {
    return this.maximum;
  }

  /** The value at quantile q ∈ [0, 1] (q = 0.99 → p99), clamped to the exact min and max. */
  quantile(q: number): number {
    assert(q >= 0 && q <= 1, `quantile must be in [0, 1], got ${q}`);
    if (this.countRecorded === 0) return 0;
    const value = this.histogram.getValueAtPercentile(q * 100);
    return Math.min(this.maximum, Math.max(this.minimum, value));
  }

  summary(): QuantileSummary {
    return {
      count: this.countRecorded,
      min: this.min,
      mean: this.mean,
      p50: this.quantile(0.5),
      p95: this.quantile(0.95),
      p99: this.quantile(0.99),
      p999: this.quantile(0.999),
      max: this.max,
    };
  }

  /** Adds every value of `other` into this one (as if both streams were recorded here). */
  merge(other: LatencyHistogram): void {
    this.histogram.add(other.histogram);
    this.countRecorded += other.countRecorded;
    this.sum += other.sum;
    if (other.countRecorded > 0) {
      this.minimum = Math.min(this.minimum, other.minimum);
      this.maximum = Math.max(this.maximum, other.maximum);
    }
  }

  /** A compact, structured-clone-safe form to send between worker threads or store in a report. */
  encode(): EncodedHistogram {
    return {
      hdr: hdr.encodeIntoCompressedBase64(this.histogram),
      count: this.countRecorded,
      sum: this.sum,
      min: this.min,
      max: this.maximum,
    };
  }

  static decode(encoded: EncodedHistogram): LatencyHistogram {
    const result = new LatencyHistogram();
    if (encoded.count > 0) {
      const decoded = hdr.decodeFromCompressedBase64(encoded.hdr, 64, false);
      result.histogram.add(decoded);
    }
    result.countRecorded = encoded.count;
    result.sum = encoded.sum;
    result.minimum = encoded.count > 0 ? encoded.min : Number.POSITIVE_INFINITY;
    result.maximum = encoded.max;
    return result;
  }
}

export interface EncodedHistogram {
  hdr: string;
  count: number;
  sum: number;
  min: number;
  max: number;
}
