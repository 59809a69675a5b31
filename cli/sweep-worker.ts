/**
 * Worker-thread side of `bpusim sweep grid.yaml` (run by piscina): computes one grid point and
 * returns its report as JSON without the `host` block, so the merged output is the same bytes
 * whichever worker computed which point.
 */
import type { Grid, GridPoint } from './scenario/grid.js';
import { pointRun } from './scenario/grid.js';
import { buildReport } from './run.js';

export interface SweepTask {
  file: string;
  grid: Grid;
  point: GridPoint;
}

export default function runPoint(task: SweepTask): string {
  const { flags, arch } = pointRun(task.file, task.grid, task.point);
  const { host: _host, ...report } = buildReport(flags, arch);
  return JSON.stringify({ index: task.point.index, params: task.point.params, report });
}
