/**
 * `bpusim size`: starting from an architecture too small for the target, it gives each engine the
 * lanes its measured demand needs and the check run at the target holds; the sized verify lanes
 * follow the per-transaction demand (3 validation verifies + half an endorsement per peer).
 */
import { describe, expect, it } from 'vitest';
import { sizeArchitecture } from '../../system/index.js';

describe('bpusim size', () => {
  it('gives each engine the lanes its measured demand needs at the target, and the check holds', () => {
    const sizing = sizeArchitecture({
      targetTps: 40_000,
      arch: 'bpu-2019',
      workload: 'donothing',
      topology: 'dc',
      probeRate: 4_000,
      duration: '100ms',
      ceiling: 0.8,
      iterations: 4,
    });
    const verify = sizing.probe.engines.find((e) => e.engine === 'crypto.verify.p256');
    // Per tx per peer: two endorsements (known keys, 368 µs) and 1.5 client signatures (the creator's
    // at validation, the proposal's at half the peers: 760 µs each) ≈ 1.88 busy lanes per 1,000 TPS.
    expect(verify?.busyLanesPerKtps).toBeGreaterThan(1.8);
    expect(verify?.busyLanesPerKtps).toBeLessThan(1.95);
    expect(verify?.lanesAfter).toBeGreaterThanOrEqual(Math.ceil((40 * 1.8) / 0.8));
    expect(sizing.check.holds).toBe(true);
    expect(sizing.check.committedTps).toBeGreaterThanOrEqual(0.95 * 40_000);
    expect(sizing.sized.engines.crypto?.verify.p256?.lanes).toBe(verify?.lanesAfter);
    expect(sizing.nodeCostUsd).toBeGreaterThan(0);
    // P-256 only: the other schemes' engines did no work, so they are listed apart, not sized.
    expect(sizing.unused).toContain('crypto.verify.ed25519');
    expect(sizing.probe.engines.every((e) => e.busyLanesPerKtps > 0)).toBe(true);
    expect(sizing.sized.engines.crypto?.verify.ed25519?.lanes).toBe(1);
  });
});
