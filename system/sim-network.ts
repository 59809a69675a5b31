/**
 * The simulated network of one run: the ledger's parties (peers of each organisation, the orderer,
 * the clients' identities) built from the topology, each node's engines (one `NodeEngines` per
 * peer, the proxy and the orderer, all of the run's architecture), where each node sits, and the
 * links between sites (created on first use, one duplex link per pair of nodes, with the
 * topology's latency and bandwidth). Nodes send messages through `send`, which is what makes a
 * message take simulated time.
 */
import type { Architecture } from '../engines/architecture.js';
import { NodeEngines } from '../engines/node-engines.js';
import {
  BUILTIN_CHAINCODE_NAMES,
  createNetwork,
  defaultPolicy,
  emptyReceipt,
  type Network,
  type Peer,
} from '../ledger/index.js';
import { DuplexLink, type Environment, type Link, usToPs } from '../sim/index.js';
import { ConfigError } from '../sim/errors.js';
import type { SystemRunOptions } from './run-options.js';
import { siteLink, type Topology } from './topology.js';

export const PROXY = 'proxy';
export const ORDERER = 'orderer';
export const CLIENTS = 'clients';

/** The name of a peer's endorser server (`platform.separateEndorserCommitter`). */
export function endorserNode(peerName: string): string {
  return `${peerName}.endorser`;
}

type TimelineSink = NonNullable<SystemRunOptions['timeline']>;

export class SimNetwork {
  readonly ledger: Network;
  /** Every peer's engines, in the order peers were added (the report lists engines in this order). */
  readonly peerEngines = new Map<string, NodeEngines>();
  readonly proxyEngines: NodeEngines;
  readonly ordererEngines: NodeEngines;
  private readonly siteOf = new Map<string, string>();
  /** `platform.separateEndorserCommitter`: each peer's endorsements run on a server of their own. */
  private readonly separateEndorsers: boolean;
  /** Links by sender, then receiver (two lookups instead of building a key string per message). */
  private readonly links = new Map<string, Map<string, Link>>();

  constructor(
    readonly env: Environment,
    readonly arch: Architecture,
    readonly topology: Topology,
    options: SystemRunOptions,
    private readonly timeline: TimelineSink | undefined,
  ) {
    const peersPerOrg = samePeersPerOrg(topology);
    this.ledger = createLedgerNetwork(options, peersPerOrg);
    this.separateEndorsers = arch.platform?.separateEndorserCommitter === true;
    this.ledger.peers.forEach((peer, i) => {
      const site = topology.orgs[Math.floor(i / peersPerOrg)]?.site ?? '';
      this.siteOf.set(peer.name, site);
      this.peerEngines.set(peer.name, new NodeEngines(env, arch, peer.name));
      if (!this.separateEndorsers) return;
      const endorser = endorserNode(peer.name);
      this.siteOf.set(endorser, site);
      this.peerEngines.set(endorser, new NodeEngines(env, arch, endorser));
    });
    this.siteOf.set(PROXY, topology.proxy.site);
    this.siteOf.set(ORDERER, topology.orderers.site);
    this.siteOf.set(CLIENTS, topology.clients.site);
    // Each peer's DB engine wrote the genesis state, so its cache starts holding what it kept of it.
    // Every peer is alike, so the first's warmed cache is copied into the others.
    const genesisKeys = this.ledger.takeGenesisStateKeys();
    let warmed: NodeEngines | null = null;
    for (const engines of this.peerEngines.values()) {
      if (warmed === null) engines.warmStateCache(genesisKeys);
      else engines.warmStateCacheLike(warmed, genesisKeys);
      warmed ??= engines;
    }
    this.proxyEngines = new NodeEngines(env, arch, PROXY);
    this.ordererEngines = new NodeEngines(env, arch, ORDERER);
    if (timeline !== undefined)
      for (const e of [...this.peerEngines.values(), this.proxyEngines, this.ordererEngines]) e.traceTo(timeline);
  }

  /** The engines of a node by name. */
  enginesOf(name: string): NodeEngines {
    if (name === ORDERER) return this.ordererEngines;
    if (name === PROXY) return this.proxyEngines;
    return this.peerEngines.get(name) as NodeEngines;
  }

  /** The node that endorses for `peerName`: the peer itself, or its endorser server. */
  endorserOf(peerName: string): string {
    return this.separateEndorsers ? endorserNode(peerName) : peerName;
  }

  /**
   * With separate endorsers, a peer sends each block it commits to its endorser server, which
   * decodes it and applies the block's `stateWrites` to its copy of the world state (FastFabric).
   * The ledger's endorser reads the peer's own state, so it sees the update when the peer commits,
   * a network hop early.
   */
  updateEndorser(peerName: string, blockBytes: number, stateWrites: number): void {
    const endorser = endorserNode(peerName);
    // A peer that joined during the run has no endorser server.
    if (!this.peerEngines.has(endorser)) return;
    this.enginesOf(peerName).charge({ ...emptyReceipt(), messageBytes: blockBytes }, () =>
      this.send(peerName, endorser, blockBytes, () =>
        this.enginesOf(endorser).charge({ ...emptyReceipt(), decodeBytes: blockBytes, stateWrites }, () => undefined),
      ),
    );
  }

  /** Engines for a peer that joins during the run. */
  addPeerEngines(name: string): NodeEngines {
    const created = new NodeEngines(this.env, this.arch, name);
    if (this.timeline !== undefined) created.traceTo(this.timeline);
    this.peerEngines.set(name, created);
    return created;
  }

  /** A new node sits where `likeNode` sits (for its links). */
  placeNode(name: string, likeNode: string): void {
    this.siteOf.set(name, this.siteOf.get(likeNode) ?? '');
  }

  /**
   * Sends `bytes` from one node to another; `then` runs when the receiver has taken the message off
   * the wire (its kernel's receive path on CPU cores, or its TOE). The clients are load generators
   * outside the system under test: what they receive costs no simulated time.
   */
  send(from: string, to: string, bytes: number, then: () => void): void {
    this.link(from, to).send(bytes, to === CLIENTS ? then : () => this.receive(to, bytes, then));
  }

  private receive(to: string, bytes: number, then: () => void): void {
    this.enginesOf(to).charge({ ...emptyReceipt(), receiveBytes: bytes }, then);
  }

  private link(from: string, to: string): Link {
    const found = this.links.get(from)?.get(to);
    if (found !== undefined) return found;
    const spec = siteLink(this.topology, this.siteOf.get(from) ?? '', this.siteOf.get(to) ?? '');
    const duplex = new DuplexLink(this.env, {
      name: `${from}-${to}`,
      latencyPs: usToPs(spec.latencyUs),
      bandwidthBitsPerSec: spec.gbps * 1e9,
    });
    this.linksFrom(from).set(to, duplex.forward);
    this.linksFrom(to).set(from, duplex.backward);
    return duplex.forward;
  }

  private linksFrom(node: string): Map<string, Link> {
    let byReceiver = this.links.get(node);
    if (byReceiver === undefined) {
      byReceiver = new Map();
      this.links.set(node, byReceiver);
    }
    return byReceiver;
  }
}

function samePeersPerOrg(topology: Topology): number {
  const peersPerOrg = topology.orgs[0]?.peers ?? 1;
  topology.orgs.forEach((org, i) => {
    if (org.peers !== peersPerOrg)
      throw new ConfigError(
        topology.name,
        `orgs.${i}.peers`,
        `every organisation must have the same number of peers (${peersPerOrg}) for now`,
      );
  });
  return peersPerOrg;
}

/** The ledger's parties for the topology, with the chaincodes the run calls deployed at genesis. */
function createLedgerNetwork(options: SystemRunOptions, peersPerOrg: number): Network {
  const { topology, workload } = options;
  const policy = topology.endorsementPolicy ?? defaultPolicy(topology.orgs.length);
  return createNetwork({
    seed: `bpusim/${options.seed}`,
    orgCount: topology.orgs.length,
    peersPerOrg,
    peerScheme: options.endorsementScheme ?? 'p256',
    crypto: options.cryptoProvider ?? (options.crypto === 'real' ? 'node' : 'modeled'),
    shareVerifyCache: options.crypto === 'real',
    // The peers commit the same chain, so they share one multi-version world state and tx-id index,
    // each reading at its own height: one copy of the state instead of one per peer, and each block
    // validated once on the host (every peer is still charged it). A peer that must differ (a
    // corrupt write, a state commitment of its own) leaves with a copy.
    sharedChain: true,
    // A caller that builds many networks of one channel (a capacity search, a study) keeps their
    // genesis: block, preparation and applied state (ledger/genesis-image.ts).
    ...(options.genesisImages === undefined ? {} : { genesisImages: options.genesisImages }),
    // A trace may call any built-in contract, so a trace run deploys them all (key spaces sized by
    // --keys); a generator run deploys the one its workload uses.
    chaincodes:
      options.trace === undefined
        ? [{ name: workload.chaincode, policy, params: workload.genesisParams }]
        : BUILTIN_CHAINCODE_NAMES.map((name) => ({
            name,
            policy,
            params:
              name === 'smallbank'
                ? { accounts: options.keys ?? 10_000, initialBalance: 1_000_000 }
                : name === 'kv'
                  ? { records: options.keys ?? 10_000, valueBytes: 100 }
                  : {},
          })),
    batch: {
      maxMessageCount: topology.batch.maxMessageCount,
      preferredMaxBytes: topology.batch.preferredMaxBytes,
      absoluteMaxBytes: topology.batch.absoluteMaxBytes,
    },
  });
}

export type { Peer };
