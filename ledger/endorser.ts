/**
 * Endorsement at a peer, as Fabric's endorser does it: check the signed proposal (well-formed, this
 * channel, txid = SHA-256(nonce ‖ creator), a valid creator whose signature verifies, a txid not
 * already in the ledger), simulate the chaincode against the peer's *committed* state into an rwset
 * with read versions, and sign the proposal response payload. A rejected proposal or a failed
 * simulation is a response with an error status and no endorsement, never an exception.
 */
import { builtinContract, runContract } from './chaincode/registry.js';
import { ChaincodeStub } from './chaincode/stub.js';
import type { StateReader } from './chaincode/stub.js';
import type { ChannelConfig } from './channel-config.js';
import type { CryptoProvider } from './crypto/provider.js';
import { signCounted, verifyCounted } from './crypto/signing.js';
import type { VerifyCache } from './crypto/verify-cache.js';
import { sha256 } from './hash.js';
import type { MspManager, SigningIdentity } from './msp.js';
import type { SignedProposal } from './proposal.js';
import { computeTxId, decodeProposal } from './proposal.js';
import type { ProposalResponse } from './proposal-response.js';
import { encodePrp, endorsementMessage, proposalResponseSize } from './proposal-response.js';
import type { WorkReceipt } from './receipt.js';

export interface EndorserContext {
  readonly identity: SigningIdentity;
  readonly config: ChannelConfig;
  readonly provider: CryptoProvider;
  readonly verifyCache: VerifyCache | null;
  readonly msp: MspManager;
  readonly state: StateReader & { hasTxId(txId: string): boolean };
  readonly chaincodes: ReadonlySet<string>;
}

function reject(status: number, message: string, receipt: WorkReceipt): ProposalResponse {
  const response: ProposalResponse = { status, message, payloadBytes: null, endorsement: null };
  receipt.messageBytes += proposalResponseSize(response);
  return response;
}

export function endorseProposal(ctx: EndorserContext, signed: SignedProposal, receipt: WorkReceipt): ProposalResponse {
  const simulation = simulateProposal(ctx, signed, receipt);
  return simulation.prpBytes === null ? simulation.response : signSimulation(ctx, simulation.prpBytes, receipt);
}

/**
 * What an endorser makes of a proposal before it signs: a rejection, or the proposal response
 * payload to sign. A function of the proposal, the channel and the committed state only (not of
 * the endorser's identity), so endorsers at the same height on the same chain reach the same one.
 */
export type Simulation = (
  | { readonly prpBytes: null; readonly response: ProposalResponse }
  | { readonly prpBytes: Uint8Array; readonly response: null }
) & {
  /** The creator identity it resolved through the endorser's MSP (null if it got no further). */
  readonly creator: Uint8Array | null;
};

/**
 * Checks the signed proposal and simulates its chaincode call against the committed state. The
 * resolution of the creator's identity is counted in `identityReceipt`: it depends on what this
 * endorser's MSP has seen before (a certificate is parsed and checked once), so it is the one part
 * of the work that is not shared.
 */
export function simulateProposal(
  ctx: EndorserContext,
  signed: SignedProposal,
  receipt: WorkReceipt,
  identityReceipt: WorkReceipt = receipt,
): Simulation {
  let resolved: Uint8Array | null = null;
  const rejected = (status: number, message: string): Simulation => ({
    prpBytes: null,
    response: reject(status, message, receipt),
    creator: resolved,
  });
  receipt.proposals += 1;
  const proposal = decodeProposal(signed.proposalBytes, receipt);
  if (proposal === null) return rejected(400, 'malformed proposal');
  if (proposal.channelId !== ctx.config.channelId) return rejected(404, `channel ${proposal.channelId} not found`);
  if (computeTxId(proposal.nonce, proposal.creator, receipt) !== proposal.txId)
    return rejected(400, 'txid is not SHA-256(nonce ‖ creator)');
  resolved = proposal.creator;
  const creator = ctx.msp.resolve(proposal.creator, identityReceipt);
  if (creator === null) return rejected(403, 'creator identity is not valid for this channel');
  const signatureOk = verifyCounted(
    ctx.provider,
    ctx.verifyCache,
    creator.cert.scheme,
    creator.cert.publicKey,
    signed.proposalBytes,
    signed.signature,
    receipt,
    true, // the creator is a client: its key is not known in advance
  );
  if (!signatureOk) return rejected(403, 'proposal signature does not verify');
  receipt.stateReads += 1;
  if (ctx.state.hasTxId(proposal.txId)) return rejected(409, `duplicate txid ${proposal.txId}`);
  if (!ctx.chaincodes.has(proposal.chaincode))
    return rejected(404, `chaincode ${proposal.chaincode} is not defined on channel ${ctx.config.channelId}`);

  const stub = new ChaincodeStub(proposal.chaincode, proposal.txId, creator, ctx.state, receipt);
  const result = runContract(builtinContract(proposal.chaincode), stub, proposal.fn, proposal.args);
  receipt.contractSteps += stub.contractSteps;
  receipt.contract = proposal.chaincode;
  if (result.status !== 200) return rejected(result.status, result.message);

  const prpBytes = encodePrp(
    {
      proposalHash: sha256(signed.proposalBytes, receipt),
      chaincode: proposal.chaincode,
      status: result.status,
      message: result.message,
      payload: result.payload,
      rwset: stub.rwset(),
      event: stub.getEvent(),
    },
    receipt,
  );
  return { prpBytes, response: null, creator: resolved };
}

/** The endorser's signature over a simulation's payload: the response it sends back. */
export function signSimulation(ctx: EndorserContext, prpBytes: Uint8Array, receipt: WorkReceipt): ProposalResponse {
  const endorser = ctx.identity;
  const signature = signCounted(
    ctx.provider,
    endorser.key,
    endorsementMessage(endorser.cert.scheme, prpBytes, endorser.bytes),
    receipt,
  );
  const response: ProposalResponse = {
    status: 200,
    message: '',
    payloadBytes: prpBytes,
    endorsement: { endorser: endorser.bytes, signature },
  };
  receipt.messageBytes += proposalResponseSize(response);
  return response;
}
