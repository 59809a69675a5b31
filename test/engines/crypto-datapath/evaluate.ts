/** Runs a microprogram's graph with real field values (the check that its edges are the formula). */
import { Field } from '@noble/curves/abstract/modular.js';
import type { Microprogram, Operand } from '../../../engines/crypto-datapath/microprogram.js';

export function evaluate(
  program: Microprogram,
  inputs: readonly bigint[],
  prime: bigint,
  constants: Readonly<Record<string, bigint>>,
): bigint[] {
  const Fp = Field(prime);
  const values: bigint[] = [];
  const value = (o: Operand): bigint => {
    if (o.kind === 'input') return inputs[o.index]!;
    if (o.kind === 'node') return values[o.index]!;
    if (o.name === 'zero') return 0n;
    const constant = constants[o.name];
    if (constant === undefined) throw new Error(`no constant ${o.name}`);
    return constant;
  };
  for (const node of program.nodes) {
    const [a, b] = node.operands.map(value);
    switch (node.op) {
      case 'mul':
      case 'mulConst':
        values.push(Fp.mul(a!, b!));
        break;
      case 'sqr':
        values.push(Fp.sqr(a!));
        break;
      case 'add':
        values.push(Fp.add(a!, b!));
        break;
      case 'sub':
        values.push(Fp.sub(a!, b!));
        break;
      case 'inv':
        values.push(Fp.inv(a!));
        break;
      case 'load':
        throw new Error('no loads in point formulas');
    }
  }
  return program.outputs.map(value);
}
