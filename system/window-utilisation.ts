/**
 * Utilisation over the measurement window: each engine's busy lane-time at the end of the warm-up
 * and at the end of the arrivals (the window committed TPS is measured over), so utilisation and
 * the bottleneck describe the load the run was measured at. Averaged over the whole run instead,
 * they also count the drain after the arrivals, when engines idle while the last blocks finish:
 * on a short run that halves them (a 0.2 s run's busiest engine read 25 % over the run).
 *
 * The snapshots are read-only events; they do not change the order of any other event.
 */
import type { Environment } from '../sim/index.js';

/** Busy lane-time (ps) of every engine now, by `node.engine`. */
export type BusySnapshot = Map<string, number>;

export class WindowUtilisation {
  private atStart: BusySnapshot | null = null;
  private atEnd: BusySnapshot | null = null;

  constructor(
    private readonly env: Environment,
    private readonly startPs: number,
    private endPs: number,
    private readonly busyNow: () => BusySnapshot,
  ) {
    env.scheduleAt(startPs, () => {
      this.atStart = busyNow();
    });
    env.scheduleAt(endPs, () => {
      this.atEnd = busyNow();
    });
  }

  /** After the run: a run that stopped before the window's end (a short trace) is measured up to where it stopped. */
  close(): void {
    if (this.atEnd !== null) return;
    this.atEnd = this.busyNow();
    this.endPs = Math.min(this.endPs, this.env.nowPs);
  }

  /** The busy share of `lanes` over the window (after `close`). */
  utilisation(key: string, lanes: number): number {
    const windowPs = this.endPs - this.startPs;
    if (windowPs <= 0 || lanes <= 0) return 0;
    const startBusy = this.atStart?.get(key) ?? 0;
    const endBusy = this.atEnd?.get(key) ?? 0;
    return (endBusy - startBusy) / (lanes * windowPs);
  }
}
