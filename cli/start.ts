/**
 * `bpusim start` (what `npm start` runs): the main job. Until the BPU-vs-CPU scenario lands it is
 * the kernel benchmark on its reference M/M/c model, printed as a table.
 */
import type { Command } from 'commander';

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('run the default scenario (for now: the kernel benchmark, bench des)')
    .action(async () => {
      await program.parseAsync(['bench', 'des', '--customers', '1000000'], { from: 'user' });
    });
}
