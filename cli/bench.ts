/**
 * `bpusim bench ...`: benchmarks are commands that print their figures (never timed tests).
 * Each benchmark lives in its own module and registers itself on the `bench` group.
 */
import type { Command } from 'commander';
import { registerBenchDes } from './bench-des.js';
import { registerBenchLedger } from './bench-ledger.js';
import { registerBenchRun } from './bench-run.js';

export function registerBench(program: Command): void {
  const bench = program
    .command('bench')
    .description('benchmarks: print measured figures (use --json for one JSON object)');
  registerBenchDes(bench);
  registerBenchLedger(bench);
  registerBenchRun(bench);
}
