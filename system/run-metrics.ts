/**
 * What a run measures as it goes, in constant memory: each transaction's end-to-end latency and
 * its split into phases (streamed into log-linear histograms), validation codes counted, contract
 * executions, blocks, committed transactions per time window, and each engine's utilisation per
 * window (sampled on the node that notifies clients, the proxy and the orderer).
 *
 * Rates are measured from the end of a warm-up (the first quarter of the arrivals) to the end of
 * the arrivals: at steady state that is the sustained rate; when the system is overloaded it is
 * its capacity, not the offered load. Runs must be long against the end-to-end latency.
 */
import type { NodeEngines } from '../engines/node-engines.js';
import { sixFigures } from '../reports/figures.js';
import { type Environment, LatencyHistogram, msToPs, ThroughputWindows } from '../sim/index.js';
import type { TxRequest } from '../workloads/generators.js';

/** A client's own outcome when it stops waiting. */
export const CLIENT_TIMEOUT = 'CLIENT_TIMEOUT';
/** The proxy's refusal when it holds its concurrency limit (gRPC's status, as Fabric's gateway answers). */
export const RESOURCE_EXHAUSTED = 'RESOURCE_EXHAUSTED';

/** One attempt of a client's transaction: its timestamps along its path (picoseconds of simulated time). */
export interface TxRecord {
  client: number;
  /** When the client first submitted the request (a retry keeps it: latency is the request's). */
  submittedPs: number;
  /** 0 for the first attempt, k for the k-th retry. */
  attempt: number;
  /** The client has this attempt's outcome (a later one, after a timeout, is only counted). */
  settled: boolean;
  /** The proxy admitted it and holds a slot until its outcome passes back. */
  admitted: boolean;
  /** What to submit again on a retry (kept only when the clients retry). */
  request: TxRequest | null;
  atProxyPs: number;
  endorsedPs: number;
  sentToOrdererPs: number;
  blockAtPeerPs: number;
  validatedPs: number;
  committedPs: number;
}

export function newTxRecord(
  client: number,
  submittedPs: number,
  attempt = 0,
  request: TxRequest | null = null,
): TxRecord {
  return {
    client,
    submittedPs,
    attempt,
    settled: false,
    admitted: false,
    request,
    atProxyPs: 0,
    endorsedPs: 0,
    sentToOrdererPs: 0,
    blockAtPeerPs: 0,
    validatedPs: 0,
    committedPs: 0,
  };
}

/**
 * Outcomes the machine processed but the workload decided: MVCC and phantom-read conflicts (its
 * transactions touch the same keys) and endorsements the chaincode refused or its endorsers
 * answered differently. No hardware removes them, so capacity counts them as work done, apart.
 */
export const WORKLOAD_INVALID: ReadonlySet<string> = new Set([
  'MVCC_READ_CONFLICT',
  'PHANTOM_READ_CONFLICT',
  'ENDORSEMENT_REJECTED',
]);

export class RunMetrics {
  readonly latency = new LatencyHistogram();
  /**
   * Latency of the requests submitted in the steady part of the run: after the warm-up and before
   * the last batch timeout of the arrival period. The last requests wait for a block that only the
   * batch timeout cuts (no arrivals follow them), which a service under continuing load does not
   * see; this is the latency a service-level objective is checked against.
   */
  readonly steadyLatency = new LatencyHistogram();
  readonly phases = {
    endorse: new LatencyHistogram(),
    order: new LatencyHistogram(),
    validate: new LatencyHistogram(),
    commit: new LatencyHistogram(),
    network: new LatencyHistogram(),
  };
  readonly codes = new Map<string, number>();
  submitted = 0;
  finished = 0;
  committedValid = 0;
  committedInWindow = 0;
  /** Outcomes inside the window that the workload decided (WORKLOAD_INVALID). */
  workloadInvalidInWindow = 0;
  executionsInWindow = 0;
  rejectedAtEndorsement = 0;
  /** Overload (issue 17): proposals the proxy refused, clients' time-outs, commits after one, retries. */
  rejectedAtAdmission = 0;
  timedOut = 0;
  committedAfterTimeout = 0;
  retries = 0;
  /** Most transactions the proxy held at once. */
  peakAdmitted = 0;
  contractExecutions = 0;
  blocksCommitted = 0;
  /** Transactions in blocks committed at the notifying peer (any validation code). */
  blockTxs = 0;
  readonly warmupPs: number;
  /** Time series: one window per 1/50 of the arrival period, sampled until the run ends. */
  readonly seriesWindowPs: number;
  readonly commitWindows: ThroughputWindows;

  /** Requests submitted from `warmupPs` up to this time count in `steadyLatency`. */
  readonly steadyEndPs: number;

  constructor(
    private readonly env: Environment,
    readonly durationPs: number,
    batchTimeoutPs = 0,
  ) {
    this.warmupPs = Math.round(durationPs / 4);
    // A run shorter than a warm-up plus a batch timeout keeps its whole window.
    this.steadyEndPs = durationPs - batchTimeoutPs > this.warmupPs ? durationPs - batchTimeoutPs : durationPs;
    this.seriesWindowPs = Math.max(msToPs(1), Math.round(durationPs / 50));
    this.commitWindows = new ThroughputWindows(this.seriesWindowPs, 4096);
  }

  /** True inside the measurement window (after the warm-up, up to the end of the arrivals). */
  inWindow(): boolean {
    return this.env.nowPs >= this.warmupPs && this.env.nowPs <= this.durationPs;
  }

  recordExecution(): void {
    this.contractExecutions++;
    if (this.inWindow()) this.executionsInWindow++;
  }

  /** The client has the outcome: latency, code and, for a committed transaction, its phases. */
  recordOutcome(tx: TxRecord, codeName: string): void {
    this.codes.set(codeName, (this.codes.get(codeName) ?? 0) + 1);
    const totalPs = this.env.nowPs - tx.submittedPs;
    // A refused request never entered the system: its quick answer is not a transaction's latency.
    if (codeName !== RESOURCE_EXHAUSTED) {
      this.latency.record(totalPs / 1000);
      if (tx.submittedPs >= this.warmupPs && tx.submittedPs < this.steadyEndPs)
        this.steadyLatency.record(totalPs / 1000);
    }
    if (WORKLOAD_INVALID.has(codeName)) {
      if (this.inWindow()) this.workloadInvalidInWindow++;
      return;
    }
    if (codeName !== 'VALID') return;
    this.committedValid++;
    this.commitWindows.record(this.env.nowPs);
    if (this.inWindow()) this.committedInWindow++;
    const endorsePs = tx.endorsedPs - tx.atProxyPs;
    const orderPs = tx.blockAtPeerPs - tx.sentToOrdererPs;
    const validatePs = tx.validatedPs - tx.blockAtPeerPs;
    const commitPs = tx.committedPs - tx.validatedPs;
    this.phases.endorse.record(endorsePs / 1000);
    this.phases.order.record(orderPs / 1000);
    this.phases.validate.record(validatePs / 1000);
    this.phases.commit.record(commitPs / 1000);
    this.phases.network.record(Math.max(0, totalPs - endorsePs - orderPs - validatePs - commitPs) / 1000);
  }
}

/**
 * Each sampled engine's utilisation per window of the time series: busy lane-time in the window
 * (from the engines' own busy counters) over the lanes' time, clamped to [0, 1] against rounding.
 */
export class UtilisationSeries {
  private readonly series = new Map<string, number[]>();
  private readonly lastBusyPs = new Map<string, number>();

  constructor(
    private readonly sampled: readonly NodeEngines[],
    private readonly windowPs: number,
  ) {}

  sample(): void {
    for (const engine of this.sampled.flatMap((e) => e.busy())) {
      const key = `${engine.node}.${engine.engine}`;
      const busyPs = engine.busyLanePs;
      const series = this.series.get(key) ?? [];
      const fraction = (busyPs - (this.lastBusyPs.get(key) ?? 0)) / (engine.lanes * this.windowPs);
      series.push(sixFigures(Math.min(1, Math.max(0, fraction))));
      this.series.set(key, series);
      this.lastBusyPs.set(key, busyPs);
    }
  }

  /** The series of engines that were ever busy, by `node.engine`. */
  busySeries(): Record<string, number[]> {
    const utilisation: Record<string, number[]> = {};
    for (const [key, series] of this.series) if (series.some((u) => u > 0)) utilisation[key] = series;
    return utilisation;
  }
}
