/**
 * Progress of a run on stderr. On a terminal, a bar naming the run (which of how many) with the
 * time left; otherwise (CI logs, a pipe) a plain line per tenth of the arrival period, but only
 * once a run has taken more than QUIET_SECONDS, so short runs stay silent. Host time only:
 * nothing here shapes a result.
 */
import { Presets, SingleBar } from 'cli-progress';

const QUIET_SECONDS = 10;

export interface RunProgress {
  start(label: string): void;
  update(fraction: number): void;
  stop(): void;
}

export function runProgress(totalRuns: number, quietSeconds = QUIET_SECONDS): RunProgress {
  return process.stderr.isTTY === true ? terminalBar(totalRuns) : plainLines(totalRuns, quietSeconds);
}

function terminalBar(totalRuns: number): RunProgress {
  const bar = new SingleBar(
    {
      format: '{role} ({index}/{runs}) [{bar}] {percentage}% of the arrival period, {eta_formatted} left',
      // Shown: Ctrl-C ends a run mid-simulation (a synchronous loop no handler can
      // interrupt), and a hidden cursor would stay hidden in the user's terminal.
      hideCursor: false,
      clearOnComplete: true,
      stream: process.stderr,
    },
    Presets.shades_classic,
  );
  let index = 0;
  return {
    start: (label) => bar.start(100, 0, { role: label, index: ++index, runs: totalRuns }),
    update: (fraction) => bar.update(Math.round(fraction * 100)),
    stop: () => bar.stop(),
  };
}

function plainLines(totalRuns: number, quietSeconds: number): RunProgress {
  let index = 0;
  let label = '';
  let startNs = 0n;
  let lastTenth = 0;
  return {
    start(name) {
      index += 1;
      label = name;
      lastTenth = 0;
      startNs = process.hrtime.bigint(); // host-time-ok
    },
    update(fraction) {
      const tenth = Math.floor(fraction * 10);
      if (tenth <= lastTenth) return;
      lastTenth = tenth;
      const seconds = Number(process.hrtime.bigint() - startNs) / 1e9; // host-time-ok
      if (seconds < quietSeconds) return;
      process.stderr.write(
        `bpusim: ${label} (${index}/${totalRuns}): ${tenth * 10} % of the arrival period after ${seconds.toFixed(0)} s\n`,
      );
    },
    stop() {},
  };
}
