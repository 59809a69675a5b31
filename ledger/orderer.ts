/**
 * The ordering service's function (not its consensus, which engines model in time): it accepts
 * envelopes at broadcast (size limit and, as Fabric's SigFilter does, the creator's signature),
 * runs the block cutter, and turns each cut batch into a signed block chained to the previous one.
 * Every call returns a receipt; a block's receipt counts one copy of the block as message bytes
 * (the simulator multiplies by the number of peers it is delivered to).
 */
import { GENESIS_PREVIOUS_HASH, blockHash, computeDataHash, encodeHeader } from './block.js';
import type { Block, BlockHeader } from './block.js';
import { blockSizeBytes } from './block.js';
import { BlockCutter } from './block-cutter.js';
import type { ChannelConfig } from './channel-config.js';
import type { CryptoProvider } from './crypto/provider.js';
import { signCounted, verifyCounted } from './crypto/signing.js';
import type { VerifyCache } from './crypto/verify-cache.js';
import { decodeEnvelope } from './envelope.js';
import { encodeGenesisData } from './genesis.js';
import type { MspManager, SigningIdentity } from './msp.js';
import type { WorkReceipt } from './receipt.js';
import { emptyReceipt } from './receipt.js';
import { assert } from './assert.js';
import { bytesEqual } from './hash.js';

export interface BroadcastResult {
  readonly accepted: boolean;
  readonly reason: string;
  /** Blocks this envelope caused to be cut (zero, one or two). */
  readonly blocks: readonly Block[];
  readonly receipt: WorkReceipt;
}

export interface OrdererOptions {
  /** Check the creator's signature at broadcast as Fabric's SigFilter does (default true). */
  readonly checkCreatorSignature?: boolean;
  readonly msp?: MspManager;
  readonly verifyCache?: VerifyCache | null;
}

const EMPTY = new Uint8Array(0);

export class Orderer {
  private readonly cutter: BlockCutter;
  private nextNumber = 0;
  private previousHash: Uint8Array = GENESIS_PREVIOUS_HASH;

  constructor(
    private readonly identity: SigningIdentity,
    private readonly provider: CryptoProvider,
    private readonly config: ChannelConfig,
    private readonly options: OrdererOptions = {},
  ) {
    this.cutter = new BlockCutter(config.batch);
  }

  get height(): number {
    return this.nextNumber;
  }

  get pendingCount(): number {
    return this.cutter.pendingCount;
  }

  /** Block 0 with the channel's genesis state. Must be the first block created. */
  genesisBlock(): { block: Block; receipt: WorkReceipt } {
    const receipt = emptyReceipt();
    const block = this.createBlock([encodeGenesisData(this.config, receipt)], receipt);
    return { block, receipt };
  }

  /**
   * Takes `block` as block 0 instead of creating it: a genesis this orderer would have created
   * (same channel config, same identity), kept from an earlier network (ledger/genesis-image.ts).
   */
  adoptGenesisBlock(block: Block): void {
    assert(this.nextNumber === 0 && block.header.number === 0, 'the genesis block must be the first block');
    assert(bytesEqual(block.metadata.ordererIdentity, this.identity.bytes), 'a genesis block of another orderer');
    this.previousHash = blockHash(block.header, emptyReceipt());
    this.nextNumber = 1;
  }

  broadcast(envelope: Uint8Array): BroadcastResult {
    const receipt = emptyReceipt();
    if (envelope.length > this.config.batch.absoluteMaxBytes) {
      return {
        accepted: false,
        reason: `envelope of ${envelope.length} bytes exceeds AbsoluteMaxBytes ${this.config.batch.absoluteMaxBytes}`,
        blocks: [],
        receipt,
      };
    }
    if (this.options.checkCreatorSignature !== false && this.options.msp !== undefined) {
      const decoded = decodeEnvelope(envelope, receipt);
      const creator = decoded === null ? null : this.options.msp.resolve(decoded.tx.creator, receipt);
      if (decoded === null || creator === null)
        return { accepted: false, reason: 'malformed envelope or unknown creator', blocks: [], receipt };
      const ok = verifyCounted(
        this.provider,
        this.options.verifyCache ?? null,
        creator.cert.scheme,
        creator.cert.publicKey,
        decoded.payloadBytes,
        decoded.signature,
        receipt,
        true, // the creator is a client: its key is not known in advance
      );
      if (!ok) return { accepted: false, reason: 'bad creator signature', blocks: [], receipt };
    }
    const blocks = this.cutter.ordered(envelope).map((batch) => this.createBlock(batch, receipt));
    return { accepted: true, reason: '', blocks, receipt };
  }

  /** Cuts the pending batch now (the simulator's batch timeout); null when nothing is pending. */
  cutNow(): { block: Block | null; receipt: WorkReceipt } {
    const receipt = emptyReceipt();
    const batch = this.cutter.cut();
    return { block: batch.length === 0 ? null : this.createBlock(batch, receipt), receipt };
  }

  /** Makes the next block from `envelopes` directly (tests craft blocks with it). */
  createBlock(envelopes: readonly Uint8Array[], receipt: WorkReceipt): Block {
    const header: BlockHeader = {
      number: this.nextNumber,
      previousHash: this.previousHash,
      dataHash: computeDataHash(envelopes, receipt),
    };
    const ordererSignature = signCounted(this.provider, this.identity.key, encodeHeader(header, receipt), receipt);
    this.previousHash = blockHash(header, receipt);
    this.nextNumber += 1;
    const block: Block = {
      header,
      data: envelopes.slice(),
      metadata: { ordererIdentity: this.identity.bytes, ordererSignature, validationFlags: EMPTY },
    };
    receipt.messageBytes += blockSizeBytes(block);
    return block;
  }
}
