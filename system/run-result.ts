/**
 * A run's result for one architecture (the report's `results.arch` / `results.baseline`): Table 01
 * figures, engine statistics and the bottleneck, validation codes, the functional fingerprint,
 * cost and power, time series and latency CDF. Every figure goes through the one rounding rule
 * (`sixFigures`), so reports are byte-stable.
 */
import type { Architecture } from '../engines/architecture.js';
import { type EnergyBasis, type NodeUsage, nodeEnergy } from '../engines/energy.js';
import type { EngineStats } from '../engines/node-engines.js';
import { MICRO_PER_MDM, mdmFeeMicro } from '../ledger/chaincode/contracts/mdm-token.js';
import type { Network, Peer } from '../ledger/index.js';
import { sixFigures } from '../reports/figures.js';
import type { ArchResult, PhaseSummary } from '../reports/run-report.js';
import { type LatencyHistogram, psToSeconds } from '../sim/index.js';
import { type ValidatorStats, validatorBusyPs } from './peer-node.js';
import type { SystemRunOptions } from './run-options.js';
import type { RunMetrics } from './run-metrics.js';
import type { Ordering } from './ordering.js';
import type { SimNetwork } from './sim-network.js';
import type { BusySnapshot, WindowUtilisation } from './window-utilisation.js';
import { admissionLimit } from './topology.js';

/** What the run hands over once simulated time has stopped. */
export interface RunOutcome {
  options: SystemRunOptions;
  net: SimNetwork;
  metrics: RunMetrics;
  validators: readonly ValidatorStats[];
  orderingStats: EngineStats[];
  /** The ordering nodes' engines and what they did, when they are not the run's orderer node. */
  orderingUsage: NodeUsage[];
  utilisation: Record<string, number[]>;
  /** Closed: measured up to the window's end or the run's. */
  window: WindowUtilisation;
  /** The peer whose commits notify clients: its hashes are the run's fingerprint. */
  notifier: Peer;
  integrity: ArchResult['integrity'] | undefined;
}

const CDF_QUANTILES = [0, 0.01, 0.05, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 0.999, 1];

export function archResult(run: RunOutcome): ArchResult {
  const { options, net, metrics, notifier } = run;
  const nowPs = net.env.nowPs;
  const windowSeconds = psToSeconds(options.durationPs - metrics.warmupPs);
  const engines = engineResults(run);
  const bottleneck = engines.reduce(
    (best, s) => (s.utilisation > best.utilisation ? s : best),
    engines[0] as EngineStats,
  );
  const contracts = new Set<string>();
  for (const e of net.peerEngines.values()) for (const name of e.contractExecutions.keys()) contracts.add(name);
  // Peers with an injected corrupt write differ by design (the audit reports them).
  const hashes = new Set(
    net.ledger.peers.filter((p) => p.corruptWrites.length === 0).map((p) => `${p.blockHashHex}/${p.stateHashHex}`),
  );
  return {
    architecture: options.arch.name,
    // A trace's offered rate is what it held over the arrival period.
    offeredTps:
      options.trace === undefined
        ? options.ratePerSec
        : sixFigures(metrics.submitted / psToSeconds(options.durationPs)),
    submittedTxs: metrics.submitted,
    committedTxs: metrics.committedValid,
    committedTps: sixFigures(metrics.committedInWindow / windowSeconds),
    workloadInvalidTps: sixFigures(metrics.workloadInvalidInWindow / windowSeconds),
    contractExecutions: metrics.contractExecutions,
    contractExecutionsPerSec: sixFigures(metrics.executionsInWindow / windowSeconds),
    distinctContracts: contracts.size,
    parallelContractExecutionsPerSec: sixFigures(contracts.size > 1 ? metrics.executionsInWindow / windowSeconds : 0),
    rejectedAtEndorsement: metrics.rejectedAtEndorsement,
    unfinishedTxs: metrics.submitted - metrics.finished,
    overload: {
      concurrencyLimit: admissionLimit(options.topology, options.arch),
      peakAdmitted: metrics.peakAdmitted,
      rejectedAtAdmission: metrics.rejectedAtAdmission,
      clientTimeoutMs: options.topology.clients.timeoutMs,
      timedOut: metrics.timedOut,
      committedAfterTimeout: metrics.committedAfterTimeout,
      retries: metrics.retries,
    },
    ...latencyFigures(metrics),
    blocks: metrics.blocksCommitted,
    meanBlockTxs: sixFigures(metrics.blocksCommitted > 0 ? metrics.blockTxs / metrics.blocksCommitted : 0),
    engines: engines.map((s) => ({
      ...s,
      utilisation: sixFigures(s.utilisation),
      meanQueueLength: sixFigures(s.meanQueueLength),
      opsPerSec: sixFigures(s.opsPerSec),
      runUtilisation: sixFigures(s.runUtilisation),
    })),
    // The engine busiest over the measurement window: the first to saturate as the load grows.
    bottleneck: { node: bottleneck.node, engine: bottleneck.engine, utilisation: sixFigures(bottleneck.utilisation) },
    ...dbCacheOf(net),
    energy: energyOf(run, metrics.committedValid, psToSeconds(nowPs)),
    validationCodes: sortedCodes(metrics.codes),
    blockHash: notifier.blockHashHex,
    stateHash: notifier.stateHashHex,
    peersAgree: hashes.size === 1,
    simulatedSeconds: sixFigures(psToSeconds(nowPs)),
    ...nodeCostAndPower(options.arch),
    timeSeries: {
      windowMs: sixFigures(metrics.seriesWindowPs / 1e9),
      committedPerSec: metrics.commitWindows.points().map((p) => sixFigures(p.perSec)),
      utilisation: run.utilisation,
    },
    latencyCdf: CDF_QUANTILES.map((q) => ({ q, ms: sixFigures(metrics.latency.quantile(q) / 1e6) })),
    ...(options.workload.chaincode === 'mdm-token' ? { fees: feesOf(metrics.committedValid, net.ledger) } : {}),
    ...(run.integrity === undefined ? {} : { integrity: run.integrity }),
  };
}

/** Each engine with its utilisation over the measurement window and over the whole run. */
function engineResults(run: RunOutcome): (EngineStats & { runUtilisation: number })[] {
  return allEngineStats(run.net, run.validators, run.orderingStats).map((s) => {
    const utilisation = run.window.utilisation(`${s.node}.${s.engine}`, s.lanes);
    return { ...s, utilisation, runUtilisation: s.utilisation };
  });
}

/**
 * Busy lane-time of every engine now, by `node.engine` (a validator's block in progress included):
 * what the measurement window's snapshots record.
 */
export function busyNow(net: SimNetwork, validators: readonly ValidatorStats[], ordering: Ordering): BusySnapshot {
  const busy: BusySnapshot = new Map();
  const engines = [...net.peerEngines.values(), net.proxyEngines, net.ordererEngines];
  for (const b of [...engines.flatMap((e) => e.busy()), ...ordering.engineBusy()])
    busy.set(`${b.node}.${b.engine}`, b.busyLanePs);
  for (const v of validators) busy.set(`${v.node}.validator`, validatorBusyPs(v, net.env.nowPs));
  return busy;
}

/** Every engine of every node, then each peer's serial validator, then the ordering cluster's (whole run). */
function allEngineStats(
  net: SimNetwork,
  validators: readonly ValidatorStats[],
  orderingStats: readonly EngineStats[],
): EngineStats[] {
  const nowPs = net.env.nowPs;
  const validatorStats: EngineStats[] = validators.map((v) => ({
    node: v.node,
    engine: 'validator',
    lanes: 1,
    utilisation: nowPs > 0 ? v.busyPs / nowPs : 0,
    meanQueueLength: 0,
    opsPerSec: nowPs > 0 ? (v.blocks * 1e12) / nowPs : 0,
    ops: v.blocks,
  }));
  return [
    ...[...net.peerEngines.values(), net.proxyEngines, net.ordererEngines].flatMap((e) => e.stats()),
    ...validatorStats,
    ...orderingStats,
  ];
}

function latencyFigures(metrics: RunMetrics): Pick<ArchResult, 'latencyMs' | 'steadyLatencyMs' | 'phasesMs'> {
  const summary = metrics.latency.summary();
  const steady = metrics.steadyLatency;
  const phase = (h: LatencyHistogram): PhaseSummary => ({
    meanMs: sixFigures(h.mean / 1e6),
    p99Ms: sixFigures(h.quantile(0.99) / 1e6),
  });
  const { phases } = metrics;
  return {
    latencyMs: {
      p50: sixFigures(summary.p50 / 1e6),
      p95: sixFigures(summary.p95 / 1e6),
      p99: sixFigures(summary.p99 / 1e6),
      max: sixFigures(summary.max / 1e6),
      mean: sixFigures(summary.mean / 1e6),
    },
    steadyLatencyMs: {
      p50: sixFigures(steady.quantile(0.5) / 1e6),
      p99: sixFigures(steady.quantile(0.99) / 1e6),
      count: steady.count,
    },
    phasesMs: {
      endorse: phase(phases.endorse),
      order: phase(phases.order),
      validate: phase(phases.validate),
      commit: phase(phases.commit),
      network: phase(phases.network),
    },
  };
}

/**
 * Energy of every node of the run (peers, proxy, orderers, an ordering cluster) over the whole run,
 * drain included, summed engine by engine; per committed (VALID) transaction.
 */
function energyOf(run: RunOutcome, committed: number, seconds: number): NonNullable<ArchResult['energy']> {
  const { net } = run;
  const nodes = [
    ...[...net.peerEngines.values(), net.proxyEngines, net.ordererEngines].map((e) => e.usage()),
    ...run.orderingUsage,
  ];
  const byEngine = new Map<string, { joules: number; basis: EnergyBasis }>();
  for (const node of nodes)
    for (const e of nodeEnergy(node.engines, node.usage, seconds)) {
      const sum = byEngine.get(e.engine);
      byEngine.set(e.engine, { joules: (sum?.joules ?? 0) + e.joules, basis: e.basis });
    }
  const joules = [...byEngine.values()].reduce((total, e) => total + e.joules, 0);
  return {
    joules: sixFigures(joules),
    joulesPerCommittedTx: committed > 0 ? sixFigures(joules / committed) : null,
    committedTxPerJoule: joules > 0 ? sixFigures(committed / joules) : null,
    byEngine: [...byEngine].map(([engine, e]) => ({ engine, joules: sixFigures(e.joules), basis: e.basis })),
  };
}

/** The peers' DB-engine caches summed (reads over the whole run), when the architecture drives one. */
function dbCacheOf(net: SimNetwork): Pick<ArchResult, 'dbCache'> {
  let reads = 0;
  let readHits = 0;
  let any = false;
  for (const engines of net.peerEngines.values()) {
    const stats = engines.cacheStats();
    if (stats === null) continue;
    any = true;
    reads += stats.reads;
    readHits += stats.readHits;
  }
  if (!any) return {};
  return { dbCache: { reads, readHits, hitRate: sixFigures(reads === 0 ? 1 : readHits / reads) } };
}

function sortedCodes(codes: Map<string, number>): Record<string, number> {
  const validationCodes: Record<string, number> = {};
  for (const name of [...codes.keys()].sort()) validationCodes[name] = codes.get(name) as number;
  return validationCodes;
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
