/**
 * The micro-benchmark harness of `bpusim calibrate`: runs an operation in timed trials on the host
 * clock and reports nanoseconds per operation with its spread over trials. Host figures only: what
 * it measures becomes an architecture's costs, never part of a simulated result directly.
 *
 * Each trial is sized to last about `trialMs` (scaled from a warm-up), so fast and slow operations
 * are timed with the same relative resolution. Both wall and process-CPU time are kept: CPU time
 * (all threads) also counts the garbage collector's helper threads, which is what a saturated host
 * pays; wall time is what one thread waits.
 *
 * Part of calibrate/, where reading the host clock is the point (host measurement, not simulation).
 */

export interface Measurement {
  /** Median over trials of wall nanoseconds per operation. */
  readonly nsPerOp: number;
  /** Median over trials of process CPU nanoseconds (all threads) per operation. */
  readonly cpuNsPerOp: number;
  readonly minNsPerOp: number;
  readonly maxNsPerOp: number;
  /** Half the min..max range over trials, in % of the median. */
  readonly spreadPct: number;
  readonly trials: number;
  readonly opsPerTrial: number;
}

const nowNs = (): bigint => process.hrtime.bigint(); // host-time-ok
const cpuNs = (): number => {
  const usage = process.cpuUsage(); // host-time-ok
  return (usage.user + usage.system) * 1000;
};

/** The median (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export interface MeasureOptions {
  readonly trials: number;
  readonly trialMs: number;
}

/**
 * Times `run(ops)` (which performs `ops` operations) over `options.trials` trials. `ops` is chosen
 * so a trial lasts about `trialMs`; `opsMax` bounds it (for operations that consume a finite input).
 */
export async function measure(
  run: (ops: number) => void | Promise<void>,
  options: MeasureOptions,
  opsMax = Number.MAX_SAFE_INTEGER,
): Promise<Measurement> {
  // Warm-up (JIT, caches): grow the batch until one takes 20 ms, then size trials from a second,
  // warm estimate (the first batches run cold code and would size trials far too short).
  let ops = 1;
  let elapsedNs = 0;
  while (elapsedNs < 20e6 && ops < opsMax) {
    const start = nowNs();
    await run(ops);
    elapsedNs = Number(nowNs() - start);
    if (elapsedNs < 20e6) ops = Math.min(opsMax, ops * 2);
  }
  const estimateOps = Math.max(
    1,
    Math.min(opsMax, Math.round((ops * options.trialMs * 0.25e6) / Math.max(1, elapsedNs))),
  );
  const estimateStart = nowNs();
  await run(estimateOps);
  const estimateNs = Number(nowNs() - estimateStart);
  const opsPerTrial = Math.max(
    1,
    Math.min(opsMax, Math.round((estimateOps * options.trialMs * 1e6) / Math.max(1, estimateNs))),
  );
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let t = 0; t < options.trials; t += 1) {
    const cpu0 = cpuNs();
    const start = nowNs();
    await run(opsPerTrial);
    wall.push(Number(nowNs() - start) / opsPerTrial);
    cpu.push((cpuNs() - cpu0) / opsPerTrial);
  }
  const nsPerOp = median(wall);
  const minNsPerOp = Math.min(...wall);
  const maxNsPerOp = Math.max(...wall);
  return {
    nsPerOp,
    cpuNsPerOp: median(cpu),
    minNsPerOp,
    maxNsPerOp,
    spreadPct: nsPerOp > 0 ? ((maxNsPerOp - minNsPerOp) / 2 / nsPerOp) * 100 : 0,
    trials: options.trials,
    opsPerTrial,
  };
}

/** A per-unit cost derived from a measurement (per byte, per row, per step): divides every figure. */
export function perUnit(m: Measurement, unitsPerOp: number): Measurement {
  return {
    ...m,
    nsPerOp: m.nsPerOp / unitsPerOp,
    cpuNsPerOp: m.cpuNsPerOp / unitsPerOp,
    minNsPerOp: m.minNsPerOp / unitsPerOp,
    maxNsPerOp: m.maxNsPerOp / unitsPerOp,
  };
}
