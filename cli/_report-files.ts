/**
 * File input and output for the report commands: read a report or sweep file with one clear
 * message (exit 2) naming the file when it is missing, not JSON or not a report; write outputs
 * whole or not at all (temporary name beside the target, then rename), naming the flag on failure.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseReportText } from '../reports/report-schema.js';
import type { RunReport } from '../reports/run-report.js';
import { parseSweepConsensus, type SweepConsensus } from '../reports/sweep-consensus.js';
import { UsageError } from './_errors.js';
import { MAX_REPORT_BYTES, readInputText } from '../sim/input-file.js';

function readText(file: string): string {
  return readInputText(file, file, MAX_REPORT_BYTES);
}

export function readReport(file: string): RunReport {
  return parseReportText(readText(file), file);
}

export function readSweep(file: string): SweepConsensus {
  return parseSweepConsensus(readText(file), file);
}

/** Writes every file or none of the new ones: all temporaries first, then the renames. */
export function writeFilesAtomic(flag: string, files: readonly { path: string; contents: string }[]): void {
  const staged: { temporary: string; target: string }[] = [];
  try {
    for (const file of files) {
      const target = resolve(file.path);
      const temporary = `${target}.${process.pid}.tmp`;
      mkdirSync(dirname(target), { recursive: true });
      staged.push({ temporary, target });
      writeFileSync(temporary, file.contents);
    }
    for (const { temporary, target } of staged) renameSync(temporary, target);
  } catch (error) {
    for (const { temporary } of staged) rmSync(temporary, { force: true });
    throw new UsageError(`${flag}: cannot write: ${(error as Error).message}`);
  }
}
