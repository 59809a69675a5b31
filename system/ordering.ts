/**
 * What the proxy sees of the ordering service, whichever runs it (the solo orderer, or a Raft or
 * PBFT cluster): it takes an endorsed envelope, and either the envelope reaches a block (whose
 * commit tells the client) or the service refuses it (`outcome` is told, at the proxy).
 */
import type { NodeUsage } from '../engines/energy.js';
import type { EngineBusy, EngineStats } from '../engines/node-engines.js';
import type { TxRecord } from './run-metrics.js';

/** Size of a notification message (a commit event or a refusal) on the wire. */
export const NOTIFY_BYTES = 200;

/** Where a transaction's outcome goes once it reaches the proxy (which tells the client). */
export type OutcomeSink = (tx: TxRecord, codeName: string) => void;

export interface Ordering {
  submit(envelope: Uint8Array, tx: TxRecord, outcome: OutcomeSink): void;
  /** The ordering nodes' own engines, when they are not the run's orderer node. */
  engineStats(): EngineStats[];
  /** Their busy lane-time so far (for the measurement window's utilisation). */
  engineBusy(): EngineBusy[];
  /** What their engines did, one entry per ordering node (for energy). */
  engineUsage(): NodeUsage[];
}
