/**
 * `bpusim study` (issue 17): the committed study is what the code produces. The quick study is
 * regenerated here on this thread and must match docs/study/quick byte for byte, which was written
 * with worker threads (`bpusim study --quick --out docs/study/quick`, 2 workers): the result does
 * not depend on the worker count. A model change that moves it must regenerate it. The full one
 * must hold the ablation's 14 rows, each with a capacity and a bottleneck, the four presets on
 * every case, and every other section.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type StudyResult, studyCharts, studyMarkdown } from '../../reports/study.js';
import { FULL_STUDY, QUICK_STUDY, runStudy } from '../../system/study.js';
import { StudyCache } from '../../system/study-cache.js';
import type { StudyScenario, StudyTaskResult } from '../../system/study-tasks.js';
import { loadTopology } from '../../system/topology.js';
import { loadArchitecture } from '../../engines/architecture.js';

const docs = new URL('../../docs/study/', import.meta.url).pathname;

describe('the study', () => {
  it('regenerates the committed quick study byte for byte, and again from its task cache', {
    timeout: 180_000,
  }, async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'bpusim-study-cache-'));
    try {
      const progress: string[] = [];
      const cold = await runStudy(QUICK_STUDY, { workers: 0, cache: new StudyCache(cacheDir) });
      const json = `${JSON.stringify(cold, null, 2)}\n`;
      expect(json).toBe(readFileSync(`${docs}quick/study.json`, 'utf8'));
      expect(studyMarkdown(cold)).toBe(readFileSync(`${docs}quick/README.md`, 'utf8'));
      for (const [name, svg] of Object.entries(studyCharts(cold)))
        expect(svg).toBe(readFileSync(`${docs}quick/${name}`, 'utf8'));
      // Every task is now on disk: the second study runs none and says so, with the same result.
      const warm = await runStudy(QUICK_STUDY, {
        workers: 0,
        cache: new StudyCache(cacheDir),
        progress: (line) => progress.push(line),
      });
      expect(`${JSON.stringify(warm, null, 2)}\n`).toBe(json);
      expect(progress.length).toBeGreaterThan(5);
      expect(progress.filter((line) => !line.endsWith('(cached)'))).toEqual([]);
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  it('a task cache returns only the result of its own task and skips an entry it cannot read', () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'bpusim-study-cache-'));
    try {
      const cache = new StudyCache(cacheDir);
      const scenario: StudyScenario = {
        arch: loadArchitecture('cpu-64core'),
        scheme: 'p256',
        workload: 'kv',
        keys: 1_000,
        topology: loadTopology('dc'),
        ordering: 'solo',
        seed: 1,
      };
      const task = { kind: 'run', scenario, rateTps: 1_000, runLength: { blocks: 8, arrivals: 400 } } as const;
      const other = { ...task, rateTps: 2_000 };
      const result = { kind: 'run', result: { committedTps: 999 } } as unknown as StudyTaskResult;
      expect(cache.get(task)).toBeUndefined();
      cache.put(task, result);
      expect(cache.get(task)).toEqual(result);
      expect(cache.get(other)).toBeUndefined();
      // A torn or foreign entry is recomputed, not trusted.
      const [name] = readdirSync(cacheDir);
      writeFileSync(join(cacheDir, name as string), '{"kind": "run", "resu');
      expect(cache.get(task)).toBeUndefined();
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });

  // The full study takes over an hour here; until its regeneration with this code is committed
  // (docs/study/study.json) there is nothing to check, and the skip says so.
  it.skipIf(!existsSync(`${docs}study.json`))(
    'the full study has the 14 ablation rows and the four presets, and renders as committed',
    () => {
      const full = JSON.parse(readFileSync(`${docs}study.json`, 'utf8')) as StudyResult;
      // Not stale: it was run with the full study's configuration as the code has it now.
      expect(full.config).toEqual({ ...FULL_STUDY, cpuBase: 'cpu-64core', bpuFull: FULL_STUDY.bpuBase });
      const rows = [...full.ablation.added, ...full.ablation.removed];
      expect(rows).toHaveLength(14);
      expect(full.ablation.added.map((r) => r.remedy)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      expect(full.ablation.removed.map((r) => r.remedy)).toEqual([1, 2, 3, 4, 5, 6, 7]);
      for (const row of rows) {
        expect(row.capacityTps).toBeGreaterThanOrEqual(0);
        expect(row.bottleneck).not.toBe('');
      }
      for (const p of full.presets)
        expect(p.rows.map((r) => r.label)).toEqual(['cpu-64core', 'cpu-64core-paper', 'bpu-2019', 'bpu-1m']);
      expect(full.presets.map((p) => p.keys)).toEqual([100_000, 1_000_000, 100_000, 10_000]);
      // The contended case: its capacity counts the conflicts, its VALID column does not.
      for (const r of full.presets[3]?.rows ?? []) expect(r.validTps ?? 0).toBeLessThanOrEqual(r.capacityTps);
      expect(full.blockSizes.flatMap((b) => b.rows.map((r) => r.maxMessageCount))).toEqual([
        100, 500, 2000, 100, 500, 2000,
      ]);
      expect(full.pbft).toHaveLength(4);
      expect(full.orgs.rows).toHaveLength(2 * 4 * 2);
      expect(full.migration.map((m) => m.points.length > 1)).toEqual([true, true, true, true]);
      expect(full.sensitivity?.rows.length).toBeGreaterThan(40);
      for (const [name, svg] of Object.entries(studyCharts(full)))
        expect(svg).toBe(readFileSync(`${docs}${name}`, 'utf8'));
      expect(studyMarkdown(full)).toBe(readFileSync(`${docs}README.md`, 'utf8'));
    },
  );
});
