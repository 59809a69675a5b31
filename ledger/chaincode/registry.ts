/**
 * The built-in contracts by name, and the runtime that invokes one against a stub and turns its
 * outcome into a response (a ChaincodeError becomes an error response; anything else is a bug and
 * propagates).
 */
import { LedgerInputError } from '../assert.js';
import type { Contract, ChaincodeResponse } from './contract.js';
import { ChaincodeError } from './contract.js';
import { cpuheavyContract } from './contracts/cpuheavy.js';
import { donothingContract } from './contracts/donothing.js';
import { ioheavyContract } from './contracts/ioheavy.js';
import { kvContract } from './contracts/kv.js';
import { mdmTokenContract } from './contracts/mdm-token.js';
import { smallbankContract } from './contracts/smallbank.js';
import type { ChaincodeStub } from './stub.js';

export const BUILTIN_CONTRACTS: ReadonlyMap<string, Contract> = new Map(
  [kvContract, smallbankContract, donothingContract, cpuheavyContract, ioheavyContract, mdmTokenContract].map((c) => [
    c.name,
    c,
  ]),
);

export function builtinContract(name: string): Contract {
  const contract = BUILTIN_CONTRACTS.get(name);
  if (contract === undefined)
    throw new LedgerInputError(`chaincode '${name}': expected one of ${[...BUILTIN_CONTRACTS.keys()].join(', ')}`);
  return contract;
}

const encoder = new TextEncoder();

export function runContract(
  contract: Contract,
  stub: ChaincodeStub,
  fn: string,
  args: readonly string[],
): ChaincodeResponse {
  try {
    return contract.invoke(stub, fn, args);
  } catch (error) {
    if (error instanceof ChaincodeError)
      return { status: error.status, message: error.message, payload: encoder.encode(error.message) };
    throw error;
  }
}
