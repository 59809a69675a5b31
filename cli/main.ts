#!/usr/bin/env node
/**
 * bpusim's command line: commander commands that wire the parts together and nothing else
 * (the project's design rules). Each command lives in its own module and registers itself here.
 *
 * Exit codes: 0 ok, 1 a check failed, 2 bad input (flags, files, traces).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { EXIT_BAD_INPUT, isBadInput } from './_errors.js';
import { registerBench } from './bench.js';
import { registerCalibrate } from './calibrate.js';
import { registerValidate } from './validate.js';
import { registerSensitivity } from './sensitivity.js';
import { registerCapacity } from './capacity.js';
import { registerDatapath } from './datapath.js';
import { registerStudy } from './study.js';
import { registerConsensus } from './consensus.js';
import { registerReports } from './reports.js';
import { registerSize } from './size.js';
import { registerSweepGrid } from './sweep-grid.js';
import { registerTrace } from './trace.js';
import { registerRerun } from './rerun.js';
import { registerRun } from './run.js';
import { registerStart } from './start.js';

function packageVersion(): string {
  const raw = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}

export function buildProgram(): Command {
  const program = new Command();
  program
    .name('bpusim')
    .description(
      'Discrete-event simulator of a Blockchain Processing Unit driving a real execute-order-validate ledger',
    )
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerStart(program);
  registerRun(program);
  registerRerun(program);
  registerBench(program);
  registerCalibrate(program);
  registerValidate(program);
  registerSensitivity(program);
  registerCapacity(program);
  registerConsensus(program);
  registerReports(program);
  registerSweepGrid(program);
  registerSize(program);
  registerDatapath(program);
  registerStudy(program);
  registerTrace(program);
  return program;
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version exit 0; any other commander error is a bad flag or argument.
      process.exitCode = error.exitCode === 0 ? 0 : EXIT_BAD_INPUT;
      return;
    }
    if (isBadInput(error)) {
      process.stderr.write(`bpusim: ${error.message}\n`);
      process.exitCode = EXIT_BAD_INPUT;
      return;
    }
    throw error;
  }
}

// A reader that stops early (`bpusim run --json | head`) closes the pipe: that is the reader's
// choice, not an error of the run, so it ends quietly instead of with a stack trace.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

await main(process.argv);
