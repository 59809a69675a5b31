/**
 * The command line as users run it (the compiled bin in dist/, built by `npm test` before vitest):
 * --help and --version, `bench des --json` figures and event convention, and bad input exiting 2
 * with one line naming the flag and what is allowed, no stack trace.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const DIR = mkdtempSync(join(tmpdir(), 'bpusim-cli-'));
const FIFO = join(DIR, 'fifo.yaml');
execFileSync('mkfifo', [FIFO]);
const LATE_FAULT = join(DIR, 'late-fault.yaml');
writeFileSync(LATE_FAULT, 'events:\n  - { atMs: 1e300, kind: crash, node: 0 }\n');
const EMPTY_TRACE = join(DIR, 'empty.jsonl');
writeFileSync(EMPTY_TRACE, '{"format":"bpusim-trace/1"}\n');
const BIG = join(DIR, 'big.yaml');
writeFileSync(BIG, Buffer.alloc(4 * 1024 * 1024 + 1, 0x20));

function bpusim(...args: string[]) {
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('bpusim CLI', () => {
  it('prints its version and help', () => {
    const version = (
      JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }
    ).version;
    const v = bpusim('--version');
    expect(v.status).toBe(0);
    expect(v.stdout.trim()).toBe(version);
    const help = bpusim('--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/bench/);
  });

  it('bench des --json: 3 events per customer and mean wait within 10 % of Erlang-C', () => {
    const run = bpusim(
      'bench',
      'des',
      '--customers',
      '200000',
      '--servers',
      '8',
      '--rho',
      '0.9',
      '--seed',
      '3',
      '--json',
    );
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout) as Record<string, number>;
    for (const key of ['customers', 'events', 'wallSeconds', 'eventsPerSec', 'meanWait', 'erlangCWait'])
      expect(result).toHaveProperty(key);
    expect(result.events).toBe(600_000);
    expect(Math.abs((result.meanWait as number) / (result.erlangCWait as number) - 1)).toBeLessThan(0.1);
  });

  it('the same seed gives the same simulated figures (only host fields differ)', () => {
    const strip = (text: string) => {
      const { wallSeconds: _w, eventsPerSec: _e, ...rest } = JSON.parse(text) as Record<string, unknown>;
      return rest;
    };
    const a = bpusim('bench', 'des', '--customers', '50000', '--seed', '9', '--json');
    const b = bpusim('bench', 'des', '--customers', '50000', '--seed', '9', '--json');
    expect(strip(a.stdout)).toEqual(strip(b.stdout));
  });

  it.each([
    [['bench', 'des', '--rho', '1.5'], /--rho: expected a number greater than 0 and at most 0.9999, got '1.5'/],
    [['bench', 'des', '--customers', 'many'], /--customers: expected an integer from 1 to 1000000000, got 'many'/],
    [['bench', 'des', '--frobnicate'], /unknown option '--frobnicate'/],
    [['no-such-command'], /unknown command 'no-such-command'/],
    [['sensitivity', '--factors', '1'], /--factors: expected a comma-separated list of positive numbers other than 1/],
    [['sensitivity', '--arch', 'nope.yaml'], /--arch: sensitivity reads a preset's comments; presets: cpu-64core/],
    [['capacity', '--arch', ','], /--arch: expected a comma-separated list/],
    [['capacity', '--tolerance', '0'], /--tolerance: expected a number/],
    [['capacity', '--seeds', '0'], /--seeds: expected an integer from 1 to 100/],
    [['sensitivity', '--only', 'engines.nope'], /--only: 'engines.nope' matches no assumed figure/],
    // Paths that are not regular files: refused before any run, never read.
    [['run', '--faults', DIR, '--ordering', 'raft'], /is a directory; expected a file/],
    [['run', '--trace', DIR], /is a directory; expected a file/],
    [['sweep', DIR], /is a directory; expected a file/],
    [['trace', 'import-diablo', DIR, '--out', join(DIR, 'x.jsonl')], /is a directory; expected a file/],
    [['run', '--arch', FIFO], /is not a regular file \(a pipe, socket or device is not read\)/],
    [['run', '--arch', '/dev/zero'], /is not a regular file/],
    [['run', '--topology', BIG], /is 4194305 bytes; at most 4194304 allowed/],
    // A trace of no transactions would report zeros as if measured.
    [['run', '--trace', EMPTY_TRACE], /empty\.jsonl: holds no transactions; a replay needs at least one/],
    // A fault beyond the kernel's exact time range (2^53 ps): the file and field, not an assertion.
    [
      ['run', '--ordering', 'raft', '--faults', LATE_FAULT],
      /late-fault\.yaml: events\.0\.atMs: Too big: expected number to be <=9007199/,
    ],
    // Outputs are checked before the run: a missing directory is not created, an input is not overwritten.
    [['run', '--out', join(DIR, 'missing', 'r.json')], /--out .*: directory .*missing does not exist/],
    [['run', '--out', DIR], /--out .*: is a directory; expected a file name/],
    [['run', '--topology', BIG, '--timeline', BIG], /--timeline .*big\.yaml: is an input of this run/],
    [['trace', 'record', '--out', join(DIR, 'nope', 't.jsonl')], /--out .*: directory .*nope does not exist/],
    // Sizes: a trace too long to write, a run too large for the host's memory, refused before any work.
    [
      ['trace', 'record', '--rate', '1e8', '--duration', '60s', '--out', join(DIR, 'huge.jsonl')],
      /about 6,000,000,000 transactions .* at most 10,000,000 allowed \(raise with --max-txs\)/,
    ],
    [
      ['run', '--keys', '10000000', '--rate', '1e8', '--duration', '100000s'],
      /estimated peak memory ≈ [0-9.]+ GiB, more than this host's/,
    ],
  ])('bad input %j exits 2 with one clear message and no stack trace', (args, message) => {
    const run = bpusim(...args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
  });

  it('a reader that stops early (| head) ends the run quietly, not with a stack trace', () => {
    const result = spawnSync(
      'sh',
      ['-c', `"${process.execPath}" "${BIN}" run --duration 20ms --baseline none --json | head -c 10`],
      {
        encoding: 'utf8',
      },
    );
    expect(result.stdout).toBe('{\n  "schem');
    expect(result.stderr).not.toMatch(/EPIPE|\n\s+at /);
  });

  it('an output left half-written by a killed run is removed by the next write; --csv creates one directory, not its parents', () => {
    const report = join(DIR, 'r.json');
    // pid 2^22 − 1 is above Linux's default pid_max: no process has it. The runner's own pid is live.
    const stale = `${report}.4194303.tmp`;
    const live = `${report}.${process.pid}.tmp`;
    writeFileSync(stale, '{"half');
    writeFileSync(live, '{"other');
    expect(
      bpusim('run', '--duration', '10ms', '--baseline', 'none', '--crypto', 'modeled', '--out', report).status,
    ).toBe(0);
    expect([existsSync(stale), existsSync(live), existsSync(report)]).toEqual([false, true, true]);
    const deep = join(DIR, 'no-parent', 'csv');
    const refused = bpusim('report', report, '--csv', deep);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/--csv .*csv: directory .*no-parent does not exist/);
    expect(existsSync(join(DIR, 'no-parent'))).toBe(false);
    expect(bpusim('report', report, '--csv', join(DIR, 'csv')).status).toBe(0);
    expect(existsSync(join(DIR, 'csv', 'summary.csv'))).toBe(true);
  });

  it('Ctrl-C during a run stops it at once and leaves no report and no temporary behind', async () => {
    const out = join(DIR, 'interrupted.json');
    const child = spawn(process.execPath, [BIN, 'run', '--rate', '20000', '--duration', '5s', '--out', out], {
      stdio: 'ignore',
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGINT');
    const signal = await new Promise((resolve) => child.on('exit', (_code, how) => resolve(how)));
    expect(signal).toBe('SIGINT');
    expect(readdirSync(DIR).filter((name) => name.startsWith('interrupted.json'))).toEqual([]);
  });

  it('--out /dev/stdout writes the report to stdout and leaves the device link alone', () => {
    // Through a shell pipe: the test runner's own stdio is a socket, which /dev/stdout cannot open.
    const command = `"${process.execPath}" "${BIN}" run --duration 10ms --baseline none --json --out /dev/stdout | cat`;
    const result = spawnSync('sh', ['-c', command], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    // The report twice: once through --out, once from --json.
    expect(result.stdout.match(/"schemaVersion": "bpusim-report\/1"/g)?.length).toBe(2);
    expect(lstatSync('/dev/stdout').isSymbolicLink()).toBe(true);
  });

  it('size: a sizing that does not hold is a failed check (exit 1) and writes no architecture', () => {
    const out = join(DIR, 'sized.json');
    const run = bpusim('size', '--target-tps', '400000', '--duration', '50ms', '--iterations', '0', '--out', out);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/does NOT hold; bottleneck peer0\.Org\dMSP\.validator \d+ % \(no lanes to add\)/);
    expect(run.stderr).toMatch(
      /check failed: the sized architecture commits \d+ TPS, under 95 % of 400000; .* not written/,
    );
    expect(existsSync(out)).toBe(false);
  });
});
