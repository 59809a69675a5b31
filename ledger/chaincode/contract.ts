/**
 * What a contract is: a name, optional genesis state, and a deterministic `invoke` against the stub.
 * Contracts may not read clocks or randomness (the project's design rules); the stub is their whole world.
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

/** An argument a function takes: an integer (decimal digits, a safe integer) or a non-empty string. */
export interface ArgSpec {
  readonly name: string;
  readonly kind: 'int' | 'string';
}

export interface Contract {
  readonly name: string;
  /**
   * The functions it serves and the arguments each takes, in order: what a trace line may call
   * (checked when it is read, so a bad call is bad input, not a rejected transaction).
   */
  readonly functions: Readonly<Record<string, readonly ArgSpec[]>>;
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

/** An integer argument's form: decimal digits with an optional minus sign. */
const INT_ARG = /^-?[0-9]+$/;

/** Whether `raw` is what `argInt` and `argString` accept for an argument of that kind. */
function argFits(kind: ArgSpec['kind'], raw: string): boolean {
  return kind === 'int' ? INT_ARG.test(raw) && Number.isSafeInteger(Number(raw)) : raw !== '';
}

export function argInt(args: readonly string[], index: number, name: string): number {
  const raw = args[index];
  if (raw === undefined || !INT_ARG.test(raw))
    throw new ChaincodeError(`argument ${index} (${name}): expected an integer, got '${raw ?? ''}'`, 400);
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new ChaincodeError(`argument ${index} (${name}): out of range`, 400);
  return value;
}

/** Why `fn(args)` is not a call `contract` serves (null when it is): the field and what is allowed. */
export function callProblem(contract: Contract, fn: string, args: readonly string[]): string | null {
  const params = contract.functions[fn];
  const names = Object.keys(contract.functions);
  if (params === undefined)
    return `field 'fn': '${fn}' is not a function of ${contract.name}; allowed: ${names.join(', ')}`;
  const usage = `${fn}(${params.map((p) => `${p.name}: ${p.kind}`).join(', ')})`;
  if (args.length !== params.length)
    return `field 'args': ${contract.name}.${usage} takes ${params.length} argument(s), got ${args.length}`;
  for (let i = 0; i < params.length; i += 1) {
    const param = params[i] as ArgSpec;
    const raw = args[i] as string;
    if (!argFits(param.kind, raw))
      return `field 'args': argument ${i} (${param.name}) of ${contract.name}.${usage}: expected ${param.kind === 'int' ? 'an integer' : 'a non-empty string'}, got ${JSON.stringify(raw)}`;
  }
  return null;
}

export function argString(args: readonly string[], index: number, name: string): string {
  const raw = args[index];
  if (raw === undefined || raw === '') throw new ChaincodeError(`argument ${index} (${name}): missing`, 400);
  return raw;
}
