import { describe, expect, it } from 'vitest';
import type { Network } from '../../ledger/network.js';
import type { CommitResult, Peer } from '../../ledger/peer.js';
import { SharedChain } from '../../ledger/state/shared-chain.js';
import type { StateUpdate } from '../../ledger/state/world-state.js';
import { RandomStream } from '../../sim/index.js';
import { type TxSpec, integrityNetwork } from './_integrity.js';

/** Endorses, orders and cuts one block of `txs` on `net` (no peer commits it yet). */
function cutBlock(net: Network, txs: readonly TxSpec[], endorsers?: readonly Peer[], endorsed: unknown[] = []) {
  for (const [clientIndex, chaincode, fn, args] of txs) {
    const client = net.clients[clientIndex % net.clients.length]!;
    const proposed = client.propose(chaincode, fn, args);
    const chosen = endorsers ?? net.gateway.chooseEndorsers(chaincode);
    const results = chosen.map((peer) => peer.endorse(proposed.signed));
    endorsed.push(...results);
    const responses = results.map((result) => result.response);
    const assembled = client.assemble(proposed.proposal, responses);
    if (assembled.result.ok) net.orderer.broadcast(assembled.result.envelope);
  }
  const { block } = net.orderer.cutNow();
  if (block === null) throw new Error('no block cut');
  return block;
}

/** Transactions that overwrite a few of the 40 genesis records (so some conflict) and insert new keys. */
function randomTxs(rng: RandomStream, block: number): TxSpec[] {
  const txs: TxSpec[] = [];
  for (let i = 0; i < 1 + rng.int(6); i += 1) {
    if (rng.int(3) === 0) txs.push([i, 'kv', 'insert', [`k${block}_${i}`, `v${rng.int(1000)}`]]);
    else txs.push([i, 'kv', 'rmw', [`user${String(rng.int(6)).padStart(10, '0')}`, `u${block}_${i}`]]);
  }
  return txs;
}

function summary(result: CommitResult) {
  return { codes: [...result.validationCodes], receipt: result.receipt, state: result.stateHash };
}

describe('shared chain: peers on one multi-version state', () => {
  it('endorses and commits exactly as peers with states of their own: responses, codes, receipts, state hashes', () => {
    const chain = new SharedChain();
    const shared = integrityNetwork({ stores: () => ({ state: chain.view() }) });
    const alone = integrityNetwork();
    const rng = new RandomStream('shared-chain', 1);
    // Peer 2 lags one block behind the others, and endorses for them: its rwsets carry older
    // versions, so some of its endorsements conflict at validation, as with private states.
    let lagging: { block: ReturnType<typeof cutBlock>; other: ReturnType<typeof cutBlock> } | null = null;
    for (let n = 1; n <= 12; n += 1) {
      const txs = randomTxs(rng, n);
      const endorsersShared = n % 3 === 0 ? [shared.peers[2]!, shared.peers[0]!] : undefined;
      const endorsersAlone = n % 3 === 0 ? [alone.peers[2]!, alone.peers[0]!] : undefined;
      const [endorsedShared, endorsedAlone]: unknown[][] = [[], []];
      const block = cutBlock(shared, txs, endorsersShared, endorsedShared);
      const other = cutBlock(alone, txs, endorsersAlone, endorsedAlone);
      // Endorsers at the same height simulate once on the host: same responses, same work charged.
      expect(endorsedShared).toEqual(endorsedAlone);
      for (const i of [0, 1])
        expect({ n, i, ...summary(shared.peers[i]!.validateAndCommit(block)) }).toEqual({
          n,
          i,
          ...summary(alone.peers[i]!.validateAndCommit(other)),
        });
      if (lagging !== null)
        expect(summary(shared.peers[2]!.validateAndCommit(lagging.block))).toEqual(
          summary(alone.peers[2]!.validateAndCommit(lagging.other)),
        );
      lagging = { block, other };
      for (const key of ['user0000000001', 'user0000000002', `k${n}_0`])
        for (const i of [0, 2])
          expect(shared.peers[i]!.getState('kv', key)).toEqual(alone.peers[i]!.getState('kv', key));
      expect(shared.peers[2]!.height).toBe(shared.peers[0]!.height - 1);
    }
    // Memory: every key holds one version plus those written in the one block peer 2 lags behind.
    const liveKeys = [...shared.peers[0]!.state.range('', '\ud800')].length;
    expect(chain.versionCount).toBeGreaterThanOrEqual(liveKeys);
    expect(chain.versionCount).toBeLessThanOrEqual(liveKeys + 6);
    expect(chain.recordCount).toBe(1);
    expect(shared.peers[2]!.validateAndCommit(lagging!.block).stateHash).toBe(shared.peers[0]!.stateHashHex);
    expect(chain.recordCount).toBe(0);
  });

  it('a peer that corrupts a write leaves the chain with a copy; the others keep the intended value', () => {
    const chain = new SharedChain();
    const net = integrityNetwork({ stores: () => ({ state: chain.view() }) });
    const faulty = net.peers[1]!;
    faulty.injectCorruptWrite({ atBlock: faulty.height });
    const block = cutBlock(net, [[0, 'kv', 'update', ['user0000000003', 'intended']]]);
    for (const peer of net.peers) peer.validateAndCommit(block);
    const intended = Buffer.from('intended');
    expect(net.peers[0]!.getState('kv', 'user0000000003')).toEqual(intended);
    expect(net.peers[2]!.getState('kv', 'user0000000003')).toEqual(intended);
    expect(faulty.getState('kv', 'user0000000003')).not.toEqual(intended);
    expect(faulty.corruptWrites).toHaveLength(1);
    expect(faulty.stateHashHex).not.toBe(net.peers[0]!.stateHashHex);
    // The detached peer goes on committing the same chain on its own.
    const next = cutBlock(net, [[1, 'kv', 'insert', ['later', 'x']]]);
    for (const peer of net.peers) peer.validateAndCommit(next);
    expect(faulty.getState('kv', 'later')).toEqual(net.peers[0]!.getState('kv', 'later'));
  });

  it('views see deletes at their own height; old versions go once every view has passed their block', () => {
    const chain = new SharedChain();
    const [ahead, behind] = [chain.view(), chain.view()];
    const savepoint = (blockNum: number) => ({
      blockNum,
      stateHashLanes: new Uint8Array(32).fill(blockNum),
      blockHash: new Uint8Array(32).fill(blockNum),
    });
    const write = (key: string, value: string | null, blockNum: number): StateUpdate => ({
      key,
      value: value === null ? null : new TextEncoder().encode(value),
      version: { blockNum, txNum: 0 },
    });
    const batches = [
      [write('a', 'a0', 0), write('b', 'b0', 0)],
      [write('a', null, 1), write('c', 'c1', 1)],
      [write('a', 'a2', 2)],
    ];
    batches.forEach((updates, n) => ahead.commit({ updates, txIds: [], savepoint: savepoint(n) }));
    behind.commit({ updates: batches[0]!, txIds: [], savepoint: savepoint(0) });
    const keys = (view: typeof ahead) => [...view.range('', '\ud800')].map(([key]) => key);
    expect([keys(ahead), keys(behind)]).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b'],
    ]);
    expect(ahead.get('a')?.version).toEqual({ blockNum: 2, txNum: 0 });
    expect(behind.get('a')?.version).toEqual({ blockNum: 0, txNum: 0 });
    // A view that reached another state at the same height is refused, not silently merged.
    expect(() =>
      behind.commit({ updates: [], txIds: [], savepoint: { ...savepoint(1), blockHash: new Uint8Array(32) } }),
    ).toThrow(/different state/);
    behind.commit({ updates: batches[1]!, txIds: [], savepoint: savepoint(1) });
    expect(behind.get('a')).toBeUndefined();
    behind.commit({ updates: batches[2]!, txIds: [], savepoint: savepoint(2) });
    ahead.commit({ updates: [write('b', 'b3', 3)], txIds: [], savepoint: savepoint(3) });
    // Once both views passed blocks 1 and 2, a keeps only a2; b3 → b0 (`behind`, at 3, reads b0); c1.
    expect(chain.versionCount).toBe(4);
    behind.commit({ updates: [write('b', 'b3', 3)], txIds: [], savepoint: savepoint(3) });
    ahead.commit({ updates: [write('a', 'a4', 4)], txIds: [], savepoint: savepoint(4) });
    // b0 went when `behind` passed block 3; a4 → a2 (`behind`, at 4, reads a2); c1.
    expect(chain.versionCount).toBe(4);
    behind.detach();
    expect(keys(behind)).toEqual(['a', 'b', 'c']);
    expect(behind.get('a')?.value).toEqual(Buffer.from('a2'));
    expect(chain.recordCount).toBe(0);
  });
});
