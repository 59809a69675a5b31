/**
 * A signature check to run, detached from the transaction it belongs to, so a block's checks can be
 * farmed out to worker threads while the committer keeps MVCC and commit in order. Counting happens
 * where the job is created (`countVerifyJob`), never where it runs, so receipts are the same whether
 * verification ran inline or on workers.
 */
import type { CryptoProvider } from './crypto/provider.js';
import type { VerifyCache } from './crypto/verify-cache.js';
import type { Scheme, WorkReceipt } from './receipt.js';
import { countVerify } from './receipt.js';

export interface VerifyJob {
  readonly scheme: Scheme;
  /** One key, or several for a BLS aggregate check. */
  readonly publicKeys: readonly Uint8Array[];
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly aggregate: boolean;
}

export function countVerifyJob(job: VerifyJob, receipt: WorkReceipt): void {
  countVerify(receipt, job.scheme);
  if (job.scheme === 'p256') receipt.hashBytes += job.message.length;
}

export function runVerifyJob(provider: CryptoProvider, cache: VerifyCache | null, job: VerifyJob): boolean {
  if (job.aggregate) return provider.verifyBlsAggregate(job.publicKeys, job.message, job.signature);
  const publicKey = job.publicKeys[0];
  if (publicKey === undefined) return false;
  const check = () => provider.verify(job.scheme, publicKey, job.message, job.signature);
  return cache === null ? check() : cache.lookup(job.scheme, publicKey, job.message, job.signature, check);
}

/** Runs jobs inline; results[i] is 1 when job i verified. */
export function runVerifyJobs(provider: CryptoProvider, cache: VerifyCache | null, jobs: readonly VerifyJob[]): Uint8Array {
  const results = new Uint8Array(jobs.length);
  for (let i = 0; i < jobs.length; i += 1) {
    const job = jobs[i];
    if (job !== undefined && runVerifyJob(provider, cache, job)) results[i] = 1;
  }
  return results;
}
