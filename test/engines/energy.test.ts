/**
 * Energy per node: idle power over the run plus energy per operation in each engine's unit; a
 * nameplate `powerW` drawn all run where an engine has no `energy`; zero (basis `none`) otherwise.
 */
import { describe, expect, it } from 'vitest';
import { emptyUsage, nodeEnergy } from '../../engines/energy.js';

describe('nodeEnergy', () => {
  it('adds idle power over the run to each operation’s energy, per lane and per board where counted so', () => {
    const usage = {
      ...emptyUsage(),
      cpuCycles: 1e9,
      verifySlots: { p256: 1_000 },
      scCycles: 2e9,
      dbAccesses: 10,
      dbMisses: 2,
    };
    const energy = nodeEnergy(
      {
        cpu: { energy: { idleW: 100, pjPerCycle: 2_000 } },
        crypto: { sign: {}, verify: { p256: { lanes: 4, energy: { idleW: 0.5, njPerOp: 100_000 } } } },
        db: { energy: { idleW: 10, njPerAccess: 1_000, njPerMiss: 5_000 } },
        sc: { boards: 2, energy: { idleW: 3, pjPerCycle: 500 } },
      },
      usage,
      2,
    );
    const joules = Object.fromEntries(energy.map((e) => [e.engine, e.joules]));
    expect(joules.cpu).toBeCloseTo(100 * 2 + 1e9 * 2_000e-12, 9);
    expect(joules['crypto.verify.p256']).toBeCloseTo(0.5 * 4 * 2 + 1_000 * 100_000e-9, 9);
    expect(joules.db).toBeCloseTo(10 * 2 + (10 * 1_000 + 2 * 5_000) * 1e-9, 9);
    expect(joules.sc).toBeCloseTo(3 * 2 * 2 + 2e9 * 500e-12, 9);
    expect(energy.every((e) => e.basis === 'per-op')).toBe(true);
  });

  it('falls back on the nameplate, then on nothing, and says which', () => {
    const energy = nodeEnergy(
      { cpu: { powerW: 300 }, serde: {}, crypto: { sign: { p256: { lanes: 2, powerW: 1 } }, verify: {} } },
      { ...emptyUsage(), cpuCycles: 5e9, serdeBytes: 1e6 },
      0.5,
    );
    expect(energy).toEqual([
      { engine: 'cpu', joules: 150, basis: 'nameplate' },
      { engine: 'crypto.sign.p256', joules: 1, basis: 'nameplate' },
      { engine: 'serde', joules: 0, basis: 'none' },
    ]);
  });
});
