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
 *
 * State integrity (the paper's remedy 4), all opt-in so a peer without them does the same work as
 * before: a bucketed Merkle commitment over the state kept at every commit (`commitment` option or
 * `enableCommitment`, see state/commitment.ts; audited across peers by audit.ts); state snapshots
 * out and in (`exportSnapshot`, `importSnapshot`, see state/snapshot.ts; join.ts chooses between a
 * snapshot and a replay from genesis); and, for tests and fault scenarios, a corrupt state write
 * (`injectCorruptWrite`), as a faulty DB device would make.
 */
import { LedgerInputError, assert } from './assert.js';
import type { Block } from './block.js';
import { GENESIS_PREVIOUS_HASH, blockHash, computeDataHash } from './block.js';
import type { ChannelConfig } from './channel-config.js';
import { checkChannelConfig } from './channel-config.js';
import type { CryptoProvider } from './crypto/provider.js';
import type { VerifyCache } from './crypto/verify-cache.js';
import { signSimulation, simulateProposal } from './endorser.js';
import type { EndorserContext, Simulation } from './endorser.js';
import { bytesEqual, toHex } from './hash.js';
import { MspManager } from './msp.js';
import type { SigningIdentity } from './msp.js';
import type { Policy } from './policy.js';
import type { SignedProposal } from './proposal.js';
import type { ProposalResponse } from './proposal-response.js';
import type { WorkReceipt } from './receipt.js';
import { addReceipt, emptyReceipt, listStateKey } from './receipt.js';
import type { BlockStore } from './state/block-store.js';
import { HeadOnlyBlockStore } from './state/block-store.js';
import { COMMITMENT_BUCKETS_DEFAULT, StateCommitment, rangeContentHash } from './state/commitment.js';
import type { CommitmentOptions, RangeContentHash } from './state/commitment.js';
import { MemoryWorldState } from './state/memory-state.js';
import { ChainView } from './state/shared-chain.js';
import type { SharedChain, SharedCommit } from './state/shared-chain.js';
import { exportSnapshot, verifySnapshot } from './state/snapshot.js';
import type { SnapshotOptions, SnapshotTrust, StateSnapshot } from './state/snapshot.js';
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
  /**
   * Keep a state commitment (state/commitment.ts), updated at every commit and counted in the commit
   * receipt. Absent: none (enable later with `enableCommitment`). Over an existing state it is
   * rebuilt on open by one scan, counted in `openReceipt`.
   */
  readonly commitment?: CommitmentOptions;
  /** Corrupt state writes to make (see `injectCorruptWrite`). */
  readonly faults?: readonly CorruptWriteFault[];
}

/**
 * One corrupt world-state write, as a faulty DB device would make: the block and the block store
 * stay correct, but the value this peer stores for one key of the block differs from the valid
 * transaction's write by one flipped byte. Its state hash and commitment cover what was really
 * written, so only a comparison with other peers can tell. Deterministic: it is chosen from the
 * block's contents, never at random.
 */
export interface CorruptWriteFault {
  /** The first block committed with number ≥ atBlock that writes at least one value is the one hit. */
  readonly atBlock: number;
  /** Which of that block's written values, in key order (deletes excluded), modulo their number (default 0). */
  readonly keyIndex?: number;
  /** Which byte of the value to flip, modulo its length (default 0); an empty value becomes one byte. */
  readonly byteIndex?: number;
  /** The XOR mask applied to that byte, 1–255 (default 0x01). */
  readonly xorMask?: number;
}

/** A corrupt write that happened: where, and what was meant and what was stored. */
export interface CorruptWriteRecord {
  readonly blockNum: number;
  /** The composite key (namespace \u0000 key). */
  readonly key: string;
  readonly intended: Uint8Array;
  readonly written: Uint8Array;
}

/** `Peer.stateRangeHash`'s answer. */
export interface RangeHashResult extends RangeContentHash {
  readonly receipt: WorkReceipt;
}

export interface SnapshotExport {
  readonly snapshot: StateSnapshot;
  readonly receipt: WorkReceipt;
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
  /** Hex root of the state commitment after this block, or null when the peer keeps none or did not compute it. */
  readonly commitmentRoot: string | null;
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

/**
 * The last simulation of each live proposal by a peer on a shared chain: weak, so it goes with the
 * proposal; one per proposal, since its endorsers are usually at the same height.
 */
const simulations = new WeakMap<
  SignedProposal,
  { chain: SharedChain; height: number; work: WorkReceipt; simulation: Simulation }
>();

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
  private stateHashAcc: StateHash;
  private commitmentOptions: CommitmentOptions | null;
  private commitmentAcc: StateCommitment | null = null;
  private readonly pendingFaults: CorruptWriteFault[] = [];
  private faultInFlight: CorruptWriteFault | null = null;
  private readonly corruptions: CorruptWriteRecord[] = [];
  /** Work done on open: rebuilding the commitment from the state, and re-applying blocks past the savepoint. */
  readonly openReceipt: WorkReceipt = emptyReceipt();
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
    for (const fault of options.faults ?? []) this.injectCorruptWrite(fault);
    this.commitmentOptions = options.commitment ?? null;
    if (this.commitmentOptions !== null)
      this.commitmentAcc = this.buildCommitment(this.commitmentOptions, this.openReceipt);
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

  /** The running state hash's lanes (32 bytes; what a savepoint and a snapshot carry). */
  get stateHashLanes(): Uint8Array {
    return this.stateHashAcc.lanesBytes();
  }

  /** The state commitment, or null when this peer keeps none. */
  get commitment(): StateCommitment | null {
    return this.commitmentAcc;
  }

  /**
   * Hex root of the state commitment after the last committed block, or null when the peer keeps
   * none or does not compute it every block (`rootEveryBlock: false`: see `commitment.rootNow`).
   */
  get commitmentRootHex(): string | null {
    return this.commitmentAcc === null || !this.commitmentAcc.rootIsCurrent ? null : toHex(this.commitmentAcc.root);
  }

  /**
   * Starts keeping a state commitment now (e.g. right after `createNetwork`): built from the state
   * by one scan, sealed at the last committed block. Returns that work (rangeRows, hashBytes).
   */
  enableCommitment(options: CommitmentOptions = {}): WorkReceipt {
    if (this.commitmentAcc !== null)
      throw new LedgerInputError(`peer ${this.name}: the state commitment is already kept`);
    const receipt = emptyReceipt();
    this.commitmentAcc = this.buildCommitment(options, receipt);
    this.commitmentOptions = options;
    return receipt;
  }

  /**
   * Makes this peer corrupt one future state write (see `CorruptWriteFault`). Several may be
   * pending; each hits once.
   */
  injectCorruptWrite(fault: CorruptWriteFault): void {
    const where = `peer ${this.name}: injectCorruptWrite`;
    if (!Number.isSafeInteger(fault.atBlock) || fault.atBlock < 0)
      throw new LedgerInputError(`${where}: atBlock: expected an integer ≥ 0, got ${fault.atBlock}`);
    if (fault.atBlock < this.nextBlockNum)
      throw new LedgerInputError(
        `${where}: atBlock ${fault.atBlock} is already committed (height ${this.nextBlockNum})`,
      );
    for (const field of ['keyIndex', 'byteIndex'] as const) {
      const value = fault[field];
      if (value !== undefined && (!Number.isSafeInteger(value) || value < 0))
        throw new LedgerInputError(`${where}: ${field}: expected an integer ≥ 0, got ${value}`);
    }
    const mask = fault.xorMask ?? 1;
    if (!Number.isInteger(mask) || mask < 1 || mask > 255)
      throw new LedgerInputError(`${where}: xorMask: expected an integer in [1, 255], got ${mask}`);
    // This peer's state will differ from the chain's: it goes on with a copy of its own.
    this.detachState();
    this.pendingFaults.push(fault);
  }

  /** The corrupt writes this peer has made so far, in commit order. */
  get corruptWrites(): readonly CorruptWriteRecord[] {
    return this.corruptions;
  }

  /**
   * The content hash of the committed rows with startKey ≤ key < endKey (composite keys; see
   * state/commitment.ts `rangeContentHash`): one scan, counting rangeRows and hashBytes.
   */
  stateRangeHash(startKey: string, endKey: string): RangeHashResult {
    const receipt = emptyReceipt();
    return { ...rangeContentHash(this.state, startKey, endKey, receipt), receipt };
  }

  /**
   * Exports a snapshot of the state after the last committed block (state/snapshot.ts). The receipt
   * counts the scan (rangeRows), the encoding (encodeBytes) and any hashing; the transfer
   * (`snapshot.sizeBytes`) is the caller's to count.
   */
  exportSnapshot(options: SnapshotOptions = {}): SnapshotExport {
    if (this.nextBlockNum === 0)
      throw new LedgerInputError(`peer ${this.name}: no block committed yet, nothing to snapshot`);
    const receipt = emptyReceipt();
    const snapshot = exportSnapshot(
      {
        channelId: this.config.channelId,
        blockNum: this.nextBlockNum - 1,
        blockHash: this.lastHash,
        stateHashLanes: this.stateHashAcc.lanesBytes(),
        state: this.state,
        commitment: this.commitmentAcc,
        bucketCount: this.commitmentAcc?.bucketCount ?? options.bucketCount ?? COMMITMENT_BUCKETS_DEFAULT,
      },
      options,
      receipt,
    );
    return { snapshot, receipt };
  }

  /**
   * Joins from a snapshot: on a fresh peer (nothing committed, empty stores), checks the snapshot
   * (state/snapshot.ts `verifySnapshot`: its state hash and commitment root recomputed from its rows
   * against its claims and against `trust`) and only then writes it, in one state commit. The peer
   * then continues with block `snapshot.blockNum + 1`. Throws `SnapshotVerificationError`, with
   * nothing written, when the snapshot is refused. The receipt counts decoding, hashing and the
   * state writes (one per row and per tx id).
   */
  importSnapshot(snapshot: StateSnapshot, trust: SnapshotTrust = {}): WorkReceipt {
    const where = `peer ${this.name}: importSnapshot`;
    if (this.nextBlockNum !== 0 || this.state.savepoint() !== null)
      throw new LedgerInputError(
        `${where}: the peer has committed blocks already (height ${this.nextBlockNum}); a snapshot joins a fresh peer`,
      );
    if (this.blockStore.height() !== 0)
      throw new LedgerInputError(
        `${where}: the block store holds ${this.blockStore.height()} blocks; a snapshot joins a fresh peer`,
      );
    if (this.blockStore.startAt === undefined)
      throw new LedgerInputError(
        `${where}: a ${this.blockStore.kind} block store cannot start at block ${snapshot.blockNum + 1} (use a head-only or memory block store)`,
      );
    this.detachState();
    const receipt = emptyReceipt();
    const verified = verifySnapshot(
      snapshot,
      { channelId: this.config.channelId, commitment: this.commitmentOptions, trust },
      receipt,
    );
    const savepoint = {
      blockNum: verified.blockNum,
      stateHashLanes: verified.stateHash.lanesBytes(),
      blockHash: verified.blockHash,
    };
    this.state.commit({ updates: verified.entries, txIds: verified.txIds, savepoint });
    receipt.stateWrites += verified.entries.length + verified.txIds.length;
    for (const entry of verified.entries) listStateKey(receipt, entry.key, true);
    this.blockStore.startAt(verified.blockNum + 1);
    this.stateHashAcc = verified.stateHash;
    this.commitmentAcc = verified.commitment;
    this.nextBlockNum = verified.blockNum + 1;
    this.lastHash = verified.blockHash;
    return receipt;
  }

  endorse(signed: SignedProposal): EndorseResult {
    const receipt = emptyReceipt();
    const simulation = this.simulate(signed, receipt);
    const response =
      simulation.prpBytes === null
        ? simulation.response
        : signSimulation(this.endorserCtx, simulation.prpBytes, receipt);
    return { response, receipt };
  }

  /**
   * Checks and simulates a proposal. On a shared chain the simulation is a function of the proposal
   * and the height alone, so endorsers at the same height run it once on the host; each is charged
   * its full work and signs the payload with its own key.
   */
  private simulate(signed: SignedProposal, receipt: WorkReceipt): Simulation {
    const view = this.chainView();
    if (view === null) return simulateProposal(this.endorserCtx, signed, receipt);
    const known = simulations.get(signed);
    if (known !== undefined && known.chain === view.chain && known.height === view.height) {
      // This peer's MSP resolves the creator itself: what that costs depends on what it has seen.
      if (known.simulation.creator !== null) this.msp.resolve(known.simulation.creator, receipt);
      addReceipt(receipt, known.work);
      return known.simulation;
    }
    const work = emptyReceipt();
    const simulation = simulateProposal(this.endorserCtx, signed, work, receipt);
    simulations.set(signed, { chain: view.chain, height: view.height, work, simulation });
    addReceipt(receipt, work);
    return simulation;
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

  /**
   * Takes a block another peer prepared at this peer's position (a preparation reads no state):
   * only the block signer's identity is resolved through this peer's own MSP, as its own
   * preparation would have, so what its MSP has seen stays as if it had prepared the block.
   */
  adoptPrepared(prepared: PreparedBlock, receipt: WorkReceipt): PreparedBlock {
    assert(
      prepared.block.header.number === this.nextBlockNum &&
        bytesEqual(prepared.block.header.previousHash, this.lastHash),
      `peer ${this.name}: adopts block ${prepared.block.header.number} at height ${this.nextBlockNum}`,
    );
    this.msp.resolve(prepared.block.metadata.ordererIdentity, receipt);
    return prepared;
  }

  get lastBlockHash(): Uint8Array {
    return this.lastHash;
  }

  /**
   * Steps 3 and 4: in-order checks with the jobs' results, then the durable commit. On a shared
   * chain (state/shared-chain.ts) a block another peer has committed at the same position is not
   * validated again: this peer takes its codes, state hash and work (`followCommit`).
   */
  commitPrepared(prepared: PreparedBlock, verifyResults: Uint8Array, receipt: WorkReceipt): CommitResult {
    const blockNum = prepared.block.header.number;
    assert(blockNum === this.nextBlockNum, `commit of block ${blockNum}, expected ${this.nextBlockNum}`);
    const view = this.chainView();
    const shared = view?.sharedCommit(blockNum) ?? null;
    if (view !== null && shared !== null) {
      if (bytesEqual(shared.blockHash, prepared.blockHash)) return this.followCommit(view, prepared, shared, receipt);
      // Another block at this height: this peer's chain differs from here on.
      view.detach();
    }
    // The commit's own work is kept apart from the caller's receipt so it can be shared as is.
    const work = emptyReceipt();
    const finished = finishBlock(this.validatorCtx, prepared, verifyResults, work);
    const block = prepared.block;
    // The block goes to the block store first: once it is there the commit cannot be lost, because
    // opening the peer re-applies any block past the state's savepoint.
    this.blockStore.append(this.storedBlock(block, finished.codes), receipt);
    this.state.commit(
      this.commitBatch(blockNum, prepared.blockHash, finished.updates, finished.txIds, work, finished.committedReads),
    );
    addReceipt(receipt, work);
    view?.shareCommit(blockNum, { blockHash: prepared.blockHash, validationCodes: finished.codes, receipt: work });
    return this.commitResult(blockNum, finished.codes, receipt);
  }

  /** Commits a block as the peer ahead on the shared chain did: same codes, state hash and work. */
  private followCommit(
    view: ChainView,
    prepared: PreparedBlock,
    shared: SharedCommit,
    receipt: WorkReceipt,
  ): CommitResult {
    const blockNum = prepared.block.header.number;
    this.blockStore.append(this.storedBlock(prepared.block, shared.validationCodes), receipt);
    const savepoint = view.follow(blockNum);
    addReceipt(receipt, shared.receipt);
    this.stateHashAcc = new StateHash(savepoint.stateHashLanes);
    this.nextBlockNum = blockNum + 1;
    this.lastHash = prepared.blockHash;
    return this.commitResult(blockNum, shared.validationCodes, receipt);
  }

  private commitResult(blockNum: number, validationCodes: Uint8Array, receipt: WorkReceipt): CommitResult {
    return {
      blockNum,
      validationCodes,
      receipt,
      blockHash: this.blockHashHex,
      stateHash: this.stateHashHex,
      commitmentRoot: this.commitmentRootHex,
    };
  }

  /** True when committing block `blockNum` would follow another peer's commit of it on a shared chain. */
  followsSharedCommit(blockNum: number): boolean {
    return blockNum === this.nextBlockNum && (this.chainView()?.sharedCommit(blockNum) ?? null) !== null;
  }

  /** The peer's state as a view of a shared chain it still follows, or null. */
  private chainView(): ChainView | null {
    return this.state instanceof ChainView && this.state.attached ? this.state : null;
  }

  /** A peer whose state must differ from the chain's leaves it (no-op for a state of its own). */
  private detachState(): void {
    if (this.state instanceof ChainView) this.state.detach();
  }

  /**
   * `commitPrepared` for a pipelined committer: the same checks, codes, receipt and fingerprints,
   * but the block store's sync and the world state's write happen off this thread (when the stores
   * can), in that order: the state is written only once the block is durable, so it never gets
   * ahead of the block store. The next block may be committed before this one is durable (its MVCC
   * reads see this one's writes); acknowledge this one only when `durable` resolves.
   */
  commitPreparedDeferred(prepared: PreparedBlock, verifyResults: Uint8Array, receipt: WorkReceipt): DeferredCommit {
    assert(
      prepared.block.header.number === this.nextBlockNum,
      `commit of block ${prepared.block.header.number}, expected ${this.nextBlockNum}`,
    );
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
    const batch = this.commitBatch(
      block.header.number,
      prepared.blockHash,
      finished.updates,
      finished.txIds,
      receipt,
      finished.committedReads,
    );
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
    return { result: this.commitResult(block.header.number, finished.codes, receipt), durable, statePersisted };
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
    // then adjust the content hash by each key's old and new value. The commitment folds in the
    // same entry digests (no second hash), then rehashes its dirty paths once for the block.
    const lastByKey = new Map<string, BlockUpdate>();
    for (const update of updates) lastByKey.set(update.key, update);
    const corruptKey = this.pendingFaults.length === 0 ? null : this.takeFault(blockNum, lastByKey);
    const commitment = this.commitmentAcc;
    const stateUpdates: StateUpdate[] = [];
    for (const intended of lastByKey.values()) {
      const update = intended.key === corruptKey ? this.corrupt(blockNum, intended) : intended;
      let old = committedReads.get(update.key);
      if (old === undefined) {
        receipt.stateReads += 1;
        old = this.state.get(update.key) ?? null;
        if (old !== null) listStateKey(receipt, update.key, false);
      }
      if (old !== null) {
        const digest = this.stateHashAcc.remove(update.key, old.value, receipt);
        commitment?.remove(update.key, digest);
      }
      if (update.value !== null) {
        const digest = this.stateHashAcc.add(update.key, update.value, receipt);
        commitment?.add(update.key, digest);
      }
      stateUpdates.push(update);
      listStateKey(receipt, update.key, true);
    }
    commitment?.seal(blockNum, receipt);
    receipt.stateWrites += stateUpdates.length + txIds.length;
    this.nextBlockNum = blockNum + 1;
    this.lastHash = hash;
    return {
      updates: stateUpdates,
      txIds,
      savepoint: { blockNum, stateHashLanes: this.stateHashAcc.lanesBytes(), blockHash: hash },
    };
  }

  /** Picks the write a due fault corrupts (null if none is due or the block writes no value). */
  private takeFault(blockNum: number, lastByKey: ReadonlyMap<string, BlockUpdate>): string | null {
    const at = this.pendingFaults.findIndex((fault) => fault.atBlock <= blockNum);
    if (at < 0) return null;
    const written: string[] = [];
    for (const update of lastByKey.values()) if (update.value !== null) written.push(update.key);
    if (written.length === 0) return null;
    // Key order, not tx order, so the choice depends only on what the block writes.
    written.sort();
    const fault = this.pendingFaults[at]!;
    this.pendingFaults.splice(at, 1);
    this.faultInFlight = fault;
    return written[(fault.keyIndex ?? 0) % written.length] ?? null;
  }

  private corrupt(blockNum: number, update: BlockUpdate): BlockUpdate {
    const fault = this.faultInFlight;
    assert(fault !== null && update.value !== null, 'corrupt write without a fault or a value');
    this.faultInFlight = null;
    const intended = update.value;
    let written: Uint8Array;
    if (intended.length === 0) {
      written = Uint8Array.of(fault.xorMask ?? 1);
    } else {
      written = Uint8Array.from(intended);
      const at = (fault.byteIndex ?? 0) % written.length;
      written[at] = (written[at] ?? 0) ^ (fault.xorMask ?? 1);
    }
    this.corruptions.push({ blockNum, key: update.key, intended, written });
    return { key: update.key, value: written, version: update.version };
  }

  /** Builds the commitment from the state at the current height and checks it against the state hash. */
  private buildCommitment(options: CommitmentOptions, receipt: WorkReceipt): StateCommitment {
    // The commitment is updated from the entry digests of each commit, which a follower of a
    // shared chain does not compute: a peer that keeps one commits on its own.
    this.detachState();
    const { commitment, stateHash } = StateCommitment.fromState(this.state, this.nextBlockNum - 1, options, receipt);
    // Both add up the same entry digests, so a state that does not hash to its savepoint's lanes
    // was changed behind the peer's back (or the savepoint is stale): refuse to go on.
    assert(
      toHex(stateHash.lanesBytes()) === toHex(this.stateHashAcc.lanesBytes()),
      `peer ${this.name}: world state (state hash ${stateHash.digestHex()}) does not match the peer's state hash ${this.stateHashAcc.digestHex()} at block ${this.nextBlockNum - 1}`,
    );
    return commitment;
  }

  private recover(): void {
    const storedHeight = this.blockStore.height();
    if (this.blockStore.kind === 'head-only') {
      assert(storedHeight === 0 || storedHeight === this.nextBlockNum, 'head-only block store out of step with state');
      // Reopened over a state that has committed blocks (or was joined from a snapshot): the
      // head-only store resumes counting at the state's height.
      if (storedHeight === 0 && this.nextBlockNum > 0) this.blockStore.startAt?.(this.nextBlockNum);
      return;
    }
    assert(
      storedHeight >= this.nextBlockNum,
      `state savepoint (block ${this.nextBlockNum - 1}) is ahead of the block store (height ${storedHeight})`,
    );
    for (let blockNum = this.nextBlockNum; blockNum < storedHeight; blockNum += 1) {
      const receipt = this.openReceipt;
      const block = this.blockStore.read(blockNum, receipt);
      assert(block.header.number === blockNum, `block store: block ${blockNum} holds number ${block.header.number}`);
      const { updates, txIds } = replayUpdates(block, this.config.channelId, receipt);
      // Check the chain and the data hash as the block comes back from disk (STYLE.md: assert
      // across boundaries), and recompute the block hash rather than trust anything stored.
      assert(bytesEqual(block.header.previousHash, this.lastHash), `block store: block ${blockNum} does not chain`);
      assert(
        bytesEqual(computeDataHash(block.data, receipt), block.header.dataHash),
        `block store: block ${blockNum} data hash mismatch`,
      );
      this.state.commit(this.commitBatch(blockNum, blockHash(block.header, receipt), updates, txIds, receipt));
    }
  }
}
