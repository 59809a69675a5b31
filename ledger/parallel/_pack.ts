/**
 * Packs verify jobs into one contiguous buffer for a worker thread, and unpacks them there.
 *
 * Why pack: structured clone of a Uint8Array copies its whole underlying ArrayBuffer, and the jobs'
 * messages are views into much larger decode buffers (a whole block); one compact buffer, transferred
 * (zero-copy), moves only the bytes that are verified.
 * Layout: [job count u32][one result byte per job], then per job [scheme u8][aggregate u8]
 * [key count u16], key count × [len u32][bytes], [len u32][message], [len u32][signature].
 * The worker writes its results into the buffer and transfers it back, so the pool reuses the same
 * few buffers: a fresh ~600 KB ArrayBuffer per chunk is a fresh mmap (zeroed pages, faults, and an
 * munmap when the worker frees it) — measured ≈10 µs per verify of extra cost.
 */
import type { CryptoProvider } from '../crypto/provider.js';
import type { Scheme } from '../receipt.js';
import type { VerifyJob } from '../verify-job.js';
import { verifySigned } from '../verify-job.js';

const SCHEME_CODES: readonly Scheme[] = ['p256', 'ed25519', 'bls'];

/** Bytes `packJobs` needs for jobs[start, end). */
function packedSize(jobs: readonly VerifyJob[], start: number, end: number): number {
  let size = 4 + (end - start);
  for (let i = start; i < end; i += 1) {
    const job = jobs[i]!;
    size += 4 + 8 + job.message.length + (job.messageSuffix?.length ?? 0) + job.signature.length;
    for (const key of job.publicKeys) size += 4 + key.length;
  }
  return size;
}

/**
 * Packs jobs[start, end) into the buffer `allocate` gives for the bytes they need (a new one by
 * default; the verify pool hands out a reused one of at least that size).
 */
export function packJobs(
  jobs: readonly VerifyJob[],
  start: number,
  end: number,
  allocate: (bytes: number) => ArrayBuffer = (bytes) => new ArrayBuffer(bytes),
): ArrayBuffer {
  const size = packedSize(jobs, start, end);
  const buffer = allocate(size);
  if (buffer.byteLength < size) throw new RangeError(`packJobs: buffer of ${buffer.byteLength} bytes, ${size} needed`);
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  let offset = 0;
  view.setUint32(offset, end - start);
  offset += 4 + (end - start);
  const put = (part: Uint8Array) => {
    view.setUint32(offset, part.length);
    bytes.set(part, offset + 4);
    offset += 4 + part.length;
  };
  for (let i = start; i < end; i += 1) {
    const job = jobs[i]!;
    view.setUint8(offset, SCHEME_CODES.indexOf(job.scheme));
    view.setUint8(offset + 1, job.aggregate ? 1 : 0);
    view.setUint16(offset + 2, job.publicKeys.length);
    offset += 4;
    for (const key of job.publicKeys) put(key);
    // The signed message in one piece: message ‖ suffix.
    const suffix = job.messageSuffix;
    if (suffix === undefined) put(job.message);
    else {
      view.setUint32(offset, job.message.length + suffix.length);
      bytes.set(job.message, offset + 4);
      bytes.set(suffix, offset + 4 + job.message.length);
      offset += 4 + job.message.length + suffix.length;
    }
    put(job.signature);
  }
  return buffer;
}

/** One job as laid out in a packed buffer: views into it, nothing copied. */
type PackedJobVisitor = (
  index: number,
  scheme: Scheme,
  aggregate: boolean,
  publicKeys: readonly Uint8Array[],
  message: Uint8Array,
  signature: Uint8Array,
) => void;

/** Walks the jobs of a packed buffer in order. */
function forEachPackedJob(buffer: ArrayBuffer, visit: PackedJobVisitor): void {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  let offset = 0;
  const count = view.getUint32(offset);
  offset += 4 + count;
  const take = () => {
    const length = view.getUint32(offset);
    const part = bytes.subarray(offset + 4, offset + 4 + length);
    offset += 4 + length;
    return part;
  };
  for (let i = 0; i < count; i += 1) {
    const scheme = SCHEME_CODES[view.getUint8(offset)] ?? 'p256';
    const aggregate = view.getUint8(offset + 1) === 1;
    const keyCount = view.getUint16(offset + 2);
    offset += 4;
    const publicKeys: Uint8Array[] = [];
    for (let k = 0; k < keyCount; k += 1) publicKeys.push(take());
    const message = take();
    visit(i, scheme, aggregate, publicKeys, message, take());
  }
}

export function unpackJobs(buffer: ArrayBuffer): VerifyJob[] {
  const jobs: VerifyJob[] = [];
  forEachPackedJob(buffer, (_, scheme, aggregate, publicKeys, message, signature) =>
    jobs.push({ scheme, aggregate, publicKeys, message, signature }),
  );
  return jobs;
}

/**
 * Verifies every job of a packed buffer and writes its results into the buffer's result area: what
 * `runVerifyJobs(provider, null, unpackJobs(buffer))` gives, without building job objects (the
 * worker's per-job overhead besides the signature check itself was ≈6 % of its time).
 */
export function verifyPacked(provider: CryptoProvider, buffer: ArrayBuffer): void {
  const results = packedResults(buffer);
  forEachPackedJob(buffer, (i, scheme, aggregate, publicKeys, message, signature) => {
    results[i] = verifySigned(provider, scheme, aggregate, publicKeys, message, signature) ? 1 : 0;
  });
}

/** Where the worker writes job i's result (1 = verified) in a packed buffer. */
export function packedResults(buffer: ArrayBuffer): Uint8Array {
  return new Uint8Array(buffer, 4, new DataView(buffer).getUint32(0));
}
