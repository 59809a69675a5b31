/**
 * The work no receipt counts, measured where it happens: a short run of the ledger bench itself
 * (empty `donothing` transactions, so no contract or rwset work is in it) is modelled with the costs
 * the micro-benchmarks measured, and what the model does not account for is attributed to three
 * named costs of the platform:
 * - per proposal endorsed: the endorser's own logic, and the slowdown of its counted work when it
 *   runs amid a real client loop rather than in a tight micro-benchmark (caches, allocation);
 * - per transaction validated: the committer's main-thread logic (the event loop's active time
 *   less the counted main-thread work);
 * - per transaction, in the background: the runtime's helper threads (garbage collection, the
 *   store's write thread): process CPU less the main thread's and the workers' share.
 * Calibrated once, on donothing; `bpusim validate` then predicts every workload with the same
 * constants (so donothing is the calibration workload, the others are out-of-sample).
 *
 * Part of calibrate/: it runs the real ledger bench (calibrate/bench-ledger.ts) on the host clock and
 * the host model (calibrate/host-bench-model.ts) on its receipts.
 */
import type { Architecture } from '../engines/architecture.js';
import { predictHostBench } from './host-bench-model.js';
import type { CryptoMode } from '../ledger/crypto/provider.js';
import { emptyBenchTrace, runBenchLedger } from './bench-ledger.js';
import type { HostCost } from './host-costs.js';
import { median } from './measure.js';

export interface InContextCosts {
  readonly proposalNs: number;
  readonly txValidationNs: number;
  readonly backgroundPerTxNs: number;
  readonly costs: Record<string, HostCost>;
}

export async function measureInContext(
  provisional: Architecture,
  crypto: CryptoMode,
  trials: number,
  txs = 4_000,
): Promise<InContextCosts> {
  const proposal: number[] = [];
  const txValidation: number[] = [];
  const background: number[] = [];
  for (let trial = 0; trial < trials; trial += 1) {
    const trace = emptyBenchTrace();
    const measured = await runBenchLedger(
      {
        txs,
        workload: 'donothing',
        crypto,
        store: 'lmdb',
        threads: 2,
        blockSize: 500,
        accounts: 10_000,
        seed: 1_000 + trial,
        fsync: true,
      },
      trace,
    );
    const model = predictHostBench(provisional, trace.endorse, trace.phase1Other, trace.blocks, { threads: 2 });
    const proposals = trace.endorse.reduce((sum, r) => sum + r.proposals, 0);
    const validated = trace.blocks.reduce((sum, b) => sum + b.txs, 0);
    const endorseNs = measured.wallSeconds.endorse * 1e9;
    const modelEndorseNs = model.endorseLatencyMs * 1e6 * trace.endorse.length;
    proposal.push((endorseNs - modelEndorseNs) / Math.max(1, proposals));
    const mainNs = measured.wallSeconds.validateCommitMainActive * 1e9;
    txValidation.push(mainNs / validated - model.phase2CpuMicrosPerTx.main * 1_000);
    const cpuNs = measured.cpuSeconds.validateCommit * 1e9;
    background.push(
      (cpuNs - mainNs) / validated - (model.phase2CpuMicrosPerTx.workers + model.phase2CpuMicrosPerTx.writer) * 1_000,
    );
  }
  const summary = (unit: string, values: number[]): HostCost => {
    const nsPerOp = Math.max(0, median(values));
    const min = Math.max(0, Math.min(...values));
    const max = Math.max(0, Math.max(...values));
    return {
      unit,
      nsPerOp,
      cpuNsPerOp: nsPerOp,
      minNsPerOp: min,
      maxNsPerOp: max,
      spreadPct: nsPerOp > 0 ? ((max - min) / 2 / nsPerOp) * 100 : 0,
      trials,
      opsPerTrial: txs,
    };
  };
  const costs = {
    proposal: summary('proposal', proposal),
    txValidation: summary('transaction', txValidation),
    backgroundPerTx: summary('transaction', background),
  };
  return {
    proposalNs: costs.proposal.nsPerOp,
    txValidationNs: costs.txValidation.nsPerOp,
    backgroundPerTxNs: costs.backgroundPerTx.nsPerOp,
    costs,
  };
}
