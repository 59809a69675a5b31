/**
 * The study's data types and its rendering: one markdown page with its tables and a plain-language
 * reading, and SVG bar charts drawn like the HTML report's. Data in, text out: the same result
 * always renders to the same bytes.
 */
import { ChartCanvas } from './_charts.js';

/** One capacity search of the study. */
export interface StudyRow {
  label: string;
  endorsementScheme: string;
  capacityTps: number;
  /** Engine saturated at the knee (`peer.` for any peer: they are alike). */
  bottleneck: string;
  conflictPct: number | null;
  steadyP99Ms: number | null;
  nodes: number;
  /** The nodes' cost and nameplate power per 1,000 TPS of capacity (assumed figures of the presets). */
  costUsdPerKtps: number | null;
  powerWPerKtps: number | null;
  /** Energy per VALID commit at capacity, millijoules (assumed figures of the presets). */
  mJPerTx: number | null;
  runs: number;
}

export interface StudyResult {
  config: {
    quick: boolean;
    keys: number;
    workloads: readonly string[];
    presets: readonly string[];
    remedies: readonly number[];
    tolerance: number;
    startTps: number;
    runLength: { blocks: number; arrivals: number };
    seed: number;
    bpuBase: string;
    cpuBase: string;
    bpuFull: string;
  };
  presets: { workload: string; rows: StudyRow[] }[];
  ablation: {
    workload: string;
    cpuBase: StudyRow;
    bpuFull: StudyRow;
    added: (StudyRow & { remedy: number })[];
    removed: (StudyRow & { remedy: number })[];
  };
}

const fmt = (n: number | null): string => (n === null ? '—' : n.toLocaleString('en-US'));

function presetTable(rows: readonly StudyRow[]): string[] {
  return [
    '| architecture | capacity tx/s | saturates first | MVCC conflicts % | steady p99 ms | USD per 1K TPS | W per 1K TPS | mJ per tx | runs |',
    '| :-- | --: | :-- | --: | --: | --: | --: | --: | --: |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${fmt(r.capacityTps)} | ${r.bottleneck} | ${fmt(r.conflictPct)} | ${fmt(r.steadyP99Ms)} | ${fmt(r.costUsdPerKtps)} | ${fmt(r.powerWPerKtps)} | ${fmt(r.mJPerTx)} | ${r.runs} |`,
    ),
  ];
}

function ablationTable(result: StudyResult): string[] {
  const { ablation } = result;
  const change = (row: StudyRow, base: StudyRow): string =>
    base.capacityTps === 0 ? '—' : `${(((row.capacityTps - base.capacityTps) / base.capacityTps) * 100).toFixed(1)}`;
  const line = (row: StudyRow, base: StudyRow): string =>
    `| ${row.label} | ${fmt(row.capacityTps)} | ${change(row, base)} | ${row.bottleneck} | ${row.runs} |`;
  return [
    '| configuration | capacity tx/s | change % | saturates first | runs |',
    '| :-- | --: | --: | :-- | --: |',
    line(ablation.cpuBase, ablation.cpuBase),
    ...ablation.added.map((r) => line(r, ablation.cpuBase)),
    line(ablation.bpuFull, ablation.bpuFull),
    ...ablation.removed.map((r) => line(r, ablation.bpuFull)),
  ];
}

/** A row's remedy, from its label (`<base> + 3. serialisation engine`). */
function remedyOf(row: StudyRow): string {
  return row.label.replace(/^.*? [+−±] /, '');
}

/** What the figures say, in sentences built from them (no figure is written by hand). */
function reading(result: StudyResult): string[] {
  const smallbank = result.presets[0]?.rows ?? [];
  const byName = new Map(smallbank.map((r) => [r.label, r]));
  const lines: string[] = [];
  const bpu2019 = byName.get('bpu-2019');
  const cpu = byName.get(result.config.cpuBase);
  if (bpu2019 !== undefined && cpu !== undefined)
    lines.push(
      `- The paper's 2019 BPU sustains ${fmt(bpu2019.capacityTps)} tx/s here (the claim: 100,000), ${(bpu2019.capacityTps / Math.max(1, cpu.capacityTps)).toFixed(2)}× the modern 64-core CPU server's ${fmt(cpu.capacityTps)}; both saturate first at ${bpu2019.bottleneck === cpu.bottleneck ? `the same place, ${cpu.bottleneck}` : `${bpu2019.bottleneck} and ${cpu.bottleneck}`}.`,
    );
  const bpu1m = byName.get(result.config.bpuFull);
  if (bpu1m !== undefined)
    lines.push(
      `- The 1M-TPS proposal sustains ${fmt(bpu1m.capacityTps)} tx/s (the goal: 1,000,000), saturating first at ${bpu1m.bottleneck}.`,
    );
  const { added, removed, cpuBase, bpuFull } = result.ablation;
  const moved = (rows: readonly StudyRow[], base: StudyRow, threshold: number) =>
    rows.filter((r) => Math.abs(r.capacityTps - base.capacityTps) > threshold * base.capacityTps);
  const addMoved = moved(added, cpuBase, result.config.tolerance);
  lines.push(
    addMoved.length === 0
      ? `- No remedy added alone to ${cpuBase.label} moves its capacity beyond the search's ${result.config.tolerance * 100} % tolerance: ${cpuBase.bottleneck} caps it whatever the engines.`
      : `- Added alone to ${cpuBase.label} (${fmt(cpuBase.capacityTps)} tx/s), these — ${addMoved.map((r) => `${remedyOf(r)}: ${fmt(r.capacityTps)} tx/s`).join('; ')} — move its capacity beyond the ${result.config.tolerance * 100} % tolerance; the others do not.`,
  );
  const removeMoved = moved(removed, bpuFull, result.config.tolerance);
  lines.push(
    removeMoved.length === 0
      ? `- No remedy removed alone from ${bpuFull.label} moves its capacity beyond the tolerance.`
      : `- Taken alone out of ${bpuFull.label} (${fmt(bpuFull.capacityTps)} tx/s), these — ${removeMoved.map((r) => `${remedyOf(r)}: ${fmt(r.capacityTps)} tx/s, ${r.bottleneck} first`).join('; ')} — move its capacity beyond the tolerance: the design leans on those.`,
  );
  return lines;
}

const CAVEATS = [
  'What the simulation cannot say: engine counts, the cards’ clocks and per-operation times that no source gives, every cost, power and energy figure, and the 1M design’s parallel, pipelined committer are assumed (each preset field says which; `docs/sources.md` lists them). The capacities are what those inputs imply on a Fabric-structured ledger with solo ordering, 4 organisations and 2-of-4 endorsement; they are not measurements of hardware.',
  'Remedy 7 (a hardware BFT orderer) shows nothing with solo ordering: the study does not yet run Raft or PBFT clusters, block size as a dimension, the bottleneck migration with load, 2 → 16 endorsing organisations, a contended workload (its conflicts fail the 95 % VALID bar at any load) or the sensitivity of these figures (`bpusim sensitivity` gives it per preset).',
];

export function studyMarkdown(result: StudyResult): string {
  const c = result.config;
  const lines = [
    `# bpusim study${c.quick ? ' (quick: the reduced version CI regenerates)' : ''}: does the BPU answer the paper's claims?`,
    '',
    `Generated by \`bpusim study${c.quick ? ' --quick' : ''}\`; deterministic (seed ${c.seed}). Every capacity is the highest offered rate of which ≥ 95 % commits VALID, found by doubling from ${fmt(c.startTps)} tx/s then bisecting to within ${c.tolerance * 100} %, each run at least ${c.runLength.blocks} blocks' and ${fmt(c.runLength.arrivals)} arrivals' worth long; modeled signatures; the \`dc\` topology (4 organisations, 2-of-4 endorsement, solo ordering, 500-transaction blocks); ${fmt(c.keys)} keys (SmallBank accounts, or key-value records). Cost, power and energy are per 1,000 TPS of capacity over the run's ${result.presets[0]?.rows[0]?.nodes ?? 0} nodes, and per VALID transaction at capacity, from the presets' assumed figures.`,
    '',
    '## What it says',
    '',
    ...reading(result),
    '',
    ...CAVEATS.flatMap((text) => [text, '']),
    ...result.presets.flatMap((p) => [`## Capacity of each preset: ${p.workload}`, '', ...presetTable(p.rows), '']),
    'Chart: [presets.svg](presets.svg).',
    '',
    `## The seven remedies, one at a time (${result.ablation.workload})`,
    '',
    `Added alone to \`${c.cpuBase}\` (Fabric's serial committer kept), and removed alone from \`${c.bpuFull}\` (its parallel, pipelined committer kept). A removed card engine's work falls to the BPU's host cores. The preset endorses with P-256 (it is sized for that: its BLS engines are few), so remedy 2's row swaps in BLS endorsements instead of removing them. Chart: [ablation.svg](ablation.svg).`,
    '',
    ...ablationTable(result),
    '',
  ];
  return `${lines.join('\n')}`;
}

/** The study's charts by file name. */
export function studyCharts(result: StudyResult): Record<string, string> {
  const canvas = new ChartCanvas();
  const { ablation } = result;
  const rows = [ablation.cpuBase, ...ablation.added, ablation.bpuFull, ...ablation.removed];
  const ablationSvg = canvas.barChart({
    id: 'study-ablation',
    title: `Capacity with each remedy added to ${result.config.cpuBase} or removed from ${result.config.bpuFull} (${ablation.workload})`,
    xLabel: 'capacity (tx/s)',
    width: 900,
    categories: rows.map((r) => r.label),
    series: [{ name: 'capacity', color: '#1f77b4', values: rows.map((r) => r.capacityTps) }],
    xFormat: '~s',
  });
  const presetsSvg = canvas.barChart({
    id: 'study-presets',
    title: 'Capacity of each preset',
    xLabel: 'capacity (tx/s)',
    width: 900,
    categories: result.presets[0]?.rows.map((r) => r.label) ?? [],
    series: result.presets.map((p, i) => ({
      name: p.workload,
      color: ['#1f77b4', '#ff7f0e', '#2ca02c'][i % 3] as string,
      values: p.rows.map((r) => r.capacityTps),
    })),
    xFormat: '~s',
  });
  return { 'ablation.svg': `${ablationSvg}\n`, 'presets.svg': `${presetsSvg}\n` };
}
