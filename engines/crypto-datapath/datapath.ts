/**
 * A crypto verify/sign engine's datapath: its functional units, register-file ports and table
 * memory. Plain data with units in the names, meant to be read from the architecture file later.
 */

export interface PipelinedUnitsSpec {
  readonly count: number;
  /** Cycles from issue to the result being readable. */
  readonly latencyCycles: number;
  /** Cycles between two issues on one unit (1 = fully pipelined, = latency = not pipelined). */
  readonly initiationIntervalCycles: number;
}

export interface DatapathSpec {
  readonly clockGHz: number;
  /** Modular multipliers: mul, mulConst, and sqr unless `squarers` is given. */
  readonly multipliers: PipelinedUnitsSpec;
  /** Optional dedicated squarers (then sqr runs only there). */
  readonly squarers?: PipelinedUnitsSpec;
  /** Modular adders/subtractors, fully pipelined. */
  readonly adders: { readonly count: number; readonly latencyCycles: number };
  /** Optional single inverter; without one, inversion is a Fermat chain on the multipliers. */
  readonly inverter?: { readonly latencyCycles: number; readonly initiationIntervalCycles: number };
  /**
   * Ports of the register file. An op reads its distinct register operands in its issue cycle
   * (constants come from a ROM, table words from the table memory) and writes its one result in
   * cycle issue + latency, where a reader issuing in that same cycle sees it (write before read).
   * Reads and writes have separate ports. An op issues only if a write port is free in its
   * completion cycle: results are never buffered.
   */
  readonly registerFile: { readonly readPorts: number; readonly writePorts: number };
  /**
   * Optional memory of precomputed affine points (generator tables, known keys' tables). One
   * read port, pipelined: one 32-byte coordinate per cycle, readable `latencyCycles` later.
   */
  readonly tableMemory?: { readonly bytes: number; readonly latencyCycles: number };
}

function positiveInteger(value: number, field: string): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`datapath.${field} must be an integer ≥ 1, got ${value}`);
}

function checkPipelined(units: PipelinedUnitsSpec, field: string): void {
  positiveInteger(units.count, `${field}.count`);
  positiveInteger(units.latencyCycles, `${field}.latencyCycles`);
  positiveInteger(units.initiationIntervalCycles, `${field}.initiationIntervalCycles`);
  // II ≤ latency means a unit is free again by the time the point operation's barrier lifts, so no
  // unit state crosses from one point operation to the next (what makes Σ count × makespan exact).
  if (units.initiationIntervalCycles > units.latencyCycles)
    throw new RangeError(`datapath.${field}: initiationIntervalCycles must not exceed latencyCycles`);
}

/** Throws a RangeError naming the field for a datapath the model cannot schedule. */
export function checkDatapath(datapath: DatapathSpec): void {
  if (!(datapath.clockGHz > 0)) throw new RangeError(`datapath.clockGHz must be > 0, got ${datapath.clockGHz}`);
  checkPipelined(datapath.multipliers, 'multipliers');
  if (datapath.squarers !== undefined) checkPipelined(datapath.squarers, 'squarers');
  positiveInteger(datapath.adders.count, 'adders.count');
  positiveInteger(datapath.adders.latencyCycles, 'adders.latencyCycles');
  if (datapath.inverter !== undefined) checkPipelined({ count: 1, ...datapath.inverter }, 'inverter');
  // A two-operand op must be able to read both operands in one cycle.
  if (!Number.isInteger(datapath.registerFile.readPorts) || datapath.registerFile.readPorts < 2)
    throw new RangeError(`datapath.registerFile.readPorts must be an integer ≥ 2`);
  positiveInteger(datapath.registerFile.writePorts, 'registerFile.writePorts');
  if (datapath.tableMemory !== undefined) {
    positiveInteger(datapath.tableMemory.latencyCycles, 'tableMemory.latencyCycles');
    if (!(datapath.tableMemory.bytes >= 0)) throw new RangeError('datapath.tableMemory.bytes must be ≥ 0');
  }
}
