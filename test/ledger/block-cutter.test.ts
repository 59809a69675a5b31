/**
 * Fabric's block cutter rules: MaxMessageCount cuts, PreferredMaxBytes cuts before overflow, an
 * oversize envelope travels alone, and `cutNow` (the simulator's batch timeout) empties the batch.
 */
import { describe, expect, it } from 'vitest';
import { BlockCutter } from '../../ledger/block-cutter.js';

const env = (size: number) => new Uint8Array(size);

describe('block cutter', () => {
  it('cuts at MaxMessageCount', () => {
    const cutter = new BlockCutter({ maxMessageCount: 3, absoluteMaxBytes: 1000, preferredMaxBytes: 1000 });
    expect(cutter.ordered(env(10))).toEqual([]);
    expect(cutter.ordered(env(10))).toEqual([]);
    expect(cutter.ordered(env(10)).map((b) => b.length)).toEqual([3]);
    expect(cutter.pendingCount).toBe(0);
  });

  it('cuts the pending batch before it would exceed PreferredMaxBytes', () => {
    const cutter = new BlockCutter({ maxMessageCount: 10, absoluteMaxBytes: 1000, preferredMaxBytes: 100 });
    cutter.ordered(env(60));
    expect(cutter.ordered(env(50)).map((b) => b.length)).toEqual([1]);
    expect(cutter.pendingCount).toBe(1);
    expect(cutter.pendingSizeBytes).toBe(50);
  });

  it('an envelope over PreferredMaxBytes goes alone, after the pending batch', () => {
    const cutter = new BlockCutter({ maxMessageCount: 10, absoluteMaxBytes: 1000, preferredMaxBytes: 100 });
    cutter.ordered(env(10));
    expect(cutter.ordered(env(200)).map((b) => b.map((e) => e.length))).toEqual([[10], [200]]);
    expect(cutter.pendingCount).toBe(0);
  });

  it('cut() returns and empties the pending batch', () => {
    const cutter = new BlockCutter({ maxMessageCount: 10, absoluteMaxBytes: 1000, preferredMaxBytes: 100 });
    cutter.ordered(env(10));
    expect(cutter.cut().length).toBe(1);
    expect(cutter.cut().length).toBe(0);
  });
});
