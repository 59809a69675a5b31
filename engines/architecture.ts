/**
 * The architecture file: the engines of one node, their parameters, and which engine serves which
 * kind of work (the project's design rules). What `serves` does not map, or maps to an engine the file lacks a
 * parameter for (say a signature scheme the crypto engine does not implement), falls to CPU cores.
 * Units are in the field names; cost (USD) and power (W) per engine are optional, for sizing.
 */
import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { readConfigSource, validateConfig } from './config-file.js';
import { datapathSchema, derivePipeline } from './datapath-pipeline.js';
import {
  byteEnergySchema,
  cycleEnergySchema,
  dbEnergySchema,
  messageEnergySchema,
  slotEnergySchema,
} from './energy.js';
import { CACHE_ENTRIES_MAX, FULLY_ASSOCIATIVE_ENTRIES_MAX } from './state-cache.js';

export const ARCH_PRESETS = [
  'cpu-64core',
  'cpu-64core-paper',
  'bpu-2019',
  'bpu-1m',
  'fabric-1.4',
  'fastfabric',
  'fpga-validator',
] as const;

export const WORK_KINDS = [
  'sign',
  'verify',
  'hash',
  'encode',
  'decode',
  'state',
  'contract',
  'network',
  'consensus',
] as const;
export type WorkKind = (typeof WORK_KINDS)[number];
export const ENGINE_NAMES = ['cpu', 'crypto', 'db', 'sc', 'serde', 'nic', 'bft'] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

const positive = z.number().positive();
const nonNegative = z.number().nonnegative();
const lanes = z.int().min(1).max(1_000_000);
const sizing = { costUsd: nonNegative.optional(), powerW: nonNegative.optional() };

const cycleCosts = z
  .object({
    signP256: positive,
    verifyP256: positive,
    signEd25519: positive,
    verifyEd25519: positive,
    signBls: positive,
    verifyBls: positive,
    /** Cycles of a verify against a client's key (the generic path); the known-key figure when absent. */
    verifyP256Generic: positive.optional(),
    verifyEd25519Generic: positive.optional(),
    verifyBlsGeneric: positive.optional(),
    hashPerByte: nonNegative,
    encodePerByte: nonNegative,
    decodePerByte: nonNegative,
    stateRead: nonNegative,
    stateWrite: nonNegative,
    rangeRow: nonNegative,
    contractStep: nonNegative,
    contextSwitch: nonNegative,
    packet: nonNegative,
    networkPerByte: nonNegative,
    consensusMessage: nonNegative,
    /** Per built-in contract, cycles per step where it differs from `contractStep` (host calibrations measure it). */
    contractStepByContract: z.record(z.string().min(1), nonNegative).optional(),
    /**
     * Cycles per signature check handed to a worker thread (packing, transfer, unpacking, result),
     * on top of the check itself; only models of a host's worker pool (`bpusim validate`) charge it.
     */
    workerHandoffPerJob: nonNegative.optional(),
    /** The main thread's part of that hand-off (packing the jobs into one transferable buffer). */
    workerPackPerJob: nonNegative.optional(),
    /** The platform's own logic per proposal endorsed and per transaction validated (checks, policy, rwset bookkeeping); 0 when absent. */
    proposal: nonNegative.optional(),
    txValidation: nonNegative.optional(),
    /** The runtime's own work on helper threads per validated transaction (garbage collection, the store's write thread); host models only. */
    backgroundPerTx: nonNegative.optional(),
    /**
     * A card's control path: the host CPU's driver work per message the card handles (submitting
     * the work, taking its completion, bookkeeping). Charged only on nodes whose card serves some of
     * the message's work; 0 when absent.
     */
    controlPerMessage: nonNegative.optional(),
    /**
     * The chaincode runs in its own process (Fabric's chaincode container): each state access of an
     * endorsement (GetState, PutState) is a round trip over the shim's stream, these cycles on the
     * peer's cores each. 0 when absent (in-process chaincode, or an SC engine).
     */
    chaincodeCall: nonNegative.optional(),
    /** A read and a write of the world state kept in an in-memory hash table (`platform.hashTableState`). */
    hashTableRead: nonNegative.optional(),
    hashTableWrite: nonNegative.optional(),
    /**
     * One request to a state database in its own process (CouchDB's HTTP API): the peer's cycles
     * per request, on top of the per-key read or write. 0 when absent (LevelDB in the peer's process).
     */
    stateRequest: nonNegative.optional(),
  })
  .strict();

/**
 * `energy` (optional, on every engine): idle watts plus energy per operation in the engine's own
 * unit (engines/energy.ts); without it, a nameplate `powerW` is drawn the whole run.
 */
const cpuSchema = z
  .object({ cores: lanes, clockGHz: positive, cycles: cycleCosts, ...sizing, energy: cycleEnergySchema.optional() })
  .strict();

const pipelineFields = z
  .object({
    lanes,
    /** Given, or derived from `datapath` (then leave them out). */
    latencyNs: positive.optional(),
    initiationIntervalNs: positive.optional(),
    /**
     * Verify engines specialised for known keys (precomputed tables for endorsers' and orderers'
     * certificates): the time one verify against a client's key takes on the same engine (its
     * generic path). It holds the engine for genericLatencyNs / initiationIntervalNs issue slots.
     */
    genericLatencyNs: positive.optional(),
    /** The engine's microarchitecture, from which its latency is derived (engines/datapath-pipeline.ts). */
    datapath: datapathSchema.optional(),
    /** Written by bpusim when it derived the latency figures from `datapath`; not for files. */
    datapathDerived: z.literal(true).optional(),
    ...sizing,
    /** Per lane: idle watts and energy per issue slot. */
    energy: slotEnergySchema.optional(),
  })
  .strict();

/** A pipeline of `scheme`'s `op`: its latency given, or derived from its datapath. */
function pipelineSchema(scheme: 'p256' | 'ed25519' | 'bls', op: 'sign' | 'verify') {
  return pipelineFields.transform((spec, ctx) => {
    const { datapath, datapathDerived, ...given } = spec;
    if (datapath === undefined) {
      if (given.latencyNs === undefined || given.initiationIntervalNs === undefined) {
        ctx.addIssue({ code: 'custom', message: 'needs latencyNs and initiationIntervalNs, or a datapath', path: [] });
        return z.NEVER;
      }
      return { ...given, latencyNs: given.latencyNs, initiationIntervalNs: given.initiationIntervalNs };
    }
    if (datapathDerived !== true)
      for (const field of ['latencyNs', 'initiationIntervalNs', 'genericLatencyNs'] as const)
        if (given[field] !== undefined) {
          ctx.addIssue({ code: 'custom', message: 'is derived from datapath: give one or the other', path: [field] });
          return z.NEVER;
        }
    try {
      const derived = derivePipeline(scheme, op, datapath);
      return { ...given, ...derived, datapath, datapathDerived: true as const };
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message, path: ['datapath'] });
      return z.NEVER;
    }
  });
}

function perScheme(op: 'sign' | 'verify') {
  return z
    .object({
      p256: pipelineSchema('p256', op).optional(),
      ed25519: pipelineSchema('ed25519', op).optional(),
      bls: pipelineSchema('bls', op).optional(),
    })
    .strict();
}

const cryptoSchema = z
  .object({
    sign: perScheme('sign').default({}),
    verify: perScheme('verify').default({}),
    /** SHA-256 cores: bytes per cycle each. */
    hash: z
      .object({ lanes, bytesPerCycle: positive, clockGHz: positive, energy: byteEnergySchema.optional() })
      .strict()
      .optional(),
    /** Batch verification: up to `batchMax` signatures checked together for the cost of `batchCostFactor` × one. */
    batchVerify: z
      .object({ batchMax: z.int().min(2), batchCostFactor: positive })
      .strict()
      .optional(),
    ...sizing,
  })
  .strict();

const dbSchema = z
  .object({
    lanes,
    getNs: positive,
    putNs: positive,
    rangeRowNs: positive,
    /** A fixed share of reads that hit the engine's cache (1 when absent); for a cache driven by the keys read, give `cache`. */
    cacheHitRatio: z.number().min(0).max(1).optional(),
    /** Extra time of a read that misses under `cacheHitRatio` (0 when absent). */
    missNs: nonNegative.optional(),
    /**
     * A state cache fed by the keys the ledger reads and writes (engines/state-cache.ts): a read
     * that misses waits for `backing`. `sizeBytes` / `entryBytes` entries in sets of `ways`
     * (least recently used replaced; `ways` ≥ the entry count: fully associative).
     */
    cache: z
      .object({ sizeBytes: z.int().min(1), entryBytes: z.int().min(1).max(1_048_576), ways: z.int().min(1).default(8) })
      .strict()
      .optional(),
    /** The memory behind the cache (the card's DRAM or flash): a miss costs latencyNs + entryBytes × 8 / gbps. */
    backing: z.object({ latencyNs: nonNegative, gbps: positive }).strict().optional(),
    /** The engine's state-integrity hasher (the paper's remedy 4: hardware that checks state consistency). */
    hashBytesPerNs: positive.optional(),
    ...sizing,
    energy: dbEnergySchema.optional(),
  })
  .strict();

const scSchema = z
  .object({
    boards: lanes,
    coresPerBoard: lanes,
    clockGHz: positive,
    cyclesPerStep: positive,
    ...sizing,
    /** Idle watts per board; energy per busy core-cycle. */
    energy: cycleEnergySchema.optional(),
  })
  .strict();

const serdeSchema = z
  .object({ lanes, bytesPerCycle: positive, clockGHz: positive, ...sizing, energy: byteEnergySchema.optional() })
  .strict();

const nicSchema = z
  .object({
    toe: z.boolean(),
    gbps: positive,
    perPacketNs: nonNegative,
    mtuBytes: z.int().min(576).max(65_536).default(9_000),
    ...sizing,
    energy: byteEnergySchema.optional(),
  })
  .strict();

/**
 * The card's PCIe link to its host. Each message the card handles crosses it once: its bytes when
 * the network is on the host (the card must fetch them), else a descriptor of `descriptorBytes`
 * (the data stays on the card behind its TOE), plus any block bytes going to the host's block store.
 */
const hostLinkSchema = z
  .object({
    lanes: z.int().min(1).max(64),
    gbpsPerLane: positive,
    dmaSetupNs: nonNegative,
    descriptorBytes: z.int().min(0).max(4_096).default(64),
    ...sizing,
    energy: byteEnergySchema.optional(),
  })
  .strict();

const bftSchema = z
  .object({ lanes, perMessageNs: positive, ...sizing, energy: messageEnergySchema.optional() })
  .strict();

/**
 * The node's block-store device (an NVMe drive): blocks are appended at `writeGBps` and each append
 * ends with a durability barrier (fsync) taking `syncLatencyNs`. One queue: a peer's appends are
 * ordered, as Fabric's block file is. Absent, block-store work is not charged.
 */
const storageSchema = z
  .object({ writeGBps: positive, syncLatencyNs: nonNegative, ...sizing, energy: byteEnergySchema.optional() })
  .strict();

/**
 * How a peer's committer works through blocks. `parallel`: false (the default, as Fabric) checks
 * MVCC and writes the state one transaction after another on one lane; true splits that work
 * across lanes like the validation before it. `pipelined`: false (the default, as Fabric) prepares
 * a block (decode, signature and policy checks) only after the previous one is committed; true
 * prepares block N+1 while block N commits (FastFabric, Gorenflo et al. 2019).
 */
const commitSchema = z.object({ parallel: z.boolean().default(false), pipelined: z.boolean().default(false) }).strict();

/** Fabric's default gateway concurrency per peer (core.yaml peer.limits.concurrency.gatewayService). */
export const FABRIC_GATEWAY_CONCURRENCY = 500;

/**
 * Switches of the peer software for the optimisations published Fabric work measured one at a time,
 * so a published optimisation ladder can be replayed as a sweep (`arch.platform.<switch>`). The
 * defaults are today's Fabric; a Fabric 1.0-era peer turns them off.
 */
const platformSchema = z
  .object({
    /**
     * Deserialised identities are cached (Thakkar et al. 2018; Fabric ≥ 1.1). Off, every signature
     * check first decodes the signer's certificate (`certificateBytes`) and checks it against its
     * CA: one more verify, against a known key.
     */
    identityCache: z.boolean().default(true),
    certificateBytes: z.int().min(0).max(65_536).default(800),
    /**
     * How many times the committer unmarshals each block's bytes. Fabric 1.x unmarshals a
     * transaction again in several validation steps; FastFabric's cache of unmarshalled blocks
     * (Gorenflo et al. 2019) makes it once.
     */
    unmarshalPasses: z.int().min(1).max(16).default(1),
    /** A block's transactions are validated side by side (Fabric ≥ 1.1's validator pool); off, one after another. */
    parallelValidation: z.boolean().default(true),
    /**
     * The world state in an in-memory hash table (FastFabric) rather than LevelDB: reads and writes
     * cost `cycles.hashTableRead` and `cycles.hashTableWrite` instead of `stateRead` and `stateWrite`.
     */
    hashTableState: z.boolean().default(false),
    /**
     * The committer reads the versions of a block's keys in one request and writes its updates in
     * one (Thakkar et al. 2018's bulk read and write for CouchDB); off, one request per key. Only a
     * state database with a request cost (`cycles.stateRequest`) notices.
     */
    bulkStateAccess: z.boolean().default(true),
    /**
     * Endorsement runs on servers of its own beside each peer (FastFabric's endorser cluster): they
     * take proposals off the committer's cores and receive each committed block's updates from it.
     */
    separateEndorserCommitter: z.boolean().default(false),
    /**
     * The orderers agree on transaction ids (32 bytes each) instead of whole envelopes (FastFabric);
     * blocks delivered to peers still carry the envelopes. Only a Raft or PBFT cluster notices.
     */
    orderTxIdsOnly: z.boolean().default(false),
    /**
     * Transactions each peer's gateway holds at once (Fabric's peer.limits.concurrency.gatewayService,
     * 500 in core.yaml since 2.4); beyond it a proposal is refused with RESOURCE_EXHAUSTED. Bounds
     * the work in flight under overload. By Little's law a machine holds its throughput × time in
     * system, so a faster machine needs a higher limit: a preset sized for a rate says so here.
     */
    gatewayConcurrencyLimit: z.int().min(1).max(1_000_000).default(FABRIC_GATEWAY_CONCURRENCY),
  })
  .strict();

const servesSchema = z
  .object(
    Object.fromEntries(WORK_KINDS.map((kind) => [kind, z.enum(ENGINE_NAMES).optional()])) as Record<
      WorkKind,
      z.ZodOptional<z.ZodEnum<{ [K in EngineName]: K }>>
    >,
  )
  .strict();

export const architectureSchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    engines: z
      .object({
        cpu: cpuSchema,
        crypto: cryptoSchema.optional(),
        db: dbSchema.optional(),
        sc: scSchema.optional(),
        serde: serdeSchema.optional(),
        nic: nicSchema.optional(),
        hostLink: hostLinkSchema.optional(),
        bft: bftSchema.optional(),
        storage: storageSchema.optional(),
      })
      .strict(),
    /** Absent: serial, as Fabric. */
    commit: commitSchema.optional(),
    /** Absent: today's Fabric (every switch at its default). */
    platform: platformSchema.optional(),
    serves: servesSchema.default({}),
    /** Written by `bpusim calibrate`: what each cost was measured from, with its spread (informative). */
    calibration: z
      .object({
        host: z.string(),
        crypto: z.string(),
        costs: z.record(
          z.string(),
          z
            .object({
              unit: z.string(),
              nsPerOp: nonNegative,
              cpuNsPerOp: nonNegative,
              spreadPct: nonNegative,
              trials: z.int().min(1),
            })
            .strict(),
        ),
      })
      .strict()
      .optional(),
  })
  .strict();

export type Architecture = z.infer<typeof architectureSchema>;
export type CpuSpec = z.infer<typeof cpuSchema>;
export type CycleCosts = z.infer<typeof cycleCosts>;
export type PipelineSpec = z.infer<ReturnType<typeof pipelineSchema>>;

/** Loads an architecture from a preset name or a YAML/JSON file; exits 2 on anything wrong. */
export function loadArchitecture(source: string): Architecture {
  const { file, data } = readConfigSource('arch', source, ARCH_PRESETS);
  return checkArchitecture(file, validateConfig(file, architectureSchema, data));
}

/** Cross-field rules zod cannot express: `serves` must name engines the file defines. */
export function checkArchitecture(file: string, arch: Architecture): Architecture {
  const defined = ENGINE_NAMES.filter((name) => arch.engines[name] !== undefined);
  for (const kind of WORK_KINDS) {
    const engine = arch.serves[kind];
    if (engine !== undefined && arch.engines[engine] === undefined) {
      throw new ConfigError(
        file,
        `serves.${kind}`,
        `engine '${engine}' is not defined under engines; defined: ${defined.join(', ')}`,
      );
    }
  }
  const allowed: Record<WorkKind, readonly EngineName[]> = {
    sign: ['cpu', 'crypto'],
    verify: ['cpu', 'crypto'],
    hash: ['cpu', 'crypto'],
    encode: ['cpu', 'serde'],
    decode: ['cpu', 'serde'],
    state: ['cpu', 'db'],
    contract: ['cpu', 'sc'],
    network: ['cpu', 'nic'],
    consensus: ['cpu', 'bft'],
  };
  for (const kind of WORK_KINDS) {
    const engine = arch.serves[kind];
    if (engine !== undefined && !allowed[kind].includes(engine)) {
      throw new ConfigError(
        file,
        `serves.${kind}`,
        `engine '${engine}' cannot serve ${kind} work; allowed: ${allowed[kind].join(', ')}`,
      );
    }
  }
  checkDbCache(file, arch.engines.db);
  const cycles = arch.engines.cpu.cycles;
  if (
    arch.platform?.hashTableState === true &&
    (cycles.hashTableRead === undefined || cycles.hashTableWrite === undefined)
  )
    throw new ConfigError(
      file,
      'platform.hashTableState',
      'needs engines.cpu.cycles.hashTableRead and hashTableWrite (the cost of a hash-table read and write)',
    );
  return arch;
}

/** A driven cache needs its backing memory and excludes the fixed-ratio fields; its size must be one we can hold. */
function checkDbCache(file: string, db: Architecture['engines']['db']): void {
  if (db?.cache === undefined) {
    if (db?.backing !== undefined)
      throw new ConfigError(file, 'engines.db.backing', 'needs engines.db.cache (the cache it sits behind)');
    return;
  }
  for (const field of ['cacheHitRatio', 'missNs'] as const)
    if (db[field] !== undefined)
      throw new ConfigError(
        file,
        `engines.db.${field}`,
        'cannot be given with engines.db.cache (the cache derives its hits from the keys read); remove one',
      );
  if (db.backing === undefined)
    throw new ConfigError(file, 'engines.db.cache', 'needs engines.db.backing: {latencyNs, gbps} (where misses go)');
  const entries = Math.floor(db.cache.sizeBytes / db.cache.entryBytes);
  const limit = db.cache.ways >= entries ? FULLY_ASSOCIATIVE_ENTRIES_MAX : CACHE_ENTRIES_MAX;
  if (entries < 1 || entries > limit)
    throw new ConfigError(
      file,
      'engines.db.cache.sizeBytes',
      `sizeBytes / entryBytes must give 1 to ${limit.toLocaleString('en-US')} entries${limit === FULLY_ASSOCIATIVE_ENTRIES_MAX ? ' when fully associative' : ''}, got ${entries.toLocaleString('en-US')}`,
    );
}

/** The engine that serves `kind` (CPU cores when the architecture maps nothing). */
export function engineFor(arch: Architecture, kind: WorkKind): EngineName {
  return arch.serves[kind] ?? 'cpu';
}
