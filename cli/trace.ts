import type { Command } from 'commander';
import { recordTrace, TRACE_TXS_MAX, type TraceRecordOptions } from '../system/index.js';
import { importDiablo } from '../workloads/diablo.js';
import { WORKLOAD_NAMES } from '../workloads/generators.js';
import { TraceWriter } from '../workloads/trace.js';
import { action } from './_action.js';
import { intFlag, numberFlag } from './_parse.js';
import { MAX_CONFIG_BYTES, readInputText } from '../sim/input-file.js';
import { checkOutputPath } from './_output.js';

interface RecordFlags extends TraceRecordOptions {
  out: string;
}

/** Records into `flags.out` through a temporary file: a failed recording leaves nothing behind. */
function recordTraceFile(flags: RecordFlags): number {
  // The file is opened at the first event, after the options are checked, so bad options write nothing.
  let writer: TraceWriter | undefined;
  const open = (): TraceWriter => {
    writer ??= new TraceWriter(
      flags.out,
      `bpusim trace record --workload ${flags.workload} --rate ${flags.rate} --arrival ${flags.arrival} --duration ${flags.duration} --seed ${flags.seed}`,
    );
    return writer;
  };
  try {
    recordTrace(flags, (event) => open().write(event));
    open().finish();
  } catch (error) {
    writer?.abort();
    throw error;
  }
  return open().events;
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
    .option(
      '--max-txs <n>',
      'refuse a trace expected to hold more transactions',
      intFlag('--max-txs', 1, Number.MAX_SAFE_INTEGER),
      TRACE_TXS_MAX,
    )
    .requiredOption('--out <file>', 'trace file to write')
    .action(
      action((flags: RecordFlags) => {
        checkOutputPath('--out', flags.out);
        const events = recordTraceFile(flags);
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
        checkOutputPath('--out', flags.out, [spec]);
        const { events, clients, accounts } = importDiablo(spec, readInputText(spec, spec, MAX_CONFIG_BYTES));
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
