/**
 * Helpers for the state-integrity tests (commitment, audit, snapshot and join): a small seeded
 * network on modeled crypto (these tests are about state, not signatures), a way to commit a block
 * of several transactions at every peer, and a fresh peer to join the channel.
 */
import { auditPeers, locateDivergentKeys } from '../../ledger/audit.js';
import type { Block } from '../../ledger/block.js';
import { createNetwork } from '../../ledger/network.js';
import type { Network, NetworkOptions } from '../../ledger/network.js';
import { Peer } from '../../ledger/peer.js';
import type { PeerOptions } from '../../ledger/peer.js';
import type { StateCommitment } from '../../ledger/state/commitment.js';
import { STATE_KEY_END, bucketOfKey } from '../../ledger/state/commitment.js';
import type { WorldState } from '../../ledger/state/world-state.js';
import { RandomStream } from '../../sim/index.js';

export const INTEGRITY_CHAINCODES = [
  {
    name: 'kv',
    policy: "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')",
    params: { records: 40, valueBytes: 24 },
  },
  { name: 'donothing', policy: "OR('Org1MSP.peer', 'Org2MSP.peer')" },
];

export function integrityNetwork(overrides: Partial<NetworkOptions> = {}): Network {
  return createNetwork({
    seed: 'integrity',
    orgCount: 3,
    crypto: 'modeled',
    chaincodes: INTEGRITY_CHAINCODES,
    ...overrides,
  });
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
    if (!assembled.result.ok)
      throw new Error(`tx ${chaincode}.${fn}(${args.join(', ')}) not assembled: ${assembled.result.reason}`);
    const broadcast = net.orderer.broadcast(assembled.result.envelope);
    if (!broadcast.accepted || broadcast.blocks.length > 0)
      throw new Error(`tx ${chaincode}.${fn} refused or cut early by the orderer`);
  }
  const { block } = net.orderer.cutNow();
  if (block === null) throw new Error('no block cut');
  for (const peer of peers) peer.validateAndCommit(block);
  return block;
}

/** A fresh peer of org `orgIndex` (its own identity), not yet holding any block. */
export function freshPeer(
  net: Network,
  name: string,
  options: Partial<Omit<PeerOptions, 'identity' | 'config' | 'crypto'>> = {},
  orgIndex = 0,
): Peer {
  const identity = net.cas[orgIndex]!.issue(name, 'peer', 'p256', 'integrity');
  return new Peer({ identity, config: net.config, crypto: net.crypto, ...options });
}

/** Every entry of a state (key, hex value, version), in key order: for entry-by-entry comparison. */
export function stateEntries(state: WorldState): string[] {
  const out: string[] = [];
  for (const [key, entry] of state.range('', STATE_KEY_END))
    out.push(`${key}=${Buffer.from(entry.value).toString('hex')}@${entry.version.blockNum}.${entry.version.txNum}`);
  return out;
}

export function rootHex(commitment: StateCommitment | null): string {
  if (commitment === null) throw new Error('peer keeps no commitment');
  return Buffer.from(commitment.root).toString('hex');
}

export interface AuditScenario {
  /** Blocks committed after genesis. */
  readonly blockCount: number;
  readonly auditEveryBlocks: number;
  readonly bucketCount: number;
  /** Inject one corrupt write at a random peer and block (false: a clean run over the same seed). */
  readonly faulty: boolean;
}

export interface AuditOutcome {
  /** Everything that went against expectations (empty when the seed passes), each naming the seed. */
  readonly problems: string[];
  readonly corruptBlock: number | null;
  readonly detectedAtBlock: number | null;
  readonly audits: number;
}

/**
 * One seed of the audit experiment: a 3-org network (one peer each) keeps commitments with a
 * checkpoint every `auditEveryBlocks`; each block inserts 0–3 fresh keys (so a corrupted value is
 * never overwritten before it can be found); with `faulty`, one random peer corrupts one write at a
 * random block. At each audit block every peer is audited: no alarm before the corruption, at the
 * first audit block after it the corrupt peer alone is named and the drill-down's key range holds
 * the corrupted key (and no other peer is named on any key).
 */
export function runAuditSeed(seed: number, scenario: AuditScenario): AuditOutcome {
  const problems: string[] = [];
  const fail = (what: string) => problems.push(`seed ${seed}: ${what}`);
  const net = integrityNetwork({ seed: `audit-${seed}` });
  const rng = new RandomStream('audit-scenario', seed);
  // Odd seeds compute roots only at the audit blocks, so both ways of keeping the commitment are audited.
  const options = {
    bucketCount: scenario.bucketCount,
    checkpointEveryBlocks: scenario.auditEveryBlocks,
    rootEveryBlock: seed % 2 === 0,
  };
  for (const peer of net.peers) peer.enableCommitment(options);
  const victim = net.peers[rng.int(net.peers.length)]!;
  if (scenario.faulty) {
    victim.injectCorruptWrite({
      atBlock: 1 + rng.int(scenario.blockCount - 1),
      keyIndex: rng.int(8),
      byteIndex: rng.int(32),
      xorMask: 1 + rng.int(255),
    });
  }
  let detectedAtBlock: number | null = null;
  let audits = 0;
  for (let block = 1; block <= scenario.blockCount; block += 1) {
    // The last block always writes, so a pending fault always fires.
    const inserts = block === scenario.blockCount ? 1 + rng.int(3) : rng.int(4);
    const txs: TxSpec[] = [];
    for (let i = 0; i < inserts; i += 1)
      txs.push([rng.int(3), 'kv', 'insert', [`s${seed}b${block}t${i}`, `value-${rng.int(1_000_000)}`]]);
    if (txs.length === 0 || rng.int(3) === 0) txs.push([rng.int(3), 'donothing', 'noop', []]);
    commitBlock(net, txs);
    if (block % scenario.auditEveryBlocks !== 0) continue;
    audits += 1;
    const report = auditPeers(net.peers, block);
    const corrupt = victim.corruptWrites[0];
    if (corrupt === undefined || corrupt.blockNum > block) {
      if (!report.agree) fail(`false alarm at block ${block} (suspects ${report.suspects.join(', ')})`);
      continue;
    }
    if (report.agree) {
      fail(`corruption at block ${corrupt.blockNum} not detected at audit block ${block}`);
      continue;
    }
    if (detectedAtBlock !== null) continue;
    detectedAtBlock = block;
    if (block - corrupt.blockNum >= scenario.auditEveryBlocks)
      fail(`detected at block ${block}, not the first audit after block ${corrupt.blockNum}`);
    if (report.suspects.join() !== victim.name) fail(`suspects ${report.suspects.join(', ')}, expected ${victim.name}`);
    if (report.majorityPeers.length !== net.peers.length - 1) fail(`majority of ${report.majorityPeers.length}`);
    const bucket = bucketOfKey(corrupt.key, scenario.bucketCount);
    if (report.divergentBuckets.length !== 1 || report.divergentBuckets[0]?.bucket !== bucket)
      fail(`diverging buckets ${report.divergentBuckets.map((b) => b.bucket).join(', ')}, expected ${bucket}`);
    const keys = locateDivergentKeys(report, net.peers);
    if (keys.peers.join() !== victim.name) fail(`drill-down names ${keys.peers.join(', ')}, expected ${victim.name}`);
    if (!keys.keys.some((k) => k.key === corrupt.key)) fail(`drill-down misses key ${JSON.stringify(corrupt.key)}`);
    if (keys.minKey === null || keys.maxKey === null || !(keys.minKey <= corrupt.key && corrupt.key <= keys.maxKey))
      fail(`range [${keys.minKey}, ${keys.maxKey}] misses ${JSON.stringify(corrupt.key)}`);
    if (keys.keys.length !== 1) fail(`${keys.keys.length} diverging keys, expected 1`);
  }
  const corruptBlock = victim.corruptWrites[0]?.blockNum ?? null;
  if (scenario.faulty && corruptBlock === null) fail('the fault never fired');
  if (
    scenario.faulty &&
    corruptBlock !== null &&
    corruptBlock <= scenario.blockCount - (scenario.blockCount % scenario.auditEveryBlocks) &&
    detectedAtBlock === null
  )
    fail('never detected');
  if (!scenario.faulty && victim.corruptWrites.length > 0) fail('a clean run corrupted a write');
  return { problems, corruptBlock, detectedAtBlock, audits };
}
