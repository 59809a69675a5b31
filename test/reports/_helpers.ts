/**
 * Shared by the reports tests: the committed fixtures (a small real report and consensus sweep
 * written by `bpusim run` / `bpusim sweep consensus`), an in-process runner for the report
 * commands (commander + the same action() wrapper as the bin, without a 3 s node start per call),
 * and temporary directories.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command, CommanderError } from 'commander';
import { vi } from 'vitest';
import { isBadInput } from '../../cli/_errors.js';
import { registerReports } from '../../cli/reports.js';
import type { RunReport } from '../../reports/run-report.js';

export const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;
export const REPORT_FIXTURE = join(FIXTURES, 'report-small.json');
export const SWEEP_FIXTURE = join(FIXTURES, 'sweep-small.json');

/** A fresh deep copy of the fixture report, to mutate. */
export function fixtureReport(): RunReport {
  return JSON.parse(readFileSync(REPORT_FIXTURE, 'utf8')) as RunReport;
}

export function tempDir(prefix = 'bpusim-reports-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs `bpusim <args>` for the report commands in this process and returns its exit code and output. */
export async function cli(...args: string[]): Promise<CliResult> {
  const out: string[] = [];
  const err: string[] = [];
  const program = new Command()
    .name('bpusim')
    .exitOverride()
    .configureOutput({ writeOut: (s) => out.push(s), writeErr: (s) => err.push(s) });
  registerReports(program);
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  process.exitCode = undefined;
  let status: number;
  try {
    await program.parseAsync(['node', 'bpusim', ...args]);
    status = typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // As cli/main.ts does: commander's own errors are bad flags (exit 2) unless help/version, and
    // bad input thrown while parsing a flag prints its message alone and exits 2.
    if (error instanceof CommanderError) status = error.exitCode === 0 ? 0 : 2;
    else if (isBadInput(error)) {
      err.push(`bpusim: ${error.message}\n`);
      status = 2;
    } else throw error;
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
    process.exitCode = undefined;
  }
  return { status, stdout: out.join(''), stderr: err.join('') };
}
