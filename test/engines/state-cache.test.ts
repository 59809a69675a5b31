/**
 * The DB engine's state cache: LRU within a set, writes allocate without a miss, and the hit rate
 * follows the access stream — it rises with the cache's size and falls with the state's size.
 */
import { describe, expect, it } from 'vitest';
import { emptyReceipt, listStateKey } from '../../ledger/receipt.js';
import { StateCache } from '../../engines/state-cache.js';
import { RandomStream } from '../../sim/prng.js';

function accesses(keys: string[], write = false): number[] {
  const receipt = emptyReceipt();
  for (const key of keys) listStateKey(receipt, key, write);
  return receipt.stateKeys;
}

/** Reads of uniformly drawn keys out of `stateKeys`, after one pass that warms the cache. */
function uniformHitRate(entries: number, ways: number, stateKeys: number, reads: number): number {
  const cache = new StateCache(entries, ways);
  const names = Array.from({ length: stateKeys }, (_, i) => `bank\u0000acct${i}`);
  cache.access(accesses(names));
  const before = cache.stats();
  const draws = new RandomStream('test/state-cache', 7);
  const keys = Array.from({ length: reads }, () => names[draws.int(stateKeys)] as string);
  cache.access(accesses(keys));
  const after = cache.stats();
  return (after.readHits - before.readHits) / (after.reads - before.reads);
}

describe('state cache', () => {
  it('fully associative: evicts the least recently used key', () => {
    const cache = new StateCache(2, 2);
    expect(cache.access(accesses(['a', 'b', 'a', 'c']))).toBe(3); // a, b, c miss; a hits
    // c evicted b (a was used more recently): a and c hit, b misses.
    expect(cache.access(accesses(['a', 'c', 'b']))).toBe(1);
    expect(cache.stats()).toEqual({ reads: 7, readHits: 3, hitRate: 3 / 7 });
  });

  it('a write allocates its key without counting a miss, and a later read hits', () => {
    const cache = new StateCache(1024, 8);
    expect(cache.access(accesses(['k1', 'k2'], true))).toBe(0);
    expect(cache.stats().reads).toBe(0);
    expect(cache.access(accesses(['k1', 'k2']))).toBe(0);
    expect(cache.stats().hitRate).toBe(1);
  });

  it('set-associative: a set holds only `ways` keys', () => {
    // Two sets of one way (direct-mapped): at most two of five distinct keys survive a pass.
    const direct = new StateCache(2, 1);
    const names = ['x', 'y', 'z', 'w', 'v'];
    direct.access(accesses(names));
    expect(direct.access(accesses(names))).toBeGreaterThanOrEqual(3);
  });

  it('uniform reads: the hit rate is near entries / keys, rises with cache size and falls with state size', () => {
    const small = uniformHitRate(4_096, 8, 16_384, 40_000);
    const large = uniformHitRate(8_192, 8, 16_384, 40_000);
    const biggerState = uniformHitRate(4_096, 8, 32_768, 40_000);
    expect(small).toBeGreaterThan(0.2);
    expect(small).toBeLessThan(0.3); // ≈ 4,096 / 16,384 (set conflicts cost a little)
    expect(large).toBeGreaterThan(small + 0.15);
    expect(biggerState).toBeLessThan(small - 0.08);
    // A cache that holds the whole state hits on every read after the warm-up.
    expect(uniformHitRate(32_768, 8, 16_384, 20_000)).toBeGreaterThan(0.99);
  });

  it('a cache warmed like another of its shape misses exactly where one warmed itself does', () => {
    const names = Array.from({ length: 3_000 }, (_, i) => `bank\u0000acct${i}`);
    const warmKeys = accesses(names, true);
    const draws = new RandomStream('test/state-cache/warm-like', 1);
    const reads = accesses(Array.from({ length: 2_000 }, () => names[draws.int(names.length)] as string));
    for (const [entries, ways] of [
      [1_024, 4],
      [1_024, 1_024],
    ] as const) {
      const warmed = new StateCache(entries, ways);
      warmed.warm(warmKeys);
      const itself = new StateCache(entries, ways);
      itself.warm(warmKeys);
      const like = new StateCache(entries, ways);
      like.warmLike(warmed, warmKeys);
      // Another shape cannot be copied: it warms itself.
      const other = new StateCache(entries / 2, ways === 4 ? 4 : entries / 2);
      other.warmLike(warmed, warmKeys);
      const otherItself = new StateCache(entries / 2, ways === 4 ? 4 : entries / 2);
      otherItself.warm(warmKeys);
      expect(like.access(reads)).toBe(itself.access(reads));
      expect(like.stats()).toEqual(itself.stats());
      expect(other.access(reads)).toBe(otherItself.access(reads));
      expect(itself.stats().readHits).toBeGreaterThan(0);
    }
  });

  it('refuses a size it cannot hold', () => {
    expect(() => new StateCache(0, 8)).toThrow(/entries/);
    expect(() => new StateCache(2_000_000, 2_000_000)).toThrow(/fully associative/);
  });
});
