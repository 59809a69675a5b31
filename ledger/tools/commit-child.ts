/**
 * The crash-recovery test's child process (compiled to dist/ so tests can spawn it with plain node):
 * it opens a durable peer (LMDB state + block file) in `targetDir`, recovers it, then validates and
 * commits the blocks of a pre-built source block file one by one, printing `ack <blockNum>` after
 * each commit returns. The parent kills it with SIGKILL at random moments and checks that no
 * acknowledged block is lost and that recovered state equals a fresh replay.
 *
 * With `pipelined`, blocks go through the PipelinedCommitter instead (worker verification, deferred
 * grouped fsync, write-behind LMDB state) and `ack <blockNum>` is printed for each result it hands
 * back, i.e. once the block is durable.
 *
 * Usage: node dist/ledger/tools/commit-child.js <sourceDir> <targetDir> <seed> [inline|pipelined]
 */
import { join } from 'node:path';
import { createNetwork } from '../network.js';
import { PipelinedCommitter } from '../parallel/pipelined-committer.js';
import { VerifyPool } from '../parallel/verify-pool.js';
import type { Network } from '../network.js';
import { Peer } from '../peer.js';
import { emptyReceipt } from '../receipt.js';
import { FileBlockStore } from '../state/block-file.js';
import { LmdbWorldState } from '../state/lmdb-state.js';

/** The channel both the parent (building the source chain) and the child use. */
export function crashTestNetwork(seed: string, stores?: Parameters<typeof createNetwork>[0]['stores']): Network {
  return createNetwork({
    seed,
    orgCount: 2,
    crypto: 'modeled',
    chaincodes: [{ name: 'smallbank', policy: "AND('Org1MSP.peer', 'Org2MSP.peer')", params: { accounts: 200 } }],
    ...(stores === undefined ? {} : { stores }),
  });
}

/** Opens a durable peer over `dir` (recovering it), with peer 0's identity of the crash network. */
export function openDurablePeer(net: Network, dir: string, fsync = true): Peer {
  const identity = net.peers[0]!.identity;
  return new Peer({
    identity,
    config: net.config,
    crypto: net.crypto,
    state: new LmdbWorldState(join(dir, 'state')),
    blockStore: new FileBlockStore(join(dir, 'blocks'), { fsync }),
  });
}

async function main(argv: readonly string[]): Promise<void> {
  const [sourceDir, targetDir, seed, mode = 'inline'] = argv;
  if (
    sourceDir === undefined ||
    targetDir === undefined ||
    seed === undefined ||
    (mode !== 'inline' && mode !== 'pipelined')
  ) {
    process.stderr.write('usage: commit-child <sourceDir> <targetDir> <seed> [inline|pipelined]\n');
    process.exitCode = 2;
    return;
  }
  const net = crashTestNetwork(seed);
  const source = new FileBlockStore(sourceDir, { fsync: false });
  const peer = openDurablePeer(net, targetDir);
  if (mode === 'pipelined') {
    const pool = new VerifyPool('modeled', { threads: 2 });
    try {
      // Start both workers before 'ready', so kill delays fall while blocks are being committed.
      const warmJob = {
        scheme: 'p256' as const,
        publicKeys: [new Uint8Array(65)],
        message: new Uint8Array(1),
        signature: new Uint8Array(8),
        aggregate: false,
      };
      await pool.verify(Array.from({ length: 8 }, () => warmJob));
      const committer = new PipelinedCommitter(peer, pool);
      const ack = (results: readonly { blockNum: number }[]) => {
        for (const result of results) process.stdout.write(`ack ${result.blockNum}\n`);
      };
      process.stdout.write(`ready ${peer.height}\n`);
      for (let n = peer.height; n < source.height(); n += 1)
        ack(await committer.submit(source.read(n, emptyReceipt())));
      ack(await committer.drain());
    } finally {
      await pool.close();
    }
    process.stdout.write('done\n');
    peer.close();
    return;
  }
  process.stdout.write(`ready ${peer.height}\n`);
  for (let n = peer.height; n < source.height(); n += 1) {
    peer.validateAndCommit(source.read(n, emptyReceipt()));
    process.stdout.write(`ack ${n}\n`);
  }
  process.stdout.write('done\n');
  peer.close();
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/'))) {
  await main(process.argv.slice(2));
}
