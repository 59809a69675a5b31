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
import { concatBytes } from './hash.js';

export interface VerifyJob {
  readonly scheme: Scheme;
  /** One key, or several for a BLS aggregate check. */
  readonly publicKeys: readonly Uint8Array[];
  readonly message: Uint8Array;
  /**
   * When present, the signed bytes are message ‖ messageSuffix (an endorsement signs PRP ‖ endorser
   * identity): the packer writes both into the worker's buffer, so the committer never builds the
   * concatenation (≈1 MB per 500-tx block it would allocate and copy only to copy it again).
   */
  readonly messageSuffix?: Uint8Array;
  readonly signature: Uint8Array;
  readonly aggregate: boolean;
  /** The key is a client's, not known in advance (counted in the receipt's `genericVerifies`). */
  readonly genericKey?: boolean;
}

export function signedMessageLength(job: VerifyJob): number {
  return job.message.length + (job.messageSuffix?.length ?? 0);
}

/** The signed bytes as one array (copies only when the job has a suffix). */
export function signedMessage(job: VerifyJob): Uint8Array {
  return job.messageSuffix === undefined ? job.message : concatBytes([job.message, job.messageSuffix]);
}

export function countVerifyJob(job: VerifyJob, receipt: WorkReceipt): void {
  countVerify(receipt, job.scheme, 1, job.genericKey === true);
  if (job.scheme === 'p256') receipt.hashBytes += signedMessageLength(job);
}

/** The check itself, over the signed bytes, uncached. */
export function verifySigned(
  provider: CryptoProvider,
  scheme: Scheme,
  aggregate: boolean,
  publicKeys: readonly Uint8Array[],
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (aggregate) return provider.verifyBlsAggregate(publicKeys, message, signature);
  const publicKey = publicKeys[0];
  return publicKey !== undefined && provider.verify(scheme, publicKey, message, signature);
}

export function runVerifyJob(provider: CryptoProvider, cache: VerifyCache | null, job: VerifyJob): boolean {
  const message = signedMessage(job);
  const publicKey = job.publicKeys[0];
  if (cache === null || job.aggregate || publicKey === undefined)
    return verifySigned(provider, job.scheme, job.aggregate, job.publicKeys, message, job.signature);
  return cache.lookup(job.scheme, publicKey, message, job.signature, () =>
    provider.verify(job.scheme, publicKey, message, job.signature),
  );
}

/** Runs jobs inline; results[i] is 1 when job i verified. */
export function runVerifyJobs(
  provider: CryptoProvider,
  cache: VerifyCache | null,
  jobs: readonly VerifyJob[],
): Uint8Array {
  const results = new Uint8Array(jobs.length);
  for (let i = 0; i < jobs.length; i += 1) {
    const job = jobs[i];
    if (job !== undefined && runVerifyJob(provider, cache, job)) results[i] = 1;
  }
  return results;
}
