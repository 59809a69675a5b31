/**
 * Worker-thread side of parallel verification (run by piscina): unpacks a chunk of verify jobs,
 * checks each with this thread's own crypto provider (and its own key-object cache), and returns
 * one byte per job (1 = valid) in a transferred buffer. Receipts are counted on the main thread.
 */
import { createCryptoProvider } from '../crypto/index.js';
import type { CryptoMode, CryptoProvider } from '../crypto/provider.js';
import { runVerifyJobs } from '../verify-job.js';
import { unpackJobs } from './_pack.js';

export interface VerifyTask {
  readonly mode: CryptoMode;
  readonly packed: ArrayBuffer;
}

const providers = new Map<CryptoMode, CryptoProvider>();

export default function verifyChunk(task: VerifyTask): Uint8Array {
  let provider = providers.get(task.mode);
  if (provider === undefined) {
    provider = createCryptoProvider(task.mode);
    providers.set(task.mode, provider);
  }
  return runVerifyJobs(provider, null, unpackJobs(task.packed));
}
