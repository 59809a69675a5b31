/**
 * Block validation as in Fabric's committer, split in three so the signature checks can run in
 * parallel while everything order-dependent stays in order:
 *
 * 1. `prepareBlock` (in order, cheap): check the block's number, chain and data hash; decode each
 *    envelope; check its channel, txid = SHA-256(nonce ‖ creator), creator identity, response payload
 *    and rwset; emit the signature checks to run (orderer, creators, endorsements) as verify jobs.
 * 2. run the jobs (inline, or on worker threads: `parallel/`).
 * 3. `finishBlock` (in order): creator signature → BAD_CREATOR_SIGNATURE; duplicate txid within the
 *    block and against the ledger → DUPLICATE_TXID; endorsement signatures and the chaincode's policy
 *    → ENDORSEMENT_POLICY_FAILURE; MVCC (a read is stale if the key's committed version differs or
 *    an earlier valid tx of the same block wrote it) → MVCC_READ_CONFLICT; range queries re-scanned
 *    against committed state and earlier valid writes of the block → PHANTOM_READ_CONFLICT. Valid
 *    writes get version (block, tx).
 *
 * Invalid transactions are codes, never exceptions. A block that does not chain, or whose orderer
 * signature fails, is a broken invariant of the delivery path and stops the run (assert).
 */
import { assert } from './assert.js';
import type { Block } from './block.js';
import { blockHash, computeDataHash, encodeHeader } from './block.js';
import type { RwSet, Version } from './chaincode/rwset.js';
import { versionsEqual } from './chaincode/rwset.js';
import type { ChannelConfig } from './channel-config.js';
import { decodeEnvelope } from './envelope.js';
import { readGenesisData } from './genesis.js';
import { bytesEqual } from './hash.js';
import type { Certificate, Identity, MspManager } from './msp.js';
import type { Policy } from './policy.js';
import { evaluatePolicy } from './policy.js';
import { computeTxId } from './proposal.js';
import { decodePrp } from './proposal-response.js';
import { listStateKey, type WorkReceipt } from './receipt.js';
import type { VersionedValue, WorldState } from './state/world-state.js';
import { compositeEnd, compositeKey, isValidKey } from './state/world-state.js';
import { ValidationCode } from './validation-code.js';
import type { VerifyJob } from './verify-job.js';
import { countVerifyJob } from './verify-job.js';

export interface ValidatorContext {
  readonly config: ChannelConfig;
  readonly policies: ReadonlyMap<string, Policy>;
  readonly msp: MspManager;
  readonly state: WorldState;
}

interface PreparedTx {
  code: number;
  txId: string | null;
  chaincode: string;
  rwset: RwSet | null;
  creatorJob: number;
  /** Endorser identities, parallel to endorserJobs (one shared job when aggregated). */
  endorsers: Identity[];
  endorserJobs: number[];
}

export interface PreparedBlock {
  readonly block: Block;
  readonly blockHash: Uint8Array;
  readonly isGenesis: boolean;
  readonly txs: readonly PreparedTx[];
  readonly jobs: readonly VerifyJob[];
  readonly ordererJob: number;
  /** Genesis writes (block 0 only), at `GENESIS_VERSION`. */
  readonly genesisUpdates: readonly BlockUpdate[];
}

/** The version of every genesis write: one object for them all (a genesis may hold millions). */
const GENESIS_VERSION: Version = Object.freeze({ blockNum: 0, txNum: 0 });

/** The genesis block's writes as state updates at `GENESIS_VERSION`, with its channel; null if it does not decode. */
function genesisUpdatesOf(block: Block, receipt: WorkReceipt): { channelId: string; updates: BlockUpdate[] } | null {
  const updates: BlockUpdate[] = [];
  const channelId = readGenesisData(block.data[0] ?? new Uint8Array(0), receipt, (namespace, key, value) => {
    updates.push({ key: compositeKey(namespace, key), value, version: GENESIS_VERSION });
  });
  return channelId === null ? null : { channelId, updates };
}

/** One state update of a block, in commit order. */
export interface BlockUpdate {
  readonly key: string;
  readonly value: Uint8Array | null;
  readonly version: Version;
}

export interface FinishedBlock {
  readonly codes: Uint8Array;
  readonly updates: readonly BlockUpdate[];
  readonly txIds: readonly string[];
  /**
   * Committed entries read during the MVCC check (null = absent), so the commit can adjust the
   * state hash without reading the same keys again. Valid until this block commits.
   */
  readonly committedReads: ReadonlyMap<string, VersionedValue | null>;
}

export function prepareBlock(
  ctx: ValidatorContext,
  block: Block,
  expectedNumber: number,
  previousHash: Uint8Array,
  receipt: WorkReceipt,
): PreparedBlock {
  const { header } = block;
  assert(header.number === expectedNumber, `block ${header.number} delivered, expected ${expectedNumber}`);
  assert(bytesEqual(header.previousHash, previousHash), `block ${header.number}: previous hash does not chain`);
  assert(
    bytesEqual(computeDataHash(block.data, receipt), header.dataHash),
    `block ${header.number}: data hash mismatch`,
  );
  const hash = blockHash(header, receipt);
  const jobs: VerifyJob[] = [];
  const orderer = ctx.msp.resolve(block.metadata.ordererIdentity, receipt);
  assert(
    orderer !== null && orderer.cert.mspId === ctx.config.ordererMspId && orderer.cert.role === 'orderer',
    `block ${header.number}: not signed by an orderer of ${ctx.config.ordererMspId}`,
  );
  const ordererJob = pushJob(jobs, receipt, {
    scheme: orderer.cert.scheme,
    publicKeys: [orderer.cert.publicKey],
    message: encodeHeader(header, receipt),
    signature: block.metadata.ordererSignature,
    aggregate: false,
  });

  if (header.number === 0) {
    assert(block.data.length === 1, 'genesis block must hold exactly one data entry');
    const genesis = genesisUpdatesOf(block, receipt);
    assert(genesis?.channelId === ctx.config.channelId, 'genesis block does not decode for this channel');
    const genesisUpdates = genesis.updates;
    return { block, blockHash: hash, isGenesis: true, txs: [], jobs, ordererJob, genesisUpdates };
  }

  const txs = block.data.map((envelope) => prepareTx(ctx, envelope, jobs, receipt));
  return { block, blockHash: hash, isGenesis: false, txs, jobs, ordererJob, genesisUpdates: [] };
}

function pushJob(jobs: VerifyJob[], receipt: WorkReceipt, job: VerifyJob): number {
  countVerifyJob(job, receipt);
  jobs.push(job);
  return jobs.length - 1;
}

function rejected(code: number, txId: string | null = null): PreparedTx {
  return { code, txId, chaincode: '', rwset: null, creatorJob: -1, endorsers: [], endorserJobs: [] };
}

function prepareTx(ctx: ValidatorContext, envelope: Uint8Array, jobs: VerifyJob[], receipt: WorkReceipt): PreparedTx {
  receipt.txValidations += 1;
  if (envelope.length === 0) return rejected(ValidationCode.NIL_ENVELOPE);
  const decoded = decodeEnvelope(envelope, receipt);
  if (decoded === null) return rejected(ValidationCode.BAD_PAYLOAD);
  const { tx } = decoded;
  if (tx.channelId !== ctx.config.channelId) return rejected(ValidationCode.TARGET_CHAIN_NOT_FOUND);
  if (computeTxId(tx.nonce, tx.creator, receipt) !== tx.txId) return rejected(ValidationCode.BAD_PROPOSAL_TXID);
  // Fabric reports an undeserialisable or unknown-MSP creator as a bad creator signature.
  const creator = ctx.msp.resolve(tx.creator, receipt);
  if (creator === null) return rejected(ValidationCode.BAD_CREATOR_SIGNATURE, tx.txId);
  const policy = ctx.policies.get(tx.chaincode);
  if (policy === undefined) return rejected(ValidationCode.INVALID_CHAINCODE, tx.txId);
  const prp = decodePrp(tx.prpBytes, receipt);
  if (prp === null) return rejected(ValidationCode.BAD_RESPONSE_PAYLOAD, tx.txId);
  if (prp.chaincode !== tx.chaincode || prp.status !== 200)
    return rejected(ValidationCode.INVALID_ENDORSER_TRANSACTION, tx.txId);
  if (!prp.rwset.writes.every((w) => isValidKey(w.key))) return rejected(ValidationCode.INVALID_WRITESET, tx.txId);

  const creatorJob = pushJob(jobs, receipt, {
    scheme: creator.cert.scheme,
    publicKeys: [creator.cert.publicKey],
    message: decoded.payloadBytes,
    signature: decoded.signature,
    aggregate: false,
    genericKey: true,
  });

  // Endorsers: unknown or malformed identities are ignored (they satisfy no principal), duplicates
  // count once, as in Fabric's policy evaluation over a de-duplicated signature set.
  const endorsers: Identity[] = [];
  const signatures: Uint8Array[] = [];
  for (const endorsement of tx.endorsements) {
    const identity = ctx.msp.resolve(endorsement.endorser, receipt);
    if (identity === null || endorsers.some((e) => sameSigner(e, identity))) continue;
    endorsers.push(identity);
    signatures.push(endorsement.signature);
  }
  const endorserJobs: number[] = [];
  if (tx.blsAggregate !== null) {
    if (endorsers.length === 0 || !endorsers.every((e) => e.cert.scheme === 'bls'))
      return rejected(ValidationCode.ENDORSEMENT_POLICY_FAILURE, tx.txId);
    const job = pushJob(jobs, receipt, {
      scheme: 'bls',
      publicKeys: endorsers.map((e) => e.cert.publicKey),
      message: tx.prpBytes,
      signature: tx.blsAggregate,
      aggregate: true,
    });
    for (let i = 0; i < endorsers.length; i += 1) endorserJobs.push(job);
  } else {
    endorsers.forEach((identity, i) => {
      endorserJobs.push(
        pushJob(jobs, receipt, {
          scheme: identity.cert.scheme,
          publicKeys: [identity.cert.publicKey],
          // PRP ‖ identity (endorsementMessage), left unjoined: see VerifyJob.messageSuffix.
          message: tx.prpBytes,
          ...(identity.cert.scheme === 'bls' ? {} : { messageSuffix: identity.bytes }),
          signature: signatures[i] ?? new Uint8Array(0),
          aggregate: false,
        }),
      );
    });
  }
  return {
    code: ValidationCode.VALID,
    txId: tx.txId,
    chaincode: tx.chaincode,
    rwset: prp.rwset,
    creatorJob,
    endorsers,
    endorserJobs,
  };
}

/** One signer for policy purposes: the same MSP and public key (a handful of endorsers: a scan beats hex keys in a Set). */
function sameSigner(a: Identity, b: Identity): boolean {
  return a === b || (a.cert.mspId === b.cert.mspId && Buffer.compare(a.cert.publicKey, b.cert.publicKey) === 0);
}

interface PendingWrite {
  readonly value: Uint8Array | null;
  readonly version: Version;
}

export function finishBlock(
  ctx: ValidatorContext,
  prepared: PreparedBlock,
  results: Uint8Array,
  receipt: WorkReceipt,
): FinishedBlock {
  const blockNum = prepared.block.header.number;
  assert(
    results.length === prepared.jobs.length,
    `block ${blockNum}: ${results.length} verify results for ${prepared.jobs.length} jobs`,
  );
  assert(results[prepared.ordererJob] === 1, `block ${blockNum}: orderer signature does not verify`);

  if (prepared.isGenesis) {
    const updates = prepared.genesisUpdates;
    return { codes: Uint8Array.of(ValidationCode.VALID), updates, txIds: [], committedReads: new Map() };
  }

  const codes = new Uint8Array(prepared.txs.length);
  const pending = new Map<string, PendingWrite>();
  const updates: BlockUpdate[] = [];
  const txIds: string[] = [];
  const txIdsInBlock = new Set<string>();
  const committedReads = new Map<string, VersionedValue | null>();

  prepared.txs.forEach((tx, txNum) => {
    const code = validateInOrder(ctx, tx, results, pending, txIdsInBlock, committedReads, receipt);
    codes[txNum] = code;
    if (tx.txId !== null && code !== ValidationCode.DUPLICATE_TXID && !txIdsInBlock.has(tx.txId)) {
      // Like Fabric, every transaction with a well-formed txid is indexed, valid or not, so a
      // resubmission of an invalidated transaction is still a duplicate.
      txIdsInBlock.add(tx.txId);
      txIds.push(tx.txId);
    }
    if (code !== ValidationCode.VALID || tx.rwset === null) return;
    const version = { blockNum, txNum };
    for (const write of tx.rwset.writes) {
      const key = compositeKey(tx.chaincode, write.key);
      pending.set(key, { value: write.value, version });
      updates.push({ key, value: write.value, version });
    }
  });
  return { codes, updates, txIds, committedReads };
}

function validateInOrder(
  ctx: ValidatorContext,
  tx: PreparedTx,
  results: Uint8Array,
  pending: ReadonlyMap<string, PendingWrite>,
  txIdsInBlock: ReadonlySet<string>,
  committedReads: Map<string, VersionedValue | null>,
  receipt: WorkReceipt,
): number {
  if (tx.code !== ValidationCode.VALID) return tx.code;
  if (results[tx.creatorJob] !== 1) return ValidationCode.BAD_CREATOR_SIGNATURE;
  const txId = tx.txId ?? '';
  if (txIdsInBlock.has(txId)) return ValidationCode.DUPLICATE_TXID;
  receipt.stateReads += 1;
  if (ctx.state.hasTxId(txId)) return ValidationCode.DUPLICATE_TXID;

  const signers: Certificate[] = [];
  for (let i = 0; i < tx.endorsers.length; i += 1)
    if (results[tx.endorserJobs[i] ?? -1] === 1) signers.push(tx.endorsers[i]!.cert);
  const policy = ctx.policies.get(tx.chaincode);
  if (policy === undefined || !evaluatePolicy(policy, signers)) return ValidationCode.ENDORSEMENT_POLICY_FAILURE;

  const rwset = tx.rwset;
  if (rwset === null) return ValidationCode.BAD_RWSET;
  for (const read of rwset.reads) {
    const key = compositeKey(tx.chaincode, read.key);
    if (pending.has(key)) return ValidationCode.MVCC_READ_CONFLICT;
    // A key read by an earlier tx of this block (valid or not) was not written since (the pending
    // check above), so its committed entry is the one already read.
    let committed = committedReads.get(key);
    if (committed === undefined) {
      receipt.stateReads += 1;
      committed = ctx.state.get(key) ?? null;
      if (committed !== null) listStateKey(receipt, key, false);
      committedReads.set(key, committed);
    }
    if (!versionsEqual(committed === null ? null : committed.version, read.version))
      return ValidationCode.MVCC_READ_CONFLICT;
  }
  for (const range of rwset.ranges) {
    const start = compositeKey(tx.chaincode, range.startKey);
    const end = compositeEnd(tx.chaincode, range.endKey);
    for (const key of pending.keys()) if (key >= start && key < end) return ValidationCode.PHANTOM_READ_CONFLICT;
    let index = 0;
    const prefixLength = tx.chaincode.length + 1;
    for (const [composite, entry] of ctx.state.range(start, end)) {
      receipt.rangeRows += 1;
      const row = range.rows[index];
      if (row === undefined || row.key !== composite.slice(prefixLength) || !versionsEqual(row.version, entry.version))
        return ValidationCode.PHANTOM_READ_CONFLICT;
      index += 1;
    }
    if (index !== range.rows.length) return ValidationCode.PHANTOM_READ_CONFLICT;
  }
  return ValidationCode.VALID;
}

/**
 * The writes of a stored block's valid transactions, re-derived from its envelopes and the flags it
 * was stored with (recovery replays these without re-validating, as Fabric's ledger does).
 */
export function replayUpdates(
  block: Block,
  channelId: string,
  receipt: WorkReceipt,
): { updates: BlockUpdate[]; txIds: string[] } {
  const blockNum = block.header.number;
  if (blockNum === 0) {
    const genesis = genesisUpdatesOf(block, receipt);
    assert(genesis !== null, 'stored genesis block does not decode');
    return { updates: genesis.updates, txIds: [] };
  }
  const flags = block.metadata.validationFlags;
  assert(
    flags.length === block.data.length,
    `stored block ${blockNum}: ${flags.length} flags for ${block.data.length} transactions`,
  );
  const updates: BlockUpdate[] = [];
  const txIds: string[] = [];
  const seen = new Set<string>();
  block.data.forEach((envelope, txNum) => {
    const flag = flags[txNum];
    const decoded = flag === ValidationCode.DUPLICATE_TXID ? null : decodeEnvelope(envelope, receipt);
    if (decoded === null) return;
    // The same rule as finishBlock: a tx id is indexed when the envelope decodes for this channel,
    // the tx id is well formed, and it is the first occurrence (DUPLICATE_TXID ones are skipped above).
    if (decoded.tx.channelId !== channelId) return;
    const txIdWellFormed = computeTxId(decoded.tx.nonce, decoded.tx.creator, receipt) === decoded.tx.txId;
    if (txIdWellFormed && !seen.has(decoded.tx.txId)) {
      seen.add(decoded.tx.txId);
      txIds.push(decoded.tx.txId);
    }
    if (flag !== ValidationCode.VALID) return;
    const prp = decodePrp(decoded.tx.prpBytes, receipt);
    assert(prp !== null, `stored block ${blockNum} tx ${txNum}: VALID but its response payload does not decode`);
    for (const write of prp.rwset.writes)
      updates.push({
        key: compositeKey(decoded.tx.chaincode, write.key),
        value: write.value,
        version: { blockNum, txNum },
      });
  });
  return { updates, txIds };
}
