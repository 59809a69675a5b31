/**
 * The ledger under each crypto configuration: BLS-aggregated endorsements (one aggregate verify per
 * tx at the committer, tampering caught), the modeled provider (same functional outcome and the same
 * signature counts as real crypto; only the block hashes differ because signatures differ), and the
 * shared verification cache (host does the math once; each peer's receipt still counts every check).
 */
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../ledger/codec.js';
import { emptyReceipt } from '../../ledger/receipt.js';
import { ValidationCode } from '../../ledger/validation-code.js';
import { createNetwork } from '../../ledger/network.js';
import type { NetworkOptions } from '../../ledger/network.js';

const chaincodes = [
  { name: 'smallbank', policy: "AND('Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')", params: { accounts: 10 } },
];
const net = (over: Partial<NetworkOptions>) => createNetwork({ seed: 'modes', orgCount: 3, chaincodes, ...over });

describe('crypto modes', () => {
  it('BLS endorsements are aggregated: one bls verify per tx whatever the number of endorsers', () => {
    const n = net({ peerScheme: 'bls' });
    const c = n.clients[0]!;
    const proposed = c.propose('smallbank', 'deposit_checking', ['1', '5']);
    const responses = n.peers.map((p) => p.endorse(proposed.signed).response);
    const assembled = c.assemble(proposed.proposal, responses);
    if (!assembled.result.ok) throw new Error(assembled.result.reason);
    const block = n.orderer.createBlock([assembled.result.envelope], emptyReceipt());
    const result = n.peers[0]!.validateAndCommit(block);
    expect([...result.validationCodes]).toEqual([ValidationCode.VALID]);
    expect(result.receipt.verifies.bls).toBe(1);

    // Tamper with the aggregate: policy failure.
    const proposed2 = c.propose('smallbank', 'deposit_checking', ['2', '5']);
    const responses2 = n.peers.map((p) => p.endorse(proposed2.signed).response);
    const assembled2 = c.assemble(proposed2.proposal, responses2);
    if (!assembled2.result.ok) throw new Error(assembled2.result.reason);
    const [payload] = decode(assembled2.result.envelope, emptyReceipt()) as [Uint8Array];
    const fields = decode(payload, emptyReceipt()) as unknown[];
    fields[9] = responses[0]!.endorsement!.signature; // one endorser's signature over another payload
    const forgedPayload = encode(fields as never, emptyReceipt());
    const forged = encode([forgedPayload, n.crypto.sign(c.identity.key, forgedPayload)], emptyReceipt());
    const block2 = n.orderer.createBlock([forged], emptyReceipt());
    expect([...n.peers[0]!.validateAndCommit(block2).validationCodes]).toEqual([
      ValidationCode.ENDORSEMENT_POLICY_FAILURE,
    ]);
  });

  it('modeled crypto: same codes, state hash and signature counts as node crypto', () => {
    const run = (crypto: 'node' | 'modeled') => {
      const n = net({ crypto });
      const outcomes = [];
      let verifies = 0;
      let signs = 0;
      for (let i = 0; i < 6; i += 1) {
        const out = n.gateway.submitAndCommit(n.clients[i % 3]!, 'smallbank', 'send_payment', [
          String(i),
          String(i + 1),
          '3',
        ]);
        outcomes.push(out.code);
        verifies += out.receipt.verifies.p256 ?? 0;
        signs += out.receipt.signs.p256 ?? 0;
      }
      return { outcomes, verifies, signs, state: n.peers[1]!.stateHashHex };
    };
    const real = run('node');
    const model = run('modeled');
    expect(model).toEqual(real);
  });

  it('the shared verify cache saves host work but not receipt counts', () => {
    const shared = net({ shareVerifyCache: true });
    const separate = net({ shareVerifyCache: false });
    const a = shared.gateway.submitAndCommit(shared.clients[0]!, 'smallbank', 'query', ['1']);
    const b = separate.gateway.submitAndCommit(separate.clients[0]!, 'smallbank', 'query', ['1']);
    expect(a.receipt.verifies).toEqual(b.receipt.verifies);
    expect(a.code).toBe(ValidationCode.VALID);
  });
});
