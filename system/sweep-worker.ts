/**
 * Worker-thread side of `bpusim sweep grid.yaml` (run by piscina): computes one grid point and
 * returns its report as JSON without the `host` block, so the merged output is the same bytes
 * whichever worker computed which point.
 */
import { buildRunReport } from './report.js';
import type { Grid, GridPoint } from './sweep-grid.js';
import { pointRun } from './sweep-grid.js';

export interface SweepTask {
  file: string;
  grid: Grid;
  point: GridPoint;
}

/**
 * Bad input must reach the main thread as bad input (exit 2), but an Error's own fields do not
 * survive the trip between threads, so it comes back as `{ badInput: message }`.
 */
export default function runPoint(task: SweepTask): string {
  try {
    const { flags, arch } = pointRun(task.file, task.grid, task.point);
    const { host: _host, ...report } = buildRunReport(flags, { archOverride: arch });
    return JSON.stringify({ index: task.point.index, params: task.point.params, report });
  } catch (error) {
    if (error instanceof Error && (error as { badInput?: unknown }).badInput === true)
      return JSON.stringify({ badInput: error.message });
    throw error;
  }
}
