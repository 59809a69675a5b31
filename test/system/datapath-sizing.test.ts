/**
 * `bpusim size` on a verify pipeline given by its datapath (issue 19): it tries several multiplier
 * counts per engine, each with its derived latency, the engines the demand then needs and their
 * area, chooses the least total area, writes that datapath into the sized architecture, and says
 * whether the area fits the budget.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MULTIPLIER_CHOICES } from '../../engines/datapath-pipeline.js';
import { loadArchitecture, sizeArchitecture } from '../../system/index.js';

const datapath = {
  clockGHz: 0.25,
  multipliers: { count: 1, latencyCycles: 36, initiationIntervalCycles: 36 },
  adders: { count: 1, latencyCycles: 1 },
  registerFile: { readPorts: 2, writePorts: 1 },
  tableMemory: { bytes: 262_144, latencyCycles: 2 },
  algorithm: { name: 'comb', teeth: 6, variableBaseWindowBits: 5 },
  knownKeys: 16,
  area: { perEngine: 0.05, perMultiplier: 0.4, perAdder: 0.02, perTableKiB: 0.004 },
};

describe('sizing a crypto datapath within an area budget', () => {
  const base = loadArchitecture('bpu-2019');
  const crypto = base.engines.crypto;
  const file = join(mkdtempSync(join(tmpdir(), 'bpusim-dp-size-')), 'arch.json');
  writeFileSync(
    file,
    JSON.stringify({
      ...base,
      engines: {
        ...base.engines,
        crypto: { ...crypto, verify: { ...crypto?.verify, p256: { lanes: 128, datapath } } },
      },
    }),
  );
  const sizing = sizeArchitecture({
    targetTps: 20_000,
    arch: file,
    workload: 'smallbank',
    topology: 'dc',
    probeRate: 5_000,
    duration: '200ms',
    ceiling: 0.8,
    iterations: 4,
    areaBudget: 1,
  });

  it('tries each multiplier count: more multipliers, less time per verify, more area per engine', () => {
    const [choice] = sizing.datapaths;
    expect(choice?.engine).toBe('crypto.verify.p256');
    const variants = choice?.variants ?? [];
    expect(variants.map((v) => v.multipliers)).toEqual([...MULTIPLIER_CHOICES]);
    for (let i = 1; i < variants.length; i++) {
      expect(variants[i]!.latencyUs).toBeLessThan(variants[i - 1]!.latencyUs);
      expect(variants[i]!.engineArea).toBeGreaterThan(variants[i - 1]!.engineArea);
      expect(variants[i]!.lanes).toBeLessThanOrEqual(variants[i - 1]!.lanes);
    }
  });

  it('chooses the least total area and writes that datapath into the sized architecture', () => {
    const [choice] = sizing.datapaths;
    const least = Math.min(...(choice?.variants ?? []).map((v) => v.totalArea));
    expect(choice?.chosen.totalArea).toBe(least);
    const p256 = sizing.sized.engines.crypto?.verify.p256;
    expect(p256 !== undefined && 'datapath' in p256 ? p256.datapath.multipliers.count : 0).toBe(
      choice?.chosen.multipliers,
    );
    expect(sizing.check.holds).toBe(true);
  });

  it('says when the area does not fit the budget', () => {
    expect(sizing.area.budget).toBe(1);
    expect(sizing.area.total).toBeGreaterThan(1);
    expect(sizing.area.fits).toBe(false);
  });
});
