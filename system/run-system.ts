/**
 * The full-system run: clients → proxy → endorsing peers → ordering → every peer validates and
 * commits → the commit event back to the client, in simulated time, on one architecture.
 *
 * The ledger does the real work at the simulated moment each step happens (so a peer endorses
 * against the state it has committed so far and timing produces real MVCC conflicts); each step's
 * work receipt is charged to the engines of the node that did it, and messages cross the
 * topology's links. Function and timing stay separate: nothing here computes a result the ledger
 * computes.
 *
 * This file wires the node types together, in the order their first events are scheduled (that
 * order is part of a run's identity: ties in the event queue break by scheduling order):
 * the network and its links (sim-network.ts), the peers (peer-node.ts), ordering (solo-orderer.ts
 * or consensus-ordering.ts, delivering through block-delivery.ts), the proxy (proxy.ts), state
 * integrity (state-integrity.ts), the clients (clients.ts), then the utilisation sampler.
 * The client learns the outcome from the first peer of the proxy's notifying set (peer 0).
 */
import type { Block, Peer } from '../ledger/index.js';
import { ValidationCode, validationCodeName } from '../ledger/index.js';
import { Environment, msToPs, RandomStreams } from '../sim/index.js';
import { BlockDelivery, blockBytes } from './block-delivery.js';
import { Clients } from './clients.js';
import { ConsensusOrdering } from './consensus-ordering.js';
import { NOTIFY_BYTES, type Ordering } from './ordering.js';
import { BlockPreparation, type BlockCommitted, PeerNode, type ValidatorStats } from './peer-node.js';
import { ProxyNode } from './proxy.js';
import type { CryptoModeFlag, SystemRunOptions, TraceSource } from './run-options.js';
import { archResult, busyNow } from './run-result.js';
import { RunMetrics, type TxRecord, UtilisationSeries } from './run-metrics.js';
import { ORDERER, PROXY, SimNetwork } from './sim-network.js';
import { SoloOrderer } from './solo-orderer.js';
import { type IntegrityOptions, StateIntegrity } from './state-integrity.js';
import { WindowUtilisation } from './window-utilisation.js';
import type { ArchResult } from '../reports/run-report.js';

export type { CryptoModeFlag, SystemRunOptions, TraceSource };

export function runSystem(options: SystemRunOptions): ArchResult {
  const env = new Environment();
  const streams = new RandomStreams(options.seed);
  const net = new SimNetwork(env, options.arch, options.topology, options, options.timeline);
  const metrics = new RunMetrics(env, options.durationPs, msToPs(options.topology.batch.timeoutMs));
  const clients = new Clients(net, metrics, options);
  const inFlight = new Map<Uint8Array, TxRecord>();
  const notifier = net.ledger.peers[0] as Peer;
  // Block validation shares the network's cache with endorsement and ordering, so a signature
  // checked anywhere is checked once on the host (receipts still count every check). Modeled
  // signatures go without: their check is one hash, which the cache's key costs too.
  const preparation = new BlockPreparation(net.ledger.crypto, net.ledger.verifyCache);
  const validators: ValidatorStats[] = [];
  const delivery = new BlockDelivery(net, options.integrity?.joinAtPs === undefined ? null : [net.ledger.genesisBlock]);
  let integrity: StateIntegrity | null = null;
  const onCommitted = (committed: BlockCommitted): void => {
    if (committed.peer === notifier)
      notifyClients(committed, net, metrics, inFlight, (tx, code) => proxy.notifyClient(tx, code));
    integrity?.onCommitted(committed.peer, committed.block.header.number);
    net.updateEndorser(committed.peer.name, blockBytes(committed.block), committed.stateWrites);
  };
  const attach = (peer: Peer): PeerNode => {
    const validator = { node: peer.name, busyPs: 0, blocks: 0, blockStartPs: null };
    validators.push(validator);
    const node = new PeerNode(peer, env, net.enginesOf(peer.name), preparation, validator, onCommitted);
    delivery.peers.push(node);
    return node;
  };
  for (const peer of net.ledger.peers) attach(peer);
  const ordering: Ordering =
    (options.ordering ?? 'solo') === 'solo'
      ? new SoloOrderer(net, delivery, inFlight, options.topology.batch.timeoutMs)
      : new ConsensusOrdering(options.ordering as 'raft' | 'pbft', net, delivery, inFlight, options, streams);
  const proxy = new ProxyNode(net, metrics, ordering, clients.finish);
  if (options.integrity !== undefined)
    integrity = newIntegrity(options, options.integrity, net, delivery, attach, metrics);
  clients.start(proxy, streams);
  const sampler = new UtilisationSeries(
    [net.enginesOf(notifier.name), net.proxyEngines, net.ordererEngines],
    metrics.seriesWindowPs,
  );
  const sample = (): void => {
    sampler.sample();
    options.onProgress?.(Math.min(1, env.nowPs / options.durationPs));
    if (clients.active()) env.schedule(metrics.seriesWindowPs, sample);
  };
  env.schedule(metrics.seriesWindowPs, sample);
  const window = new WindowUtilisation(env, metrics.warmupPs, options.durationPs, () =>
    busyNow(net, validators, ordering),
  );
  env.run(options.durationPs + options.drainPs);
  window.close();
  return archResult({
    options,
    net,
    metrics,
    validators,
    orderingStats: ordering.engineStats(),
    orderingUsage: ordering.engineUsage(),
    utilisation: sampler.busySeries(),
    window,
    notifier,
    integrity: integrity?.result(notifier),
  });
}

/** The notifying peer committed a block: each of its transactions' outcome goes back to its client. */
function notifyClients(
  committed: BlockCommitted,
  net: SimNetwork,
  metrics: RunMetrics,
  inFlight: Map<Uint8Array, TxRecord>,
  /** The outcome reaches the proxy, which passes it to the client. */
  atProxy: (tx: TxRecord, codeName: string) => void,
): void {
  const { block, peer } = committed;
  metrics.blocksCommitted++;
  metrics.blockTxs += block.data.length;
  block.data.forEach((envelope, i) => {
    const tx = inFlight.get(envelope);
    if (tx === undefined) return;
    inFlight.delete(envelope);
    tx.blockAtPeerPs = committed.arrivedPs;
    tx.validatedPs = committed.validatedPs;
    tx.committedPs = net.env.nowPs;
    const codeName = validationCodeName(committed.validationCodes[i] ?? ValidationCode.NOT_VALIDATED);
    net.send(peer.name, PROXY, NOTIFY_BYTES, () => atProxy(tx, codeName));
  });
}

/** State integrity: audits, corrupt writes, a peer joining or peers growing during the run. */
function newIntegrity(
  options: SystemRunOptions,
  integrityOptions: IntegrityOptions,
  net: SimNetwork,
  delivery: BlockDelivery,
  attach: (peer: Peer) => PeerNode,
  metrics: RunMetrics,
): StateIntegrity {
  return new StateIntegrity(
    {
      env: net.env,
      arch: options.arch,
      network: net.ledger,
      livePeers: [...net.ledger.peers],
      enginesOf: (name) => net.enginesOf(name),
      newEngines: (name) => net.addPeerEngines(name),
      send: (from, to, bytes, then) => net.send(from, to, bytes, then),
      placeNode: (name, likePeer) => net.placeNode(name, likePeer),
      chain: delivery.chain ?? ([] as Block[]),
      // A joined peer is delivered blocks once it has caught up.
      attachLive: (peer) => attach(peer),
      ordererName: ORDERER,
      seed: options.seed,
      committedCount: () => metrics.blockTxs,
    },
    integrityOptions,
  );
}
