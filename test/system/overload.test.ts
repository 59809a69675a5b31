/**
 * Overload as real systems meet it (issue 17): the proxy admits at most its concurrency limit of
 * transactions at once and refuses the rest at once (RESOURCE_EXHAUSTED); a client stops waiting
 * after its time-out (CLIENT_TIMEOUT; the transaction may still commit); clients may retry both
 * with jittered exponential back-off. Work in flight is bounded by the limit whatever the load.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { presetPath } from '../../engines/config-file.js';
import { ClientTimeouts } from '../../system/client-timeouts.js';
import { newTxRecord, type TxRecord } from '../../system/run-metrics.js';
import { Environment, msToPs } from '../../sim/index.js';
import { quietRun } from './_fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'bpusim-overload-'));

function topology(name: string, proxy: string, clients: string): string {
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    `name: ${name}
sites: { dc1: { link: { latencyUs: 100, gbps: 25 } } }
orgs: [ { site: dc1, peers: 1 }, { site: dc1, peers: 1 } ]
endorsementPolicy: "OutOf(1, 'Org1MSP.peer', 'Org2MSP.peer')"
orderers: { count: 1, site: dc1 }
clients: { count: 8, site: dc1, ${clients} }
proxy: { site: dc1, ${proxy} }
batch: { maxMessageCount: 100, preferredMaxBytes: 2097152, absoluteMaxBytes: 10485760, timeoutMs: 5 }
`,
  );
  return file;
}

/** bpu-2019 far above its capacity (about 50K tx/s with these blocks) for a short run. */
function overloaded(topologyFile: string, rate = 200_000) {
  return quietRun({
    arch: 'bpu-2019',
    baseline: 'none',
    topology: topologyFile,
    workload: 'kv-insert',
    keys: 10_000,
    rate,
    duration: '40ms',
    arrival: 'fixed',
  }).results.arch;
}

describe('overload', () => {
  it('the proxy holds at most its limit and refuses the rest at once; each request has one outcome', () => {
    const r = overloaded(topology('limit', 'concurrencyLimit: 300', 'timeoutMs: 60000'));
    const o = r.overload as NonNullable<typeof r.overload>;
    expect(o.peakAdmitted).toBe(300);
    expect(o.rejectedAtAdmission).toBeGreaterThan(r.submittedTxs / 2);
    expect(r.validationCodes.RESOURCE_EXHAUSTED).toBe(o.rejectedAtAdmission);
    const outcomes = Object.values(r.validationCodes).reduce((a, b) => a + b, 0);
    expect(outcomes + r.unfinishedTxs).toBe(r.submittedTxs);
    expect(r.unfinishedTxs).toBe(0);
    // Refusals are not transactions' latencies: the fastest outcome recorded went through ordering.
    expect(r.latencyCdf[0]?.ms).toBeGreaterThan(1);
  });

  it('admitted work does not grow with the offered load', () => {
    const file = topology('limit-2', 'concurrencyLimit: 300', 'timeoutMs: 60000');
    const twice = overloaded(file, 400_000);
    expect(twice.overload?.peakAdmitted).toBe(300);
    expect(twice.committedTxs).toBeGreaterThan(0);
  });

  it("without a topology limit the proxy holds the sum of its peers' gateway limits (the architecture's)", () => {
    const file = topology('gateway', '', 'timeoutMs: 60000');
    const r = overloaded(file);
    // 2 peers × Fabric's 500 per gateway.
    expect(r.overload?.concurrencyLimit).toBe(1000);
    expect(r.overload?.peakAdmitted).toBe(1000);
    const archFile = join(dir, 'bpu-2019-gateway-200.yaml');
    const preset = readFileSync(presetPath('arch', 'bpu-2019'), 'utf8');
    writeFileSync(archFile, `${preset}\nplatform: { gatewayConcurrencyLimit: 200 }\n`);
    const narrow = quietRun({
      arch: archFile,
      baseline: 'none',
      topology: file,
      workload: 'kv-insert',
      keys: 10_000,
      rate: 200_000,
      duration: '40ms',
      arrival: 'fixed',
    }).results.arch;
    expect(narrow.overload?.concurrencyLimit).toBe(400);
    expect(narrow.overload?.peakAdmitted).toBe(400);
  });

  it('a client that stops waiting counts a time-out; the transaction may still commit', () => {
    const r = overloaded(topology('timeouts', 'concurrencyLimit: 100000', 'timeoutMs: 8'));
    const o = r.overload as NonNullable<typeof r.overload>;
    expect(o.timedOut).toBeGreaterThan(0);
    expect(r.validationCodes.CLIENT_TIMEOUT).toBe(o.timedOut);
    expect(o.committedAfterTimeout).toBeGreaterThan(0);
    expect(o.committedAfterTimeout).toBeLessThanOrEqual(o.timedOut);
    // No client waits much past its patience.
    expect(r.latencyMs.max).toBeLessThan(8 + 1);
  });

  it('retries with back-off turn refusals into later attempts; a request ends once', () => {
    const file = topology('retries', 'concurrencyLimit: 300', 'timeoutMs: 60000, retries: 3, backoffMs: 2');
    const r = overloaded(file);
    const o = r.overload as NonNullable<typeof r.overload>;
    expect(o.retries).toBeGreaterThan(0);
    // Every refusal was retried until the attempts ran out: final refusals are the rest.
    expect((r.validationCodes.RESOURCE_EXHAUSTED ?? 0) + o.retries).toBe(o.rejectedAtAdmission);
    const outcomes = Object.values(r.validationCodes).reduce((a, b) => a + b, 0);
    expect(outcomes + r.unfinishedTxs).toBe(r.submittedTxs);
    // Deterministic: the back-off draws come from the run's seeded stream.
    expect(overloaded(file)).toEqual(r);
  });
});

describe('client time-outs', () => {
  it('expire in submission order with one timer, skipping attempts that finished', () => {
    const env = new Environment();
    const expired: number[] = [];
    const timeouts = new ClientTimeouts(env, msToPs(10), (tx) => expired.push(tx.client));
    const txs: TxRecord[] = [];
    for (let i = 0; i < 5; i++)
      env.scheduleAt(msToPs(i), () => {
        const tx = newTxRecord(i, env.nowPs);
        txs.push(tx);
        timeouts.start(tx);
      });
    env.scheduleAt(msToPs(10.5), () => timeouts.forget(txs[1] as TxRecord));
    env.scheduleAt(msToPs(12.5), () => timeouts.forget(txs[3] as TxRecord));
    env.run();
    expect(expired).toEqual([0, 2, 4]);
    expect(timeouts.size).toBe(0);
    expect(env.nowPs).toBe(msToPs(14));
  });
});
