/**
 * The consensus helpers against the real codec: the computed canonical size of a message equals the
 * length of its msgpack encoding, and the streamed batch digest equals SHA-256 of the encoded list,
 * with the same receipt counts — checked by fast-check over random values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  batchDigest,
  canonicalSize,
  encodedSize,
  TX_ID_BYTES,
  toCanonical,
} from '../../../ledger/consensus/_common.js';
import { encode } from '../../../ledger/codec.js';
import { sha256, toHex } from '../../../ledger/hash.js';
import { emptyReceipt } from '../../../ledger/receipt.js';

const leaf = fc.oneof(
  fc.integer({ min: -(2 ** 40), max: 2 ** 40 }),
  fc.integer({ min: -200, max: 70_000 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((x) => !Number.isInteger(x)),
  fc.string({ maxLength: 300 }),
  fc.constantFrom(true, false, null),
  fc.uint8Array({ maxLength: 600 }),
  fc.constant(new Uint8Array(70_000)),
);
const value = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('node'), { maxLength: 20 }),
    fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), tie('node'), { maxKeys: 18 }),
  ),
})).node;

const encodedLength = (value: unknown): number => encode(toCanonical(value), emptyReceipt()).length;

describe('consensus helpers', () => {
  it('canonicalSize equals the encoded length', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(canonicalSize(v)).toBe(encode(toCanonical(v), emptyReceipt()).length);
      }),
      { numRuns: 300, seed: 7 },
    );
  });

  it('batchDigest is SHA-256 of the encoded envelope list, counted the same', () => {
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ maxLength: 300 }), { maxLength: 40 }), (envelopes) => {
        const streamed = emptyReceipt();
        const built = emptyReceipt();
        expect(batchDigest(envelopes, streamed)).toBe(toHex(sha256(encode(envelopes, built), built)));
        expect(streamed).toEqual(built);
      }),
      { numRuns: 200, seed: 8 },
    );
    const big = [new Uint8Array(70_000), new Uint8Array(300)];
    const list = Array.from({ length: 20 }, (_, i) => new Uint8Array(i));
    for (const envelopes of [big, list, []])
      expect(batchDigest(envelopes, emptyReceipt())).toBe(
        toHex(sha256(encode(envelopes, emptyReceipt()), emptyReceipt())),
      );
  });

  it('ordering ids only: replicated envelope lists are sized as the encoding of their ids; payload carriers are not', () => {
    const envelopes = fc.array(fc.uint8Array({ minLength: 1, maxLength: 3_000 }), { maxLength: 40 });
    fc.assert(
      fc.property(envelopes, fc.integer({ min: 0, max: 1e6 }), (list, term) => {
        const ids = list.map(() => new Uint8Array(TX_ID_BYTES));
        const entries = (l: Uint8Array[]) => [{ term, envelopes: l }];
        const append = { type: 'raft/append', from: 0, term, prevIndex: 3, entries: entries(list) };
        const asIds = { ...append, entries: entries(ids) };
        expect(encodedSize(append, emptyReceipt(), true)).toBe(encodedLength(asIds));
        const prePrepare = { type: 'pbft/pre-prepare', from: 1, seq: term, batch: list };
        expect(encodedSize(prePrepare, emptyReceipt(), true)).toBe(encodedLength({ ...prePrepare, batch: ids }));
        const forward = { type: 'raft/forward', from: 2, envelopes: list };
        expect(encodedSize(forward, emptyReceipt(), true)).toBe(encodedLength(forward));
      }),
      { numRuns: 100 },
    );
  });
});
