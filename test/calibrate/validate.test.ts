/**
 * Host validation with recalibration: each run is predicted from a calibration made right before
 * it. Checked with two fixed "calibrations" of different speed on a real, small bench.
 */
import { describe, expect, it } from 'vitest';
import type { Architecture } from '../../engines/architecture.js';
import { testHost } from './_host.js';
import { validate, type ValidateOptions } from '../../calibrate/validate.js';

/** A 2-core host at 1 GHz whose every cost is `scale` × the test host's. */
const host = (scale: number): Architecture => testHost(2, {}, { name: `host-x${scale}`, scale });

const base: ValidateOptions = {
  arch: host(1),
  workloads: ['donothing'],
  workers: [1],
  txs: 500,
  seed: 7,
  store: 'memory',
  repeat: 1,
};

const predictedValidateCommit = (result: Awaited<ReturnType<typeof validate>>): number =>
  result.cases.find((c) => c.phase === 'validate+commit')!.predictedTps;

describe('validate with recalibration', () => {
  it('predicts each run from the calibration made right before it', async () => {
    const fast = predictedValidateCommit(await validate({ ...base, arch: host(1) }));
    const slow = predictedValidateCommit(await validate({ ...base, arch: host(2) }));
    expect(slow).toBeLessThan(fast * 0.75);
    const sequence = [host(1), host(2)];
    let calibrations = 0;
    const log: string[] = [];
    const recalibrated = await validate(
      {
        ...base,
        repeat: 2,
        recalibrate: async () => {
          const arch = sequence[calibrations++ % sequence.length]!;
          log.push(`calibrated ${arch.name}`);
          return arch;
        },
      },
      (line) => log.push(line),
    );
    // One calibration per run, each right before its run; the case's figure is the median of the
    // two runs (one predicted on each host), so it lies halfway.
    expect(log).toEqual([
      'calibrated host-x1',
      'donothing, 1 worker(s), run 1/2',
      'calibrated host-x2',
      'donothing, 1 worker(s), run 2/2',
    ]);
    expect(Math.abs(predictedValidateCommit(recalibrated) - (fast + slow) / 2)).toBeLessThanOrEqual(1);
  }, 120_000);
});
