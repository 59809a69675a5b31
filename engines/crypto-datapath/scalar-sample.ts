/**
 * The fixed sample of scalars timings are averaged over: uniform in [1, n) from a named seeded
 * stream, so the same request always gives the same figures. ECDSA's u1 = h/s, u2 = r/s and the
 * nonce k are uniform mod n; Ed25519's S, −k mod L and the nonce r are uniform mod L: a uniform
 * sample is their distribution.
 */
import { RandomStream } from '../../sim/prng.js';
import type { CurveModel } from './curves.js';
import type { CryptoScalars } from './plan.js';

function uniformScalar(stream: RandomStream, curve: CurveModel): bigint {
  const mask = (1n << BigInt(curve.scalarBits)) - 1n;
  for (;;) {
    let value = 0n;
    for (let i = 0; i < 8; i++) value = (value << 32n) | BigInt(stream.nextUint32());
    // Rejection instead of `mod order` keeps the draw exactly uniform.
    value &= mask;
    if (value > 0n && value < curve.groupOrder) return value;
  }
}

export function scalarSample(curve: CurveModel, op: 'verify' | 'sign', count: number, seed: number): CryptoScalars[] {
  const prefix = curve.scheme === 'p256' ? '' : `${curve.scheme}-`;
  const stream = new RandomStream(`crypto-datapath/${prefix}${op}-scalars`, seed);
  const sample: CryptoScalars[] = [];
  for (let i = 0; i < count; i++) {
    sample.push(
      op === 'verify'
        ? { op, u1: uniformScalar(stream, curve), u2: uniformScalar(stream, curve) }
        : { op, k: uniformScalar(stream, curve) },
    );
  }
  return sample;
}
