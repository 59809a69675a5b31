/**
 * The clients: load generators outside the system under test (as in Caliper), so their own signing
 * costs no simulated time. Each client is an arrival source: open loop (fixed, Poisson, ramp,
 * bursty: the next arrival time comes from the process) or closed loop (a new transaction when one
 * of its own completes, after the think time). A trace replaces them all with one source reading
 * the file as it goes (constant memory).
 *
 * The run ends when arrivals are over and every transaction has its outcome, so utilisation and
 * rates are measured over the active period, not over an idle drain allowance.
 */
import { msToPs, psToSeconds, type RandomStreams, secondsToPs } from '../sim/index.js';
import { type ArrivalSpec, meanOfferedTps, openArrivals } from '../workloads/arrivals.js';
import type { TxRequest } from '../workloads/generators.js';
import { ClientTimeouts } from './client-timeouts.js';
import { makeDraws } from './draws.js';
import type { ProxyNode } from './proxy.js';
import type { SystemRunOptions, TraceSource } from './run-options.js';
import { CLIENT_TIMEOUT, newTxRecord, RESOURCE_EXHAUSTED, type RunMetrics, type TxRecord } from './run-metrics.js';
import { CLIENTS, PROXY, type SimNetwork } from './sim-network.js';

/** Outcomes a client may retry: the system did not take the transaction, or the client stopped waiting. */
const RETRYABLE = new Set([RESOURCE_EXHAUSTED, CLIENT_TIMEOUT]);

export class Clients {
  private sourcesActive: number;
  private closedLoop: ((client: number) => void) | null = null;
  private sequence = 0;
  private proxy: ProxyNode | null = null;
  private readonly clientCount: number;
  private readonly timeouts: ClientTimeouts;
  private readonly retries: number;
  private backoffDraw: (() => number) | null = null;

  constructor(
    private readonly net: SimNetwork,
    private readonly metrics: RunMetrics,
    private readonly options: SystemRunOptions,
  ) {
    const clients = options.topology.clients;
    this.clientCount = clients.count;
    this.sourcesActive = options.trace !== undefined ? 1 : this.clientCount;
    this.retries = clients.retries;
    this.timeouts = new ClientTimeouts(net.env, msToPs(clients.timeoutMs), (tx) => this.settle(tx, CLIENT_TIMEOUT));
  }

  /** True until arrivals are over and every transaction has its outcome. */
  active(): boolean {
    return this.sourcesActive > 0 || this.metrics.finished < this.metrics.submitted;
  }

  /** An attempt's outcome has reached its client (after a time-out it is only counted). */
  readonly finish = (tx: TxRecord, codeName: string): void => {
    if (!tx.settled) this.settle(tx, codeName);
    else if (codeName === 'VALID') this.metrics.committedAfterTimeout++;
  };

  /** The client has the attempt's outcome: retried when it is transient and attempts remain, else final. */
  private settle(tx: TxRecord, codeName: string): void {
    tx.settled = true;
    this.timeouts.forget(tx);
    if (codeName === CLIENT_TIMEOUT) this.metrics.timedOut++;
    if (RETRYABLE.has(codeName) && tx.attempt < this.retries && tx.request !== null) {
      this.metrics.retries++;
      const { backoffMs } = this.options.topology.clients;
      const draw = this.backoffDraw as () => number;
      const backoffPs = Math.round(msToPs(backoffMs * 2 ** tx.attempt) * draw());
      const request = tx.request;
      this.net.env.schedule(backoffPs, () => this.submit(tx.client, request, tx.submittedPs, tx.attempt + 1));
      return;
    }
    this.metrics.finished++;
    this.closedLoop?.(tx.client);
    if (!this.active()) this.net.env.stop();
    this.metrics.recordOutcome(tx, codeName);
  }

  /** Schedules the first arrivals of every source; they send proposals to `proxy`. */
  start(proxy: ProxyNode, streams: RandomStreams): void {
    this.proxy = proxy;
    const retryStream = streams.stream('clients/retry-backoff');
    this.backoffDraw = () => retryStream.random();
    const draws = makeDraws(streams.stream('workload'));
    const next = (): TxRequest => this.options.workload.next(draws, this.sequence++);
    const arrival = this.options.arrival;
    if (this.options.trace !== undefined) this.startTrace(this.options.trace);
    else if (arrival.kind === 'closed') this.startClosed(arrival, next);
    else this.startOpen(arrival, streams, next);
  }

  /** A new request from client `c` (offered load). */
  private issue(c: number, request: TxRequest): void {
    const env = this.net.env;
    this.options.recordTrace?.({
      timeS: psToSeconds(env.nowPs),
      client: c,
      contract: request.chaincode,
      fn: request.fn,
      args: request.args,
    });
    this.metrics.submitted++;
    this.submit(c, request, env.nowPs, 0);
  }

  /** One attempt of a request: a fresh proposal (its own transaction id) to the proxy. */
  private submit(c: number, request: TxRequest, requestPs: number, attempt: number): void {
    const ledger = this.net.ledger;
    const ledgerClient = ledger.clients[c % ledger.clients.length];
    if (ledgerClient === undefined) throw new Error('no ledger client');
    const proposed = ledgerClient.propose(request.chaincode, request.fn, request.args);
    const tx = newTxRecord(c, requestPs, attempt, this.retries > 0 ? request : null);
    this.timeouts.start(tx);
    const bytes = proposed.receipt.messageBytes;
    const proxy = this.proxy as ProxyNode;
    this.net.send(CLIENTS, PROXY, bytes, () => proxy.receive(c, proposed.proposal, proposed.signed, bytes, tx));
  }

  private sourceDone(): void {
    this.sourcesActive--;
    if (!this.active()) this.net.env.stop();
  }

  private startTrace(trace: TraceSource): void {
    const env = this.net.env;
    const scale = this.options.timeScale ?? 1;
    const endS = psToSeconds(this.options.durationPs);
    const scheduleNext = (): void => {
      const event = trace.next();
      if (event === null || event.timeS / scale > endS) {
        this.sourceDone();
        return;
      }
      env.scheduleAt(Math.max(env.nowPs, secondsToPs(event.timeS / scale)), () => {
        this.issue(event.client % this.clientCount, { chaincode: event.contract, fn: event.fn, args: event.args });
        scheduleNext();
      });
    };
    scheduleNext();
  }

  private startClosed(arrival: { outstanding: number; thinkMs: number }, next: () => TxRequest): void {
    const env = this.net.env;
    const durationPs = this.options.durationPs;
    const thinkPs = msToPs(arrival.thinkMs);
    this.closedLoop = (c: number): void => {
      if (env.nowPs > durationPs) return;
      env.schedule(thinkPs, () => {
        if (env.nowPs > durationPs) return;
        this.issue(c, next());
      });
    };
    for (let c = 0; c < this.clientCount; c++) {
      for (let k = 0; k < arrival.outstanding; k++) env.schedule(k + c, () => this.issue(c, next()));
    }
    // Closed-loop clients stop issuing at the end of the arrival period; the run then drains.
    env.schedule(durationPs + 1, () => {
      for (let c = 0; c < this.clientCount; c++) this.sourceDone();
    });
  }

  private startOpen(
    arrival: Exclude<ArrivalSpec, { kind: 'closed' }>,
    streams: RandomStreams,
    next: () => TxRequest,
  ): void {
    const env = this.net.env;
    const endS = psToSeconds(this.options.durationPs);
    const clientCount = this.clientCount;
    for (let c = 0; c < clientCount; c++) {
      const arrivals = openArrivals(arrival, clientCount, makeDraws(streams.stream(`client/${c}/arrivals`)), endS);
      const arrive = (): void => {
        this.issue(c, next());
        scheduleFrom(env.nowPs);
      };
      const scheduleFrom = (fromPs: number): void => {
        const nextS = arrivals.next(psToSeconds(fromPs));
        if (nextS === null) {
          this.sourceDone();
          return;
        }
        env.scheduleAt(Math.max(env.nowPs, Math.round(nextS * 1e12)), arrive);
      };
      // Clients start staggered across one gap (a fixed rate is then not simultaneous bursts),
      // each with an arrival at its start instant.
      const staggerPs = Math.round(((1e12 * clientCount) / Math.max(1, meanOfferedTps(arrival))) * (c / clientCount));
      env.schedule(staggerPs, arrive);
    }
  }
}
