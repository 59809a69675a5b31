/**
 * The analytical scheduler: each point operation's microprogram is list-scheduled once, alone on the
 * datapath. Every cycle, the ready nodes (all predecessors' results readable) are tried in priority
 * order; a node issues if a unit of its class is free, the cycle's read ports suffice for its
 * operands and a write port is free in its completion cycle. A node that cannot issue does not
 * block lower-priority ones. The makespan is the cycle the last result is written.
 */
import type { DatapathSpec } from './datapath.js';
import type { Microprogram } from './microprogram.js';
import { type ResolvedProgram, resolveProgram, type UnitClass, unitPool } from './schedule-rules.js';

export interface MicroprogramSchedule {
  readonly issueCycle: readonly number[];
  readonly makespanCycles: number;
}

export function listSchedule(program: Microprogram, datapath: DatapathSpec): MicroprogramSchedule {
  return scheduleResolved(resolveProgram(program, datapath), datapath);
}

function scheduleResolved(program: ResolvedProgram, datapath: DatapathSpec): MicroprogramSchedule {
  const n = program.unit.length;
  const issueCycle = new Array<number>(n).fill(-1);
  const unitFreeAt = new Map<UnitClass, number[]>();
  const writesInCycle = new Map<number, number>();
  const readyAt = (i: number): number => issueCycle[i]! + program.latencyCycles[i]!;
  let issued = 0;
  for (let cycle = 0; issued < n; cycle++) {
    let readsUsed = 0;
    for (const i of program.priorityOrder) {
      if (issueCycle[i]! >= 0) continue;
      if (!program.predecessors[i]!.every((p) => issueCycle[p]! >= 0 && readyAt(p) <= cycle)) continue;
      const unit = program.unit[i]!;
      const pool = unitPool(unit, datapath);
      const freeAt = unitFreeAt.get(unit) ?? new Array<number>(pool.count).fill(0);
      unitFreeAt.set(unit, freeAt);
      const instance = freeAt.findIndex((t) => t <= cycle);
      if (instance < 0) continue;
      if (readsUsed + program.reads[i]! > datapath.registerFile.readPorts) continue;
      const writeCycle = cycle + program.latencyCycles[i]!;
      if ((writesInCycle.get(writeCycle) ?? 0) >= datapath.registerFile.writePorts) continue;
      issueCycle[i] = cycle;
      freeAt[instance] = cycle + pool.initiationIntervalCycles;
      readsUsed += program.reads[i]!;
      writesInCycle.set(writeCycle, (writesInCycle.get(writeCycle) ?? 0) + 1);
      issued++;
    }
  }
  let makespanCycles = 0;
  for (let i = 0; i < n; i++) makespanCycles = Math.max(makespanCycles, readyAt(i));
  return { issueCycle, makespanCycles };
}
