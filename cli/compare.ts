/**
 * `bpusim compare base.json new.json --max-regression 5%`: the CI gate. Prints a markdown table of
 * every Table 01 metric per architecture (append it to $GITHUB_STEP_SUMMARY), exits 1 when any
 * metric is worse than the base by more than the threshold, 0 otherwise, 2 on bad input.
 */
import type { Command } from 'commander';
import { compareReports } from '../reports/compare.js';
import { action } from './_action.js';
import { CheckFailed, UsageError } from './_errors.js';
import { readReport } from './_report-files.js';

/** Largest threshold accepted, in percent: beyond it a gate would never fail and is a typo. */
const MAX_REGRESSION_PCT_MAX = 1000;

/** `5%`, `5 %`, `5` (percent) or `0.5%`; not negative, at most 1000 %. */
export function parseThreshold(raw: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(raw);
  const value = match?.[1] === undefined ? Number.NaN : Number(match[1]);
  if (!Number.isFinite(value) || value > MAX_REGRESSION_PCT_MAX) {
    throw new UsageError(
      `--max-regression: expected a percentage from 0% to ${MAX_REGRESSION_PCT_MAX}% such as 5%, got '${raw}'`,
    );
  }
  return value;
}

export function registerCompare(program: Command): void {
  program
    .command('compare')
    .description(
      'compare two run reports metric by metric; exit 1 if any regressed beyond --max-regression (markdown on stdout)',
    )
    .argument('<base>', 'the reference report (e.g. from the main branch)')
    .argument('<new>', 'the report under test')
    .option('--max-regression <pct>', 'largest tolerated change in the worse direction, e.g. 5%', parseThreshold, 5)
    .action(
      action((basePath: string, nextPath: string, flags: { maxRegression: number }) => {
        const base = readReport(basePath);
        const next = readReport(nextPath);
        const result = compareReports(base, next, {
          maxRegressionPct: flags.maxRegression,
          baseName: basePath,
          nextName: nextPath,
        });
        process.stdout.write(result.markdown);
        if (result.regressions.length > 0) {
          throw new CheckFailed(
            `${result.regressions.length} metric${result.regressions.length === 1 ? '' : 's'} regressed beyond ${flags.maxRegression}% (${nextPath} vs ${basePath})`,
          );
        }
      }),
    );
}
