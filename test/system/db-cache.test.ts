/**
 * The DB engine's cache driven by the ledger's own reads (issue 19): on the same SmallBank
 * workload, the hit rate a run reports rises with the cache's size and falls as the state grows,
 * misses cost the DB engine time, and the cache starts with the genesis writes its engine made.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArchitecture } from '../../system/index.js';
import { quietRun } from './_fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bpusim-db-cache-'));

function run(cacheEntries: number, keys: number) {
  const base = loadArchitecture('bpu-2019');
  const {
    cacheHitRatio: _ratio,
    missNs: _miss,
    ...db
  } = base.engines.db ?? { lanes: 1, getNs: 1, putNs: 1, rangeRowNs: 1 };
  const name = `cache-${cacheEntries}-${keys}`;
  const file = join(dir, `${name}.json`);
  const arch = {
    ...base,
    name,
    engines: {
      ...base.engines,
      db: {
        ...db,
        cache: { sizeBytes: cacheEntries * 256, entryBytes: 256, ways: 8 },
        backing: { latencyNs: 10_000, gbps: 25 },
      },
    },
  };
  writeFileSync(file, JSON.stringify(arch));
  const result = quietRun({ arch: file, baseline: 'none', workload: 'smallbank', keys, rate: 4_000, duration: '300ms' })
    .results.arch;
  const dbBusy = result.engines
    .filter((e) => e.engine === 'db' && e.node.startsWith('peer'))
    .reduce((sum, e) => sum + (e.runUtilisation ?? 0), 0);
  return { result, hitRate: result.dbCache?.hitRate ?? Number.NaN, dbBusy };
}

describe('DB engine cache driven by the keys the ledger reads', () => {
  const small = run(512, 1_000);
  const large = run(8_192, 1_000);
  const biggerState = run(512, 4_000);

  it('reports reads and a hit rate per run', () => {
    const cache = small.result.dbCache;
    expect(cache).toBeDefined();
    expect(cache?.reads).toBeGreaterThan(small.result.committedTxs);
    expect(cache?.readHits).toBeLessThanOrEqual(cache?.reads ?? 0);
  });

  it('the hit rate rises with the cache size and falls with the state size', () => {
    expect(large.hitRate).toBeGreaterThan(small.hitRate + 0.15);
    expect(biggerState.hitRate).toBeLessThan(small.hitRate - 0.05);
  });

  it('misses cost the DB engine time', () => {
    expect(small.dbBusy).toBeGreaterThan(large.dbBusy);
    expect(small.result.committedTxs).toBeGreaterThan(0);
  });

  it('starts with the genesis writes: a cache that holds the whole state hits on every read', () => {
    expect(large.hitRate).toBe(1);
  });
});
