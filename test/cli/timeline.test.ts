/**
 * Timeline export: a run with --timeline writes Chrome trace-event JSON whose slices lie in the
 * chosen window, on named node processes and engine-lane threads; tracing changes no result.
 */
import { readFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildReport, RUN_DEFAULTS, type RunFlags } from '../../cli/run.js';

describe('timeline export', () => {
  it('writes slices of the window on named tracks, without changing the results', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'bpusim-timeline-')), 'timeline.json');
    const flags = {
      ...RUN_DEFAULTS,
      rate: 10_000,
      duration: '100ms',
      crypto: 'modeled',
      baseline: 'none',
      keys: 500,
    } as RunFlags;
    const traced = buildReport({ ...flags, timeline: file, timelineWindow: '40ms:45ms' });
    const plain = buildReport(flags);
    const { host: _a, ...tracedRest } = traced;
    const { host: _b, ...plainRest } = plain;
    expect(JSON.stringify(tracedRest)).toBe(JSON.stringify(plainRest));
    const doc = JSON.parse(readFileSync(file, 'utf8')) as {
      traceEvents: { ph: string; name: string; ts: number; dur?: number; args?: { name?: string } }[];
    };
    const slices = doc.traceEvents.filter((e) => e.ph === 'X');
    expect(slices.length).toBeGreaterThan(100);
    for (const s of slices) {
      expect(s.ts + (s.dur ?? 0)).toBeGreaterThanOrEqual(40_000);
      expect(s.ts).toBeLessThanOrEqual(45_000);
    }
    const names = doc.traceEvents.filter((e) => e.ph === 'M').map((e) => e.args?.name ?? '');
    expect(names).toContain('peer0.Org1MSP');
    expect(names.some((n) => /^crypto\.verify\.p256\/\d+$/.test(n))).toBe(true);
    expect(new Set(slices.map((s) => s.name))).toContain('verify p256');
  });
});
