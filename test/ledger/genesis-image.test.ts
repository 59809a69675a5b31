/**
 * Genesis images (ledger/genesis-image.ts): a network started from a kept genesis is the network
 * that would have been built — same genesis block, same state and state hash at every peer, the
 * orderer continuing the same chain, the same commits of later blocks — and a peer with a state of
 * its own still commits the genesis itself.
 */
import { describe, expect, it } from 'vitest';
import { GenesisImages } from '../../ledger/genesis-image.js';
import type { Network } from '../../ledger/network.js';
import { emptyReceipt } from '../../ledger/receipt.js';
import { MemoryWorldState } from '../../ledger/state/memory-state.js';
import { type ChainGenesis, type ChainView, SharedChain } from '../../ledger/state/shared-chain.js';
import { RandomStream } from '../../sim/index.js';
import { commitBlock, integrityNetwork, type TxSpec } from './_integrity.js';

function txsOf(rng: RandomStream, n: number): TxSpec[] {
  return Array.from(
    { length: 1 + rng.int(5) },
    (_, i): TxSpec =>
      rng.int(3) === 0
        ? [i, 'kv', 'insert', [`k${n}_${i}`, `v${rng.int(1000)}`]]
        : [i, 'kv', 'rmw', [`user${String(rng.int(40)).padStart(10, '0')}`, `u${n}_${i}`]],
  );
}

/**
 * What a network shows after its genesis and `blocks` random blocks, as text: bytes by content
 * (msgpackr leaves a `dataView` on a buffer it has decoded, a host cache that is no difference).
 */
function history(net: Network, blocks: number): string[] {
  const rng = new RandomStream('genesis-image', 1);
  const seen: unknown[] = [
    net.genesisBlock,
    net.takeGenesisStateKeys(),
    net.peers.map((p) => [p.height, p.stateHashHex, p.lastBlockHash]),
    net.orderer.height,
  ];
  for (let n = 1; n <= blocks; n += 1) {
    const block = commitBlock(net, txsOf(rng, n));
    const read = (p: Network['peers'][number]) => p.state.get('kv\u0000user0000000003');
    seen.push(
      block,
      net.peers.map((p) => [p.height, p.stateHashHex, read(p)?.value, read(p)?.version]),
    );
  }
  return seen.map((item) =>
    JSON.stringify(item, (_key, value: unknown) =>
      value instanceof Uint8Array
        ? Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')
        : value,
    ),
  );
}

const enc = (text: string) => new TextEncoder().encode(text);
const savepoint = (blockNum: number) => ({
  blockNum,
  stateHashLanes: new Uint8Array(32),
  blockHash: Uint8Array.of(blockNum),
});
const commitAt = (view: ChainView, blockNum: number, writes: Record<string, string | null>) =>
  view.commit({
    updates: Object.entries(writes).map(([key, value]) => ({
      key,
      value: value === null ? null : enc(value),
      version: { blockNum, txNum: 0 },
    })),
    txIds: [],
    savepoint: savepoint(blockNum),
  });
const contents = (view: ChainView) =>
  [...view.range('', '\ud800')].map(([key, entry]) => `${key}=${new TextDecoder().decode(entry.value)}`);

describe('a shared chain whose genesis is a base', () => {
  it('reads, scans and deletes genesis keys at each height, as the chain it was taken from', () => {
    const first = new SharedChain();
    const [v0, v1] = [first.view(), first.view()];
    commitAt(v0 as ChainView, 0, { a: 'a0', b: 'b0', c: 'c0' });
    v0?.shareCommit(0, { blockHash: Uint8Array.of(0), validationCodes: Uint8Array.of(0), receipt: emptyReceipt() });
    const genesis = first.genesis();
    expect(genesis?.cells.size).toBe(3);
    const second = new SharedChain(genesis as ChainGenesis);
    const [w0, w1] = [second.view(), second.view()];
    for (const [lead, lag] of [
      [v0, v1],
      [w0, w1],
    ] as [ChainView, ChainView][]) {
      if (lag.height === 0 && lead.height === 0) lead.follow(0);
      lag.follow(0);
      expect(contents(lag)).toEqual(['a=a0', 'b=b0', 'c=c0']);
      commitAt(lead, 1, { b: null, bb: 'bb1', a: 'a1' });
      // The view behind still sees the genesis; the one ahead sees the delete, the insert and the overwrite.
      expect(contents(lag)).toEqual(['a=a0', 'b=b0', 'c=c0']);
      expect(contents(lead)).toEqual(['a=a1', 'bb=bb1', 'c=c0']);
      expect(lead.get('b')).toBeUndefined();
      expect(new TextDecoder().decode(lag.get('b')?.value ?? undefined)).toBe('b0');
      lag.follow(1);
      expect(contents(lag)).toEqual(contents(lead));
      commitAt(lead, 2, { b: 'b2' });
      lag.follow(2);
      expect(contents(lag)).toEqual(['a=a1', 'b=b2', 'bb=bb1', 'c=c0']);
    }
    // Versions held: the base's three and, past it, only what a view may still read.
    expect(second.versionCount).toBe(first.versionCount);
    expect(second.versionCount).toBeLessThanOrEqual(3 + 3);
  });
});

describe('genesis images', () => {
  it('a network built from a kept genesis is the network that would have been built', () => {
    const images = new GenesisImages(2);
    const built = history(integrityNetwork({ sharedChain: true }), 6);
    const first = history(integrityNetwork({ sharedChain: true, genesisImages: images }), 6);
    expect(images.size).toBe(1);
    const fromImage = history(integrityNetwork({ sharedChain: true, genesisImages: images }), 6);
    expect(first).toEqual(built);
    expect(fromImage).toEqual(built);
  });

  it('another channel (another seed) does not reuse it, and only the last few are kept', () => {
    const images = new GenesisImages(1);
    const a = integrityNetwork({ sharedChain: true, genesisImages: images });
    const b = integrityNetwork({ seed: 'another', sharedChain: true, genesisImages: images });
    expect(images.size).toBe(1);
    expect(b.genesisBlock.metadata.ordererIdentity).not.toEqual(a.genesisBlock.metadata.ordererIdentity);
    const again = integrityNetwork({ seed: 'another', sharedChain: true, genesisImages: images });
    expect(again.genesisBlock).toBe(b.genesisBlock);
  });

  it('a peer with a state of its own commits the kept genesis itself, to the same state', () => {
    const images = new GenesisImages(2);
    integrityNetwork({ sharedChain: true, genesisImages: images });
    const mixed = integrityNetwork({
      sharedChain: true,
      genesisImages: images,
      stores: (i) => (i === 1 ? { state: new MemoryWorldState() } : {}),
    });
    const hashes = mixed.peers.map((p) => p.stateHashHex);
    expect(new Set(hashes).size).toBe(1);
    expect(mixed.peers.map((p) => p.height)).toEqual([1, 1, 1]);
    expect(mixed.peers[1]?.state.get('kv\u0000user0000000003')?.value).toEqual(
      mixed.peers[0]?.state.get('kv\u0000user0000000003')?.value,
    );
    expect(history(mixed, 4).slice(4)).toEqual(history(integrityNetwork({ sharedChain: true }), 4).slice(4));
  });
});
