/**
 * `bpusim datapath`: derived P-256 figures beside published engines (JSON), an architecture's
 * datapath-derived pipelines, and a bad datapath refused with exit 2 naming the field.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArchitecture } from '../../engines/architecture.js';

const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const bpusim = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

function archFile(datapath: Record<string, unknown>): string {
  const base = loadArchitecture('bpu-2019');
  const file = join(mkdtempSync(join(tmpdir(), 'bpusim-datapath-cli-')), 'arch.json');
  const crypto = base.engines.crypto;
  const verify = { ...crypto?.verify, p256: { lanes: 64, datapath } };
  writeFileSync(file, JSON.stringify({ ...base, engines: { ...base.engines, crypto: { ...crypto, verify } } }));
  return file;
}

const datapath = {
  clockGHz: 0.25,
  multipliers: { count: 1, latencyCycles: 36, initiationIntervalCycles: 36 },
  adders: { count: 1, latencyCycles: 1 },
  registerFile: { readPorts: 2, writePorts: 1 },
  tableMemory: { bytes: 262_144, latencyCycles: 2 },
  algorithm: { name: 'comb', teeth: 6, variableBaseWindowBits: 5 },
  knownKeys: 16,
};

describe('bpusim datapath', () => {
  it('derives slower figures at a slower clock, beside the published engines', () => {
    const at = (clock: string) => JSON.parse(bpusim('datapath', '--clock-ghz', clock, '--json').stdout);
    const fast = at('0.5');
    const slow = at('0.25');
    expect(slow.published.length).toBeGreaterThan(0);
    expect(slow.derived.length).toBe(fast.derived.length);
    for (const [i, row] of slow.derived.entries())
      expect(row.genericVerifyUs).toBeCloseTo(2 * fast.derived[i].genericVerifyUs, 6);
  });

  it("prints an architecture's derived pipelines, and refuses a bad datapath naming the field", () => {
    const ok = bpusim('datapath', '--arch', archFile(datapath));
    expect(ok.status).toBe(0);
    expect(ok.stdout).toMatch(/verify\.p256: 64 lanes, [\d.]+ µs per operation, [\d.]+ µs against a client's key/);
    const bad = bpusim('datapath', '--arch', archFile({ ...datapath, multipliers: { count: 0 } }));
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/engines\.crypto\.verify\.p256\.datapath\.multipliers/);
    expect(bad.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});
