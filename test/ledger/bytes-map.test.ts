/**
 * BytesMap (the crypto providers' per-key cache and the MSP's identity cache, looked up by bytes): the same answers as a Map
 * keyed by the bytes' hex under random sets and gets (colliding fingerprints included: keys that share
 * their last bytes), copies of stored keys (a caller's buffer may be reused), and when bounded it
 * forgets but never answers with another key's value.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BytesMap } from '../../ledger/bytes-map.js';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
// Keys of 13-20 bytes over a tiny alphabet: many share the 12 fingerprinted bytes and differ before them.
const keyArb = fc.uint8Array({ minLength: 13, maxLength: 20 }).map((bytes) => bytes.map((b) => b & 1));
const opArb = fc.tuple(fc.boolean(), keyArb, fc.nat());

describe('BytesMap', () => {
  it('answers as a Map keyed by hex', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const map = new BytesMap<number>(1 << 20);
        const oracle = new Map<string, number>();
        for (const [isSet, key, value] of ops) {
          if (isSet) {
            map.set(key, value);
            oracle.set(hex(key), value);
          } else expect(map.get(key)).toBe(oracle.get(hex(key)));
        }
        for (const [, key] of ops) expect(map.get(key)).toBe(oracle.get(hex(key)));
      }),
    );
  });

  it('stores a copy of the key', () => {
    const map = new BytesMap<string>(8);
    const key = Uint8Array.of(4, 1, 2, 3);
    map.set(key, 'a');
    key[1] = 9;
    expect(map.get(Uint8Array.of(4, 1, 2, 3))).toBe('a');
    expect(map.get(key)).toBeUndefined();
  });

  it('bounded: may forget, never answers with another value', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 300 }), (ops) => {
        const map = new BytesMap<number>(4);
        const latest = new Map<string, number>();
        for (const [isSet, key, value] of ops) {
          if (isSet) {
            map.set(key, value);
            latest.set(hex(key), value);
          } else {
            const got = map.get(key);
            if (got !== undefined) expect(got).toBe(latest.get(hex(key)));
          }
        }
      }),
    );
  });
});
