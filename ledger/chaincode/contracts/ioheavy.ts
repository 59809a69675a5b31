/**
 * `ioheavy`: Blockbench's IOHeavy — write(n, start) writes n keys `io_<start+i>` of 100 bytes;
 * scan(n, start) range-reads n keys from `io_<start>`. Stresses the DB engine, not the contract.
 */
import { ChaincodeError, argInt, ok } from '../contract.js';
import type { Contract } from '../contract.js';
import { fillerBytes, padIndex } from './_values.js';

const keyCountMax = 10_000;
const valueBytes = 100;

export const ioheavyContract: Contract = {
  name: 'ioheavy',
  functions: {
    write: [
      { name: 'n', kind: 'int' },
      { name: 'start', kind: 'int' },
    ],
    scan: [
      { name: 'n', kind: 'int' },
      { name: 'start', kind: 'int' },
    ],
  },
  invoke(stub, fn, args) {
    const n = argInt(args, 0, 'n');
    const start = argInt(args, 1, 'start');
    if (n < 0 || n > keyCountMax || start < 0)
      throw new ChaincodeError(`ioheavy: n must be 0..${keyCountMax}, start ≥ 0`, 400);
    switch (fn) {
      case 'write':
        for (let i = 0; i < n; i += 1) stub.putState(`io_${padIndex(start + i)}`, fillerBytes(start + i, valueBytes));
        return ok();
      case 'scan': {
        const rows = stub.getStateByRange(`io_${padIndex(start)}`, `io_${padIndex(start + n)}`);
        return ok(String(rows.length));
      }
      default:
        throw new ChaincodeError(`ioheavy: unknown function '${fn}' (write, scan)`, 400);
    }
  },
};
