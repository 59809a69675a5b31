/**
 * Seeded pseudo-random streams. Each component draws from its own stream, named after it
 * ("client/3/arrivals", "peer/Org1/0/service"); a stream's state is derived from the root seed and
 * its name alone, so adding a component or drawing more in one stream never shifts another's draws.
 *
 * Generator: xoshiro128** (Blackman & Vigna), 32-bit arithmetic that JS runs at full speed,
 * period 2^128 − 1; doubles take 53 bits from two outputs. State: the first 128 bits of
 * SHA-256(seed, name), so streams with similar names are unrelated.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { assert } from './errors.js';

export class RandomStream {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;

  constructor(
    readonly name: string,
    seed: number,
  ) {
    assert(Number.isSafeInteger(seed) && seed >= 0, `seed must be a non-negative safe integer, got ${seed}`);
    // SHA-256 of (seed, name) gives 128 independent-looking state bits: streams never collide the
    // way a 32-bit name hash would once a run has thousands of named streams.
    const digest = sha256(new TextEncoder().encode(`bpusim-stream\u0000${seed}\u0000${name}`));
    const words = new DataView(digest.buffer, digest.byteOffset, digest.byteLength);
    this.s0 = words.getUint32(0) | 0;
    this.s1 = words.getUint32(4) | 0;
    this.s2 = words.getUint32(8) | 0;
    this.s3 = words.getUint32(12) | 0;
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number {
    const s1 = this.s1;
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9);
    const t = s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** A uniform double in [0, 1) with 53 random bits. */
  random(): number {
    const high = this.nextUint32() >>> 5;
    const low = this.nextUint32() >>> 6;
    return (high * 67108864 + low) / 9007199254740992;
  }

  /** A uniform double in (0, 1]: safe for log(). */
  randomOpenLow(): number {
    return 1 - this.random();
  }

  /** A uniform integer in [0, n), without modulo bias. */
  int(n: number): number {
    if (!Number.isInteger(n) || !(n > 0) || n > 2 ** 32)
      assert(false, `int(n) needs an integer n in [1, 2^32], got ${n}`);
    if (n === 1) return 0;
    // Rejection sampling on the top of the 32-bit range keeps every outcome equally likely.
    const limit = 2 ** 32 - (2 ** 32 % n);
    for (;;) {
      const x = this.nextUint32();
      if (x < limit) return x % n;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/** The root of a run's randomness: hands out independent named streams. */
export class RandomStreams {
  private readonly streams = new Map<string, RandomStream>();

  constructor(readonly seed: number) {
    assert(Number.isSafeInteger(seed) && seed >= 0, `seed must be a non-negative safe integer, got ${seed}`);
  }

  /** The stream with this name (the same object on every call). */
  stream(name: string): RandomStream {
    let stream = this.streams.get(name);
    if (stream === undefined) {
      stream = new RandomStream(name, this.seed);
      this.streams.set(name, stream);
    }
    return stream;
  }
}
