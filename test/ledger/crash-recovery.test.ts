/**
 * Crash recovery under SIGKILL (fast suite: 20 kill points; the slow suite runs 100): a child process
 * commits blocks to LMDB + the block file and is killed at seeded random moments; after each restart
 * no acknowledged block is lost and the recovered state hash equals a fresh replay of the block file.
 * Run for the inline committer and for the pipelined one (deferred grouped fsync, write-behind state).
 */
import { describe, expect, it } from 'vitest';
import { crashRecovery } from './_crash.js';

describe('crash recovery (SIGKILL)', () => {
  it('loses no acknowledged block and matches a fresh replay at 20 kill points', async () => {
    const outcome = await crashRecovery(20, 1);
    console.log(`crash recovery: ${JSON.stringify(outcome)}`);
    expect(outcome.points).toBe(20);
  });

  it('pipelined committer: loses no acknowledged block and matches a fresh replay at 20 kill points', async () => {
    const outcome = await crashRecovery(20, 3, 'pipelined');
    console.log(`crash recovery (pipelined): ${JSON.stringify(outcome)}`);
    expect(outcome.points).toBe(20);
  });
});
