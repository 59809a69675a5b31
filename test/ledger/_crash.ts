/**
 * The crash-recovery harness shared by the fast suite (20 points) and the slow suite (100): build a
 * source chain once, then repeatedly spawn the commit child over a durable target, SIGKILL it after a
 * seeded random delay, reopen the target (recovery), and check that every acknowledged block is there
 * and that the recovered state hash and block hash equal those of a fresh in-memory replay of the
 * target's block file. The child is the compiled dist/ledger/tools/commit-child.js (npm test builds).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crashTestNetwork, openDurablePeer } from '../../ledger/tools/commit-child.js';
import { Peer } from '../../ledger/peer.js';
import { emptyReceipt } from '../../ledger/receipt.js';
import { FileBlockStore } from '../../ledger/state/block-file.js';
import { MemoryWorldState } from '../../ledger/state/memory-state.js';
import { RandomStream } from '../../sim/index.js';

export const CHILD = fileURLToPath(new URL('../../dist/ledger/tools/commit-child.js', import.meta.url));

/** The kill delays come from a named kernel PRNG stream, reproducible from the seed printed on failure. */
function prng(seed: number): () => number {
  const stream = new RandomStream('crash-test/delays', seed);
  return () => stream.random();
}

export function buildSource(dir: string, seed: string, blockCount: number, txPerBlock: number): void {
  const net = crashTestNetwork(seed, (i) => (i === 0 ? { blockStore: new FileBlockStore(dir, { fsync: false }) } : {}));
  let account = 0;
  for (let b = 0; b < blockCount; b += 1) {
    const envelopes: Uint8Array[] = [];
    for (let t = 0; t < txPerBlock; t += 1) {
      const c = net.clients[t % 2]!;
      const a = account++ % 200;
      const p = c.propose(
        'smallbank',
        t % 3 === 0 ? 'send_payment' : 'deposit_checking',
        t % 3 === 0 ? [String(a), String((a + 7) % 200), '1'] : [String(a), '2'],
      );
      const responses = net.peers.map((peer) => peer.endorse(p.signed).response);
      const assembled = c.assemble(p.proposal, responses);
      if (assembled.result.ok) envelopes.push(assembled.result.envelope);
    }
    const block = net.orderer.createBlock(envelopes, emptyReceipt());
    for (const peer of net.peers) peer.validateAndCommit(block);
  }
  for (const peer of net.peers) peer.close();
}

interface ChildRun {
  lastAck: number;
  done: boolean;
}

export type CommitMode = 'inline' | 'pipelined';

function runChildUntilKilled(
  sourceDir: string,
  targetDir: string,
  seed: string,
  delayMs: number,
  mode: CommitMode,
): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, sourceDir, targetDir, seed, mode], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let lastAck = -1;
    let done = false;
    let buffered = '';
    let stderr = '';
    let timer: NodeJS.Timeout | null = null;
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('ack ')) lastAck = Number(line.slice(4));
        if (line === 'done') done = true;
        if (line.startsWith('ready') && timer === null) timer = setTimeout(() => child.kill('SIGKILL'), delayMs);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (timer !== null) clearTimeout(timer);
      if (signal !== 'SIGKILL' && code !== 0) reject(new Error(`child exited ${code}: ${stderr}`));
      else resolve({ lastAck, done });
    });
  });
}

export interface CrashOutcome {
  points: number;
  restartsWithRecovery: number;
  truncatedTails: number;
}

export async function crashRecovery(
  points: number,
  seedNumber: number,
  mode: CommitMode = 'inline',
): Promise<CrashOutcome> {
  if (!existsSync(CHILD)) throw new Error(`${CHILD} is missing: run 'npx tsc -p tsconfig.json' (npm test does)`);
  const seed = `crash-${seedNumber}`;
  const root = mkdtempSync(join(tmpdir(), 'bpusim-crash-'));
  const sourceDir = join(root, 'source');
  let targetDir = join(root, 'target-0');
  const random = prng(seedNumber);
  const net = crashTestNetwork(seed);
  let restartsWithRecovery = 0;
  let truncatedTails = 0;
  try {
    buildSource(sourceDir, seed, 120, 40);
    for (let point = 0; point < points; point += 1) {
      // The pipelined child commits a block every few ms once warm; a wider window spreads its kills over the run.
      const delayMs = Math.floor(random() * (mode === 'pipelined' ? 400 : 120));
      const run = await runChildUntilKilled(sourceDir, targetDir, seed, delayMs, mode);
      const recovered = openDurablePeer(net, targetDir);
      const where = `${mode} seed ${seedNumber}, point ${point}, delay ${delayMs} ms`;
      const store = recovered.blockStore as FileBlockStore;
      if (store.recovery.truncatedDataBytes > 0 || store.recovery.reindexedBlocks > 0) truncatedTails += 1;
      if (recovered.height > run.lastAck + 1) restartsWithRecovery += 1;
      if (recovered.height < run.lastAck + 1)
        throw new Error(`${where}: acknowledged block ${run.lastAck} lost (height ${recovered.height})`);
      const replay = new Peer({
        identity: net.peers[1]!.identity,
        config: net.config,
        crypto: net.crypto,
        state: new MemoryWorldState(),
        blockStore: store,
      });
      if (
        replay.stateHashHex !== recovered.stateHashHex ||
        replay.blockHashHex !== recovered.blockHashHex ||
        replay.height !== recovered.height
      ) {
        throw new Error(
          `${where}: recovered state ${recovered.stateHashHex} @${recovered.height} differs from replay ${replay.stateHashHex} @${replay.height}`,
        );
      }
      recovered.close();
      if (run.done) {
        targetDir = join(root, `target-${point + 1}`);
      }
    }
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
  return { points, restartsWithRecovery, truncatedTails };
}
