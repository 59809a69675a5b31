/**
 * The two platform switches that change who does the work rather than what it costs (issue 15):
 * - `separateEndorserCommitter` (FastFabric's endorser cluster): proposals run on a server of their
 *   own beside each peer, which also takes each committed block's updates; the peer's cores keep
 *   validation and commit only.
 * - `orderTxIdsOnly` (FastFabric): a Raft cluster replicates transaction ids, not envelopes, so the
 *   followers receive and decode far fewer bytes.
 * Both leave the ledger's function alone: the same transactions commit into the same state.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadArchitecture } from '../../system/index.js';
import { quietRun, smallBlocksTopology } from './_fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bpusim-servers-'));
const topology = smallBlocksTopology(dir, 3);

function run(name: string, platform: Record<string, boolean>) {
  const base = loadArchitecture('fabric-1.4');
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify({ ...base, name, platform: { ...base.platform, ...platform } }));
  const report = quietRun({
    arch: file,
    baseline: 'none',
    topology,
    workload: 'kv-insert',
    rate: 1_000,
    duration: '400ms',
    ordering: 'raft',
    arrival: 'fixed',
  });
  const result = report.results.arch;
  const runUtilisation = (node: string): number =>
    result.engines.find((e) => e.node === node && e.engine === 'cpu')?.runUtilisation ?? Number.NaN;
  return { result, runUtilisation };
}

describe('platform switches that move work between servers', () => {
  const plain = run('plain', {});

  it('separate endorser servers take the proposals off the peer and receive its committed blocks', () => {
    const split = run('split', { separateEndorserCommitter: true });
    const peer = 'peer0.Org1MSP';
    expect(plain.result.engines.some((e) => e.node === `${peer}.endorser`)).toBe(false);
    const endorser = split.runUtilisation(`${peer}.endorser`);
    expect(endorser).toBeGreaterThan(0);
    expect(split.runUtilisation(peer)).toBeLessThan(0.9 * plain.runUtilisation(peer));
    // The endorser's share plus the peer's is more than the peer alone did: the update stream costs.
    expect(split.runUtilisation(peer) + endorser).toBeGreaterThan(plain.runUtilisation(peer));
    expect(split.result.committedTxs).toBe(plain.result.committedTxs);
    expect(split.result.stateHash).toBe(plain.result.stateHash);
  });

  it('ordering transaction ids only lightens the Raft cluster', () => {
    const ids = run('ids', { orderTxIdsOnly: true });
    // The leader sends fewer bytes, the followers receive and decode fewer (the leader is seed-dependent: summed).
    const cluster = (r: typeof plain): number =>
      ['orderer0', 'orderer1', 'orderer2'].reduce((sum, o) => sum + r.runUtilisation(o), 0);
    expect(cluster(ids)).toBeLessThan(0.8 * cluster(plain));
    expect(ids.result.committedTxs).toBeGreaterThan(0);
    expect(ids.result.committedTxs).toBe(plain.result.committedTxs);
    expect(ids.result.stateHash).toBe(plain.result.stateHash);
  });
});
