/**
 * Fuzzed user input (fast-check): architecture and topology files (random mutations of valid
 * presets and random YAML), grid files and trace lines either load or are refused with one clear
 * message flagged as bad input (exit 2) — never another exception, never a stack trace. A sample
 * also goes through the real CLI, checking exit 2, one stderr line and no output file left behind.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { loadArchitecture } from '../../engines/architecture.js';
import { presetPath } from '../../engines/config-file.js';
import { loadTopology } from '../../system/topology.js';
import { parseGrid } from '../../system/sweep-grid.js';
import { buildRunReport, SCENARIO_DEFAULTS, type Scenario } from '../../system/index.js';
import { TraceReader } from '../../workloads/trace.js';
import { parse } from 'yaml';

const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bpusim-fuzz-'));
let fileCount = 0;

function outcome(load: () => unknown): 'ok' | 'bad-input' {
  try {
    load();
    return 'ok';
  } catch (error) {
    expect(error).toBeInstanceOf(Error);
    const e = error as Error & { badInput?: boolean };
    if (e.badInput !== true) throw new Error(`not a bad-input error: ${e.name}: ${e.message}`);
    expect(e.message.split('\n')).toHaveLength(1);
    return 'bad-input';
  }
}

const scalarJunk = fc.oneof(
  fc.integer({ min: -5, max: 100_000 }),
  fc.double({ noNaN: false }),
  fc.string({ maxLength: 8 }),
  fc.boolean(),
  fc.constant(null),
  fc.constant([]),
  fc.constant({}),
);

/** A mutation of a parsed document: set, delete or add a key somewhere. */
function mutate(doc: unknown, path: number[], junk: unknown, kind: number): unknown {
  const copy = structuredClone(doc) as Record<string, unknown>;
  let node: Record<string, unknown> = copy;
  for (const step of path) {
    const keys = Object.keys(node);
    if (keys.length === 0) break;
    const key = keys[step % keys.length] as string;
    const child = node[key];
    if (kind % 3 === 0 || typeof child !== 'object' || child === null) {
      if (kind % 3 === 1) delete node[key];
      else if (kind % 3 === 2) node[`${key}X`] = junk;
      else node[key] = junk;
      return copy;
    }
    node = child as Record<string, unknown>;
  }
  node.unexpected = junk;
  return copy;
}

function writeTemp(ext: string, text: string): string {
  fileCount++;
  const file = join(dir, `input-${fileCount}.${ext}`);
  writeFileSync(file, text);
  return file;
}

describe('fuzzed inputs load or exit 2 with one message', () => {
  const arch = parse(readFileSync(presetPath('arch', 'bpu-2019'), 'utf8')) as unknown;
  const topology = parse(readFileSync(presetPath('topology', 'continental'), 'utf8')) as unknown;

  it('architecture files: 400 mutations of bpu-2019; those that load also run', () => {
    const loaded: string[] = [];
    fc.assert(
      fc.property(
        fc.array(fc.nat(), { minLength: 1, maxLength: 6 }),
        scalarJunk,
        fc.nat(),
        fc.boolean(),
        (path, junk, kind, json) => {
          const doc = mutate(arch, path, junk, kind);
          const file = writeTemp(json ? 'json' : 'yaml', json ? JSON.stringify(doc) : stringify(doc));
          if (outcome(() => loadArchitecture(file)) === 'ok') loaded.push(file);
        },
      ),
      { numRuns: 400, seed: 1 },
    );
    expect(loaded.length).toBeGreaterThan(10);
    for (const file of loaded.slice(0, 12)) {
      outcome(() =>
        buildRunReport({
          ...SCENARIO_DEFAULTS,
          arch: file,
          baseline: 'none',
          crypto: 'modeled',
          rate: 500,
          duration: '10ms',
          keys: 100,
        } as Scenario),
      );
    }
  });

  it('topology files: 300 mutations of continental, and random text', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 1, maxLength: 5 }), scalarJunk, fc.nat(), (path, junk, kind) => {
        const file = writeTemp('yaml', stringify(mutate(topology, path, junk, kind)));
        outcome(() => loadTopology(file));
      }),
      { numRuns: 300, seed: 2 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        outcome(() => loadTopology(writeTemp('yaml', text)));
      }),
      { numRuns: 100, seed: 3 },
    );
  });

  it('grid files: 200 random grids', () => {
    const key = fc.constantFrom(
      'rate',
      'arch',
      'duration',
      'seed',
      'arch.engines.cpu.cores',
      'arch.engines.crypto.verify.p256.lanes',
      'colour',
      'arch.nope.deep',
    );
    fc.assert(
      fc.property(
        fc.dictionary(key, fc.array(scalarJunk, { maxLength: 3 })),
        fc.option(fc.dictionary(fc.constantFrom('rate', 'workload', 'x'), scalarJunk)),
        (vary, base) => {
          outcome(() => parseGrid('grid.yaml', base === null ? { vary } : { base, vary }));
        },
      ),
      { numRuns: 200, seed: 4 },
    );
  });

  it('trace lines: 300 random lines after a valid header', () => {
    const field = fc.record(
      {
        t: scalarJunk,
        client: scalarJunk,
        contract: fc.oneof(fc.constant('kv'), scalarJunk),
        fn: fc.oneof(fc.constant('read'), scalarJunk),
        args: fc.oneof(fc.array(fc.string({ maxLength: 4 }), { maxLength: 2 }), scalarJunk),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            field.map((r) => JSON.stringify(r)),
            fc.string({ maxLength: 30 }),
          ),
          { maxLength: 4 },
        ),
        (lines) => {
          const file = writeTemp('jsonl', `{"format":"bpusim-trace/1"}\n${lines.join('\n')}\n`);
          outcome(() => {
            const reader = new TraceReader(file);
            while (reader.next() !== null);
          });
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });

  it('through the CLI: exit 2, one stderr line, no output file', () => {
    const cases = fc.sample(fc.tuple(fc.array(fc.nat(), { minLength: 1, maxLength: 4 }), scalarJunk, fc.nat()), {
      numRuns: 12,
      seed: 6,
    });
    for (const [path, junk, kind] of cases) {
      const file = writeTemp('yaml', stringify(mutate(arch, path, junk, kind)));
      let valid = true;
      try {
        loadArchitecture(file);
      } catch {
        valid = false;
      }
      if (valid) continue;
      const out = join(dir, `out-${fileCount}.json`);
      const run = spawnSync(
        process.execPath,
        [
          BIN,
          'run',
          '--arch',
          file,
          '--baseline',
          'none',
          '--crypto',
          'modeled',
          '--rate',
          '100',
          '--duration',
          '10ms',
          '--out',
          out,
        ],
        { encoding: 'utf8' },
      );
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
  });
});
