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

/** One point of a grid sweep (`bpusim sweep grid.yaml --out f`), as the HTML report charts it. */
export interface GridSweepPoint {
  params: Record<string, string | number | boolean>;
  architecture: string;
  committedTps: number;
  latencyMs: { p50: number; p99: number };
}

export interface GridSweep {
  grid: string;
  points: GridSweepPoint[];
}

const gridPointSchema = z.looseObject({
  params: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
  report: z.looseObject({
    results: z.looseObject({
      arch: z.looseObject({
        architecture: z.string(),
        committedTps: z.number(),
        latencyMs: z.looseObject({ p50: z.number(), p99: z.number() }),
      }),
    }),
  }),
});

const gridSweepSchema = z.looseObject({
  format: z.literal('bpusim-sweep/1'),
  grid: z.string(),
  points: z.array(gridPointSchema).min(1),
});

/** A sweep file for the HTML report's curves: a consensus sweep or a grid sweep. */
export type SweepInput = { kind: 'consensus'; sweep: SweepConsensus } | { kind: 'grid'; sweep: GridSweep };

/** Reads either sweep's output; the error names the file, the field and what was expected. */
export function parseSweepInput(text: string, file: string): SweepInput {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ReportInputError(`${file}: not JSON: ${(error as Error).message}`);
  }
  if (typeof json === 'object' && json !== null && 'format' in json) {
    const parsed = gridSweepSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue === undefined ? '(top level)' : formatPath(issue.path);
      const what = issue === undefined ? 'invalid' : issue.message.replace(/^Invalid input: /, '');
      throw new ReportInputError(`${file}: ${field}: ${what} (expected the output of 'bpusim sweep <grid> --out')`);
    }
    const points = parsed.data.points.map((p) => ({
      params: p.params,
      architecture: p.report.results.arch.architecture,
      committedTps: p.report.results.arch.committedTps,
      latencyMs: { p50: p.report.results.arch.latencyMs.p50, p99: p.report.results.arch.latencyMs.p99 },
    }));
    return { kind: 'grid', sweep: { grid: parsed.data.grid, points } };
  }
  return { kind: 'consensus', sweep: parseSweepConsensus(text, file) };
}
