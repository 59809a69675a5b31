/**
 * The 100-point crash recovery run (`npm run test:slow`; BPUSIM_CRASH_POINTS and BPUSIM_CRASH_SEED
 * override the point count and seed): same harness as the fast suite's 20 points.
 */
import { describe, expect, it } from 'vitest';
import { crashRecovery } from '../../ledger/_crash.js';

describe('crash recovery (SIGKILL), many points', () => {
  it('loses no acknowledged block and matches a fresh replay', async () => {
    const points = Number(process.env.BPUSIM_CRASH_POINTS ?? 100);
    const seed = Number(process.env.BPUSIM_CRASH_SEED ?? 2);
    const outcome = await crashRecovery(points, seed);
    console.log(`crash recovery: ${JSON.stringify(outcome)}`);
    expect(outcome.points).toBe(points);
  });

  it('pipelined committer: loses no acknowledged block and matches a fresh replay', async () => {
    const points = Number(process.env.BPUSIM_CRASH_POINTS ?? 100);
    const seed = Number(process.env.BPUSIM_CRASH_SEED ?? 2);
    const outcome = await crashRecovery(points, seed, 'pipelined');
    console.log(`crash recovery (pipelined): ${JSON.stringify(outcome)}`);
    expect(outcome.points).toBe(points);
  });
});
