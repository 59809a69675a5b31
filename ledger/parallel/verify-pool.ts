/**
 * Signature verification on worker threads (piscina), for committers that validate at host speed
 * (the ledger benchmark). A block's jobs are split into a few chunks per thread so threads finish
 * together; results come back per job, in order. What the jobs mean stays on the main thread.
 *
 * Worker file: the compiled `verify-worker.js`. Under vitest this module runs from TypeScript
 * source, where no .js sibling exists, so it resolves the compiled file in dist/ from the repository
 * root (npm test builds with tsc first).
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import { assert } from '../assert.js';
import type { CryptoMode } from '../crypto/provider.js';
import type { VerifyJob } from '../verify-job.js';
import { packedResults, packJobs } from './_pack.js';
import type { VerifyTask } from './verify-worker.js';

export function compiledWorkerPath(): string {
  const here = fileURLToPath(import.meta.url);
  if (here.endsWith('.js')) return fileURLToPath(new URL('./verify-worker.js', import.meta.url));
  // Running from source (…/ledger/parallel/verify-pool.ts): use …/dist/ledger/parallel/verify-worker.js.
  const path = fileURLToPath(new URL('../../dist/ledger/parallel/verify-worker.js', import.meta.url));
  assert(existsSync(path), `${path} is missing: build with 'npx tsc -p tsconfig.json' first`);
  return path;
}

const freeBuffersMax = 32;

export interface VerifyPoolOptions {
  readonly threads?: number;
  /** Chunks per thread per block (more balances better; fewer costs less messaging). */
  readonly chunksPerThread?: number;
  /**
   * Chunks handed to each thread ahead of time (piscina's concurrentTasksPerWorker). With one, a
   * thread that finishes a chunk waits until the main thread's event loop hands it the next, and
   * the main thread is busy committing for milliseconds at a time: the bench measured 0.9 s of
   * 5.6 s idle per worker that way. Queued in the thread's port instead, the next chunk starts at once.
   */
  readonly tasksPerThread?: number;
}

export class VerifyPool {
  private readonly pool: Piscina;
  readonly threads: number;
  private readonly chunksPerThread: number;
  /** Packed buffers the workers handed back, for the next chunks. */
  private readonly freeBuffers: ArrayBuffer[] = [];

  constructor(
    private readonly mode: CryptoMode,
    options: VerifyPoolOptions = {},
  ) {
    this.threads = options.threads ?? availableParallelism();
    this.chunksPerThread = options.chunksPerThread ?? 2;
    this.pool = new Piscina({
      filename: compiledWorkerPath(),
      minThreads: this.threads,
      maxThreads: this.threads,
      idleTimeout: 60_000,
      concurrentTasksPerWorker: options.tasksPerThread ?? 4,
    });
  }

  /** Verifies the jobs on the workers; results[i] is 1 when job i verified. */
  async verify(jobs: readonly VerifyJob[]): Promise<Uint8Array> {
    const results = new Uint8Array(jobs.length);
    if (jobs.length === 0) return results;
    const chunkCount = Math.min(jobs.length, this.threads * this.chunksPerThread);
    const chunkSize = Math.ceil(jobs.length / chunkCount);
    const pending: Promise<void>[] = [];
    for (let start = 0; start < jobs.length; start += chunkSize) {
      const end = Math.min(jobs.length, start + chunkSize);
      const packed = packJobs(jobs, start, end, (bytes) => this.takeBuffer(bytes));
      const task: VerifyTask = { mode: this.mode, packed };
      pending.push(
        (this.pool.run(task, { transferList: [packed] }) as Promise<ArrayBuffer>).then((returned) => {
          const chunk = packedResults(returned);
          assert(
            chunk.length === end - start,
            `verify worker returned ${chunk.length} results for ${end - start} jobs`,
          );
          results.set(chunk, start);
          // Bounded: a burst of many chunks at once (the bench's crypto bound sends 20 blocks
          // together) must not leave all their buffers held.
          if (this.freeBuffers.length < freeBuffersMax) this.freeBuffers.push(returned);
        }),
      );
    }
    await Promise.all(pending);
    return results;
  }

  /** Packed buffers held for reuse (bounded). */
  get heldBufferCount(): number {
    return this.freeBuffers.length;
  }

  /** A reused buffer of at least `bytes` (sizes are powers of two, so a few serve every chunk). */
  private takeBuffer(bytes: number): ArrayBuffer {
    const index = this.freeBuffers.findIndex((buffer) => buffer.byteLength >= bytes);
    if (index >= 0) return this.freeBuffers.splice(index, 1)[0] as ArrayBuffer;
    return new ArrayBuffer(2 ** Math.ceil(Math.log2(Math.max(bytes, 4096))));
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
