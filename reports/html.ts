/**
 * The HTML report: one self-contained file (inline CSS and SVG, no scripts, no network fetches)
 * that an architect opens in a browser or attaches to a CI run. Charts, all drawn with d3-node:
 * - committed throughput over time, architecture and baseline on the same axes;
 * - end-to-end latency CDF, both on the same axes;
 * - per-engine utilisation over time, the busiest engines of each architecture, side by side with
 *   the same axes;
 * - the phase breakdown (mean per phase, p99 marked) as grouped bars;
 * - with a `bpusim sweep consensus --json` file: tx/s and latency against orderer count;
 * - with a grid sweep's output (`bpusim sweep grid.yaml --out`): committed tx/s and latency against
 *   the grid's first numeric parameter, one curve per combination of the others.
 *
 * Deterministic: the same report gives the same bytes (no timestamps; wall-clock figures appear
 * only in the host section, as the report carries them).
 */
import { ChartCanvas, legendColumnWidth, type Series } from './_charts.js';
import { formatValue, TABLE01_METRICS } from './compare.js';
import type { ArchResult, RunReport } from './run-report.js';
import type { GridSweep, SweepConsensus, SweepInput } from './sweep-consensus.js';

export interface HtmlOptions {
  sweep?: SweepInput;
  /** Shown in the page title; usually the report's file name. */
  source?: string;
  /** Engines per architecture in the utilisation charts (default 6). */
  topEngines?: number;
}

const ROLE_COLOR = { arch: '#2f6db5', baseline: '#d9532c' } as const;
const CHART_W = 640;
const CHART_H = 330;
/** The throughput chart smooths block-by-block commits over this many windows (and shows the raw steps faintly). */
const SMOOTH_WINDOWS = 5;

export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

interface Role {
  role: 'arch' | 'baseline';
  result: ArchResult;
  color: string;
}

function rolesOf(report: RunReport): Role[] {
  const out: Role[] = [{ role: 'arch', result: report.results.arch, color: ROLE_COLOR.arch }];
  if (report.results.baseline !== null)
    out.push({ role: 'baseline', result: report.results.baseline, color: ROLE_COLOR.baseline });
  return out;
}

/** Centred moving mean over `k` windows (shorter at the ends). */
export function movingMean(values: readonly number[], k: number): number[] {
  const half = Math.floor(k / 2);
  return values.map((_, i) => {
    const from = Math.max(0, i - half);
    const to = Math.min(values.length, i + half + 1);
    let sum = 0;
    for (let j = from; j < to; j += 1) sum += values[j] ?? 0;
    return sum / (to - from);
  });
}

/** The engines with the highest mean utilisation over the run, busiest first (ties by name). */
export function topEngineKeys(result: ArchResult, count: number): string[] {
  const mean = (xs: readonly number[]): number => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);
  return Object.entries(result.timeSeries.utilisation)
    .map(([key, values]) => ({ key, m: mean(values) }))
    .filter((e) => e.m > 0)
    .sort((a, b) => b.m - a.m || a.key.localeCompare(b.key))
    .slice(0, count)
    .map((e) => e.key);
}

export function renderHtml(report: RunReport, options: HtmlOptions = {}): string {
  const canvas = new ChartCanvas();
  const roles = rolesOf(report);
  const id = report.identity;
  const topCount = options.topEngines ?? 6;
  const sections: string[] = [];

  // Throughput over time: both architectures on one time axis.
  const tpSeries: Series[] = roles.flatMap(({ result, color }) => {
    const { windowMs, committedPerSec } = result.timeSeries;
    const at = (i: number): number => (i * windowMs) / 1000;
    const raw = committedPerSec.map((v, i) => [at(i), v] as const);
    const smooth = movingMean(committedPerSec, SMOOTH_WINDOWS).map((v, i) => [at(i + 0.5), v] as const);
    return [
      {
        name: `${result.architecture} (per ${windowMs} ms window)`,
        color,
        points: raw,
        faint: true,
        step: true,
        hideInLegend: true,
      },
      { name: `${result.architecture}`, color, points: smooth },
    ];
  });
  const tEnd = Math.max(
    ...roles.map(({ result }) => (result.timeSeries.committedPerSec.length * result.timeSeries.windowMs) / 1000),
    1e-3,
  );
  // Latency CDF on a log axis: the body and the tail (often 10× the median) both stay readable.
  const cdfSeries: Series[] = roles.map(({ result, color }) => ({
    name: result.architecture,
    color,
    points: result.latencyCdf.filter((p) => p.ms > 0).map((p) => [p.ms, p.q] as const),
  }));
  const cdfMs = roles.flatMap(({ result }) => result.latencyCdf.map((p) => p.ms).filter((ms) => ms > 0));
  const cdfDomain = [Math.min(...cdfMs, 1) * 0.9, Math.max(...cdfMs, 2) * 1.1] as const;
  sections.push(
    section(
      'Throughput and latency',
      `Left: VALID commits per second at the notifier peer, in ${roles[0]?.result.timeSeries.windowMs ?? 0} ms windows (faint steps; commits arrive block by block) and their moving mean over ${SMOOTH_WINDOWS} windows (bold). Right: share of transactions committed within a latency, at the client from proposal to commit event (log axis).`,
      [
        canvas.lineChart({
          id: 'throughput',
          title: 'Committed throughput',
          xLabel: 'simulated time (s)',
          yLabel: 'VALID tx/s',
          width: CHART_W,
          height: CHART_H,
          series: tpSeries,
          xDomain: [0, tEnd],
          legend: 'right',
          firstOnTop: true,
        }),
        canvas.lineChart({
          id: 'latency-cdf',
          title: 'End-to-end latency CDF',
          xLabel: 'latency (ms, log scale)',
          yLabel: 'fraction of transactions',
          width: CHART_W,
          height: CHART_H,
          series: cdfSeries,
          xDomain: cdfDomain,
          xLog: true,
          firstOnTop: true,
          yDomain: [0, 1],
          yFormat: '.0%',
          legend: 'bottom-right',
        }),
      ].join('\n'),
    ),
  );

  // Utilisation over time: the busiest engines of each architecture, same axes side by side.
  const palette = canvas.d3.schemeTableau10;
  const utilMax = Math.max(
    1,
    ...roles.flatMap(({ result }) =>
      topEngineKeys(result, topCount).flatMap((k) => result.timeSeries.utilisation[k] ?? []),
    ),
  );
  const legendWidth = legendColumnWidth(roles.flatMap(({ result }) => topEngineKeys(result, topCount)));
  const utilCharts = roles.map(({ role, result }) => {
    const keys = topEngineKeys(result, topCount);
    const series: Series[] = keys.map((key, i) => ({
      name: key,
      color: palette[i % palette.length] ?? '#333',
      step: true,
      points: (result.timeSeries.utilisation[key] ?? []).map(
        (u, w) => [(w * result.timeSeries.windowMs) / 1000, Math.max(0, u)] as const,
      ),
    }));
    return canvas.lineChart({
      id: `utilisation-${role}`,
      title: `${result.architecture}: busiest engines`,
      xLabel: 'simulated time (s)',
      yLabel: 'utilisation',
      width: CHART_W,
      height: CHART_H + 40,
      series,
      xDomain: [0, tEnd],
      yDomain: [0, utilMax],
      yFormat: '.0%',
      legend: 'right',
      legendWidth,
    });
  });
  sections.push(
    section(
      'Engine utilisation over time',
      `The ${topCount} engines with the highest mean utilisation on the notifier peer, proxy and orderer, per window; both panels share their axes.`,
      utilCharts.join('\n'),
    ),
  );

  // Phase breakdown.
  const phases = ['endorse', 'order', 'validate', 'commit', 'network'] as const;
  sections.push(
    section(
      'Where the time goes',
      'Mean time per phase of a transaction (bars) and its p99 (black tick).',
      canvas.barChart({
        id: 'phases',
        title: 'Phase breakdown',
        xLabel: 'ms',
        width: CHART_W,
        categories: [...phases],
        series: roles.map(({ result, color }) => ({
          name: result.architecture,
          color,
          values: phases.map((p) => result.phasesMs[p].meanMs),
          markers: phases.map((p) => result.phasesMs[p].p99Ms),
        })),
        markerLabel: 'p99',
        xFormat: '~g',
      }),
    ),
  );

  // Sweep curves.
  if (options.sweep?.kind === 'consensus') sections.push(sweepSection(canvas, options.sweep.sweep));
  if (options.sweep?.kind === 'grid') sections.push(gridSweepSection(canvas, options.sweep.sweep));

  const title = `bpusim report: ${id.architecture}${id.baseline === null ? '' : ` vs ${id.baseline}`}`;
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // No scripts, no fetches: the page is complete as it stands, and says so to the browser.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    `<title>${escapeHtml(title)}${options.source === undefined ? '' : ` (${escapeHtml(options.source)})`}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    `<h1>${escapeHtml(title)}</h1>`,
    `<p class="identity">${identityLine(report)}</p>`,
    summaryTable(report, roles),
    ...sections,
    hostSection(report),
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function section(heading: string, caption: string, body: string): string {
  return `<section>\n<h2>${escapeHtml(heading)}</h2>\n<p class="caption">${escapeHtml(caption)}</p>\n<div class="charts">\n${body}\n</div>\n</section>`;
}

function identityLine(report: RunReport): string {
  const id = report.identity;
  const parts = [
    `workload <b>${escapeHtml(id.workload)}</b> on topology <b>${escapeHtml(id.topology)}</b>`,
    `${id.offeredTps.toLocaleString('en-US')} TPS offered (${escapeHtml(id.arrival)}) for ${id.durationSeconds} s`,
    `seed ${id.seed}`,
    `crypto <b>${escapeHtml(id.cryptoMode)}</b>${id.cryptoMode === 'modeled' ? ' (signature costs charged, not computed)' : ''}`,
    `bpusim ${escapeHtml(id.version)}`,
  ];
  if (report.seedStatistics !== undefined)
    parts.push(`${report.seedStatistics.arch.seeds.length} seeds (figures below: first seed; means in the table)`);
  return parts.join(' · ');
}

function summaryTable(report: RunReport, roles: Role[]): string {
  const head = `<tr><th>metric</th>${roles.map((r) => `<th><span class="swatch" style="background:${r.color}"></span>${escapeHtml(r.result.architecture)}</th>`).join('')}${roles.length === 2 ? '<th>ratio</th>' : ''}</tr>`;
  const rows: string[] = [];
  for (const m of TABLE01_METRICS) {
    const values = roles.map((r) => m.get(r.result));
    const seedCells = roles.map((r, i) => {
      const s = report.seedStatistics?.[r.role]?.metrics[m.key];
      return s === undefined ? formatValue(values[i] ?? 0, m.format) : formatValue(s.mean, m.format, s.ci95);
    });
    const ratio =
      roles.length === 2 && (values[1] ?? 0) !== 0 ? `×${((values[0] ?? 0) / (values[1] ?? 1)).toPrecision(3)}` : '';
    rows.push(
      `<tr><td>${escapeHtml(m.label)}${m.better === 'higher' ? ' ↑' : ' ↓'}</td>${seedCells.map((c) => `<td class="num">${escapeHtml(c)}</td>`).join('')}${roles.length === 2 ? `<td class="num">${ratio}</td>` : ''}</tr>`,
    );
  }
  rows.push(
    `<tr><td>bottleneck</td>${roles.map((r) => `<td class="num"><code>${escapeHtml(`${r.result.bottleneck.node}.${r.result.bottleneck.engine}`)}</code></td>`).join('')}${roles.length === 2 ? '<td></td>' : ''}</tr>`,
  );
  const codes = [...new Set(roles.flatMap((r) => Object.keys(r.result.validationCodes)))].sort();
  for (const code of codes) {
    rows.push(
      `<tr><td>txs ${escapeHtml(code)}</td>${roles.map((r) => `<td class="num">${(r.result.validationCodes[code] ?? 0).toLocaleString('en-US')}</td>`).join('')}${roles.length === 2 ? '<td></td>' : ''}</tr>`,
    );
  }
  rows.push(
    `<tr><td>state hash</td>${roles.map((r) => `<td class="num"><code>${escapeHtml(r.result.stateHash.slice(0, 16))}</code></td>`).join('')}${roles.length === 2 ? '<td></td>' : ''}</tr>`,
  );
  rows.push(
    `<tr><td>node cost / power</td>${roles.map((r) => `<td class="num">$${r.result.nodeCostUsd.toLocaleString('en-US')} / ${r.result.nodePowerW.toLocaleString('en-US')} W</td>`).join('')}${roles.length === 2 ? '<td></td>' : ''}</tr>`,
  );
  return `<section>\n<h2>Table 01</h2>\n<table class="summary">\n<thead>${head}</thead>\n<tbody>\n${rows.join('\n')}\n</tbody>\n</table>\n</section>`;
}

function sweepSection(canvas: ChartCanvas, sweep: SweepConsensus): string {
  const archs = [...new Set(sweep.rows.map((r) => r.architecture))];
  const palette = [ROLE_COLOR.arch, ROLE_COLOR.baseline, ...canvas.d3.schemeTableau10];
  const orderers = [...new Set(sweep.rows.map((r) => r.orderers))].sort((a, b) => a - b);
  const xDomain = [orderers[0] ?? 1, Math.max(orderers[orderers.length - 1] ?? 2, (orderers[0] ?? 1) + 1)] as const;
  const byArch = (arch: string) =>
    sweep.rows.filter((r) => r.architecture === arch).sort((a, b) => a.orderers - b.orderers);
  const tps: Series[] = archs.map((arch, i) => ({
    name: arch,
    color: palette[i] ?? '#333',
    markers: true,
    points: byArch(arch).map((r) => [r.orderers, r.txPerSec] as const),
  }));
  const latency: Series[] = archs.flatMap((arch, i) => [
    {
      name: `${arch} p50`,
      color: palette[i] ?? '#333',
      markers: true,
      points: byArch(arch).map((r) => [r.orderers, r.latencyMs.p50] as const),
    },
    {
      name: `${arch} p99`,
      color: palette[i] ?? '#333',
      markers: true,
      dashed: true,
      points: byArch(arch).map((r) => [r.orderers, r.latencyMs.p99] as const),
    },
  ]);
  const common = {
    xLabel: 'orderers',
    width: CHART_W,
    height: CHART_H,
    xDomain,
    xTickValues: orderers,
    xLog: true,
    legend: 'right' as const,
    legendWidth: legendColumnWidth(latency.map((s) => s.name)),
  };
  return section(
    `Consensus sweep (${sweep.protocol})`,
    'Ordering throughput and latency as the number of orderers grows (log scale), one curve per architecture, from bpusim sweep consensus.',
    [
      canvas.lineChart({
        id: 'sweep-tps',
        title: `${sweep.protocol}: ordered tx/s`,
        yLabel: 'tx/s',
        series: tps,
        firstOnTop: true,
        ...common,
      }),
      canvas.lineChart({
        id: 'sweep-latency',
        title: `${sweep.protocol}: latency`,
        yLabel: 'ms',
        series: latency,
        ...common,
      }),
    ].join('\n'),
  );
}

/**
 * A grid sweep's curves: x is the first parameter whose values are all numbers (a grid varies rate,
 * lanes, block size…), one curve per combination of the other parameters, in the grid's order.
 */
function gridSweepSection(canvas: ChartCanvas, grid: GridSweep): string {
  const names = Object.keys(grid.points[0]?.params ?? {});
  const xName = names.find((name) => grid.points.every((p) => typeof p.params[name] === 'number'));
  if (xName === undefined) return section('Grid sweep', `${grid.grid}: no numeric parameter to draw against.`, '');
  const others = names.filter((name) => name !== xName);
  const curveOf = (point: GridSweep['points'][number]) =>
    others.length === 0 ? point.architecture : others.map((name) => `${name}=${String(point.params[name])}`).join(', ');
  const curves = [...new Set(grid.points.map(curveOf))];
  const palette = [ROLE_COLOR.arch, ROLE_COLOR.baseline, ...canvas.d3.schemeTableau10];
  const pointsOf = (curve: string) =>
    grid.points.filter((p) => curveOf(p) === curve).sort((a, b) => Number(a.params[xName]) - Number(b.params[xName]));
  const tps: Series[] = curves.map((curve, i) => ({
    name: curve,
    color: palette[i % palette.length] ?? '#333',
    markers: true,
    points: pointsOf(curve).map((p) => [Number(p.params[xName]), p.committedTps] as const),
  }));
  const latency: Series[] = curves.flatMap((curve, i) =>
    (['p50', 'p99'] as const).map((q) => ({
      name: `${curve} ${q}`,
      color: palette[i % palette.length] ?? '#333',
      markers: true,
      dashed: q === 'p99',
      points: pointsOf(curve).map((p) => [Number(p.params[xName]), p.latencyMs[q]] as const),
    })),
  );
  const common = {
    xLabel: xName,
    width: CHART_W,
    height: CHART_H,
    legend: 'right' as const,
    legendWidth: legendColumnWidth(latency.map((s) => s.name)),
  };
  return section(
    'Grid sweep',
    `Committed throughput and latency against ${xName}, one curve per combination of the other parameters, from bpusim sweep ${grid.grid}.`,
    [
      canvas.lineChart({ id: 'grid-tps', title: 'committed tx/s', yLabel: 'tx/s', series: tps, ...common }),
      canvas.lineChart({ id: 'grid-latency', title: 'latency', yLabel: 'ms', series: latency, ...common }),
    ].join('\n'),
  );
}

function hostSection(report: RunReport): string {
  const h = report.host;
  const wall = Object.entries(h.wallSeconds)
    .map(([k, v]) => `${escapeHtml(k)} ${v} s`)
    .join(', ');
  return `<footer>Host (wall clock, not part of the simulated results): ${wall}; node ${escapeHtml(h.node)}, ${h.rssMiB} MiB RSS${h.peakRssMiB === undefined ? '' : ` (peak ${h.peakRssMiB} MiB)`}. Report schema ${escapeHtml(report.schemaVersion)}.</footer>`;
}

const CSS = `
:root { color-scheme: light; }
body { margin: 0; background: #f5f6f8; color: #1d1f23; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; }
main { max-width: 1380px; margin: 0 auto; padding: 20px 24px 40px; }
h1 { font-size: 22px; margin: 4px 0 6px; }
h2 { font-size: 17px; margin: 0 0 4px; }
.identity { color: #444; margin: 0 0 18px; }
section { background: #fff; border: 1px solid #dde0e5; border-radius: 6px; padding: 14px 16px; margin: 0 0 16px; }
.caption { color: #555; margin: 0 0 10px; font-size: 13px; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.charts svg { max-width: 100%; height: auto; border: 1px solid #eceef1; }
table.summary { border-collapse: collapse; font-size: 13px; }
table.summary th, table.summary td { border-bottom: 1px solid #e6e8eb; padding: 4px 14px 4px 6px; text-align: left; }
table.summary td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.summary th { background: #f0f2f5; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
code { font-size: 12px; }
footer { color: #666; font-size: 12px; }
`.trim();
