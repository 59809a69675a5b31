/**
 * The in-memory world state keeps its sorted key list (range reads) in step with its entries
 * whether a batch changes a few keys (spliced in place) or many (sorted and merged): checked
 * against a plain sorted model over random batches of both sizes, with deletions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryWorldState } from '../../ledger/state/memory-state.js';
import type { StateUpdate } from '../../ledger/state/world-state.js';

const savepoint = (blockNum: number) => ({
  blockNum,
  stateHashLanes: new Uint8Array(32),
  blockHash: new Uint8Array(32),
});

describe('memory world state', () => {
  it('range reads match a sorted model after small and large batches with deletions', () => {
    const key = fc.string({ minLength: 1, maxLength: 6 });
    const batch = fc.uniqueArray(fc.record({ key, remove: fc.boolean() }), {
      selector: (u) => u.key,
      maxLength: 300,
      size: 'max',
    });
    fc.assert(
      fc.property(fc.array(batch, { maxLength: 6 }), (batches) => {
        const state = new MemoryWorldState();
        const model = new Map<string, number>();
        batches.forEach((updates, blockNum) => {
          const version = { blockNum, txNum: 0 };
          const stateUpdates: StateUpdate[] = updates.map((u) => ({
            key: u.key,
            value: u.remove ? null : Uint8Array.of(blockNum),
            version,
          }));
          state.commit({ updates: stateUpdates, txIds: [], savepoint: savepoint(blockNum) });
          for (const u of updates) {
            if (u.remove) model.delete(u.key);
            else model.set(u.key, blockNum);
          }
        });
        const expected = [...model.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        const got = [...state.range('', '\uffff')].map(([k, v]) => {
          expect(v.value[0]).toBe(model.get(k));
          return k;
        });
        expect(got).toEqual(expected.filter((k) => k < '\uffff'));
        expect(state.size).toBe(model.size);
        // A window inside the key space.
        const inside = [...state.range('b', 'm')].map(([k]) => k);
        expect(inside).toEqual(expected.filter((k) => k >= 'b' && k < 'm'));
      }),
      { numRuns: 150 },
    );
  });
});
