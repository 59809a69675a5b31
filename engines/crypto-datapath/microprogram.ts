/**
 * A microprogram: one point operation written as a dependency graph of field operations. Nodes are
 * listed in a topological order (a node only names earlier nodes), so the order of the formula as
 * published is a valid order and node indices give a deterministic tie-break to the schedulers.
 */
import { type FieldOpClass, type FieldOpCounts, zeroFieldOpCounts } from './field-ops.js';

/**
 * An operand: an input register (a point coordinate held in the register file), a constant from the
 * constant ROM (the curve's b, zero; read without a register-file port), or an earlier node's result.
 */
export type Operand =
  | { readonly kind: 'input'; readonly index: number }
  | { readonly kind: 'const'; readonly name: string }
  | { readonly kind: 'node'; readonly index: number };

export interface MicroNode {
  readonly op: FieldOpClass;
  readonly operands: readonly Operand[];
}

export interface Microprogram {
  readonly name: string;
  /** Names of the input registers, in the order `Operand.index` refers to them. */
  readonly inputs: readonly string[];
  readonly nodes: readonly MicroNode[];
  /** The results the point operation leaves in the register file (X3, Y3, Z3, ...). */
  readonly outputs: readonly Operand[];
}

/** Field-op counts of one execution of a microprogram. */
export function microprogramCounts(program: Microprogram): FieldOpCounts {
  const counts = zeroFieldOpCounts();
  for (const node of program.nodes) counts[node.op]++;
  return counts;
}

/** Register-file reads of a node: its distinct register operands (x + x reads one register once). */
export function registerReads(node: MicroNode): number {
  const seen = new Set<string>();
  for (const operand of node.operands) {
    if (operand.kind !== 'const') seen.add(`${operand.kind}:${operand.index}`);
  }
  return seen.size;
}

/** Builds a microprogram in straight-line style: each call appends a node and returns its operand. */
export class MicroprogramBuilder {
  private readonly nodes: MicroNode[] = [];
  readonly inputs: readonly Operand[];

  constructor(
    private readonly name: string,
    private readonly inputNames: readonly string[],
  ) {
    this.inputs = inputNames.map((_, index) => ({ kind: 'input', index }));
  }

  input(i: number): Operand {
    const operand = this.inputs[i];
    if (operand === undefined) throw new Error(`${this.name}: no input ${i}`);
    return operand;
  }

  op(op: FieldOpClass, ...operands: Operand[]): Operand {
    this.nodes.push({ op, operands });
    return { kind: 'node', index: this.nodes.length - 1 };
  }
  mul(a: Operand, b: Operand): Operand {
    return this.op('mul', a, b);
  }
  sqr(a: Operand): Operand {
    return this.op('sqr', a);
  }
  add(a: Operand, b: Operand): Operand {
    return this.op('add', a, b);
  }
  sub(a: Operand, b: Operand): Operand {
    return this.op('sub', a, b);
  }
  /** Multiplication by a curve constant held in the constant ROM. */
  mulConst(name: string, a: Operand): Operand {
    return this.op('mulConst', { kind: 'const', name }, a);
  }

  build(outputs: readonly Operand[]): Microprogram {
    return { name: this.name, inputs: this.inputNames, nodes: [...this.nodes], outputs };
  }
}
