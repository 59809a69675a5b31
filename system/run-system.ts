/**
 * The full-system run: clients → proxy → endorsing peers → ordering → every peer validates and
 * commits → the commit event back to the client, in simulated time, on one architecture.
 *
 * The ledger does the real work at the simulated moment each step happens (so a peer endorses
 * against the state it has committed so far and timing produces real MVCC conflicts); each step's
 * work receipt is charged to the engines of the node that did it, and messages cross the
 * topology's links. Function and timing stay separate (DESIGN.md): nothing here computes a result
 * the ledger computes.
 *
 * Modelling choices (each says why):
 * - Clients are load generators outside the system under test (as in Caliper): their own signing
 *   costs no simulated time. The proxy assembles and signs envelopes on their behalf (the paper's
 *   proxy hides the network from clients), so that work is charged to the proxy.
 * - A peer validates blocks one at a time in block order. Validation is two steps: `prepare`
 *   (decode, signature checks; charged with the block's transactions as independent pieces) and
 *   `commitPrepared` (MVCC and state writes). The commit's state change becomes visible when the
 *   commit step starts; endorsements that arrive during the write phase (microseconds) therefore
 *   see the new state slightly early.
 * - Ordering is one orderer with Fabric's block cutter; the batch timer follows Fabric's solo
 *   chain (started when a batch becomes non-empty, stopped only when nothing is pending).
 * - The client learns the outcome from the first peer of the proxy's notifying set (peer 0).
 */
import {
  DuplexLink,
  Environment,
  LatencyHistogram,
  Link,
  RandomStreams,
  ThroughputWindows,
  msToPs,
  psToSeconds,
  secondsToPs,
  usToPs,
} from '../../sim/index.js';
import { type Architecture } from '../../engines/architecture.js';
import { NodeEngines, type EngineStats } from '../../engines/node-engines.js';
import type { ArchResult, PhaseSummary } from '../../reports/run-report.js';

export type { ArchResult, PhaseSummary };
import type { Work } from '../../engines/work.js';
import { type Topology, siteLink } from '../../engines/topology.js';
import { ConfigError } from '../../engines/config-error.js';
import {
  addReceipt,
  BUILTIN_CHAINCODE_NAMES,
  createNetwork,
  defaultPolicy,
  emptyReceipt,
  type WorkReceipt,
  type CryptoProvider,
  validationCodeName,
  ValidationCode,
  type Block,
  type Network,
  type Peer,
  type Proposal,
  type ProposalResponse,
} from '../../ledger/index.js';
import { runVerifyJobs } from '../../ledger/verify-job.js';
import { MemoryWorldState } from '../../ledger/state/memory-state.js';
import { TxIdSet } from '../../ledger/state/txid-set.js';
import type { PreparedBlock } from '../../ledger/validator.js';
import { bytesEqual } from '../../ledger/hash.js';
import { buildConsensus } from './consensus-experiment.js';
import type { ConsensusDriver } from './consensus-driver.js';
import type { FaultEvent, FaultFile } from '../../engines/fault-file.js';
import { MICRO_PER_MDM, mdmFeeMicro } from '../../ledger/chaincode/contracts/mdm-token.js';
import { makeDraws } from './draws.js';
import { sixFigures } from './figures.js';
import { type IntegrityOptions, StateIntegrity } from './state-integrity.js';
import type { TxRequest, WorkloadGenerator } from '../../workloads/generators.js';
import { type ArrivalSpec, meanOfferedTps as offeredTps, openArrivals } from '../../workloads/arrivals.js';

/** A source of trace events read as the run goes (constant memory); null at the end. */
export interface TraceSource {
  next(): { timeS: number; client: number; contract: string; fn: string; args: string[] } | null;
}

export type CryptoModeFlag = 'real' | 'modeled';
export type { ArrivalSpec };

export interface SystemRunOptions {
  arch: Architecture;
  topology: Topology;
  workload: WorkloadGenerator;
  /** Nominal offered rate (the open-loop process's rate; reports use it as offeredTps). */
  ratePerSec: number;
  arrival: ArrivalSpec;
  /** Replays this trace (open loop) instead of the arrival process and workload generator. */
  trace?: TraceSource;
  /** Trace time is divided by this (2 = twice as fast). */
  timeScale?: number;
  /** Key-space size for contracts a trace calls (accounts / records). */
  keys?: number;
  /** Called with the fraction of the arrival period simulated so far (a progress bar); no effect on results. */
  onProgress?: (fraction: number) => void;
  /** Receives every engine operation as it starts (a timeline export). */
  timeline?: (node: string, track: string, startPs: number, endPs: number, name: string) => void;
  /** The trace file's name, for the report's identity. */
  traceName?: string;
  /** Receives every transaction offered, in order (`run --record-trace`). */
  recordTrace?: (event: { timeS: number; client: number; contract: string; fn: string; args: string[] }) => void;
  durationPs: number;
  /** Longest simulated time allowed after the last arrival for in-flight transactions to finish. */
  drainPs: number;
  seed: number;
  crypto: CryptoModeFlag;
  /**
   * Ordering service: 'solo' (one orderer, Fabric's block cutter and batch timer) or a cluster of
   * `topology.orderers.count` nodes running Raft or PBFT, driven in simulated time.
   */
  ordering?: 'solo' | 'raft' | 'pbft';
  /** Faults scheduled on the ordering cluster (needs raft or pbft). */
  faults?: FaultFile;
  /** Scheme of the peers' keys, i.e. of endorsements; 'bls' aggregates them (the paper's remedy 2). */
  endorsementScheme?: 'p256' | 'ed25519' | 'bls';
  /** Overrides the provider `crypto` selects (the benchmark passes a counting wrapper). */
  cryptoProvider?: CryptoProvider;
  /** State-integrity audits, corrupt-write faults and a peer joining during the run (issue 8). */
  integrity?: IntegrityOptions;
}

interface TxRecord {
  client: number;
  submittedPs: number;
  atProxyPs: number;
  endorsedPs: number;
  sentToOrdererPs: number;
  blockAtPeerPs: number;
  validatedPs: number;
  committedPs: number;
}

const NOTIFY_BYTES = 200;

export function runSystem(options: SystemRunOptions): ArchResult {
  const { arch, topology, workload } = options;
  const env = new Environment();
  const streams = new RandomStreams(options.seed);
  const peersPerOrg = topology.orgs[0]?.peers ?? 1;
  topology.orgs.forEach((org, i) => {
    if (org.peers !== peersPerOrg)
      throw new ConfigError(
        topology.name,
        `orgs.${i}.peers`,
        `every organisation must have the same number of peers (${peersPerOrg}) for now`,
      );
  });
  const sharedTxIds = new TxIdSet();
  const network: Network = createNetwork({
    seed: `bpusim/${options.seed}`,
    orgCount: topology.orgs.length,
    peersPerOrg,
    peerScheme: options.endorsementScheme ?? 'p256',
    crypto: options.cryptoProvider ?? (options.crypto === 'real' ? 'node' : 'modeled'),
    shareVerifyCache: options.crypto === 'real',
    // The peers commit the same chain, so they share one tx-id index (each sees the ids below its
    // own height): one copy of every id instead of one per peer.
    stores: () => ({ state: new MemoryWorldState({ sharedTxIds }) }),
    // A trace may call any built-in contract, so a trace run deploys them all (key spaces sized by
    // --keys); a generator run deploys the one its workload uses.
    chaincodes:
      options.trace === undefined
        ? [
            {
              name: workload.chaincode,
              policy: topology.endorsementPolicy ?? defaultPolicy(topology.orgs.length),
              params: workload.genesisParams,
            },
          ]
        : BUILTIN_CHAINCODE_NAMES.map((name) => ({
            name,
            policy: topology.endorsementPolicy ?? defaultPolicy(topology.orgs.length),
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
  // Block validation here shares the network's cache with endorsement and ordering, so a
  // signature checked anywhere is checked once on the host (receipts still count every check).
  // Modeled signatures go without: their check is one hash, which the cache's key costs too.
  const verifyCache = network.verifyCache;

  // ---- nodes, engines and links ----------------------------------------------------------------
  const siteOf = new Map<string, string>();
  const engines = new Map<string, NodeEngines>();
  network.peers.forEach((peer, i) => {
    siteOf.set(peer.name, topology.orgs[Math.floor(i / peersPerOrg)]?.site ?? '');
    engines.set(peer.name, new NodeEngines(env, arch, peer.name));
  });
  siteOf.set('proxy', topology.proxy.site);
  siteOf.set('orderer', topology.orderers.site);
  siteOf.set('clients', topology.clients.site);
  const proxyEngines = new NodeEngines(env, arch, 'proxy');
  const ordererEngines = new NodeEngines(env, arch, 'orderer');
  if (options.timeline !== undefined)
    for (const e of [...engines.values(), proxyEngines, ordererEngines]) e.traceTo(options.timeline);
  const links = new Map<string, Link>();
  const link = (from: string, to: string): Link => {
    const key = `${from}>${to}`;
    let found = links.get(key);
    if (found === undefined) {
      const spec = siteLink(topology, siteOf.get(from) ?? '', siteOf.get(to) ?? '');
      const duplex = new DuplexLink(env, {
        name: `${from}-${to}`,
        latencyPs: usToPs(spec.latencyUs),
        bandwidthBitsPerSec: spec.gbps * 1e9,
      });
      links.set(key, duplex.forward);
      links.set(`${to}>${from}`, duplex.backward);
      found = duplex.forward;
    }
    return found;
  };
  const send = (from: string, to: string, bytes: number, then: () => void): void => {
    link(from, to).send(bytes, then);
  };

  // ---- metrics ----------------------------------------------------------------------------------
  const latency = new LatencyHistogram();
  const phases = {
    endorse: new LatencyHistogram(),
    order: new LatencyHistogram(),
    validate: new LatencyHistogram(),
    commit: new LatencyHistogram(),
    network: new LatencyHistogram(),
  };
  const codes = new Map<string, number>();
  const countCode = (name: string): void => {
    codes.set(name, (codes.get(name) ?? 0) + 1);
  };
  let submitted = 0;
  let finished = 0;
  let committedValid = 0;
  let committedInWindow = 0;
  // Rates are measured from the end of a warm-up (the first quarter of the arrivals) to the end of
  // the arrivals: at steady state that is the sustained rate; when the system is overloaded it is
  // its capacity, not the offered load. Runs must be long against the end-to-end latency.
  const warmupPs = Math.round(options.durationPs / 4);
  let executionsInWindow = 0;
  let rejectedAtEndorsement = 0;
  let contractExecutions = 0;
  let blocksCommitted = 0;
  let blockTxs = 0;
  const inFlight = new Map<Uint8Array, TxRecord>();
  // Time series: one window per 1/50 of the arrival period, sampled until the run ends.
  const seriesWindowPs = Math.max(msToPs(1), Math.round(options.durationPs / 50));
  const commitWindows = new ThroughputWindows(seriesWindowPs, 4096);

  // The run ends when arrivals are over and every transaction has its outcome, so utilisation and
  // rates are measured over the active period, not over an idle drain allowance.
  let sourcesActive = options.trace !== undefined ? 1 : topology.clients.count;
  let closedLoop: ((client: number) => void) | null = null;
  const finishTx = (tx: TxRecord, codeName: string): void => {
    finished++;
    closedLoop?.(tx.client);
    if (sourcesActive === 0 && finished === submitted) env.stop();
    countCode(codeName);
    const totalPs = env.nowPs - tx.submittedPs;
    latency.record(totalPs / 1000);
    if (codeName === 'VALID') {
      committedValid++;
      commitWindows.record(env.nowPs);
      if (env.nowPs >= warmupPs && env.nowPs <= options.durationPs) committedInWindow++;
      const endorsePs = tx.endorsedPs - tx.atProxyPs;
      const orderPs = tx.blockAtPeerPs - tx.sentToOrdererPs;
      const validatePs = tx.validatedPs - tx.blockAtPeerPs;
      const commitPs = tx.committedPs - tx.validatedPs;
      phases.endorse.record(endorsePs / 1000);
      phases.order.record(orderPs / 1000);
      phases.validate.record(validatePs / 1000);
      phases.commit.record(commitPs / 1000);
      phases.network.record(Math.max(0, totalPs - endorsePs - orderPs - validatePs - commitPs) / 1000);
    }
  };

  // ---- peers: one block at a time, in order ------------------------------------------------------
  const notifier = network.peers[0] as Peer;
  const peerInboxes = new Map<Peer, (block: Block) => void>();
  // Each peer validates and commits one block at a time (Fabric's committer); its busy time is a
  // resource of its own, reported as engine 'validator', since a saturated serial committer limits
  // throughput while each engine it uses is only partly busy.
  const validators = new Map<string, { busyPs: number; blocks: number }>();
  for (const peer of network.peers) validators.set(peer.name, { busyPs: 0, blocks: 0 });
  // Peers the orderer delivers to (a joined peer is added once it has caught up).
  const deliveryPeers: Peer[] = [...network.peers];
  // Set once the integrity machinery exists (below); peers report their commits to it.
  let integrity: StateIntegrity | null = null;
  // Preparing a block (decoding, identity and policy checks, the signature checks) reads no world
  // state: it is a function of the block, the peer's chain position and the channel config, which
  // every peer shares. So the first peer to validate a block prepares it and runs its signature
  // checks on the host, and a peer at the same position takes that result and adds the same work
  // to its own receipt (simulated time is charged in full at every peer). MVCC and commit stay per
  // peer, against each peer's own state. Reports are unchanged; the host saves ≈¾ of the
  // preparation with four peers.
  const preparedBlocks = new WeakMap<Block, { prepared: PreparedBlock; receipt: WorkReceipt; results: Uint8Array }>();
  const prepareShared = (
    peer: Peer,
    block: Block,
    receipt: WorkReceipt,
  ): { prepared: PreparedBlock; results: Uint8Array } => {
    let shared = preparedBlocks.get(block);
    const samePosition =
      shared !== undefined &&
      peer.height === block.header.number &&
      bytesEqual(peer.lastBlockHash, block.header.previousHash);
    if (shared === undefined || !samePosition) {
      const own = emptyReceipt();
      const prepared = peer.prepare(block, own);
      shared = { prepared, receipt: own, results: runVerifyJobs(network.crypto, verifyCache, prepared.jobs) };
      preparedBlocks.set(block, shared);
    }
    addReceipt(receipt, shared.receipt);
    return shared;
  };
  const attachPeer = (peer: Peer): void => {
    // Blocks may arrive out of order (the orderer's sends to a peer can overtake each other on a
    // multi-lane engine); the peer commits strictly in block order, as Fabric's deliver client does.
    const inbox = new Map<number, Block>();
    let nextBlockNumber = peer.height;
    let busy = false;
    const peerEngines = engines.get(peer.name) as NodeEngines;
    // A joined peer gets its validator entry here; the network's peers have theirs already.
    const peerValidator = validators.get(peer.name) ?? { busyPs: 0, blocks: 0 };
    validators.set(peer.name, peerValidator);
    const processNext = (): void => {
      const block = inbox.get(nextBlockNumber);
      if (block === undefined) {
        busy = false;
        return;
      }
      inbox.delete(nextBlockNumber);
      nextBlockNumber++;
      busy = true;
      const txCount = Math.max(1, block.data.length);
      const arrivedPs = env.nowPs;
      const prepareReceipt = emptyReceipt();
      const { prepared, results } = prepareShared(peer, block, prepareReceipt);
      peerEngines.charge(
        prepareReceipt,
        () => {
          const validatedPs = env.nowPs;
          const commitReceipt = emptyReceipt();
          const commit = peer.commitPrepared(prepared, results, commitReceipt);
          peerEngines.charge(
            commitReceipt,
            () => {
              if (peer === notifier) {
                blocksCommitted++;
                blockTxs += block.data.length;
                block.data.forEach((envelope, i) => {
                  const tx = inFlight.get(envelope);
                  if (tx === undefined) return;
                  inFlight.delete(envelope);
                  tx.blockAtPeerPs = arrivedPs;
                  tx.validatedPs = validatedPs;
                  tx.committedPs = env.nowPs;
                  const codeName = validationCodeName(commit.validationCodes[i] ?? ValidationCode.NOT_VALIDATED);
                  send(peer.name, 'proxy', NOTIFY_BYTES, () =>
                    send('proxy', 'clients', NOTIFY_BYTES, () => finishTx(tx, codeName)),
                  );
                });
              }
              peerValidator.busyPs += env.nowPs - arrivedPs;
              peerValidator.blocks++;
              integrity?.onCommitted(peer, block.header.number);
              processNext();
            },
            txCount,
          );
        },
        txCount,
      );
    };
    peerInboxes.set(peer, (block: Block) => {
      // A joined peer may be handed a block it already committed while catching up.
      if (block.header.number < nextBlockNumber) return;
      inbox.set(block.header.number, block);
      if (!busy) processNext();
    });
  };
  for (const peer of network.peers) attachPeer(peer);

  // ---- ordering: block cutter in the ledger, batch timer here, delivery in block order ----------
  const deliveryQueue: { block: Block; ready: boolean }[] = [];
  // Every block cut, genesis first: what a joining peer replays (kept only when one joins).
  const chain: Block[] | null = options.integrity?.joinAtPs === undefined ? null : [network.genesisBlock];
  const deliverReady = (): void => {
    while (deliveryQueue.length > 0 && (deliveryQueue[0] as { ready: boolean }).ready) {
      const { block } = deliveryQueue.shift() as { block: Block };
      const bytes = blockBytes(block);
      if (chain !== null) chain.push(block);
      // The orderer sends the block to every peer: N sends, each charged to its NIC (or kernel
      // TCP on CPU cores), which is what limits how many peers one orderer can feed.
      for (const peer of deliveryPeers) {
        ordererEngines.charge({ ...emptyReceipt(), messageBytes: bytes }, () =>
          send('orderer', peer.name, bytes, () => (peerInboxes.get(peer) as (b: Block) => void)(block)),
        );
      }
    }
  };
  const chargeOrderer = (work: Work, blocks: readonly Block[]): void => {
    const entries = blocks.map((block) => ({ block, ready: false }));
    deliveryQueue.push(...entries);
    ordererEngines.charge(work, () => {
      for (const entry of entries) entry.ready = true;
      deliverReady();
    });
  };
  const timeoutPs = msToPs(topology.batch.timeoutMs);
  let timerRunning = false;
  let timerGeneration = 0;
  const onBatchTimer = (generation: unknown): void => {
    if (!timerRunning || generation !== timerGeneration) return;
    timerRunning = false;
    timerGeneration++;
    const cut = network.orderer.cutNow();
    chargeOrderer(cut.receipt, cut.block === null ? [] : [cut.block]);
  };
  const updateTimer = (): void => {
    const pending = network.orderer.pendingCount > 0;
    if (timerRunning && !pending) {
      timerRunning = false;
      timerGeneration++;
    } else if (!timerRunning && pending) {
      timerRunning = true;
      env.schedule(timeoutPs, onBatchTimer, timerGeneration);
    }
  };

  // ---- ordering by a Raft or PBFT cluster ---------------------------------------------------------
  // The proxy sends each envelope to the leader (Raft) or to every orderer (PBFT, as Fabric's BFT
  // gateway does). When a height is first decided by an honest orderer, that orderer cuts the
  // ledger block (header, data hash, its signature) and sends it to every peer. The ledger's solo
  // orderer is used only to build and sign blocks here; envelope admission checks happen at peers.
  const ordering = options.ordering ?? 'solo';
  const cluster =
    ordering === 'solo'
      ? null
      : buildConsensus(
          {
            protocol: ordering,
            n: topology.orderers.count,
            arch,
            seed: options.seed,
            ratePerSec: options.ratePerSec,
            durationPs: options.durationPs,
            drainPs: options.drainPs,
            envelopeBytes: 0,
            batch: network.config.batch,
            batchTimeoutMs: topology.batch.timeoutMs,
            link: siteLink(topology, topology.orderers.site, topology.orderers.site),
            crypto: network.crypto,
            byzantine: new Map(Object.entries(options.faults?.byzantine ?? {}).map(([id, mode]) => [Number(id), mode])),
          },
          env,
          streams,
        );
  const submitToCluster = (envelope: Uint8Array): void => {
    if (cluster === null) return;
    const targets =
      ordering === 'pbft' ? Array.from({ length: cluster.nodeCount }, (_, id) => id) : [Math.max(0, cluster.leader())];
    for (const id of targets) send('proxy', 'orderer', envelope.length, () => cluster.submit(id, envelope));
  };
  if (cluster !== null) {
    for (const event of options.faults?.events ?? [])
      if (event.kind !== 'corrupt-write') env.schedule(msToPs(event.atMs), () => applyFault(cluster, event));
    cluster.onFirstDecide((batch) => {
      const receipt = emptyReceipt();
      const block = network.orderer.createBlock(batch.envelopes, receipt);
      chargeOrderer(receipt, [block]);
    });
    cluster.start();
  }

  // ---- the proxy: endorse, assemble, submit ------------------------------------------------------
  const atProxy = (
    clientIndex: number,
    proposal: Proposal,
    signed: Parameters<Peer['endorse']>[0],
    proposalBytes: number,
    tx: TxRecord,
  ): void => {
    tx.atProxyPs = env.nowPs;
    const ledgerClient = network.clients[clientIndex % network.clients.length];
    if (ledgerClient === undefined) throw new Error('no ledger client');
    const endorsers = network.gateway.chooseEndorsers(proposal.chaincode);
    const responses: ProposalResponse[] = new Array<ProposalResponse>(endorsers.length);
    let remaining = endorsers.length;
    endorsers.forEach((peer, index) => {
      send('proxy', peer.name, proposalBytes, () => {
        const { response, receipt } = peer.endorse(signed);
        contractExecutions++;
        if (env.nowPs >= warmupPs && env.nowPs <= options.durationPs) executionsInWindow++;
        (engines.get(peer.name) as NodeEngines).charge(receipt, () => {
          send(peer.name, 'proxy', receipt.messageBytes, () => {
            responses[index] = response;
            remaining--;
            if (remaining === 0) assembleAndSubmit(ledgerClient, proposal, responses, tx);
          });
        });
      });
    });
  };
  const assembleAndSubmit = (
    ledgerClient: Network['clients'][number],
    proposal: Proposal,
    responses: ProposalResponse[],
    tx: TxRecord,
  ): void => {
    tx.endorsedPs = env.nowPs;
    const assembled = ledgerClient.assemble(proposal, responses);
    proxyEngines.charge(assembled.receipt, () => {
      if (!assembled.result.ok) {
        rejectedAtEndorsement++;
        send('proxy', 'clients', NOTIFY_BYTES, () => finishTx(tx, 'ENDORSEMENT_REJECTED'));
        return;
      }
      const envelope = assembled.result.envelope;
      tx.sentToOrdererPs = env.nowPs;
      if (cluster !== null) {
        inFlight.set(envelope, tx);
        submitToCluster(envelope);
        return;
      }
      send('proxy', 'orderer', envelope.length, () => {
        const broadcast = network.orderer.broadcast(envelope);
        if (!broadcast.accepted) {
          chargeOrderer(broadcast.receipt, []);
          send('orderer', 'proxy', NOTIFY_BYTES, () =>
            send('proxy', 'clients', NOTIFY_BYTES, () => finishTx(tx, 'ORDERER_REJECTED')),
          );
          return;
        }
        inFlight.set(envelope, tx);
        chargeOrderer(broadcast.receipt, broadcast.blocks);
        updateTimer();
      });
    });
  };

  // ---- state integrity: audits, corrupt writes, a joining peer -------------------------------------
  if (options.integrity !== undefined) {
    integrity = new StateIntegrity(
      {
        env,
        arch,
        network,
        livePeers: [...network.peers],
        enginesOf: (name) =>
          name === 'orderer' ? ordererEngines : name === 'proxy' ? proxyEngines : (engines.get(name) as NodeEngines),
        newEngines: (name) => {
          const created = new NodeEngines(env, arch, name);
          if (options.timeline !== undefined) created.traceTo(options.timeline);
          engines.set(name, created);
          return created;
        },
        send,
        placeNode: (name, likePeer) => siteOf.set(name, siteOf.get(likePeer) ?? ''),
        chain: chain ?? [],
        attachLive: (peer) => {
          attachPeer(peer);
          deliveryPeers.push(peer);
        },
        ordererName: 'orderer',
        seed: options.seed,
        committedCount: () => blockTxs,
      },
      options.integrity,
    );
  }

  // ---- clients: arrivals -------------------------------------------------------------------------
  // Each client is an arrival source: open-loop (fixed, Poisson, ramp, bursty: the next arrival
  // time comes from the process) or closed-loop (a new transaction when one of its own completes,
  // after the think time). A trace replaces them all with one source reading the file as it goes.
  const draws = makeDraws(streams.stream('workload'));
  const clientCount = topology.clients.count;
  const endS = psToSeconds(options.durationPs);
  let sequence = 0;
  const issue = (c: number, request: TxRequest): void => {
    const ledgerClient = network.clients[c % network.clients.length];
    if (ledgerClient === undefined) throw new Error('no ledger client');
    const proposed = ledgerClient.propose(request.chaincode, request.fn, request.args);
    options.recordTrace?.({
      timeS: psToSeconds(env.nowPs),
      client: c,
      contract: request.chaincode,
      fn: request.fn,
      args: request.args,
    });
    submitted++;
    const tx: TxRecord = {
      client: c,
      submittedPs: env.nowPs,
      atProxyPs: 0,
      endorsedPs: 0,
      sentToOrdererPs: 0,
      blockAtPeerPs: 0,
      validatedPs: 0,
      committedPs: 0,
    };
    const bytes = proposed.receipt.messageBytes;
    send('clients', 'proxy', bytes, () => atProxy(c, proposed.proposal, proposed.signed, bytes, tx));
  };
  const sourceDone = (): void => {
    sourcesActive--;
    if (sourcesActive === 0 && finished === submitted) env.stop();
  };
  const arrival = options.arrival;
  if (options.trace !== undefined) {
    const trace = options.trace;
    const scale = options.timeScale ?? 1;
    const scheduleNext = (): void => {
      const event = trace.next();
      if (event === null || event.timeS / scale > endS) {
        sourceDone();
        return;
      }
      env.scheduleAt(Math.max(env.nowPs, secondsToPs(event.timeS / scale)), () => {
        issue(event.client % clientCount, { chaincode: event.contract, fn: event.fn, args: event.args });
        scheduleNext();
      });
    };
    scheduleNext();
  } else if (arrival.kind === 'closed') {
    const thinkPs = msToPs(arrival.thinkMs);
    closedLoop = (c: number): void => {
      if (env.nowPs > options.durationPs) return;
      env.schedule(thinkPs, () => {
        if (env.nowPs > options.durationPs) return;
        issue(c, workload.next(draws, sequence++));
      });
    };
    for (let c = 0; c < clientCount; c++) {
      for (let k = 0; k < arrival.outstanding; k++)
        env.schedule(k + c, () => issue(c, workload.next(draws, sequence++)));
    }
    // Closed-loop clients stop issuing at the end of the arrival period; the run then drains.
    env.schedule(options.durationPs + 1, () => {
      for (let c = 0; c < clientCount; c++) sourceDone();
    });
  } else {
    for (let c = 0; c < clientCount; c++) {
      const arrivals = openArrivals(arrival, clientCount, makeDraws(streams.stream(`client/${c}/arrivals`)), endS);
      const arrive = (): void => {
        issue(c, workload.next(draws, sequence++));
        scheduleFrom(env.nowPs);
      };
      const scheduleFrom = (fromPs: number): void => {
        const nextS = arrivals.next(psToSeconds(fromPs));
        if (nextS === null) {
          sourceDone();
          return;
        }
        env.scheduleAt(Math.max(env.nowPs, Math.round(nextS * 1e12)), arrive);
      };
      // Clients start staggered across one gap (a fixed rate is then not simultaneous bursts),
      // each with an arrival at its start instant.
      const staggerPs = Math.round(((1e12 * clientCount) / Math.max(1, offeredTps(arrival))) * (c / clientCount));
      env.schedule(staggerPs, arrive);
    }
  }

  const sampled: NodeEngines[] = [
    notifier === undefined ? null : engines.get(notifier.name),
    proxyEngines,
    ordererEngines,
  ].filter((e): e is NodeEngines => e !== undefined && e !== null);
  const utilisationSeries = new Map<string, number[]>();
  const lastBusy = new Map<string, number>();
  const sampleUtilisation = (): void => {
    for (const stats of sampled.flatMap((e) => e.stats())) {
      const key = `${stats.node}.${stats.engine}`;
      const busyPs = stats.utilisation * stats.lanes * env.nowPs;
      const series = utilisationSeries.get(key) ?? [];
      // A pipeline counts an operation's issue slot when it enters, so a window can read a hair
      // above 1 or below 0 at its edges; the series is clamped to [0, 1].
      series.push(
        sixFigures(Math.min(1, Math.max(0, (busyPs - (lastBusy.get(key) ?? 0)) / (stats.lanes * seriesWindowPs)))),
      );
      utilisationSeries.set(key, series);
      lastBusy.set(key, busyPs);
    }
    options.onProgress?.(Math.min(1, env.nowPs / options.durationPs));
    if (seriesActive()) env.schedule(seriesWindowPs, sampleUtilisation);
  };
  const seriesActive = (): boolean => sourcesActive > 0 || finished < submitted;
  env.schedule(seriesWindowPs, sampleUtilisation);
  env.run(options.durationPs + options.drainPs);

  // ---- results -----------------------------------------------------------------------------------
  const windowSeconds = psToSeconds(options.durationPs - warmupPs);
  const validatorStats: EngineStats[] = [...validators].map(([node, v]) => ({
    node,
    engine: 'validator',
    lanes: 1,
    utilisation: env.nowPs > 0 ? v.busyPs / env.nowPs : 0,
    meanQueueLength: 0,
    opsPerSec: env.nowPs > 0 ? (v.blocks * 1e12) / env.nowPs : 0,
    ops: v.blocks,
  }));
  const engineStats = [
    ...[...engines.values(), proxyEngines, ordererEngines].flatMap((e) => e.stats()),
    ...validatorStats,
    ...(cluster?.engineStats() ?? []),
  ];
  const bottleneck = engineStats.reduce(
    (best, s) => (s.utilisation > best.utilisation ? s : best),
    engineStats[0] as EngineStats,
  );
  const contracts = new Set<string>();
  for (const e of engines.values()) for (const name of e.contractExecutions.keys()) contracts.add(name);
  const summary = latency.summary();
  const phase = (h: LatencyHistogram): PhaseSummary => ({
    meanMs: sixFigures(h.mean / 1e6),
    p99Ms: sixFigures(h.quantile(0.99) / 1e6),
  });
  // Peers with an injected corrupt write differ by design (the audit reports them).
  const hashes = new Set(
    network.peers.filter((p) => p.corruptWrites.length === 0).map((p) => `${p.blockHashHex}/${p.stateHashHex}`),
  );
  const utilisation: Record<string, number[]> = {};
  for (const [key, series] of utilisationSeries) if (series.some((u) => u > 0)) utilisation[key] = series;
  const timeSeries = {
    windowMs: sixFigures(seriesWindowPs / 1e9),
    committedPerSec: commitWindows.points().map((p) => sixFigures(p.perSec)),
    utilisation,
  };
  const latencyCdf = [0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1].map((q) => ({
    q,
    ms: sixFigures(latency.quantile(q) / 1e6),
  }));
  const validationCodes: Record<string, number> = {};
  for (const name of [...codes.keys()].sort()) validationCodes[name] = codes.get(name) as number;
  return {
    architecture: arch.name,
    // A trace's offered rate is what it held over the arrival period.
    offeredTps:
      options.trace === undefined ? options.ratePerSec : sixFigures(submitted / psToSeconds(options.durationPs)),
    submittedTxs: submitted,
    committedTxs: committedValid,
    committedTps: sixFigures(committedInWindow / windowSeconds),
    contractExecutions,
    contractExecutionsPerSec: sixFigures(executionsInWindow / windowSeconds),
    distinctContracts: contracts.size,
    parallelContractExecutionsPerSec: sixFigures(contracts.size > 1 ? executionsInWindow / windowSeconds : 0),
    rejectedAtEndorsement,
    unfinishedTxs: submitted - finished,
    latencyMs: {
      p50: sixFigures(summary.p50 / 1e6),
      p95: sixFigures(summary.p95 / 1e6),
      p99: sixFigures(summary.p99 / 1e6),
      max: sixFigures(summary.max / 1e6),
      mean: sixFigures(summary.mean / 1e6),
    },
    phasesMs: {
      endorse: phase(phases.endorse),
      order: phase(phases.order),
      validate: phase(phases.validate),
      commit: phase(phases.commit),
      network: phase(phases.network),
    },
    blocks: blocksCommitted,
    meanBlockTxs: sixFigures(blocksCommitted > 0 ? blockTxs / blocksCommitted : 0),
    engines: engineStats.map((s) => ({
      ...s,
      utilisation: sixFigures(s.utilisation),
      meanQueueLength: sixFigures(s.meanQueueLength),
      opsPerSec: sixFigures(s.opsPerSec),
    })),
    bottleneck: { node: bottleneck.node, engine: bottleneck.engine, utilisation: sixFigures(bottleneck.utilisation) },
    validationCodes,
    blockHash: notifier.blockHashHex,
    stateHash: notifier.stateHashHex,
    peersAgree: hashes.size === 1,
    simulatedSeconds: sixFigures(psToSeconds(env.nowPs)),
    ...nodeCostAndPower(arch),
    timeSeries,
    latencyCdf,
    ...(workload.chaincode === 'mdm-token' ? { fees: feesOf(committedValid, network) } : {}),
    ...(integrity === null ? {} : { integrity: integrity.result(notifier) }),
  };
}

function applyFault(cluster: ConsensusDriver, event: FaultEvent): void {
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

/**
 * Cost and power of one node: every engine's costUsd / powerW; SC boards count per board and
 * crypto pipelines per lane, as the preset comments state.
 */
function nodeCostAndPower(arch: Architecture): { nodeCostUsd: number; nodePowerW: number } {
  const e = arch.engines;
  let cost = 0;
  let power = 0;
  const add = (spec: { costUsd?: number | undefined; powerW?: number | undefined } | undefined, count = 1): void => {
    cost += (spec?.costUsd ?? 0) * count;
    power += (spec?.powerW ?? 0) * count;
  };
  add(e.cpu);
  add(e.crypto);
  for (const table of [e.crypto?.sign, e.crypto?.verify])
    for (const spec of Object.values(table ?? {})) add(spec, spec?.lanes ?? 0);
  add(e.db);
  add(e.sc, e.sc?.boards ?? 0);
  add(e.serde);
  add(e.nic);
  add(e.hostLink);
  add(e.bft);
  return { nodeCostUsd: sixFigures(cost), nodePowerW: sixFigures(power) };
}

/** Each VALID transfer paid exactly the channel's fee (the contract refuses one that cannot pay it). */
function feesOf(validTransfers: number, network: Network): NonNullable<ArchResult['fees']> {
  const { feeUsdPerTps, usdPerMdm } = network.config.mdm;
  const mdmPerTx = Number(mdmFeeMicro(feeUsdPerTps, usdPerMdm)) / Number(MICRO_PER_MDM);
  return {
    mdm: sixFigures(validTransfers * mdmPerTx),
    usd: sixFigures(validTransfers * mdmPerTx * usdPerMdm),
    mdmPerTx,
    usdPerMdm,
  };
}

function blockBytes(block: Block): number {
  let bytes = 256;
  for (const envelope of block.data) bytes += envelope.length;
  return bytes;
}
