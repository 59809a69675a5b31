/**
 * `bpusim study`: the answer to the paper's claims as one deterministic set of tasks — each
 * preset's capacity on each case (SmallBank at two state sizes, a conflict-free and a contended
 * workload), the seven remedies added one at a time to the CPU server and removed one at a time
 * from the 1M-TPS BPU, block size, the hardware BFT orderer under PBFT, 2 → 16 endorsing
 * organisations with P-256 and BLS, and the sensitivity of the BPU's capacity to its assumed
 * figures — rendered by reports/study.ts. Tasks run on worker threads (study-tasks.ts: each is
 * deterministic alone, so the result does not depend on the worker count); the quick variant runs
 * the same code on fewer, shorter tasks (what CI regenerates and compares).
 */
import { join } from 'node:path';
import { Piscina } from 'piscina';
import { loadArchitecture } from '../engines/architecture.js';
import { packageRoot } from '../engines/config-file.js';
import type { StudyResult, StudyRow } from '../reports/study.js';
import { type CapacityResult, peerAsOne } from './capacity.js';
import { assumedFigures, probeFingerprint, sortedSensitivity } from './sensitivity.js';
import { addRemedy, REMEDIES, type Remedy, removeRemedy, type StudyVariant } from './study-remedies.js';
import {
  type FixedRateOutcome,
  runStudyTask,
  type StudyScenario,
  studyRunAt,
  type StudyTask,
  type StudyTaskResult,
} from './study-tasks.js';
import type { StudyCache } from './study-cache.js';
import { SWEEP_YOUNG_GENERATION_MB } from './sweep.js';
import { loadTopology, type Topology } from './topology.js';

/** A workload at a state size; `warmFrom` searches near that case's capacity instead of doubling. */
export interface StudyCase {
  readonly label: string;
  readonly workload: string;
  readonly keys: number;
  readonly warmFrom?: number;
}

export interface StudyConfig {
  readonly quick: boolean;
  /** The first case is the one the ablation, block sizes, migration, orderer and sensitivity use. */
  readonly cases: readonly StudyCase[];
  readonly presets: readonly string[];
  /** The remedies the ablation adds and removes (all seven in the full study). */
  readonly remedies: readonly number[];
  readonly tolerance: number;
  readonly startTps: number;
  readonly runLength: { readonly blocks: number; readonly arrivals: number };
  readonly seed: number;
  /** The BPU the remedies are removed from: the 1M-TPS proposal (the quick study takes the smaller 2019 one, for time). */
  readonly bpuBase: string;
  /**
   * Capacity at these block sizes (transactions per block), for these presets. `runLength`: the
   * block rows' own (a window must hold enough blocks that one more or less stays inside the hold
   * test's 5 % margin: with blocks of 2,000 a 20-block run misread a rate by ±7 %).
   */
  readonly blockSizes: {
    readonly presets: readonly string[];
    readonly sizes: readonly number[];
    readonly runLength: { readonly blocks: number; readonly arrivals: number };
  };
  /** Runs at a fixed rate with every one of N organisations endorsing, P-256 against BLS. */
  readonly orgs: { readonly archs: readonly string[]; readonly counts: readonly number[]; readonly rateTps: number };
  /** Remedy 7 where it can act: both ablation bases with a 4-orderer PBFT cluster, with and without the BFT engine. */
  readonly pbftOrderers: number;
  /** Each assumed figure of `preset` scaled alone by each factor (`figures`: only these paths). */
  readonly sensitivity: {
    readonly preset: string;
    readonly factors: readonly number[];
    readonly figures?: readonly string[];
  } | null;
}

export const FULL_STUDY: StudyConfig = {
  quick: false,
  cases: [
    { label: 'SmallBank, 100,000 accounts', workload: 'smallbank', keys: 100_000 },
    { label: 'SmallBank, 1,000,000 accounts', workload: 'smallbank', keys: 1_000_000, warmFrom: 0 },
    { label: 'conflict-free (kv-insert), 100,000 records', workload: 'kv-insert', keys: 100_000 },
    { label: 'contended (SmallBank, 10,000 accounts)', workload: 'smallbank', keys: 10_000, warmFrom: 0 },
  ],
  presets: ['cpu-64core', 'cpu-64core-paper', 'bpu-2019', 'bpu-1m'],
  remedies: [1, 2, 3, 4, 5, 6, 7],
  tolerance: 0.1,
  startTps: 8_000,
  runLength: { blocks: 20, arrivals: 4_000 },
  seed: 1,
  bpuBase: 'bpu-1m',
  // Block rows run 60 blocks, as `bpusim capacity` does: a 20-block window misreads blocks of
  // 2,000 by ±7 %, more than the hold test's margin (bpu-1m's 2,000 row read 9,514 with 20).
  blockSizes: {
    presets: ['cpu-64core', 'bpu-1m'],
    sizes: [100, 500, 2_000],
    runLength: { blocks: 60, arrivals: 4_000 },
  },
  orgs: { archs: ['cpu-64core', 'bpu-2019'], counts: [2, 4, 8, 16], rateTps: 20_000 },
  pbftOrderers: 4,
  sensitivity: { preset: 'bpu-1m', factors: [0.5, 2] },
};

export const QUICK_STUDY: StudyConfig = {
  quick: true,
  cases: [
    { label: 'conflict-free (kv-insert), 10,000 records', workload: 'kv-insert', keys: 10_000 },
    { label: 'contended (SmallBank, 1,000 accounts)', workload: 'smallbank', keys: 1_000, warmFrom: 0 },
  ],
  presets: ['cpu-64core'],
  remedies: [1],
  tolerance: 1,
  startTps: 16_000,
  runLength: { blocks: 8, arrivals: 4_000 },
  seed: 1,
  bpuBase: 'bpu-2019',
  blockSizes: { presets: ['cpu-64core'], sizes: [100, 500], runLength: { blocks: 8, arrivals: 4_000 } },
  orgs: { archs: ['cpu-64core'], counts: [2, 4], rateTps: 4_000 },
  pbftOrderers: 0,
  sensitivity: {
    preset: 'cpu-64core',
    factors: [2],
    figures: ['engines.cpu.cycles.packet', 'engines.storage.writeGBps'],
  },
};

/** The CPU server the remedies are added to. */
const CPU_BASE = 'cpu-64core';

export interface StudyRunOptions {
  /** Worker threads; 0 runs every task on this thread (what the tests do). */
  readonly workers: number;
  readonly progress?: (line: string) => void;
  /** Task results kept on disk (study-cache.ts): a task found there is not run again. */
  readonly cache?: StudyCache | undefined;
}

type Execute = (tasks: readonly StudyTask[], labels: readonly string[]) => Promise<StudyTaskResult[]>;

export async function runStudy(config: StudyConfig, options: StudyRunOptions): Promise<StudyResult> {
  const tally = tallyOf(options.progress ?? (() => undefined));
  const cache = options.cache;
  const finished = (task: StudyTask, label: string, result: StudyTaskResult): StudyTaskResult => {
    tally.done(label, result, false);
    cache?.put(task, result);
    return result;
  };
  if (options.workers === 0) {
    return studyWith(
      config,
      cached(cache, tally, async (tasks, labels) =>
        tasks.map((task, i) => finished(task, labels[i] as string, runStudyTask(task))),
      ),
    );
  }
  const pool = new Piscina({
    filename: join(packageRoot(), 'dist', 'system', 'study-worker.js'),
    minThreads: options.workers,
    maxThreads: options.workers,
    idleTimeout: 1_000,
    resourceLimits: { maxYoungGenerationSizeMb: SWEEP_YOUNG_GENERATION_MB },
  });
  try {
    return await studyWith(
      config,
      cached(cache, tally, (tasks, labels) =>
        Promise.all(
          tasks.map(async (task, i) => finished(task, labels[i] as string, (await pool.run(task)) as StudyTaskResult)),
        ),
      ),
    );
  } finally {
    await pool.destroy();
  }
}

/** Progress lines `study: [k/N] <task>: <result>`; N grows as each phase plans its tasks. */
function tallyOf(progress: (line: string) => void) {
  let planned = 0;
  let done = 0;
  return {
    plan(count: number): void {
      planned += count;
    },
    done(label: string, result: StudyTaskResult, fromCache: boolean): void {
      done += 1;
      progress(`study: [${done}/${planned}] ${label}: ${summary(result)}${fromCache ? ' (cached)' : ''}`);
    },
  };
}

type Tally = ReturnType<typeof tallyOf>;

/** `execute` for the tasks the cache does not hold; the others' results come from it, in task order. */
function cached(cache: StudyCache | undefined, tally: Tally, execute: Execute): Execute {
  return async (tasks, labels) => {
    tally.plan(tasks.length);
    if (cache === undefined) return execute(tasks, labels);
    const results: (StudyTaskResult | undefined)[] = tasks.map((task) => cache.get(task));
    const missing = tasks.map((_, i) => i).filter((i) => results[i] === undefined);
    results.forEach((result, i) => {
      if (result !== undefined) tally.done(labels[i] as string, result, true);
    });
    const fresh = await execute(
      missing.map((i) => tasks[i] as StudyTask),
      missing.map((i) => labels[i] as string),
    );
    missing.forEach((i, j) => {
      results[i] = fresh[j];
    });
    return results as StudyTaskResult[];
  };
}

function summary(result: StudyTaskResult): string {
  if (result.kind === 'search')
    return `capacity ${result.result.capacityTps} tx/s (${result.result.points.length} runs), ${result.result.bottleneckAtKnee}`;
  if (result.kind === 'run') return `${result.result.committedTps} tx/s committed`;
  return `${result.result.capacityTps} tx/s (${result.result.changePct} %)`;
}

/** Tasks keyed by what they simulate, so the same search asked for twice (a base, a preset) runs once. */
class TaskList {
  readonly tasks: StudyTask[] = [];
  readonly labels: string[] = [];
  private readonly index = new Map<string, number>();
  private results: StudyTaskResult[] = [];

  add(key: string, label: string, task: StudyTask): string {
    if (!this.index.has(key)) {
      this.index.set(key, this.tasks.length);
      this.tasks.push(task);
      this.labels.push(label);
    }
    return key;
  }

  async run(execute: Execute): Promise<void> {
    this.results = await execute(this.tasks.slice(this.results.length), this.labels.slice(this.results.length)).then(
      (fresh) => [...this.results, ...fresh],
    );
  }

  search(key: string): CapacityResult {
    const r = this.results[this.index.get(key) ?? -1];
    if (r?.kind !== 'search') throw new Error(`study: no search ${key}`);
    return r.result;
  }

  fixedRun(key: string): FixedRateOutcome {
    const r = this.results[this.index.get(key) ?? -1];
    if (r?.kind !== 'run') throw new Error(`study: no run ${key}`);
    return r.result;
  }

  all(): readonly StudyTaskResult[] {
    return this.results;
  }
}

/** The dc topology with `orgs` organisations (every one endorsing), blocks of `blockSize`, `orderers` orderers. */
function topologyOf(shape: { orgs?: number; blockSize?: number; orderers?: number }): Topology {
  const dc = loadTopology('dc');
  const org = dc.orgs[0] as Topology['orgs'][number];
  const orgs = shape.orgs === undefined ? dc.orgs : Array.from({ length: shape.orgs }, () => ({ ...org }));
  const ids = orgs.map((_, i) => `'Org${i + 1}MSP.peer'`).join(', ');
  return {
    ...dc,
    orgs,
    ...(shape.orgs === undefined ? {} : { endorsementPolicy: `AND(${ids})` }),
    orderers: { ...dc.orderers, count: shape.orderers ?? dc.orderers.count },
    batch: { ...dc.batch, maxMessageCount: shape.blockSize ?? dc.batch.maxMessageCount },
  };
}

/** What the phases share: the task list, the base topology and how a scenario becomes a task. */
function plannerOf(config: StudyConfig, list: TaskList) {
  const dc = topologyOf({});
  const scenario = (
    variant: StudyVariant,
    c: StudyCase,
    topology = dc,
    ordering: 'solo' | 'pbft' = 'solo',
  ): StudyScenario => ({
    arch: variant.arch,
    scheme: variant.endorsementScheme,
    workload: c.workload,
    keys: c.keys,
    topology,
    ordering,
    seed: config.seed,
  });
  const keyOf = (s: StudyScenario): string =>
    JSON.stringify([
      s.arch.name,
      s.scheme,
      s.workload,
      s.keys,
      s.topology.orgs.length,
      s.topology.batch.maxMessageCount,
      s.ordering,
    ]);
  const search = (s: StudyScenario, label: string, warmFromTps?: number, runLength = config.runLength): string => {
    // A search with runs of another length is another task (the block rows' at 500 is not the presets').
    const own = runLength.blocks !== config.runLength.blocks || runLength.arrivals !== config.runLength.arrivals;
    const key = own ? `${keyOf(s)} runs of ${runLength.blocks} blocks, ${runLength.arrivals} arrivals` : keyOf(s);
    return list.add(key, `${label} on ${s.workload} (${s.keys} keys)`, {
      kind: 'search',
      scenario: s,
      startTps: warmFromTps ?? config.startTps,
      warm: warmFromTps !== undefined,
      tolerance: config.tolerance,
      runLength,
    });
  };
  const preset = (name: string): StudyVariant => ({ arch: loadArchitecture(name), endorsementScheme: 'p256' });
  const head = config.cases[0] as StudyCase;

  return { list, dc, scenario, keyOf, search, preset, head };
}

type Planner = ReturnType<typeof plannerOf>;

async function studyWith(config: StudyConfig, execute: Execute): Promise<StudyResult> {
  const list = new TaskList();
  const plan = plannerOf(config, list);
  const one = phaseOne(config, plan);
  await list.run(execute);
  const two = phaseTwo(config, plan, one.presetKeys);
  await list.run(execute);
  return assembleStudy(config, plan, one, two);
}

/** Phase 1: every task that needs no other answer. */
function phaseOne(config: StudyConfig, plan: Planner) {
  const { list, scenario, keyOf, search, preset, head } = plan;
  const coldCases = config.cases.map((c, i) => ({ c, i })).filter(({ c }) => c.warmFrom === undefined);
  const presetKeys = new Map<string, string>();
  for (const { c, i } of coldCases)
    for (const name of config.presets) presetKeys.set(`${i}/${name}`, search(scenario(preset(name), c), name));
  const card = loadArchitecture(config.bpuBase);
  const cpu = preset(CPU_BASE);
  const bpu: StudyVariant = { arch: card, endorsementScheme: 'p256' };
  const remedies = REMEDIES.filter((r) => config.remedies.includes(r.number));
  const ablate = (remedy: Remedy, change: 'add' | 'remove') => {
    const variant = change === 'add' ? addRemedy(cpu, remedy, card) : removeRemedy(bpu, remedy);
    const sign = change === 'add' ? '+' : remedy.engine === null ? '±' : '−';
    const label = `${change === 'add' ? CPU_BASE : config.bpuBase} ${sign} ${remedy.number}. ${remedy.name}`;
    return { label, remedy: remedy.number, variant, key: search(scenario(variant, head), label) };
  };
  const added = remedies.map((r) => ablate(r, 'add'));
  const removed = remedies.map((r) => ablate(r, 'remove'));
  const cpuKey = search(scenario(cpu, head), CPU_BASE);
  const bpuKey = search(scenario(bpu, head), config.bpuBase);
  const blockKeys = config.blockSizes.presets.map((name) => ({
    name,
    sizes: config.blockSizes.sizes.map((size) => ({
      size,
      key: search(
        scenario(preset(name), head, topologyOf({ blockSize: size })),
        `${name}, blocks of ${size}`,
        undefined,
        config.blockSizes.runLength,
      ),
    })),
  }));
  const bft = REMEDIES.find((r) => r.number === 7) as Remedy;
  const pbftVariants =
    config.pbftOrderers === 0
      ? []
      : [
          { label: `${CPU_BASE}, PBFT`, variant: cpu },
          { label: `${CPU_BASE} + 7. ${bft.name}, PBFT`, variant: addRemedy(cpu, bft, card) },
          { label: `${config.bpuBase}, PBFT`, variant: bpu },
          { label: `${config.bpuBase} − 7. ${bft.name}, PBFT`, variant: removeRemedy(bpu, bft) },
        ];
  const pbftTopology = topologyOf({ orderers: config.pbftOrderers });
  const pbftKeys = pbftVariants.map((v) => ({
    label: v.label,
    key: search(scenario(v.variant, head, pbftTopology, 'pbft'), v.label),
  }));
  const orgKeys = config.orgs.archs.flatMap((name) =>
    config.orgs.counts.flatMap((count) =>
      (['p256', 'bls'] as const).map((scheme) => {
        const s = scenario(
          { arch: loadArchitecture(name), endorsementScheme: scheme },
          head,
          topologyOf({ orgs: count }),
        );
        const label = `${name}, ${count} organisations endorsing with ${scheme}`;
        return {
          arch: name,
          orgs: count,
          scheme,
          key: list.add(`run ${keyOf(s)}`, label, {
            kind: 'run',
            scenario: s,
            rateTps: config.orgs.rateTps,
            runLength: config.runLength,
          }),
        };
      }),
    ),
  );
  return { presetKeys, added, removed, cpuKey, bpuKey, blockKeys, pbftKeys, orgKeys };
}

/** Phase 2: the searches that start near a phase-1 answer, and the sensitivity table. */
function phaseTwo(config: StudyConfig, plan: Planner, presetKeys: Map<string, string>) {
  const { list, scenario, search, preset, head } = plan;
  config.cases.forEach((c, i) => {
    if (c.warmFrom === undefined) return;
    for (const name of config.presets) {
      const near = list.search(presetKeys.get(`${c.warmFrom}/${name}`) as string).capacityTps;
      presetKeys.set(`${i}/${name}`, search(scenario(preset(name), c), name, Math.max(1, near)));
    }
  });
  const sens = config.sensitivity;
  const sensKeys: string[] = [];
  let sensBase: { capacityTps: number; bottleneckAtKnee: string } | null = null;
  if (sens !== null) {
    const s = scenario(preset(sens.preset), head);
    const found = list.search(search(s, sens.preset));
    sensBase = { capacityTps: found.capacityTps, bottleneckAtKnee: found.bottleneckAtKnee };
    const fingerprint = probeFingerprint(studyRunAt(s, s.arch), found.capacityTps);
    const figures = sens.figures ?? assumedFigures(sens.preset);
    for (const path of figures)
      for (const factor of sens.factors)
        sensKeys.push(
          list.add(`sensitivity ${path} ×${factor}`, `${sens.preset}: ${path} ×${factor}`, {
            kind: 'sensitivity',
            scenario: s,
            path,
            factor,
            base: { ...sensBase, fingerprint },
            tolerance: config.tolerance,
            runLength: config.runLength,
          }),
        );
  }
  return { sens, sensBase };
}

function assembleStudy(
  config: StudyConfig,
  plan: Planner,
  one: ReturnType<typeof phaseOne>,
  two: ReturnType<typeof phaseTwo>,
): StudyResult {
  const { list, head } = plan;
  const { presetKeys, added, removed, cpuKey, bpuKey, blockKeys, pbftKeys, orgKeys } = one;
  const { sens, sensBase } = two;
  const row = (key: string, label: string, scheme = 'p256'): StudyRow => rowOf(label, scheme, list.search(key));
  const sensitivityRows = list.all().flatMap((r) => (r.kind === 'sensitivity' ? [r.result] : []));
  return {
    config: { ...config, cpuBase: CPU_BASE, bpuFull: config.bpuBase },
    presets: config.cases.map((c, i) => ({
      label: c.label,
      workload: c.workload,
      keys: c.keys,
      rows: config.presets.map((name) => row(presetKeys.get(`${i}/${name}`) as string, name)),
    })),
    ablation: {
      workload: head.label,
      cpuBase: row(cpuKey, CPU_BASE),
      bpuFull: row(bpuKey, `${config.bpuBase} (its preset: remedies 1, 3–7)`),
      added: added.map((a) => ({ ...row(a.key, a.label, a.variant.endorsementScheme), remedy: a.remedy })),
      removed: removed.map((a) => ({ ...row(a.key, a.label, a.variant.endorsementScheme), remedy: a.remedy })),
    },
    blockSizes: blockKeys.map((b) => ({
      preset: b.name,
      rows: b.sizes.map((s) => ({ maxMessageCount: s.size, ...row(s.key, `${b.name}, ${s.size}`) })),
    })),
    migration: config.presets.map((name) => ({
      preset: name,
      points: [...list.search(presetKeys.get(`0/${name}`) as string).points]
        .sort((a, b) => a.offeredTps - b.offeredTps)
        .map((p) => ({ offeredTps: p.offeredTps, committedTps: p.committedTps, holds: p.holds, busiest: p.busiest })),
    })),
    pbft: pbftKeys.map((p) => row(p.key, p.label)),
    orgs: {
      rateTps: config.orgs.rateTps,
      rows: orgKeys.map((o) => ({ arch: o.arch, orgs: o.orgs, scheme: o.scheme, ...list.fixedRun(o.key) })),
    },
    sensitivity:
      sens === null || sensBase === null
        ? null
        : { ...sortedSensitivity(sens.preset, sensBase, config.tolerance, sensitivityRows), factors: sens.factors },
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
    validTps: point === null ? null : Math.round(point.committedTps),
    // Every peer is alike: which one saturates first is a coin toss, so peers are named as one.
    bottleneck: peerAsOne(bottleneck),
    conflictPct: point === null ? null : Math.round(point.conflictShare * 1000) / 10,
    steadyP99Ms: point === null ? null : Math.round(point.steadyP99LatencyMs * 10) / 10,
    nodes: point?.nodes ?? 0,
    costUsdPerKtps: perKtps(point?.nodeCostUsd ?? 0),
    powerWPerKtps: perKtps(point?.nodePowerW ?? 0),
    mJPerTx: point?.joulesPerCommittedTx == null ? null : Math.round(point.joulesPerCommittedTx * 1e4) / 10,
    runs,
  };
}
