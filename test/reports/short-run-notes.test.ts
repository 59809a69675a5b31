/**
 * The summary says when a run is too short for its figures: too few blocks for a rate, and a last
 * partial block that waited out the batch timeout (it sets max and p99 latency).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { ArchResult, RunReport } from '../../reports/run-report.js';
import { formatSummary, shortRunNotes } from '../../reports/summary.js';

const fixture = JSON.parse(readFileSync(new URL('fixtures/report-small.json', import.meta.url), 'utf8')) as RunReport;

function withRuns(change: Partial<ArchResult>): RunReport {
  const arch = { ...fixture.results.arch, ...change };
  const baseline = fixture.results.baseline === null ? null : { ...fixture.results.baseline, ...change };
  return { ...fixture, results: { arch, baseline } };
}

describe('short-run notes', () => {
  const timeoutMs = (fixture.config.topology as { batch: { timeoutMs: number } }).batch.timeoutMs;
  const latency = (maxMs: number) => ({ ...fixture.results.arch.latencyMs, max: maxMs });

  it('a long run whose latencies stay under the batch timeout gets none', () => {
    expect(shortRunNotes(withRuns({ blocks: 100, latencyMs: latency(timeoutMs / 2) }))).toEqual([]);
  });

  it('few blocks, and a max latency at the batch timeout, are each said', () => {
    const notes = shortRunNotes(withRuns({ blocks: 3, latencyMs: latency(timeoutMs + 8) }));
    expect(notes).toHaveLength(2);
    expect(notes[0]).toMatch(/^only 3 block\(s\) committed/);
    expect(notes[1]).toMatch(new RegExp(`max latency ≥ the batch timeout \\(${timeoutMs} ms\\)`));
    expect(formatSummary(withRuns({ blocks: 3, latencyMs: latency(timeoutMs + 8) }))).toMatch(/\nnote: only 3 block/);
  });

  it("the batch-timeout note gives the steady requests' p99 when the report has it", () => {
    const steadyLatencyMs = { p50: 3.5, p99: 7.25, count: 1000 };
    const [note] = shortRunNotes(withRuns({ blocks: 100, latencyMs: latency(timeoutMs + 1), steadyLatencyMs }));
    expect(note).toMatch(/p99 of the requests before the last batch timeout: 7\.25 ms/);
  });
});
