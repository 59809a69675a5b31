/**
 * One-at-a-time sensitivity of a preset's capacity to its assumed inputs: every figure whose
 * comment in the preset file says "assumed" (cost and power aside: they do not move capacity) is
 * scaled by each factor (×0.5 and ×2 by default) alone, and the capacity found again. The answer a
 * user needs from it: which assumptions decide the headline, so they know which to measure first.
 *
 * Cheap where it can be: a variant is first run at the base capacity; if every simulated figure of
 * that run equals the base run's, the figure is not on this workload's path (say BLS costs on a
 * P-256 workload) and its capacity is the base capacity without a search. Otherwise the search
 * starts from the base capacity (steps of ×1.25 up or down, then bisection) rather than from zero.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, parseDocument, type Node as YamlNode } from 'yaml';
import { ARCH_PRESETS, type Architecture, architectureSchema, loadArchitecture } from '../engines/architecture.js';
import { presetPath } from '../engines/config-file.js';
import { ConfigError } from '../sim/errors.js';
import {
  describePoint,
  findCapacity,
  findCapacityFrom,
  type RunAtRate,
  runCapacityPoint,
  scenarioRunAt,
} from './capacity.js';
import { SCENARIO_DEFAULTS, type Scenario } from './scenario.js';

export interface SensitivityRow {
  /** The figure's path in the architecture file (engines.cpu.cycles.packet). */
  readonly path: string;
  readonly baseValue: number;
  readonly factor: number;
  readonly capacityTps: number;
  /** Of the capacity, against the base capacity, in %. */
  readonly changePct: number;
  readonly bottleneckAtKnee: string;
  /** False when the figure did not touch the run (no search was needed). */
  readonly onPath: boolean;
}

export interface SensitivityResult {
  readonly architecture: string;
  readonly baseCapacityTps: number;
  readonly baseBottleneck: string;
  readonly tolerance: number;
  /** Largest |change| first. */
  readonly rows: readonly SensitivityRow[];
}

/** Fields that never move capacity (what a node costs, draws and spends), so a sensitivity study skips them. */
const NOT_CAPACITY = new Set(['costUsd', 'powerW', 'energy']);
/** The short run that tells whether a figure is on the workload's path: 6 blocks. */
const PROBE = { blocks: 6, arrivals: 0 };

/** Paths of the numeric figures the preset's comments call assumed (a comment on a map covers its figures). */
export function assumedFigures(preset: string): string[] {
  if (!(ARCH_PRESETS as readonly string[]).includes(preset))
    throw new ConfigError('--arch', '', `sensitivity reads a preset's comments; presets: ${ARCH_PRESETS.join(', ')}`);
  const doc = parseDocument(readFileSync(presetPath('arch', preset), 'utf8'));
  const found: string[] = [];
  const visit = (node: unknown, path: string[], inherited: boolean): void => {
    const own = (node as YamlNode | null)?.comment;
    const assumed = own === undefined || own === null ? inherited : /assumed/i.test(own);
    if (isMap(node)) {
      for (const pair of node.items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : '';
        if (key !== '' && !NOT_CAPACITY.has(key)) visit(pair.value, [...path, key], assumed);
      }
    } else if (isScalar(node) && typeof node.value === 'number' && assumed) {
      found.push(path.join('.'));
    }
  };
  visit(doc.contents, [], false);
  return found;
}

export function withScaled(
  arch: Architecture,
  path: string,
  factor: number,
): { arch: Architecture; baseValue: number } {
  const copy = structuredClone(arch) as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let target = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  const baseValue = Number(target[last]);
  if (last.endsWith('Ratio')) {
    // A hit ratio cannot double: its complement (the miss ratio) is what is scaled.
    target[last] = Math.max(0, 1 - (1 - baseValue) * factor);
  } else {
    // Integer fields (lanes, cores, sizes) stay integers and at least 1.
    const scaled = baseValue * factor;
    target[last] = Number.isInteger(baseValue) && baseValue >= 1 ? Math.max(1, Math.round(scaled)) : scaled;
  }
  return { arch: architectureSchema.parse(copy), baseValue };
}

export interface SensitivityOptions {
  readonly factors: readonly number[];
  readonly tolerance: number;
  readonly onRow?: (row: SensitivityRow) => void;
}

/** `runAt(arch)` gives the scenario's run options for an architecture; the base capacity comes from a full search. */
export function sensitivity(
  figures: readonly string[],
  arch: Architecture,
  runAt: (arch: Architecture) => RunAtRate,
  base: SensitivityBase,
  options: SensitivityOptions,
): SensitivityResult {
  const baseFingerprint = probeFingerprint(runAt(arch), base.capacityTps);
  const rows: SensitivityRow[] = [];
  for (const path of figures) {
    for (const factor of options.factors) {
      const row = sensitivityRow(arch, path, factor, runAt, { ...base, fingerprint: baseFingerprint }, options);
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return sortedSensitivity(arch.name, base, options.tolerance, rows);
}

export interface SensitivityBase {
  readonly capacityTps: number;
  readonly bottleneckAtKnee: string;
}

/** Largest |change| first (ties by path, then factor): the table's order. */
export function sortedSensitivity(
  architecture: string,
  base: SensitivityBase,
  tolerance: number,
  rows: readonly SensitivityRow[],
): SensitivityResult {
  const sorted = [...rows].sort(
    (a, b) => Math.abs(b.changePct) - Math.abs(a.changePct) || a.path.localeCompare(b.path) || a.factor - b.factor,
  );
  return {
    architecture,
    baseCapacityTps: base.capacityTps,
    baseBottleneck: base.bottleneckAtKnee,
    tolerance,
    rows: sorted,
  };
}

/** Whether a figure is on the path shows in a short run at the base capacity: any change of timing changes its result. */
export function probeFingerprint(runAt: RunAtRate, capacityTps: number): string {
  return runCapacityPoint(runAt, capacityTps, PROBE).fingerprint;
}

/**
 * One figure scaled by one factor: off the workload's path (its short run identical to the base's,
 * `base.fingerprint`), the base capacity without a search; on it, a search from the base capacity.
 */
export function sensitivityRow(
  arch: Architecture,
  path: string,
  factor: number,
  runAt: (arch: Architecture) => RunAtRate,
  base: SensitivityBase & { readonly fingerprint: string },
  options: { readonly tolerance: number; readonly runLength?: { readonly blocks: number; readonly arrivals: number } },
): SensitivityRow {
  const variant = withScaled(arch, path, factor);
  const onPath = probeFingerprint(runAt(variant.arch), base.capacityTps) !== base.fingerprint;
  const found = onPath
    ? findCapacityFrom(runAt(variant.arch), base.capacityTps, {
        tolerance: options.tolerance,
        ...(options.runLength === undefined ? {} : { runLength: options.runLength }),
      })
    : base;
  return {
    path,
    baseValue: variant.baseValue,
    factor,
    capacityTps: found.capacityTps,
    changePct: Number((((found.capacityTps - base.capacityTps) / base.capacityTps) * 100).toFixed(1)),
    bottleneckAtKnee: found.bottleneckAtKnee,
    onPath,
  };
}

export interface SensitivityRunOptions {
  readonly arch: string;
  readonly workload: string;
  readonly keys: number;
  readonly topology: string;
  readonly factors: readonly number[];
  readonly tolerance: number;
  /** The base capacity when already known (a previous run's): its search is skipped. */
  readonly baseCapacityTps?: number;
  /** Only the figures whose path starts with one of these (a long table run in parts). */
  readonly only?: readonly string[];
  readonly log?: (line: string) => void;
}

/** The base capacity of the preset on the scenario, then every assumed figure scaled alone. */
export function runSensitivity(options: SensitivityRunOptions): SensitivityResult {
  const figures = selectFigures(assumedFigures(options.arch), options.only); // one clear message before any run
  const arch = loadArchitecture(options.arch);
  const scenario: Scenario = {
    ...SCENARIO_DEFAULTS,
    arch: options.arch,
    workload: options.workload,
    keys: options.keys,
    topology: options.topology,
    duration: '100ms',
  };
  const runAt = (variant: Architecture): RunAtRate => scenarioRunAt(scenario, variant);
  const base =
    options.baseCapacityTps === undefined
      ? searchBase(runAt(arch), options)
      : {
          capacityTps: options.baseCapacityTps,
          bottleneckAtKnee: runCapacityPoint(runAt(arch), options.baseCapacityTps).point.bottleneck,
        };
  options.log?.(`base capacity ${base.capacityTps} tx/s, bottleneck ${base.bottleneckAtKnee}`);
  return sensitivity(figures, arch, runAt, base, {
    factors: options.factors,
    tolerance: options.tolerance,
    onRow: (row) =>
      options.log?.(
        `${row.path} ×${row.factor}: ${row.capacityTps} tx/s (${row.changePct} %)${row.onPath ? '' : ', not on the path'}`,
      ),
  });
}

/** The figures under the `only` prefixes (all without); none matching is a usage error. */
export function selectFigures(figures: readonly string[], only: readonly string[] | undefined): string[] {
  if (only === undefined) return [...figures];
  const chosen = figures.filter((path) => only.some((prefix) => path.startsWith(prefix)));
  if (chosen.length === 0)
    throw new ConfigError(
      '--only',
      '',
      `'${only.join(',')}' matches no assumed figure; the preset's are: ${figures.join(', ')}`,
    );
  return chosen;
}

function searchBase(
  runAt: RunAtRate,
  options: SensitivityRunOptions,
): { capacityTps: number; bottleneckAtKnee: string } {
  return findCapacity(runAt, {
    startTps: 1_000,
    maxTps: 10_000_000,
    tolerance: options.tolerance,
    onPoint: (p) => options.log?.(`base: ${describePoint(p)}`),
  });
}
