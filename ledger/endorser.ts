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
  receipt.proposals += 1;
  const proposal = decodeProposal(signed.proposalBytes, receipt);
  if (proposal === null) return reject(400, 'malformed proposal', receipt);
  if (proposal.channelId !== ctx.config.channelId)
    return reject(404, `channel ${proposal.channelId} not found`, receipt);
  if (computeTxId(proposal.nonce, proposal.creator, receipt) !== proposal.txId)
    return reject(400, 'txid is not SHA-256(nonce ‖ creator)', receipt);
  const creator = ctx.msp.resolve(proposal.creator, receipt);
  if (creator === null) return reject(403, 'creator identity is not valid for this channel', receipt);
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
  if (!signatureOk) return reject(403, 'proposal signature does not verify', receipt);
  receipt.stateReads += 1;
  if (ctx.state.hasTxId(proposal.txId)) return reject(409, `duplicate txid ${proposal.txId}`, receipt);
  if (!ctx.chaincodes.has(proposal.chaincode))
    return reject(404, `chaincode ${proposal.chaincode} is not defined on channel ${ctx.config.channelId}`, receipt);

  const stub = new ChaincodeStub(proposal.chaincode, proposal.txId, creator, ctx.state, receipt);
  const result = runContract(builtinContract(proposal.chaincode), stub, proposal.fn, proposal.args);
  receipt.contractSteps += stub.contractSteps;
  receipt.contract = proposal.chaincode;
  if (result.status !== 200) return reject(result.status, result.message, receipt);

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
