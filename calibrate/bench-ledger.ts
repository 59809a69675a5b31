/**
 * The real ledger on this host, in wall-clock time: what `bpusim bench ledger` (cli/bench-ledger.ts)
 * runs and prints, and what `bpusim calibrate` and `bpusim validate` run to measure the host.
 *
 * Phase 1 (endorse and order): clients propose, two of three orgs' peers endorse (2-of-3 P-256
 * policy by default), the client assembles, the orderer cuts blocks of --block-size; blocks go to a
 * block file on disk (so memory stays flat as --txs grows). The endorsers share one state object
 * (their states would be identical) advanced with each block, trusted, untimed: what phase 1 times is
 * `peer.endorse` alone, on one core.
 * Crypto bound: the signature checks of the first blocks run alone on the worker pool: the tx/s that
 * verification alone allows on these cores.
 * Phase 2 (validate and commit): a separate committing peer (LMDB or memory state, fsync'd block
 * file) reads each block back, prepares it, verifies signatures on the worker pool (both cores) and
 * commits in order (PipelinedCommitter; a block counts once it is durable, so the last fsync and
 * state write are inside the timing). RSS is sampled during phase 2. `cpuMicrosPerTx` is the
 * process's CPU time (all threads) per transaction in each measurement: less sensitive than wall
 * time to other load on a shared host.
 *
 * Host clocks are used only for the figures returned here. It lives in calibrate/ (what this host
 * does, measured), not cli/: the command only parses its flags and prints the result.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block } from '../ledger/block.js';
import { p256Verifier } from '../ledger/crypto/_native-p256.js';
import type { CryptoMode } from '../ledger/crypto/provider.js';
import { createNetwork, defaultPolicy } from '../ledger/network.js';
import type { Network } from '../ledger/network.js';
import { PipelinedCommitter } from '../ledger/parallel/pipelined-committer.js';
import { VerifyPool } from '../ledger/parallel/verify-pool.js';
import { Peer } from '../ledger/peer.js';
import type { WorkReceipt } from '../ledger/receipt.js';
import { addReceipt, emptyReceipt, totalVerifies } from '../ledger/receipt.js';
import { FileBlockStore } from '../ledger/state/block-file.js';
import { LmdbWorldState } from '../ledger/state/lmdb-state.js';
import { MemoryWorldState } from '../ledger/state/memory-state.js';
import type { WorldState } from '../ledger/state/world-state.js';
import { validationCodeName } from '../ledger/validation-code.js';
import { signedMessageLength } from '../ledger/verify-job.js';
import { RandomStream } from '../sim/index.js';

/** The bench's contracts, crypto providers and committer stores (the command's allowed flag values). */
export const BENCH_WORKLOADS = ['smallbank', 'kv', 'donothing', 'cpuheavy'] as const;
export const BENCH_CRYPTO = ['node', 'noble', 'modeled'] as const;
export const BENCH_STORES = ['lmdb', 'memory'] as const;
export type BenchWorkload = (typeof BENCH_WORKLOADS)[number];
type Workload = BenchWorkload;
/** Values a `cpuheavy` transaction sorts (Blockbench's CPUHeavy, scaled to a ledger-bench size). */
export const CPUHEAVY_SORT_SIZE = 1_000;

/** One bench run: `bpusim bench ledger`'s flags, less how to print. */
export interface BenchLedgerOptions {
  txs: number;
  workload: Workload;
  crypto: CryptoMode;
  store: (typeof BENCH_STORES)[number];
  threads: number;
  blockSize: number;
  accounts: number;
  seed: number;
  fsync: boolean;
}

/** The workload's operations come from a named kernel PRNG stream of the seed, never from the clock. */
function prng(seed: number): () => number {
  const stream = new RandomStream('bench-ledger/workload', seed);
  return () => stream.random();
}

function workloadOps(workload: Workload, accounts: number, seed: number): () => [string, string[]] {
  const random = prng(seed);
  const pick = (n: number) => Math.floor(random() * n);
  if (workload === 'donothing') return () => ['noop', []];
  if (workload === 'cpuheavy') return () => ['sort', [String(CPUHEAVY_SORT_SIZE)]];
  if (workload === 'kv') {
    // YCSB workload A: 50 % read, 50 % update, uniform keys.
    return () => {
      const key = `user${String(pick(accounts)).padStart(10, '0')}`;
      return random() < 0.5 ? ['read', [key]] : ['update', [key, `v${pick(1e9)}`]];
    };
  }
  // SmallBank: the six transactions uniformly, uniform accounts, small amounts.
  return () => {
    const a = pick(accounts);
    const b = (a + 1 + pick(accounts - 1)) % accounts;
    const amount = String(1 + pick(10));
    switch (pick(6)) {
      case 0:
        return ['transact_savings', [String(a), amount]];
      case 1:
        return ['deposit_checking', [String(a), amount]];
      case 2:
        return ['send_payment', [String(a), String(b), amount]];
      case 3:
        return ['write_check', [String(a), amount]];
      case 4:
        return ['amalgamate', [String(a), String(b)]];
      default:
        return ['query', [String(a)]];
    }
  };
}

/** For profiling harnesses that rebuild the bench's block file (same seed, same operations). */
export const workloadOpsForHarness = workloadOps;

/**
 * What `bpusim validate` needs to simulate the same run: the work receipts of every step, in the
 * order the bench did them, and the host times it measured. Filled only when passed in.
 */
export interface BenchTrace {
  /** Per transaction: both endorsements' receipts summed. */
  readonly endorse: WorkReceipt[];
  /** Phase 1 besides endorsement (client proposals and assembly, ordering, block file, endorser state). */
  readonly phase1Other: WorkReceipt;
  /** Phase 2 per block: reading it back, its validation and commit (signature checks included), and the time from its submission to its commit being applied. */
  readonly blocks: {
    readonly txs: number;
    readonly read: WorkReceipt;
    readonly commit: WorkReceipt;
    readonly latencyNs: number;
    readonly verifyHashBytes: number;
  }[];
}

export function emptyBenchTrace(): BenchTrace {
  return { endorse: [], phase1Other: emptyReceipt(), blocks: [] };
}

const rssMiB = () => process.memoryUsage().rss / (1024 * 1024);
const nowNs = () => process.hrtime.bigint(); // host-time-ok
const cpuMicros = (usage: NodeJS.CpuUsage) => usage.user + usage.system;
const seconds = (fromNs: bigint) => Number(nowNs() - fromNs) / 1e9; // host-time-ok

export async function runBenchLedger(flags: BenchLedgerOptions, trace?: BenchTrace) {
  const dir = mkdtempSync(join(tmpdir(), 'bpusim-bench-ledger-'));
  const openState = (name: string): WorldState =>
    flags.store === 'lmdb' ? new LmdbWorldState(join(dir, name)) : new MemoryWorldState();
  const pool = new VerifyPool(flags.crypto, { threads: flags.threads });
  try {
    const params =
      flags.workload === 'smallbank'
        ? { accounts: flags.accounts }
        : flags.workload === 'kv'
          ? { records: flags.accounts }
          : {};
    const endorserState = openState('endorsers');
    const net = createNetwork({
      seed: `bench-${flags.seed}`,
      orgCount: 3,
      crypto: flags.crypto,
      chaincodes: [{ name: flags.workload, policy: defaultPolicy(3), params }],
      batch: {
        maxMessageCount: flags.blockSize,
        absoluteMaxBytes: 64 * 1024 * 1024,
        preferredMaxBytes: 32 * 1024 * 1024,
      },
      shareVerifyCache: false,
      stores: () => ({ state: endorserState }),
    });
    const source = new FileBlockStore(join(dir, 'ordered'), { fsync: false });
    source.append(net.genesisBlock, emptyReceipt());
    const next = workloadOps(flags.workload, flags.accounts, flags.seed);
    const leader = net.peers[0]!;

    // Phase 1: endorse and order.
    let endorseNs = 0n;
    let endorsementFailures = 0;
    let ordered = 0;
    const phase1 = nowNs();
    for (let submitted = 0; submitted < flags.txs; ) {
      const envelopes: Uint8Array[] = [];
      while (envelopes.length < flags.blockSize && submitted < flags.txs) {
        submitted += 1;
        const client = net.clients[submitted % net.clients.length]!;
        const [fn, args] = next();
        const proposed = client.propose(flags.workload, fn, args);
        const endorsers = net.gateway.chooseEndorsers(flags.workload);
        const t0 = nowNs();
        const endorsed = endorsers.map((peer) => peer.endorse(proposed.signed));
        endorseNs += nowNs() - t0;
        const responses = endorsed.map((e) => e.response);
        const assembled = client.assemble(proposed.proposal, responses);
        if (trace !== undefined) {
          trace.endorse.push(endorsed.reduce((sum, e) => addReceipt(sum, e.receipt), emptyReceipt()));
          addReceipt(trace.phase1Other, proposed.receipt);
          addReceipt(trace.phase1Other, assembled.receipt);
        }
        if (assembled.result.ok) envelopes.push(assembled.result.envelope);
        else endorsementFailures += 1;
      }
      if (envelopes.length === 0) continue;
      const phase1Receipt = trace?.phase1Other ?? emptyReceipt();
      const block = net.orderer.createBlock(envelopes, phase1Receipt);
      ordered += envelopes.length;
      source.append(block, phase1Receipt);
      // Advance the endorsers' shared state: these blocks are the bench's own, so their signatures
      // are taken as valid here; the measured committer below checks every one.
      const prepared = leader.prepare(block, phase1Receipt);
      leader.commitPrepared(prepared, new Uint8Array(prepared.jobs.length).fill(1), phase1Receipt);
      // None of those checks ran: take their count back out (the model must not charge them).
      for (const scheme of ['p256', 'ed25519', 'bls'] as const) {
        const checks = phase1Receipt.verifies[scheme];
        if (checks !== undefined)
          phase1Receipt.verifies[scheme] = checks - prepared.jobs.filter((job) => job.scheme === scheme).length;
      }
    }
    const phase1Seconds = seconds(phase1);
    const measured = await measureValidateCommit(net, source, flags, pool, openState, dir, undefined, trace);
    const result = {
      txs: flags.txs,
      orderedTxs: ordered,
      endorsementFailures,
      workload: flags.workload,
      crypto: flags.crypto,
      store: flags.store,
      threads: pool.threads,
      blockSize: flags.blockSize,
      blocks: measured.blocks,
      validateCommitTxPerSec: measured.validateCommitTxPerSec,
      endorseTxPerSec: Math.round(ordered / (Number(endorseNs) / 1e9)),
      cryptoBoundTxPerSec: measured.cryptoBoundTxPerSec,
      ratioToCryptoBound: measured.ratioToCryptoBound,
      verifiesPerTx: measured.verifiesPerTx,
      cryptoBoundVerifiesPerSec: measured.cryptoBoundVerifiesPerSec,
      rssMiB: measured.rssMiB,
      stateHash: measured.stateHash,
      blockHash: measured.blockHash,
      validationCodes: measured.validationCodes,
      wallSeconds: {
        endorseAndOrder: Number(phase1Seconds.toFixed(3)),
        endorse: Number((Number(endorseNs) / 1e9).toFixed(3)),
        ...measured.wallSeconds,
      },
      cpuSeconds: measured.cpuSeconds,
      cpuMicrosPerTx: measured.cpuMicrosPerTx,
      host: {
        cpus: availableParallelism(),
        node: process.versions.node,
        openssl: process.versions.openssl,
        p256Verifier: flags.crypto === 'node' ? p256Verifier() : null,
      },
      fsync: flags.fsync,
    };
    source.close();
    endorserState.close();
    return result;
  } finally {
    await pool.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The crypto bound and phase 2 over an ordered block file (blocks 1.. of `source`), at a fresh
 * committing peer. Exported so a profiling harness can re-run it over a kept block file.
 */
export async function measureValidateCommit(
  net: Network,
  source: FileBlockStore,
  flags: Pick<BenchLedgerOptions, 'seed' | 'fsync'>,
  pool: VerifyPool,
  openState: (name: string) => WorldState,
  dir: string,
  /** Called around phase 2 (a profiling harness reads per-thread CPU time there). */
  probe?: { begin(): void; end(committedTxs: number): void },
  trace?: BenchTrace,
) {
  const blockCount = source.height();

  // The crypto bound: the first blocks' signature checks alone, on the same pool.
  const committer = new Peer({
    identity: net.cas[0]!.issue('committer', 'peer', 'p256', `bench-${flags.seed}`),
    config: net.config,
    crypto: net.crypto,
    state: openState('committer-state'),
    blockStore: new FileBlockStore(join(dir, 'committer-blocks'), { fsync: flags.fsync }),
  });
  committer.validateAndCommit(source.read(0, emptyReceipt()));
  await pool.verify([]);
  const sampleBlocks = Math.min(blockCount - 1, 20);
  let expected = 1;
  let previousHash = committer.lastBlockHash;
  const sampleJobs = [];
  let sampleTxs = 0;
  for (let n = 1; n <= sampleBlocks; n += 1) {
    const block = source.read(n, emptyReceipt());
    const prepared = committer.prepareAhead(block, expected, previousHash, emptyReceipt());
    expected += 1;
    previousHash = prepared.blockHash;
    sampleJobs.push(prepared.jobs);
    sampleTxs += block.data.length;
  }
  // Warm-up, untimed: the workers' JIT, key caches and hot keys' fixed-base tables (a one-time
  // ≈26 ms per key and thread that phase 2 does not pay either, as it runs on the same workers).
  // Several blocks, so that every worker sees every hot key often enough (a worker may take
  // all of one block's chunks).
  await Promise.all(sampleJobs.slice(0, 4).map((jobs) => pool.verify(jobs)));
  const cryptoStart = nowNs();
  const cryptoCpu = process.cpuUsage();
  await Promise.all(sampleJobs.map((jobs) => pool.verify(jobs)));
  const cryptoSeconds = seconds(cryptoStart);
  const cryptoCpuMicros = cpuMicros(process.cpuUsage(cryptoCpu));
  const sampleVerifies = sampleJobs.reduce((sum, jobs) => sum + jobs.length, 0);

  // Phase 2: validate and commit, verification on the workers.
  // The bytes each block's P-256 checks hash (counted under hashBytes, done by the workers).
  const verifyHashBytes: number[] = [];
  const committedNs: bigint[] = [];
  const pipeline = new PipelinedCommitter(
    committer,
    pool,
    3,
    undefined,
    trace === undefined
      ? undefined
      : (prepared) => {
          let bytes = 0;
          for (const job of prepared.jobs) if (job.scheme === 'p256') bytes += signedMessageLength(job);
          verifyHashBytes[prepared.block.header.number] = bytes;
        },
    trace === undefined
      ? undefined
      : (blockNum) => {
          committedNs[blockNum] = nowNs();
        },
  );
  const total: WorkReceipt = emptyReceipt();
  const codes = new Map<string, number>();
  let committedTxs = 0;
  let rssPeak = rssMiB();
  const submittedNs: bigint[] = [];
  const readReceipts: WorkReceipt[] = [];
  const tally = (results: readonly { blockNum: number; validationCodes: Uint8Array; receipt: WorkReceipt }[]) => {
    const at = 0n;
    for (const result of results) {
      trace?.blocks.push({
        txs: result.validationCodes.length,
        read: readReceipts[result.blockNum] ?? emptyReceipt(),
        commit: result.receipt,
        latencyNs: Number((committedNs[result.blockNum] ?? at) - (submittedNs[result.blockNum] ?? at)),
        verifyHashBytes: verifyHashBytes[result.blockNum] ?? 0,
      });
      addReceipt(total, result.receipt);
      committedTxs += result.validationCodes.length;
      for (const code of result.validationCodes)
        codes.set(validationCodeName(code), (codes.get(validationCodeName(code)) ?? 0) + 1);
    }
  };
  const phase2 = nowNs();
  const phase2Cpu = process.cpuUsage();
  const phase2Elu = performance.eventLoopUtilization(); // host-time-ok
  probe?.begin();
  for (let n = 1; n < blockCount; n += 1) {
    const readReceipt = emptyReceipt();
    if (trace !== undefined) {
      submittedNs[n] = nowNs();
      readReceipts[n] = readReceipt;
    }
    const block: Block = source.read(n, readReceipt);
    tally(await pipeline.submit(block));
    if (n % 16 === 0) rssPeak = Math.max(rssPeak, rssMiB());
  }
  tally(await pipeline.drain());
  const phase2Seconds = seconds(phase2);
  const phase2CpuMicros = cpuMicros(process.cpuUsage(phase2Cpu));
  // The main thread's busy time (its event loop's active time): what calibration separates from the workers'.
  const mainActiveSeconds = performance.eventLoopUtilization(phase2Elu).active / 1000; // host-time-ok
  probe?.end(committedTxs);
  rssPeak = Math.max(rssPeak, rssMiB());

  const validateCommitTxPerSec = committedTxs / phase2Seconds;
  const cryptoBoundTxPerSec = sampleTxs / cryptoSeconds;
  const result = {
    blocks: blockCount - 1,
    validateCommitTxPerSec: Math.round(validateCommitTxPerSec),
    cryptoBoundTxPerSec: Math.round(cryptoBoundTxPerSec),
    ratioToCryptoBound: Number((validateCommitTxPerSec / cryptoBoundTxPerSec).toFixed(3)),
    verifiesPerTx: Number((totalVerifies(total) / Math.max(1, committedTxs)).toFixed(3)),
    cryptoBoundVerifiesPerSec: Math.round(sampleVerifies / cryptoSeconds),
    rssMiB: Math.round(rssPeak),
    stateHash: committer.stateHashHex,
    blockHash: committer.blockHashHex,
    validationCodes: Object.fromEntries([...codes.entries()].sort()),
    wallSeconds: {
      cryptoBound: Number(cryptoSeconds.toFixed(3)),
      validateCommit: Number(phase2Seconds.toFixed(2)),
      validateCommitMainActive: Number(mainActiveSeconds.toFixed(3)),
    },
    cpuSeconds: { validateCommit: phase2CpuMicros / 1e6 },
    // Process CPU time (all threads) per tx: less sensitive than wall time to other load on the host.
    cpuMicrosPerTx: {
      cryptoBound: Math.round(cryptoCpuMicros / sampleTxs),
      validateCommit: Math.round(phase2CpuMicros / Math.max(1, committedTxs)),
    },
  };
  committer.close();
  return result;
}
