/**
 * What a contract is: a name, optional genesis state, and a deterministic `invoke` against the stub.
 * Contracts may not read clocks or randomness (DESIGN.md); the stub is their whole world.
 */
import type { ChannelConfig } from '../channel-config.js';
import type { KvWrite } from './rwset.js';
import type { ChaincodeStub } from './stub.js';

export interface ChaincodeResponse {
  /** 200 success; 400 a business rejection (e.g. insufficient funds); 500 a chaincode error. */
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
}

export interface Contract {
  readonly name: string;
  /** Initial state written by the genesis block; params come from the chaincode definition. */
  genesis?(params: Readonly<Record<string, number>>, config: ChannelConfig): KvWrite[];
  invoke(stub: ChaincodeStub, fn: string, args: readonly string[]): ChaincodeResponse;
}

/** Thrown by a contract to end the invocation with an error response (never escapes the runtime). */
export class ChaincodeError extends Error {
  constructor(
    message: string,
    readonly status = 500,
  ) {
    super(message);
    this.name = 'ChaincodeError';
  }
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();

export function ok(payload: Uint8Array | string = EMPTY): ChaincodeResponse {
  return { status: 200, message: '', payload: typeof payload === 'string' ? encoder.encode(payload) : payload };
}

export function argInt(args: readonly string[], index: number, name: string): number {
  const raw = args[index];
  if (raw === undefined || !/^-?[0-9]+$/.test(raw))
    throw new ChaincodeError(`argument ${index} (${name}): expected an integer, got '${raw ?? ''}'`, 400);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new ChaincodeError(`argument ${index} (${name}): out of range`, 400);
  return value;
}

export function argString(args: readonly string[], index: number, name: string): string {
  const raw = args[index];
  if (raw === undefined || raw === '') throw new ChaincodeError(`argument ${index} (${name}): missing`, 400);
  return raw;
}
