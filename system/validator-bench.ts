/**
 * The validator bench: how fast one committing peer validates and commits blocks that are handed
 * to it back to back, as a validator peer is measured when a stream of ready blocks is sent to it
 * (the Blockchain Machine's "commit throughput"). No endorser, orderer or client limits it.
 *
 * The blocks are real: the ledger endorses and orders the workload's transactions (endorsers
 * commit each block at once, so later transactions read fresh state), and a peer outside the
 * endorsement, still at genesis, validates them on its simulated engines — the same PeerNode,
 * receipts and engines as a system run. Every block arrives at time 0 through the node's network
 * receive path; the rate is the transactions over the time of the last commit.
 */
import type { Block } from '../ledger/block.js';
import { emptyReceipt } from '../ledger/receipt.js';
import type { Peer } from '../ledger/peer.js';
import { ValidationCode } from '../ledger/validation-code.js';
import { Environment, psToSeconds, RandomStreams } from '../sim/index.js';
import { ConfigError } from '../sim/errors.js';
import { blockBytes } from './block-delivery.js';
import { makeDraws } from './draws.js';
import { BlockPreparation, PeerNode } from './peer-node.js';
import type { SystemRunOptions } from './run-options.js';
import { SimNetwork } from './sim-network.js';

export interface ValidatorBenchResult {
  readonly validator: string;
  readonly blocks: number;
  readonly txs: number;
  readonly validTxs: number;
  /** Simulated seconds from the first block's arrival to the last commit. */
  readonly seconds: number;
  readonly commitTps: number;
  /** The validator's busiest engine over the bench, with its utilisation. */
  readonly bottleneck: { readonly engine: string; readonly utilisation: number };
}

/** Runs the bench on `blocks` blocks of the options' workload, block size and policy. */
export function benchValidator(options: SystemRunOptions, blockCount: number): ValidatorBenchResult {
  const env = new Environment();
  const net = new SimNetwork(env, options.arch, options.topology, options, undefined);
  const validatorPeer = outsideEndorsement(net, options);
  const blocks = orderBlocks(net, options, blockCount, validatorPeer);
  const engines = net.enginesOf(validatorPeer.name);
  const stats = { node: validatorPeer.name, busyPs: 0, blocks: 0, blockStartPs: null };
  let validTxs = 0;
  let txs = 0;
  const preparation = new BlockPreparation(net.ledger.crypto, net.ledger.verifyCache);
  const node = new PeerNode(validatorPeer, env, engines, preparation, stats, (committed) => {
    txs += committed.block.data.length;
    validTxs += Array.from(committed.validationCodes).filter((code) => code === ValidationCode.VALID).length;
  });
  for (const block of blocks) {
    engines.charge({ ...emptyReceipt(), receiveBytes: blockBytes(block) }, () => node.deliver(block));
  }
  env.run();
  const seconds = psToSeconds(env.nowPs);
  const busiest = engines.stats().reduce((best, s) => (s.utilisation > best.utilisation ? s : best));
  return {
    validator: validatorPeer.name,
    blocks: blocks.length,
    txs,
    validTxs,
    seconds,
    commitTps: seconds > 0 ? txs / seconds : 0,
    bottleneck: { engine: busiest.engine, utilisation: busiest.utilisation },
  };
}

/** The last peer the endorsement policy never needs (it validates only), else a ConfigError. */
function outsideEndorsement(net: SimNetwork, options: SystemRunOptions): Peer {
  const endorsers = new Set(net.ledger.gateway.chooseEndorsers(options.workload.chaincode).map((p) => p.name));
  const outside = net.ledger.peers.filter((peer) => !endorsers.has(peer.name));
  const chosen = outside[outside.length - 1];
  if (chosen === undefined) {
    throw new ConfigError(
      '--topology',
      'endorsementPolicy',
      'the validator bench needs a peer outside the endorsement (a policy that does not name every organisation)',
    );
  }
  return chosen;
}

/**
 * Endorses and orders `count` full blocks of the workload in the ledger alone (no simulated time):
 * the endorsers commit each block right away, taken as valid, so every block reads fresh state.
 */
function orderBlocks(net: SimNetwork, options: SystemRunOptions, count: number, validator: Peer): Block[] {
  const ledger = net.ledger;
  const draws = makeDraws(new RandomStreams(options.seed).stream('workload'));
  const size = options.topology.batch.maxMessageCount;
  const committers = ledger.peers.filter((peer) => peer !== validator);
  const blocks: Block[] = [];
  let sequence = 0;
  while (blocks.length < count) {
    const envelopes: Uint8Array[] = [];
    for (let attempts = 0; envelopes.length < size && attempts < size * 4; attempts += 1) {
      const request = options.workload.next(draws, sequence++);
      const client = ledger.clients[sequence % ledger.clients.length];
      if (client === undefined) throw new Error('no ledger client');
      const proposed = client.propose(request.chaincode, request.fn, request.args);
      const endorsers = ledger.gateway.chooseEndorsers(request.chaincode);
      const responses = endorsers.map((peer) => peer.endorse(proposed.signed).response);
      const assembled = client.assemble(proposed.proposal, responses);
      if (assembled.result.ok) envelopes.push(assembled.result.envelope);
    }
    if (envelopes.length === 0) throw new Error('validator bench: the workload produced no endorsed transaction');
    const block = ledger.orderer.createBlock(envelopes, emptyReceipt());
    for (const peer of committers) {
      const prepared = peer.prepare(block, emptyReceipt());
      peer.commitPrepared(prepared, new Uint8Array(prepared.jobs.length).fill(1), emptyReceipt());
    }
    blocks.push(block);
  }
  return blocks;
}
