/**
 * `bpusim bench run`: how much the simulator adds on top of the real work. It runs the full-system
 * scenario on one architecture with a counting wrapper around the crypto provider, then measures
 * on this host how long the signatures the run actually computed take on their own (the host
 * crypto bound for the same signatures). With modeled crypto it reports the simulated committed
 * transactions per wall-second and the peak RSS instead. A benchmark: its figures are wall-clock
 * measurements of this host, never inputs to a simulated result.
 */
import { createCryptoProvider, type CryptoProvider, type KeyPair, type Scheme } from '../ledger/index.js';
import { significantFigures } from '../reports/figures.js';
import { HOST_PARTS, type HostPart, profiled } from './host-profile.js';
import { runSystem } from './run-system.js';
import { resolveScenario, SCENARIO_DEFAULTS, type Scenario } from './scenario.js';

/** The scenario fields the bench takes (one architecture, no baseline, Poisson arrivals). */
export type BenchRunOptions = Pick<
  Scenario,
  'arch' | 'topology' | 'workload' | 'rate' | 'duration' | 'crypto' | 'seed' | 'keys'
>;

/**
 * Runs the scenario once and returns the bench's figures (wall time, RSS, the crypto bound and,
 * with `profile`, the host CPU per simulated transaction by part of the simulator).
 */
export function benchRun(scenario: BenchRunOptions, samples: number, profile = true): Record<string, unknown> {
  const { options, arch } = resolveScenario({
    ...SCENARIO_DEFAULTS,
    ...scenario,
    baseline: 'none',
    arrival: 'poisson',
  });
  const counting = options.crypto === 'real' ? countingProvider(createCryptoProvider('node')) : null;
  const run = () =>
    runSystem({
      ...options,
      arch,
      ...(counting === null ? {} : { cryptoProvider: counting.provider }),
    });
  const startNs = process.hrtime.bigint(); // host-time-ok
  const { result, seconds } = profile ? profiled(run) : { result: run(), seconds: null };
  const wallSeconds = Number(process.hrtime.bigint() - startNs) / 1e9; // host-time-ok
  const txs = result.submittedTxs;
  const figures: Record<string, unknown> = {
    crypto: options.crypto,
    txs,
    committedTxs: result.committedTxs,
    wallSeconds: round(wallSeconds),
    wallUsPerTx: round((wallSeconds * 1e6) / txs),
    simulatedCommittedTxPerWallSecond: Math.round(result.committedTxs / wallSeconds),
    rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20),
    peakRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
  };
  if (seconds !== null) figures.hostCpuUsPerTx = perTx(seconds, txs);
  if (counting !== null) {
    const boundSeconds = cryptoBoundSeconds(counting.signs, counting.verifies, samples);
    Object.assign(figures, {
      signsComputed: counting.signs,
      verifiesComputed: counting.verifies,
      cryptoBoundSeconds: round(boundSeconds),
      fractionOfCryptoBound: round(boundSeconds / wallSeconds),
    });
  }
  return figures;
}

type Counts = Record<Scheme, number>;

function countingProvider(inner: CryptoProvider): { provider: CryptoProvider; signs: Counts; verifies: Counts } {
  const signs: Counts = { p256: 0, ed25519: 0, bls: 0 };
  const verifies: Counts = { p256: 0, ed25519: 0, bls: 0 };
  const provider: CryptoProvider = {
    mode: inner.mode,
    keyPairFromSeed: (scheme, seed) => inner.keyPairFromSeed(scheme, seed),
    sign(key, message) {
      signs[key.scheme]++;
      return inner.sign(key, message);
    },
    verify(scheme, publicKey, message, signature) {
      verifies[scheme]++;
      return inner.verify(scheme, publicKey, message, signature);
    },
    aggregateBls: (signatures) => inner.aggregateBls(signatures),
    verifyBlsAggregate(publicKeys, message, aggregate) {
      verifies.bls++;
      return inner.verifyBlsAggregate(publicKeys, message, aggregate);
    },
  };
  return { provider, signs, verifies };
}

/** Seconds this host needs for exactly these signs and verifies, timed on `samples` of each. */
function cryptoBoundSeconds(signs: Counts, verifies: Counts, samples: number): number {
  const provider = createCryptoProvider('node');
  let total = 0;
  for (const scheme of ['p256', 'ed25519'] as const) {
    if (signs[scheme] + verifies[scheme] === 0) continue;
    const key: KeyPair = provider.keyPairFromSeed(scheme, new Uint8Array(32).fill(7));
    const messages = Array.from({ length: samples }, (_, i) =>
      new TextEncoder().encode(`bpusim bench message ${i}`.padEnd(300, '.')),
    );
    let startNs = process.hrtime.bigint(); // host-time-ok
    const signatures = messages.map((m) => provider.sign(key, m));
    const signSeconds = Number(process.hrtime.bigint() - startNs) / 1e9 / samples; // host-time-ok
    startNs = process.hrtime.bigint(); // host-time-ok
    for (let i = 0; i < samples; i++)
      provider.verify(scheme, key.publicKey, messages[i] as Uint8Array, signatures[i] as Uint8Array);
    const verifySeconds = Number(process.hrtime.bigint() - startNs) / 1e9 / samples; // host-time-ok
    total += signs[scheme] * signSeconds + verifies[scheme] * verifySeconds;
  }
  return total;
}

/** Host figures: four significant digits. */
function round(value: number): number {
  return significantFigures(value, 4);
}

/** Host CPU microseconds per simulated transaction by part, with the total first. */
function perTx(seconds: Record<HostPart, number>, txs: number): Record<string, number> {
  const total = HOST_PARTS.reduce((sum, part) => sum + seconds[part], 0);
  const out: Record<string, number> = { total: round((total * 1e6) / Math.max(1, txs)) };
  for (const part of HOST_PARTS) out[part] = round((seconds[part] * 1e6) / Math.max(1, txs));
  return out;
}
