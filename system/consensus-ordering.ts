/**
 * Ordering by a Raft or PBFT cluster of the topology's orderers, driven in simulated time. The
 * proxy sends each envelope to the leader (Raft) or to every orderer (PBFT, as Fabric's BFT
 * gateway does). When a height is first decided by an honest orderer, that orderer cuts the ledger
 * block (header, data hash, its signature) and sends it to every peer. The ledger's solo orderer is
 * used only to build and sign blocks here; envelope admission checks happen at peers. Faults from
 * the fault file (crash, restart, partition, heal, network, slow) are scheduled on the cluster.
 */
import type { NodeUsage } from '../engines/energy.js';
import type { EngineBusy, EngineStats } from '../engines/node-engines.js';
import { emptyReceipt } from '../ledger/index.js';
import { msToPs, type RandomStreams } from '../sim/index.js';
import type { BlockDelivery } from './block-delivery.js';
import type { ConsensusDriver } from './consensus-driver.js';
import { buildConsensus } from './consensus-experiment.js';
import type { FaultEvent } from './fault-file.js';
import type { Ordering } from './ordering.js';
import type { SystemRunOptions } from './run-options.js';
import type { TxRecord } from './run-metrics.js';
import { ORDERER, PROXY, type SimNetwork } from './sim-network.js';
import { siteLink } from './topology.js';

export class ConsensusOrdering implements Ordering {
  private readonly cluster: ConsensusDriver;

  constructor(
    private readonly protocol: 'raft' | 'pbft',
    private readonly net: SimNetwork,
    delivery: BlockDelivery,
    private readonly inFlight: Map<Uint8Array, TxRecord>,
    options: SystemRunOptions,
    streams: RandomStreams,
  ) {
    const { topology } = options;
    const ledger = net.ledger;
    this.cluster = buildConsensus(
      {
        protocol,
        n: topology.orderers.count,
        arch: options.arch,
        seed: options.seed,
        ratePerSec: options.ratePerSec,
        durationPs: options.durationPs,
        drainPs: options.drainPs,
        envelopeBytes: 0,
        batch: ledger.config.batch,
        batchTimeoutMs: topology.batch.timeoutMs,
        link: siteLink(topology, topology.orderers.site, topology.orderers.site),
        crypto: ledger.crypto,
        byzantine: new Map(Object.entries(options.faults?.byzantine ?? {}).map(([id, mode]) => [Number(id), mode])),
      },
      net.env,
      streams,
    );
    for (const event of options.faults?.events ?? [])
      if (event.kind !== 'corrupt-write') net.env.schedule(msToPs(event.atMs), () => this.applyFault(event));
    this.cluster.onFirstDecide((batch) => {
      const receipt = emptyReceipt();
      const block = ledger.orderer.createBlock(batch.envelopes, receipt);
      delivery.charge(receipt, [block]);
    });
    this.cluster.start();
  }

  submit(envelope: Uint8Array, tx: TxRecord): void {
    this.inFlight.set(envelope, tx);
    const cluster = this.cluster;
    const targets =
      this.protocol === 'pbft'
        ? Array.from({ length: cluster.nodeCount }, (_, id) => id)
        : [Math.max(0, cluster.leader())];
    for (const id of targets) this.net.send(PROXY, ORDERER, envelope.length, () => cluster.submit(id, envelope));
  }

  engineStats(): EngineStats[] {
    return this.cluster.engineStats();
  }

  engineBusy(): EngineBusy[] {
    return this.cluster.engineBusy();
  }

  engineUsage(): NodeUsage[] {
    return this.cluster.engineUsage();
  }

  private applyFault(event: FaultEvent): void {
    const cluster = this.cluster;
    switch (event.kind) {
      case 'crash':
        cluster.crash(event.node);
        return;
      case 'restart':
        cluster.restart(event.node);
        return;
      case 'partition':
        cluster.partition(event.groups[0], event.groups[1]);
        return;
      case 'heal':
        cluster.heal();
        return;
      case 'network':
        cluster.setNetworkFaults({
          dropProbability: event.drop,
          duplicateProbability: event.duplicate,
          delayProbability: event.delay,
          delayMaxMs: event.delayMaxMs,
        });
        return;
      case 'slow':
        cluster.slow(event.node, event.extraMsPerMessage);
        return;
      case 'corrupt-write':
        return; // a peer fault: scheduled by the state-integrity machinery
    }
  }
}
