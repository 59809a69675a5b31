/**
 * The model of the ledger bench's host process against what its structure implies: one thread's
 * serial work gives 1 / (time per item); signature checks on W worker threads give at most
 * W / (check time) when workers bound the pipeline; when threads outnumber cores, the cores bound it
 * (total CPU time / cores); per-contract step costs and the platform's per-message logic are charged.
 */
import { describe, expect, it } from 'vitest';
import type { Architecture } from '../../engines/architecture.js';
import { testHost } from './_host.js';
import { cpuTimePs, predictHostBench, type BenchBlockWork } from '../../calibrate/host-bench-model.js';
import { emptyReceipt, type WorkReceipt } from '../../ledger/receipt.js';

/** A host at 1 GHz, so cycles read as nanoseconds. */
const host = (cores: number, overrides: Partial<Architecture['engines']['cpu']['cycles']> = {}): Architecture =>
  testHost(cores, overrides);

const block = (txs: number, verifiesPerTx: number, mainNsPerTx: number): BenchBlockWork => ({
  txs,
  read: emptyReceipt(),
  // decodeBytes at 1 ns per byte: the main thread's work per tx.
  commit: { ...emptyReceipt(), verifies: { p256: txs * verifiesPerTx }, decodeBytes: txs * mainNsPerTx },
});

const relative = (actual: number, expected: number) => Math.abs(actual / expected - 1);

describe('host bench model', () => {
  it('charges per-contract step costs and the per-proposal logic', () => {
    const arch = host(1, { contractStepByContract: { cpuheavy: 20 }, proposal: 5_000 });
    const heavy: WorkReceipt = { ...emptyReceipt(), contractSteps: 1_000, contract: 'cpuheavy', proposals: 2 };
    const other: WorkReceipt = { ...emptyReceipt(), contractSteps: 1_000, contract: 'kv' };
    expect(cpuTimePs(arch, heavy)).toBe((1_000 * 20 + 2 * 5_000) * 1_000);
    expect(cpuTimePs(arch, other)).toBe(1_000 * 1_000 * 1_000);
  });

  it('phase 1 is serial: endorse tx/s = 1 / (time of one transaction’s endorsements)', () => {
    const arch = host(2);
    const endorse: WorkReceipt[] = Array.from({ length: 100 }, () => ({
      ...emptyReceipt(),
      signs: { p256: 2 },
      verifies: { p256: 2 },
    }));
    const p = predictHostBench(arch, endorse, emptyReceipt(), [block(100, 3, 0)], { threads: 1 });
    expect(relative(p.endorseTps, 1e9 / (2 * 60_000 + 2 * 50_000))).toBeLessThan(1e-9);
    expect(relative(p.endorseLatencyMs, (2 * 60_000 + 2 * 50_000) / 1e6)).toBeLessThan(1e-9);
  });

  it('one worker bounds validation at 1 / (checks per tx × check time) when the main thread is light', () => {
    const arch = host(2);
    const blocks = Array.from({ length: 40 }, () => block(500, 3, 1_000));
    const p = predictHostBench(arch, [], emptyReceipt(), blocks, { threads: 1 });
    const bound = 1e9 / (3 * 50_000);
    expect(p.validateCommitTps).toBeLessThan(bound);
    expect(p.validateCommitTps).toBeGreaterThan(bound * 0.95);
  });

  it('with more threads than cores, the cores bound it: tx/s ≤ cores / CPU time per tx, and near it', () => {
    const arch = host(2);
    const blocks = Array.from({ length: 40 }, () => block(500, 3, 30_000));
    const p = predictHostBench(arch, [], emptyReceipt(), blocks, { threads: 2 });
    const cpuNsPerTx = 3 * 50_000 + 30_000;
    const bound = (2 * 1e9) / cpuNsPerTx;
    expect(p.validateCommitTps).toBeLessThanOrEqual(bound * (1 + 1e-9));
    expect(p.validateCommitTps).toBeGreaterThan(bound * 0.9);
    expect(relative(p.phase2CpuMicrosPerTx.main + p.phase2CpuMicrosPerTx.workers, cpuNsPerTx / 1_000)).toBeLessThan(
      1e-6,
    );
    // Two workers on two cores beat one worker, but not by 2× (the main thread shares the cores).
    const one = predictHostBench(arch, [], emptyReceipt(), blocks, { threads: 1 });
    expect(p.validateCommitTps / one.validateCommitTps).toBeGreaterThan(1.1);
    expect(p.validateCommitTps / one.validateCommitTps).toBeLessThan(2);
  });

  it('is deterministic', () => {
    const arch = host(2, { workerHandoffPerJob: 3_000, workerPackPerJob: 500, txValidation: 10_000 });
    const blocks = Array.from({ length: 10 }, (_, i) => block(100 + i, 3, 5_000));
    expect(predictHostBench(arch, [], emptyReceipt(), blocks, { threads: 2 })).toEqual(
      predictHostBench(arch, [], emptyReceipt(), blocks, { threads: 2 }),
    );
  });
});
