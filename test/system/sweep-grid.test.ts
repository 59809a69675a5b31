/**
 * Grid sweeps: the merged output is byte-identical with 1 and 2 worker threads and when computed
 * as shards joined by `merge`; architecture parameters are overridden per point and re-validated;
 * bad grids and incomplete merges exit 2 with one message naming the file and field.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bpusim-sweep-'));
const bpusim = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

const grid = join(dir, 'grid.yaml');
writeFileSync(
  grid,
  `base: { arch: bpu-2019, topology: dc, workload: donothing, duration: 40ms, crypto: modeled }
vary:
  rate: [2000, 6000]
  arch.engines.crypto.verify.p256.lanes: [2, 128]
`,
);

describe('bpusim sweep <grid>', () => {
  it('gives the same bytes with 1 and 2 workers, and as merged shards', () => {
    for (const [args, out] of [
      [['--workers', '1'], 'w1.json'],
      [['--workers', '2'], 'w2.json'],
      [['--workers', '1', '--shard', '1/2'], 's1.json'],
      [['--workers', '1', '--shard', '0/2'], 's0.json'],
    ] as const) {
      const run = bpusim('sweep', grid, ...args, '--out', join(dir, out));
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      // With --out, stdout is a table of the points (one row each), then where the sweep went.
      expect(run.stdout).toMatch(/^\| point \| varied \| committed TPS \| baseline TPS \| p99 ms \| bottleneck \|\n/);
      expect(run.stdout).toMatch(new RegExp(`sweep: .*${out}\\n$`));
    }
    const one = readFileSync(join(dir, 'w1.json'), 'utf8');
    expect(readFileSync(join(dir, 'w2.json'), 'utf8')).toBe(one);
    expect(bpusim('merge', join(dir, 's1.json'), join(dir, 's0.json'), '--out', join(dir, 'merged.json')).status).toBe(
      0,
    );
    expect(readFileSync(join(dir, 'merged.json'), 'utf8')).toBe(one);
    const sweep = JSON.parse(one) as {
      pointCount: number;
      points: {
        index: number;
        params: Record<string, number>;
        report: { results: { arch: { bottleneck: { engine: string } } } };
      }[];
    };
    expect(sweep.pointCount).toBe(4);
    expect(sweep.points.map((p) => p.index)).toEqual([0, 1, 2, 3]);
    // Two verify lanes at 6,000 TPS saturate the crypto engine; 128 do not.
    expect(sweep.points[2]?.params).toEqual({ rate: 6000, 'arch.engines.crypto.verify.p256.lanes': 2 });
    expect(sweep.points[2]?.report.results.arch.bottleneck.engine).toBe('crypto.verify.p256');
  });

  it('refuses bad grids and incomplete merges with exit 2', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, 'vary: { arch.engines.cpu.cores: [0] }\n');
    const run = bpusim('sweep', bad, '--workers', '1', '--out', join(dir, 'never.json'));
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad\.yaml \(point 0\): engines\.cpu\.cores: Too small/);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
    const unknown = join(dir, 'unknown.yaml');
    writeFileSync(unknown, 'vary: { colour: [red] }\n');
    expect(bpusim('sweep', unknown, '--workers', '1').stderr).toMatch(
      /unknown\.yaml: vary\.colour: not a parameter; allowed: arch, topology/,
    );
    const merge = bpusim('merge', join(dir, 's0.json'), '--out', join(dir, 'partial.json'));
    expect(merge.status).toBe(2);
    expect(merge.stderr).toMatch(/points 1, 3 are missing/);
  });
});
