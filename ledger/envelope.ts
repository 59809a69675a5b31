/**
 * Transaction envelopes (client side: comparing responses and assembling; committer side:
 * decoding). The payload carries the header fields (channel, txid, creator, nonce), the invocation
 * and the endorsed action (PRP plus endorsements); the creator signs the payload bytes.
 *
 * With BLS endorsers the client aggregates the endorsement signatures into one (the paper's
 * remedy 2): the envelope lists the endorsers' identities and carries one aggregate signature.
 */
import { decode, encode, encodeBytesPair } from './codec.js';
import type { CryptoProvider } from './crypto/provider.js';
import { signCounted } from './crypto/signing.js';
import { bytesEqual } from './hash.js';
import type { SigningIdentity } from './msp.js';
import { parseCertificate } from './msp.js';
import type { Proposal } from './proposal.js';
import type { Endorsement, ProposalResponse } from './proposal-response.js';
import type { WorkReceipt } from './receipt.js';

export interface Transaction {
  readonly channelId: string;
  readonly txId: string;
  readonly creator: Uint8Array;
  readonly nonce: Uint8Array;
  readonly chaincode: string;
  readonly fn: string;
  readonly args: readonly string[];
  readonly prpBytes: Uint8Array;
  readonly endorsements: readonly Endorsement[];
  /** The aggregate BLS signature when endorsements were aggregated (their own signatures are then empty). */
  readonly blsAggregate: Uint8Array | null;
}

export interface DecodedEnvelope {
  readonly payloadBytes: Uint8Array;
  readonly signature: Uint8Array;
  readonly tx: Transaction;
}

export type AssembleResult =
  | { readonly ok: true; readonly envelope: Uint8Array; readonly txId: string }
  | { readonly ok: false; readonly reason: string };

const EMPTY = new Uint8Array(0);

/**
 * Compares the endorsers' responses (all successful, identical PRP bytes, each endorsed) and, if they
 * agree, assembles and signs the envelope. Disagreement is a value, not an exception: the gateway
 * reports it to the client as Fabric's gateway does.
 */
export function assembleEnvelope(
  client: SigningIdentity,
  provider: CryptoProvider,
  proposal: Proposal,
  responses: readonly ProposalResponse[],
  receipt: WorkReceipt,
  options: { aggregateBls?: boolean } = {},
): AssembleResult {
  if (responses.length === 0) return { ok: false, reason: 'no proposal responses' };
  const first = responses[0];
  if (first === undefined || first.payloadBytes === null)
    return { ok: false, reason: `endorsement failed: ${first?.message ?? ''}` };
  const prpBytes = first.payloadBytes;
  const endorsements: Endorsement[] = [];
  for (const response of responses) {
    if (response.status !== 200 || response.payloadBytes === null || response.endorsement === null) {
      return { ok: false, reason: `endorsement failed: status ${response.status}: ${response.message}` };
    }
    if (!bytesEqual(response.payloadBytes, prpBytes))
      return {
        ok: false,
        reason: 'proposal responses differ (non-deterministic chaincode or endorsers at different heights)',
      };
    endorsements.push(response.endorsement);
  }
  let blsAggregate: Uint8Array | null = null;
  let wireEndorsements = endorsements;
  const wantAggregate = options.aggregateBls ?? true;
  if (wantAggregate && endorsements.length > 1) {
    const schemes = endorsements.map((e) => parseCertificate(e.endorser, receipt)?.cert.scheme);
    if (schemes.every((scheme) => scheme === 'bls')) {
      blsAggregate = provider.aggregateBls(endorsements.map((e) => e.signature));
      if (blsAggregate === null) return { ok: false, reason: 'malformed BLS endorsement signature' };
      wireEndorsements = endorsements.map((e) => ({ endorser: e.endorser, signature: EMPTY }));
    }
  }
  const payloadBytes = encode(
    [
      proposal.channelId,
      proposal.txId,
      proposal.creator,
      proposal.nonce,
      proposal.chaincode,
      proposal.fn,
      proposal.args,
      prpBytes,
      wireEndorsements.map((e) => [e.endorser, e.signature] as const),
      blsAggregate,
    ],
    receipt,
  );
  const signature = signCounted(provider, client.key, payloadBytes, receipt);
  const envelope = encodeBytesPair(payloadBytes, signature, receipt);
  receipt.messageBytes += envelope.length;
  return { ok: true, envelope, txId: proposal.txId };
}

/** Decodes an envelope; null when any part is malformed (the validator's BAD_PAYLOAD). */
export function decodeEnvelope(bytes: Uint8Array, receipt: WorkReceipt): DecodedEnvelope | null {
  try {
    const outer = decode(bytes, receipt);
    if (!Array.isArray(outer) || outer.length !== 2) return null;
    const [payloadBytes, signature] = outer as unknown[];
    if (!(payloadBytes instanceof Uint8Array) || !(signature instanceof Uint8Array)) return null;
    const raw = decode(payloadBytes, receipt);
    if (!Array.isArray(raw) || raw.length !== 10) return null;
    const [channelId, txId, creator, nonce, chaincode, fn, args, prpBytes, rawEndorsements, blsAggregate] =
      raw as unknown[];
    if (
      typeof channelId !== 'string' ||
      typeof txId !== 'string' ||
      typeof chaincode !== 'string' ||
      typeof fn !== 'string'
    )
      return null;
    if (!(creator instanceof Uint8Array) || !(nonce instanceof Uint8Array) || !(prpBytes instanceof Uint8Array))
      return null;
    if (!Array.isArray(args) || !args.every((arg) => typeof arg === 'string')) return null;
    if (!(blsAggregate === null || blsAggregate instanceof Uint8Array)) return null;
    if (!Array.isArray(rawEndorsements)) return null;
    const endorsements: Endorsement[] = [];
    for (const item of rawEndorsements) {
      if (!Array.isArray(item) || item.length !== 2) return null;
      const [endorser, sig] = item as unknown[];
      if (!(endorser instanceof Uint8Array) || !(sig instanceof Uint8Array)) return null;
      endorsements.push({ endorser, signature: sig });
    }
    return {
      payloadBytes,
      signature,
      tx: {
        channelId,
        txId,
        creator,
        nonce,
        chaincode,
        fn,
        args: args as string[],
        prpBytes,
        endorsements,
        blsAggregate,
      },
    };
  } catch {
    return null;
  }
}
