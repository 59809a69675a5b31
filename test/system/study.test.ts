/**
 * `bpusim study` (issue 17): the committed study is what the code produces. The quick study is
 * regenerated here and must match docs/study/quick byte for byte (a model change that moves it must
 * regenerate it: `bpusim study --quick --out docs/study/quick`); the full one must hold the
 * ablation's 14 rows, each with a capacity and a bottleneck, and the four presets.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type StudyResult, studyCharts, studyMarkdown } from '../../reports/study.js';
import { QUICK_STUDY, runStudy } from '../../system/study.js';

const docs = new URL('../../docs/study/', import.meta.url).pathname;

describe('the study', () => {
  it('regenerates the committed quick study byte for byte', { timeout: 180_000 }, () => {
    const result = runStudy(QUICK_STUDY);
    expect(`${JSON.stringify(result, null, 2)}\n`).toBe(readFileSync(`${docs}quick/study.json`, 'utf8'));
    expect(studyMarkdown(result)).toBe(readFileSync(`${docs}quick/README.md`, 'utf8'));
    for (const [name, svg] of Object.entries(studyCharts(result)))
      expect(svg).toBe(readFileSync(`${docs}quick/${name}`, 'utf8'));
  });

  it('the full study has the 14 ablation rows and the four presets, and renders as committed', () => {
    const full = JSON.parse(readFileSync(`${docs}study.json`, 'utf8')) as StudyResult;
    expect(full.config.quick).toBe(false);
    const rows = [...full.ablation.added, ...full.ablation.removed];
    expect(rows).toHaveLength(14);
    expect(full.ablation.added.map((r) => r.remedy)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(full.ablation.removed.map((r) => r.remedy)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    for (const row of rows) {
      expect(row.capacityTps).toBeGreaterThanOrEqual(0);
      expect(row.bottleneck).not.toBe('');
    }
    expect(full.presets[0]?.rows.map((r) => r.label)).toEqual(['cpu-64core', 'cpu-64core-paper', 'bpu-2019', 'bpu-1m']);
    expect(studyMarkdown(full)).toBe(readFileSync(`${docs}README.md`, 'utf8'));
  });
});
