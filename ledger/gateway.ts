/**
 * The gateway — the paper's Proxy — as decomposed, synchronous, time-free steps the simulator can
 * schedule one by one: choose endorsers for the chaincode's policy, collect their responses (each
 * `peer.endorse` is its own step), have the client compare them and assemble the envelope, broadcast
 * to the orderer, and learn each transaction's final validation code when a peer commits its block.
 *
 * `submitAndCommit` chains every step synchronously (tests, the ledger benchmark).
 */
import { LedgerInputError } from './assert.js';
import type { Block } from './block.js';
import type { ChannelConfig } from './channel-config.js';
import { checkChannelConfig } from './channel-config.js';
import type { Client } from './client.js';
import { decodeEnvelope } from './envelope.js';
import type { Orderer } from './orderer.js';
import type { CommitResult, Peer } from './peer.js';
import type { Policy } from './policy.js';
import { planEndorsers } from './policy.js';
import type { ProposalResponse } from './proposal-response.js';
import type { SignedProposal } from './proposal.js';
import type { WorkReceipt } from './receipt.js';
import { addReceipt, emptyReceipt } from './receipt.js';
import { ValidationCode } from './validation-code.js';

export interface SubmitOutcome {
  readonly txId: string;
  /** The validation code at the committing peers, or null when the tx never reached ordering. */
  readonly code: number | null;
  /** Why the tx did not reach ordering (endorsement failure, response mismatch, orderer refusal). */
  readonly error: string;
  readonly blockNum: number | null;
  /** Every step's receipts added together (client, endorsers, orderer, all committing peers). */
  readonly receipt: WorkReceipt;
}

export class Gateway {
  private readonly policies: ReadonlyMap<string, Policy>;
  private readonly peersByMsp = new Map<string, Peer[]>();
  private readonly finalCodes = new Map<string, number>();
  private rotation = 0;

  constructor(
    readonly config: ChannelConfig,
    readonly peers: readonly Peer[],
    readonly orderer: Orderer,
  ) {
    this.policies = checkChannelConfig(config);
    for (const peer of peers) {
      const list = this.peersByMsp.get(peer.mspId) ?? [];
      list.push(peer);
      this.peersByMsp.set(peer.mspId, list);
    }
  }

  /**
   * Endorsers that satisfy the chaincode's policy: a smallest plan of principals, rotated across
   * calls so equivalent orgs share the load, and within an org the peer with the highest committed
   * height (Fabric's gateway prefers the most up-to-date peers), ties to the first listed.
   */
  chooseEndorsers(chaincode: string): Peer[] {
    const policy = this.policies.get(chaincode);
    if (policy === undefined)
      throw new LedgerInputError(`chaincode '${chaincode}' is not defined on channel ${this.config.channelId}`);
    const plan = planEndorsers(policy, new Set(this.peersByMsp.keys()), this.rotation);
    this.rotation += 1;
    if (plan === null)
      throw new LedgerInputError(
        `chaincode '${chaincode}': no set of available peers satisfies its endorsement policy`,
      );
    const chosen: Peer[] = [];
    for (const principal of plan) {
      const candidates = (this.peersByMsp.get(principal.mspId) ?? []).filter(
        (p) => !chosen.includes(p) && (principal.role === 'member' || principal.role === 'peer'),
      );
      const best = candidates.reduce<Peer | undefined>(
        (acc, p) => (acc === undefined || p.height > acc.height ? p : acc),
        undefined,
      );
      if (best === undefined)
        throw new LedgerInputError(
          `chaincode '${chaincode}': no peer of ${principal.mspId} left for its endorsement policy`,
        );
      chosen.push(best);
    }
    return chosen;
  }

  /** Sends the proposal to each endorser in turn (the simulator would do these in parallel). */
  endorse(
    signed: SignedProposal,
    endorsers: readonly Peer[],
  ): { responses: ProposalResponse[]; receipts: WorkReceipt[] } {
    const responses: ProposalResponse[] = [];
    const receipts: WorkReceipt[] = [];
    for (const peer of endorsers) {
      const { response, receipt } = peer.endorse(signed);
      responses.push(response);
      receipts.push(receipt);
    }
    return { responses, receipts };
  }

  /** Records the codes a committing peer assigned to the block's transactions. */
  noteCommit(block: Block, result: CommitResult): WorkReceipt {
    const receipt = emptyReceipt();
    block.data.forEach((envelope, i) => {
      const decoded = decodeEnvelope(envelope, receipt);
      if (decoded !== null && !this.finalCodes.has(decoded.tx.txId))
        this.finalCodes.set(decoded.tx.txId, result.validationCodes[i] ?? ValidationCode.NOT_VALIDATED);
    });
    return receipt;
  }

  /** The final validation code of a committed tx (and forgets it: each is asked for once). */
  takeStatus(txId: string): number | undefined {
    const code = this.finalCodes.get(txId);
    this.finalCodes.delete(txId);
    return code;
  }

  /**
   * One transaction end to end, synchronously: endorse, assemble, broadcast, cut the block at once
   * and commit it at every peer. For tests and benchmarks; the simulator drives the steps itself.
   */
  submitAndCommit(client: Client, chaincode: string, fn: string, args: readonly string[]): SubmitOutcome {
    const total = emptyReceipt();
    const proposed = client.propose(chaincode, fn, args);
    addReceipt(total, proposed.receipt);
    const txId = proposed.proposal.txId;
    const { responses, receipts } = this.endorse(proposed.signed, this.chooseEndorsers(chaincode));
    for (const r of receipts) addReceipt(total, r);
    const assembled = client.assemble(proposed.proposal, responses);
    addReceipt(total, assembled.receipt);
    if (!assembled.result.ok)
      return { txId, code: null, error: assembled.result.reason, blockNum: null, receipt: total };
    const broadcast = this.orderer.broadcast(assembled.result.envelope);
    addReceipt(total, broadcast.receipt);
    if (!broadcast.accepted) return { txId, code: null, error: broadcast.reason, blockNum: null, receipt: total };
    const blocks = [...broadcast.blocks];
    const cut = this.orderer.cutNow();
    addReceipt(total, cut.receipt);
    if (cut.block !== null) blocks.push(cut.block);
    let blockNum: number | null = null;
    for (const block of blocks) {
      for (const peer of this.peers) {
        const result = peer.validateAndCommit(block);
        addReceipt(total, result.receipt);
        if (peer === this.peers[0]) addReceipt(total, this.noteCommit(block, result));
      }
      blockNum = block.header.number;
    }
    const code = this.takeStatus(txId) ?? null;
    return { txId, code, error: '', blockNum, receipt: total };
  }
}
