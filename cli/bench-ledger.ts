/**
 * `bpusim bench ledger`: the real ledger on this host, in wall-clock time (a command, not a test).
 * This file is the command's wiring only (flags, printing); the bench itself, its phases and what
 * each figure means, is calibrate/bench-ledger.ts. Prints one JSON object with --json.
 */
import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import {
  BENCH_CRYPTO,
  BENCH_STORES,
  BENCH_WORKLOADS,
  type BenchLedgerOptions,
  runBenchLedger,
} from '../calibrate/bench-ledger.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { intFlag } from './_parse.js';

function choice<T extends string>(flag: string, allowed: readonly T[]) {
  return (raw: string): T => {
    const found = allowed.find((a) => a === raw);
    if (found === undefined) throw new UsageError(`${flag}: expected one of ${allowed.join(', ')}, got '${raw}'`);
    return found;
  };
}

interface BenchLedgerFlags extends BenchLedgerOptions {
  json?: boolean;
}

export function registerBenchLedger(bench: Command): void {
  bench
    .command('ledger')
    .description('the real ledger on this host: endorse, order, then validate+commit at one peer (wall-clock figures)')
    .option('--txs <n>', 'transactions to propose', intFlag('--txs', 1, 1e8), 100_000)
    .option(
      '--workload <name>',
      `contract: ${BENCH_WORKLOADS.join(', ')}`,
      choice('--workload', BENCH_WORKLOADS),
      'smallbank',
    )
    .option('--crypto <mode>', `crypto provider: ${BENCH_CRYPTO.join(', ')}`, choice('--crypto', BENCH_CRYPTO), 'node')
    .option(
      '--store <kind>',
      `committer's world state: ${BENCH_STORES.join(', ')}`,
      choice('--store', BENCH_STORES),
      'lmdb',
    )
    .option('--threads <n>', 'verification worker threads', intFlag('--threads', 1, 256), availableParallelism())
    .option('--block-size <n>', 'MaxMessageCount of the block cutter', intFlag('--block-size', 1, 100_000), 500)
    .option('--accounts <n>', 'SmallBank accounts / YCSB records', intFlag('--accounts', 2, 1e8), 10_000)
    .option('--seed <s>', 'workload and key seed', intFlag('--seed', 0), 1)
    .option('--no-fsync', "do not fsync the committer's block file after each block")
    .option('--json', 'print one JSON object')
    .action(
      action(async (flags: BenchLedgerFlags) => {
        const result = await runBenchLedger(flags);
        if (flags.json === true) {
          process.stdout.write(`${JSON.stringify(result)}\n`);
          return;
        }
        process.stdout.write(
          [
            `ledger bench: ${result.txs} ${result.workload} txs, crypto ${result.crypto}, store ${result.store}, ${result.threads} verify threads, blocks of ${result.blockSize}`,
            `validate+commit  ${result.validateCommitTxPerSec.toLocaleString('en-US')} tx/s  (${(result.ratioToCryptoBound * 100).toFixed(1)} % of the crypto bound)`,
            `crypto bound     ${result.cryptoBoundTxPerSec.toLocaleString('en-US')} tx/s  (${result.cryptoBoundVerifiesPerSec.toLocaleString('en-US')} verify/s, ${result.verifiesPerTx} verifies/tx${result.host.p256Verifier === null ? '' : `, P-256 through ${result.host.p256Verifier}`})`,
            `endorse          ${result.endorseTxPerSec.toLocaleString('en-US')} tx/s  (2 endorsements per tx, one core)`,
            `rss              ${result.rssMiB} MiB`,
            `codes            ${JSON.stringify(result.validationCodes)}`,
            `state hash       ${result.stateHash}`,
            '',
          ].join('\n'),
        );
      }),
    );
}
