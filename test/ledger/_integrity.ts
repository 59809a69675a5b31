/**
 * Helpers for the state-integrity tests (commitment, audit, snapshot and join): a small seeded
 * network on modeled crypto (these tests are about state, not signatures), a way to commit a block
 * of several transactions at every peer, and a fresh peer to join the channel.
 */
import type { Block } from '../../ledger/block.js';
import { createNetwork } from '../../ledger/network.js';
import type { Network, NetworkOptions } from '../../ledger/network.js';
import { Peer } from '../../ledger/peer.js';
import type { PeerOptions } from '../../ledger/peer.js';
import type { StateCommitment } from '../../ledger/state/commitment.js';
import { STATE_KEY_END } from '../../ledger/state/commitment.js';
import type { WorldState } from '../../ledger/state/world-state.js';

export const INTEGRITY_CHAINCODES = [
  { name: 'kv', policy: "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')", params: { records: 40, valueBytes: 24 } },
  { name: 'donothing', policy: "OR('Org1MSP.peer', 'Org2MSP.peer')" },
];

export function integrityNetwork(overrides: Partial<NetworkOptions> = {}): Network {
  return createNetwork({ seed: 'integrity', orgCount: 3, crypto: 'modeled', chaincodes: INTEGRITY_CHAINCODES, ...overrides });
}

/** One transaction: which client, chaincode, function and arguments. */
export type TxSpec = readonly [clientIndex: number, chaincode: string, fn: string, args: readonly string[]];

/**
 * Endorses and orders the transactions, cuts one block and has every peer in `peers` validate and
 * commit it. Returns the block (for replaying it elsewhere).
 */
export function commitBlock(net: Network, txs: readonly TxSpec[], peers: readonly Peer[] = net.peers): Block {
  for (const [clientIndex, chaincode, fn, args] of txs) {
    const client = net.clients[clientIndex % net.clients.length]!;
    const proposed = client.propose(chaincode, fn, args);
    const responses = net.gateway.chooseEndorsers(chaincode).map((peer) => peer.endorse(proposed.signed).response);
    const assembled = client.assemble(proposed.proposal, responses);
    if (!assembled.result.ok) throw new Error(`tx ${chaincode}.${fn}(${args.join(', ')}) not assembled: ${assembled.result.reason}`);
    const broadcast = net.orderer.broadcast(assembled.result.envelope);
    if (!broadcast.accepted || broadcast.blocks.length > 0) throw new Error(`tx ${chaincode}.${fn} refused or cut early by the orderer`);
  }
  const { block } = net.orderer.cutNow();
  if (block === null) throw new Error('no block cut');
  for (const peer of peers) peer.validateAndCommit(block);
  return block;
}

/** A fresh peer of org `orgIndex` (its own identity), not yet holding any block. */
export function freshPeer(net: Network, name: string, options: Partial<Omit<PeerOptions, 'identity' | 'config' | 'crypto'>> = {}, orgIndex = 0): Peer {
  const identity = net.cas[orgIndex]!.issue(name, 'peer', 'p256', 'integrity');
  return new Peer({ identity, config: net.config, crypto: net.crypto, ...options });
}

/** Every entry of a state (key, hex value, version), in key order: for entry-by-entry comparison. */
export function stateEntries(state: WorldState): string[] {
  const out: string[] = [];
  for (const [key, entry] of state.range('', STATE_KEY_END)) out.push(`${key}=${Buffer.from(entry.value).toString('hex')}@${entry.version.blockNum}.${entry.version.txNum}`);
  return out;
}

export function rootHex(commitment: StateCommitment | null): string {
  if (commitment === null) throw new Error('peer keeps no commitment');
  return Buffer.from(commitment.root).toString('hex');
}
