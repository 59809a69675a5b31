/**
 * `bpusim study`: the answer to the paper's claims as one deterministic set of capacity searches —
 * each preset's capacity on each workload, then the seven remedies added one at a time to the CPU
 * server and removed one at a time from the 1M-TPS BPU — rendered by reports/study.ts. The quick
 * variant runs the same code on fewer, shorter searches (what CI regenerates and compares).
 */
import { loadArchitecture } from '../engines/architecture.js';
import type { StudyResult, StudyRow } from '../reports/study.js';
import { type CapacityResult, findCapacity, scenarioRunAt } from './capacity.js';
import { SCENARIO_DEFAULTS } from './scenario.js';
import { addRemedy, REMEDIES, type Remedy, removeRemedy, type StudyVariant } from './study-remedies.js';

export interface StudyConfig {
  readonly quick: boolean;
  readonly keys: number;
  readonly workloads: readonly string[];
  readonly presets: readonly string[];
  /** The remedies the ablation adds and removes (all seven in the full study). */
  readonly remedies: readonly number[];
  readonly tolerance: number;
  readonly startTps: number;
  readonly runLength: { readonly blocks: number; readonly arrivals: number };
  readonly seed: number;
  /** The BPU the remedies are removed from: the 1M-TPS proposal (the quick study takes the smaller 2019 one, for time). */
  readonly bpuBase: string;
}

export const FULL_STUDY: StudyConfig = {
  quick: false,
  keys: 100_000,
  workloads: ['smallbank', 'kv-insert'],
  presets: ['cpu-64core', 'cpu-64core-paper', 'bpu-2019', 'bpu-1m'],
  remedies: [1, 2, 3, 4, 5, 6, 7],
  tolerance: 0.1,
  startTps: 8_000,
  runLength: { blocks: 20, arrivals: 4_000 },
  seed: 1,
  bpuBase: 'bpu-1m',
};

export const QUICK_STUDY: StudyConfig = {
  quick: true,
  keys: 10_000,
  workloads: ['kv-insert'],
  presets: ['cpu-64core'],
  remedies: [1],
  tolerance: 1,
  startTps: 16_000,
  runLength: { blocks: 8, arrivals: 4_000 },
  seed: 1,
  bpuBase: 'bpu-2019',
};

/** The CPU server the remedies are added to. */
const CPU_BASE = 'cpu-64core';

export function runStudy(config: StudyConfig, progress: (line: string) => void = () => undefined): StudyResult {
  // The ablation's bases are presets the first table searched already: one search each.
  const searched = new Map<string, Omit<StudyRow, 'label'>>();
  const search = (variant: StudyVariant, workload: string, label: string): StudyRow => {
    const key = JSON.stringify([variant.arch, variant.endorsementScheme, workload]);
    const known = searched.get(key);
    if (known !== undefined) return { ...known, label };
    const row = searchOnce(variant, workload, label);
    searched.set(key, row);
    return row;
  };
  const searchOnce = (variant: StudyVariant, workload: string, label: string): StudyRow => {
    const scenario = {
      ...SCENARIO_DEFAULTS,
      workload,
      keys: config.keys,
      seed: config.seed,
      endorsementScheme: variant.endorsementScheme,
      duration: '100ms',
    };
    const result = findCapacity(scenarioRunAt(scenario, variant.arch), {
      startTps: config.startTps,
      maxTps: 10_000_000,
      tolerance: config.tolerance,
      runLength: config.runLength,
      onPoint: (p) => progress(`study: ${label} on ${workload}: ${p.offeredTps} offered → ${p.committedTps} committed`),
    });
    return rowOf(label, variant.endorsementScheme, result);
  };
  const presets = config.workloads.map((workload) => ({
    workload,
    rows: config.presets.map((name) =>
      search({ arch: loadArchitecture(name), endorsementScheme: 'p256' }, workload, name),
    ),
  }));
  const remedies = REMEDIES.filter((r) => config.remedies.includes(r.number));
  const BPU_FULL = config.bpuBase;
  const card = loadArchitecture(BPU_FULL);
  const cpu: StudyVariant = { arch: loadArchitecture(CPU_BASE), endorsementScheme: 'p256' };
  // The preset as sized: remedies 1 and 3–7 on the card, P-256 endorsements (its BLS engines are few).
  const bpu: StudyVariant = { arch: card, endorsementScheme: 'p256' };
  const workload = config.workloads[0] ?? 'smallbank';
  const ablate = (base: StudyVariant, remedy: Remedy, change: 'add' | 'remove'): StudyRow & { remedy: number } => {
    const variant = change === 'add' ? addRemedy(base, remedy, card) : removeRemedy(base, remedy);
    const sign = change === 'add' ? '+' : remedy.engine === null ? '±' : '−';
    const label = `${change === 'add' ? CPU_BASE : BPU_FULL} ${sign} ${remedy.number}. ${remedy.name}`;
    return { ...search(variant, workload, label), remedy: remedy.number };
  };
  return {
    config: { ...config, cpuBase: CPU_BASE, bpuFull: BPU_FULL },
    presets,
    ablation: {
      workload,
      cpuBase: search(cpu, workload, CPU_BASE),
      bpuFull: search(bpu, workload, `${BPU_FULL} (its preset: remedies 1, 3–7)`),
      added: remedies.map((r) => ablate(cpu, r, 'add')),
      removed: remedies.map((r) => ablate(bpu, r, 'remove')),
    },
  };
}

function rowOf(label: string, endorsementScheme: string, result: CapacityResult): StudyRow {
  const { capacityTps, bottleneckAtKnee: bottleneck, atCapacity: point } = result;
  const runs = result.points.length;
  const perKtps = (value: number): number | null =>
    point === null || capacityTps === 0 ? null : Math.round((value * point.nodes * 1000) / capacityTps);
  return {
    label,
    endorsementScheme,
    capacityTps,
    // Every peer is alike: which one saturates first is a coin toss, so peers are named as one.
    bottleneck: bottleneck.replace(/^peer\d+\.Org\d+MSP\./, 'peer.'),
    conflictPct: point === null ? null : Math.round(point.conflictShare * 1000) / 10,
    steadyP99Ms: point === null ? null : Math.round(point.steadyP99LatencyMs * 10) / 10,
    nodes: point?.nodes ?? 0,
    costUsdPerKtps: perKtps(point?.nodeCostUsd ?? 0),
    powerWPerKtps: perKtps(point?.nodePowerW ?? 0),
    mJPerTx: point?.joulesPerCommittedTx == null ? null : Math.round(point.joulesPerCommittedTx * 1e4) / 10,
    runs,
  };
}
