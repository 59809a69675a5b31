/**
 * `bpusim rerun report.json`: runs a report's scenario again from what the report saved — the
 * fully resolved architecture, baseline and topology, and the scenario flags — and checks that
 * every simulated figure comes out the same (exit 1 if not; only `host` may differ). The check CI
 * can run to show a result is reproducible from its report alone (a trace run also needs the
 * trace file at the path it names).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { REPORT_SCHEMA_VERSION, type RunReport } from '../reports/run-report.js';
import { action } from './_action.js';
import { CheckFailed, UsageError } from './_errors.js';
import { writeFileAtomic } from './_output.js';
import { buildReport, RUN_DEFAULTS, type RerunScenario, type RunFlags } from './run.js';
import { formatSummary } from './scenario/report.js';

export function rerunReport(file: string): { original: RunReport; again: RunReport; identical: boolean } {
  if (!existsSync(file)) throw new UsageError(`${file}: no such file`);
  let original: RunReport;
  try {
    original = JSON.parse(readFileSync(file, 'utf8')) as RunReport;
  } catch (error) {
    throw new UsageError(`${file}: not JSON: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  if (original.schemaVersion !== REPORT_SCHEMA_VERSION)
    throw new UsageError(
      `${file}: schemaVersion: expected ${REPORT_SCHEMA_VERSION}, got ${JSON.stringify(original.schemaVersion)}`,
    );
  const scenario = original.config.run as RerunScenario | undefined;
  if (scenario === undefined)
    throw new UsageError(
      `${file}: config.run: missing; the report was written before reports saved their scenario flags`,
    );
  const dir = mkdtempSync(join(tmpdir(), 'bpusim-rerun-'));
  try {
    const save = (name: string, value: unknown): string => {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(value));
      return path;
    };
    const { faults, ...rest } = scenario;
    const flags: RunFlags = {
      ...RUN_DEFAULTS,
      ...rest,
      arch: save('architecture', original.config.architecture),
      baseline: original.config.baseline === null ? 'none' : save('baseline', original.config.baseline),
      topology: save('topology', original.config.topology),
      ...(faults === undefined ? {} : { faults: save('faults', faults) }),
    };
    const again = buildReport(flags);
    const strip = (report: RunReport): string => JSON.stringify({ ...report, host: null });
    return { original, again, identical: strip(again) === strip(original) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function registerRerun(program: Command): void {
  program
    .command('rerun')
    .description(
      "run a report's scenario again from the report alone and check every simulated figure is the same (exit 1 if not)",
    )
    .argument('<report>', 'a report written by bpusim run --out')
    .option('--out <file>', 'write the new report here')
    .action(
      action((file: string, flags: { out?: string }) => {
        const { again, identical } = rerunReport(file);
        if (flags.out !== undefined) writeFileAtomic(flags.out, `${JSON.stringify(again, null, 2)}\n`);
        process.stdout.write(formatSummary(again));
        if (!identical) throw new CheckFailed(`${file}: the rerun's simulated results differ from the report's`);
        process.stdout.write(`rerun of ${file}: every simulated figure identical (only host fields may differ)\n`);
      }),
    );
}
