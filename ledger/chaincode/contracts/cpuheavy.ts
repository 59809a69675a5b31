/**
 * `cpuheavy`: sorts N pseudo-random values (Blockbench's CPUHeavy). Values come from an xorshift
 * generator seeded by the tx id, so the work is deterministic; each comparison is one contract step,
 * which is what an SC engine is charged for. Function: sort(n), n ≤ 1,000,000.
 */
import { ChaincodeError, argInt, ok } from '../contract.js';
import type { Contract } from '../contract.js';

const valueCountMax = 1_000_000;

function seedFromTxId(txId: string): number {
  let seed = 2166136261;
  for (let i = 0; i < txId.length; i += 1) seed = Math.imul(seed ^ txId.charCodeAt(i), 16777619) >>> 0;
  return seed === 0 ? 1 : seed;
}

export const cpuheavyContract: Contract = {
  name: 'cpuheavy',
  functions: {
    sort: [{ name: 'n', kind: 'int' }],
  },
  invoke(stub, fn, args) {
    if (fn !== 'sort') throw new ChaincodeError(`cpuheavy: unknown function '${fn}' (sort)`, 400);
    const n = argInt(args, 0, 'n');
    if (n < 0 || n > valueCountMax) throw new ChaincodeError(`cpuheavy: n must be 0..${valueCountMax}`, 400);
    const values = new Uint32Array(n);
    let x = seedFromTxId(stub.getTxID());
    for (let i = 0; i < n; i += 1) {
      x ^= x << 13;
      x >>>= 0;
      x ^= x >>> 17;
      x ^= x << 5;
      x >>>= 0;
      values[i] = x;
    }
    let comparisons = 0;
    const sorted = Array.from(values).sort((a, b) => {
      comparisons += 1;
      return a - b;
    });
    stub.step(n + comparisons);
    return ok(String(sorted[n >> 1] ?? 0));
  },
};
