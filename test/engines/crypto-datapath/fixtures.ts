/** Seeded test material: P-256 keys, messages and signatures made with noble, never Math.random. */
import { p256 } from '@noble/curves/nist.js';
import { numberToBytesBE } from '@noble/curves/utils.js';
import { RandomStream } from '../../../sim/prng.js';

const N = p256.Point.Fn.ORDER;

export function uniformScalar(stream: RandomStream): bigint {
  for (;;) {
    let value = 0n;
    for (let i = 0; i < 8; i++) value = (value << 32n) | BigInt(stream.nextUint32());
    if (value > 0n && value < N) return value;
  }
}

export interface SignedMessage {
  readonly message: Uint8Array;
  readonly signature: Uint8Array;
  readonly publicKey: Uint8Array;
}

export function signedMessages(count: number, seed: number): SignedMessage[] {
  const stream = new RandomStream('crypto-datapath-test/signatures', seed);
  const out: SignedMessage[] = [];
  for (let i = 0; i < count; i++) {
    const secretKey = numberToBytesBE(uniformScalar(stream), 32);
    const message = Uint8Array.from({ length: 1 + stream.int(64) }, () => stream.int(256));
    out.push({ message, signature: p256.sign(message, secretKey), publicKey: p256.getPublicKey(secretKey) });
  }
  return out;
}

export function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[(bit >> 3) % copy.length]! ^= 1 << (bit & 7);
  return copy;
}
