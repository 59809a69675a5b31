/**
 * `bpusim calibrate --out host.yaml`: measures this host and writes a `host` architecture that the
 * simulator can run like any preset (`--arch host.yaml`) and that `bpusim validate` checks against
 * the real ledger. This file is the command's wiring only (flags, printing, writing the file); the
 * measurement and the architecture it yields are calibrate/calibrate.ts.
 */
import type { Command } from 'commander';
import { architectureYaml, calibrate } from '../calibrate/calibrate.js';
import type { Architecture } from '../engines/architecture.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { checkOutputPath, writeFileAtomic } from './_output.js';
import { intFlag } from './_parse.js';

interface CalibrateFlags {
  out?: string;
  crypto: string;
  trials: number;
  trialMs: number;
  cores?: number;
  inContextTxs: number;
  json?: boolean;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description(
      'measure this host (signatures, SHA-256, msgpack, LMDB, contracts, worker hand-off) and write a host architecture',
    )
    .option('--out <file>', 'write the host architecture (YAML) here')
    .option('--crypto <provider>', 'provider whose signature costs the architecture uses: node, noble', 'node')
    .option('--trials <n>', 'timed trials per cost', intFlag('--trials', 3, 101), 7)
    .option('--trial-ms <ms>', 'length of one trial', intFlag('--trial-ms', 10, 10_000), 100)
    .option('--cores <n>', 'cores of the host architecture (default: this host)', intFlag('--cores', 1, 4096))
    .option(
      '--in-context-txs <n>',
      'transactions of each in-context run (the ledger bench on donothing)',
      intFlag('--in-context-txs', 1_000, 1e7),
      10_000,
    )
    .option('--json', 'print the architecture as JSON')
    .action(
      action(async (flags: CalibrateFlags) => {
        if (flags.out !== undefined) checkOutputPath('--out', flags.out);
        if (flags.crypto !== 'node' && flags.crypto !== 'noble')
          throw new UsageError(`--crypto: expected one of node, noble, got '${flags.crypto}'`);
        const log = process.stderr.isTTY
          ? (line: string) => process.stderr.write(`calibrate: ${line}\n`)
          : () => undefined;
        const arch = await calibrate(
          {
            crypto: flags.crypto,
            trials: flags.trials,
            trialMs: flags.trialMs,
            inContextTxs: flags.inContextTxs,
            ...(flags.cores !== undefined ? { cores: flags.cores } : {}),
          },
          log,
        );
        if (flags.out !== undefined) writeFileAtomic(flags.out, architectureYaml(arch));
        if (flags.json === true) process.stdout.write(`${JSON.stringify(arch)}\n`);
        else process.stdout.write(summary(arch, flags.out));
      }),
    );
}

function summary(arch: Architecture, out: string | undefined): string {
  const lines = [`host architecture: ${arch.description ?? arch.name}`];
  for (const [key, m] of Object.entries(arch.calibration?.costs ?? {})) {
    lines.push(`  ${key.padEnd(28)} ${m.nsPerOp.toString().padStart(10)} ns/${m.unit}  ±${m.spreadPct}%`);
  }
  if (out !== undefined) lines.push(`written to ${out}`);
  return `${lines.join('\n')}\n`;
}
