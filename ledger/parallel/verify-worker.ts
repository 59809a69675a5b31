/**
 * Worker-thread side of parallel verification (run by piscina): walks a packed chunk of verify jobs,
 * checks each with this thread's own crypto provider (and its own key-object cache), writes one
 * byte per job (1 = valid) into the packed buffer's result area and transfers the buffer back, so
 * the pool can reuse it. Receipts are counted on the main thread.
 */
import { Piscina } from 'piscina';
import { createCryptoProvider } from '../crypto/index.js';
import type { CryptoMode, CryptoProvider } from '../crypto/provider.js';
import { verifyPacked } from './_pack.js';

export interface VerifyTask {
  readonly mode: CryptoMode;
  readonly packed: ArrayBuffer;
}

const providers = new Map<CryptoMode, CryptoProvider>();

export default function verifyChunk(task: VerifyTask): unknown {
  let provider = providers.get(task.mode);
  if (provider === undefined) {
    provider = createCryptoProvider(task.mode);
    providers.set(task.mode, provider);
  }
  verifyPacked(provider, task.packed);
  return Piscina.move(task.packed);
}
