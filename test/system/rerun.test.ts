/**
 * Reproducibility from the report alone: `bpusim rerun report.json` rebuilds the scenario from the
 * saved architecture, baseline, topology, faults and flags and gets every simulated figure again
 * (exit 0); a report whose results were altered is caught (exit 1); bad reports exit 2.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bpusim-rerun-'));
const bpusim = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

describe('bpusim rerun', () => {
  it('reproduces a report exactly, and catches an altered one', () => {
    const report = join(dir, 'report.json');
    const topology = join(dir, 'four.yaml');
    writeFileSync(
      topology,
      readFileSync(new URL('../../system/presets/topology/dc.yaml', import.meta.url), 'utf8').replace(
        'orderers: { count: 1, site: dc1 }',
        'orderers: { count: 4, site: dc1 }',
      ),
    );
    const faults = join(dir, 'faults.yaml');
    writeFileSync(faults, 'events:\n  - { atMs: 20, kind: crash, node: 2 }\n');
    const run = bpusim(
      'run',
      '--topology',
      topology,
      '--ordering',
      'raft',
      '--faults',
      faults,
      '--workload',
      'ycsb-a',
      '--keys',
      '300',
      '--rate',
      '3000',
      '--duration',
      '150ms',
      '--arrival',
      'bursty:6000:0:10:10',
      '--crypto',
      'modeled',
      '--seed',
      '4',
      '--out',
      report,
    );
    expect(run.status).toBe(0);
    const again = bpusim('rerun', report);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/every simulated figure identical/);
    const altered = JSON.parse(readFileSync(report, 'utf8')) as { results: { arch: { committedTxs: number } } };
    altered.results.arch.committedTxs += 1;
    const alteredFile = join(dir, 'altered.json');
    writeFileSync(alteredFile, JSON.stringify(altered));
    const caught = bpusim('rerun', alteredFile);
    expect(caught.status).toBe(1);
    expect(caught.stderr).toMatch(/differ from the report/);
  });

  it('refuses what is not a report with exit 2', () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"schemaVersion":"bpusim-report/0"}');
    const run = bpusim('rerun', bad);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad\.json: schemaVersion: expected bpusim-report\/1/);
  });
});
