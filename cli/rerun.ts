/**
 * `bpusim rerun report.json [--out f]`: runs a report's scenario again from the report alone
 * (system/rerun.ts) and checks every simulated figure is the same; exit 1 if not.
 */
import type { Command } from 'commander';
import { formatSummary } from '../reports/summary.js';
import { rerunReport } from '../system/index.js';
import { action } from './_action.js';
import { CheckFailed } from './_errors.js';
import { checkOutputPath, writeFileAtomic } from './_output.js';

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
        if (flags.out !== undefined) checkOutputPath('--out', flags.out, [file]);
        const { again, identical } = rerunReport(file);
        if (flags.out !== undefined) writeFileAtomic(flags.out, `${JSON.stringify(again, null, 2)}\n`);
        process.stdout.write(formatSummary(again));
        if (!identical) throw new CheckFailed(`${file}: the rerun's simulated results differ from the report's`);
        process.stdout.write(`rerun of ${file}: every simulated figure identical (only host fields may differ)\n`);
      }),
    );
}
