/**
 * Proposal responses as in Fabric: the proposal response payload (PRP) carries the proposal's hash,
 * the chaincode, the chaincode response and the rwset; an endorsement is the endorser's serialised
 * identity and its signature over PRP ‖ identity (Fabric's rule). For BLS endorsers the signature
 * covers the PRP alone, so every endorser signs the same message and the signatures aggregate.
 */
import { decode, encode } from './codec.js';
import type { ChaincodeEvent } from './chaincode/stub.js';
import type { RwSet } from './chaincode/rwset.js';
import { rwsetFromTuple, rwsetToTuple } from './chaincode/rwset.js';
import type { WorkReceipt } from './receipt.js';
import type { Scheme } from './receipt.js';
import { concatBytes } from './hash.js';

export interface ProposalResponsePayload {
  readonly proposalHash: Uint8Array;
  readonly chaincode: string;
  readonly status: number;
  readonly message: string;
  readonly payload: Uint8Array;
  readonly rwset: RwSet;
  readonly event: ChaincodeEvent | null;
}

export interface Endorsement {
  /** The endorser's serialised identity. */
  readonly endorser: Uint8Array;
  readonly signature: Uint8Array;
}

/**
 * What an endorser returns. A failed simulation (status ≠ 200) or a rejected proposal carries no
 * payload and no endorsement, as in Fabric.
 */
export interface ProposalResponse {
  readonly status: number;
  readonly message: string;
  readonly payloadBytes: Uint8Array | null;
  readonly endorsement: Endorsement | null;
}

export function encodePrp(prp: ProposalResponsePayload, receipt: WorkReceipt): Uint8Array {
  return encode(
    [
      prp.proposalHash,
      prp.chaincode,
      prp.status,
      prp.message,
      prp.payload,
      rwsetToTuple(prp.rwset),
      prp.event?.name ?? null,
      prp.event?.payload ?? null,
    ],
    receipt,
  );
}

export function decodePrp(bytes: Uint8Array, receipt: WorkReceipt): ProposalResponsePayload | null {
  try {
    const raw = decode(bytes, receipt);
    if (!Array.isArray(raw) || raw.length !== 8) return null;
    const [proposalHash, chaincode, status, message, payload, rwsetRaw, eventName, eventPayload] = raw as unknown[];
    if (!(proposalHash instanceof Uint8Array) || typeof chaincode !== 'string' || typeof status !== 'number')
      return null;
    if (typeof message !== 'string' || !(payload instanceof Uint8Array)) return null;
    const rwset = rwsetFromTuple(rwsetRaw);
    if (rwset === null) return null;
    let event: ChaincodeEvent | null = null;
    if (typeof eventName === 'string' && eventPayload instanceof Uint8Array)
      event = { name: eventName, payload: eventPayload };
    return { proposalHash, chaincode, status, message, payload, rwset, event };
  } catch {
    return null;
  }
}

/** The bytes an endorser signs: PRP ‖ identity (P-256, Ed25519) or PRP alone (BLS, aggregatable). */
export function endorsementMessage(scheme: Scheme, prpBytes: Uint8Array, endorser: Uint8Array): Uint8Array {
  return scheme === 'bls' ? prpBytes : concatBytes([prpBytes, endorser]);
}

export function proposalResponseSize(response: ProposalResponse): number {
  return (
    (response.payloadBytes?.length ?? 0) +
    (response.endorsement === null ? 0 : response.endorsement.endorser.length + response.endorsement.signature.length) +
    response.message.length +
    4
  );
}
