/**
 * `kv`: the YCSB core operations on records `user0000000000` … (Cooper et al., SoCC 2010):
 * read(key), update(key, value) (a blind write, as YCSB's update of a whole record), insert(key,
 * value), scan(startKey, count) (a limited range query) and rmw(key, value) (read-modify-write).
 * Genesis params: `records` (default 1000), `valueBytes` (default 100).
 */
import { ChaincodeError, argInt, argString, ok } from '../contract.js';
import type { Contract } from '../contract.js';
import type { KvWrite } from '../rwset.js';
import { fillerBytes, padIndex } from './_values.js';

const encoder = new TextEncoder();

export function kvKey(index: number): string {
  return `user${padIndex(index)}`;
}

export const kvContract: Contract = {
  name: 'kv',
  functions: {
    read: [{ name: 'key', kind: 'string' }],
    update: [
      { name: 'key', kind: 'string' },
      { name: 'value', kind: 'string' },
    ],
    insert: [
      { name: 'key', kind: 'string' },
      { name: 'value', kind: 'string' },
    ],
    rmw: [
      { name: 'key', kind: 'string' },
      { name: 'value', kind: 'string' },
    ],
    scan: [
      { name: 'startKey', kind: 'string' },
      { name: 'count', kind: 'int' },
    ],
  },
  genesis(params) {
    const records = params.records ?? 1000;
    const valueBytes = params.valueBytes ?? 100;
    const writes: KvWrite[] = [];
    for (let i = 0; i < records; i += 1) writes.push({ key: kvKey(i), value: fillerBytes(i, valueBytes) });
    return writes;
  },
  invoke(stub, fn, args) {
    switch (fn) {
      case 'read': {
        const value = stub.getState(argString(args, 0, 'key'));
        if (value === null) throw new ChaincodeError(`key ${args[0] ?? ''} not found`, 400);
        return ok(value);
      }
      case 'update':
      case 'insert':
        stub.putState(argString(args, 0, 'key'), encoder.encode(argString(args, 1, 'value')));
        return ok();
      case 'rmw': {
        const key = argString(args, 0, 'key');
        const old = stub.getState(key);
        if (old === null) throw new ChaincodeError(`key ${key} not found`, 400);
        stub.putState(key, encoder.encode(argString(args, 1, 'value')));
        return ok(old);
      }
      case 'scan': {
        const rows = stub.getStateByRange(argString(args, 0, 'startKey'), '', argInt(args, 1, 'count'));
        return ok(String(rows.length));
      }
      default:
        throw new ChaincodeError(`kv: unknown function '${fn}' (read, update, insert, scan, rmw)`, 400);
    }
  },
};
