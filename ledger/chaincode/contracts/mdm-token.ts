/**
 * `mdm-token`: MEDIUM's MDM token (SEED.md). Amounts are integers in micro-MDM (10^-6 MDM).
 *
 * Genesis mints 1,000,000,000 MDM split 50/30/10/10 to the accounts `sales`, `reserve`, `marketing`
 * and `team`, and stores the per-transaction fee and the consortium members.
 *
 * Fee: the consortium prices throughput in USD per TPS (`mdm.feeUsdPerTps` in the channel config);
 * one transaction consumes one TPS for one second, so each transfer pays `feeUsdPerTps` USD,
 * converted to MDM at the channel's `usdPerMdm` rate and rounded to a micro-MDM. The fee is shared
 * equally by the members (the remainder goes to the first member, so nothing is lost to rounding).
 *
 * Fees are credited as one blind write per member per transaction (`fee_<msp>_<txid>`) instead of
 * read-modify-writes of a member balance: every transfer would otherwise read the same hot keys and
 * all but one transfer per block would fail MVCC. A member's balance is its account plus the sum of
 * its fee entries (a range query). Transfers do not check that the creator owns `from` (the bench and
 * simulator drive transfers from any client).
 *
 * Functions: transfer(from, to, amountMicro), balance(name), supply(), fee().
 */
import { ChaincodeError, argInt, argString, ok } from '../contract.js';
import type { Contract } from '../contract.js';
import type { KvWrite } from '../rwset.js';
import type { ChaincodeStub } from '../stub.js';
import { decodeInt, encodeInt } from './_values.js';

export const MICRO_PER_MDM = 1_000_000n;
export const MDM_SUPPLY_MICRO = 1_000_000_000n * MICRO_PER_MDM;
export const MDM_GENESIS_SPLIT: readonly (readonly [string, bigint])[] = [
  ['sales', 50n],
  ['reserve', 30n],
  ['marketing', 10n],
  ['team', 10n],
];

const decoder = new TextDecoder();
const encoder = new TextEncoder();
const balanceKey = (name: string) => `bal_${name}`;
const feeKey = (mspId: string, txId: string) => `fee_${mspId}_${txId}`;

export function mdmFeeMicro(feeUsdPerTps: number, usdPerMdm: number): bigint {
  return BigInt(Math.round((feeUsdPerTps / usdPerMdm) * Number(MICRO_PER_MDM)));
}

function readBalance(stub: ChaincodeStub, name: string): bigint {
  const raw = stub.getState(balanceKey(name));
  return raw === null ? 0n : decodeInt(raw, balanceKey(name));
}

function members(stub: ChaincodeStub): string[] {
  const raw = stub.getState('cfg_members');
  if (raw === null) throw new ChaincodeError('mdm-token: not initialised (no cfg_members)');
  return decoder
    .decode(raw)
    .split(',')
    .filter((m) => m !== '');
}

function feeIncome(stub: ChaincodeStub, mspId: string): bigint {
  let sum = 0n;
  for (const [, value] of stub.getStateByRange(`fee_${mspId}_`, `fee_${mspId}_\u007f`))
    sum += decodeInt(value, 'fee entry');
  return sum;
}

export const mdmTokenContract: Contract = {
  name: 'mdm-token',
  functions: {
    transfer: [
      { name: 'from', kind: 'string' },
      { name: 'to', kind: 'string' },
      { name: 'amountMicro', kind: 'int' },
    ],
    balance: [{ name: 'name', kind: 'string' }],
    supply: [],
    fee: [],
  },
  genesis(params, config) {
    const writes: KvWrite[] = [];
    // Optional genesis params `users` and `userBalanceMdm`: accounts user0 … user(N−1) funded at
    // genesis out of the sales allocation (the supply is unchanged), so a simulated economy of
    // user-to-user transfers does not queue behind the four genesis holders' hot keys.
    const users = BigInt(Math.max(0, Math.floor(params.users ?? 0)));
    const perUser = BigInt(Math.max(0, Math.floor(params.userBalanceMdm ?? 0))) * MICRO_PER_MDM;
    const salesMicro = (MDM_SUPPLY_MICRO * 50n) / 100n;
    if (users * perUser > salesMicro)
      throw new ChaincodeError(
        `mdm-token genesis: ${users} users × ${perUser / MICRO_PER_MDM} MDM exceeds the sales allocation`,
        400,
      );
    for (const [name, percent] of MDM_GENESIS_SPLIT) {
      const share = (MDM_SUPPLY_MICRO * percent) / 100n;
      writes.push({ key: balanceKey(name), value: encodeInt(name === 'sales' ? share - users * perUser : share) });
    }
    for (let i = 0n; i < users; i++) writes.push({ key: balanceKey(`user${i}`), value: encodeInt(perUser) });
    writes.push({ key: 'cfg_fee', value: encodeInt(mdmFeeMicro(config.mdm.feeUsdPerTps, config.mdm.usdPerMdm)) });
    writes.push({ key: 'cfg_members', value: encoder.encode(config.mdm.members.join(',')) });
    writes.push({ key: 'cfg_supply', value: encodeInt(MDM_SUPPLY_MICRO) });
    return writes;
  },
  invoke(stub, fn, args) {
    switch (fn) {
      case 'transfer': {
        const from = argString(args, 0, 'from');
        const to = argString(args, 1, 'to');
        const amount = BigInt(argInt(args, 2, 'amountMicro'));
        if (amount <= 0n) throw new ChaincodeError('transfer amount must be positive', 400);
        if (from === to) throw new ChaincodeError('transfer to self', 400);
        const fee = decodeInt(stub.getState('cfg_fee'), 'cfg_fee');
        const payees = members(stub);
        const fromBalance = readBalance(stub, from);
        if (fromBalance < amount + fee) throw new ChaincodeError('insufficient MDM for amount plus fee', 400);
        const toBalance = readBalance(stub, to);
        stub.putState(balanceKey(from), encodeInt(fromBalance - amount - fee));
        stub.putState(balanceKey(to), encodeInt(toBalance + amount));
        if (fee > 0n && payees.length > 0) {
          const share = fee / BigInt(payees.length);
          const remainder = fee - share * BigInt(payees.length);
          payees.forEach((mspId, index) =>
            stub.putState(feeKey(mspId, stub.getTxID()), encodeInt(index === 0 ? share + remainder : share)),
          );
        }
        stub.setEvent('transfer', encoder.encode(`${from}>${to}:${amount}:${fee}`));
        return ok();
      }
      case 'balance': {
        const name = argString(args, 0, 'name');
        const base = readBalance(stub, name);
        const income = members(stub).includes(name) ? feeIncome(stub, name) : 0n;
        return ok(String(base + income));
      }
      case 'supply':
        return ok(String(decodeInt(stub.getState('cfg_supply'), 'cfg_supply')));
      case 'fee':
        return ok(String(decodeInt(stub.getState('cfg_fee'), 'cfg_fee')));
      default:
        throw new ChaincodeError(`mdm-token: unknown function '${fn}' (transfer, balance, supply, fee)`, 400);
    }
  },
};
