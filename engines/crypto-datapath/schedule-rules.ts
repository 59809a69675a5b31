/**
 * What both schedulers share: which unit runs each field op, its latency, its register reads, its
 * predecessors and its priority. The priority is the longest latency-weighted path from the node to
 * the end of its microprogram (its own latency included), ties broken by the lower node index.
 */
import type { DatapathSpec } from './datapath.js';
import type { FieldOpClass } from './field-ops.js';
import { type Microprogram, registerReads } from './microprogram.js';

export type UnitClass = 'multiplier' | 'squarer' | 'adder' | 'inverter' | 'tableMemory';

export interface UnitPool {
  readonly count: number;
  readonly initiationIntervalCycles: number;
}

/** A microprogram with its datapath-specific facts, as arrays indexed by node. */
export interface ResolvedProgram {
  readonly name: string;
  readonly unit: readonly UnitClass[];
  readonly latencyCycles: readonly number[];
  readonly reads: readonly number[];
  readonly predecessors: readonly (readonly number[])[];
  /** Node indices, highest priority first. */
  readonly priorityOrder: readonly number[];
}

export function unitOf(op: FieldOpClass, datapath: DatapathSpec): UnitClass {
  switch (op) {
    case 'mul':
    case 'mulConst':
      return 'multiplier';
    case 'sqr':
      return datapath.squarers === undefined ? 'multiplier' : 'squarer';
    case 'add':
    case 'sub':
      return 'adder';
    case 'inv':
      if (datapath.inverter === undefined) throw new RangeError('an inv op needs datapath.inverter');
      return 'inverter';
    case 'load':
      if (datapath.tableMemory === undefined) throw new RangeError('a table read needs datapath.tableMemory');
      return 'tableMemory';
  }
}

export function unitPool(unit: UnitClass, datapath: DatapathSpec): UnitPool {
  switch (unit) {
    case 'multiplier':
      return datapath.multipliers;
    case 'squarer':
      return datapath.squarers!;
    case 'adder':
      return { count: datapath.adders.count, initiationIntervalCycles: 1 };
    case 'inverter':
      return { count: 1, initiationIntervalCycles: datapath.inverter!.initiationIntervalCycles };
    case 'tableMemory':
      return { count: 1, initiationIntervalCycles: 1 };
  }
}

function latencyOf(unit: UnitClass, datapath: DatapathSpec): number {
  switch (unit) {
    case 'multiplier':
      return datapath.multipliers.latencyCycles;
    case 'squarer':
      return datapath.squarers!.latencyCycles;
    case 'adder':
      return datapath.adders.latencyCycles;
    case 'inverter':
      return datapath.inverter!.latencyCycles;
    case 'tableMemory':
      return datapath.tableMemory!.latencyCycles;
  }
}

export function resolveProgram(program: Microprogram, datapath: DatapathSpec): ResolvedProgram {
  const unit = program.nodes.map((node) => unitOf(node.op, datapath));
  const latencyCycles = unit.map((u) => latencyOf(u, datapath));
  const predecessors = program.nodes.map((node) =>
    node.operands.flatMap((operand) => (operand.kind === 'node' ? [operand.index] : [])),
  );
  // Longest path to the end, computed backwards (nodes are in topological order).
  const pathCycles = latencyCycles.map(() => 0);
  for (let i = program.nodes.length - 1; i >= 0; i--) {
    pathCycles[i] = pathCycles[i]! + latencyCycles[i]!;
    for (const p of predecessors[i]!) pathCycles[p] = Math.max(pathCycles[p]!, pathCycles[i]!);
  }
  const priorityOrder = program.nodes.map((_, i) => i).sort((a, b) => pathCycles[b]! - pathCycles[a]! || a - b);
  return {
    name: program.name,
    unit,
    latencyCycles,
    reads: program.nodes.map(registerReads),
    predecessors,
    priorityOrder,
  };
}
