/**
 * Parameter grids for `bpusim sweep grid.yaml`: a base run plus the values to vary, expanded into
 * points in a fixed order (the Cartesian product, keys in file order, the last key fastest), so a
 * sweep's output is the same bytes however many workers or shards computed it.
 *
 * ```yaml
 * base: { arch: bpu-2019, topology: dc, workload: smallbank, rate: 20000, duration: 200ms, crypto: modeled }
 * vary:
 *   rate: [20000, 50000]
 *   arch.engines.crypto.verify.p256.lanes: [64, 128]   # an architecture parameter
 * ```
 * Keys of `vary` are run options (arch, topology, workload, rate, duration, arrival, crypto, seed,
 * keys, ordering, endorsementScheme) or `arch.<path>` into the architecture file.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { architectureSchema, checkArchitecture, loadArchitecture, type Architecture } from '../engines/architecture.js';
import { ConfigError } from '../sim/errors.js';
import { validateConfig } from '../engines/config-file.js';
import { SCENARIO_DEFAULTS, type Scenario } from './scenario.js';

const RUN_KEYS = [
  'arch',
  'topology',
  'workload',
  'rate',
  'duration',
  'arrival',
  'crypto',
  'seed',
  'keys',
  'ordering',
  'endorsementScheme',
] as const;
type RunKey = (typeof RUN_KEYS)[number];
const VARY_KEY =
  /^(arch|topology|workload|rate|duration|arrival|crypto|seed|keys|ordering|endorsementScheme|arch\.[A-Za-z0-9_.]+)$/;
const scalar = z.union([z.string(), z.number(), z.boolean()]);

export const gridSchema = z
  .object({
    base: z
      .object(
        Object.fromEntries(RUN_KEYS.map((k) => [k, scalar.optional()])) as Record<RunKey, z.ZodOptional<typeof scalar>>,
      )
      .strict()
      .default({}),
    vary: z.record(z.string().regex(VARY_KEY), z.array(scalar).min(1).max(1000)),
  })
  .strict();

export type Grid = z.infer<typeof gridSchema>;
export type GridPoint = { index: number; params: Record<string, string | number | boolean> };

export const GRID_POINTS_MAX = 100_000;

export function parseGrid(file: string, data: unknown): Grid {
  const vary = (data as { vary?: unknown } | null)?.vary;
  if (typeof vary === 'object' && vary !== null) {
    for (const key of Object.keys(vary)) {
      if (!VARY_KEY.test(key))
        throw new ConfigError(
          file,
          `vary.${key}`,
          `not a parameter; allowed: ${RUN_KEYS.join(', ')}, or arch.<path> into the architecture`,
        );
    }
  }
  const grid = validateConfig(file, gridSchema, data);
  const count = Object.values(grid.vary).reduce((n, values) => n * values.length, 1);
  if (count > GRID_POINTS_MAX) throw new ConfigError(file, 'vary', `${count} points; at most ${GRID_POINTS_MAX}`);
  return grid;
}

/** Points in grid order: the last key of `vary` changes fastest. */
export function expandGrid(grid: Grid): GridPoint[] {
  const keys = Object.keys(grid.vary);
  let combos: Record<string, string | number | boolean>[] = [{}];
  for (const key of keys) {
    const values = grid.vary[key] ?? [];
    combos = combos.flatMap((combo) => values.map((value) => ({ ...combo, [key]: value })));
  }
  return combos.map((params, index) => ({ index, params }));
}

/** A hash of the grid's content, so merged shards are known to come from the same grid. */
export function gridHash(grid: Grid): string {
  return createHash('sha256').update(JSON.stringify(grid)).digest('hex').slice(0, 16);
}

/** The run flags and the architecture (with `arch.<path>` overrides applied and re-validated) of a point. */
export function pointRun(file: string, grid: Grid, point: GridPoint): { flags: Scenario; arch: Architecture } {
  const merged: Record<string, unknown> = { ...SCENARIO_DEFAULTS, baseline: 'none', ...grid.base };
  const overrides: [string, unknown][] = [];
  for (const [key, value] of Object.entries(point.params)) {
    if (key.startsWith('arch.')) overrides.push([key.slice(5), value]);
    else merged[key] = value;
  }
  for (const key of ['rate', 'seed', 'keys'] as const) {
    if (typeof merged[key] === 'string') merged[key] = Number(merged[key]);
    if (!Number.isFinite(merged[key] as number))
      throw new ConfigError(file, key, `expected a number, got '${String(merged[key])}'`);
  }
  for (const key of [
    'arch',
    'topology',
    'workload',
    'duration',
    'arrival',
    'crypto',
    'ordering',
    'endorsementScheme',
  ] as const) {
    if (merged[key] !== undefined && typeof merged[key] !== 'string')
      throw new ConfigError(file, key, `expected a string, got ${JSON.stringify(merged[key])}`);
  }
  const flags = merged as unknown as Scenario;
  let arch = loadArchitecture(flags.arch);
  if (overrides.length > 0) {
    const copy = structuredClone(arch) as unknown as Record<string, unknown>;
    for (const [path, value] of overrides) setPath(file, copy, path, value);
    const where = `${file} (point ${point.index})`;
    arch = checkArchitecture(where, validateConfig(where, architectureSchema, copy));
  }
  return { flags, arch };
}

function setPath(file: string, target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node: Record<string, unknown> = target;
  for (const part of parts.slice(0, -1)) {
    const next = node[part];
    if (next === undefined) node[part] = {};
    else if (typeof next !== 'object' || next === null)
      throw new ConfigError(file, `vary.arch.${path}`, `'${part}' is not an object in the architecture`);
    node = node[part] as Record<string, unknown>;
  }
  node[parts[parts.length - 1] as string] = value;
}
