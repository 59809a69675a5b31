/**
 * The engines of one node (a peer, the proxy or an orderer) built from an architecture, and the
 * rule that turns a unit of work into time on them.
 *
 * A charge runs in stages, in the order a node handles a message: decode → verify → contract →
 * state → hash → encode → sign → network (send). A stage waits for all its jobs; a stage's work is
 * split into at most min(parallelism, lanes) equal jobs, where `parallelism` says how many
 * independent pieces the work has (the transactions of a block validate in parallel; one
 * endorsement is one piece). Signatures go one per pipeline slot of the crypto engine.
 *
 * Each kind of work goes to the engine the architecture's `serves` names, or to CPU cores. A CPU
 * pays cycles per operation; a contract on CPU also pays a context switch (the paper's remedy 5),
 * and network work without a TOE pays kernel per-packet and per-byte cycles (remedy 6). When one
 * charge uses both card engines and CPU cores, its data crosses the host link (PCIe DMA) once.
 */
import {
  cyclesToPs,
  type Environment,
  nsToPs,
  Pipeline,
  type PipelineStats,
  Server,
  type ServerStats,
} from '../sim/index.js';
import { type Architecture, type EngineName, type WorkKind, engineFor } from './architecture.js';
import { SCHEMES, type Scheme, type WorkReceipt } from '../ledger/receipt.js';
import { type EngineUsage, emptyUsage, type NodeUsage } from './energy.js';
import { StateCache, type StateCacheStats } from './state-cache.js';

/** An engine's busy lane-time so far: utilisation over an interval is the difference of two. */
export interface EngineBusy {
  node: string;
  engine: string;
  lanes: number;
  busyLanePs: number;
}

/** What one engine of one node reports about itself (the report's `engines` entries). */
export interface EngineStats {
  node: string;
  engine: string;
  lanes: number;
  utilisation: number;
  meanQueueLength: number;
  opsPerSec: number;
  ops: number;
}

type StageRunner = (done: () => void) => void;

const SCHEME_CYCLES: Record<
  Scheme,
  {
    sign: 'signP256' | 'signEd25519' | 'signBls';
    verify: 'verifyP256' | 'verifyEd25519' | 'verifyBls';
    verifyGeneric: 'verifyP256Generic' | 'verifyEd25519Generic' | 'verifyBlsGeneric';
  }
> = {
  p256: { sign: 'signP256', verify: 'verifyP256', verifyGeneric: 'verifyP256Generic' },
  ed25519: { sign: 'signEd25519', verify: 'verifyEd25519', verifyGeneric: 'verifyEd25519Generic' },
  bls: { sign: 'signBls', verify: 'verifyBls', verifyGeneric: 'verifyBlsGeneric' },
};

export class NodeEngines {
  readonly cpu: Server;
  private readonly cpuClockGHz: number;
  private readonly cycles: Architecture['engines']['cpu']['cycles'];
  private readonly signPipelines = new Map<Scheme, Pipeline>();
  private readonly verifyPipelines = new Map<Scheme, Pipeline>();
  private readonly hashServer: Server | null = null;
  private readonly hashBytesPerNs: number = 0;
  private readonly db: Server | null = null;
  private readonly stateCache: StateCache | null = null;
  private readonly sc: Server | null = null;
  private readonly serde: Server | null = null;
  private readonly serdeBytesPerNs: number = 0;
  private readonly nic: Server | null = null;
  private readonly hostLink: Server | null = null;
  private readonly bft: Server | null = null;
  private readonly storage: Server | null = null;
  private readonly engineOf: Record<WorkKind, EngineName>;
  /** Fractional verify slots carried between charges (generic verifies; see verifySlots). */
  private readonly slotCarry = new Map<Scheme, number>();
  /** Work counted as it is charged, for the engines whose energy is per operation rather than per busy time. */
  private readonly counted = emptyUsage();
  /** Contract executions per chaincode name (for "parallel distinct-contract executions"). */
  readonly contractExecutions = new Map<string, number>();

  constructor(
    private readonly env: Environment,
    readonly arch: Architecture,
    readonly node: string,
  ) {
    const spec = arch.engines;
    this.cpu = new Server(env, { name: `${node}.cpu`, lanes: spec.cpu.cores });
    this.cpuClockGHz = spec.cpu.clockGHz;
    this.cycles = spec.cpu.cycles;
    this.engineOf = {
      sign: engineFor(arch, 'sign'),
      verify: engineFor(arch, 'verify'),
      hash: engineFor(arch, 'hash'),
      encode: engineFor(arch, 'encode'),
      decode: engineFor(arch, 'decode'),
      state: engineFor(arch, 'state'),
      contract: engineFor(arch, 'contract'),
      network: engineFor(arch, 'network'),
      consensus: engineFor(arch, 'consensus'),
    };
    const crypto = spec.crypto;
    if (crypto !== undefined) {
      for (const scheme of SCHEMES) {
        const sign = crypto.sign[scheme];
        if (sign !== undefined)
          this.signPipelines.set(scheme, makePipeline(env, `${node}.crypto.sign.${scheme}`, sign));
        const verify = crypto.verify[scheme];
        if (verify !== undefined)
          this.verifyPipelines.set(scheme, makePipeline(env, `${node}.crypto.verify.${scheme}`, verify));
      }
      if (crypto.hash !== undefined) {
        this.hashServer = new Server(env, { name: `${node}.crypto.hash`, lanes: crypto.hash.lanes });
        this.hashBytesPerNs = crypto.hash.bytesPerCycle * crypto.hash.clockGHz;
      }
    }
    if (spec.db !== undefined) this.db = new Server(env, { name: `${node}.db`, lanes: spec.db.lanes });
    const cache = spec.db?.cache;
    if (cache !== undefined && engineFor(arch, 'state') === 'db')
      this.stateCache = new StateCache(Math.floor(cache.sizeBytes / cache.entryBytes), cache.ways);
    if (spec.sc !== undefined)
      this.sc = new Server(env, { name: `${node}.sc`, lanes: spec.sc.boards * spec.sc.coresPerBoard });
    if (spec.serde !== undefined) {
      this.serde = new Server(env, { name: `${node}.serde`, lanes: spec.serde.lanes });
      this.serdeBytesPerNs = spec.serde.bytesPerCycle * spec.serde.clockGHz;
    }
    if (spec.nic !== undefined) this.nic = new Server(env, { name: `${node}.nic`, lanes: 1 });
    if (spec.hostLink !== undefined) this.hostLink = new Server(env, { name: `${node}.hostLink`, lanes: 1 });
    if (spec.bft !== undefined) this.bft = new Server(env, { name: `${node}.bft`, lanes: spec.bft.lanes });
    if (spec.storage !== undefined) this.storage = new Server(env, { name: `${node}.storage`, lanes: 1 });
  }

  /**
   * Times `work` on this node's engines; `onDone` runs when its last stage completes.
   * `parallelism`: independent pieces the work splits into (1 for one transaction).
   */
  charge(counted: WorkReceipt, onDone: () => void, parallelism = 1): void {
    const work = this.withPlatform(counted);
    const stages: StageRunner[] = [];
    let usesCard = false;
    let usesCpu = false;
    const note = (engine: EngineName): void => {
      if (engine === 'cpu') usesCpu = true;
      else usesCard = true;
    };
    const pieces = Math.max(1, Math.floor(parallelism));

    // A message is taken off the wire (kernel TCP on CPU cores, or the TOE) before it is decoded.
    if (work.receiveBytes > 0) stages.push(this.networkStage(work.receiveBytes, note, 'receive'));
    if (work.decodeBytes > 0) stages.push(this.bytesStage('decode', work.decodeBytes, pieces, note));
    const proposals = work.proposals ?? 0;
    const logicCycles =
      proposals * (this.cycles.proposal ?? 0) +
      (work.txValidations ?? 0) * (this.cycles.txValidation ?? 0) +
      (proposals > 0 ? (work.stateReads + work.stateWrites) * (this.cycles.chaincodeCall ?? 0) : 0) +
      this.stateRequests(work, proposals) * (this.cycles.stateRequest ?? 0);
    if (logicCycles > 0) {
      // The ledger's own per-message logic runs on the host CPU whatever the card has.
      note('cpu');
      stages.push(this.splitOn(this.cpu, this.cpuPs(logicCycles), pieces, 'logic'));
    }
    if (hasAny(work.verifies)) stages.push(this.signatureStage('verify', work.verifies, note, work.genericVerifies));
    if (work.contractSteps > 0) stages.push(this.contractStage(work, note));
    // The block goes to the block store before the state is updated (Fabric's commit order).
    if (this.storage !== null && work.storageWriteBytes + work.storageSyncs > 0) stages.push(this.storageStage(work));
    if (work.stateReads + work.stateWrites + work.rangeRows > 0) stages.push(this.stateStage(work, pieces, note));
    if (work.hashBytes > 0) stages.push(this.bytesStage('hash', work.hashBytes, pieces, note));
    const integrityBytes = work.integrityHashBytes ?? 0;
    if (integrityBytes > 0) {
      const db = this.arch.engines.db;
      if (this.engineOf.state === 'db' && this.db !== null && db?.hashBytesPerNs !== undefined) {
        note('db');
        stages.push(this.splitOn(this.db, nsToPs(integrityBytes / db.hashBytesPerNs), pieces, 'integrity'));
      } else {
        stages.push(this.bytesStage('hash', integrityBytes, pieces, note));
      }
    }
    if (work.encodeBytes > 0) stages.push(this.bytesStage('encode', work.encodeBytes, pieces, note));
    if (hasAny(work.signs)) stages.push(this.signatureStage('sign', work.signs, note));
    if ((work.consensusMessages ?? 0) > 0) stages.push(this.consensusStage(work.consensusMessages ?? 0, note));
    if (work.messageBytes > 0) stages.push(this.networkStage(work.messageBytes, note, 'network'));
    if (usesCard) this.addControlPath(work, stages, usesCpu);
    runStages(stages, 0, onDone);
  }

  /**
   * Requests to the state database: a chaincode's GetState is one each (PutState only fills the
   * rwset); the committer reads a block's versions and writes its updates in one request each with
   * `platform.bulkStateAccess`, else one per key.
   */
  private stateRequests(work: WorkReceipt, proposals: number): number {
    if (proposals > 0) return work.stateReads;
    if (this.arch.platform?.bulkStateAccess === false) return work.stateReads + work.stateWrites;
    return (work.stateReads > 0 ? 1 : 0) + (work.stateWrites > 0 ? 1 : 0);
  }

  /** The independent pieces a block of `txCount` transactions validates in (platform.parallelValidation). */
  validationPieces(txCount: number): number {
    return this.arch.platform?.parallelValidation === false ? 1 : Math.max(1, txCount);
  }

  /**
   * The receipt as this node's peer software does the work (architecture `platform`): without an
   * identity cache, each signature checked first decodes its signer's certificate and verifies it
   * against the CA (a known key); the committer may unmarshal the same bytes several times.
   */
  private withPlatform(work: WorkReceipt): WorkReceipt {
    const platform = this.arch.platform;
    if (platform === undefined) return work;
    const passes = platform.unmarshalPasses;
    const identities = platform.identityCache ? 0 : sumCounts(work.verifies);
    if (passes === 1 && identities === 0) return work;
    const verifies: Partial<Record<Scheme, number>> = {};
    // Each signature's certificate was signed by a CA with the same scheme (one MSP per scheme here).
    for (const scheme of SCHEMES) {
      const count = work.verifies[scheme] ?? 0;
      if (count > 0) verifies[scheme] = identities > 0 ? 2 * count : count;
    }
    return {
      ...work,
      verifies,
      decodeBytes: work.decodeBytes * passes + identities * platform.certificateBytes,
    };
  }

  /** Each engine's busy lane-time (ps) up to now, named as in `stats()`. */
  busy(): EngineBusy[] {
    const all: EngineBusy[] = [];
    const add = (engine: string, resource: Server | Pipeline | null): void => {
      if (resource !== null)
        all.push({ node: this.node, engine, lanes: resource.lanes, busyLanePs: resource.busyLanePs() });
    };
    this.forEachResource(add);
    return all;
  }

  /** Every resource of the node, in the order the report lists them. */
  private forEachResource(visit: (engine: string, resource: Server | Pipeline | null) => void): void {
    visit('cpu', this.cpu);
    for (const [scheme, pipeline] of this.signPipelines) visit(`crypto.sign.${scheme}`, pipeline);
    for (const [scheme, pipeline] of this.verifyPipelines) visit(`crypto.verify.${scheme}`, pipeline);
    visit('crypto.hash', this.hashServer);
    visit('db', this.db);
    visit('sc', this.sc);
    visit('serde', this.serde);
    visit('nic', this.nic);
    visit('hostLink', this.hostLink);
    visit('bft', this.bft);
    visit('storage', this.storage);
  }

  stats(): EngineStats[] {
    const all: EngineStats[] = [];
    this.forEachResource((engine, resource) => {
      if (resource === null) return;
      const s = resource.stats();
      all.push({
        node: this.node,
        engine,
        lanes: resource.lanes,
        utilisation: s.utilisation,
        meanQueueLength: s.meanQueueLength,
        opsPerSec: s.opsPerSec,
        // A server counts operations as they complete; a pipeline as they enter (its exits are fixed then).
        ops: resource instanceof Pipeline ? (s as PipelineStats).submitted : (s as ServerStats).completed,
      });
    });
    return all;
  }

  // ---- stages ---------------------------------------------------------------------------------

  private cpuPs(cycles: number): number {
    return cyclesToPs(cycles, this.cpuClockGHz);
  }

  /**
   * Sends every operation on this node's engines to `sink` as it starts (for a timeline): the
   * track is the engine and lane, the name the stage (decode, verify, contract, ...).
   */
  traceTo(sink: (node: string, track: string, startPs: number, endPs: number, name: string) => void): void {
    this.forEachResource((engine, resource) => {
      if (resource instanceof Pipeline) {
        // A pipeline's operations are named by kind and scheme: `verify p256`.
        const name = engine.replace(/^crypto\.(\w+)\.(\w+)$/, '$1 $2');
        resource.tracer = (lane, startPs, endPs) => sink(this.node, `${engine}/${lane}`, startPs, endPs, name);
      } else if (resource !== null) {
        resource.tracer = (lane, startPs, endPs, label) =>
          sink(this.node, `${engine}/${lane}`, startPs, endPs, label ?? engine);
      }
    });
  }

  /** Splits `totalPs` of work into at most `pieces` equal jobs on `server`. */
  private splitOn(server: Server, totalPs: number, pieces: number, label: string | null = null): StageRunner {
    const jobs = Math.max(1, Math.min(pieces, server.lanes));
    const jobPs = Math.ceil(totalPs / jobs);
    return (done) => {
      let remaining = jobs;
      const finish = (): void => {
        remaining--;
        if (remaining === 0) done();
      };
      for (let i = 0; i < jobs; i++) server.submit(jobPs, finish, null, 0, label);
    };
  }

  private bytesStage(
    kind: 'decode' | 'encode' | 'hash',
    bytes: number,
    pieces: number,
    note: (e: EngineName) => void,
  ): StageRunner {
    const engine = this.engineOf[kind];
    if (kind === 'hash' && engine === 'crypto' && this.hashServer !== null) {
      note('crypto');
      return this.splitOn(this.hashServer, nsToPs(bytes / this.hashBytesPerNs), pieces, kind);
    }
    if (kind !== 'hash' && engine === 'serde' && this.serde !== null) {
      note('serde');
      return this.splitOn(this.serde, nsToPs(bytes / this.serdeBytesPerNs), pieces, kind);
    }
    note('cpu');
    const perByte =
      kind === 'hash'
        ? this.cycles.hashPerByte
        : kind === 'encode'
          ? this.cycles.encodePerByte
          : this.cycles.decodePerByte;
    return this.splitOn(this.cpu, this.cpuPs(bytes * perByte), pieces, kind);
  }

  /**
   * Signatures, one per pipeline slot on the crypto engine or cycles on CPU cores. `generic` (a
   * part of `counts`) are verifies against clients' keys: on an engine specialised for known keys
   * each holds genericLatencyNs / II slots; on cores each costs the generic cycles.
   */
  private signatureStage(
    kind: 'sign' | 'verify',
    counts: Partial<Record<Scheme, number>>,
    note: (e: EngineName) => void,
    generic: Partial<Record<Scheme, number>> = {},
  ): StageRunner {
    const onCard = this.engineOf[kind] === 'crypto';
    const pipelines = kind === 'sign' ? this.signPipelines : this.verifyPipelines;
    const batch = kind === 'verify' ? this.arch.engines.crypto?.batchVerify : undefined;
    const parts: StageRunner[] = [];
    for (const scheme of SCHEMES) {
      const count = counts[scheme] ?? 0;
      if (count === 0) continue;
      const genericCount = Math.min(count, generic[scheme] ?? 0);
      const pipeline = onCard ? pipelines.get(scheme) : undefined;
      if (pipeline !== undefined) {
        note('crypto');
        const slots = this.verifySlots(scheme, count, genericCount, kind, batch?.batchCostFactor);
        parts.push((done) => pipeline.submitMany(slots, done));
      } else {
        note('cpu');
        const names = SCHEME_CYCLES[scheme];
        const cyclesEach = this.cycles[names[kind]];
        const genericEach = kind === 'verify' ? (this.cycles[names.verifyGeneric] ?? cyclesEach) : cyclesEach;
        const cycles =
          genericEach === cyclesEach
            ? cyclesEach * count
            : cyclesEach * (count - genericCount) + genericEach * genericCount;
        parts.push(this.splitOn(this.cpu, this.cpuPs(cycles), count, `${kind} ${scheme}`));
      }
    }
    return allParts(parts);
  }

  /**
   * Issue slots for `count` signatures of which `genericCount` take the generic path. Batch
   * verification checks up to batchMax signatures for batchCostFactor × batchMax slots. A generic
   * verify holds genericLatencyNs / II slots, a fraction: the fractions are carried from charge to
   * charge (per scheme), so one generic verify per charge costs the published time on average
   * rather than a whole extra slot each time.
   */
  private verifySlots(
    scheme: Scheme,
    count: number,
    genericCount: number,
    kind: 'sign' | 'verify',
    batchCostFactor: number | undefined,
  ): number {
    const spec = this.arch.engines.crypto?.[kind][scheme];
    if (spec?.genericLatencyNs === undefined || genericCount === 0)
      return batchCostFactor === undefined ? count : Math.max(1, Math.ceil(count * batchCostFactor));
    const exact = count - genericCount + (genericCount * spec.genericLatencyNs) / spec.initiationIntervalNs;
    const carried = (this.slotCarry.get(scheme) ?? 0) + exact * (batchCostFactor ?? 1);
    const slots = Math.max(1, Math.floor(carried));
    this.slotCarry.set(scheme, carried - slots);
    return slots;
  }

  /** One append on the block-store device: the bytes at its write bandwidth, then its syncs. */
  private storageStage(work: WorkReceipt): StageRunner {
    const spec = this.arch.engines.storage;
    const storage = this.storage;
    if (spec === undefined || storage === null) return (done) => done();
    this.counted.storageBytes += work.storageWriteBytes;
    const ns = work.storageWriteBytes / spec.writeGBps + work.storageSyncs * spec.syncLatencyNs;
    return this.splitOn(storage, nsToPs(ns), 1, 'block store');
  }

  private contractStage(work: WorkReceipt, note: (e: EngineName) => void): StageRunner {
    const name = work.contract ?? 'unknown';
    this.contractExecutions.set(name, (this.contractExecutions.get(name) ?? 0) + 1);
    const sc = this.arch.engines.sc;
    if (this.engineOf.contract === 'sc' && this.sc !== null && sc !== undefined) {
      note('sc');
      const jobPs = cyclesToPs(work.contractSteps * sc.cyclesPerStep, sc.clockGHz);
      return this.splitOn(this.sc, jobPs, 1, `contract ${name}`);
    }
    note('cpu');
    const cyclesPerStep = this.cycles.contractStepByContract?.[name] ?? this.cycles.contractStep;
    return this.splitOn(
      this.cpu,
      this.cpuPs(work.contractSteps * cyclesPerStep + this.cycles.contextSwitch),
      1,
      `contract ${name}`,
    );
  }

  private stateStage(work: WorkReceipt, pieces: number, note: (e: EngineName) => void): StageRunner {
    const db = this.arch.engines.db;
    if (this.engineOf.state === 'db' && this.db !== null && db !== undefined) {
      note('db');
      this.counted.dbAccesses += work.stateReads + work.stateWrites + work.rangeRows;
      const totalNs = this.readsNs(work) + work.stateWrites * db.putNs + work.rangeRows * db.rangeRowNs;
      return this.splitOn(
        this.db,
        nsToPs(totalNs),
        Math.min(pieces, work.stateReads + work.stateWrites + work.rangeRows),
        'state',
      );
    }
    note('cpu');
    const hashTable = this.arch.platform?.hashTableState === true;
    const cycles =
      work.stateReads * (hashTable ? (this.cycles.hashTableRead ?? 0) : this.cycles.stateRead) +
      work.stateWrites * (hashTable ? (this.cycles.hashTableWrite ?? 0) : this.cycles.stateWrite) +
      work.rangeRows * this.cycles.rangeRow;
    return this.splitOn(this.cpu, this.cpuPs(cycles), pieces, 'state');
  }

  /**
   * The reads' time on the DB engine: with a driven cache, each read's get plus each miss's trip to
   * the backing memory (the cache runs in the order work is charged); else every read pays the
   * fixed `cacheHitRatio`'s expected miss time. Misses are counted for energy either way.
   */
  private readsNs(work: WorkReceipt): number {
    const db = this.arch.engines.db;
    if (db === undefined) return 0;
    if (this.stateCache !== null && db.cache !== undefined && db.backing !== undefined) {
      const misses = this.stateCache.access(work.stateKeys);
      this.counted.dbMisses += misses;
      return work.stateReads * db.getNs + misses * (db.backing.latencyNs + (db.cache.entryBytes * 8) / db.backing.gbps);
    }
    const missRatio = 1 - (db.cacheHitRatio ?? 1);
    this.counted.dbMisses += work.stateReads * missRatio;
    return work.stateReads * (db.getNs + missRatio * (db.missNs ?? 0));
  }

  /** This node's engines and what they did so far, in each engine's unit of energy (engines/energy.ts). */
  usage(): NodeUsage {
    return { engines: this.arch.engines, usage: this.counts() };
  }

  private counts(): EngineUsage {
    const slots = (pipelines: Map<Scheme, Pipeline>): Partial<Record<Scheme, number>> =>
      Object.fromEntries([...pipelines].map(([scheme, pipeline]) => [scheme, pipeline.stats().submitted]));
    const sc = this.arch.engines.sc;
    return {
      ...this.counted,
      cpuCycles: (this.cpu.busyLanePs() / 1000) * this.cpuClockGHz,
      scCycles: this.sc === null || sc === undefined ? 0 : (this.sc.busyLanePs() / 1000) * sc.clockGHz,
      signSlots: slots(this.signPipelines),
      verifySlots: slots(this.verifyPipelines),
      hashBytes: this.hashServer === null ? 0 : (this.hashServer.busyLanePs() / 1000) * this.hashBytesPerNs,
      serdeBytes: this.serde === null ? 0 : (this.serde.busyLanePs() / 1000) * this.serdeBytesPerNs,
    };
  }

  /** Fills the DB engine's cache with what it saw before the run (the genesis writes), uncounted. */
  warmStateCache(stateKeys: readonly number[]): void {
    this.stateCache?.warm(stateKeys);
  }

  /** `warmStateCache(stateKeys)` for a node of the same architecture as `warmed`, which was warmed with them. */
  warmStateCacheLike(warmed: NodeEngines, stateKeys: readonly number[]): void {
    if (this.stateCache === null) return;
    if (warmed.stateCache === null) this.stateCache.warm(stateKeys);
    else this.stateCache.warmLike(warmed.stateCache, stateKeys);
  }

  /** The DB engine's driven cache, when the architecture gives one. */
  cacheStats(): StateCacheStats | null {
    return this.stateCache?.stats() ?? null;
  }

  /** Sending or receiving `bytes`: per packet and per byte, on the TOE or in the kernel on CPU cores. */
  private networkStage(bytes: number, note: (e: EngineName) => void, label: 'network' | 'receive'): StageRunner {
    const nic = this.arch.engines.nic;
    if (this.engineOf.network === 'nic' && this.nic !== null && nic?.toe) {
      note('nic');
      this.counted.nicBytes += bytes;
      const packets = Math.ceil(bytes / nic.mtuBytes);
      return this.splitOn(this.nic, nsToPs(packets * nic.perPacketNs + (bytes * 8) / nic.gbps), 1, label);
    }
    note('cpu');
    const mtuBytes = nic?.mtuBytes ?? 1_500;
    const packets = Math.ceil(bytes / mtuBytes);
    return this.splitOn(
      this.cpu,
      this.cpuPs(packets * this.cycles.packet + bytes * this.cycles.networkPerByte),
      1,
      label,
    );
  }

  private consensusStage(messages: number, note: (e: EngineName) => void): StageRunner {
    const bft = this.arch.engines.bft;
    if (this.engineOf.consensus === 'bft' && this.bft !== null && bft !== undefined) {
      note('bft');
      this.counted.bftMessages += messages;
      return this.splitOn(this.bft, nsToPs(messages * bft.perMessageNs), messages, 'consensus');
    }
    note('cpu');
    return this.splitOn(this.cpu, this.cpuPs(messages * this.cycles.consensusMessage), messages, 'consensus');
  }

  /**
   * A message the card handles is first submitted by the host's driver (CPU cycles) and crosses
   * the PCIe link: its bytes when the network is on the host, else a descriptor, plus block bytes
   * bound for the host's block store. Without a control cost, the link is charged only when host and
   * card share the message's work.
   */
  private addControlPath(work: WorkReceipt, stages: StageRunner[], usesCpu: boolean): void {
    const controlCycles = this.cycles.controlPerMessage ?? 0;
    const link = this.arch.engines.hostLink;
    if (link !== undefined && (usesCpu || controlCycles > 0)) {
      const networkOnCard = this.engineOf.network === 'nic' && this.arch.engines.nic?.toe === true;
      const messageBytes = networkOnCard
        ? link.descriptorBytes
        : Math.max(work.decodeBytes, work.encodeBytes, work.messageBytes, work.receiveBytes);
      const storageBytes = this.storage === null ? 0 : work.storageWriteBytes;
      stages.unshift(this.hostLinkStage(controlCycles > 0 ? messageBytes + storageBytes : messageBytes));
    }
    if (controlCycles > 0) stages.unshift(this.splitOn(this.cpu, this.cpuPs(controlCycles), 1, 'control'));
  }

  private hostLinkStage(bytes: number): StageRunner {
    const link = this.arch.engines.hostLink;
    const server = this.hostLink;
    if (link === undefined || server === null) return (done) => done();
    this.counted.hostLinkBytes += bytes;
    // The link is held for the transfer only; the DMA set-up is latency (a DMA engine keeps many
    // descriptors in flight), so it delays this message without holding the link.
    const transfer = this.splitOn(server, nsToPs((bytes * 8) / (link.lanes * link.gbpsPerLane)), 1, 'dma');
    const setupPs = nsToPs(link.dmaSetupNs);
    return (done) => transfer(() => (setupPs > 0 ? this.env.schedule(setupPs, done) : done()));
  }
}

function makePipeline(
  env: Environment,
  name: string,
  spec: { lanes: number; latencyNs: number; initiationIntervalNs: number },
): Pipeline {
  return new Pipeline(env, {
    name,
    lanes: spec.lanes,
    latencyPs: nsToPs(spec.latencyNs),
    initiationIntervalPs: Math.max(1, nsToPs(spec.initiationIntervalNs)),
  });
}

function sumCounts(counts: Partial<Record<Scheme, number>>): number {
  return (counts.p256 ?? 0) + (counts.ed25519 ?? 0) + (counts.bls ?? 0);
}

function hasAny(counts: Partial<Record<Scheme, number>>): boolean {
  return sumCounts(counts) > 0;
}

/** Runs parts side by side; done when all are. */
function allParts(parts: StageRunner[]): StageRunner {
  if (parts.length === 1) return parts[0] as StageRunner;
  return (done) => {
    let remaining = parts.length;
    const finish = (): void => {
      remaining--;
      if (remaining === 0) done();
    };
    for (const part of parts) part(finish);
  };
}

function runStages(stages: StageRunner[], index: number, onDone: () => void): void {
  if (index === stages.length) {
    onDone();
    return;
  }
  (stages[index] as StageRunner)(() => runStages(stages, index + 1, onDone));
}
