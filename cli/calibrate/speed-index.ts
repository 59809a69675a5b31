/**
 * The host's speed index: the time of one reference operation that mixes the work that dominates a
 * ledger run (a P-256 sign and verify, SHA-256 of 1 KiB, msgpack of a small tuple), as a median of
 * short trials. Why: on a shared virtual machine the same code runs up to ≈45 % slower for minutes at
 * a time (measured here: P-256 sign 59 µs at one moment, 92 µs a few minutes later), so costs
 * measured at different moments are normalised to one speed, and `bpusim validate` rescales them to
 * the speed of the moment it measures. Host figure only.
 */
import { createHash } from 'node:crypto';
import { createCryptoProvider } from '../../ledger/crypto/index.js';
import { packValue } from '../../ledger/codec.js';
import { measure } from './measure.js';

const provider = createCryptoProvider('node');
const keys = [1, 2, 3].map((i) => provider.keyPairFromSeed('p256', new Uint8Array(32).fill(i)));
const messages = Array.from({ length: 16 }, (_, i) => new Uint8Array(32).fill(i + 1));
const kib = new Uint8Array(1024).fill(5);

export async function hostSpeedIndexNs(trials = 5, trialMs = 60): Promise<number> {
  let turn = 0;
  const m = await measure((ops) => {
    for (let i = 0; i < ops; i += 1, turn += 1) {
      const key = keys[turn % 3]!;
      const message = messages[turn % 16]!;
      const signature = provider.sign(key, message);
      provider.verify('p256', key.publicKey, message, signature);
      createHash('sha256').update(kib).digest();
      packValue([turn, 'speed-index', kib.subarray(0, 64)]);
    }
  }, { trials, trialMs });
  return m.nsPerOp;
}
