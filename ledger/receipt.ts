/**
 * The work receipt: the one data type at the seam between the ledger and the engines (the project's design rules).
 *
 * A receipt is a flat record of counts of what an operation did — signatures made and checked per
 * scheme, SHA-256 input bytes, msgpack bytes (de)serialised, state reads/writes/range rows, contract
 * steps and bytes put on the wire — plus one list, the world-state keys accessed (as fingerprints),
 * so a DB engine's cache can follow the real access stream. It never says how long anything took.
 * Every count is incremented at the place the work is done (counted, not estimated).
 */

export type Scheme = 'p256' | 'ed25519' | 'bls';
export const SCHEMES: readonly Scheme[] = ['p256', 'ed25519', 'bls'];

export interface WorkReceipt {
  /** Signatures made, per scheme. */
  signs: Partial<Record<Scheme, number>>;
  /** Signatures checked, per scheme; a BLS aggregate check counts once. */
  verifies: Partial<Record<Scheme, number>>;
  /**
   * The part of `verifies` made against a key the verifier cannot know in advance: a client's
   * (the creator of a proposal or transaction). Endorsers', orderers' and CAs' keys are known, so a
   * verify engine may hold precomputed tables for them; a client's key takes the generic path.
   */
  genericVerifies: Partial<Record<Scheme, number>>;
  /** SHA-256 input bytes (digests the ledger takes itself, including the digest signed by P-256). */
  hashBytes: number;
  /** msgpack serialisation output bytes. */
  encodeBytes: number;
  /** msgpack deserialisation input bytes. */
  decodeBytes: number;
  /** Point reads of the world state (including version look-ups during MVCC). */
  stateReads: number;
  /** Keys written or deleted in the world state, plus tx-id index entries. */
  stateWrites: number;
  /** Rows returned by range scans (chaincode range queries and phantom-read re-scans). */
  rangeRows: number;
  /**
   * The world-state keys behind `stateReads` and `stateWrites`, in the order they were accessed:
   * the access stream a DB engine's cache sees. Each entry is a key's 29-bit fingerprint shifted
   * left once, the low bit set for a write (a small integer, so the array stays compact). A read
   * of a key the state does not hold is counted above but not listed (the engine's index answers
   * it without touching memory), nor are tx-id index look-ups and range rows.
   */
  stateKeys: number[];
  /** Steps counted by the chaincode stub (one per stub call plus the contract's own compute steps). */
  contractSteps: number;
  /** The chaincode that ran, when one did. */
  contract?: string;
  /** Bytes this step puts on the wire (the message it produces for the next hop). */
  messageBytes: number;
  /**
   * Bytes this node takes off the wire (a message it received). Counted by whoever delivers the
   * message (the simulated network), since the ledger's functions are called with it in hand.
   */
  receiveBytes: number;
  /**
   * Proposals an endorser checked and simulated, and transactions a committer validated: the
   * platform's own logic per message (checks, policy evaluation, rwset bookkeeping), which the
   * counts above do not cover and a host calibration measures.
   */
  proposals: number;
  txValidations: number;
  /**
   * SHA-256 input bytes of the state commitment's tree (its upkeep per block and an auditor's
   * checks): state-integrity work, which a BPU's DB engine may serve (the paper's remedy 4).
   */
  integrityHashBytes: number;
  /**
   * Ordering-protocol messages handled (Raft, PBFT): counted by the consensus state machine for
   * each message it processes, served by the BFT orderer engine where there is one.
   */
  consensusMessages: number;
  /** Bytes a block store writes to its device (a block's frame and index entry). */
  storageWriteBytes: number;
  /** Durability barriers (fsync) a block store asks its device for: one per appended block. */
  storageSyncs: number;
}

export function emptyReceipt(): WorkReceipt {
  return {
    signs: {},
    verifies: {},
    genericVerifies: {},
    hashBytes: 0,
    encodeBytes: 0,
    decodeBytes: 0,
    stateReads: 0,
    stateWrites: 0,
    rangeRows: 0,
    stateKeys: [],
    contractSteps: 0,
    messageBytes: 0,
    receiveBytes: 0,
    proposals: 0,
    txValidations: 0,
    integrityHashBytes: 0,
    consensusMessages: 0,
    storageWriteBytes: 0,
    storageSyncs: 0,
  };
}

export function countSign(receipt: WorkReceipt, scheme: Scheme, count = 1): void {
  receipt.signs[scheme] = (receipt.signs[scheme] ?? 0) + count;
}

/** Counts `count` checks; `genericKey` when the key is a client's (see `genericVerifies`). */
export function countVerify(receipt: WorkReceipt, scheme: Scheme, count = 1, genericKey = false): void {
  if (genericKey) receipt.genericVerifies[scheme] = (receipt.genericVerifies[scheme] ?? 0) + count;
  receipt.verifies[scheme] = (receipt.verifies[scheme] ?? 0) + count;
}

/** Adds `source` into `target` (mutating `target`) and returns `target`. */
export function addReceipt(target: WorkReceipt, source: WorkReceipt): WorkReceipt {
  for (const scheme of SCHEMES) {
    const signs = source.signs[scheme];
    if (signs !== undefined) countSign(target, scheme, signs);
    const verifies = source.verifies[scheme];
    if (verifies !== undefined) countVerify(target, scheme, verifies);
    const generic = source.genericVerifies[scheme];
    if (generic !== undefined) target.genericVerifies[scheme] = (target.genericVerifies[scheme] ?? 0) + generic;
  }
  target.hashBytes += source.hashBytes;
  target.encodeBytes += source.encodeBytes;
  target.decodeBytes += source.decodeBytes;
  target.stateReads += source.stateReads;
  target.stateWrites += source.stateWrites;
  target.rangeRows += source.rangeRows;
  for (const access of source.stateKeys) target.stateKeys.push(access);
  target.contractSteps += source.contractSteps;
  if (source.contract !== undefined && target.contract === undefined) target.contract = source.contract;
  target.messageBytes += source.messageBytes;
  target.receiveBytes += source.receiveBytes;
  target.proposals += source.proposals;
  target.txValidations += source.txValidations;
  target.integrityHashBytes += source.integrityHashBytes;
  target.consensusMessages += source.consensusMessages;
  target.storageWriteBytes += source.storageWriteBytes;
  target.storageSyncs += source.storageSyncs;
  return target;
}

/**
 * Lists a world-state key's access in `stateKeys` (the caller counts it in `stateReads` or
 * `stateWrites`). The fingerprint is FNV-1a over the key's UTF-16 code units, cut to 29 bits: with
 * a million keys about one in a thousand shares its fingerprint with another, which a cache model
 * can ignore.
 */
export function listStateKey(receipt: WorkReceipt, key: string, write: boolean): void {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i += 1) hash = Math.imul(hash ^ key.charCodeAt(i), 0x01000193);
  receipt.stateKeys.push(((hash >>> 3) << 1) | (write ? 1 : 0));
}

export function sumReceipts(receipts: Iterable<WorkReceipt>): WorkReceipt {
  const total = emptyReceipt();
  for (const receipt of receipts) addReceipt(total, receipt);
  return total;
}

export function totalSigns(receipt: WorkReceipt): number {
  return (receipt.signs.p256 ?? 0) + (receipt.signs.ed25519 ?? 0) + (receipt.signs.bls ?? 0);
}

export function totalVerifies(receipt: WorkReceipt): number {
  return (receipt.verifies.p256 ?? 0) + (receipt.verifies.ed25519 ?? 0) + (receipt.verifies.bls ?? 0);
}
