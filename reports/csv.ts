/**
 * CSV export of a run report (RFC 4180: comma-separated, CRLF-free "\n" lines, fields quoted when
 * they hold a comma, quote or newline). Two tables:
 * - `summary.csv`: one row per architecture (role arch, then baseline) with the Table 01 metrics,
 *   the bottleneck, and one `validation.<CODE>` column per code seen in either architecture;
 *   with seed statistics, `<metric>_mean` and `<metric>_ci95` columns follow.
 * - `utilisation.csv`: long format, one row per (architecture, window, engine): the window's start
 *   time in ms of simulated time, the node, the engine and its utilisation in that window.
 */
import { TABLE01_METRICS } from './compare.js';
import type { ArchResult, RunReport } from './run-report.js';

export function csvField(value: string | number | boolean | null): string {
  if (value === null) return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function csv(rows: (string | number | boolean | null)[][]): string {
  return `${rows.map((row) => row.map(csvField).join(',')).join('\n')}\n`;
}

function roles(report: RunReport): { role: 'arch' | 'baseline'; result: ArchResult }[] {
  const out: { role: 'arch' | 'baseline'; result: ArchResult }[] = [{ role: 'arch', result: report.results.arch }];
  if (report.results.baseline !== null) out.push({ role: 'baseline', result: report.results.baseline });
  return out;
}

export function summaryCsv(report: RunReport): string {
  const archs = roles(report);
  const codes = [...new Set(archs.flatMap((a) => Object.keys(a.result.validationCodes)))].sort();
  const seedKeys =
    report.seedStatistics === undefined
      ? []
      : [...new Set(archs.flatMap((a) => Object.keys(report.seedStatistics?.[a.role]?.metrics ?? {})))].sort();
  const header = [
    'role',
    'architecture',
    'seed',
    'cryptoMode',
    'offeredTps',
    'submittedTxs',
    'committedTxs',
    ...TABLE01_METRICS.map((m) => m.key),
    'latencyMeanMs',
    'bottleneckNode',
    'bottleneckEngine',
    'unfinishedTxs',
    'blocks',
    'meanBlockTxs',
    ...codes.map((c) => `validation.${c}`),
    'stateHash',
    'blockHash',
    ...seedKeys.flatMap((k) => [`${k}_mean`, `${k}_ci95`]),
  ];
  const rows = archs.map(({ role, result: r }) => {
    const seeds = report.seedStatistics?.[role]?.metrics;
    return [
      role,
      r.architecture,
      report.identity.seed,
      report.identity.cryptoMode,
      r.offeredTps,
      r.submittedTxs,
      r.committedTxs,
      ...TABLE01_METRICS.map((m) => m.get(r)),
      r.latencyMs.mean,
      r.bottleneck.node,
      r.bottleneck.engine,
      r.unfinishedTxs,
      r.blocks,
      r.meanBlockTxs,
      ...codes.map((c) => r.validationCodes[c] ?? 0),
      r.stateHash,
      r.blockHash,
      ...seedKeys.flatMap((k) => [seeds?.[k]?.mean ?? null, seeds?.[k]?.ci95 ?? null]),
    ];
  });
  return csv([header, ...rows]);
}

/**
 * Splits a time-series key `node.engine` at the node named in the engine list (node names hold
 * dots, e.g. `peer0.Org1MSP`); a key that matches no listed engine keeps an empty node.
 */
export function splitSeriesKey(key: string, result: ArchResult): { node: string; engine: string } {
  let best: { node: string; engine: string } | null = null;
  for (const e of result.engines) {
    if (key === `${e.node}.${e.engine}` && (best === null || e.node.length > best.node.length))
      best = { node: e.node, engine: e.engine };
  }
  if (best !== null) return best;
  for (const e of result.engines) {
    if (key.startsWith(`${e.node}.`) && (best === null || e.node.length > best.node.length))
      best = { node: e.node, engine: key.slice(e.node.length + 1) };
  }
  return best ?? { node: '', engine: key };
}

export function utilisationCsv(report: RunReport): string {
  const rows: (string | number)[][] = [['role', 'architecture', 'timeMs', 'node', 'engine', 'utilisation']];
  for (const { role, result } of roles(report)) {
    const { windowMs, utilisation } = result.timeSeries;
    for (const key of Object.keys(utilisation).sort()) {
      const { node, engine } = splitSeriesKey(key, result);
      const values = utilisation[key] ?? [];
      values.forEach((u, i) =>
        rows.push([role, result.architecture, Number((i * windowMs).toPrecision(12)), node, engine, u]),
      );
    }
  }
  return csv(rows);
}
