import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryWorldState } from '../../ledger/state/memory-state.js';
import { TxIdSet } from '../../ledger/state/txid-set.js';

const txId = (n: number): string => createHash('sha256').update(`tx-${n}`).digest('hex');

describe('TxIdSet (the in-memory tx-id index)', () => {
  it('answers exactly as a Set<string> for hex ids, malformed ids and the all-zero id', () => {
    const hexId = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => Buffer.from(b).toString('hex'));
    // A narrow alphabet so some generated ids repeat and some collide in their first bytes.
    const nearId = fc
      .constantFrom('00', 'ab', 'ff')
      .chain((head) =>
        fc.uint8Array({ minLength: 31, maxLength: 31, max: 3 }).map((b) => head + Buffer.from(b).toString('hex')),
      );
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

  it('keeps every id through many segment resizes, at under 100 bytes per id', () => {
    const set = new TxIdSet();
    const count = 50_000;
    for (let n = 0; n < count; n += 1) set.add(txId(n));
    set.add(txId(7)); // a duplicate is not counted twice
    expect(set.size).toBe(count);
    for (let n = 0; n < count; n += 1) expect(set.has(txId(n))).toBe(true);
    for (let n = count; n < count + 1000; n += 1) expect(set.has(txId(n))).toBe(false);
    expect(set.tableBytes / count).toBeLessThan(100);
  });

  it('keeps the first block of each id; values(before) lists the ids below a height', () => {
    const set = new TxIdSet();
    set.add(txId(1), 3);
    set.add(txId(1), 9); // re-added later (a duplicate): keeps block 3
    set.add('not-hex', 5);
    set.add('0'.repeat(64), 7);
    expect([
      set.firstBlock(txId(1)),
      set.firstBlock('not-hex'),
      set.firstBlock('0'.repeat(64)),
      set.firstBlock(txId(2)),
    ]).toEqual([3, 5, 7, -1]);
    expect([...set.values(4)]).toEqual([txId(1)]);
    expect([...set.values(8)].sort()).toEqual(['0'.repeat(64), 'not-hex', txId(1)].sort());
    expect(() => set.add(txId(3), -1)).toThrow(RangeError);
  });

  it("shared by two peers' states, each sees only the ids of the blocks it has committed", () => {
    const shared = new TxIdSet();
    const ahead = new MemoryWorldState({ sharedTxIds: shared });
    const behind = new MemoryWorldState({ sharedTxIds: shared });
    const commit = (state: MemoryWorldState, blockNum: number) =>
      state.commit({
        updates: [],
        txIds: [txId(blockNum * 10), txId(blockNum * 10 + 1)],
        savepoint: { blockNum, stateHashLanes: new Uint8Array(32), blockHash: new Uint8Array(32) },
      });
    for (const blockNum of [0, 1, 2]) commit(ahead, blockNum);
    commit(behind, 0);
    expect([
      ahead.hasTxId(txId(21)),
      behind.hasTxId(txId(1)),
      behind.hasTxId(txId(10)),
      behind.hasTxId(txId(21)),
    ]).toEqual([true, true, false, false]);
    expect([...behind.txIds()].sort()).toEqual([txId(0), txId(1)].sort());
    commit(behind, 1);
    expect([behind.hasTxId(txId(11)), behind.hasTxId(txId(20))]).toEqual([true, false]);
    expect(shared.size).toBe(6);
  });
});
