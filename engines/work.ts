/**
 * The work an engine is asked to time: the same shape as the ledger's WorkReceipt (DESIGN.md's one
 * seam type), declared here structurally so engines/ imports only sim/. A ledger receipt is a Work.
 */
export type Scheme = 'p256' | 'ed25519' | 'bls';
export const SCHEMES: readonly Scheme[] = ['p256', 'ed25519', 'bls'];

export interface Work {
  signs: Partial<Record<Scheme, number>>;
  verifies: Partial<Record<Scheme, number>>;
  hashBytes: number;
  encodeBytes: number;
  decodeBytes: number;
  stateReads: number;
  stateWrites: number;
  rangeRows: number;
  contractSteps: number;
  contract?: string;
  messageBytes: number;
  /** Proposals checked and simulated by an endorser, transactions validated by a committer (the platform's own per-message logic). */
  proposals?: number;
  txValidations?: number;
  /** State-integrity hashing (audits of the state commitment), served by the DB engine's hasher when it has one. */
  integrityHashBytes?: number;
  /** Ordering-protocol messages handled (issue 5's consensus); absent in ledger receipts. */
  consensusMessages?: number;
}

export function emptyWork(): Work {
  return {
    signs: {},
    verifies: {},
    hashBytes: 0,
    encodeBytes: 0,
    decodeBytes: 0,
    stateReads: 0,
    stateWrites: 0,
    rangeRows: 0,
    contractSteps: 0,
    messageBytes: 0,
  };
}
