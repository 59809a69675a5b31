/**
 * `bench run`'s breakdown of host CPU by part of the simulator: each profile sample is charged to
 * the first part found from the sampled function towards the root.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { HOST_PARTS, partSeconds } from '../../system/host-profile.js';

const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;

const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
  id,
  callFrame: { functionName, url },
  children,
});

describe('host CPU by part', () => {
  it('charges a sample to the nearest frame that names a part; GC and unknown roots apart', () => {
    const profile = {
      nodes: [
        frame(1, '(root)', '', [2, 6, 7]),
        frame(2, 'arrive', 'file:///x/dist/system/clients.js', [3, 5, 8]),
        frame(3, 'entryDigest', 'file:///x/dist/ledger/state/state-hash.js', [4]),
        frame(4, 'allocUnsafe', 'node:buffer'),
        frame(5, 'endorse', 'file:///x/dist/ledger/peer.js'),
        frame(6, '(garbage collector)', ''),
        frame(7, '(program)', ''),
        // A modeled signature's tag is SHA-256: it counts as modeled crypto, not as hashing.
        frame(8, 'tagDigest', 'file:///x/dist/ledger/crypto/modeled-provider.js', [9]),
        frame(9, 'hash', 'node:internal/crypto/hash'),
      ],
      samples: [4, 4, 5, 2, 6, 7, 9],
      timeDeltas: [1e6, 1e6, 2e6, 3e6, 4e6, 5e6, 6e6],
    };
    const seconds = partSeconds(profile);
    expect(seconds).toEqual({
      ledger: 2,
      hashing: 2,
      encoding: 0,
      modeledCrypto: 6,
      signatures: 0,
      'engines+kernel': 0,
      system: 3,
      workload: 0,
      gc: 4,
      other: 5,
    });
  });

  it('bench run --json reports host µs per simulated transaction for every part, adding up to the total', () => {
    const run = spawnSync(
      process.execPath,
      [BIN, 'bench', 'run', '--crypto', 'modeled', '--rate', '2000', '--duration', '50ms', '--json'],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(0);
    const figures = JSON.parse(run.stdout) as { hostCpuUsPerTx: Record<string, number>; peakRssMiB: number };
    const parts = figures.hostCpuUsPerTx;
    expect(Object.keys(parts)).toEqual(['total', ...HOST_PARTS]);
    const sum = HOST_PARTS.reduce((total, part) => total + (parts[part] ?? 0), 0);
    expect(sum).toBeCloseTo(parts.total ?? -1, -1);
    expect(parts.ledger).toBeGreaterThan(0);
    expect(figures.peakRssMiB).toBeGreaterThan(0);
  });
});
