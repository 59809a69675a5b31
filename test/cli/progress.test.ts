/**
 * Progress when stderr is not a terminal (CI logs, a pipe): a plain line per tenth of the arrival
 * period naming the run (which of how many), only once a run has gone on longer than the quiet time.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runProgress } from '../../cli/_progress.js';

describe('progress on a non-terminal', () => {
  afterEach(() => vi.restoreAllMocks());

  it('one line per tenth, naming the run; silent before the quiet time', () => {
    const tty = Object.getOwnPropertyDescriptor(process.stderr, 'isTTY');
    Object.defineProperty(process.stderr, 'isTTY', { value: false, configurable: true });
    const lines: string[] = [];
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      lines.push(String(chunk));
      return true;
    });
    const loud = runProgress(2, 0);
    loud.start('arch bpu-2019');
    for (const fraction of [0.05, 0.1, 0.15, 0.3, 1]) loud.update(fraction);
    loud.start('baseline cpu-64core');
    loud.update(0.5);
    const quiet = runProgress(1, 3600);
    quiet.start('arch bpu-1m');
    quiet.update(0.9);
    if (tty === undefined) delete (process.stderr as { isTTY?: boolean }).isTTY;
    else Object.defineProperty(process.stderr, 'isTTY', tty);
    expect(lines).toEqual([
      expect.stringMatching(/^bpusim: arch bpu-2019 \(1\/2\): 10 % of the arrival period after \d+ s\n$/),
      expect.stringMatching(/^bpusim: arch bpu-2019 \(1\/2\): 30 % /),
      expect.stringMatching(/^bpusim: arch bpu-2019 \(1\/2\): 100 % /),
      expect.stringMatching(/^bpusim: baseline cpu-64core \(2\/2\): 50 % /),
    ]);
  });
});
