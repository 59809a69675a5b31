/**
 * Host validation with recalibration: each run is bracketed by a calibration before and one after
 * it (one calibration serves the runs on either side), and the run's prediction is the mean of the
 * model on the two. Checked with two fixed "calibrations" of different speed on a real, small bench.
 */
import { describe, expect, it } from 'vitest';
import type { Architecture } from '../../engines/architecture.js';
import { architectureSchema } from '../../engines/architecture.js';
import { validate, type ValidateOptions } from '../../calibrate/validate.js';

/** A host at 1 GHz whose every cost is `scale` × a base figure. */
function host(scale: number): Architecture {
  const cycles = {
    signP256: 60_000,
    verifyP256: 50_000,
    signEd25519: 30_000,
    verifyEd25519: 70_000,
    signBls: 1e6,
    verifyBls: 2e6,
    hashPerByte: 2,
    encodePerByte: 1,
    decodePerByte: 1,
    stateRead: 2_000,
    stateWrite: 3_000,
    rangeRow: 1_500,
    contractStep: 1_000,
    contextSwitch: 0,
    packet: 0,
    networkPerByte: 0,
    consensusMessage: 0,
  };
  const scaled = Object.fromEntries(Object.entries(cycles).map(([key, value]) => [key, value * scale]));
  return architectureSchema.parse({
    name: `host-x${scale}`,
    engines: { cpu: { cores: 2, clockGHz: 1, cycles: scaled } },
  });
}

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
  it('predicts each run from the mean of the calibrations just before and just after it', async () => {
    const fast = predictedValidateCommit(await validate({ ...base, arch: host(1) }));
    const slow = predictedValidateCommit(await validate({ ...base, arch: host(2) }));
    expect(slow).toBeLessThan(fast * 0.75);
    const handedOut: Architecture[] = [];
    const sequence = [host(1), host(2)];
    const bracketed = await validate({
      ...base,
      recalibrate: async () => {
        const arch = sequence[handedOut.length % sequence.length]!;
        handedOut.push(arch);
        return arch;
      },
    });
    // One calibration before the only run, one after it.
    expect(handedOut.map((a) => a.name)).toEqual(['host-x1', 'host-x2']);
    expect(Math.abs(predictedValidateCommit(bracketed) - (fast + slow) / 2)).toBeLessThanOrEqual(1);
  }, 120_000);

  it('shares a calibration between neighbouring runs (repeat × cases + 1 in all)', async () => {
    let calls = 0;
    await validate({
      ...base,
      workers: [1, 2],
      recalibrate: async () => {
        calls += 1;
        return host(1);
      },
    });
    expect(calls).toBe(1 * 2 + 1);
  }, 120_000);
});
