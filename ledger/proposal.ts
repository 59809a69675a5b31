/**
 * Transaction proposals as in Fabric: channel, chaincode, function, args, creator (serialised
 * identity) and a nonce; txid = hex(SHA-256(nonce ‖ creator)). The client signs the proposal bytes.
 */
import { decode, encode } from './codec.js';
import type { CryptoProvider } from './crypto/provider.js';
import { signCounted } from './crypto/signing.js';
import { sha256PartsHex } from './hash.js';
import type { SigningIdentity } from './msp.js';
import type { WorkReceipt } from './receipt.js';

export const NONCE_BYTES = 24;

export interface Proposal {
  readonly channelId: string;
  readonly txId: string;
  readonly chaincode: string;
  readonly fn: string;
  readonly args: readonly string[];
  readonly creator: Uint8Array;
  readonly nonce: Uint8Array;
}

export interface SignedProposal {
  readonly proposalBytes: Uint8Array;
  readonly signature: Uint8Array;
}

export function computeTxId(nonce: Uint8Array, creator: Uint8Array, receipt: WorkReceipt): string {
  return sha256PartsHex([nonce, creator], receipt);
}

export function proposalTuple(p: Proposal) {
  return [p.channelId, p.txId, p.chaincode, p.fn, p.args, p.creator, p.nonce] as const;
}

export interface ProposalRequest {
  readonly channelId: string;
  readonly chaincode: string;
  readonly fn: string;
  readonly args: readonly string[];
  readonly nonce: Uint8Array;
}

/** Builds and signs a proposal (client side). */
export function createSignedProposal(
  client: SigningIdentity,
  provider: CryptoProvider,
  request: ProposalRequest,
  receipt: WorkReceipt,
): { proposal: Proposal; signed: SignedProposal } {
  const txId = computeTxId(request.nonce, client.bytes, receipt);
  const proposal: Proposal = { ...request, txId, creator: client.bytes };
  const proposalBytes = encode(proposalTuple(proposal), receipt);
  const signature = signCounted(provider, client.key, proposalBytes, receipt);
  const signed = { proposalBytes, signature };
  receipt.messageBytes += signedProposalSize(signed);
  return { proposal, signed };
}

export function signedProposalSize(signed: SignedProposal): number {
  return signed.proposalBytes.length + signed.signature.length;
}

export function decodeProposal(bytes: Uint8Array, receipt: WorkReceipt): Proposal | null {
  try {
    const raw = decode(bytes, receipt);
    if (!Array.isArray(raw) || raw.length !== 7) return null;
    const [channelId, txId, chaincode, fn, args, creator, nonce] = raw as unknown[];
    if (
      typeof channelId !== 'string' ||
      typeof txId !== 'string' ||
      typeof chaincode !== 'string' ||
      typeof fn !== 'string'
    )
      return null;
    if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) return null;
    if (!(creator instanceof Uint8Array) || !(nonce instanceof Uint8Array)) return null;
    return { channelId, txId, chaincode, fn, args: args as string[], creator, nonce };
  } catch {
    return null;
  }
}
