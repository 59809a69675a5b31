/**
 * The report commands: `bpusim report <report.json> --csv <dir> --html <file> [--sweep <file>]`
 * (CSV tables and the self-contained HTML report with SVG charts) and `bpusim compare` (the CI
 * gate, cli/compare.ts). Registered together from cli/main.ts.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { summaryCsv, utilisationCsv } from '../reports/csv.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { ensureOutputDirectory, writeFilesAtomic } from './_output.js';
import { readReport, readSweep } from './_report-files.js';
import { registerCompare } from './compare.js';

interface ReportFlags {
  csv?: string;
  html?: string;
  sweep?: string;
}

export function registerReports(program: Command): void {
  program
    .command('report')
    .description(
      'export a run report: CSV tables (--csv dir) and/or a self-contained HTML report with charts (--html file)',
    )
    .argument('<report>', 'a report written by bpusim run --out')
    .option('--csv <dir>', 'write summary.csv and utilisation.csv into this directory')
    .option('--html <file>', 'write the HTML report (inline SVG charts, no network fetches) here')
    .option(
      '--sweep <file>',
      'add sweep curves: the output of bpusim sweep consensus --json, or of bpusim sweep <grid.yaml> --out',
    )
    .action(
      action(async (reportPath: string, flags: ReportFlags) => {
        if (flags.csv === undefined && flags.html === undefined)
          throw new UsageError('report: expected --csv <dir> and/or --html <file>');
        if (flags.sweep !== undefined && flags.html === undefined)
          throw new UsageError('--sweep: needs --html <file> (sweep curves are drawn in the HTML report)');
        const report = readReport(reportPath);
        const sweep = flags.sweep === undefined ? undefined : readSweep(flags.sweep);
        // Render everything before writing anything, so bad input leaves no files behind.
        const csvFiles =
          flags.csv === undefined
            ? []
            : [
                { path: join(flags.csv, 'summary.csv'), contents: summaryCsv(report) },
                { path: join(flags.csv, 'utilisation.csv'), contents: utilisationCsv(report) },
              ];
        let html: string | undefined;
        if (flags.html !== undefined) {
          // Loaded on demand: d3-node brings jsdom, ≈0.9 s to import here, which no other command should pay.
          const { renderHtml } = await import('../reports/html.js');
          html = renderHtml(report, { source: reportPath, ...(sweep === undefined ? {} : { sweep }) });
        }
        if (flags.csv !== undefined) {
          ensureOutputDirectory('--csv', flags.csv);
          writeFilesAtomic('--csv', csvFiles);
          process.stdout.write(`wrote ${csvFiles.map((f) => f.path).join(' and ')}\n`);
        }
        if (flags.html !== undefined && html !== undefined) {
          writeFilesAtomic('--html', [{ path: flags.html, contents: html }]);
          process.stdout.write(`wrote ${flags.html}\n`);
        }
      }),
    );
  registerCompare(program);
}
