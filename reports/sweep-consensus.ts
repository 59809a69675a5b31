/**
 * What `bpusim sweep consensus --json` prints, as the HTML report reads it for its sweep curves:
 * one row per (orderer count, architecture). Only the fields the charts use are required; the
 * rest of each row passes through.
 */
import { z } from 'zod';
import { ReportInputError } from './_errors.js';
import { formatPath } from './report-schema.js';

export interface SweepConsensusRow {
  orderers: number;
  architecture: string;
  blocksPerSec: number;
  txPerSec: number;
  latencyMs: { p50: number; p99: number };
}

export interface SweepConsensus {
  protocol: string;
  rows: SweepConsensusRow[];
}

const rowSchema = z.looseObject({
  orderers: z.number().int().min(1),
  architecture: z.string(),
  blocksPerSec: z.number(),
  txPerSec: z.number(),
  latencyMs: z.looseObject({ p50: z.number(), p99: z.number() }),
});

const sweepSchema = z.looseObject({ protocol: z.string(), rows: z.array(rowSchema).min(1) });

export function parseSweepConsensus(text: string, file: string): SweepConsensus {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReportInputError(`${file}: not JSON: ${(error as Error).message}`);
  }
  const parsed = sweepSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? '(top level)' : formatPath(issue.path);
  const what = issue === undefined ? 'invalid' : issue.message.replace(/^Invalid input: /, '');
  throw new ReportInputError(`${file}: ${field}: ${what} (expected the output of 'bpusim sweep consensus --json')`);
}
