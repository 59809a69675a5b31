/**
 * `bpusim bench ledger` as a command (not a timed test): a tiny run prints one JSON object with the
 * issue's keys and a committed state; bad flag values exit 2 with a one-line message naming the flag
 * and the allowed values. Runs the compiled CLI (npm test builds first).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('bench ledger', () => {
  it('prints one JSON object with the required figures', () => {
    const run = spawnSync(
      process.execPath,
      [
        MAIN,
        'bench',
        'ledger',
        '--txs',
        '600',
        '--block-size',
        '100',
        '--crypto',
        'modeled',
        '--store',
        'memory',
        '--json',
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    const lines = run.stdout.trim().split('\n');
    expect(lines.length).toBe(1);
    const result = JSON.parse(lines[0]!) as Record<string, unknown>;
    for (const key of [
      'txs',
      'validateCommitTxPerSec',
      'endorseTxPerSec',
      'cryptoBoundTxPerSec',
      'rssMiB',
      'stateHash',
    ])
      expect(result).toHaveProperty(key);
    expect(result.txs).toBe(600);
    expect(result.stateHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each([
    [['--workload', 'tpcc'], /--workload: expected one of smallbank, kv, donothing, cpuheavy, got 'tpcc'/],
    [['--store', 'rocks'], /--store: expected one of lmdb, memory, got 'rocks'/],
    [['--txs', '0'], /--txs: expected an integer from 1/],
  ])('rejects %j with exit 2', (flags, message) => {
    const run = spawnSync(process.execPath, [MAIN, 'bench', 'ledger', ...flags], { encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });
});
