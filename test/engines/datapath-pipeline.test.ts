/**
 * An architecture file may give a sign/verify pipeline's datapath instead of its latency: the
 * latency is derived when the file is read (and again when a datapath field is edited and the
 * architecture parsed anew, as sweeps and sensitivity do), and a wrong datapath is a ConfigError
 * naming the field.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { architectureSchema, loadArchitecture } from '../../engines/architecture.js';
import { deriveCryptoTiming } from '../../engines/crypto-datapath/index.js';
import { ConfigError } from '../../sim/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'bpusim-datapath-'));
const datapath = {
  clockGHz: 0.25,
  multipliers: { count: 1, latencyCycles: 8, initiationIntervalCycles: 1 },
  adders: { count: 2, latencyCycles: 1 },
  registerFile: { readPorts: 4, writePorts: 2 },
  tableMemory: { bytes: 65_536, latencyCycles: 2 },
  algorithm: { name: 'comb', teeth: 6, variableBaseWindowBits: 5 },
  knownKeys: 8,
} as const;

function archWith(verifyP256: Record<string, unknown>): string {
  const base = loadArchitecture('bpu-2019');
  const crypto = base.engines.crypto;
  const file = join(
    dir,
    `arch-${Math.abs(JSON.stringify(verifyP256).length)}-${Object.keys(verifyP256).join('-')}.json`,
  );
  const arch = {
    ...base,
    engines: { ...base.engines, crypto: { ...crypto, verify: { ...crypto?.verify, p256: verifyP256 } } },
  };
  writeFileSync(file, JSON.stringify(arch));
  return file;
}

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('a pipeline given by its datapath', () => {
  const { algorithm, knownKeys: _keys, ...spec } = datapath;
  const known = deriveCryptoTiming({ scheme: 'p256', op: 'verify', algorithm, datapath: spec, knownKey: true });
  const generic = deriveCryptoTiming({ scheme: 'p256', op: 'verify', algorithm, datapath: spec, knownKey: false });

  it('takes its latency, issue interval and generic path from the datapath', () => {
    const p256 = loadArchitecture(archWith({ lanes: 64, datapath })).engines.crypto?.verify.p256;
    expect(p256?.latencyNs).toBe(known.latencyNs);
    expect(p256?.initiationIntervalNs).toBe(known.latencyNs);
    expect(p256?.genericLatencyNs).toBe(generic.latencyNs);
    expect(generic.latencyNs).toBeGreaterThan(known.latencyNs);
  });

  it('derives again when a datapath field changes and the architecture is parsed anew', () => {
    const parsed = loadArchitecture(archWith({ lanes: 64, datapath }));
    const p256 = parsed.engines.crypto?.verify.p256;
    const slower = {
      ...p256,
      datapath: { ...datapath, multipliers: { count: 1, latencyCycles: 36, initiationIntervalCycles: 36 } },
    };
    const again = architectureSchema.parse({
      ...parsed,
      engines: {
        ...parsed.engines,
        crypto: { ...parsed.engines.crypto, verify: { ...parsed.engines.crypto?.verify, p256: slower } },
      },
    });
    expect(again.engines.crypto?.verify.p256?.latencyNs).toBeGreaterThan(2 * known.latencyNs);
  });

  it('refuses a latency given beside a datapath, a table memory too small for its keys, and BLS', () => {
    expect(configError(() => loadArchitecture(archWith({ lanes: 1, latencyNs: 5, datapath }))).message).toMatch(
      /engines\.crypto\.verify\.p256\.latencyNs.*derived from datapath/,
    );
    const crowded = { ...datapath, knownKeys: 100 };
    expect(configError(() => loadArchitecture(archWith({ lanes: 1, datapath: crowded }))).message).toMatch(
      /engines\.crypto\.verify\.p256\.datapath.*tableMemory\.bytes must hold .* 100 known keys/,
    );
    expect(configError(() => loadArchitecture(archWith({ lanes: 1 }))).message).toMatch(
      /latencyNs and initiationIntervalNs, or a datapath/,
    );
    const base = loadArchitecture('bpu-2019');
    const bls = { lanes: 1, datapath: { ...datapath, knownKeys: 0 } };
    const file = join(dir, 'bls.json');
    writeFileSync(
      file,
      JSON.stringify({ ...base, engines: { ...base.engines, crypto: { ...base.engines.crypto, verify: { bls } } } }),
    );
    expect(configError(() => loadArchitecture(file)).message).toMatch(/verify\.bls\.datapath.*p256 and ed25519 only/);
  });
});
