/**
 * Every preset architecture's report carries its energy per committed transaction, and the figure
 * follows the work done: raising the verify engine's energy per operation adds exactly the verify
 * slots the run issued times the increase.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ARCH_PRESETS, loadArchitecture } from '../../system/index.js';
import { quietRun } from './_fixtures.js';

const brief = { baseline: 'none', rate: 2_000, duration: '200ms' } as const;

describe('energy in reports', () => {
  it.each(ARCH_PRESETS)('%s: joules per committed transaction, every engine costed or marked', (preset) => {
    const result = quietRun({ arch: preset, ...brief }).results.arch;
    const energy = result.energy;
    expect(result.committedTxs).toBeGreaterThan(0);
    expect(energy?.joulesPerCommittedTx).toBeGreaterThan(0);
    expect(energy?.joulesPerCommittedTx).toBeCloseTo((energy?.joules ?? 0) / result.committedTxs, 4);
    expect(energy?.byEngine.find((e) => e.engine === 'cpu')?.basis).toBe('per-op');
  });

  it('energy per verify is charged per slot the verify engines issued', () => {
    const base = loadArchitecture('bpu-2019');
    const dir = mkdtempSync(join(tmpdir(), 'bpusim-energy-'));
    const runWith = (njPerOp: number) => {
      const p256 = base.engines.crypto?.verify.p256;
      const arch = {
        ...base,
        name: `verify-${njPerOp}`,
        engines: {
          ...base.engines,
          crypto: {
            ...base.engines.crypto,
            verify: { ...base.engines.crypto?.verify, p256: { ...p256, energy: { idleW: 0.05, njPerOp } } },
          },
        },
      };
      const file = join(dir, `${arch.name}.json`);
      writeFileSync(file, JSON.stringify(arch));
      return quietRun({ arch: file, ...brief }).results.arch;
    };
    const low = runWith(100_000);
    const high = runWith(300_000);
    const slots = low.engines.filter((e) => e.engine === 'crypto.verify.p256').reduce((sum, e) => sum + e.ops, 0);
    const verifyJ = (r: typeof low) =>
      r.energy?.byEngine.find((e) => e.engine === 'crypto.verify.p256')?.joules ?? Number.NaN;
    expect(slots).toBeGreaterThan(low.committedTxs);
    expect(verifyJ(high) - verifyJ(low)).toBeCloseTo(slots * 200_000e-9, 3);
    expect(high.committedTxs).toBe(low.committedTxs);
  });
});
