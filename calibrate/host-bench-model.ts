/**
 * A model of the ledger benchmark's host process (`bpusim bench ledger`), for `bpusim validate`:
 * given the work receipts the real run produced, it simulates the same steps on an architecture's
 * CPU costs with the bench's own structure, so predicted and measured throughput can be compared.
 *
 * The structure simulated (see calibrate/bench-ledger.ts and ledger/parallel/pipelined-committer.ts):
 * - Phase 1, one thread: per transaction, two endorsements (timed alone: the endorse figure), plus
 *   the client's proposal and assembly, ordering, the block file and the endorsers' state.
 * - Phase 2: a main thread reads each block, prepares it (decode, hashes), hands its signature checks
 *   to `threads` worker threads in chunks (2 per thread, as the verify pool cuts them), and commits
 *   blocks in order (MVCC reads, writes, encoding) once their checks are back, with up to `depth`
 *   blocks in flight.
 * - Threads run on the architecture's cores: a core is a lane of a FIFO server, and a thread holds
 *   one for at most a scheduler quantum before queueing again (round-robin, as a time-sharing OS
 *   does), so three threads on two cores share them instead of one waiting for another's whole job.
 *
 * Everything is simulated time (integer picoseconds); the caller compares with host wall times.
 *
 * It lives in calibrate/, not engines/: it simulates the bench's own threads on this host, a model
 * of the host that calibration and validation use, not an engine of the simulated BPU.
 */
import { Environment, Server, cyclesToPs, msToPs, psToSeconds } from '../sim/index.js';
import type { Architecture } from '../engines/architecture.js';
import { NodeEngines } from '../engines/node-engines.js';
import type { Scheme, WorkReceipt } from '../ledger/receipt.js';
import { SCHEMES, emptyReceipt } from '../ledger/receipt.js';

export interface BenchBlockWork {
  readonly txs: number;
  /** Reading the block back from the block file. */
  readonly read: WorkReceipt;
  /** Its validation and commit, signature checks included. */
  readonly commit: WorkReceipt;
  /** Of `commit.hashBytes`, the bytes the P-256 checks hash (on the worker threads, with the check). */
  readonly verifyHashBytes?: number;
}

export interface HostBenchPrediction {
  readonly endorseTps: number;
  /** Mean time of one transaction's endorsements. */
  readonly endorseLatencyMs: number;
  readonly validateCommitTps: number;
  /** Mean time from a block's submission to its commit being applied. */
  readonly blockLatencyMs: number;
  readonly phase1Seconds: number;
  readonly phase2Seconds: number;
  readonly endToEndTps: number;
  /** Phase 2's CPU time per transaction on the main thread and on the workers. */
  readonly phase2CpuMicrosPerTx: {
    readonly main: number;
    readonly workers: number;
    readonly writer: number;
    readonly background: number;
  };
}

export interface HostBenchModelOptions {
  readonly threads: number;
  /** Blocks in flight in the pipelined committer. */
  readonly depth?: number;
  /** Chunks per worker thread per block (the verify pool's default is 2). */
  readonly chunksPerThread?: number;
  /** Scheduler time slice. */
  readonly quantumMs?: number;
}

/**
 * Times work on one core of `arch` (every stage run back to back) with one single-core node reused
 * for every item: a charge starts once the previous one is done, so each takes its own CPU time.
 */
class CpuTimer {
  private readonly env = new Environment();
  private readonly engines: NodeEngines;

  constructor(arch: Architecture) {
    this.engines = new NodeEngines(
      this.env,
      { ...arch, engines: { cpu: { ...arch.engines.cpu, cores: 1 } }, serves: {} },
      'host',
    );
  }

  ps(work: WorkReceipt): number {
    const startPs = this.env.nowPs;
    this.engines.charge(work, () => undefined, 1);
    this.env.run();
    return this.env.nowPs - startPs;
  }
}

/** CPU time of `work` on one core of `arch` (every stage run back to back). */
export function cpuTimePs(arch: Architecture, work: WorkReceipt): number {
  return new CpuTimer(arch).ps(work);
}

function withoutVerifies(work: WorkReceipt): WorkReceipt {
  return { ...work, verifies: {} };
}

function checkCount(work: WorkReceipt): number {
  return SCHEMES.reduce((sum, scheme) => sum + (work.verifies[scheme] ?? 0), 0);
}

/**
 * Splits a block's work into its preparation on the main thread (decode, hashing, per-transaction
 * checks), its commit on the main thread (MVCC reads, encoding, the rest) and the world-state writes,
 * which the write-behind store does on its own write thread.
 */
function splitBlockWork(
  work: WorkReceipt,
  verifyHashBytes: number,
): { prepare: WorkReceipt; commit: WorkReceipt; writes: WorkReceipt } {
  const prepare: WorkReceipt = {
    ...emptyReceipt(),
    decodeBytes: work.decodeBytes,
    hashBytes: Math.max(0, work.hashBytes - verifyHashBytes),
    txValidations: work.txValidations ?? 0,
  };
  const commit: WorkReceipt = {
    ...withoutVerifies(work),
    decodeBytes: 0,
    hashBytes: 0,
    txValidations: 0,
    stateWrites: 0,
  };
  const writes: WorkReceipt = { ...emptyReceipt(), stateWrites: work.stateWrites };
  return { prepare, commit, writes };
}

export function predictHostBench(
  arch: Architecture,
  endorse: readonly WorkReceipt[],
  phase1Other: WorkReceipt,
  blocks: readonly BenchBlockWork[],
  options: HostBenchModelOptions,
): HostBenchPrediction {
  const timer = new CpuTimer(arch);
  // Phase 1: one thread, back to back.
  let endorsePs = 0;
  for (const work of endorse) endorsePs += timer.ps(work);
  // The endorsers' state advances with one synchronous store transaction per block: a disk wait.
  const syncPsPerBlock = Math.round((arch.calibration?.costs.stateCommitSync?.nsPerOp ?? 0) * 1_000);
  const phase1Ps = endorsePs + timer.ps(phase1Other) + blocks.length * syncPsPerBlock;

  const phase2 = simulatePhase2(arch, timer, blocks, options);
  const txs = blocks.reduce((sum, b) => sum + b.txs, 0);
  const ordered = endorse.length;
  return {
    endorseTps: ordered / psToSeconds(endorsePs),
    endorseLatencyMs: (psToSeconds(endorsePs) * 1000) / Math.max(1, ordered),
    validateCommitTps: txs / psToSeconds(phase2.totalPs),
    blockLatencyMs: phase2.meanBlockLatencyPs / 1e9,
    phase1Seconds: psToSeconds(phase1Ps),
    phase2Seconds: psToSeconds(phase2.totalPs),
    endToEndTps: txs / psToSeconds(phase1Ps + phase2.totalPs),
    phase2CpuMicrosPerTx: {
      main: phase2.mainPs / 1e6 / Math.max(1, txs),
      workers: phase2.workerPs / 1e6 / Math.max(1, txs),
      writer: phase2.writerPs / 1e6 / Math.max(1, txs),
      background: phase2.backgroundPs / 1e6 / Math.max(1, txs),
    },
  };
}

/** A thread: runs its jobs one after another, each on a core for at most a quantum at a time. */
class SimThread {
  private busy = false;
  private readonly queue: { ps: number; done: () => void }[] = [];

  constructor(
    private readonly cores: Server,
    private readonly quantumPs: number,
  ) {}

  run(ps: number, done: () => void): void {
    this.queue.push({ ps, done });
    if (!this.busy) this.next();
  }

  get idle(): boolean {
    return !this.busy && this.queue.length === 0;
  }

  private next(): void {
    const job = this.queue.shift();
    if (job === undefined) {
      this.busy = false;
      return;
    }
    this.busy = true;
    this.slice(job.ps, () => {
      // Idle before the callback, so work it hands out (the next chunk) can come back to this thread.
      this.busy = false;
      job.done();
      if (!this.busy) this.next();
    });
  }

  private slice(remainingPs: number, done: () => void): void {
    if (remainingPs <= 0) {
      done();
      return;
    }
    const ps = Math.min(remainingPs, this.quantumPs);
    this.cores.submit(ps, () => this.slice(remainingPs - ps, done));
  }
}

function simulatePhase2(
  arch: Architecture,
  timer: CpuTimer,
  blocks: readonly BenchBlockWork[],
  options: HostBenchModelOptions,
): {
  totalPs: number;
  meanBlockLatencyPs: number;
  mainPs: number;
  workerPs: number;
  writerPs: number;
  backgroundPs: number;
} {
  let mainPs = 0;
  let workerPs = 0;
  let writerPs = 0;
  let backgroundPs = 0;
  const env = new Environment();
  const cores = new Server(env, { name: 'host.cores', lanes: arch.engines.cpu.cores });
  const quantumPs = msToPs(options.quantumMs ?? 4);
  const main = new SimThread(cores, quantumPs);
  const workers = Array.from({ length: options.threads }, () => new SimThread(cores, quantumPs));
  const writer = new SimThread(cores, quantumPs);
  // The runtime's helper threads (GC, the store's write thread): CPU on the cores, holding no thread of ours.
  const runtime = new SimThread(cores, quantumPs);
  const backgroundPsPerTx = cyclesToPs(arch.engines.cpu.cycles.backgroundPerTx ?? 0, arch.engines.cpu.clockGHz);
  const packPs = cyclesToPs(arch.engines.cpu.cycles.workerPackPerJob ?? 0, arch.engines.cpu.clockGHz);
  const depth = options.depth ?? 3;
  const chunksPerThread = options.chunksPerThread ?? 2;
  const handoffPs = cyclesToPs(arch.engines.cpu.cycles.workerHandoffPerJob ?? 0, arch.engines.cpu.clockGHz);
  // One signature check on a worker, per scheme (hashing aside): the same for every block.
  const checkPs = new Map<Scheme, number>(
    SCHEMES.map((scheme) => [scheme, timer.ps({ ...emptyReceipt(), verifies: { [scheme]: 1 } }) + handoffPs]),
  );

  // Piscina's queue: chunks wait for the first idle worker.
  const pending: { ps: number; done: () => void }[] = [];
  const dispatch = (): void => {
    for (const worker of workers) {
      if (pending.length === 0) return;
      if (worker.idle) {
        const chunk = pending.shift()!;
        worker.run(chunk.ps, () => {
          chunk.done();
          dispatch();
        });
      }
    }
  };

  interface Flight {
    readonly index: number;
    verified: boolean;
    onVerified: (() => void) | null;
  }
  const inFlight: Flight[] = [];
  const submittedPs: number[] = [];
  let committed = 0;
  let commitLatencySumPs = 0;
  // A block is durable once its block-file fsync is done (off the main thread: an I/O wait, not CPU);
  // the run ends when the last one is, as the pipelined committer's drain waits for it.
  const fsyncPs = Math.round((arch.calibration?.costs.blockFsync?.nsPerOp ?? 0) * 1_000);
  let lastDurablePs = 0;

  const verifyChunks = (block: BenchBlockWork, flight: Flight): void => {
    const perJobPs: number[] = [];
    for (const scheme of SCHEMES) {
      const ps = checkPs.get(scheme) ?? 0;
      for (let i = 0; i < (block.commit.verifies[scheme] ?? 0); i += 1) perJobPs.push(ps);
    }
    const jobs = perJobPs.length;
    if (jobs === 0) {
      flight.verified = true;
      return;
    }
    // The P-256 checks hash their messages on the worker: spread those bytes over the jobs.
    const hashPsPerJob = timer.ps({ ...emptyReceipt(), hashBytes: Math.round((block.verifyHashBytes ?? 0) / jobs) });
    for (let i = 0; i < perJobPs.length; i += 1) perJobPs[i]! += hashPsPerJob;
    const chunkCount = Math.min(jobs, options.threads * chunksPerThread);
    const chunkSize = Math.ceil(jobs / chunkCount);
    let remaining = 0;
    for (let start = 0; start < jobs; start += chunkSize) {
      let ps = 0;
      for (let i = start; i < Math.min(jobs, start + chunkSize); i += 1) ps += perJobPs[i]!;
      workerPs += ps;
      remaining += 1;
      pending.push({
        ps,
        done: () => {
          remaining -= 1;
          if (remaining === 0) {
            flight.verified = true;
            flight.onVerified?.();
          }
        },
      });
    }
    dispatch();
  };

  // The main thread's loop, as a chain of callbacks: submit block i (after committing the oldest
  // while `depth` are in flight), then drain.
  const commitOldest = (then: () => void): void => {
    const oldest = inFlight.shift()!;
    const commit = (): void => {
      const { commit: work, writes } = splitBlockWork(blocks[oldest.index]!.commit, 0);
      const ps = timer.ps(work);
      mainPs += ps;
      main.run(ps, () => {
        commitLatencySumPs += env.nowPs - submittedPs[oldest.index]!;
        committed += 1;
        lastDurablePs = Math.max(lastDurablePs, env.nowPs + fsyncPs);
        const writesPs = timer.ps(writes);
        writerPs += writesPs;
        writer.run(writesPs, () => undefined);
        const runtimePs = backgroundPsPerTx * blocks[oldest.index]!.txs;
        backgroundPs += runtimePs;
        if (runtimePs > 0) runtime.run(runtimePs, () => undefined);
        then();
      });
    };
    if (oldest.verified) commit();
    else oldest.onVerified = commit;
  };
  // Per block, as the bench's loop does it: note the submission time, read the block back (main
  // thread), then inside the committer commit the oldest while `depth` are in flight, prepare the
  // block and hand its checks to the workers.
  const submit = (index: number): void => {
    if (index === blocks.length) {
      const drain = (): void => {
        if (inFlight.length > 0) commitOldest(drain);
      };
      drain();
      return;
    }
    const block = blocks[index]!;
    submittedPs[index] = env.nowPs;
    const readPs = timer.ps(block.read);
    mainPs += readPs;
    main.run(readPs, () => prepareWhenRoom(index));
  };
  const prepareWhenRoom = (index: number): void => {
    if (inFlight.length >= depth) {
      commitOldest(() => prepareWhenRoom(index));
      return;
    }
    const block = blocks[index]!;
    const { prepare } = splitBlockWork(block.commit, block.verifyHashBytes ?? 0);
    const preparePs = timer.ps(prepare) + checkCount(block.commit) * packPs;
    mainPs += preparePs;
    main.run(preparePs, () => {
      const flight: Flight = { index, verified: false, onVerified: null };
      inFlight.push(flight);
      verifyChunks(block, flight);
      submit(index + 1);
    });
  };
  submit(0);
  env.run();
  const endPs = Math.max(env.nowPs, lastDurablePs);
  // Latency as the bench measures it: submission to the commit being applied (durability aside).
  return {
    totalPs: endPs,
    meanBlockLatencyPs: commitLatencySumPs / Math.max(1, committed),
    mainPs,
    workerPs,
    writerPs,
    backgroundPs,
  };
}
