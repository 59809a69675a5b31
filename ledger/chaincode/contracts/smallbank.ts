/**
 * `smallbank`: the six SmallBank transactions (Cahill, Röhm, Fekete, SIGMOD 2008), as in Fabric's
 * and Blockbench's ports. Each account has a checking (`c_<id>`) and a savings (`s_<id>`) balance.
 * Functions: transact_savings(acct, amount), deposit_checking(acct, amount),
 * send_payment(src, dst, amount), write_check(acct, amount), amalgamate(src, dst), query(acct).
 * Genesis params: `accounts` (default 1000), `initialBalance` (default 10000, in both balances).
 */
import { ChaincodeError, argInt, ok } from '../contract.js';
import type { Contract } from '../contract.js';
import type { KvWrite } from '../rwset.js';
import type { ChaincodeStub } from '../stub.js';
import { decodeInt, encodeInt, padIndex } from './_values.js';

export const SMALLBANK_FUNCTIONS = [
  'transact_savings',
  'deposit_checking',
  'send_payment',
  'write_check',
  'amalgamate',
  'query',
] as const;

const checking = (account: number) => `c_${padIndex(account, 8)}`;
const savings = (account: number) => `s_${padIndex(account, 8)}`;

function read(stub: ChaincodeStub, key: string): bigint {
  return decodeInt(stub.getState(key), key);
}

export const smallbankContract: Contract = {
  name: 'smallbank',
  functions: {
    transact_savings: [
      { name: 'account', kind: 'int' },
      { name: 'amount', kind: 'int' },
    ],
    deposit_checking: [
      { name: 'account', kind: 'int' },
      { name: 'amount', kind: 'int' },
    ],
    send_payment: [
      { name: 'src', kind: 'int' },
      { name: 'dst', kind: 'int' },
      { name: 'amount', kind: 'int' },
    ],
    write_check: [
      { name: 'account', kind: 'int' },
      { name: 'amount', kind: 'int' },
    ],
    amalgamate: [
      { name: 'src', kind: 'int' },
      { name: 'dst', kind: 'int' },
    ],
    query: [{ name: 'account', kind: 'int' }],
  },
  genesis(params) {
    const accounts = params.accounts ?? 1000;
    const initial = encodeInt(params.initialBalance ?? 10_000);
    const writes: KvWrite[] = [];
    for (let i = 0; i < accounts; i += 1) {
      writes.push({ key: checking(i), value: initial });
      writes.push({ key: savings(i), value: initial });
    }
    return writes;
  },
  invoke(stub, fn, args) {
    switch (fn) {
      case 'transact_savings': {
        const account = argInt(args, 0, 'account');
        const balance = read(stub, savings(account)) + BigInt(argInt(args, 1, 'amount'));
        if (balance < 0n) throw new ChaincodeError('insufficient savings', 400);
        stub.putState(savings(account), encodeInt(balance));
        return ok();
      }
      case 'deposit_checking': {
        const account = argInt(args, 0, 'account');
        const amount = argInt(args, 1, 'amount');
        if (amount < 0) throw new ChaincodeError('negative deposit', 400);
        stub.putState(checking(account), encodeInt(read(stub, checking(account)) + BigInt(amount)));
        return ok();
      }
      case 'send_payment': {
        const src = argInt(args, 0, 'src');
        const dst = argInt(args, 1, 'dst');
        const amount = BigInt(argInt(args, 2, 'amount'));
        if (src === dst) throw new ChaincodeError('send_payment to self', 400);
        const srcBalance = read(stub, checking(src));
        if (srcBalance < amount) throw new ChaincodeError('insufficient funds', 400);
        const dstBalance = read(stub, checking(dst));
        stub.putState(checking(src), encodeInt(srcBalance - amount));
        stub.putState(checking(dst), encodeInt(dstBalance + amount));
        return ok();
      }
      case 'write_check': {
        const account = argInt(args, 0, 'account');
        const amount = BigInt(argInt(args, 1, 'amount'));
        const total = read(stub, checking(account)) + read(stub, savings(account));
        const current = read(stub, checking(account));
        // SmallBank's overdraft penalty: one unit when the check exceeds both balances together.
        const debit = total < amount ? amount + 1n : amount;
        stub.putState(checking(account), encodeInt(current - debit));
        return ok();
      }
      case 'amalgamate': {
        const src = argInt(args, 0, 'src');
        const dst = argInt(args, 1, 'dst');
        if (src === dst) throw new ChaincodeError('amalgamate into self', 400);
        const total = read(stub, checking(src)) + read(stub, savings(src));
        const dstBalance = read(stub, checking(dst));
        stub.putState(checking(src), encodeInt(0));
        stub.putState(savings(src), encodeInt(0));
        stub.putState(checking(dst), encodeInt(dstBalance + total));
        return ok();
      }
      case 'query': {
        const account = argInt(args, 0, 'account');
        return ok(String(read(stub, checking(account)) + read(stub, savings(account))));
      }
      default:
        throw new ChaincodeError(`smallbank: unknown function '${fn}' (${SMALLBANK_FUNCTIONS.join(', ')})`, 400);
    }
  },
};
