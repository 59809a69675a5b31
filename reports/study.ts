/**
 * The study's data types and its rendering: one markdown page with its tables and a plain-language
 * reading, and SVG bar charts drawn like the HTML report's. Data in, text out: the same result
 * always renders to the same bytes.
 */
import { ChartCanvas } from './_charts.js';
import { peerAsOne } from './figures.js';

/** One capacity search of the study. */
export interface StudyRow {
  label: string;
  endorsementScheme: string;
  capacityTps: number;
  /** VALID commits per second at capacity (the rest of the load the workload made invalid). */
  validTps: number | null;
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

/** A search's run, as the migration table shows it. */
export interface MigrationPoint {
  offeredTps: number;
  committedTps: number;
  holds: boolean;
  busiest: readonly { engine: string; utilisation: number }[];
}

export interface OrgsRow {
  arch: string;
  orgs: number;
  scheme: string;
  offeredTps: number;
  committedTps: number;
  validateMeanMs: number;
  p50LatencyMs: number;
  bottleneck: string;
  bottleneckUtilisation: number;
}

export interface SensitivityTableRow {
  path: string;
  baseValue: number;
  factor: number;
  capacityTps: number;
  changePct: number;
  bottleneckAtKnee: string;
  onPath: boolean;
}

/**
 * Commits come a block at a time, so a run's window (its last ¾) misreads the rate by up to one
 * block in the blocks it holds; the page says how much, against the hold test's 5 % margin.
 */
function blockRunNote(blocks: number): string {
  const windowBlocks = Math.round(blocks * 0.75);
  const errorPct = 100 / (blocks * 0.75);
  const length = `The rows' runs last ${blocks} blocks, so a measurement window holds about ${windowBlocks}: one block more or less is ±${errorPct.toFixed(errorPct < 3 ? 1 : 0)} %`;
  return errorPct < 5
    ? `${length}, inside the hold test's 5 % margin.`
    : `${length}, more than the hold test's 5 % margin, so with the largest blocks a search may stop a step early even where no engine is saturated (\`bpusim capacity\`'s runs last 60 blocks).`;
}

export interface StudyResult {
  config: {
    quick: boolean;
    cases: readonly { label: string; workload: string; keys: number; warmFrom?: number }[];
    presets: readonly string[];
    remedies: readonly number[];
    tolerance: number;
    startTps: number;
    runLength: { blocks: number; arrivals: number };
    seed: number;
    bpuBase: string;
    cpuBase: string;
    bpuFull: string;
    blockSizes: {
      presets: readonly string[];
      sizes: readonly number[];
      runLength: { blocks: number; arrivals: number };
    };
    orgs: { archs: readonly string[]; counts: readonly number[]; rateTps: number };
    pbftOrderers: number;
    sensitivity: { preset: string; factors: readonly number[]; figures?: readonly string[] } | null;
  };
  presets: { label: string; workload: string; keys: number; rows: StudyRow[] }[];
  ablation: {
    workload: string;
    cpuBase: StudyRow;
    bpuFull: StudyRow;
    added: (StudyRow & { remedy: number })[];
    removed: (StudyRow & { remedy: number })[];
  };
  blockSizes: { preset: string; rows: (StudyRow & { maxMessageCount: number })[] }[];
  migration: { preset: string; points: MigrationPoint[] }[];
  pbft: StudyRow[];
  orgs: { rateTps: number; rows: OrgsRow[] };
  sensitivity: {
    architecture: string;
    baseCapacityTps: number;
    baseBottleneck: string;
    tolerance: number;
    factors: readonly number[];
    rows: readonly SensitivityTableRow[];
  } | null;
}

const fmt = (n: number | null): string => (n === null ? '—' : n.toLocaleString('en-US'));

function presetTable(rows: readonly StudyRow[]): string[] {
  return [
    '| architecture | capacity tx/s | VALID tx/s | saturates first | MVCC conflicts % | steady p99 ms | USD per 1K TPS | W per 1K TPS | mJ per tx | runs |',
    '| :-- | --: | --: | :-- | --: | --: | --: | --: | --: | --: |',
    ...rows.map(
      (r) =>
        `| ${r.label} | ${fmt(r.capacityTps)} | ${fmt(r.validTps)} | ${r.bottleneck} | ${fmt(r.conflictPct)} | ${fmt(r.steadyP99Ms)} | ${fmt(r.costUsdPerKtps)} | ${fmt(r.powerWPerKtps)} | ${fmt(r.mJPerTx)} | ${r.runs} |`,
    ),
  ];
}

const changePct = (row: StudyRow, base: StudyRow): string =>
  base.capacityTps === 0 ? '—' : `${(((row.capacityTps - base.capacityTps) / base.capacityTps) * 100).toFixed(1)}`;

function ablationTable(result: StudyResult): string[] {
  const { ablation } = result;
  const line = (row: StudyRow, base: StudyRow): string =>
    `| ${row.label} | ${fmt(row.capacityTps)} | ${changePct(row, base)} | ${row.bottleneck} | ${row.runs} |`;
  return [
    '| configuration | capacity tx/s | change % | saturates first | runs |',
    '| :-- | --: | --: | :-- | --: |',
    line(ablation.cpuBase, ablation.cpuBase),
    ...ablation.added.map((r) => line(r, ablation.cpuBase)),
    line(ablation.bpuFull, ablation.bpuFull),
    ...ablation.removed.map((r) => line(r, ablation.bpuFull)),
  ];
}

function blockSizeTable(result: StudyResult): string[] {
  return [
    '| architecture | transactions per block | capacity tx/s | saturates first | steady p99 ms | runs |',
    '| :-- | --: | --: | :-- | --: | --: |',
    ...result.blockSizes.flatMap((b) =>
      b.rows.map(
        (r) =>
          `| ${b.preset} | ${fmt(r.maxMessageCount)} | ${fmt(r.capacityTps)} | ${r.bottleneck} | ${fmt(r.steadyP99Ms)} | ${r.runs} |`,
      ),
    ),
  ];
}

const pct = (u: number): string => `${(u * 100).toFixed(0)} %`;

function migrationTable(result: StudyResult): string[] {
  return [
    '| architecture | offered tx/s | committed tx/s | holds | busiest engine | second | third |',
    '| :-- | --: | --: | :-: | :-- | :-- | :-- |',
    ...result.migration.flatMap((m) =>
      m.points.map((p) => {
        const busy = [0, 1, 2].map((i) => {
          const e = p.busiest[i];
          return e === undefined ? '—' : `${e.engine} ${pct(e.utilisation)}`;
        });
        return `| ${m.preset} | ${fmt(p.offeredTps)} | ${fmt(Math.round(p.committedTps))} | ${p.holds ? 'yes' : 'no'} | ${busy.join(' | ')} |`;
      }),
    ),
  ];
}

function pbftTable(result: StudyResult): string[] {
  return [
    '| configuration | capacity tx/s | saturates first | steady p99 ms | runs |',
    '| :-- | --: | :-- | --: | --: |',
    ...result.pbft.map(
      (r) => `| ${r.label} | ${fmt(r.capacityTps)} | ${r.bottleneck} | ${fmt(r.steadyP99Ms)} | ${r.runs} |`,
    ),
  ];
}

function orgsTable(result: StudyResult): string[] {
  return [
    '| architecture | endorsing organisations | endorsement signatures | committed tx/s | validation mean ms | p50 latency ms | busiest engine |',
    '| :-- | --: | :-- | --: | --: | --: | :-- |',
    ...result.orgs.rows.map(
      (r) =>
        `| ${r.arch} | ${r.orgs} | ${r.scheme === 'bls' ? 'BLS (aggregated)' : 'P-256 (one each)'} | ${fmt(Math.round(r.committedTps))} | ${r.validateMeanMs.toFixed(2)} | ${r.p50LatencyMs.toFixed(1)} | ${r.bottleneck} ${pct(r.bottleneckUtilisation)} |`,
    ),
  ];
}

/** Rows that moved the capacity, largest first (at most `top`), then how many did not. */
function sensitivityTable(result: StudyResult, top: number): string[] {
  const sens = result.sensitivity;
  if (sens === null) return [];
  const moved = sens.rows.filter((r) => r.changePct !== 0);
  const offPath = new Set(sens.rows.filter((r) => !r.onPath).map((r) => r.path));
  const paths = new Set(sens.rows.map((r) => r.path));
  return [
    '| assumed figure | value | × | capacity tx/s | change % | saturates first |',
    '| :-- | --: | --: | --: | --: | :-- |',
    ...moved
      .slice(0, top)
      .map(
        (r) =>
          `| \`${r.path}\` | ${fmt(r.baseValue)} | ${r.factor} | ${fmt(r.capacityTps)} | ${r.changePct.toFixed(1)} | ${peerAsOne(r.bottleneckAtKnee)} |`,
      ),
    '',
    `${fmt(paths.size)} assumed figures, each × ${sens.factors.join(' and × ')}: ${fmt(moved.length)} of the ${fmt(sens.rows.length)} variants moved the capacity (${moved.length > top ? `the ${top} largest shown` : 'all shown'}); ${fmt(offPath.size)} figures are off this workload's path (their runs are identical to the base's); the rest moved it less than the search resolves.`,
  ];
}

/** A row's remedy, from its label (`<base> + 3. serialisation engine`). */
function remedyOf(row: StudyRow): string {
  return row.label.replace(/^.*? [+−±] /, '');
}

const ratio = (a: number, b: number): string => (a / Math.max(1, b)).toFixed(2);

/** What the figures say, in sentences built from them (no figure is written by hand). */
function reading(result: StudyResult): string[] {
  const lines: string[] = [];
  const cpuName = result.config.cpuBase;
  for (const p of result.presets) {
    const byName = new Map(p.rows.map((r) => [r.label, r]));
    const cpu = byName.get(cpuName);
    const b19 = byName.get('bpu-2019');
    const b1m = byName.get(result.config.bpuFull);
    if (cpu === undefined) continue;
    const parts = [`${cpuName} ${fmt(cpu.capacityTps)}`];
    if (b19 !== undefined) parts.push(`bpu-2019 ${fmt(b19.capacityTps)} (${ratio(b19.capacityTps, cpu.capacityTps)}×)`);
    if (b1m !== undefined && b1m !== b19)
      parts.push(`${b1m.label} ${fmt(b1m.capacityTps)} (${ratio(b1m.capacityTps, cpu.capacityTps)}×)`);
    const invalid = p.rows.filter((r) => r.validTps !== null && r.validTps < 0.95 * r.capacityTps);
    lines.push(
      `- ${p.label}: ${parts.join(', ')} tx/s.${invalid.length === 0 ? '' : ` Of that load the VALID part is ${invalid.map((r) => `${fmt(r.validTps)} on ${r.label}`).join(', ')}: the rest is the workload's own conflicts, which no engine removes.`}`,
    );
  }
  const { added, removed, cpuBase, bpuFull } = result.ablation;
  const moved = (rows: readonly StudyRow[], base: StudyRow, threshold: number) =>
    rows.filter((r) => Math.abs(r.capacityTps - base.capacityTps) > threshold * base.capacityTps);
  const tol = result.config.tolerance;
  const addMoved = moved(added, cpuBase, tol);
  lines.push(
    addMoved.length === 0
      ? `- No remedy added alone to ${cpuBase.label} moves its capacity beyond the search's ${tol * 100} % tolerance: ${cpuBase.bottleneck} caps it whatever the engines.`
      : `- Added alone to ${cpuBase.label} (${fmt(cpuBase.capacityTps)} tx/s), these — ${addMoved.map((r) => `${remedyOf(r)}: ${fmt(r.capacityTps)} tx/s`).join('; ')} — move its capacity beyond the ${tol * 100} % tolerance; the others do not (${cpuBase.bottleneck} still caps it).`,
  );
  const removeMoved = moved(removed, bpuFull, tol);
  lines.push(
    removeMoved.length === 0
      ? `- No remedy removed alone from ${bpuFull.label} moves its capacity beyond the tolerance.`
      : `- Taken alone out of ${bpuFull.label} (${fmt(bpuFull.capacityTps)} tx/s), these — ${removeMoved.map((r) => `${remedyOf(r)}: ${fmt(r.capacityTps)} tx/s, ${r.bottleneck} first`).join('; ')} — move its capacity beyond the tolerance: the design leans on those.`,
  );
  for (const b of result.blockSizes) {
    const sizes = b.rows.map((r) => `${fmt(r.capacityTps)} with ${fmt(r.maxMessageCount)}`).join(', ');
    lines.push(`- Block size, ${b.preset}: ${sizes} transactions per block (tx/s).`);
  }
  if (result.pbft.length === 4) {
    const [cpu, cpuBft, bpu, bpuNoBft] = result.pbft as [StudyRow, StudyRow, StudyRow, StudyRow];
    lines.push(
      `- With a ${result.config.pbftOrderers}-orderer PBFT cluster, the hardware BFT orderer (remedy 7) takes ${cpu.label} from ${fmt(cpu.capacityTps)} to ${fmt(cpuBft.capacityTps)} tx/s; without it ${bpu.label.replace(', PBFT', '')} goes from ${fmt(bpu.capacityTps)} to ${fmt(bpuNoBft.capacityTps)} tx/s (${bpuNoBft.bottleneck} first).`,
    );
  }
  const orgs = result.orgs.rows;
  const most = Math.max(...orgs.map((r) => r.orgs));
  for (const arch of [...new Set(orgs.map((r) => r.arch))]) {
    const at = (scheme: string) => orgs.find((r) => r.arch === arch && r.orgs === most && r.scheme === scheme);
    const p256 = at('p256');
    const bls = at('bls');
    if (p256 !== undefined && bls !== undefined)
      lines.push(
        `- ${most} endorsing organisations on ${arch} at ${fmt(result.orgs.rateTps)} tx/s offered: P-256 endorsements commit ${fmt(Math.round(p256.committedTps))} tx/s (validation ${p256.validateMeanMs.toFixed(2)} ms per block), one aggregated BLS signature ${fmt(Math.round(bls.committedTps))} tx/s (${bls.validateMeanMs.toFixed(2)} ms).`,
      );
  }
  const sens = result.sensitivity;
  const first = sens?.rows[0];
  if (sens !== null && first !== undefined)
    lines.push(
      `- The assumed figure that moves ${sens.architecture}'s capacity most: \`${first.path}\` × ${first.factor} → ${fmt(first.capacityTps)} tx/s (${first.changePct.toFixed(1)} % from ${fmt(sens.baseCapacityTps)}); the table below ranks the rest.`,
    );
  return lines;
}

const CAVEATS = [
  'What the simulation cannot say: engine counts, the cards’ clocks and per-operation times that no source gives, every cost, power and energy figure, and the 1M design’s parallel, pipelined committer are assumed (each preset field says which; `docs/sources.md` lists them; the sensitivity table shows which of them decide the answer). The capacities are what those inputs imply on a Fabric-structured ledger (4 organisations, 2-of-4 endorsement, solo ordering unless a table says PBFT); they are not measurements of hardware.',
];

export function studyMarkdown(result: StudyResult): string {
  const c = result.config;
  const lines = [
    `# bpusim study${c.quick ? ' (quick: the reduced version CI regenerates)' : ''}: does the BPU answer the paper's claims?`,
    '',
    `Generated by \`bpusim study${c.quick ? ' --quick' : ''}\`; deterministic (seed ${c.seed}, whatever the worker count). Every capacity is the highest offered rate of which ≥ 95 % is validated and committed — VALID, or invalid by the workload's own contention (MVCC conflicts, chaincode refusals), counted apart in the VALID column — found by doubling from ${fmt(c.startTps)} tx/s (or stepping from a neighbouring case's capacity) then bisecting to within ${c.tolerance * 100} %, each run at least ${c.runLength.blocks} blocks' and ${fmt(c.runLength.arrivals)} arrivals' worth long; modeled signatures; the \`dc\` topology (4 organisations, 2-of-4 endorsement, solo ordering, 500-transaction blocks, the proxy admitting 500 transactions per peer's gateway, 2,500 on bpu-1m). Cost, power and energy are per 1,000 TPS of capacity over the run's ${result.presets[0]?.rows[0]?.nodes ?? 0} nodes, and per VALID transaction at capacity, from the presets' assumed figures.`,
    '',
    '## What it says',
    '',
    ...reading(result),
    '',
    ...CAVEATS.flatMap((text) => [text, '']),
    ...result.presets.flatMap((p) => [`## Capacity of each preset: ${p.label}`, '', ...presetTable(p.rows), '']),
    'Chart: [presets.svg](presets.svg).',
    '',
    `## The seven remedies, one at a time (${result.ablation.workload})`,
    '',
    `Added alone to \`${c.cpuBase}\` (Fabric's serial committer kept), and removed alone from \`${c.bpuFull}\` (its parallel, pipelined committer kept). A removed card engine's work falls to the BPU's host cores. The preset endorses with P-256 (it is sized for that: its BLS engines are few), so remedy 2's row swaps in BLS endorsements instead of removing them. With solo ordering remedy 7 has nothing to do; its own table below runs PBFT. Chart: [ablation.svg](ablation.svg).`,
    '',
    ...ablationTable(result),
    '',
    `## Block size (${result.ablation.workload})`,
    '',
    `Transactions per block (the orderer’s \`maxMessageCount\`), other batch settings as the \`dc\` topology. A block of N transactions is cut only when N are ordered (or at the 200 ms timeout), so N must be admitted at once: where N reaches the proxy’s admission limit (500 per peer’s gateway, 2,000 on these 4 peers; 10,000 on bpu-1m) the gateway refuses arrivals while a block fills and the figure is the limit’s, not the hardware’s — a deployment with large blocks raises \`platform.gatewayConcurrencyLimit\`. ${blockRunNote(c.blockSizes.runLength.blocks)}`,
    '',
    ...blockSizeTable(result),
    '',
    `## Bottleneck migration as the offered load rises (${result.ablation.workload})`,
    '',
    'Every run of each preset’s capacity search, by offered rate, with its three busiest engines (utilisation over the run; peers named as one).',
    '',
    ...migrationTable(result),
    '',
    ...(result.pbft.length === 0
      ? []
      : [
          `## Remedy 7 under PBFT ordering (${c.pbftOrderers} orderers, ${result.ablation.workload})`,
          '',
          ...pbftTable(result),
          '',
        ]),
    `## Endorsing organisations: P-256 against BLS at ${fmt(result.orgs.rateTps)} tx/s offered (${result.ablation.workload})`,
    '',
    'Every organisation endorses (an AND policy over all of them); P-256 puts one signature per organisation in each transaction, BLS one aggregate. Chart: [orgs.svg](orgs.svg).',
    '',
    ...orgsTable(result),
    '',
    ...(result.sensitivity === null
      ? []
      : [
          `## Sensitivity of ${result.sensitivity.architecture}'s capacity to its assumed figures (${result.ablation.workload})`,
          '',
          `Base: ${fmt(result.sensitivity.baseCapacityTps)} tx/s, ${peerAsOne(result.sensitivity.baseBottleneck)} first. Each figure its preset calls assumed, scaled alone; the capacity searched again from the base.`,
          '',
          ...sensitivityTable(result, 15),
          '',
        ]),
  ];
  return `${lines.join('\n')}`;
}

/** The study's charts by file name. */
export function studyCharts(result: StudyResult): Record<string, string> {
  const canvas = new ChartCanvas();
  const { ablation } = result;
  const rows = [ablation.cpuBase, ...ablation.added, ablation.bpuFull, ...ablation.removed];
  const colors = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728'];
  const ablationSvg = canvas.barChart({
    id: 'study-ablation',
    title: `Capacity with each remedy added to ${result.config.cpuBase} or removed from ${result.config.bpuFull} (${ablation.workload})`,
    xLabel: 'capacity (tx/s)',
    width: 900,
    categories: rows.map((r) => r.label),
    series: [{ name: 'capacity', color: colors[0] as string, values: rows.map((r) => r.capacityTps) }],
    xFormat: '~s',
  });
  const presetsSvg = canvas.barChart({
    id: 'study-presets',
    title: 'Capacity of each preset',
    xLabel: 'capacity (tx/s)',
    width: 900,
    categories: result.presets[0]?.rows.map((r) => r.label) ?? [],
    series: result.presets.map((p, i) => ({
      name: p.label,
      color: colors[i % colors.length] as string,
      values: p.rows.map((r) => r.capacityTps),
    })),
    xFormat: '~s',
  });
  const orgRows = result.orgs.rows.filter((r) => r.scheme === 'p256');
  const orgsSvg = canvas.barChart({
    id: 'study-orgs',
    title: `Committed tx/s at ${fmt(result.orgs.rateTps)} offered as endorsing organisations grow`,
    xLabel: 'committed (tx/s)',
    width: 900,
    categories: orgRows.map((r) => `${r.arch}, ${r.orgs} organisations`),
    series: (['p256', 'bls'] as const).map((scheme, i) => ({
      name: scheme === 'p256' ? 'P-256' : 'BLS',
      color: colors[i] as string,
      values: orgRows.map(
        (o) =>
          result.orgs.rows.find((r) => r.arch === o.arch && r.orgs === o.orgs && r.scheme === scheme)?.committedTps ??
          0,
      ),
    })),
    xFormat: '~s',
  });
  return { 'ablation.svg': `${ablationSvg}\n`, 'orgs.svg': `${orgsSvg}\n`, 'presets.svg': `${presetsSvg}\n` };
}
