/**
 * A seeded channel in one call: organisations Org1MSP…OrgNMSP with their CAs, peers and a client
 * each, an orderer org, the channel config, the genesis block committed at every peer, and a
 * gateway. The same seed always builds the same keys, certificates and genesis block hash. This is
 * how tests, the benchmark and the simulator set up a ledger.
 */
import { DEFAULT_BATCH } from './channel-config.js';
import type { BatchConfig, ChaincodeDefinition, ChannelConfig, MdmConfig } from './channel-config.js';
import { Client } from './client.js';
import { createCryptoProvider } from './crypto/index.js';
import type { CryptoMode, CryptoProvider } from './crypto/provider.js';
import { VerifyCache } from './crypto/verify-cache.js';
import { Gateway } from './gateway.js';
import { CertificateAuthority } from './msp.js';
import type { SigningIdentity } from './msp.js';
import { Orderer } from './orderer.js';
import { MspManager } from './msp.js';
import { Peer } from './peer.js';
import type { Scheme } from './receipt.js';
import type { BlockStore } from './state/block-store.js';
import type { WorldState } from './state/world-state.js';
import type { Block } from './block.js';
import { emptyReceipt } from './receipt.js';
import type { PreparedBlock } from './validator.js';
import { runVerifyJobs } from './verify-job.js';
import { type GenesisImage, type GenesisImages, genesisImageKey } from './genesis-image.js';
import { ChainView, SharedChain } from './state/shared-chain.js';

export interface NetworkOptions {
  readonly seed: string;
  readonly orgCount?: number;
  readonly peersPerOrg?: number;
  readonly crypto?: CryptoMode | CryptoProvider;
  /** Scheme of clients' keys (default p256). */
  readonly clientScheme?: Scheme;
  /** Scheme of peers' keys, i.e. of endorsements (default p256; 'bls' aggregates endorsements). */
  readonly peerScheme?: Scheme;
  readonly channelId?: string;
  /** Default: every built-in contract with policy `OutOf(min(2, orgs), <all orgs' peers>)`. */
  readonly chaincodes?: readonly ChaincodeDefinition[];
  readonly batch?: BatchConfig;
  readonly mdm?: Partial<MdmConfig>;
  /** Share one verification cache across peers (default true; receipts count every check anyway). */
  readonly shareVerifyCache?: boolean;
  /** Stores for peer i (default in-memory state, head-only block store). */
  readonly stores?: (peerIndex: number, name: string) => { state?: WorldState; blockStore?: BlockStore };
  /**
   * The peers' default state: a view each of one shared chain (state/shared-chain.ts) instead of a
   * copy each. A store `stores` returns still wins.
   */
  readonly sharedChain?: boolean;
  /**
   * Genesis images to start from and add to (genesis-image.ts): worth it for a caller that builds
   * many networks of one channel; a single network only pays to keep one. Used with `sharedChain`.
   */
  readonly genesisImages?: GenesisImages;
}

export interface Network {
  readonly config: ChannelConfig;
  readonly crypto: CryptoProvider;
  readonly cas: readonly CertificateAuthority[];
  readonly peers: readonly Peer[];
  readonly clients: readonly Client[];
  readonly orderer: Orderer;
  readonly ordererIdentity: SigningIdentity;
  readonly gateway: Gateway;
  readonly genesisBlock: Block;
  /** The verification cache the peers and the orderer share (null with shareVerifyCache: false). */
  readonly verifyCache: VerifyCache | null;
  /**
   * The world-state accesses of the genesis commit, as a receipt's `stateKeys` (what a DB engine's
   * cache saw while the genesis was written). Handed over once: a later call returns an empty list,
   * so a million-key genesis's list is not kept for the network's life.
   */
  takeGenesisStateKeys(): readonly number[];
}

/**
 * Commits a kept genesis at every fresh peer: a peer on the image's shared chain follows block 0
 * as a peer behind the first always did; a peer with a state of its own prepares and commits the
 * block itself. The block's signature is verified again through this network's provider and cache.
 */
function commitGenesisFrom(
  image: GenesisImage,
  peers: readonly Peer[],
  crypto: CryptoProvider,
  verifyCache: VerifyCache | null,
): readonly number[] {
  const results = runVerifyJobs(crypto, verifyCache, image.prepared.jobs);
  let own: PreparedBlock | null = null;
  for (const peer of peers) {
    if (peer.height !== 0 || peer.state.savepoint() !== null) continue;
    const receipt = emptyReceipt();
    if (peer.followsSharedCommit(0)) {
      peer.commitPrepared(peer.adoptPrepared(image.prepared, receipt), results, receipt);
    } else {
      own = own === null ? peer.prepare(image.block, receipt) : peer.adoptPrepared(own, receipt);
      peer.commitPrepared(own, results, receipt);
    }
  }
  return image.stateKeys;
}

export function orgMspId(orgIndex: number): string {
  return `Org${orgIndex + 1}MSP`;
}

export function defaultPolicy(orgCount: number): string {
  const principals = Array.from({ length: orgCount }, (_, i) => `'${orgMspId(i)}.peer'`).join(', ');
  return `OutOf(${Math.min(2, orgCount)}, ${principals})`;
}

export const BUILTIN_CHAINCODE_NAMES = ['kv', 'smallbank', 'donothing', 'cpuheavy', 'ioheavy', 'mdm-token'] as const;

export function createNetwork(options: NetworkOptions): Network {
  const orgCount = options.orgCount ?? 2;
  const peersPerOrg = options.peersPerOrg ?? 1;
  const crypto = typeof options.crypto === 'object' ? options.crypto : createCryptoProvider(options.crypto ?? 'node');
  const clientScheme = options.clientScheme ?? 'p256';
  const peerScheme = options.peerScheme ?? 'p256';
  const seed = options.seed;
  const cas = Array.from({ length: orgCount }, (_, i) => new CertificateAuthority(crypto, orgMspId(i), seed));
  const ordererCa = new CertificateAuthority(crypto, 'OrdererMSP', seed);
  const policy = defaultPolicy(orgCount);
  const config: ChannelConfig = {
    channelId: options.channelId ?? 'mychannel',
    msps: [...cas.map((ca) => ca.mspConfig()), ordererCa.mspConfig()],
    ordererMspId: 'OrdererMSP',
    batch: options.batch ?? DEFAULT_BATCH,
    chaincodes: options.chaincodes ?? BUILTIN_CHAINCODE_NAMES.map((name) => ({ name, policy })),
    mdm: {
      usdPerMdm: options.mdm?.usdPerMdm ?? 0.01,
      feeUsdPerTps: options.mdm?.feeUsdPerTps ?? 0.0001,
      members: options.mdm?.members ?? cas.map((ca) => ca.mspId),
    },
  };
  const verifyCache = options.shareVerifyCache === false ? null : new VerifyCache();
  const ordererIdentity = ordererCa.issue('orderer0', 'orderer', 'p256', seed);
  const orderer = new Orderer(ordererIdentity, crypto, config, {
    msp: new MspManager(config.msps, crypto),
    verifyCache,
  });
  const images = options.sharedChain === true ? options.genesisImages : undefined;
  const imageKey = images === undefined ? '' : genesisImageKey(config, ordererIdentity, crypto);
  const image = images?.get(imageKey);
  const chain = options.sharedChain === true ? new SharedChain(image?.chain) : null;
  const peers: Peer[] = [];
  cas.forEach((ca, orgIndex) => {
    for (let p = 0; p < peersPerOrg; p += 1) {
      const identity = ca.issue(`peer${p}`, 'peer', peerScheme, seed);
      const stores = options.stores?.(orgIndex * peersPerOrg + p, `peer${p}.${ca.mspId}`) ?? {};
      const state = stores.state ?? chain?.view();
      peers.push(
        new Peer({ identity, config, crypto, verifyCache, ...stores, ...(state === undefined ? {} : { state }) }),
      );
    }
  });
  const clients = cas.map(
    (ca) =>
      new Client(
        ca.issue('client0', 'client', clientScheme, seed),
        crypto,
        config.channelId,
        `${seed}/client/${ca.mspId}`,
      ),
  );
  let genesisBlock: Block;
  let genesisStateKeys: readonly number[];
  if (image === undefined) {
    genesisBlock = orderer.genesisBlock().block;
    const keep = images === undefined ? undefined : (kept: GenesisImage) => images.set(imageKey, kept);
    genesisStateKeys = commitGenesis(peers, genesisBlock, crypto, verifyCache, keep);
  } else {
    genesisBlock = image.block;
    orderer.adoptGenesisBlock(genesisBlock);
    genesisStateKeys = commitGenesisFrom(image, peers, crypto, verifyCache);
  }
  return {
    config,
    crypto,
    cas,
    peers,
    clients,
    orderer,
    ordererIdentity,
    gateway: new Gateway(config, peers, orderer),
    genesisBlock,
    verifyCache,
    takeGenesisStateKeys() {
      const keys = genesisStateKeys;
      genesisStateKeys = [];
      return keys;
    },
  };
}

/**
 * Commits the genesis block at every fresh peer and returns the first commit's state accesses. Preparing a block reads no world state, so the
 * genesis (which may hold millions of writes) is decoded and checked once for all of them. Peers
 * handed the same state object (a benchmark device: endorsers whose states would be identical
 * anyway) share its genesis too; only the first of them commits it.
 */
function commitGenesis(
  peers: readonly Peer[],
  genesisBlock: Block,
  crypto: CryptoProvider,
  verifyCache: VerifyCache | null,
  keep?: (image: GenesisImage) => void,
): number[] {
  let prepared: { block: PreparedBlock; results: Uint8Array } | null = null;
  let stateKeys: number[] = [];
  for (const peer of peers) {
    if (peer.height !== 0 || peer.state.savepoint() !== null) continue;
    if (prepared === null) {
      const block = peer.prepare(genesisBlock, emptyReceipt());
      prepared = { block, results: runVerifyJobs(crypto, verifyCache, block.jobs) };
      const receipt = emptyReceipt();
      peer.commitPrepared(prepared.block, prepared.results, receipt);
      stateKeys = receipt.stateKeys;
      // Taken now, while the other peers have not followed: the chain holds block 0 alone.
      const view = keep !== undefined && peer.state instanceof ChainView && peer.state.attached ? peer.state : null;
      const chain = view?.chain.genesis() ?? null;
      if (chain !== null)
        keep?.({
          block: genesisBlock,
          prepared: { ...block, genesisUpdates: [] },
          chain,
          stateKeys: stateKeys.slice(),
        });
    } else {
      const receipt = emptyReceipt();
      peer.commitPrepared(peer.adoptPrepared(prepared.block, receipt), prepared.results, receipt);
    }
  }
  return stateKeys;
}
