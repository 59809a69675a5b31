/**
 * `bpusim trace record` (a trace from a workload generator and an arrival process) and
 * `bpusim trace import-diablo` (a trace from a Diablo workload description). Replay with
 * `bpusim run --trace file [--time-scale x]`; a run can also record what it offered with
 * `bpusim run --record-trace file`.
 */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { Environment, RandomStreams, parseDurationPs, psToSeconds } from '../sim/index.js';
import { makeDraws } from './scenario/draws.js';
import { importDiablo } from '../workloads/diablo.js';
import type { Draws } from '../workloads/draws.js';
import { openArrivals, parseArrival } from '../workloads/arrivals.js';
import { WORKLOAD_NAMES, makeGenerator, type WorkloadName } from '../workloads/generators.js';
import { TraceWriter } from '../workloads/trace.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { intFlag, numberFlag } from './_parse.js';

interface RecordFlags {
  workload: string;
  rate: number;
  arrival: string;
  duration: string;
  clients: number;
  keys: number;
  seed: number;
  out: string;
}

export function recordTrace(flags: RecordFlags): number {
  if (!(WORKLOAD_NAMES as readonly string[]).includes(flags.workload))
    throw new UsageError(`--workload: unknown workload '${flags.workload}'; allowed: ${WORKLOAD_NAMES.join(', ')}`);
  const durationPs = parseDurationPs(flags.duration);
  if (durationPs === undefined || durationPs <= 0)
    throw new UsageError(`--duration: expected a positive time such as 10s, got '${flags.duration}'`);
  const endS = psToSeconds(durationPs);
  const arrival = parseArrival(flags.arrival, flags.rate, endS);
  if (typeof arrival === 'string') throw new UsageError(`--arrival: ${arrival}`);
  if (arrival.kind === 'closed')
    throw new UsageError('--arrival: a trace is open loop; closed:N cannot be recorded (record a run instead)');
  const generator = makeGenerator(flags.workload as WorkloadName, { keys: flags.keys });
  const streams = new RandomStreams(flags.seed);
  const workloadDraws = drawsOf(streams, 'workload');
  // The kernel's event queue merges the clients' arrivals in time order.
  const env = new Environment();
  const writer = new TraceWriter(
    flags.out,
    `bpusim trace record --workload ${flags.workload} --rate ${flags.rate} --arrival ${flags.arrival} --duration ${flags.duration} --seed ${flags.seed}`,
  );
  try {
    let sequence = 0;
    for (let c = 0; c < flags.clients; c++) {
      const arrivals = openArrivals(arrival, flags.clients, drawsOf(streams, `client/${c}/arrivals`), endS);
      const fire = (atS: unknown): void => {
        const request = generator.next(workloadDraws, sequence++);
        writer.write({
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
    writer.finish();
  } catch (error) {
    writer.abort();
    throw error;
  }
  return writer.events;
}

function drawsOf(streams: RandomStreams, name: string): Draws {
  return makeDraws(streams.stream(name));
}

export function registerTrace(program: Command): void {
  const trace = program
    .command('trace')
    .description(`workload traces (JSON Lines, format bpusim-trace/1): record, import`);
  trace
    .command('record')
    .description('write a trace from a workload generator and an arrival process')
    .option('--workload <name>', `workload: ${WORKLOAD_NAMES.join(', ')}`, 'smallbank')
    .option('--rate <tps>', 'offered rate', numberFlag('--rate', 0, 1e8, { exclusiveMin: true }), 1000)
    .option('--arrival <process>', 'poisson, fixed, ramp:FROM:TO, bursty:ON:OFF:ONMS:OFFMS', 'poisson')
    .option('--duration <time>', 'length of the trace', '10s')
    .option('--clients <n>', 'clients', intFlag('--clients', 1, 100_000), 16)
    .option('--keys <n>', 'accounts / records', intFlag('--keys', 2, 10_000_000), 10_000)
    .option('--seed <n>', 'root seed', intFlag('--seed', 0), 1)
    .requiredOption('--out <file>', 'trace file to write')
    .action(
      action((flags: RecordFlags) => {
        const events = recordTrace(flags);
        process.stdout.write(`${flags.out}: ${events} transactions\n`);
      }),
    );
  trace
    .command('import-diablo')
    .description('convert a Diablo workload description (YAML) into a bpusim trace')
    .argument('<spec>', 'Diablo workload YAML')
    .requiredOption('--out <file>', 'trace file to write')
    .action(
      action((spec: string, flags: { out: string }) => {
        if (!existsSync(spec)) throw new UsageError(`${spec}: no such file`);
        const { events, clients, accounts } = importDiablo(spec, readFileSync(spec, 'utf8'));
        const writer = new TraceWriter(flags.out, `diablo ${spec}`);
        try {
          for (const event of events) writer.write(event);
          writer.finish();
        } catch (error) {
          writer.abort();
          throw error;
        }
        process.stdout.write(
          `${flags.out}: ${writer.events} transactions from ${clients} clients over ${accounts} accounts\n`,
        );
      }),
    );
}
