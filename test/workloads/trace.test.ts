/**
 * Traces: the format round-trips (record → read gives the same events), replay drives a run whose
 * recorded trace equals its input, a Diablo description becomes the rates it declares, every kind
 * of bad line stops with exit 2 naming the file, line and field, and reading a long trace keeps
 * memory flat (a fixed-size buffer, no list of events).
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordTrace, type TraceRecordOptions } from '../../system/index.js';
import { importDiablo } from '../../workloads/diablo.js';
import { TraceReader, TraceWriter, type TraceEvent } from '../../workloads/trace.js';

const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bpusim-trace-'));
let badCount = 0;

function readAll(file: string): TraceEvent[] {
  const reader = new TraceReader(file);
  const events: TraceEvent[] = [];
  for (let e = reader.next(); e !== null; e = reader.next()) events.push(e);
  return events;
}

/** system/'s recorder into a trace file, as `bpusim trace record` writes it. */
function recordTo(file: string, options: TraceRecordOptions): number {
  const writer = new TraceWriter(file, 'test');
  const count = recordTrace(options, (event) => writer.write(event));
  writer.finish();
  return count;
}

/** A full garbage collection, available without starting node with --expose-gc. */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('traces', () => {
  it('record → read round-trips, times non-decreasing, rate as asked', () => {
    const file = join(dir, 'rec.jsonl');
    const count = recordTo(file, {
      workload: 'smallbank',
      rate: 2000,
      arrival: 'poisson',
      duration: '2s',
      clients: 8,
      keys: 1000,
      seed: 3,
    });
    const events = readAll(file);
    expect(events.length).toBe(count);
    expect(Math.abs(count - 4000)).toBeLessThan(4 * Math.sqrt(4000));
    for (let i = 1; i < events.length; i++) expect(events[i]!.timeS).toBeGreaterThanOrEqual(events[i - 1]!.timeS);
    expect(new Set(events.map((e) => e.client)).size).toBe(8);
  });

  it('a replayed run records exactly the trace it replayed', () => {
    const input = join(dir, 'in.jsonl');
    recordTo(input, {
      workload: 'kv',
      rate: 500,
      arrival: 'fixed',
      duration: '200ms',
      clients: 4,
      keys: 500,
      seed: 1,
    });
    const output = join(dir, 'out.jsonl');
    const run = spawnSync(
      process.execPath,
      [
        BIN,
        'run',
        '--trace',
        input,
        '--duration',
        '200ms',
        '--crypto',
        'modeled',
        '--baseline',
        'none',
        '--keys',
        '500',
        '--record-trace',
        output,
        '--json',
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    const replayed = readAll(output).map(({ timeS, ...rest }) => ({ t: timeS.toFixed(6), ...rest }));
    const original = readAll(input).map(({ timeS, ...rest }) => ({ t: timeS.toFixed(6), ...rest }));
    expect(replayed.map((e) => ({ ...e, client: e.client % 4 }))).toEqual(
      original.map((e) => ({ ...e, client: (e.client % 16) % 4 })),
    );
    const report = JSON.parse(run.stdout) as {
      identity: { workload: string };
      results: { arch: { submittedTxs: number } };
    };
    expect(report.identity.workload).toBe(`trace ${input}`);
    expect(report.results.arch.submittedTxs).toBe(original.length);
  });

  it('imports a Diablo description as the load it declares', () => {
    const spec = `let:
  - !loop &account
    sample: !account { number: 300, stake: 1000 }
workloads:
  - number: 3
    client:
      behavior:
        - interaction: !transfer { from: *account, to: *account, stake: 2 }
          load: { 0: 100, 2: 300, 3: 0 }
`;
    const { events, clients, accounts } = importDiablo('spec.yaml', spec);
    const list = [...events];
    expect(clients).toBe(3);
    expect(accounts).toBe(300);
    expect(list.length).toBe(3 * (100 * 2 + 300 * 1));
    expect(list.filter((e) => e.timeS >= 2).length).toBe(900);
    expect(list.every((e) => e.contract === 'smallbank' && e.fn === 'send_payment' && Number(e.args[0]) < 300)).toBe(
      true,
    );
    expect(() =>
      importDiablo(
        'x.yaml',
        'workloads: [ { number: 1, client: { behavior: [ { interaction: !deploy {}, load: { 0: 1 } } ] } } ]',
      ),
    ).toThrow(/x\.yaml: workloads\.0\.client\.behavior\.0\.interaction: expected !transfer or !invoke, got "!deploy"/);
  });

  it.each([
    ['{"format":"bpusim-trace/2"}', /:1: format: expected "bpusim-trace\/1", got "bpusim-trace\/2"/],
    [
      '{"format":"bpusim-trace/1"}\n{"t":-1,"client":0,"contract":"kv","fn":"read","args":["k1"]}',
      /:2: field 't': expected a number of seconds ≥ 0, got -1/,
    ],
    [
      '{"format":"bpusim-trace/1"}\n\n{"t":1,"client":1.5,"contract":"kv","fn":"read","args":["k1"]}',
      /:3: field 'client': expected an integer ≥ 0, got 1.5/,
    ],
    [
      '{"format":"bpusim-trace/1"}\n{"t":1,"client":0,"contract":"","fn":"read","args":["k1"]}',
      /:2: field 'contract': expected a non-empty string/,
    ],
    [
      '{"format":"bpusim-trace/1"}\n{"t":1,"client":0,"contract":"kv","fn":"read","args":[1]}',
      /:2: field 'args': expected an array of strings, got \[1\]/,
    ],
    [
      '{"format":"bpusim-trace/1"}\n{"t":1,"client":0,"contract":"kv","fn":"read","args":[],"x":1}',
      /:2: unknown field 'x'; allowed: t, client, contract, fn, args/,
    ],
    [
      '{"format":"bpusim-trace/1"}\n{"t":1,"client":0,"contract":"nft","fn":"mint","args":[]}',
      /:2: field 'contract': 'nft' is not a built-in contract; allowed: kv, smallbank/,
    ],
    ['{"format":"bpusim-trace/1"}\nnot json', /:2: not JSON/],
    // Calls the contract does not serve: bad input naming the line, not a rejected transaction.
    [
      '{"format":"bpusim-trace/1"}\n{"t":1,"client":0,"contract":"smallbank","fn":"steal","args":["1"]}',
      /:2: field 'fn': 'steal' is not a function of smallbank; allowed: transact_savings, deposit_checking/,
    ],
    [
      '{"format":"bpusim-trace/1"}\n{"t":1,"client":0,"contract":"smallbank","fn":"send_payment","args":["1","2"]}',
      /:2: field 'args': smallbank\.send_payment\(src: int, dst: int, amount: int\) takes 3 argument\(s\), got 2/,
    ],
    [
      '{"format":"bpusim-trace/1"}\n{"t":1,"client":0,"contract":"smallbank","fn":"query","args":["ten"]}',
      /:2: field 'args': argument 0 \(account\) of smallbank\.query\(account: int\): expected an integer, got "ten"/,
    ],
  ])('bad trace %# exits 2 naming file, line and field, writes no report', (text, message) => {
    badCount++;
    const file = join(dir, `bad-${badCount}.jsonl`);
    writeFileSync(file, text);
    const out = `${file}.report.json`;
    const run = spawnSync(
      process.execPath,
      [
        BIN,
        'run',
        '--trace',
        file,
        '--duration',
        '2s',
        '--crypto',
        'modeled',
        '--baseline',
        'none',
        '--keys',
        '100',
        '--out',
        out,
      ],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('reads a long trace in flat memory', () => {
    const file = join(dir, 'long.jsonl');
    const writer = new TraceWriter(file, 'test');
    for (let i = 0; i < 400_000; i++)
      writer.write({
        timeS: i / 1e5,
        client: i % 64,
        contract: 'kv',
        fn: 'read',
        args: [`user${String(i % 1000).padStart(10, '0')}`],
      });
    writer.finish();
    expect(readFileSync(file).length).toBeGreaterThan(30e6);
    // What the reader retains, not the garbage it leaves for the collector (which varies with GC
    // timing): the heap is measured after a full collection at each checkpoint.
    const gc = fullGc();
    gc();
    const before = process.memoryUsage().heapUsed;
    const reader = new TraceReader(file);
    let count = 0;
    let peak = 0;
    for (let e = reader.next(); e !== null; e = reader.next()) {
      count++;
      if (count % 50_000 === 0) {
        gc();
        peak = Math.max(peak, process.memoryUsage().heapUsed - before);
      }
    }
    expect(count).toBe(400_000);
    // A list of 400K events would hold > 100 MB; the reader retains a buffer and a line at a time
    // (measured here: 0.16 MB).
    expect(peak).toBeLessThan(5e6);
  });

  it('a replay without --duration lasts as long as the trace, and its header gives the trace rate', () => {
    const file = join(dir, 'span.jsonl');
    const writer = new TraceWriter(file, 'test');
    for (let i = 0; i < 600; i++)
      writer.write({ timeS: i / 2_000, client: i % 4, contract: 'kv', fn: 'insert', args: [`k${i}`, 'v'] });
    writer.finish();
    const out = `${file}.report.json`;
    const run = spawnSync(
      process.execPath,
      [BIN, 'run', '--trace', file, '--crypto', 'modeled', '--baseline', 'none', '--out', out],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    const report = JSON.parse(readFileSync(out, 'utf8')) as {
      identity: { durationSeconds: number };
      results: { arch: { committedTps: number; submittedTxs: number } };
    };
    // The last line is at 0.2995 s: the period ends just after it, not at the 2 s default.
    expect(report.identity.durationSeconds).toBeGreaterThan(0.2995);
    expect(report.identity.durationSeconds).toBeLessThanOrEqual(0.302);
    expect(report.results.arch.submittedTxs).toBe(600);
    expect(report.results.arch.committedTps).toBeGreaterThan(0);
    expect(run.stdout).toMatch(/, 1,99\d TPS offered \(trace times\) for 0\.30\d s/);
  });
});
