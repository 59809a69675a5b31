/**
 * Random variates drawn from a named RandomStream. Each distribution is a small immutable object
 * with `sample(rng)` and its theoretical `mean` (used by tests against theory and by reports).
 * Inverse-transform sampling everywhere a closed form exists, so one uniform draw gives one variate
 * and streams stay aligned when parameters change.
 */
import { assert, SimInputError } from './errors.js';
import type { RandomStream } from './prng.js';

export interface Distribution {
  readonly kind: string;
  /** Theoretical mean (Infinity where it does not exist, e.g. Pareto with shape ≤ 1). */
  readonly mean: number;
  sample(rng: RandomStream): number;
}

export class Constant implements Distribution {
  readonly kind = 'constant';
  constructor(readonly value: number) {}
  get mean(): number {
    return this.value;
  }
  sample(_rng: RandomStream): number {
    return this.value;
  }
}

export class Uniform implements Distribution {
  readonly kind = 'uniform';
  constructor(
    readonly min: number,
    readonly max: number,
  ) {
    assert(max >= min, `uniform needs max ≥ min, got [${min}, ${max}]`);
  }
  get mean(): number {
    return (this.min + this.max) / 2;
  }
  sample(rng: RandomStream): number {
    return this.min + (this.max - this.min) * rng.random();
  }
}

export class Exponential implements Distribution {
  readonly kind = 'exponential';
  readonly mean: number;
  /** @param meanValue the mean (1 / rate) */
  constructor(meanValue: number) {
    assert(meanValue > 0, `exponential needs a positive mean, got ${meanValue}`);
    this.mean = meanValue;
  }
  sample(rng: RandomStream): number {
    return -Math.log(rng.randomOpenLow()) * this.mean;
  }
}

export class Normal implements Distribution {
  readonly kind = 'normal';
  constructor(
    readonly mean: number,
    readonly sd: number,
  ) {
    assert(sd >= 0, `normal needs sd ≥ 0, got ${sd}`);
  }
  sample(rng: RandomStream): number {
    return this.mean + this.sd * standardNormal(rng);
  }
}

/** exp(N(mu, sigma²)): mu and sigma are the parameters of the underlying normal. */
export class LogNormal implements Distribution {
  readonly kind = 'lognormal';
  constructor(
    readonly mu: number,
    readonly sigma: number,
  ) {
    assert(sigma >= 0, `lognormal needs sigma ≥ 0, got ${sigma}`);
  }
  /** The lognormal with this mean and coefficient of variation (sd / mean). */
  static fromMeanCv(meanValue: number, cv: number): LogNormal {
    assert(meanValue > 0 && cv >= 0, 'lognormal needs mean > 0 and cv ≥ 0');
    const sigma2 = Math.log(1 + cv * cv);
    return new LogNormal(Math.log(meanValue) - sigma2 / 2, Math.sqrt(sigma2));
  }
  get mean(): number {
    return Math.exp(this.mu + (this.sigma * this.sigma) / 2);
  }
  sample(rng: RandomStream): number {
    return Math.exp(this.mu + this.sigma * standardNormal(rng));
  }
}

/** Pareto type I: P(X > x) = (scale / x)^shape for x ≥ scale. */
export class Pareto implements Distribution {
  readonly kind = 'pareto';
  constructor(
    readonly scale: number,
    readonly shape: number,
  ) {
    assert(scale > 0 && shape > 0, `pareto needs scale > 0 and shape > 0, got ${scale}, ${shape}`);
  }
  get mean(): number {
    return this.shape > 1 ? (this.shape * this.scale) / (this.shape - 1) : Number.POSITIVE_INFINITY;
  }
  sample(rng: RandomStream): number {
    return this.scale / Math.pow(rng.randomOpenLow(), 1 / this.shape);
  }
}

/**
 * Zipfian ranks 0 … n−1 with P(rank k) ∝ 1 / (k+1)^theta. Up to 2^20 items it samples an exact
 * inverse-CDF table; above that (0 < theta < 1 only) it uses YCSB's ZipfianGenerator (Gray et al.,
 * SIGMOD 1994), exact for ranks 0 and 1 and approximate beyond — 17 % too likely at rank 2
 * for n = 1,000, theta = 0.99, which is why small key spaces take the table. theta = 0 is uniform.
 * Rank 0 is the hottest item; callers scramble ranks to spread hot keys.
 */
export class Zipf implements Distribution {
  readonly kind = 'zipf';
  private readonly zetaN: number;
  private readonly alpha: number;
  private readonly eta: number;
  private readonly halfPowTheta: number;
  private readonly cumulative: Float64Array | null;

  static readonly TABLE_ITEMS_MAX = 1 << 20;

  constructor(
    readonly n: number,
    readonly theta: number,
  ) {
    assert(Number.isInteger(n) && n >= 1, `zipf needs an integer n ≥ 1, got ${n}`);
    assert(theta >= 0, `zipf needs theta ≥ 0, got ${theta}`);
    this.zetaN = zeta(n, theta);
    this.halfPowTheta = Math.pow(0.5, theta);
    if (theta > 0 && (theta >= 1 || n <= Zipf.TABLE_ITEMS_MAX)) {
      assert(
        n <= Zipf.TABLE_ITEMS_MAX,
        `zipf with theta ≥ 1 is tabulated and needs n ≤ ${Zipf.TABLE_ITEMS_MAX}, got ${n}`,
      );
      const cumulative = new Float64Array(n);
      let sum = 0;
      for (let k = 0; k < n; k++) {
        sum += 1 / Math.pow(k + 1, theta);
        cumulative[k] = sum / this.zetaN;
      }
      this.cumulative = cumulative;
      this.alpha = 0;
      this.eta = 0;
    } else {
      this.cumulative = null;
      this.alpha = 1 / (1 - theta);
      const zeta2 = zeta(2, theta);
      this.eta = n > 1 ? (1 - Math.pow(2 / n, 1 - theta)) / (1 - zeta2 / this.zetaN) : 0;
    }
  }

  get mean(): number {
    let sum = 0;
    for (let k = 0; k < Math.min(this.n, 1 << 20); k++) sum += k / Math.pow(k + 1, this.theta);
    return sum / this.zetaN;
  }

  /** P(rank = k), exact. */
  probability(rank: number): number {
    return 1 / Math.pow(rank + 1, this.theta) / this.zetaN;
  }

  sample(rng: RandomStream): number {
    const u = rng.random();
    if (this.theta === 0) return Math.floor(u * this.n);
    if (this.cumulative !== null) return lowerBound(this.cumulative, u);
    const uz = u * this.zetaN;
    if (uz < 1) return 0;
    if (uz < 1 + this.halfPowTheta) return Math.min(1, this.n - 1);
    const rank = Math.floor(this.n * Math.pow(this.eta * u - this.eta + 1, this.alpha));
    return Math.min(rank, this.n - 1);
  }
}

/** A table of values with weights (an observed distribution, e.g. transaction sizes). */
export class Empirical implements Distribution {
  readonly kind = 'empirical';
  private readonly values: Float64Array;
  private readonly cumulative: Float64Array;
  readonly mean: number;

  constructor(values: readonly number[], weights?: readonly number[]) {
    assert(values.length > 0, 'empirical needs at least one value');
    assert(weights === undefined || weights.length === values.length, 'empirical needs one weight per value');
    this.values = Float64Array.from(values);
    this.cumulative = new Float64Array(values.length);
    let total = 0;
    let weighted = 0;
    for (let i = 0; i < values.length; i++) {
      const weight = weights?.[i] ?? 1;
      assert(weight >= 0 && Number.isFinite(weight), `empirical weight must be finite and ≥ 0, got ${weight}`);
      total += weight;
      weighted += weight * (values[i] as number);
      this.cumulative[i] = total;
    }
    assert(total > 0, 'empirical weights must not all be zero');
    for (let i = 0; i < values.length; i++) this.cumulative[i] = (this.cumulative[i] as number) / total;
    this.mean = weighted / total;
  }

  sample(rng: RandomStream): number {
    return this.values[lowerBound(this.cumulative, rng.random())] as number;
  }
}

/** Standard normal by Box–Muller (two uniforms per variate, no hidden cached state). */
function standardNormal(rng: RandomStream): number {
  const u1 = rng.randomOpenLow();
  const u2 = rng.random();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function zeta(n: number, theta: number): number {
  let sum = 0;
  for (let i = 1; i <= n; i++) sum += 1 / Math.pow(i, theta);
  return sum;
}

/** First index whose cumulative probability exceeds u. */
function lowerBound(cumulative: Float64Array, u: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if ((cumulative[mid] as number) > u) high = mid;
    else low = mid + 1;
  }
  return low;
}

/** A distribution as users write it in files: `{ kind: 'exponential', mean: 5 }`. */
export type DistributionSpec =
  | { kind: 'constant'; value: number }
  | { kind: 'uniform'; min: number; max: number }
  | { kind: 'exponential'; mean: number }
  | { kind: 'normal'; mean: number; sd: number }
  | { kind: 'lognormal'; mu: number; sigma: number }
  | { kind: 'lognormal'; mean: number; cv: number }
  | { kind: 'pareto'; scale: number; shape: number }
  | { kind: 'zipf'; n: number; theta: number }
  | { kind: 'empirical'; values: number[]; weights?: number[] };

/**
 * Builds a distribution from its spec, refusing bad parameters with a message that names `where`
 * (the file and field) and what is allowed.
 */
export function makeDistribution(spec: DistributionSpec, where = 'distribution'): Distribution {
  const need = (ok: boolean, what: string): void => {
    if (!ok) throw new SimInputError(`${where}: ${spec.kind} ${what}`);
  };
  const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);
  switch (spec.kind) {
    case 'constant':
      need(finite(spec.value), 'needs a finite value');
      return new Constant(spec.value);
    case 'uniform':
      need(finite(spec.min) && finite(spec.max) && spec.max >= spec.min, 'needs finite min ≤ max');
      return new Uniform(spec.min, spec.max);
    case 'exponential':
      need(finite(spec.mean) && spec.mean > 0, 'needs mean > 0');
      return new Exponential(spec.mean);
    case 'normal':
      need(finite(spec.mean) && finite(spec.sd) && spec.sd >= 0, 'needs a finite mean and sd ≥ 0');
      return new Normal(spec.mean, spec.sd);
    case 'lognormal':
      if ('mu' in spec) {
        need(finite(spec.mu) && finite(spec.sigma) && spec.sigma >= 0, 'needs a finite mu and sigma ≥ 0');
        return new LogNormal(spec.mu, spec.sigma);
      }
      need(finite(spec.mean) && spec.mean > 0 && finite(spec.cv) && spec.cv >= 0, 'needs mean > 0 and cv ≥ 0');
      return LogNormal.fromMeanCv(spec.mean, spec.cv);
    case 'pareto':
      need(
        finite(spec.scale) && spec.scale > 0 && finite(spec.shape) && spec.shape > 0,
        'needs scale > 0 and shape > 0',
      );
      return new Pareto(spec.scale, spec.shape);
    case 'zipf':
      need(Number.isInteger(spec.n) && spec.n >= 1, 'needs an integer n ≥ 1');
      need(finite(spec.theta) && spec.theta >= 0, 'needs theta ≥ 0');
      need(spec.theta < 1 || spec.n <= Zipf.TABLE_ITEMS_MAX, `with theta ≥ 1 needs n ≤ ${Zipf.TABLE_ITEMS_MAX}`);
      return new Zipf(spec.n, spec.theta);
    case 'empirical':
      need(
        Array.isArray(spec.values) && spec.values.length > 0 && spec.values.every(finite),
        'needs a non-empty list of finite values',
      );
      need(
        spec.weights === undefined ||
          (spec.weights.length === spec.values.length && spec.weights.every((w) => finite(w) && w >= 0)),
        'needs one finite weight ≥ 0 per value',
      );
      need(spec.weights === undefined || spec.weights.some((w) => w > 0), 'needs at least one positive weight');
      return new Empirical(spec.values, spec.weights);
    default: {
      const kind = (spec as { kind?: unknown }).kind;
      throw new SimInputError(
        `${where}: unknown kind '${String(kind)}'; allowed: constant, uniform, exponential, normal, lognormal, pareto, zipf, empirical`,
      );
    }
  }
}
