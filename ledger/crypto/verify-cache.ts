/**
 * Verification results cached by (scheme, key, message digest, signature) and shared across peers.
 *
 * the design allows it: the answer is deterministic, and each peer's receipt still counts the verify,
 * so simulated time is charged in full while the host does the curve math once per signature. The
 * cache is bounded; when full it is cleared (results are recomputable, so eviction order is moot).
 */
import { createHash } from 'node:crypto';
import type { Scheme } from '../receipt.js';

const entryCountMaxDefault = 1 << 18;

export class VerifyCache {
  private readonly results = new Map<string, boolean>();
  hits = 0;
  misses = 0;

  constructor(private readonly entryCountMax = entryCountMaxDefault) {}

  /** Returns the cached result, computing it with `check` on a miss. */
  lookup(
    scheme: Scheme,
    publicKey: Uint8Array,
    message: Uint8Array,
    signature: Uint8Array,
    check: () => boolean,
  ): boolean {
    const digest = createHash('sha256').update(message).digest().toString('latin1');
    const key = scheme + Buffer.from(publicKey).toString('latin1') + digest + Buffer.from(signature).toString('latin1');
    const cached = this.results.get(key);
    if (cached !== undefined) {
      this.hits += 1;
      return cached;
    }
    this.misses += 1;
    const result = check();
    if (this.results.size >= this.entryCountMax) this.results.clear();
    this.results.set(key, result);
    return result;
  }
}
