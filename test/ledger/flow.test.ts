/**
 * End-to-end transaction flow through the decomposed gateway steps and the all-in-one helper: a
 * seeded 3-org network runs SmallBank, YCSB and the other built-in contracts; we check validation
 * codes, that every peer ends with the same block and state hash, that the same seed gives the
 * same hashes, and that receipts count what was done (signatures per step, state work).
 */
import { describe, expect, it } from 'vitest';
import { ValidationCode } from '../../ledger/validation-code.js';
import { smallNetwork } from './_fixtures.js';

const dec = new TextDecoder();

describe('transaction flow', () => {
  it('drives one transaction step by step with receipts per step', () => {
    const net = smallNetwork();
    const client = net.clients[0]!;
    const proposed = client.propose('smallbank', 'send_payment', ['1', '2', '50']);
    expect(proposed.receipt.signs.p256).toBe(1);
    const endorsers = net.gateway.chooseEndorsers('smallbank');
    expect(endorsers.length).toBe(2);
    const results = endorsers.map((peer) => peer.endorse(proposed.signed));
    for (const { response, receipt } of results) {
      expect(response.status).toBe(200);
      // The client's certificate is validated on first sight (one CA signature), then its proposal signature.
      expect(receipt.verifies.p256).toBe(2);
      // Of these, the proposal signature is against the client's key (the generic path); the CA's is known.
      expect(receipt.genericVerifies.p256).toBe(1);
      expect(receipt.signs.p256).toBe(1);
      expect(receipt.stateReads).toBeGreaterThanOrEqual(2);
      expect(receipt.contract).toBe('smallbank');
      expect(receipt.contractSteps).toBeGreaterThan(0);
    }
    const assembled = client.assemble(
      proposed.proposal,
      results.map((r) => r.response),
    );
    expect(assembled.result.ok).toBe(true);
    if (!assembled.result.ok) return;
    expect(assembled.receipt.signs.p256).toBe(1);
    const broadcast = net.orderer.broadcast(assembled.result.envelope);
    expect(broadcast.accepted).toBe(true);
    // The orderer checks the creator's signature (a client key); the CA signature on its certificate is known.
    expect(broadcast.receipt.genericVerifies.p256).toBe(1);
    expect(broadcast.blocks.length).toBe(0);
    const cut = net.orderer.cutNow();
    expect(cut.block).not.toBeNull();
    expect(cut.receipt.signs.p256).toBe(1);
    for (const peer of net.peers) {
      const result = peer.validateAndCommit(cut.block!);
      expect([...result.validationCodes]).toEqual([ValidationCode.VALID]);
      // orderer + creator + two endorsements
      expect(result.receipt.verifies.p256).toBeGreaterThanOrEqual(4);
      // Only the creator's signature is against a client's key; the orderer's and endorsers' are known.
      expect(result.receipt.genericVerifies.p256).toBe(1);
      expect(result.receipt.stateWrites).toBe(3); // two balances + the tx id
    }
    const hashes = new Set(net.peers.map((p) => `${p.blockHashHex}/${p.stateHashHex}`));
    expect(hashes.size).toBe(1);
    // Second proposal from the same client: its certificate is cached, one verify only.
    const again = client.propose('smallbank', 'query', ['1']);
    expect(endorsers[0]!.endorse(again.signed).receipt.verifies.p256).toBe(1);
    expect(dec.decode(net.peers[2]!.getState('smallbank', 'c_00000001')!)).toBe('9950');
  });

  it('runs every built-in contract end to end', () => {
    const net = smallNetwork();
    const c = net.clients[1]!;
    const calls: [string, string, string[]][] = [
      ['kv', 'read', ['user0000000003']],
      ['kv', 'update', ['user0000000003', 'hello']],
      ['kv', 'insert', ['user0000000999', 'new']],
      ['kv', 'rmw', ['user0000000004', 'x']],
      ['kv', 'scan', ['user0000000010', '5']],
      ['smallbank', 'transact_savings', ['3', '10']],
      ['smallbank', 'deposit_checking', ['3', '10']],
      ['smallbank', 'write_check', ['4', '5']],
      ['smallbank', 'amalgamate', ['5', '6']],
      ['smallbank', 'query', ['6']],
      ['donothing', 'noop', []],
      ['cpuheavy', 'sort', ['1000']],
      ['ioheavy', 'write', ['20', '0']],
      ['ioheavy', 'scan', ['20', '0']],
      ['mdm-token', 'transfer', ['sales', 'alice', '1000000']],
      ['mdm-token', 'balance', ['alice']],
    ];
    for (const [cc, fn, args] of calls) {
      const out = net.gateway.submitAndCommit(c, cc, fn, args);
      expect({ cc, fn, code: out.code, error: out.error }).toEqual({ cc, fn, code: ValidationCode.VALID, error: '' });
    }
    expect(dec.decode(net.peers[0]!.getState('kv', 'user0000000003')!)).toBe('hello');
    expect(dec.decode(net.peers[0]!.getState('smallbank', 'c_00000006')!)).toBe('30000');
    expect(dec.decode(net.peers[1]!.getState('mdm-token', 'bal_alice')!)).toBe('1000000');
    const hashes = new Set(net.peers.map((p) => p.stateHashHex));
    expect(hashes.size).toBe(1);
  });

  it('reports business rejections as endorsement failures, never reaching ordering', () => {
    const net = smallNetwork();
    const out = net.gateway.submitAndCommit(net.clients[0]!, 'smallbank', 'send_payment', ['1', '2', '999999']);
    expect(out.code).toBeNull();
    expect(out.error).toMatch(/insufficient funds/);
  });

  it('same seed, same hashes; different seed, different hashes', () => {
    const run = (seed: string) => {
      const net = smallNetwork({ seed });
      for (let i = 0; i < 5; i += 1)
        net.gateway.submitAndCommit(net.clients[i % 3]!, 'smallbank', 'deposit_checking', [String(i), '7']);
      return [net.peers[0]!.blockHashHex, net.peers[0]!.stateHashHex];
    };
    expect(run('a')).toEqual(run('a'));
    expect(run('a')[0]).not.toEqual(run('b')[0]);
  });
});
