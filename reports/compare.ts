/**
 * Compares two run reports metric by metric for CI: every Table 01 figure of each architecture
 * (by role: `arch`, then `baseline`), its change, and whether the change is a regression beyond a
 * threshold. Direction-aware: throughput falling is worse, latency or utilisation rising is worse.
 *
 * Noise: when both reports carry `seedStatistics` (`bpusim run --seeds N`), a metric compares the
 * means, and a change whose size is inside the 95 % confidence interval of the difference
 * (half-width √(ci_base² + ci_new²), the usual bound for two independent means) is "within noise"
 * and never fails the comparison. Metrics without seed statistics (the validation-code counts)
 * compare the first seed's results, as single-seed reports do.
 *
 * Pure: reports in, rows and markdown out; the CLI reads files and sets the exit code.
 */
import type { ArchResult, RunReport, SeedMetric } from './run-report.js';

export type Better = 'higher' | 'lower';
type Format = 'rate' | 'ms' | 'ratio' | 'count';

export interface MetricDef {
  /** Stable key; the same names as the seed statistics use, so the two line up. */
  key: string;
  label: string;
  better: Better;
  format: Format;
  get: (r: ArchResult) => number;
}

/** The paper's Table 01 figures per architecture, in table order. Validation codes follow, one row per code. */
export const TABLE01_METRICS: readonly MetricDef[] = [
  { key: 'committedTps', label: 'committed TPS', better: 'higher', format: 'rate', get: (r) => r.committedTps },
  {
    key: 'contractExecutionsPerSec',
    label: 'contract executions/s (endorsements)',
    better: 'higher',
    format: 'rate',
    get: (r) => r.contractExecutionsPerSec,
  },
  {
    key: 'parallelContractExecutionsPerSec',
    label: 'parallel executions/s (0 unless ≥ 2 contracts run)',
    better: 'higher',
    format: 'rate',
    get: (r) => r.parallelContractExecutionsPerSec,
  },
  { key: 'latencyP50Ms', label: 'latency p50 (ms)', better: 'lower', format: 'ms', get: (r) => r.latencyMs.p50 },
  { key: 'latencyP95Ms', label: 'latency p95 (ms)', better: 'lower', format: 'ms', get: (r) => r.latencyMs.p95 },
  { key: 'latencyP99Ms', label: 'latency p99 (ms)', better: 'lower', format: 'ms', get: (r) => r.latencyMs.p99 },
  { key: 'latencyMaxMs', label: 'latency max (ms)', better: 'lower', format: 'ms', get: (r) => r.latencyMs.max },
  // At the same offered load, a busier bottleneck means less headroom: lower is better.
  {
    key: 'bottleneckUtilisation',
    label: 'bottleneck utilisation',
    better: 'lower',
    format: 'ratio',
    get: (r) => r.bottleneck.utilisation,
  },
];

/** VALID commits are good news; every other validation code counts a failed transaction. */
export function validationCodeBetter(code: string): Better {
  return code === 'VALID' ? 'higher' : 'lower';
}

export type Status =
  | 'unchanged'
  | 'improved'
  | 'worse'
  | 'regression'
  | 'within noise'
  | 'changed'
  | 'only in base'
  | 'only in new';

export interface CompareRow {
  role: string;
  key: string;
  label: string;
  better: Better | null;
  format: Format | 'text';
  base: number | string | null;
  next: number | string | null;
  /** 95 % CI half-widths when the value is a multi-seed mean. */
  baseCi95?: number;
  nextCi95?: number;
  /** (new − base) / |base| × 100; ±Infinity when base is 0 and new is not; null for text rows. */
  changePct: number | null;
  status: Status;
}

export interface CompareOptions {
  /** Largest tolerated change in the worse direction, in percent. */
  maxRegressionPct: number;
  baseName: string;
  nextName: string;
}

export interface CompareResult {
  rows: CompareRow[];
  regressions: CompareRow[];
  /** Everything outside `host` is the same: the simulated results are identical. */
  identical: boolean;
  /** Both reports carry seed statistics for at least one role. */
  multiSeed: boolean;
  notes: string[];
  markdown: string;
}

/** Rounding noise in the last printed digit of a report must not flip a threshold check. */
const RELATIVE_EPSILON = 1e-9;

export function compareReports(base: RunReport, next: RunReport, options: CompareOptions): CompareResult {
  const identical = stableStringify(withoutHost(base)) === stableStringify(withoutHost(next));
  const notes: string[] = [];
  const identityDiffs = Object.keys({ ...base.identity, ...next.identity })
    .filter(
      (k) =>
        stableStringify((base.identity as unknown as Record<string, unknown>)[k]) !==
        stableStringify((next.identity as unknown as Record<string, unknown>)[k]),
    )
    .map(
      (k) =>
        `${k} ${String((base.identity as unknown as Record<string, unknown>)[k])} → ${String((next.identity as unknown as Record<string, unknown>)[k])}`,
    );
  if (identityDiffs.length > 0) notes.push(`The runs differ in identity: ${identityDiffs.join(', ')}.`);

  const rows: CompareRow[] = [];
  let multiSeed = false;
  for (const role of ['arch', 'baseline'] as const) {
    const b = base.results[role];
    const n = next.results[role];
    if (b === null && n === null) continue;
    if (b === null || n === null) {
      const present = (b ?? n) as ArchResult;
      rows.push({
        role,
        key: 'architecture',
        label: 'architecture',
        better: null,
        format: 'text',
        base: b?.architecture ?? null,
        next: n?.architecture ?? null,
        changePct: null,
        status: b === null ? 'only in new' : 'only in base',
      });
      notes.push(
        `Role ${role} (${present.architecture}) is only in ${b === null ? options.nextName : options.baseName}; its metrics are not compared.`,
      );
      continue;
    }
    const bSeeds = base.seedStatistics?.[role]?.metrics;
    const nSeeds = next.seedStatistics?.[role]?.metrics;
    if (bSeeds !== undefined && nSeeds !== undefined) multiSeed = true;
    else if (bSeeds !== undefined || nSeeds !== undefined) {
      notes.push(
        `Only ${bSeeds !== undefined ? options.baseName : options.nextName} has seed statistics for ${role}; comparing first-seed results without noise bounds.`,
      );
    }
    if (b.architecture !== n.architecture) {
      rows.push({
        role,
        key: 'architecture',
        label: 'architecture',
        better: null,
        format: 'text',
        base: b.architecture,
        next: n.architecture,
        changePct: null,
        status: 'changed',
      });
    }
    for (const metric of TABLE01_METRICS) {
      const bm = bSeeds?.[metric.key];
      const nm = nSeeds?.[metric.key];
      if (bm !== undefined && nm !== undefined && bSeeds !== undefined && nSeeds !== undefined)
        rows.push(numericRow(role, metric.key, metric.label, metric.better, metric.format, bm, nm, options));
      else
        rows.push(
          numericRow(
            role,
            metric.key,
            metric.label,
            metric.better,
            metric.format,
            metric.get(b),
            metric.get(n),
            options,
          ),
        );
    }
    const codes = [...new Set([...Object.keys(b.validationCodes), ...Object.keys(n.validationCodes)])].sort((x, y) =>
      x === 'VALID' ? -1 : y === 'VALID' ? 1 : x.localeCompare(y),
    );
    for (const code of codes) {
      rows.push(
        numericRow(
          role,
          `validationCodes.${code}`,
          `txs ${code}`,
          validationCodeBetter(code),
          'count',
          b.validationCodes[code] ?? 0,
          n.validationCodes[code] ?? 0,
          options,
        ),
      );
    }
    const bottleneckOf = (r: ArchResult): string => `${r.bottleneck.node}.${r.bottleneck.engine}`;
    rows.push(textRow(role, 'bottleneck', 'bottleneck', bottleneckOf(b), bottleneckOf(n)));
    rows.push(textRow(role, 'stateHash', 'state hash', b.stateHash.slice(0, 16), n.stateHash.slice(0, 16)));
  }
  const regressions = rows.filter((r) => r.status === 'regression');
  const result = { rows, regressions, identical, multiSeed, notes };
  return { ...result, markdown: renderMarkdown(base, next, options, result) };
}

function numericRow(
  role: string,
  key: string,
  label: string,
  better: Better,
  format: Format,
  b: number | SeedMetric,
  n: number | SeedMetric,
  options: CompareOptions,
): CompareRow {
  const bv = typeof b === 'number' ? b : b.mean;
  const nv = typeof n === 'number' ? n : n.mean;
  const row: CompareRow = {
    role,
    key,
    label,
    better,
    format,
    base: bv,
    next: nv,
    changePct: changePct(bv, nv),
    status: 'unchanged',
  };
  if (typeof b !== 'number') row.baseCi95 = b.ci95;
  if (typeof n !== 'number') row.nextCi95 = n.ci95;
  row.status = statusOf(
    bv,
    nv,
    better,
    options.maxRegressionPct,
    typeof b === 'number' || typeof n === 'number' ? null : Math.hypot(b.ci95, n.ci95),
  );
  return row;
}

function textRow(role: string, key: string, label: string, b: string, n: string): CompareRow {
  return {
    role,
    key,
    label,
    better: null,
    format: 'text',
    base: b,
    next: n,
    changePct: null,
    status: b === n ? 'unchanged' : 'changed',
  };
}

export function changePct(base: number, next: number): number {
  if (base === next) return 0;
  if (base === 0) return next > 0 ? Infinity : -Infinity;
  return ((next - base) / Math.abs(base)) * 100;
}

/**
 * The status of one numeric change. `noiseHalfWidth` is the 95 % CI half-width of the difference
 * when both sides are multi-seed means (null otherwise): a change no larger than it is noise.
 */
export function statusOf(
  base: number,
  next: number,
  better: Better,
  maxRegressionPct: number,
  noiseHalfWidth: number | null,
): Status {
  const delta = next - base;
  if (delta === 0) return 'unchanged';
  if (noiseHalfWidth !== null && Math.abs(delta) <= noiseHalfWidth) return 'within noise';
  const improved = better === 'higher' ? delta > 0 : delta < 0;
  if (improved) return 'improved';
  const pct = Math.abs(changePct(base, next));
  return pct > maxRegressionPct * (1 + RELATIVE_EPSILON) + RELATIVE_EPSILON ? 'regression' : 'worse';
}

function withoutHost(report: RunReport): Omit<RunReport, 'host'> {
  const { host: _host, ...rest } = report;
  return rest;
}

/** JSON with object keys sorted, so key order never makes two equal reports differ. */
export function stableStringify(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

// ---------------------------------------------------------------------------------------------
// Markdown (GitHub-flavoured; fit for $GITHUB_STEP_SUMMARY)

const STATUS_TEXT: Record<Status, string> = {
  unchanged: 'unchanged',
  improved: '🟢 improved',
  worse: '🟡 worse (within threshold)',
  regression: '🔴 **REGRESSION**',
  'within noise': '⚪ within noise',
  changed: 'changed',
  'only in base': 'only in base',
  'only in new': 'only in new',
};

export function formatValue(value: number | string | null, format: Format | 'text', ci95?: number): string {
  if (value === null) return '—';
  if (typeof value === 'string') return `\`${value}\``;
  const one = (x: number): string => {
    switch (format) {
      case 'ratio':
        return `${(x * 100).toFixed(2)} %`;
      case 'ms':
        return x.toLocaleString('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });
      case 'count':
        return x.toLocaleString('en-US', { maximumFractionDigits: 2 });
      default:
        return x.toLocaleString('en-US', { maximumFractionDigits: Math.abs(x) >= 100 ? 0 : 2 });
    }
  };
  return ci95 === undefined ? one(value) : `${one(value)} ± ${one(ci95)}`;
}

export function formatChange(pct: number | null): string {
  if (pct === null) return '';
  if (pct === 0) return '0 %';
  if (pct === Infinity) return '+∞';
  if (pct === -Infinity) return '−∞';
  const text =
    Math.abs(pct) >= 100
      ? Math.abs(pct).toFixed(0)
      : Math.abs(pct) >= 10
        ? Math.abs(pct).toFixed(1)
        : Math.abs(pct).toFixed(2);
  return `${pct > 0 ? '+' : '−'}${text} %`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function renderMarkdown(
  base: RunReport,
  next: RunReport,
  options: CompareOptions,
  r: Omit<CompareResult, 'markdown'>,
): string {
  const lines: string[] = [];
  const id = next.identity;
  lines.push(`## bpusim compare: \`${cell(options.baseName)}\` → \`${cell(options.nextName)}\``);
  lines.push('');
  lines.push(
    `${cell(id.workload)} on ${cell(id.topology)}, ${id.offeredTps.toLocaleString('en-US')} TPS offered for ${id.durationSeconds} s, seed ${id.seed}, crypto ${id.cryptoMode}; max regression ${options.maxRegressionPct} %.`,
  );
  lines.push('');
  if (r.identical) {
    lines.push('**The simulated results are identical** (the reports differ at most in `host` wall-clock fields).');
    lines.push('');
  }
  if (r.multiSeed) {
    lines.push(
      'Multi-seed means ± 95 % CI; a change inside the CI of the difference is *within noise* and does not fail.',
    );
    lines.push('');
  }
  for (const note of r.notes) lines.push(`> ${cell(note)}`, '');
  for (const role of ['arch', 'baseline'] as const) {
    const roleRows = r.rows.filter((row) => row.role === role);
    if (roleRows.length === 0) continue;
    const names = [base.results[role]?.architecture, next.results[role]?.architecture].filter(
      (x): x is string => x !== undefined,
    );
    lines.push(`### ${role}: ${cell([...new Set(names)].join(' → '))}`);
    lines.push('');
    lines.push('| metric | better | base | new | change | status |');
    lines.push('|:--|:-:|--:|--:|--:|:--|');
    for (const row of roleRows) {
      const better = row.better === 'higher' ? '↑' : row.better === 'lower' ? '↓' : '';
      lines.push(
        `| ${cell(row.label)} | ${better} | ${cell(formatValue(row.base, row.format, row.baseCi95))} | ${cell(formatValue(row.next, row.format, row.nextCi95))} | ${formatChange(row.changePct)} | ${STATUS_TEXT[row.status]} |`,
      );
    }
    lines.push('');
  }
  if (r.regressions.length === 0) {
    lines.push(`**Result: pass** — no metric regressed beyond ${options.maxRegressionPct} %.`);
  } else {
    const list = r.regressions.map((row) => `${row.role} ${row.label} (${formatChange(row.changePct)})`).join('; ');
    lines.push(
      `**Result: FAIL** — ${r.regressions.length} metric${r.regressions.length === 1 ? '' : 's'} regressed beyond ${options.maxRegressionPct} %: ${cell(list)}.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
