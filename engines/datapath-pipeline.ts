/**
 * A sign or verify pipeline given by its microarchitecture rather than its latency: the
 * architecture file's `datapath` (multipliers, adders, register ports, table memory, clock, the
 * scalar-multiplication algorithm) is scheduled by engines/crypto-datapath, and the derived
 * latency fills the pipeline's `latencyNs` and `initiationIntervalNs` (one operation at a time per
 * engine), plus `genericLatencyNs` for a verify engine holding tables for known keys.
 *
 * The derivation runs inside the schema, so every reader of an architecture (runs, sweeps,
 * sensitivity, sizing) sees figures consistent with the datapath it was given, even after editing
 * a datapath field and parsing again. A parsed pipeline carries `datapathDerived: true`, which
 * tells a later parse that its latency figures were derived (and may be derived afresh).
 */
import { z } from 'zod';
import { type DatapathSpec, deriveCryptoTiming, type ScalarMulAlgorithm } from './crypto-datapath/index.js';

const count = z.int().min(1).max(4_096);
const cycles = z.int().min(1).max(1_000_000);
const units = z.object({ count, latencyCycles: cycles, initiationIntervalCycles: cycles }).strict();

const algorithmSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('double-and-add') }).strict(),
  z
    .object({ name: z.literal('wnaf'), windowBits: z.int().min(2).max(10), interleaved: z.boolean().optional() })
    .strict(),
  z
    .object({ name: z.literal('comb'), teeth: z.int().min(1).max(12), variableBaseWindowBits: z.int().min(2).max(10) })
    .strict(),
  z.object({ name: z.literal('shamir') }).strict(),
]);

export const datapathSchema = z
  .object({
    clockGHz: z.number().positive().max(10),
    multipliers: units,
    squarers: units.optional(),
    adders: z.object({ count, latencyCycles: cycles }).strict(),
    inverter: z.object({ latencyCycles: cycles, initiationIntervalCycles: cycles }).strict().optional(),
    registerFile: z.object({ readPorts: z.int().min(2).max(256), writePorts: count }).strict(),
    tableMemory: z
      .object({
        bytes: z
          .int()
          .min(0)
          .max(2 ** 34),
        latencyCycles: cycles,
      })
      .strict()
      .optional(),
    algorithm: algorithmSchema,
    /**
     * Keys whose tables the engine keeps (endorsers', orderers' and CAs' certificates): verifies
     * against them take the known-key path, each key's table held in `tableMemory`. 0: none.
     */
    knownKeys: z.int().min(0).max(1_000_000).default(0),
    /**
     * Silicon area per part, in one unit of the file's choosing (mm², kLUT): what `bpusim size`
     * weighs datapath variants by. Absent: the datapath is not sized, only its lanes.
     */
    area: z
      .object({
        perEngine: z.number().nonnegative(),
        perMultiplier: z.number().nonnegative(),
        perSquarer: z.number().nonnegative().default(0),
        perAdder: z.number().nonnegative(),
        perInverter: z.number().nonnegative().default(0),
        perTableKiB: z.number().nonnegative(),
      })
      .strict()
      .optional(),
  })
  .strict();

export type DatapathConfig = z.infer<typeof datapathSchema>;

type Scheme = 'p256' | 'ed25519' | 'bls';

/** The figures a datapath gives its pipeline. */
export interface DerivedPipeline {
  latencyNs: number;
  initiationIntervalNs: number;
  genericLatencyNs?: number;
}

const derivedCache = new Map<string, DerivedPipeline>();

/** Latency (and the generic path's, for a known-key verify engine); throws a RangeError naming what is wrong. */
export function derivePipeline(scheme: Scheme, op: 'sign' | 'verify', config: DatapathConfig): DerivedPipeline {
  if (scheme === 'bls')
    throw new RangeError('a datapath is modelled for p256 and ed25519 only; give latencyNs for bls');
  const key = JSON.stringify([scheme, op, config]);
  const cached = derivedCache.get(key);
  if (cached !== undefined) return cached;
  const { algorithm, knownKeys, area: _area, ...spec } = config;
  const datapath = spec as DatapathSpec;
  const request = { scheme, op, algorithm: algorithm as ScalarMulAlgorithm, datapath };
  const known = op === 'verify' && knownKeys > 0;
  const timing = deriveCryptoTiming({ ...request, knownKey: known });
  if (known) {
    const needed = timing.resources.generatorTableBytes + knownKeys * timing.resources.perKeyTableBytes;
    if (needed > (datapath.tableMemory?.bytes ?? 0))
      throw new RangeError(
        `tableMemory.bytes must hold the generator's table and ${knownKeys} known keys' (${needed.toLocaleString('en-US')} bytes), got ${(datapath.tableMemory?.bytes ?? 0).toLocaleString('en-US')}`,
      );
  }
  const derived: DerivedPipeline = {
    latencyNs: timing.latencyNs,
    initiationIntervalNs: timing.initiationIntervalNs,
    ...(known ? { genericLatencyNs: deriveCryptoTiming({ ...request, knownKey: false }).latencyNs } : {}),
  };
  if (derivedCache.size > 256) derivedCache.clear();
  derivedCache.set(key, derived);
  return derived;
}

/** One engine's area under its datapath's `area` figures (0 without them). */
export function engineArea(config: DatapathConfig): number {
  const area = config.area;
  if (area === undefined) return 0;
  return (
    area.perEngine +
    config.multipliers.count * area.perMultiplier +
    (config.squarers?.count ?? 0) * area.perSquarer +
    config.adders.count * area.perAdder +
    (config.inverter === undefined ? 0 : area.perInverter) +
    ((config.tableMemory?.bytes ?? 0) / 1024) * area.perTableKiB
  );
}

/** Multiplier counts `bpusim size` tries per engine. */
export const MULTIPLIER_CHOICES = [1, 2, 4, 8] as const;

/**
 * The datapath with `multipliers` multipliers: adders and register-file ports scale with them (a
 * multiplier needs its operands read and its result written each issue), all else kept.
 */
export function withMultipliers(config: DatapathConfig, multipliers: number): DatapathConfig {
  const scale = multipliers / config.multipliers.count;
  const scaled = (n: number, min: number): number => Math.max(min, Math.round(n * scale));
  return {
    ...config,
    multipliers: { ...config.multipliers, count: multipliers },
    adders: { ...config.adders, count: scaled(config.adders.count, 1) },
    registerFile: {
      readPorts: scaled(config.registerFile.readPorts, 2),
      writePorts: scaled(config.registerFile.writePorts, 1),
    },
  };
}
