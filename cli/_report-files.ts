/**
 * File input and output for the report commands: read a report or sweep file with one clear
 * message (exit 2) naming the file when it is missing, not JSON or not a report.
 */
import { parseReportText } from '../reports/report-schema.js';
import type { RunReport } from '../reports/run-report.js';
import { parseSweepInput, type SweepInput } from '../reports/sweep-consensus.js';
import { MAX_REPORT_BYTES, readInputText } from '../sim/input-file.js';

function readText(file: string): string {
  return readInputText(file, file, MAX_REPORT_BYTES);
}

export function readReport(file: string): RunReport {
  return parseReportText(readText(file), file);
}

/** A consensus sweep's or a grid sweep's output, for the HTML report's curves. */
export function readSweep(file: string): SweepInput {
  return parseSweepInput(readText(file), file);
}
