/**
 * A peer: its own world state (memory or LMDB), block store, MSP view and fingerprint (block hash and
 * running state hash). It endorses against the state it has committed *so far* (so peers at
 * different heights give different rwsets), and validates and commits blocks in order.
 *
 * Each step is synchronous, time-free and returns a receipt, so the simulator can call it at the
 * simulated moment it happens and charge the receipt to engines. `prepare` / `commitPrepared` split
 * validation around the signature checks for callers that verify on worker threads.
 *
 * Opening a peer over existing stores recovers it: if the block store holds blocks past the state's
 * savepoint (a crash between appending a block and committing its state), their writes are re-applied
 * from the stored blocks and flags. The block store is the durable record; state is derived from it.
 */
import { assert } from './assert.js';
import type { Block } from './block.js';
import { GENESIS_PREVIOUS_HASH, blockHash, computeDataHash } from './block.js';
import type { ChannelConfig } from './channel-config.js';
import { checkChannelConfig } from './channel-config.js';
import type { CryptoProvider } from './crypto/provider.js';
import type { VerifyCache } from './crypto/verify-cache.js';
import { endorseProposal } from './endorser.js';
import type { EndorserContext } from './endorser.js';
import { bytesEqual, toHex } from './hash.js';
import { MspManager } from './msp.js';
import type { SigningIdentity } from './msp.js';
import type { Policy } from './policy.js';
import type { SignedProposal } from './proposal.js';
import type { ProposalResponse } from './proposal-response.js';
import type { WorkReceipt } from './receipt.js';
import { emptyReceipt } from './receipt.js';
import type { BlockStore } from './state/block-store.js';
import { HeadOnlyBlockStore } from './state/block-store.js';
import { MemoryWorldState } from './state/memory-state.js';
import { StateHash } from './state/state-hash.js';
import type { CommitBatch, StateUpdate, VersionedValue, WorldState } from './state/world-state.js';
import type { BlockUpdate, PreparedBlock, ValidatorContext } from './validator.js';
import { finishBlock, prepareBlock, replayUpdates } from './validator.js';
import { runVerifyJobs } from './verify-job.js';

export interface PeerOptions {
  readonly identity: SigningIdentity;
  readonly config: ChannelConfig;
  readonly crypto: CryptoProvider;
  /** Defaults to a fresh in-memory state. */
  readonly state?: WorldState;
  /** Defaults to a head-only store (constant memory, nothing to replay). */
  readonly blockStore?: BlockStore;
  /** Shared across peers to verify each signature once on the host; receipts still count every check. */
  readonly verifyCache?: VerifyCache | null;
}

export interface EndorseResult {
  readonly response: ProposalResponse;
  readonly receipt: WorkReceipt;
}

export interface CommitResult {
  readonly blockNum: number;
  readonly validationCodes: Uint8Array;
  readonly receipt: WorkReceipt;
  readonly blockHash: string;
  readonly stateHash: string;
}

/**
 * A commit whose durability is still on its way (`Peer.commitPreparedDeferred`): `result` is final,
 * but the block may be acknowledged only when `durable` resolves; `statePersisted` resolves when the
 * world state has written it too (a crash before that is repaired by recovery from the block store).
 */
export interface DeferredCommit {
  readonly result: CommitResult;
  readonly durable: Promise<void>;
  readonly statePersisted: Promise<void>;
}

export class Peer {
  readonly name: string;
  readonly mspId: string;
  readonly identity: SigningIdentity;
  readonly config: ChannelConfig;
  readonly state: WorldState;
  readonly blockStore: BlockStore;
  private readonly provider: CryptoProvider;
  private readonly verifyCache: VerifyCache | null;
  private readonly msp: MspManager;
  private readonly policies: ReadonlyMap<string, Policy>;
  private readonly stateHashAcc: StateHash;
  private nextBlockNum = 0;
  private lastHash: Uint8Array = GENESIS_PREVIOUS_HASH;
  private readonly endorserCtx: EndorserContext;
  private readonly validatorCtx: ValidatorContext;

  constructor(options: PeerOptions) {
    this.identity = options.identity;
    this.name = `${options.identity.cert.subject}.${options.identity.cert.mspId}`;
    this.mspId = options.identity.cert.mspId;
    this.config = options.config;
    this.policies = checkChannelConfig(options.config);
    this.provider = options.crypto;
    this.verifyCache = options.verifyCache ?? null;
    this.state = options.state ?? new MemoryWorldState();
    this.blockStore = options.blockStore ?? new HeadOnlyBlockStore();
    this.msp = new MspManager(options.config.msps, options.crypto);
    const savepoint = this.state.savepoint();
    this.stateHashAcc = new StateHash(savepoint?.stateHashLanes);
    if (savepoint !== null) {
      this.nextBlockNum = savepoint.blockNum + 1;
      this.lastHash = savepoint.blockHash;
    }
    this.endorserCtx = {
      identity: this.identity,
      config: this.config,
      provider: this.provider,
      verifyCache: this.verifyCache,
      msp: this.msp,
      state: this.state,
      chaincodes: new Set(this.policies.keys()),
    };
    this.validatorCtx = { config: this.config, policies: this.policies, msp: this.msp, state: this.state };
    this.recover();
  }

  /** Number of committed blocks (the next block number). */
  get height(): number {
    return this.nextBlockNum;
  }

  get blockHashHex(): string {
    return toHex(this.lastHash);
  }

  get stateHashHex(): string {
    return this.stateHashAcc.digestHex();
  }

  endorse(signed: SignedProposal): EndorseResult {
    const receipt = emptyReceipt();
    const response = endorseProposal(this.endorserCtx, signed, receipt);
    return { response, receipt };
  }

  /** Validates and commits the next block (signature checks inline). */
  validateAndCommit(block: Block): CommitResult {
    const receipt = emptyReceipt();
    const prepared = this.prepare(block, receipt);
    const results = runVerifyJobs(this.provider, this.verifyCache, prepared.jobs);
    return this.commitPrepared(prepared, results, receipt);
  }

  /** Step 1 of validation: decode and check in order, emit the signature checks as jobs. */
  prepare(block: Block, receipt: WorkReceipt): PreparedBlock {
    return prepareBlock(this.validatorCtx, block, this.nextBlockNum, this.lastHash, receipt);
  }

  /**
   * Step 1 for a block further ahead than the next one (pipelining): preparation reads no world
   * state, so it only needs the block's expected number and its predecessor's hash.
   */
  prepareAhead(block: Block, expectedNumber: number, previousHash: Uint8Array, receipt: WorkReceipt): PreparedBlock {
    return prepareBlock(this.validatorCtx, block, expectedNumber, previousHash, receipt);
  }

  get lastBlockHash(): Uint8Array {
    return this.lastHash;
  }

  /** Steps 3 and 4: in-order checks with the jobs' results, then the durable commit. */
  commitPrepared(prepared: PreparedBlock, verifyResults: Uint8Array, receipt: WorkReceipt): CommitResult {
    assert(prepared.block.header.number === this.nextBlockNum, `commit of block ${prepared.block.header.number}, expected ${this.nextBlockNum}`);
    const finished = finishBlock(this.validatorCtx, prepared, verifyResults, receipt);
    const block = prepared.block;
    // The block goes to the block store first: once it is there the commit cannot be lost, because
    // opening the peer re-applies any block past the state's savepoint.
    this.blockStore.append(this.storedBlock(block, finished.codes), receipt);
    this.state.commit(this.commitBatch(block.header.number, prepared.blockHash, finished.updates, finished.txIds, receipt, finished.committedReads));
    return { blockNum: block.header.number, validationCodes: finished.codes, receipt, blockHash: this.blockHashHex, stateHash: this.stateHashHex };
  }

  /**
   * `commitPrepared` for a pipelined committer: the same checks, codes, receipt and fingerprints,
   * but the block store's sync and the world state's write happen off this thread (when the stores
   * can), in that order: the state is written only once the block is durable, so it never gets
   * ahead of the block store. The next block may be committed before this one is durable (its MVCC
   * reads see this one's writes); acknowledge this one only when `durable` resolves.
   */
  commitPreparedDeferred(prepared: PreparedBlock, verifyResults: Uint8Array, receipt: WorkReceipt): DeferredCommit {
    assert(prepared.block.header.number === this.nextBlockNum, `commit of block ${prepared.block.header.number}, expected ${this.nextBlockNum}`);
    const finished = finishBlock(this.validatorCtx, prepared, verifyResults, receipt);
    const block = prepared.block;
    const stored = this.storedBlock(block, finished.codes);
    let durable: Promise<void>;
    if (this.blockStore.appendDeferred === undefined) {
      this.blockStore.append(stored, receipt);
      durable = Promise.resolve();
    } else {
      durable = this.blockStore.appendDeferred(stored, receipt).durable;
    }
    const batch = this.commitBatch(block.header.number, prepared.blockHash, finished.updates, finished.txIds, receipt, finished.committedReads);
    let statePersisted: Promise<void>;
    if (this.state.stageCommit === undefined) {
      this.state.commit(batch);
      statePersisted = durable;
    } else {
      const persist = this.state.stageCommit(batch);
      statePersisted = durable.then(persist);
    }
    // Failures surface where the caller awaits these; until then they must not count as unhandled.
    durable.catch(() => undefined);
    statePersisted.catch(() => undefined);
    const result = { blockNum: block.header.number, validationCodes: finished.codes, receipt, blockHash: this.blockHashHex, stateHash: this.stateHashHex };
    return { result, durable, statePersisted };
  }

  private storedBlock(block: Block, codes: Uint8Array): Block {
    return { header: block.header, data: block.data, metadata: { ...block.metadata, validationFlags: codes } };
  }

  /** Reads committed state (tests and reports; not part of any transaction). */
  getState(chaincode: string, key: string): Uint8Array | null {
    return this.state.get(`${chaincode}\u0000${key}`)?.value ?? null;
  }

  close(): void {
    this.blockStore.close();
    this.state.close();
  }

  /**
   * Folds a block's updates into the state hash and returns the batch that commits them; the peer's
   * height and last hash advance here (the caller commits or stages the batch next).
   */
  private commitBatch(
    blockNum: number,
    hash: Uint8Array,
    updates: readonly BlockUpdate[],
    txIds: readonly string[],
    receipt: WorkReceipt,
    committedReads: ReadonlyMap<string, VersionedValue | null> = new Map(),
  ): CommitBatch {
    // Collapse to the last write per key (a later valid tx of the block overwrites an earlier one),
    // then adjust the content hash by each key's old and new value.
    const lastByKey = new Map<string, BlockUpdate>();
    for (const update of updates) lastByKey.set(update.key, update);
    const stateUpdates: StateUpdate[] = [];
    for (const update of lastByKey.values()) {
      let old = committedReads.get(update.key);
      if (old === undefined) {
        receipt.stateReads += 1;
        old = this.state.get(update.key) ?? null;
      }
      if (old !== null) this.stateHashAcc.remove(update.key, old.value, receipt);
      if (update.value !== null) this.stateHashAcc.add(update.key, update.value, receipt);
      stateUpdates.push(update);
    }
    receipt.stateWrites += stateUpdates.length + txIds.length;
    this.nextBlockNum = blockNum + 1;
    this.lastHash = hash;
    return { updates: stateUpdates, txIds, savepoint: { blockNum, stateHashLanes: this.stateHashAcc.lanesBytes(), blockHash: hash } };
  }

  private recover(): void {
    const storedHeight = this.blockStore.height();
    if (this.blockStore.kind === 'head-only') {
      assert(storedHeight === 0 || storedHeight === this.nextBlockNum, 'head-only block store out of step with state');
      return;
    }
    assert(storedHeight >= this.nextBlockNum, `state savepoint (block ${this.nextBlockNum - 1}) is ahead of the block store (height ${storedHeight})`);
    for (let blockNum = this.nextBlockNum; blockNum < storedHeight; blockNum += 1) {
      const receipt = emptyReceipt();
      const block = this.blockStore.read(blockNum, receipt);
      assert(block.header.number === blockNum, `block store: block ${blockNum} holds number ${block.header.number}`);
      const { updates, txIds } = replayUpdates(block, this.config.channelId, receipt);
      // Check the chain and the data hash as the block comes back from disk (STYLE.md: assert
      // across boundaries), and recompute the block hash rather than trust anything stored.
      assert(bytesEqual(block.header.previousHash, this.lastHash), `block store: block ${blockNum} does not chain`);
      assert(bytesEqual(computeDataHash(block.data, receipt), block.header.dataHash), `block store: block ${blockNum} data hash mismatch`);
      this.state.commit(this.commitBatch(blockNum, blockHash(block.header, receipt), updates, txIds, receipt));
    }
  }
}
