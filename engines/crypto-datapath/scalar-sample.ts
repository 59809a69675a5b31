/**
 * The fixed sample of scalars timings are averaged over: uniform in [1, n) from a named seeded
 * stream, so the same request always gives the same figures. ECDSA's u1 = h/s, u2 = r/s and the
 * nonce k are uniform mod n, so a uniform sample is their distribution.
 */
import { RandomStream } from '../../sim/prng.js';
import type { CryptoScalars } from './plan.js';

/** The order of the P-256 group (FIPS 186-4, D.1.2.3). */
export const P256_ORDER = 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n;

function uniformScalar(stream: RandomStream): bigint {
  for (;;) {
    let value = 0n;
    for (let i = 0; i < 8; i++) value = (value << 32n) | BigInt(stream.nextUint32());
    // Rejection instead of `mod n` keeps the draw exactly uniform (n is close to 2^256 anyway).
    if (value > 0n && value < P256_ORDER) return value;
  }
}

export function scalarSample(op: 'verify' | 'sign', count: number, seed: number): CryptoScalars[] {
  const stream = new RandomStream(`crypto-datapath/${op}-scalars`, seed);
  const sample: CryptoScalars[] = [];
  for (let i = 0; i < count; i++) {
    sample.push(
      op === 'verify' ? { op, u1: uniformScalar(stream), u2: uniformScalar(stream) } : { op, k: uniformScalar(stream) },
    );
  }
  return sample;
}
