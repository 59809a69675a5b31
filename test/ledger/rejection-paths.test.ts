/**
 * One crafted transaction per rejection path, each asserting its Fabric validation code at a
 * committing peer: forged creator signature, forged endorsement, policy not met, MVCC conflict
 * across blocks and within a block, phantom read (across and within a block), duplicate txid
 * (within a block and against the ledger), unknown MSP (creator and endorser), malformed and empty
 * envelopes, wrong txid. Blocks are made with `orderer.createBlock`, bypassing the orderer's own
 * signature filter, so the peer's validator is what rejects them.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../ledger/codec.js';
import { assembleEnvelope } from '../../ledger/envelope.js';
import { CertificateAuthority } from '../../ledger/msp.js';
import { createSignedProposal, computeTxId } from '../../ledger/proposal.js';
import type { ProposalResponse } from '../../ledger/proposal-response.js';
import { emptyReceipt } from '../../ledger/receipt.js';
import { ValidationCode, validationCodeName } from '../../ledger/validation-code.js';
import type { Network } from '../../ledger/network.js';
import type { Block } from '../../ledger/block.js';
import { smallNetwork } from './_fixtures.js';

function endorseAll(net: Network, clientIndex: number, cc: string, fn: string, args: string[]) {
  const client = net.clients[clientIndex]!;
  const proposed = client.propose(cc, fn, args);
  const endorsers = [net.peers[0]!, net.peers[1]!];
  const responses = endorsers.map((p) => p.endorse(proposed.signed).response);
  for (const r of responses) expect(r.status).toBe(200);
  return { client, proposed, responses };
}

function envelopeFor(net: Network, clientIndex: number, cc: string, fn: string, args: string[]): Uint8Array {
  const { client, proposed, responses } = endorseAll(net, clientIndex, cc, fn, args);
  const assembled = client.assemble(proposed.proposal, responses);
  if (!assembled.result.ok) throw new Error(assembled.result.reason);
  return assembled.result.envelope;
}

function commit(net: Network, envelopes: Uint8Array[]): string[] {
  const block: Block = net.orderer.createBlock(envelopes, emptyReceipt());
  let codes: string[] = [];
  for (const peer of net.peers) {
    const result = peer.validateAndCommit(block);
    codes = [...result.validationCodes].map(validationCodeName);
  }
  return codes;
}

function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[index] = (out[index] ?? 0) ^ 0x01;
  return out;
}

describe('rejection paths', () => {
  it('forged creator signature → BAD_CREATOR_SIGNATURE', () => {
    const net = smallNetwork();
    const envelope = envelopeFor(net, 0, 'smallbank', 'deposit_checking', ['1', '5']);
    const [payload, signature] = decode(envelope, emptyReceipt()) as [Uint8Array, Uint8Array];
    const forged = encode([payload, flipByte(signature, signature.length - 3)], emptyReceipt());
    expect(commit(net, [forged])).toEqual(['BAD_CREATOR_SIGNATURE']);
  });

  it('forged endorsement → ENDORSEMENT_POLICY_FAILURE (2-of-3 policy left with one good signature)', () => {
    const net = smallNetwork();
    const { client, proposed, responses } = endorseAll(net, 0, 'smallbank', 'deposit_checking', ['1', '5']);
    const e = responses[1]!.endorsement!;
    const forged: ProposalResponse = {
      ...responses[1]!,
      endorsement: { endorser: e.endorser, signature: flipByte(e.signature, e.signature.length - 2) },
    };
    const assembled = assembleEnvelope(
      client.identity,
      net.crypto,
      proposed.proposal,
      [responses[0]!, forged],
      emptyReceipt(),
    );
    expect(assembled.ok).toBe(true);
    if (!assembled.ok) return;
    expect(commit(net, [assembled.envelope])).toEqual(['ENDORSEMENT_POLICY_FAILURE']);
  });

  it('policy not met (one endorsement for a 2-of-3 policy) → ENDORSEMENT_POLICY_FAILURE', () => {
    const net = smallNetwork();
    const { client, proposed, responses } = endorseAll(net, 0, 'smallbank', 'deposit_checking', ['1', '5']);
    const assembled = client.assemble(proposed.proposal, [responses[0]!]);
    if (!assembled.result.ok) throw new Error('assemble failed');
    expect(commit(net, [assembled.result.envelope])).toEqual(['ENDORSEMENT_POLICY_FAILURE']);
  });

  it('the same endorser twice does not count twice → ENDORSEMENT_POLICY_FAILURE', () => {
    const net = smallNetwork();
    const { client, proposed, responses } = endorseAll(net, 0, 'smallbank', 'deposit_checking', ['1', '5']);
    const assembled = client.assemble(proposed.proposal, [responses[0]!, responses[0]!]);
    if (!assembled.result.ok) throw new Error('assemble failed');
    expect(commit(net, [assembled.result.envelope])).toEqual(['ENDORSEMENT_POLICY_FAILURE']);
  });

  it('MVCC conflict across blocks → MVCC_READ_CONFLICT', () => {
    const net = smallNetwork();
    const a = envelopeFor(net, 0, 'smallbank', 'send_payment', ['1', '2', '10']);
    const b = envelopeFor(net, 1, 'smallbank', 'send_payment', ['1', '3', '10']);
    expect(commit(net, [a])).toEqual(['VALID']);
    expect(commit(net, [b])).toEqual(['MVCC_READ_CONFLICT']);
  });

  it('MVCC conflict within a block → the later tx is MVCC_READ_CONFLICT', () => {
    const net = smallNetwork();
    const a = envelopeFor(net, 0, 'smallbank', 'send_payment', ['1', '2', '10']);
    const b = envelopeFor(net, 1, 'smallbank', 'send_payment', ['3', '1', '10']);
    const c = envelopeFor(net, 2, 'smallbank', 'deposit_checking', ['7', '10']);
    expect(commit(net, [a, b, c])).toEqual(['VALID', 'MVCC_READ_CONFLICT', 'VALID']);
  });

  it('phantom read across blocks → PHANTOM_READ_CONFLICT', () => {
    const net = smallNetwork();
    const scan = envelopeFor(net, 0, 'kv', 'scan', ['user0000000010', '5']);
    // Insert a key inside the scanned range [user..10, user..14] before the scan commits.
    const insert = envelopeFor(net, 1, 'kv', 'insert', ['user0000000011x', 'v']);
    expect(commit(net, [insert])).toEqual(['VALID']);
    expect(commit(net, [scan])).toEqual(['PHANTOM_READ_CONFLICT']);
  });

  it('phantom read within a block → PHANTOM_READ_CONFLICT; a write outside the range is harmless', () => {
    const net = smallNetwork();
    const insert = envelopeFor(net, 1, 'kv', 'insert', ['user0000000012x', 'v']);
    const outside = envelopeFor(net, 2, 'kv', 'update', ['user0000000040', 'v']);
    const scan = envelopeFor(net, 0, 'kv', 'scan', ['user0000000010', '5']);
    expect(commit(net, [outside, insert, scan])).toEqual(['VALID', 'VALID', 'PHANTOM_READ_CONFLICT']);
  });

  it('duplicate txid within a block and against the ledger → DUPLICATE_TXID', () => {
    const net = smallNetwork();
    const a = envelopeFor(net, 0, 'smallbank', 'deposit_checking', ['1', '5']);
    expect(commit(net, [a, a])).toEqual(['VALID', 'DUPLICATE_TXID']);
    expect(commit(net, [a])).toEqual(['DUPLICATE_TXID']);
    // An endorser also refuses a proposal whose txid is already in its ledger (same nonce, same creator).
    const [payload] = decode(a, emptyReceipt()) as [Uint8Array];
    const nonce = (decode(payload, emptyReceipt()) as unknown[])[3] as Uint8Array;
    const replay = net.clients[0]!.propose('smallbank', 'deposit_checking', ['1', '5'], nonce);
    expect(net.peers[0]!.endorse(replay.signed).response.status).toBe(409);
  });

  it('unknown MSP: creator → BAD_CREATOR_SIGNATURE; endorser → ignored, ENDORSEMENT_POLICY_FAILURE', () => {
    const net = smallNetwork();
    const evilCa = new CertificateAuthority(net.crypto, 'EvilMSP', 'test-seed');
    const evilClient = evilCa.issue('mallory', 'client', 'p256', 'test-seed');
    const evilPeer = evilCa.issue('peer0', 'peer', 'p256', 'test-seed');
    // Endorsers refuse a proposal from an unknown MSP outright.
    const refused = createSignedProposal(
      evilClient,
      net.crypto,
      { channelId: 'mychannel', chaincode: 'smallbank', fn: 'query', args: ['1'], nonce: new Uint8Array(24) },
      emptyReceipt(),
    );
    expect(net.peers[0]!.endorse(refused.signed).response.status).toBe(403);
    // A committed envelope whose creator is from an unknown MSP.
    const { proposed, responses } = endorseAll(net, 0, 'smallbank', 'deposit_checking', ['1', '5']);
    const nonce = proposed.proposal.nonce;
    const evilProposal = {
      ...proposed.proposal,
      creator: evilClient.bytes,
      txId: computeTxId(nonce, evilClient.bytes, emptyReceipt()),
    };
    const evilEnvelope = assembleEnvelope(evilClient, net.crypto, evilProposal, responses, emptyReceipt());
    if (!evilEnvelope.ok) throw new Error('assemble failed');
    expect(commit(net, [evilEnvelope.envelope])).toEqual(['BAD_CREATOR_SIGNATURE']);
    // An endorsement from an unknown MSP's peer, correctly signed, counts for nothing.
    const good = responses[0]!;
    const prp = good.payloadBytes!;
    const evilSig = net.crypto.sign(evilPeer.key, Buffer.concat([prp, evilPeer.bytes]));
    const evilResponse: ProposalResponse = { ...good, endorsement: { endorser: evilPeer.bytes, signature: evilSig } };
    const mixed = assembleEnvelope(
      net.clients[0]!.identity,
      net.crypto,
      proposed.proposal,
      [good, evilResponse],
      emptyReceipt(),
    );
    if (!mixed.ok) throw new Error('assemble failed');
    expect(commit(net, [mixed.envelope])).toEqual(['ENDORSEMENT_POLICY_FAILURE']);
  });

  it('malformed, empty and wrong-txid envelopes → BAD_PAYLOAD, NIL_ENVELOPE, BAD_PROPOSAL_TXID', () => {
    const net = smallNetwork();
    const good = envelopeFor(net, 0, 'smallbank', 'deposit_checking', ['1', '5']);
    const [payload] = decode(good, emptyReceipt()) as [Uint8Array, Uint8Array];
    const fields = decode(payload, emptyReceipt()) as unknown[];
    fields[1] = 'ab'.repeat(32);
    const wrongTxIdPayload = encode(fields as never, emptyReceipt());
    const wrongTxId = encode(
      [wrongTxIdPayload, net.crypto.sign(net.clients[0]!.identity.key, wrongTxIdPayload)],
      emptyReceipt(),
    );
    const garbage = Uint8Array.from([0xc1, 0xff, 0x00, 0x13]);
    const truncated = good.subarray(0, good.length - 10);
    expect(commit(net, [garbage, new Uint8Array(0), truncated, wrongTxId])).toEqual([
      'BAD_PAYLOAD',
      'NIL_ENVELOPE',
      'BAD_PAYLOAD',
      'BAD_PROPOSAL_TXID',
    ]);
  });

  it('the orderer refuses oversize envelopes and forged creator signatures at broadcast', () => {
    const net = smallNetwork({ batch: { maxMessageCount: 10, absoluteMaxBytes: 200, preferredMaxBytes: 100 } });
    const envelope = envelopeFor(net, 0, 'donothing', 'noop', []);
    expect(net.orderer.broadcast(envelope).reason).toMatch(/AbsoluteMaxBytes/);
    const net2 = smallNetwork();
    const env2 = envelopeFor(net2, 0, 'donothing', 'noop', []);
    const [payload, signature] = decode(env2, emptyReceipt()) as [Uint8Array, Uint8Array];
    const forged = encode([payload, flipByte(signature, 10)], emptyReceipt());
    expect(net2.orderer.broadcast(forged).accepted).toBe(false);
    expect(net2.orderer.broadcast(env2).accepted).toBe(true);
  });

  it('every code in this file is a Fabric code number', () => {
    expect(ValidationCode.MVCC_READ_CONFLICT).toBe(11);
    expect(ValidationCode.PHANTOM_READ_CONFLICT).toBe(12);
    expect(ValidationCode.DUPLICATE_TXID).toBe(9);
  });
});
