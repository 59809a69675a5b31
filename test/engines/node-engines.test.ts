/**
 * Engines against their configuration: saturated alone, each engine completes work at the rate its
 * parameters say (crypto verify lanes / II; CPU cores × clock / cycles; SC boards × cores; DB lanes
 * per op time), and a charge's stages run in sequence. Architecture files are checked for bad
 * input naming the file, the field and what is allowed.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Architecture, loadArchitecture } from '../../engines/architecture.js';
import { NodeEngines } from '../../engines/node-engines.js';
import { emptyReceipt, type WorkReceipt } from '../../ledger/receipt.js';
import { Environment, psToSeconds } from '../../sim/index.js';

/**
 * The preset with its card's control path taken out (no driver cycles per message, no PCIe link),
 * so one engine can be measured alone; the control path has its own test.
 */
function withoutControlPath(arch: Architecture): Architecture {
  const { hostLink: _link, ...engines } = arch.engines;
  const { controlPerMessage: _control, ...cycles } = arch.engines.cpu.cycles;
  return { ...arch, engines: { ...engines, cpu: { ...arch.engines.cpu, cycles } } };
}

function saturate(
  archName: string,
  work: WorkReceipt,
  count: number,
  parallelism = 1,
  withControl = false,
): { seconds: number; engines: NodeEngines } {
  const env = new Environment();
  const preset = loadArchitecture(archName);
  const engines = new NodeEngines(env, withControl ? preset : withoutControlPath(preset), 'n');
  let done = 0;
  for (let i = 0; i < count; i++) engines.charge(work, () => done++, parallelism);
  env.run();
  expect(done).toBe(count);
  return { seconds: psToSeconds(env.nowPs), engines };
}

describe('engines saturated alone', () => {
  it('BPU crypto engine: P-256 verifies complete at lanes / II', () => {
    const arch = loadArchitecture('bpu-2019');
    const spec = arch.engines.crypto?.verify.p256;
    expect(spec).toBeDefined();
    const lanes = spec?.lanes ?? 0;
    const iiSeconds = (spec?.initiationIntervalNs ?? 0) / 1e9;
    const ops = lanes * 200;
    const { seconds } = saturate('bpu-2019', { ...emptyReceipt(), verifies: { p256: 1 } }, ops);
    const predicted = lanes / iiSeconds;
    // Makespan = (ops/lanes − 1)·II + latency, so the measured rate tends to lanes / II.
    expect(ops / seconds / predicted).toBeGreaterThan(0.99);
    expect(ops / seconds / predicted).toBeLessThanOrEqual(1.0000001);
  });

  it('CPU baseline: P-256 verifies complete at cores × clock / cycles (≈ 380K/s on 64 cores, the paper)', () => {
    const arch = loadArchitecture('cpu-64core-paper');
    const ops = 64 * 500;
    const { seconds, engines } = saturate('cpu-64core-paper', { ...emptyReceipt(), verifies: { p256: 1 } }, ops);
    const predicted = (arch.engines.cpu.cores * arch.engines.cpu.clockGHz * 1e9) / arch.engines.cpu.cycles.verifyP256;
    expect(ops / seconds / predicted).toBeCloseTo(1, 3);
    expect(predicted).toBeGreaterThan(375_000);
    expect(predicted).toBeLessThan(385_000);
    const cpu = engines.stats().find((s) => s.engine === 'cpu');
    expect(cpu?.utilisation).toBeGreaterThan(0.99);
  });

  it("verifies against clients' keys: the generic path costs genericLatencyNs on the engine, generic cycles on CPU", () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpusim-generic-'));
    const bpu = loadArchitecture('bpu-2019');
    const spec = bpu.engines.crypto?.verify.p256;
    if (spec === undefined) throw new Error('bpu-2019 has no P-256 verify engine');
    const genericLatencyNs = 760_000; // the generic engine's figure (Agrawal et al. 2021)
    const bpuFile = join(dir, 'bpu.json');
    writeFileSync(
      bpuFile,
      JSON.stringify({
        ...bpu,
        engines: {
          ...bpu.engines,
          crypto: {
            ...bpu.engines.crypto,
            verify: { ...bpu.engines.crypto?.verify, p256: { ...spec, genericLatencyNs } },
          },
        },
      }),
    );
    const ops = spec.lanes * 100;
    const known = saturate(bpuFile, { ...emptyReceipt(), verifies: { p256: 1 } }, ops).seconds;
    // One generic verify per charge (an endorser's proposal check): fractional slots carried over.
    const generic = saturate(bpuFile, { ...emptyReceipt(), verifies: { p256: 1 }, genericVerifies: { p256: 1 } }, ops);
    expect(generic.seconds / known).toBeCloseTo(genericLatencyNs / spec.initiationIntervalNs, 1);
    expect(ops / generic.seconds / (spec.lanes / (genericLatencyNs / 1e9))).toBeGreaterThan(0.99);
    // Without the figure a generic verify costs what a known-key one does (as before).
    const { genericLatencyNs: _generic, ...knownOnly } = spec;
    const plainFile = join(dir, 'bpu-known-only.json');
    writeFileSync(
      plainFile,
      JSON.stringify({
        ...bpu,
        engines: {
          ...bpu.engines,
          crypto: { ...bpu.engines.crypto, verify: { ...bpu.engines.crypto?.verify, p256: knownOnly } },
        },
      }),
    );
    const plain = saturate(plainFile, { ...emptyReceipt(), verifies: { p256: 1 }, genericVerifies: { p256: 1 } }, ops);
    expect(plain.seconds).toBe(known);

    const cpu = loadArchitecture('cpu-64core');
    const cpuFile = join(dir, 'cpu.json');
    const verifyP256Generic = 2 * cpu.engines.cpu.cycles.verifyP256;
    writeFileSync(
      cpuFile,
      JSON.stringify({
        ...cpu,
        engines: {
          ...cpu.engines,
          cpu: { ...cpu.engines.cpu, cycles: { ...cpu.engines.cpu.cycles, verifyP256Generic } },
        },
      }),
    );
    const cores = 64 * 50;
    const oneKnownOneGeneric = { ...emptyReceipt(), verifies: { p256: 2 }, genericVerifies: { p256: 1 } };
    const cpuRun = saturate(cpuFile, oneKnownOneGeneric, cores);
    const predicted =
      (cores * (cpu.engines.cpu.cycles.verifyP256 + verifyP256Generic)) / (64 * cpu.engines.cpu.clockGHz * 1e9);
    expect(cpuRun.seconds / predicted).toBeCloseTo(1, 3);
  });

  it('block store: appends run one at a time on the storage device, bytes at its bandwidth plus the sync', () => {
    const dir = mkdtempSync(join(tmpdir(), 'bpusim-storage-'));
    const cpu = loadArchitecture('cpu-64core');
    const file = join(dir, 'with-storage.json');
    const storage = { writeGBps: 2, syncLatencyNs: 30_000 };
    writeFileSync(file, JSON.stringify({ ...cpu, engines: { ...cpu.engines, storage } }));
    const append = { ...emptyReceipt(), storageWriteBytes: 1_000_000, storageSyncs: 1 };
    const blocks = 50;
    const run = saturate(file, append, blocks, 8);
    // One device queue: 50 × (1 MB / 2 GB/s + 30 µs) = 50 × 530 µs, whatever the parallelism.
    expect(run.seconds).toBeCloseTo((blocks * (1_000_000 / storage.writeGBps + storage.syncLatencyNs)) / 1e9, 9);
    expect(run.engines.stats().find((s) => s.engine === 'storage')?.ops).toBe(blocks);
    // Without a storage device the same work costs no time (as before the device existed).
    const { storage: _storage, ...withoutStorage } = cpu.engines;
    const bare = join(dir, 'without-storage.json');
    writeFileSync(bare, JSON.stringify({ ...cpu, engines: withoutStorage }));
    expect(saturate(bare, append, blocks).seconds).toBe(0);
  });

  it('receiving costs what sending does: kernel cycles per packet and byte on CPU, the TOE on a BPU', () => {
    const bytes = 90_000;
    const messages = 640;
    const cpu = loadArchitecture('cpu-64core');
    const mtu = cpu.engines.nic?.mtuBytes ?? 1_500;
    const cyclesEach =
      Math.ceil(bytes / mtu) * cpu.engines.cpu.cycles.packet + bytes * cpu.engines.cpu.cycles.networkPerByte;
    const onCpu = saturate('cpu-64core', { ...emptyReceipt(), receiveBytes: bytes }, messages);
    const predicted = (messages * cyclesEach) / (cpu.engines.cpu.cores * cpu.engines.cpu.clockGHz * 1e9);
    expect(onCpu.seconds / predicted).toBeCloseTo(1, 3);
    const sent = saturate('cpu-64core', { ...emptyReceipt(), messageBytes: bytes }, messages);
    expect(sent.seconds).toBe(onCpu.seconds);
    const bpu = loadArchitecture('bpu-2019');
    const nic = bpu.engines.nic;
    if (nic === undefined) throw new Error('bpu-2019 has no NIC');
    const onToe = saturate('bpu-2019', { ...emptyReceipt(), receiveBytes: bytes }, messages);
    const toeNs = Math.ceil(bytes / nic.mtuBytes) * nic.perPacketNs + (bytes * 8) / nic.gbps;
    expect(onToe.seconds / ((messages * toeNs) / 1e9)).toBeCloseTo(1, 3);
    expect(onToe.engines.stats().find((s) => s.engine === 'cpu')?.ops).toBe(0);
  });

  it('SC engine: contracts on separate boards run in parallel, no context switch; on CPU they pay one', () => {
    const work: WorkReceipt = { ...emptyReceipt(), contractSteps: 1000, contract: 'smallbank' };
    const bpu = loadArchitecture('bpu-2019');
    const sc = bpu.engines.sc;
    expect(sc).toBeDefined();
    const scLanes = (sc?.boards ?? 0) * (sc?.coresPerBoard ?? 0);
    const bpuRun = saturate('bpu-2019', work, scLanes * 10);
    const perContractSeconds = (1000 * (sc?.cyclesPerStep ?? 0)) / ((sc?.clockGHz ?? 1) * 1e9);
    expect(bpuRun.seconds).toBeCloseTo(10 * perContractSeconds, 9);
    const cpu = loadArchitecture('cpu-64core').engines.cpu;
    const cpuRun = saturate('cpu-64core', work, cpu.cores * 10);
    const cpuContractSeconds = (1000 * cpu.cycles.contractStep + cpu.cycles.contextSwitch) / (cpu.clockGHz * 1e9);
    expect(cpuRun.seconds).toBeCloseTo(10 * cpuContractSeconds, 9);
  });

  it('DB engine: state operations complete at lanes / per-op time', () => {
    const db = loadArchitecture('bpu-2019').engines.db;
    expect(db).toBeDefined();
    const readNs = (db?.getNs ?? 0) + (1 - (db?.cacheHitRatio ?? 1)) * (db?.missNs ?? 0);
    const ops = (db?.lanes ?? 1) * 100;
    const { seconds } = saturate('bpu-2019', { ...emptyReceipt(), stateReads: 1 }, ops);
    expect(ops / seconds / ((db?.lanes ?? 1) / (readNs / 1e9))).toBeCloseTo(1, 2);
  });

  it('stages run in sequence: a charge takes the sum of its stages when idle', () => {
    const env = new Environment();
    const arch = loadArchitecture('cpu-64core');
    const engines = new NodeEngines(env, arch, 'n');
    let atPs = -1;
    engines.charge(
      { ...emptyReceipt(), verifies: { p256: 1 }, signs: { p256: 1 }, stateReads: 2 },
      () => (atPs = env.nowPs),
    );
    env.run();
    const c = arch.engines.cpu.cycles;
    const expectedSeconds = (c.verifyP256 + c.signP256 + 2 * c.stateRead) / (arch.engines.cpu.clockGHz * 1e9);
    expect(psToSeconds(atPs)).toBeCloseTo(expectedSeconds, 9);
  });

  it("card control path: the host's driver cycles and one PCIe crossing per message, the DMA set-up as latency", () => {
    const arch = loadArchitecture('bpu-2019');
    const controlCycles = arch.engines.cpu.cycles.controlPerMessage ?? 0;
    const link = arch.engines.hostLink;
    if (link === undefined || controlCycles === 0) throw new Error('bpu-2019 has no control path');
    const messages = 1_000;
    const blockBytes = 100_000;
    const work: WorkReceipt = { ...emptyReceipt(), stateReads: 1, storageWriteBytes: blockBytes, storageSyncs: 1 };
    const run = saturate('bpu-2019', work, messages, 1, true);
    const stats = (engine: string) => run.engines.stats().find((s) => s.engine === engine);
    expect(stats('cpu')?.ops).toBe(messages);
    expect(stats('hostLink')?.ops).toBe(messages);
    const busy = (engine: string) => run.engines.busy().find((b) => b.engine === engine)?.busyLanePs ?? 0;
    // Host CPU: exactly the driver's cycles per message; the link: descriptor + block bytes at its bandwidth.
    const controlSeconds = (messages * controlCycles) / (arch.engines.cpu.clockGHz * 1e9);
    expect(psToSeconds(busy('cpu')) / controlSeconds).toBeCloseTo(1, 5);
    const linkBitsPerSecond = link.lanes * link.gbpsPerLane * 1e9;
    const linkSeconds = (messages * (link.descriptorBytes + blockBytes) * 8) / linkBitsPerSecond;
    expect(psToSeconds(busy('hostLink')) / linkSeconds).toBeCloseTo(1, 4);
    // The set-up delays a message but does not hold the link: 1,000 set-ups of 1 µs would take
    // 1 ms if serial; the run is bounded by the block store's appends instead.
    const alone = saturate('bpu-2019', work, messages, 1, false);
    expect(run.seconds - alone.seconds).toBeLessThan((link.dmaSetupNs * 1e-9 * messages) / 10);
  });
});

describe('architecture files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bpusim-arch-'));
  const write = (name: string, text: string): string => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };

  it('names the file, the field and what is allowed', () => {
    const unknownEngine = write(
      'a.yaml',
      'name: x\nengines:\n  cpu: { cores: 4, clockGHz: 3, cycles: { signP256: 1, verifyP256: 1, signEd25519: 1, verifyEd25519: 1, signBls: 1, verifyBls: 1, hashPerByte: 1, encodePerByte: 1, decodePerByte: 1, stateRead: 1, stateWrite: 1, rangeRow: 1, contractStep: 1, contextSwitch: 1, packet: 1, networkPerByte: 1, consensusMessage: 1 } }\nserves: { verify: crypto }\n',
    );
    expect(() => loadArchitecture(unknownEngine)).toThrow(
      /a\.yaml: serves\.verify: engine 'crypto' is not defined under engines; defined: cpu/,
    );
    const badLanes = write(
      'b.json',
      JSON.stringify({ name: 'x', engines: { cpu: { cores: 0, clockGHz: 3, cycles: {} } } }),
    );
    expect(() => loadArchitecture(badLanes)).toThrow(/b\.json: engines\.cpu\.cores: Too small/);
    const typo = write('c.yaml', 'name: x\nengines:\n  cpu: { cores: 4, clockGHz: 3, cycls: {} }\n');
    expect(() => loadArchitecture(typo)).toThrow(
      /c\.yaml: engines\.cpu: unknown field 'cycls'; allowed: cores, clockGHz, cycles, costUsd, powerW/,
    );
    const wrongServe = write(
      'd.yaml',
      'name: x\nengines:\n  cpu: { cores: 4, clockGHz: 3, cycles: { signP256: 1, verifyP256: 1, signEd25519: 1, verifyEd25519: 1, signBls: 1, verifyBls: 1, hashPerByte: 1, encodePerByte: 1, decodePerByte: 1, stateRead: 1, stateWrite: 1, rangeRow: 1, contractStep: 1, contextSwitch: 1, packet: 1, networkPerByte: 1, consensusMessage: 1 } }\nserves: { verify: gpu }\n',
    );
    expect(() => loadArchitecture(wrongServe)).toThrow(
      /d\.yaml: serves\.verify: Invalid option: expected one of "cpu"\|"crypto"/,
    );
    expect(() => loadArchitecture(write('e.yaml', 'name: [unclosed'))).toThrow(/e\.yaml: not valid YAML/);
    expect(() => loadArchitecture(join(dir, 'missing.yaml'))).toThrow(
      /missing\.yaml: no such file, and not a preset; arch presets: cpu-64core, cpu-64core-paper, bpu-2019, bpu-1m/,
    );
  });

  it('every preset loads', () => {
    for (const name of ['cpu-64core', 'bpu-2019', 'bpu-1m']) expect(loadArchitecture(name).name).toBe(name);
  });
});
