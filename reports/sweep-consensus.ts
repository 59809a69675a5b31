/**
 * What `bpusim sweep consensus --json` prints, as the HTML report reads it for its sweep curves:
 * one row per (orderer count, architecture). Only the fields the charts use are required; the
 * rest of each row passes through.
 */
import { z } from 'zod';
import { ReportInputError } from './_errors.js';
import { formatPath, parseJsonFile } from './report-schema.js';

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
  return checked(sweepSchema, parseJsonFile(text, file), file, 'bpusim sweep consensus --json');
}

/** `json` as `schema` describes it, or an error naming the file, the field and the command whose output was expected. */
function checked<T>(schema: z.ZodType<T>, json: unknown, file: string, command: string): T {
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue === undefined ? '(top level)' : formatPath(issue.path);
  const what = issue === undefined ? 'invalid' : issue.message.replace(/^Invalid input: /, '');
  throw new ReportInputError(`${file}: ${field}: ${what} (expected the output of '${command}')`);
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
  const json = parseJsonFile(text, file);
  if (typeof json !== 'object' || json === null || !('format' in json))
    return { kind: 'consensus', sweep: checked(sweepSchema, json, file, 'bpusim sweep consensus --json') };
  const grid = checked(gridSweepSchema, json, file, 'bpusim sweep <grid> --out');
  const points = grid.points.map((p) => {
    const arch = p.report.results.arch;
    return {
      params: p.params,
      architecture: arch.architecture,
      committedTps: arch.committedTps,
      latencyMs: { p50: arch.latencyMs.p50, p99: arch.latencyMs.p99 },
    };
  });
  return { kind: 'grid', sweep: { grid: grid.grid, points } };
}
