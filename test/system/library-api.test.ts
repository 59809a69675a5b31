/**
 * The package's library API: `bpusim` (and `bpusim/system`) resolve through the exports map to the
 * built system/ API, and a scenario run through it gives the same report, host fields aside, as
 * the same scenario run in-process from the sources. Run as a child process from the package root,
 * as a researcher's script would import it.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildRunReport, SCENARIO_DEFAULTS, type Scenario } from '../../system/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

const scenario: Scenario = {
  ...SCENARIO_DEFAULTS,
  rate: 5_000,
  duration: '60ms',
  crypto: 'modeled',
  workload: 'kv',
};

describe('library API', () => {
  it('imports as bpusim and bpusim/system and reproduces the in-process report', () => {
    const script = `
      import * as api from 'bpusim';
      import * as system from 'bpusim/system';
      const report = api.buildRunReport(${JSON.stringify(scenario)});
      const { host, ...rest } = report;
      process.stdout.write(JSON.stringify({ same: api.runSystem === system.runSystem, names: Object.keys(api).sort(), rest }));
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8' });
    expect(child.stderr).toBe('');
    const out = JSON.parse(child.stdout) as { same: boolean; names: string[]; rest: unknown };
    expect(out.same).toBe(true);
    for (const name of ['buildRunReport', 'runSystem', 'resolveScenario', 'loadArchitecture', 'loadTopology']) {
      expect(out.names).toContain(name);
    }
    const { host: _host, ...inProcess } = buildRunReport(scenario);
    expect(out.rest).toEqual(JSON.parse(JSON.stringify(inProcess)));
  });

  it('a bad scenario field is bad input naming the field', () => {
    expect(() => buildRunReport({ ...scenario, duration: 'soon' })).toThrow(
      /--duration: expected a positive time such as 2s or 500ms, got 'soon'/,
    );
    let caught: unknown;
    try {
      buildRunReport({ ...scenario, ordering: 'paxos' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect((caught as { badInput?: boolean }).badInput).toBe(true);
    expect((caught as Error).message).toBe("--ordering: expected solo, raft or pbft, got 'paxos'");
  });
});
