/**
 * A trace from a workload generator and an arrival process (`bpusim trace record`): the
 * transactions a run's open-loop clients would offer, in time order, without running the network.
 */
import { Environment, psToSeconds, parseDurationPs, RandomStreams } from '../sim/index.js';
import { ConfigError } from '../sim/errors.js';
import { type ArrivalSpec, openArrivals, parseArrival } from '../workloads/arrivals.js';
import type { Draws } from '../workloads/draws.js';
import { makeGenerator, WORKLOAD_NAMES, type WorkloadName } from '../workloads/generators.js';
import type { TraceEvent } from '../workloads/trace.js';
import { makeDraws } from './draws.js';

export interface TraceRecordOptions {
  workload: string;
  rate: number;
  arrival: string;
  duration: string;
  clients: number;
  keys: number;
  seed: number;
  /** Refuse a recording expected to hold more transactions than this (default `TRACE_TXS_MAX`). */
  maxTxs?: number;
}

/**
 * The most transactions `trace record` writes unless told otherwise: ≈0.9 GiB of JSON Lines at
 * 94 bytes per SmallBank line, already more than this host replays in an hour.
 */
export const TRACE_TXS_MAX = 10_000_000;

/** Bytes of a typical trace line (measured: `trace record --rate 1000 --duration 1s`, SmallBank: 94). */
const TRACE_LINE_BYTES_TYPICAL = 94;

/** The transactions an open-loop arrival process offers over `seconds` at its highest mean rate. */
function expectedTxs(arrival: Exclude<ArrivalSpec, { kind: 'closed' }>, seconds: number): number {
  const peakTps =
    arrival.kind === 'ramp'
      ? Math.max(arrival.fromTps, arrival.toTps)
      : arrival.kind === 'bursty'
        ? Math.max(arrival.onTps, arrival.offTps)
        : arrival.tps;
  return peakTps * seconds;
}

/**
 * Offers the workload to `sink` in time order, as a run's clients would: each client draws its
 * arrivals from its own stream (the same streams a run uses) and the kernel's event queue merges
 * them. Returns the number of transactions.
 */
export function recordTrace(flags: TraceRecordOptions, sink: (event: TraceEvent) => void): number {
  if (!(WORKLOAD_NAMES as readonly string[]).includes(flags.workload))
    throw new ConfigError(
      '--workload',
      '',
      `unknown workload '${flags.workload}'; allowed: ${WORKLOAD_NAMES.join(', ')}`,
    );
  const durationPs = parseDurationPs(flags.duration);
  if (durationPs === undefined || durationPs <= 0)
    throw new ConfigError('--duration', '', `expected a positive time such as 10s, got '${flags.duration}'`);
  const endS = psToSeconds(durationPs);
  const arrival = parseArrival(flags.arrival, flags.rate, endS);
  if (typeof arrival === 'string') throw new ConfigError('--arrival', '', arrival);
  if (arrival.kind === 'closed')
    throw new ConfigError('--arrival', '', 'a trace is open loop; closed:N cannot be recorded (record a run instead)');
  const maxTxs = flags.maxTxs ?? TRACE_TXS_MAX;
  const expected = expectedTxs(arrival, endS);
  if (expected > maxTxs)
    throw new ConfigError(
      '--rate/--duration',
      '',
      `about ${Math.round(expected).toLocaleString('en-US')} transactions (≈${Math.ceil((expected * TRACE_LINE_BYTES_TYPICAL) / 2 ** 20).toLocaleString('en-US')} MiB of trace); at most ${maxTxs.toLocaleString('en-US')} allowed (raise with --max-txs)`,
    );
  const generator = makeGenerator(flags.workload as WorkloadName, { keys: flags.keys });
  const streams = new RandomStreams(flags.seed);
  const workloadDraws = drawsOf(streams, 'workload');
  // The kernel's event queue merges the clients' arrivals in time order.
  const env = new Environment();
  let sequence = 0;
  for (let c = 0; c < flags.clients; c++) {
    const arrivals = openArrivals(arrival, flags.clients, drawsOf(streams, `client/${c}/arrivals`), endS);
    const fire = (atS: unknown): void => {
      const request = generator.next(workloadDraws, sequence++);
      sink({
        timeS: atS as number,
        client: c,
        contract: request.chaincode,
        fn: request.fn,
        args: request.args,
      });
      const next = arrivals.next(atS as number);
      if (next !== null) env.scheduleAt(Math.round(next * 1e12), fire, next);
    };
    const first = arrivals.next((c / flags.clients) * (flags.clients / Math.max(1, flags.rate)));
    if (first !== null) env.scheduleAt(Math.round(first * 1e12), fire, first);
  }
  env.run();
  return sequence;
}

function drawsOf(streams: RandomStreams, name: string): Draws {
  return makeDraws(streams.stream(name));
}
