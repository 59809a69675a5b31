/**
 * The full-system run on the real ledger: a conflict-free workload whose blocks are cut by count
 * ends with the same block hash and state hash on every architecture (only times differ); the
 * same inputs and seed give a byte-identical report; a workload that outruns an engine names that
 * engine as the bottleneck; bad files and flags exit 2 naming file, field and what is allowed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { quietRun } from './_fixtures.js';

const BIN = new URL('../../dist/cli/main.js', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'bpusim-run-'));

// One client, blocks cut by count only (25 txs), arrivals 1 ms apart: every architecture orders
// the same envelopes into the same blocks, so the fingerprints must match exactly.
const countCutTopology = join(dir, 'count-cut.yaml');
writeFileSync(
  countCutTopology,
  `name: count-cut
sites: { dc1: { link: { latencyUs: 50, gbps: 25 } } }
orgs: [ { site: dc1, peers: 1 }, { site: dc1, peers: 1 }, { site: dc1, peers: 1 } ]
endorsementPolicy: "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')"
orderers: { count: 1, site: dc1 }
clients: { count: 1, site: dc1 }
proxy: { site: dc1 }
batch: { maxMessageCount: 25, preferredMaxBytes: 2097152, absoluteMaxBytes: 10485760, timeoutMs: 100000 }
`,
);

const quiet = quietRun;

function withoutHost(report: object): string {
  const { host: _host, ...rest } = report as { host: unknown };
  return JSON.stringify(rest);
}

describe('bpusim run', () => {
  it('conflict-free workload: every architecture ends with the same block hash and state hash', () => {
    const flags = {
      topology: countCutTopology,
      workload: 'kv-insert',
      rate: 1000,
      arrival: 'fixed',
      duration: '99ms',
      drain: '5s',
      crypto: 'real',
    };
    const a = quiet({ ...flags, arch: 'bpu-2019', baseline: 'cpu-64core' });
    const b = quiet({ ...flags, arch: 'bpu-1m', baseline: 'none' });
    const results = [a.results.arch, a.results.baseline, b.results.arch];
    for (const result of results) {
      expect(result?.committedTxs).toBe(100);
      expect(result?.validationCodes).toEqual({ VALID: 100 });
      expect(result?.peersAgree).toBe(true);
      expect(result?.blocks).toBe(4);
    }
    expect(new Set(results.map((r) => r?.stateHash)).size).toBe(1);
    expect(new Set(results.map((r) => r?.blockHash)).size).toBe(1);
    // Only the times differ.
    expect(a.results.arch.latencyMs.p50).not.toBe(a.results.baseline?.latencyMs.p50);
  });

  it('same inputs and seed → byte-identical report (outside host fields)', () => {
    const flags = { workload: 'smallbank', rate: 3000, duration: '200ms', seed: 7, keys: 200 };
    const first = quiet(flags);
    const second = quiet(flags);
    expect(withoutHost(second)).toBe(withoutHost(first));
    expect(first.results.arch.validationCodes.MVCC_READ_CONFLICT ?? 0).toBeGreaterThan(0);
    const otherSeed = quiet({ ...flags, seed: 8 });
    expect(withoutHost(otherSeed)).not.toBe(withoutHost(first));
  });

  it('a workload that outruns an engine names that engine as the bottleneck', () => {
    const slowVerify = join(dir, 'slow-verify.yaml');
    writeFileSync(
      slowVerify,
      `name: slow-verify
engines:
  cpu: { cores: 64, clockGHz: 3, cycles: { signP256: 1000, verifyP256: 1000, signEd25519: 1000, verifyEd25519: 1000, signBls: 1000, verifyBls: 1000, hashPerByte: 0, encodePerByte: 0, decodePerByte: 0, stateRead: 100, stateWrite: 100, rangeRow: 100, contractStep: 10, contextSwitch: 0, packet: 100, networkPerByte: 0, consensusMessage: 100 } }
  crypto: { verify: { p256: { lanes: 2, latencyNs: 400000, initiationIntervalNs: 400000 } } }
serves: { verify: crypto }
`,
    );
    const report = quiet({
      arch: slowVerify,
      baseline: 'none',
      workload: 'donothing',
      rate: 20000,
      duration: '100ms',
      drain: '200ms',
    });
    expect(report.results.arch.bottleneck.engine).toBe('crypto.verify.p256');
    expect(report.results.arch.bottleneck.utilisation).toBeGreaterThan(0.95);
  });

  it.each([
    [
      ['--arch', 'bpu-2020'],
      /preset bpu-2020|bpu-2020: no such file, and not a preset; arch presets: cpu-64core, cpu-64core-paper, bpu-2019, bpu-1m/,
    ],
    [['--workload', 'tpcc'], /--workload: unknown workload 'tpcc'; allowed: smallbank, kv, kv-insert/],
    [['--duration', 'soon'], /--duration: expected a positive time such as 2s or 500ms, got 'soon'/],
    [['--crypto', 'fast'], /--crypto: expected real or modeled, got 'fast'/],
    [['--rate', '-5'], /--rate: expected a number greater than 0/],
  ])('bad flag %j exits 2 with one message, no stack, no report', (args, message) => {
    const out = join(dir, `bad-${readdirSync(dir).length}.json`);
    const run = spawnSync(
      process.execPath,
      [BIN, 'run', '--crypto', 'modeled', '--rate', '100', '--duration', '10ms', ...args, '--out', out],
      { encoding: 'utf8' },
    );
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(out)).toBe(false);
  });

  it('a bad topology file exits 2 naming the file and field', () => {
    const bad = join(dir, 'bad-topology.yaml');
    writeFileSync(
      bad,
      'name: t\nsites: { a: { link: { latencyUs: 1, gbps: 1 } } }\norgs: [ { site: b, peers: 1 } ]\norderers: { count: 1, site: a }\nclients: { count: 1, site: a }\nproxy: { site: a }\n',
    );
    const run = spawnSync(process.execPath, [BIN, 'run', '--topology', bad, '--crypto', 'modeled'], {
      encoding: 'utf8',
    });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/bad-topology\.yaml: orgs\.0\.site: unknown site 'b'; sites: a/);
  });
});

describe('scalability sweep', () => {
  it('finds the most peers one orderer can feed at the target TPS when its network stack is the limit', () => {
    // One 3 GHz core whose kernel network path costs 300 cycles per byte: 10 MB/s of sends. The
    // orderer sends every block to every peer, so the peer count it can feed at a fixed rate is
    // bounded; everything else is made cheap.
    const tightNetwork = join(dir, 'tight-network.yaml');
    writeFileSync(
      tightNetwork,
      `name: tight-network
engines:
  cpu: { cores: 1, clockGHz: 3, cycles: { signP256: 100, verifyP256: 100, signEd25519: 100, verifyEd25519: 100, signBls: 100, verifyBls: 100, hashPerByte: 0, encodePerByte: 0, decodePerByte: 0, stateRead: 10, stateWrite: 10, rangeRow: 10, contractStep: 1, contextSwitch: 0, packet: 0, networkPerByte: 300, consensusMessage: 10 } }
`,
    );
    const report = quiet({
      arch: tightNetwork,
      baseline: 'none',
      topology: countCutTopology,
      workload: 'kv-insert',
      rate: 1000,
      duration: '600ms',
      drain: '1s',
      sweep: 'peers=3,6,24',
      targetTps: 1000,
    });
    const sweep = report.scalability?.arch;
    expect(sweep?.points.map((p) => p.peers)).toEqual([3, 6, 24]);
    expect(sweep?.points[0]?.holds).toBe(true);
    expect(sweep?.points[2]?.holds).toBe(false);
    expect(sweep?.points[2]?.bottleneck).toBe('orderer.cpu');
    expect(sweep?.maxPeersHolding).toBeGreaterThanOrEqual(3);
    expect(sweep?.maxPeersHolding).toBeLessThan(24);
  });
});

describe('closed-loop arrivals', () => {
  it('keeps at most N transactions outstanding per client: each round waits for its block', () => {
    const report = quiet({ workload: 'kv-insert', baseline: 'none', arrival: 'closed:2', duration: '1s', drain: '1s' });
    const result = report.results.arch;
    // 16 clients × 2 outstanding, each round trip ≥ one 200 ms batch timeout (blocks never fill).
    expect(result.submittedTxs).toBeGreaterThanOrEqual(32);
    expect(result.submittedTxs).toBeLessThanOrEqual(32 * 6);
    expect(result.meanBlockTxs).toBeLessThanOrEqual(32);
    expect(result.unfinishedTxs).toBe(0);
    expect(report.identity.arrival).toBe('closed loop, 2 outstanding per client, think 0 ms');
  });
});

describe('mdm-token economy', () => {
  it('users funded at genesis pay the fee on every VALID transfer; fees in MDM and USD follow the channel rate', () => {
    const report = quiet({ workload: 'mdm-token', baseline: 'none', rate: 3000, duration: '200ms', keys: 1000 });
    const result = report.results.arch;
    const valid = result.validationCodes.VALID ?? 0;
    expect(valid).toBeGreaterThan(200);
    expect(result.fees?.mdm).toBeCloseTo(valid * (result.fees?.mdmPerTx ?? 0), 6);
    expect(result.fees?.usd).toBeCloseTo((result.fees?.mdm ?? 0) * (result.fees?.usdPerMdm ?? 0), 6);
  });
});
