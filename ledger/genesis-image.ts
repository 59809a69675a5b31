/**
 * Genesis images: a channel's genesis block, its preparation and the shared world state it leaves,
 * kept so that the next network of the same channel starts from them instead of building them
 * again. A capacity search, a sweep or a study runs many networks of one channel in one process;
 * a genesis of a million SmallBank accounts took ≈ 45 s and most of a run's memory to encode,
 * decode, hash and apply, for the same result every time (the ledger is deterministic and the
 * genesis is a function of the channel config, the orderer's identity and its signatures).
 *
 * What a network built from an image sees is what it would have built: the same block (same
 * bytes, hash and signature), every peer following block 0 on its shared chain as peers behind the
 * first one always did (same codes, state hash and charged work), the orderer continuing from the
 * block's hash, and the verification of the block's signature run again on the network's own
 * provider. A peer with a state of its own (not on the shared chain) prepares and commits the
 * block itself, as before.
 *
 * Bounded: an image of a million accounts holds ≈ 0.5 GB, so only the last few are kept.
 */
import { createHash } from 'node:crypto';
import type { Block } from './block.js';
import type { ChannelConfig } from './channel-config.js';
import type { CryptoProvider } from './crypto/provider.js';
import { toHex } from './hash.js';
import type { SigningIdentity } from './msp.js';
import type { ChainGenesis } from './state/shared-chain.js';
import type { PreparedBlock } from './validator.js';

export interface GenesisImage {
  readonly block: Block;
  /** The block's preparation without its writes (peers that follow the chain do not read them). */
  readonly prepared: PreparedBlock;
  readonly chain: ChainGenesis;
  /** The world-state accesses of the genesis commit (Network.takeGenesisStateKeys). */
  readonly stateKeys: readonly number[];
}

/** The images of the last `capacity` channels used, newest last. */
export class GenesisImages {
  private readonly images = new Map<string, GenesisImage>();

  constructor(private readonly capacity = 2) {}

  get(key: string): GenesisImage | undefined {
    const image = this.images.get(key);
    if (image !== undefined) {
      this.images.delete(key);
      this.images.set(key, image);
    }
    return image;
  }

  set(key: string, image: GenesisImage): void {
    this.images.delete(key);
    this.images.set(key, image);
    for (const oldest of this.images.keys()) {
      if (this.images.size <= this.capacity) break;
      this.images.delete(oldest);
    }
  }

  get size(): number {
    return this.images.size;
  }
}

/**
 * What decides a genesis block: the channel config (MSPs, chaincodes and their genesis parameters,
 * batch settings), the orderer's identity, and how the provider signs with its key (a provider of
 * another kind signs the block differently).
 */
export function genesisImageKey(config: ChannelConfig, orderer: SigningIdentity, crypto: CryptoProvider): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(config, (_key, value: unknown) => (value instanceof Uint8Array ? toHex(value) : value)));
  hash.update(crypto.mode);
  hash.update(orderer.bytes);
  hash.update(crypto.sign(orderer.key, new TextEncoder().encode('bpusim/genesis-image')));
  return hash.digest('hex');
}
