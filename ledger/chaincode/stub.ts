/**
 * The chaincode stub, Fabric's ChaincodeStubInterface reduced to what the built-in contracts use.
 *
 * Simulation reads the endorser's *committed* state (as Fabric does: no read-your-own-writes), records
 * the version of each key at its first read, records range queries with the rows they returned (for
 * the validator's phantom-read check), and buffers writes. It counts a contract step per stub call and
 * per range row, plus the steps the contract reports with `step(n)` for its own computation.
 */
import type { Identity } from '../msp.js';
import { listStateKey, type WorkReceipt } from '../receipt.js';
import { compositeEnd, compositeKey, isValidKey } from '../state/world-state.js';
import type { VersionedValue } from '../state/world-state.js';
import { ChaincodeError } from './contract.js';
import type { KvRead, KvWrite, RangeQueryInfo, RwSet } from './rwset.js';

/** Read access to committed state, by composite key. */
export interface StateReader {
  get(key: string): VersionedValue | undefined;
  range(startKey: string, endKey: string): Iterable<readonly [string, VersionedValue]>;
}

export interface ChaincodeEvent {
  readonly name: string;
  readonly payload: Uint8Array;
}

/** Limits that keep a runaway contract from running forever. */
export const contractStepsMax = 50_000_000;
export const rangeRowsMax = 100_000;
export const writesPerTxMax = 100_000;

export class ChaincodeStub {
  private readonly reads = new Map<string, KvRead>();
  private readonly ranges: RangeQueryInfo[] = [];
  private readonly writes = new Map<string, KvWrite>();
  private event: ChaincodeEvent | null = null;
  private steps = 0;

  constructor(
    readonly namespace: string,
    private readonly txId: string,
    private readonly creator: Identity,
    private readonly state: StateReader,
    private readonly receipt: WorkReceipt,
  ) {}

  getTxID(): string {
    return this.txId;
  }

  getCreator(): Identity {
    return this.creator;
  }

  getState(key: string): Uint8Array | null {
    this.checkKey(key);
    this.step(1);
    this.receipt.stateReads += 1;
    const composite = compositeKey(this.namespace, key);
    const entry = this.state.get(composite);
    if (entry !== undefined) listStateKey(this.receipt, composite, false);
    if (!this.reads.has(key)) this.reads.set(key, { key, version: entry?.version ?? null });
    return entry?.value ?? null;
  }

  putState(key: string, value: Uint8Array): void {
    this.checkKey(key);
    this.step(1);
    this.writes.set(key, { key, value });
    if (this.writes.size > writesPerTxMax)
      throw new ChaincodeError(`more than ${writesPerTxMax} writes in one transaction`);
  }

  delState(key: string): void {
    this.checkKey(key);
    this.step(1);
    this.writes.set(key, { key, value: null });
  }

  /**
   * Rows with startKey ≤ key < endKey ('' = to the end), at most `limit` rows. A limited scan is
   * recorded as the closed range it actually covered, so the phantom check re-scans exactly that.
   */
  getStateByRange(startKey: string, endKey: string, limit = rangeRowsMax): [string, Uint8Array][] {
    if (startKey !== '') this.checkKey(startKey);
    if (endKey !== '') this.checkKey(endKey);
    this.step(1);
    const rows: KvRead[] = [];
    const out: [string, Uint8Array][] = [];
    const prefixLength = this.namespace.length + 1;
    let exhausted = true;
    for (const [composite, entry] of this.state.range(
      compositeKey(this.namespace, startKey),
      compositeEnd(this.namespace, endKey),
    )) {
      if (out.length >= Math.min(limit, rangeRowsMax)) {
        exhausted = false;
        break;
      }
      const key = composite.slice(prefixLength);
      rows.push({ key, version: entry.version });
      out.push([key, entry.value]);
    }
    this.receipt.rangeRows += rows.length;
    this.step(rows.length);
    const lastKey = rows[rows.length - 1]?.key;
    const recordedEnd = exhausted || lastKey === undefined ? endKey : `${lastKey}\u0001`;
    this.ranges.push({ startKey, endKey: recordedEnd, rows });
    return out;
  }

  setEvent(name: string, payload: Uint8Array): void {
    this.step(1);
    this.event = { name, payload };
  }

  /** Reports `count` steps of the contract's own computation. */
  step(count: number): void {
    this.steps += count;
    if (this.steps > contractStepsMax) throw new ChaincodeError(`contract exceeded ${contractStepsMax} steps`);
  }

  get contractSteps(): number {
    return this.steps;
  }

  getEvent(): ChaincodeEvent | null {
    return this.event;
  }

  /** The rwset, each part sorted by key (canonical). */
  rwset(): RwSet {
    const byKey = <T extends { key: string }>(a: T, b: T) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
    return {
      reads: [...this.reads.values()].sort(byKey),
      ranges: this.ranges.slice(),
      writes: [...this.writes.values()].sort(byKey),
    };
  }

  private checkKey(key: string): void {
    if (!isValidKey(key))
      throw new ChaincodeError(
        `invalid key '${key.slice(0, 64)}': keys are 1..1024 chars without U+0000 or chars ≥ U+D800`,
        400,
      );
  }
}
