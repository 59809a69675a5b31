/**
 * Parallel validation: a committer that verifies on worker threads (VerifyPool + PipelinedCommitter)
 * must give exactly the codes, receipts, state hash and block hash of inline `validateAndCommit`,
 * including for a block holding a forged transaction. Uses the compiled worker in dist/ (npm test
 * builds first). Also the job packing round-trip.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { decode, encode } from '../../ledger/codec.js';
import { packedResults, packJobs, unpackJobs, verifyPacked } from '../../ledger/parallel/_pack.js';
import { runVerifyJobs } from '../../ledger/verify-job.js';
import { PipelinedCommitter } from '../../ledger/parallel/pipelined-committer.js';
import { VerifyPool } from '../../ledger/parallel/verify-pool.js';
import { Peer } from '../../ledger/peer.js';
import { emptyReceipt } from '../../ledger/receipt.js';
import type { Block } from '../../ledger/block.js';
import { smallNetwork } from './_fixtures.js';

const pool = new VerifyPool('node', { threads: 2 });
afterAll(() => pool.close());

describe('parallel verification', () => {
  it('packs and unpacks jobs', () => {
    const jobs = [
      {
        scheme: 'p256' as const,
        publicKeys: [Uint8Array.of(1, 2)],
        message: Uint8Array.of(3),
        signature: Uint8Array.of(4, 5, 6),
        aggregate: false,
      },
      {
        scheme: 'bls' as const,
        publicKeys: [Uint8Array.of(7), Uint8Array.of(8)],
        message: new Uint8Array(0),
        signature: Uint8Array.of(9),
        aggregate: true,
      },
    ];
    const round = unpackJobs(packJobs(jobs, 0, 2)).map((j) => ({
      ...j,
      publicKeys: j.publicKeys.map((k) => [...k]),
      message: [...j.message],
      signature: [...j.signature],
    }));
    expect(round).toEqual(
      jobs.map((j) => ({
        ...j,
        publicKeys: j.publicKeys.map((k) => [...k]),
        message: [...j.message],
        signature: [...j.signature],
      })),
    );
  });

  it('verifying a packed chunk in place gives what unpacking and verifying gives', () => {
    const net = smallNetwork();
    const p256 = net.crypto.keyPairFromSeed('p256', new Uint8Array(32).fill(5));
    const bls = [1, 2].map((i) => net.crypto.keyPairFromSeed('bls', new Uint8Array(32).fill(i)));
    const message = Uint8Array.of(1, 2, 3);
    const aggregate = net.crypto.aggregateBls(bls.map((k) => net.crypto.sign(k, message)))!;
    const jobs = [
      {
        scheme: 'p256' as const,
        publicKeys: [p256.publicKey],
        message,
        signature: net.crypto.sign(p256, message),
        aggregate: false,
      },
      {
        scheme: 'p256' as const,
        publicKeys: [p256.publicKey],
        message: Uint8Array.of(9),
        signature: net.crypto.sign(p256, message),
        aggregate: false,
      },
      { scheme: 'p256' as const, publicKeys: [], message, signature: net.crypto.sign(p256, message), aggregate: false },
      {
        scheme: 'bls' as const,
        publicKeys: bls.map((k) => k.publicKey),
        message,
        signature: aggregate,
        aggregate: true,
      },
      {
        scheme: 'bls' as const,
        publicKeys: bls.slice(0, 1).map((k) => k.publicKey),
        message,
        signature: aggregate,
        aggregate: true,
      },
    ];
    const packed = packJobs(jobs, 0, jobs.length);
    verifyPacked(net.crypto, packed);
    expect([...packedResults(packed)]).toEqual([
      ...runVerifyJobs(net.crypto, null, unpackJobs(packJobs(jobs, 0, jobs.length))),
    ]);
    expect([...packedResults(packed)]).toEqual([1, 0, 0, 1, 0]);
  });

  it('reuses packed buffers across calls of growing and shrinking sizes without mixing up results', async () => {
    const net = smallNetwork();
    const key = net.crypto.keyPairFromSeed('p256', new Uint8Array(32).fill(3));
    const job = (i: number, valid: boolean) => {
      const message = new Uint8Array(100 + ((i * 37) % 900)).fill(i & 255);
      const signature = Uint8Array.from(net.crypto.sign(key, message));
      if (!valid) message[0] = (message[0] ?? 0) ^ 1;
      return { scheme: 'p256' as const, publicKeys: [key.publicKey], message, signature, aggregate: false };
    };
    for (const count of [3, 40, 7, 120, 1, 40]) {
      const jobs = Array.from({ length: count }, (_, i) => job(i + count, (i + count) % 3 !== 0));
      const [a, b] = await Promise.all([pool.verify(jobs), pool.verify(jobs.slice().reverse())]);
      const expected = jobs.map((_, i) => ((i + count) % 3 !== 0 ? 1 : 0));
      expect([...a!]).toEqual(expected);
      expect([...b!]).toEqual(expected.slice().reverse());
    }
    // A burst of 240 chunks in flight at once leaves a bounded number of buffers held.
    const burst = Array.from({ length: 4 }, (_, i) => job(i, true));
    await Promise.all(Array.from({ length: 60 }, () => pool.verify(burst)));
    expect(pool.heldBufferCount).toBeLessThanOrEqual(32);
    expect(pool.heldBufferCount).toBeGreaterThan(0);
  });

  it('pipelined worker validation equals inline validation', async () => {
    const net = smallNetwork();
    const blocks: Block[] = [];
    for (let b = 0; b < 4; b += 1) {
      const envelopes: Uint8Array[] = [];
      for (let t = 0; t < 12; t += 1) {
        const c = net.clients[t % 3]!;
        const p = c.propose(
          'smallbank',
          t % 2 === 0 ? 'send_payment' : 'deposit_checking',
          t % 2 === 0 ? [String(t % 7), String((t + 3) % 7), '1'] : [String(t), '1'],
        );
        const responses = net.gateway.chooseEndorsers('smallbank').map((peer) => peer.endorse(p.signed).response);
        const a = c.assemble(p.proposal, responses);
        if (a.result.ok) envelopes.push(a.result.envelope);
      }
      // One forged creator signature per block.
      const [payload, sig] = decode(envelopes[0]!, emptyReceipt()) as [Uint8Array, Uint8Array];
      const bad = Uint8Array.from(sig);
      bad[bad.length - 1] = (bad[bad.length - 1] ?? 0) ^ 1;
      envelopes.push(encode([payload, bad], emptyReceipt()));
      const block = net.orderer.createBlock(envelopes, emptyReceipt());
      for (const peer of net.peers) peer.validateAndCommit(block);
      blocks.push(block);
    }
    const fresh = () =>
      new Peer({
        identity: net.cas[0]!.issue('p9', 'peer', 'p256', 'test-seed'),
        config: net.config,
        crypto: net.crypto,
      });
    const inline = fresh();
    const parallel = fresh();
    inline.validateAndCommit(net.genesisBlock);
    parallel.validateAndCommit(net.genesisBlock);
    const inlineResults = blocks.map((b) => inline.validateAndCommit(b));
    const committer = new PipelinedCommitter(parallel, pool, 2);
    const parallelResults = [];
    for (const b of blocks) parallelResults.push(...(await committer.submit(b)));
    parallelResults.push(...(await committer.drain()));
    expect(parallelResults.map((r) => [...r.validationCodes])).toEqual(
      inlineResults.map((r) => [...r.validationCodes]),
    );
    expect(parallelResults.map((r) => r.receipt)).toEqual(inlineResults.map((r) => r.receipt));
    expect([parallel.stateHashHex, parallel.blockHashHex]).toEqual([inline.stateHashHex, inline.blockHashHex]);
    expect(inlineResults.every((r) => r.validationCodes.includes(4))).toBe(true); // BAD_CREATOR_SIGNATURE present
  });
});
