/**
 * Genesis images (ledger/genesis-image.ts): a network started from a kept genesis is the network
 * that would have been built — same genesis block, same state and state hash at every peer, the
 * orderer continuing the same chain, the same commits of later blocks — and a peer with a state of
 * its own still commits the genesis itself.
 */
import { describe, expect, it } from 'vitest';
import { GenesisImages } from '../../ledger/genesis-image.js';
import type { Network } from '../../ledger/network.js';
import { MemoryWorldState } from '../../ledger/state/memory-state.js';
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
  const seen = [
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
