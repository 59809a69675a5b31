/**
 * The human summary printed after a run: the architecture and the baseline side by side (the
 * paper's Table 01 and what architects need), then the ratios, a scalability sweep and the
 * per-seed intervals when the report has them. Text only, from the report alone.
 */
import type { ArchResult, RunReport } from './run-report.js';

/** The human summary printed after a run: BPU and baseline side by side. */
export function formatSummary(report: RunReport): string {
  const { arch, baseline } = report.results;
  const columns = baseline === null ? [arch] : [arch, baseline];
  const rows: [string, (r: ArchResult) => string][] = [
    ['architecture', (r) => r.architecture],
    ['offered TPS', (r) => fmt(r.offeredTps)],
    ['committed TPS', (r) => fmt(r.committedTps)],
    ['committed txs', (r) => fmt(r.committedTxs)],
    ['contract executions/s (endorsements)', (r) => fmt(r.contractExecutionsPerSec)],
    ['latency p50 ms', (r) => r.latencyMs.p50.toFixed(2)],
    ['latency p95 ms', (r) => r.latencyMs.p95.toFixed(2)],
    ['latency p99 ms', (r) => r.latencyMs.p99.toFixed(2)],
    ['latency max ms', (r) => r.latencyMs.max.toFixed(2)],
    ['  endorse: proxy round trip (mean ms)', (r) => r.phasesMs.endorse.meanMs.toFixed(2)],
    ['  order: to block at peer (mean ms)', (r) => r.phasesMs.order.meanMs.toFixed(2)],
    ['  validate (mean ms)', (r) => r.phasesMs.validate.meanMs.toFixed(2)],
    ['  commit (mean ms)', (r) => r.phasesMs.commit.meanMs.toFixed(2)],
    ['  client links, other (mean ms)', (r) => r.phasesMs.network.meanMs.toFixed(2)],
    ['blocks (mean txs)', (r) => `${r.blocks} (${r.meanBlockTxs})`],
    [
      'bottleneck',
      (r) => `${r.bottleneck.node}.${r.bottleneck.engine} ${(r.bottleneck.utilisation * 100).toFixed(1)}%`,
    ],
    ...(columns.some((r) => r.dbCache !== undefined)
      ? [
          [
            'DB cache read hit rate',
            (r: ArchResult) => (r.dbCache === undefined ? '-' : `${(r.dbCache.hitRate * 100).toFixed(1)}%`),
          ] as [string, (r: ArchResult) => string],
        ]
      : []),
    ...(columns.some((r) => r.energy !== undefined)
      ? [
          [
            'energy mJ per committed tx',
            (r: ArchResult) =>
              r.energy?.joulesPerCommittedTx == null ? '-' : (r.energy.joulesPerCommittedTx * 1000).toFixed(3),
          ] as [string, (r: ArchResult) => string],
        ]
      : []),
    ['validation codes (txs)', () => ''],
    ...[...new Set(columns.flatMap((r) => Object.keys(r.validationCodes)))]
      .sort()
      .map((code): [string, (r: ArchResult) => string] => [`  ${code}`, (r) => fmt(r.validationCodes[code] ?? 0)]),
    ['unfinished txs', (r) => fmt(r.unfinishedTxs)],
    ...(columns.some((r) => r.overload !== undefined) ? overloadRows(columns) : []),
    ...(columns.some((r) => r.fees !== undefined)
      ? [
          [
            'fees MDM (USD)',
            (r: ArchResult) => (r.fees === undefined ? '-' : `${r.fees.mdm} (${r.fees.usd.toFixed(2)})`),
          ] as [string, (r: ArchResult) => string],
        ]
      : []),
    ...(columns.some((r) => r.integrity?.audit !== undefined)
      ? ([
          [
            'audits (mean ms)',
            (r: ArchResult) =>
              r.integrity?.audit === undefined
                ? '-'
                : `${r.integrity.audit.audits} (${r.integrity.audit.meanAuditLatencyMs.toFixed(3)})`,
          ],
          [
            'divergences (peers)',
            (r: ArchResult) =>
              r.integrity?.audit === undefined
                ? '-'
                : `${r.integrity.audit.divergences.length}${r.integrity.audit.divergences.length === 0 ? '' : ` (${[...new Set(r.integrity.audit.divergences.flatMap((d) => d.suspects))].join(' ')})`}`,
          ],
        ] as [string, (r: ArchResult) => string][])
      : []),
    ...(columns.some((r) => r.integrity?.join !== undefined)
      ? ([
          [
            'join time ms (path)',
            (r: ArchResult) =>
              r.integrity?.join === undefined
                ? '-'
                : `${r.integrity.join.joinTimeMs === null ? 'not reached' : r.integrity.join.joinTimeMs.toFixed(2)} (${r.integrity.join.path})`,
          ],
          [
            '  blocks replayed',
            (r: ArchResult) => (r.integrity?.join === undefined ? '-' : fmt(r.integrity.join.blocksReplayed)),
          ],
        ] as [string, (r: ArchResult) => string][])
      : []),
    ...(columns.some((r) => r.integrity?.growth !== undefined)
      ? ([
          [
            'peers held at target (added)',
            (r: ArchResult) =>
              r.integrity?.growth === undefined
                ? '-'
                : `${r.integrity.growth.peersHeld} (${r.integrity.growth.addedPeers})`,
          ],
        ] as [string, (r: ArchResult) => string][])
      : []),
    ['state hash', (r) => r.stateHash.slice(0, 16)],
  ];
  const labelWidth = Math.max(...rows.map(([label]) => label.length));
  const cells = rows.map(([label, get]) => [label.padEnd(labelWidth), ...columns.map(get)]);
  const widths = columns.map((_, i) => Math.max(...cells.map((row) => (row[i + 1] as string).length)));
  const lines = cells.map((row) =>
    [row[0], ...row.slice(1).map((cell, i) => cell.padStart(widths[i] as number))].join('  '),
  );
  const id = report.identity;
  // A trace's offered rate is what its lines held, not the scenario's --rate (which it ignores).
  const offeredTps = id.arrival.startsWith('trace') ? report.results.arch.offeredTps : id.offeredTps;
  const head = `bpusim ${id.version}: ${id.workload} on ${id.topology}, ${fmt(offeredTps)} TPS offered (${id.arrival}) for ${id.durationSeconds} s, seed ${id.seed}, crypto ${id.cryptoMode}`;
  const ratio =
    report.ratios === null
      ? ''
      : `\n${arch.architecture} / ${baseline?.architecture ?? ''}${report.seedStatistics === undefined ? '' : ` (seed ${id.seed}, the columns above)`}: committed TPS × ${report.ratios.committedTps}, p50 latency × ${report.ratios.latencyP50}${meanRatios(report)}`;
  const sweep = report.scalability === undefined ? '' : `\n${formatScalability(report.scalability)}`;
  const seeds = report.seedStatistics === undefined ? '' : `\n${formatSeeds(report.seedStatistics)}`;
  const notes = shortRunNotes(report)
    .map((note) => `\nnote: ${note}`)
    .join('');
  return `${head}\n${lines.join('\n')}${ratio}${sweep}${seeds}${notes}\n`;
}

/** Fewer committed blocks than this in a run: its rates and latencies rest on too few blocks. */
const FEW_BLOCKS = 10;

/**
 * What makes a short run's figures misleading, said plainly: too few blocks for a rate, and the
 * last partial block waiting out the batch timeout (it sets max and p99 latency).
 */
export function shortRunNotes(report: RunReport): string[] {
  const notes: string[] = [];
  const batch = (report.config.topology as { batch?: { timeoutMs?: number; maxMessageCount?: number } } | null)?.batch;
  const runs = [report.results.arch, ...(report.results.baseline === null ? [] : [report.results.baseline])];
  const fewest = Math.min(...runs.map((r) => r.blocks));
  if (fewest < FEW_BLOCKS)
    notes.push(
      `only ${fewest} block(s) committed: committed TPS and latencies rest on few blocks; run longer (≥ ${FEW_BLOCKS * 6} blocks' worth of arrivals: --duration ≥ ${FEW_BLOCKS * 6} × block size ÷ rate)`,
    );
  const timeoutMs = batch?.timeoutMs;
  if (timeoutMs !== undefined && runs.some((r) => r.latencyMs.max >= timeoutMs)) {
    const steady = runs.map((r) => r.steadyLatencyMs);
    const without = steady.every((s) => s !== undefined && s.count > 0)
      ? ` (p99 of the requests before the last batch timeout: ${steady.map((s) => `${s?.p99.toFixed(2)} ms`).join(' / ')})`
      : '';
    notes.push(
      `max latency ≥ the batch timeout (${timeoutMs} ms): the last, partial block waited it out after the arrivals ended; p99 and max include it${without}`,
    );
  }
  return notes;
}

function fmt(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function formatScalability(scalability: NonNullable<RunReport['scalability']>): string {
  const rows = [scalability.arch, ...(scalability.baseline === null ? [] : [scalability.baseline])];
  const names = ['arch', 'baseline'];
  const lines = rows.map((s, i) => {
    const points = s.points.map((p) => `${p.peers}:${fmt(p.committedTps)}${p.holds ? '' : '✗'}`).join('  ');
    return `  ${names[i] ?? ''}: most peers holding ${fmt(s.targetTps)} TPS = ${s.maxPeersHolding}   (${points})`;
  });
  return `scalability (peers: committed TPS; ✗ = below ${scalability.arch.holdFraction * 100} % of target)\n${lines.join('\n')}`;
}

function formatSeeds(stats: NonNullable<RunReport['seedStatistics']>): string {
  const sets = [stats.arch, ...(stats.baseline === null ? [] : [stats.baseline])];
  const names = ['arch', 'baseline'];
  const lines = Object.keys(stats.arch.metrics).map((metric) => {
    const cells = sets.map((set, i) => {
      const m = set.metrics[metric];
      return m === undefined ? '' : `${names[i] ?? ''} ${m.mean.toPrecision(5)} ± ${m.ci95.toPrecision(3)}`;
    });
    return `  ${metric.padEnd(26)} ${cells.join('   ')}`;
  });
  return `over ${stats.arch.seeds.length} seeds (${stats.arch.seeds[0]} … ${stats.arch.seeds[stats.arch.seeds.length - 1]}): mean ± 95 % CI\n${lines.join('\n')}`;
}

/** The proxy's admission and the clients' patience; counts only when some attempt met them. */
function overloadRows(columns: readonly ArchResult[]): [string, (r: ArchResult) => string][] {
  const of = (r: ArchResult) => r.overload;
  const rows: [string, (r: ArchResult) => string][] = [
    [
      'proxy in flight peak (limit)',
      (r) => (of(r) === undefined ? '-' : `${fmt(of(r)?.peakAdmitted ?? 0)} (${fmt(of(r)?.concurrencyLimit ?? 0)})`),
    ],
  ];
  const met = columns.some(
    (r) => (of(r)?.rejectedAtAdmission ?? 0) + (of(r)?.timedOut ?? 0) + (of(r)?.retries ?? 0) > 0,
  );
  if (!met) return rows;
  return [
    ...rows,
    ['  refused at admission', (r) => fmt(of(r)?.rejectedAtAdmission ?? 0)],
    [
      '  client time-outs (committed later)',
      (r) => `${fmt(of(r)?.timedOut ?? 0)} (${fmt(of(r)?.committedAfterTimeout ?? 0)})`,
    ],
    ['  retries', (r) => fmt(of(r)?.retries ?? 0)],
  ];
}

/** With several seeds, the same ratios of the seeds' means (what the seed table beside them shows). */
function meanRatios(report: RunReport): string {
  const stats = report.seedStatistics;
  if (stats === undefined || stats.baseline === null) return '';
  const of = (key: string) => {
    const a = stats.arch.metrics[key]?.mean;
    const b = stats.baseline?.metrics[key]?.mean;
    return a === undefined || b === undefined || b === 0 ? 'n/a' : String(Number((a / b).toPrecision(6)));
  };
  return `\n  over ${stats.arch.seeds.length} seeds (ratio of means): committed TPS × ${of('committedTps')}, p50 latency × ${of('latencyP50Ms')}`;
}
