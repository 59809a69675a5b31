/**
 * `bpusim study [--out docs/study] [--quick] [--workers N] [--cache DIR]`: runs the study (system/study.ts) and writes its
 * markdown page and charts (reports/study.ts) into one directory, every file through a temporary
 * name. Progress goes to stderr.
 */
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { studyCharts, studyMarkdown } from '../reports/study.js';
import { FULL_STUDY, QUICK_STUDY, runStudy } from '../system/study.js';
import { StudyCache } from '../system/study-cache.js';
import { action } from './_action.js';
import { ensureOutputDirectory, writeFilesAtomic } from './_output.js';
import { intFlag } from './_parse.js';

export function registerStudy(program: Command): void {
  program
    .command('study')
    .description(
      "the answer to the paper's claims: each preset's capacity and the seven remedies one at a time, as markdown and SVG",
    )
    .option('--out <dir>', 'directory to write README.md, study.json and the charts into', 'docs/study')
    .option('--quick', 'the reduced study (fewer, shorter searches): what CI regenerates and compares')
    .option(
      '--workers <n>',
      'worker threads (the result does not depend on it)',
      intFlag('--workers', 1, 256),
      Math.max(1, availableParallelism()),
    )
    .option(
      '--cache <dir>',
      "keep each task's result in this directory and reuse it when the task and the model code are unchanged (an interrupted or re-rendered study recomputes only what is missing)",
    )
    .action(
      action(async (flags: { out: string; quick?: boolean; workers: number; cache?: string }) => {
        ensureOutputDirectory('--out', flags.out);
        if (flags.cache !== undefined) ensureOutputDirectory('--cache', flags.cache);
        const result = await runStudy(flags.quick === true ? QUICK_STUDY : FULL_STUDY, {
          workers: flags.workers,
          cache: flags.cache === undefined ? undefined : new StudyCache(flags.cache),
          progress: (line) => process.stderr.write(`${line}\n`),
        });
        const files: Record<string, string> = {
          'README.md': `${studyMarkdown(result)}`,
          'study.json': `${JSON.stringify(result, null, 2)}\n`,
          ...studyCharts(result),
        };
        writeFilesAtomic(
          '--out',
          Object.entries(files).map(([name, contents]) => ({ path: join(flags.out, name), contents })),
        );
        process.stdout.write(`study: wrote ${Object.keys(files).join(', ')} to ${flags.out}\n`);
      }),
    );
}
