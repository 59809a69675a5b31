/**
 * The stepped scheduler: a cycle-by-cycle simulation of a whole signature operation's trace on one
 * datapath. Unit occupancy and write-port reservations are global and carried across point
 * operations; the controller moves to the next point operation at the first cycle in which every
 * field op of the current one has issued and written its result. It shares only the per-node facts
 * (unit, latency, reads, priority) with the analytical scheduler, none of its bookkeeping, so the
 * two agreeing checks that the barrier really makes point operations independent.
 */
import type { DatapathSpec } from './datapath.js';
import type { PointOpKind, PointOpPrograms } from './point-ops.js';
import { type ResolvedProgram, resolveProgram, type UnitClass, unitPool } from './schedule-rules.js';

interface Running {
  readonly program: ResolvedProgram;
  /** Absolute cycle each node's result becomes readable, or −1 while not issued. */
  readonly doneAt: number[];
  pending: number;
  lastDoneAt: number;
}

/** Total cycles of the trace, from the first issue to the last result written. */
export function steppedCycles(
  trace: readonly PointOpKind[],
  programs: PointOpPrograms,
  datapath: DatapathSpec,
): number {
  const resolved = new Map<PointOpKind, ResolvedProgram>();
  const start = (kind: PointOpKind): Running => {
    const program = resolved.get(kind) ?? resolveProgram(programs[kind], datapath);
    resolved.set(kind, program);
    return { program, doneAt: program.unit.map(() => -1), pending: program.unit.length, lastDoneAt: 0 };
  };
  const busyUntil = new Map<UnitClass, number[]>();
  const writePortsUsed = new Map<number, number>();
  let next = 0;
  let current: Running | undefined;
  let cycle = 0;
  for (;;) {
    // The controller: the barrier lifts once everything of the current point op is written.
    while (current === undefined || (current.pending === 0 && current.lastDoneAt <= cycle)) {
      if (current !== undefined) cycle = Math.max(cycle, current.lastDoneAt);
      if (next === trace.length) return current === undefined ? 0 : cycle;
      current = start(trace[next++]!);
    }
    issueCycle(current, cycle, datapath, busyUntil, writePortsUsed);
    writePortsUsed.delete(cycle - 1);
    cycle++;
  }
}

function issueCycle(
  run: Running,
  cycle: number,
  datapath: DatapathSpec,
  busyUntil: Map<UnitClass, number[]>,
  writePortsUsed: Map<number, number>,
): void {
  const { program, doneAt } = run;
  let readPortsLeft = datapath.registerFile.readPorts;
  for (const node of program.priorityOrder) {
    if (doneAt[node]! >= 0) continue;
    const operandsReady = program.predecessors[node]!.every((p) => doneAt[p]! >= 0 && doneAt[p]! <= cycle);
    if (!operandsReady || program.reads[node]! > readPortsLeft) continue;
    const unit = program.unit[node]!;
    const units = busyUntil.get(unit) ?? new Array<number>(unitPool(unit, datapath).count).fill(0);
    busyUntil.set(unit, units);
    const free = units.findIndex((until) => until <= cycle);
    const done = cycle + program.latencyCycles[node]!;
    if (free < 0 || (writePortsUsed.get(done) ?? 0) === datapath.registerFile.writePorts) continue;
    units[free] = cycle + unitPool(unit, datapath).initiationIntervalCycles;
    writePortsUsed.set(done, (writePortsUsed.get(done) ?? 0) + 1);
    readPortsLeft -= program.reads[node]!;
    doneAt[node] = done;
    run.pending--;
    run.lastDoneAt = Math.max(run.lastDoneAt, done);
  }
}
