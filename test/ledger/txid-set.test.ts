import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TxIdSet } from '../../ledger/state/txid-set.js';

const txId = (n: number): string => createHash('sha256').update(`tx-${n}`).digest('hex');

describe('TxIdSet (the in-memory tx-id index)', () => {
  it('answers exactly as a Set<string> for hex ids, malformed ids and the all-zero id', () => {
    const hexId = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
    // A narrow alphabet so some generated ids repeat and some collide in their first bytes.
    const nearId = fc.constantFrom('00', 'ab', 'ff').chain((head) => fc.uint8Array({ minLength: 31, maxLength: 31, max: 3 }).map((b) => head + Buffer.from(b).toString('hex')));
    const anyId = fc.oneof(hexId, nearId, fc.string(), fc.constant('0'.repeat(64)), fc.constant('A'.repeat(64)));
    fc.assert(
      fc.property(fc.array(anyId, { maxLength: 300 }), fc.array(anyId, { maxLength: 50 }), (added, probed) => {
        const set = new TxIdSet();
        const reference = new Set<string>();
        for (const id of added) {
          set.add(id);
          reference.add(id);
        }
        expect(set.size).toBe(reference.size);
        for (const id of [...added, ...probed]) expect(set.has(id)).toBe(reference.has(id));
        expect([...set.values()].sort()).toEqual([...reference].sort());
      }),
      { numRuns: 200 },
    );
  });

  it('keeps every id through many segment resizes, at under 90 bytes per id', () => {
    const set = new TxIdSet();
    const count = 50_000;
    for (let n = 0; n < count; n += 1) set.add(txId(n));
    set.add(txId(7)); // a duplicate is not counted twice
    expect(set.size).toBe(count);
    for (let n = 0; n < count; n += 1) expect(set.has(txId(n))).toBe(true);
    for (let n = count; n < count + 1000; n += 1) expect(set.has(txId(n))).toBe(false);
    expect(set.tableBytes / count).toBeLessThan(90);
  });
});
