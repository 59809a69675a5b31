/**
 * What `bpusim calibrate` measures on this host, each cost in the unit the architecture's CPU cycle
 * table charges it (per signature, per byte, per row, per contract step, per job handed to a
 * worker), on the ledger's own code and real data: envelopes, blocks and rwsets of a small real
 * network, the LMDB world state, the built-in contracts run through the chaincode stub, and the
 * verification worker pool. Host figures only (wall and CPU clocks of this machine).
 *
 * Why real data: per-byte costs of SHA-256 and msgpack depend on message size and shape, so they are
 * measured on the messages the ledger really hashes and (de)serialises, through the same functions
 * that count those bytes in receipts. Cost per counted unit is then what the model multiplies.
 *
 * Part of calibrate/ (host measurement, no CLI wiring): `bpusim calibrate` (cli/calibrate.ts) only
 * parses its flags and prints or writes what calibrate/calibrate.ts builds from these costs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Block } from '../ledger/block.js';
import { decodeBlock, encodeBlock } from '../ledger/block.js';
import { builtinContract, runContract } from '../ledger/chaincode/registry.js';
import { ChaincodeStub } from '../ledger/chaincode/stub.js';
import { createCryptoProvider } from '../ledger/crypto/index.js';
import type { CryptoMode, KeyPair } from '../ledger/crypto/provider.js';
import { decodeEnvelope } from '../ledger/envelope.js';
import { sha256 } from '../ledger/hash.js';
import { createNetwork, defaultPolicy } from '../ledger/network.js';
import { VerifyPool } from '../ledger/parallel/verify-pool.js';
import type { Scheme } from '../ledger/receipt.js';
import { emptyReceipt } from '../ledger/receipt.js';
import { packJobs } from '../ledger/parallel/_pack.js';
import { FileBlockStore } from '../ledger/state/block-file.js';
import { LmdbWorldState } from '../ledger/state/lmdb-state.js';
import { MemoryWorldState } from '../ledger/state/memory-state.js';
import type { StateUpdate } from '../ledger/state/world-state.js';
import type { VerifyJob } from '../ledger/verify-job.js';
import { signedMessageLength } from '../ledger/verify-job.js';
import { type BenchWorkload, workloadOpsForHarness } from './bench-ledger.js';
import { type Measurement, type MeasureOptions, measure, perUnit } from './measure.js';

export const CALIBRATED_CONTRACTS: readonly BenchWorkload[] = ['smallbank', 'kv', 'donothing', 'cpuheavy'];

export interface HostCost extends Measurement {
  /** What one operation of `nsPerOp` is: "signature", "byte", "row", "step", "job". */
  readonly unit: string;
}

export interface HostCosts {
  /** Keyed like the architecture's cycle table (`verifyP256`, `hashPerByte`, ...), plus per-provider entries. */
  readonly costs: Record<string, HostCost>;
  readonly crypto: CryptoMode;
}

interface Sample {
  readonly envelopes: Uint8Array[];
  readonly blocks: Block[];
  readonly blockBytes: Uint8Array[];
  /** The blocks' signature checks, as a committer emits them. */
  readonly jobs: VerifyJob[];
}

/** A small real network's envelopes and blocks: the data the per-byte costs are measured on. */
function realSample(crypto: CryptoMode, txs: number): Sample {
  const net = createNetwork({
    seed: 'calibrate',
    orgCount: 3,
    crypto,
    chaincodes: [{ name: 'smallbank', policy: defaultPolicy(3), params: { accounts: 10_000 } }],
    batch: { maxMessageCount: 500, absoluteMaxBytes: 64 * 1024 * 1024, preferredMaxBytes: 32 * 1024 * 1024 },
  });
  const next = workloadOpsForHarness('smallbank', 10_000, 7);
  const envelopes: Uint8Array[] = [];
  for (let i = 0; i < txs; i += 1) {
    const client = net.clients[i % net.clients.length]!;
    const [fn, args] = next();
    const proposed = client.propose('smallbank', fn, args);
    const responses = net.gateway.chooseEndorsers('smallbank').map((peer) => peer.endorse(proposed.signed).response);
    const assembled = client.assemble(proposed.proposal, responses);
    if (assembled.result.ok) envelopes.push(assembled.result.envelope);
  }
  const blocks: Block[] = [];
  for (let i = 0; i < envelopes.length; i += 500)
    blocks.push(net.orderer.createBlock(envelopes.slice(i, i + 500), emptyReceipt()));
  const jobs: VerifyJob[] = [];
  const committer = net.peers[net.peers.length - 1]!;
  let previous = committer.lastBlockHash;
  for (const block of blocks) {
    const prepared = committer.prepareAhead(block, block.header.number, previous, emptyReceipt());
    previous = prepared.blockHash;
    jobs.push(...prepared.jobs);
  }
  return { envelopes, blocks, blockBytes: blocks.map((block) => encodeBlock(block, emptyReceipt())), jobs };
}

function cost(unit: string, m: Measurement): HostCost {
  return { ...m, unit };
}

async function signatureCosts(
  mode: CryptoMode,
  options: MeasureOptions,
  out: Record<string, HostCost>,
  suffix: string,
): Promise<void> {
  const provider = createCryptoProvider(mode);
  // Varied inputs, as the ledger signs them: three keys in turn over distinct 32-byte messages (the
  // digest P-256 signs is counted, and charged, as hashing separately). One key and one message
  // repeated would flatter the host (warm caches, trained branches).
  const messages = Array.from({ length: 64 }, (_, i) => new Uint8Array(32).fill(i + 1));
  const schemes: readonly [Scheme, string][] = [
    ['p256', 'P256'],
    ['ed25519', 'Ed25519'],
    ['bls', 'Bls'],
  ];
  for (const [scheme, label] of schemes) {
    let keys: KeyPair[];
    try {
      keys = [1, 2, 3].map((i) => provider.keyPairFromSeed(scheme, new Uint8Array(32).fill(i)));
    } catch {
      continue; // this provider does not implement the scheme
    }
    const signatures = messages.map((message, i) => provider.sign(keys[i % 3]!, message));
    let turn = 0;
    out[`sign${label}${suffix}`] = cost(
      'signature',
      await measure((ops) => {
        for (let i = 0; i < ops; i += 1, turn += 1) provider.sign(keys[turn % 3]!, messages[turn % 64]!);
      }, options),
    );
    out[`verify${label}${suffix}`] = cost(
      'signature',
      await measure((ops) => {
        for (let i = 0; i < ops; i += 1, turn += 1) {
          const at = turn % 64;
          if (!provider.verify(scheme, keys[at % 3]!.publicKey, messages[at]!, signatures[at]!))
            throw new Error(`calibrate: ${mode} ${scheme} verify failed`);
        }
      }, options),
    );
  }
}

/** Per counted byte, over real inputs, through the counting functions. */
async function byteCost<T>(
  inputs: readonly T[],
  options: MeasureOptions,
  op: (input: T, receipt: ReturnType<typeof emptyReceipt>) => void,
  counted: (receipt: ReturnType<typeof emptyReceipt>) => number,
): Promise<HostCost> {
  const receipt = emptyReceipt();
  for (const input of inputs) op(input, receipt);
  const bytesPerPass = counted(receipt);
  const m = await measure((passes) => {
    const r = emptyReceipt();
    for (let p = 0; p < passes; p += 1) for (const input of inputs) op(input, r);
  }, options);
  return cost('byte', perUnit(m, bytesPerPass));
}

async function stateCosts(options: MeasureOptions, out: Record<string, HostCost>): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'bpusim-calibrate-'));
  try {
    const state = new LmdbWorldState(join(dir, 'state'));
    const keyCount = 30_000;
    const key = (i: number) => `smallbank\u0000checking_${i}`;
    const value = new TextEncoder().encode('1000000');
    let block = 0;
    const rowsPerBlock = 1_000;
    // Writes: a block's updates per transaction, written behind as the pipelined committer does.
    const writeBlock = async (first: number): Promise<void> => {
      block += 1;
      const updates: StateUpdate[] = [];
      for (let i = 0; i < rowsPerBlock; i += 1)
        updates.push({ key: key((first + i) % keyCount), value, version: { blockNum: block, txNum: i } });
      await state.stageCommit!({
        updates,
        txIds: [],
        savepoint: { blockNum: block, stateHashLanes: new Uint8Array(32), blockHash: new Uint8Array(32) },
      })();
    };
    for (let first = 0; first < keyCount; first += rowsPerBlock) await writeBlock(first);
    let cursor = 0;
    out.stateWrite = cost(
      'row',
      perUnit(
        await measure(async (blocks) => {
          for (let b = 0; b < blocks; b += 1) {
            await writeBlock(cursor);
            cursor = (cursor + rowsPerBlock) % keyCount;
          }
        }, options),
        rowsPerBlock,
      ),
    );
    let probe = 12_345;
    out.stateRead = cost(
      'row',
      await measure((ops) => {
        for (let i = 0; i < ops; i += 1) {
          probe = (probe * 1_103_515_245 + 12_345) % keyCount;
          if (state.get(key(probe)) === undefined) throw new Error('calibrate: missing key');
        }
      }, options),
    );
    // One synchronous store transaction per block (how the bench's endorsers advance their state):
    // its disk sync is a wait the committing thread pays per block.
    out.stateCommitSync = cost(
      'block',
      await measure((ops) => {
        for (let i = 0; i < ops; i += 1) {
          block += 1;
          state.commit({
            updates: [{ key: key(i % keyCount), value, version: { blockNum: block, txNum: 0 } }],
            txIds: [],
            savepoint: { blockNum: block, stateHashLanes: new Uint8Array(32), blockHash: new Uint8Array(32) },
          });
        }
      }, options),
    );
    const rowsPerScan = 100;
    out.rangeRow = cost(
      'row',
      perUnit(
        await measure((ops) => {
          for (let i = 0; i < ops; i += 1) {
            let rows = 0;
            for (const _ of state.range(key(1000 + (i % 100) * 10), 'smallbank\u0001'))
              if (++rows >= rowsPerScan) break;
          }
        }, options),
        rowsPerScan,
      ),
    );
    state.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Nanoseconds per contract step of each built-in contract, on the bench's own operation mix. */
async function contractCosts(
  options: MeasureOptions,
  out: Record<string, HostCost>,
  memoryReadNs: number,
): Promise<void> {
  for (const name of CALIBRATED_CONTRACTS) {
    const net = createNetwork({
      seed: 'calibrate-contract',
      orgCount: 1,
      crypto: 'modeled',
      chaincodes: [
        {
          name,
          policy: defaultPolicy(1),
          params: name === 'smallbank' ? { accounts: 10_000 } : name === 'kv' ? { records: 10_000 } : {},
        },
      ],
    });
    const state = net.peers[0]!.state;
    const creator = net.clients[0]!.identity;
    const contract = builtinContract(name);
    const next = workloadOpsForHarness(name, 10_000, 11);
    const ops: [string, string[]][] = Array.from({ length: 2_000 }, () => next());
    let tx = 0;
    const runOne = (receipt: ReturnType<typeof emptyReceipt>): void => {
      const [fn, args] = ops[tx % ops.length]!;
      const stub = new ChaincodeStub(name, `calibrate-${tx}`, creator, state, receipt);
      tx += 1;
      runContract(contract, stub, fn, args);
      stub.rwset();
      receipt.contractSteps += stub.contractSteps;
    };
    const counted = emptyReceipt();
    for (let i = 0; i < ops.length; i += 1) runOne(counted);
    const stepsPerTx = Math.max(1, counted.contractSteps / ops.length);
    const readsPerTx = counted.stateReads / ops.length;
    const m = await measure((n) => {
      const r = emptyReceipt();
      for (let i = 0; i < n; i += 1) runOne(r);
    }, options);
    // The state reads inside are charged as stateRead on their own; take their in-memory cost out.
    const contractNs = Math.max(0, m.nsPerOp - readsPerTx * memoryReadNs);
    out[`contractStep.${name}`] = cost(
      'step',
      perUnit(
        { ...m, nsPerOp: contractNs, cpuNsPerOp: Math.max(0, m.cpuNsPerOp - readsPerTx * memoryReadNs) },
        stepsPerTx,
      ),
    );
    net.peers.forEach((peer) => peer.close());
  }
}

async function memoryReadCost(options: MeasureOptions): Promise<HostCost> {
  const state = new MemoryWorldState();
  const updates: StateUpdate[] = [];
  for (let i = 0; i < 10_000; i += 1)
    updates.push({ key: `kv\u0000user${i}`, value: new Uint8Array(8), version: { blockNum: 1, txNum: i } });
  state.commit({
    updates,
    txIds: [],
    savepoint: { blockNum: 1, stateHashLanes: new Uint8Array(32), blockHash: new Uint8Array(32) },
  });
  // The results are used (summed and checked), or the JIT may drop lookups whose value nobody reads.
  return cost(
    'row',
    await measure((ops) => {
      let found = 0;
      for (let i = 0; i < ops; i += 1) found += state.get(`kv\u0000user${i % 10_000}`)?.value.length ?? 0;
      if (found !== ops * 8) throw new Error('calibrate: missing key in the in-memory state');
    }, options),
  );
}

/**
 * One real signature check through the worker pool (one thread), per job: packing, transfer,
 * unpacking, the check with its message hashing, the result. The hand-off is what is left once the
 * check, its hashing and the packing are taken out at their own measured costs.
 */
async function handoffCost(
  sample: Sample,
  crypto: CryptoMode,
  options: MeasureOptions,
  out: Record<string, HostCost>,
): Promise<HostCost> {
  const jobs = sample.jobs.filter((job) => job.scheme === 'p256').slice(0, 1_500);
  const messageBytes = jobs.reduce((sum, job) => sum + signedMessageLength(job), 0) / Math.max(1, jobs.length);
  const pool = new VerifyPool(crypto, { threads: 1 });
  try {
    const m = perUnit(
      await measure(async (blocks) => {
        for (let b = 0; b < blocks; b += 1) await pool.verify(jobs);
      }, options),
      jobs.length,
    );
    const ns = (key: string): number => out[key]?.nsPerOp ?? 0;
    return cost('job', residual(m, ns('verifyP256') + messageBytes * ns('hashPerByte') + ns('workerPackPerJob')));
  } finally {
    await pool.close();
  }
}

export async function measureHostCosts(
  crypto: CryptoMode,
  options: MeasureOptions,
  log: (line: string) => void = () => undefined,
): Promise<HostCosts> {
  const costs: Record<string, HostCost> = {};
  const group = async (name: string, measureGroup: () => Promise<void>): Promise<void> => {
    log(name);
    await measureGroup();
  };
  await group('signatures', async () => {
    await signatureCosts(crypto, options, costs, '');
    for (const other of ['node', 'noble'] as const)
      if (other !== crypto) await signatureCosts(other, options, costs, `.${other}`);
  });
  log('sample network');
  const sample = realSample(crypto === 'modeled' ? 'modeled' : crypto, 1_500);
  await group('hash, encode, decode', async () => {
    costs.hashPerByte = await byteCost(
      sample.envelopes,
      options,
      (input, r) => sha256(input, r),
      (r) => r.hashBytes,
    );
    // A committer decodes the block (shallow: envelopes stay byte strings), then each envelope in
    // depth; the receipt counts both, so the cost per counted byte is measured over both together.
    costs.decodePerByte = await byteCost(
      sample.blockBytes,
      options,
      (input, r) => {
        const block = decodeBlock(input, r);
        if (block !== null) for (const envelope of block.data) decodeEnvelope(envelope, r);
      },
      (r) => r.decodeBytes,
    );
    costs.encodePerByte = await byteCost(
      sample.blocks,
      options,
      (block, r) => encodeBlock(block, r),
      (r) => r.encodeBytes,
    );
  });
  await group('world state (LMDB)', async () => {
    await stateCosts(options, costs);
    costs['stateRead.memory'] = await memoryReadCost(options);
  });
  await group('contracts', () => contractCosts(options, costs, costs['stateRead.memory']?.nsPerOp ?? 0));
  await group('worker hand-off', async () => {
    // Into one reused buffer, as the verify pool packs (its buffers come back from the workers).
    let packBuffer: ArrayBuffer | undefined;
    const reused = (bytes: number): ArrayBuffer => (packBuffer ??= new ArrayBuffer(bytes));
    costs.workerPackPerJob = cost(
      'job',
      perUnit(
        await measure((ops) => {
          for (let i = 0; i < ops; i += 1) packJobs(sample.jobs, 0, 500, reused);
        }, options),
        500,
      ),
    );
    if (crypto !== 'modeled') costs.workerHandoffPerJob = await handoffCost(sample, crypto, options, costs);
  });
  log('block file fsync');
  costs.blockFsync = await fsyncCost(sample, options);
  return { costs, crypto };
}

function residual(m: Measurement, countedNsPerOp: number): Measurement {
  const less = (value: number): number => Math.max(0, value - countedNsPerOp);
  return {
    ...m,
    nsPerOp: less(m.nsPerOp),
    cpuNsPerOp: less(m.cpuNsPerOp),
    minNsPerOp: less(m.minNsPerOp),
    maxNsPerOp: less(m.maxNsPerOp),
    spreadPct:
      m.nsPerOp > countedNsPerOp ? ((m.maxNsPerOp - m.minNsPerOp) / 2 / (m.nsPerOp - countedNsPerOp)) * 100 : 0,
  };
}

/** Wall time until a block appended to the block file is durable (fdatasync, off the main thread). */
async function fsyncCost(sample: Sample, options: MeasureOptions): Promise<HostCost> {
  const dir = mkdtempSync(join(tmpdir(), 'bpusim-calibrate-fsync-'));
  try {
    const store = new FileBlockStore(join(dir, 'blocks'), { fsync: true });
    let n = 0;
    const m = await measure(
      async (ops) => {
        for (let i = 0; i < ops; i += 1, n += 1) {
          const block = sample.blocks[n % sample.blocks.length]!;
          await store.appendDeferred!({ ...block, header: { ...block.header, number: n } }, emptyReceipt()).durable;
        }
      },
      { ...options, trialMs: Math.max(options.trialMs, 50) },
    );
    store.close();
    return cost('block', m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
