/**
 * A client application: it creates signed proposals (with deterministic nonces, so seeded runs are
 * reproducible) and, given the endorsers' responses, assembles and signs the envelope.
 */
import type { CryptoProvider } from './crypto/provider.js';
import type { AssembleResult } from './envelope.js';
import { assembleEnvelope } from './envelope.js';
import type { SigningIdentity } from './msp.js';
import { NONCE_BYTES, createSignedProposal } from './proposal.js';
import type { Proposal, SignedProposal } from './proposal.js';
import type { ProposalResponse } from './proposal-response.js';
import type { WorkReceipt } from './receipt.js';
import { emptyReceipt } from './receipt.js';
import { createHash } from 'node:crypto';

export interface ProposeResult {
  readonly proposal: Proposal;
  readonly signed: SignedProposal;
  readonly receipt: WorkReceipt;
}

export class Client {
  private nonceCounter = 0;

  constructor(
    readonly identity: SigningIdentity,
    private readonly provider: CryptoProvider,
    readonly channelId: string,
    private readonly nonceSeed: string,
  ) {}

  /** The next nonce: SHA-256(seed ‖ counter) truncated, unique per client and reproducible. */
  nextNonce(): Uint8Array {
    const counter = Buffer.alloc(8);
    counter.writeBigUInt64BE(BigInt(this.nonceCounter));
    this.nonceCounter += 1;
    return createHash('sha256')
      .update('bpusim/nonce/')
      .update(this.nonceSeed)
      .update(counter)
      .digest()
      .subarray(0, NONCE_BYTES);
  }

  propose(chaincode: string, fn: string, args: readonly string[], nonce: Uint8Array = this.nextNonce()): ProposeResult {
    const receipt = emptyReceipt();
    const { proposal, signed } = createSignedProposal(
      this.identity,
      this.provider,
      { channelId: this.channelId, chaincode, fn, args, nonce },
      receipt,
    );
    return { proposal, signed, receipt };
  }

  assemble(
    proposal: Proposal,
    responses: readonly ProposalResponse[],
    options: { aggregateBls?: boolean } = {},
  ): { result: AssembleResult; receipt: WorkReceipt } {
    const receipt = emptyReceipt();
    const result = assembleEnvelope(this.identity, this.provider, proposal, responses, receipt, options);
    return { result, receipt };
  }
}
