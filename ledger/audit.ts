/**
 * Consistency audit of the world state across peers (the paper's remedy 4: "hardware that
 * periodically checks consistency of the whole state across peers").
 *
 * Two steps, both pure functions of what the peers hand over, each reporting its work as receipts:
 *
 * 1. `auditCheckpoints`: the peers' state commitments after the same block (state/commitment.ts)
 *    are compared from the root down. Where digests differ, every peer sends the two children of
 *    that node; the auditor checks each peer's children hash to the digest it sent before (a peer
 *    whose tree does not add up is `malformed`) and descends only into children that still differ,
 *    so d diverging buckets cost about d · log2(B) node exchanges, not B. With three or more peers
 *    the root (and each diverging bucket) held by a strict majority is taken as correct and the
 *    others are named; with two, or no majority, every peer involved is named.
 * 2. `locateDivergentKeys`: each peer scans its state once and sends, for the keys that fall in a
 *    diverging bucket, the key and its entry digest; the auditor names the keys whose entries differ
 *    (or are missing somewhere), the peers out of step on each, and the key range they span. The
 *    scan is O(state) because buckets are chosen by key hash (so a bucket is not a key range); it runs
 *    only once a divergence is found.
 *
 * Work, per receipt field: `messageBytes` — the digests, keys and entry digests each peer sends
 * (charged to that peer); `integrityHashBytes` — the auditor's checks of inner nodes; `hashBytes` —
 * each peer's entry digests in step 2; `rangeRows` — each peer's scan. The auditor's small requests are not counted.
 * Where the auditor runs (a peer, the proxy, a BPU's DB engine) is the caller's choice.
 */
import { LedgerInputError } from './assert.js';
import { bytesEqual, toHex } from './hash.js';
import type { Peer } from './peer.js';
import type { WorkReceipt } from './receipt.js';
import { emptyReceipt } from './receipt.js';
import {
  COMMITMENT_NODE_BYTES,
  STATE_KEY_END,
  bucketOfKey,
  checkpointBucket,
  checkpointNode,
  checkpointRoot,
  innerNodeDigest,
} from './state/commitment.js';
import type { StateCheckpoint } from './state/commitment.js';
import { entryDigest } from './state/state-hash.js';
import type { WorldState } from './state/world-state.js';
import { splitCompositeKey } from './state/world-state.js';

/** One peer's commitment after the audited block. */
export interface AuditParticipant {
  readonly peer: string;
  readonly checkpoint: StateCheckpoint;
}

export interface DivergentBucket {
  readonly bucket: number;
  /** Each peer's digest of the bucket (hex of its 32-byte lanes). */
  readonly digests: ReadonlyMap<string, string>;
  /** Peers holding the digest a strict majority holds (empty when none does). */
  readonly majorityPeers: readonly string[];
  /** Peers out of step on this bucket: outside the majority, or every peer when there is none. */
  readonly oddPeers: readonly string[];
}

export interface AuditReport {
  readonly blockNum: number;
  readonly bucketCount: number;
  /** The peers audited, in the order given. */
  readonly peers: readonly string[];
  /** Every root equal (and so every bucket). */
  readonly agree: boolean;
  /** The root a strict majority of peers hold, or null when none does. */
  readonly majorityRoot: Uint8Array | null;
  readonly majorityPeers: readonly string[];
  /**
   * Peers whose state is suspect: outside the root's majority, plus any malformed one; every peer
   * when there is no majority (two peers that disagree cannot tell which is wrong). Empty if `agree`.
   */
  readonly suspects: readonly string[];
  /** Peers whose tree does not hash up to the root they sent. */
  readonly malformed: readonly string[];
  /** In bucket order. */
  readonly divergentBuckets: readonly DivergentBucket[];
  /** Tree nodes whose digests were compared (the root counts as one). */
  readonly nodesVisited: number;
  /** Digests compared: one per peer per node visited. */
  readonly digestsCompared: number;
  readonly auditorReceipt: WorkReceipt;
  /** What each peer did (sent) for the audit. */
  readonly peerReceipts: ReadonlyMap<string, WorkReceipt>;
}

interface Grouping {
  readonly majority: readonly string[];
  readonly odd: readonly string[];
  readonly distinct: number;
}

/** Groups peers by value; a group holding more than half of them is the majority. */
function groupByValue(values: ReadonlyMap<string, string>): Grouping {
  const groups = new Map<string, string[]>();
  for (const [peer, value] of values) {
    const group = groups.get(value) ?? [];
    group.push(peer);
    groups.set(value, group);
  }
  const largest = [...groups.values()].reduce<string[]>(
    (best, group) => (group.length > best.length ? group : best),
    [],
  );
  const majority = largest.length * 2 > values.size ? largest : [];
  const odd = [...values.keys()].filter((peer) => !majority.includes(peer));
  return { majority, odd: majority.length === 0 ? [...values.keys()] : odd, distinct: groups.size };
}

/**
 * Compares the peers' commitments after one block (see the module header). Throws LedgerInputError
 * when the checkpoints are not comparable (different blocks or bucket counts, fewer than two peers,
 * duplicate names).
 */
export function auditCheckpoints(participants: readonly AuditParticipant[]): AuditReport {
  if (participants.length < 2)
    throw new LedgerInputError(`audit: expected at least two peers, got ${participants.length}`);
  const first = participants[0]!.checkpoint;
  const names = participants.map((p) => p.peer);
  if (new Set(names).size !== names.length)
    throw new LedgerInputError(`audit: peer names must be distinct, got ${names.join(', ')}`);
  for (const { peer, checkpoint } of participants) {
    if (checkpoint.blockNum !== first.blockNum)
      throw new LedgerInputError(
        `audit: ${peer}'s commitment is after block ${checkpoint.blockNum}, ${names[0]}'s after block ${first.blockNum}`,
      );
    if (checkpoint.bucketCount !== first.bucketCount)
      throw new LedgerInputError(
        `audit: ${peer} has ${checkpoint.bucketCount} buckets, ${names[0]} has ${first.bucketCount}`,
      );
    if (checkpoint.tree.length !== 2 * checkpoint.bucketCount * COMMITMENT_NODE_BYTES)
      throw new LedgerInputError(
        `audit: ${peer}'s tree holds ${checkpoint.tree.length} bytes for ${checkpoint.bucketCount} buckets`,
      );
  }
  const bucketCount = first.bucketCount;
  const auditorReceipt = emptyReceipt();
  const peerReceipts = new Map(names.map((name) => [name, emptyReceipt()] as const));
  const malformed = new Set<string>();
  let nodesVisited = 0;
  let digestsCompared = 0;

  const digestsAt = (node: number): Map<string, string> => {
    nodesVisited += 1;
    digestsCompared += participants.length;
    return new Map(
      participants.map(({ peer, checkpoint }) => [peer, toHex(checkpointNode(checkpoint, node))] as const),
    );
  };

  // Every peer sends its root.
  for (const receipt of peerReceipts.values()) receipt.messageBytes += COMMITMENT_NODE_BYTES;
  const rootDigests = digestsAt(1);
  const rootGroups = groupByValue(rootDigests);
  const divergentBuckets: DivergentBucket[] = [];
  // Breadth-first, children in index order: nodes come out in ascending order, buckets too.
  const queue: number[] = rootGroups.distinct > 1 ? [1] : [];
  for (let at = 0; at < queue.length; at += 1) {
    const node = queue[at]!;
    if (node >= bucketCount) {
      const bucket = node - bucketCount;
      const digests = new Map(
        participants.map(({ peer, checkpoint }) => [peer, toHex(checkpointBucket(checkpoint, bucket))] as const),
      );
      const groups = groupByValue(digests);
      divergentBuckets.push({ bucket, digests, majorityPeers: groups.majority, oddPeers: groups.odd });
      continue;
    }
    for (const { peer, checkpoint } of participants) {
      // The peer sends both children; the auditor checks they hash to the node the peer sent before.
      peerReceipts.get(peer)!.messageBytes += 2 * COMMITMENT_NODE_BYTES;
      if (!bytesEqual(innerNodeDigest(checkpoint, node, auditorReceipt), checkpointNode(checkpoint, node)))
        malformed.add(peer);
    }
    for (const child of [2 * node, 2 * node + 1]) if (groupByValue(digestsAt(child)).distinct > 1) queue.push(child);
  }

  const agree = rootGroups.distinct === 1 && malformed.size === 0;
  const majorityRoot =
    rootGroups.majority.length === 0
      ? null
      : checkpointRoot(participants.find((p) => p.peer === rootGroups.majority[0])!.checkpoint).slice();
  const suspects = agree ? [] : names.filter((name) => rootGroups.odd.includes(name) || malformed.has(name));
  return {
    blockNum: first.blockNum,
    bucketCount,
    peers: names,
    agree,
    majorityRoot,
    majorityPeers: rootGroups.majority,
    suspects,
    malformed: names.filter((name) => malformed.has(name)),
    divergentBuckets,
    nodesVisited,
    digestsCompared,
    auditorReceipt,
    peerReceipts,
  };
}

/**
 * Audits peers' commitments after block `blockNum` (each must keep that checkpoint: see
 * `CommitmentOptions.checkpointEveryBlocks` and `StateCommitment.retain`).
 */
export function auditPeers(peers: readonly Peer[], blockNum: number): AuditReport {
  return auditCheckpoints(
    peers.map((peer) => {
      const commitment = peer.commitment;
      if (commitment === null) throw new LedgerInputError(`audit: peer ${peer.name} keeps no state commitment`);
      const checkpoint = commitment.checkpointAfter(blockNum);
      if (checkpoint === null)
        throw new LedgerInputError(
          `audit: peer ${peer.name} kept no checkpoint after block ${blockNum} (kept: ${commitment.keptCheckpoints().join(', ') || 'none'})`,
        );
      return { peer: peer.name, checkpoint };
    }),
  );
}

/** The root most peers hold after a block: what a joining peer checks a snapshot against. */
export interface AgreedRoot {
  readonly blockNum: number;
  /** The root a strict majority of the peers asked hold, or null when none does. */
  readonly root: Uint8Array | null;
  readonly agreeing: readonly string[];
  /** Peers with another root, or with none kept for that block. */
  readonly dissenting: readonly string[];
  /** Each peer sends its 32-byte root. */
  readonly peerReceipts: ReadonlyMap<string, WorkReceipt>;
}

/** Asks each peer for its commitment root after `blockNum` and returns the strict-majority one. */
export function agreedRoot(peers: readonly Peer[], blockNum: number): AgreedRoot {
  if (peers.length === 0) throw new LedgerInputError('agreed root: expected at least one peer');
  const roots = new Map<string, string>();
  const peerReceipts = new Map<string, WorkReceipt>();
  for (const peer of peers) {
    const receipt = emptyReceipt();
    peerReceipts.set(peer.name, receipt);
    const root = peer.commitment?.rootAfter(blockNum) ?? null;
    if (root === null) {
      // A peer that kept no root cannot vote; a unique placeholder keeps it out of every group.
      roots.set(peer.name, `none:${peer.name}`);
      continue;
    }
    receipt.messageBytes += COMMITMENT_NODE_BYTES;
    roots.set(peer.name, toHex(root));
  }
  const groups = groupByValue(roots);
  const winner = groups.majority[0];
  const root = winner === undefined ? null : Uint8Array.from(Buffer.from(roots.get(winner) ?? '', 'hex'));
  return {
    blockNum,
    root,
    agreeing: groups.majority,
    dissenting: groups.majority.length === 0 ? [...roots.keys()] : groups.odd,
    peerReceipts,
  };
}

/** A peer's state, as the key-level drill-down needs it (a `Peer` is one). */
export interface AuditStateSource {
  readonly name: string;
  readonly state: WorldState;
  /** Number of committed blocks; every source must be at the same height. */
  readonly height: number;
}

export interface DivergentKey {
  /** The composite key (namespace \u0000 key) and its parts. */
  readonly key: string;
  readonly namespace: string;
  readonly chaincodeKey: string;
  readonly bucket: number;
  /** Each peer's entry digest (hex), or null where the key is absent. */
  readonly digests: ReadonlyMap<string, string | null>;
  /** Peers out of step on this key: outside the strict majority, or every peer when there is none. */
  readonly oddPeers: readonly string[];
}

export interface KeyDivergenceReport {
  /** The block after which the states were scanned (the sources' common height − 1). */
  readonly blockNum: number;
  /** In key order. */
  readonly keys: readonly DivergentKey[];
  /** The diverging keys span [minKey, maxKey] (composite keys; null when none diverge any more). */
  readonly minKey: string | null;
  readonly maxKey: string | null;
  /** Peers out of step on at least one key, in the order given. */
  readonly peers: readonly string[];
  readonly auditorReceipt: WorkReceipt;
  readonly peerReceipts: ReadonlyMap<string, WorkReceipt>;
}

/**
 * Narrows an audit's diverging buckets to keys (see the module header). The states are scanned as
 * they are now, so every source must be at the same height — ideally the audited block's; a later
 * common height works too, except that a divergence overwritten since is no longer found.
 */
export function locateDivergentKeys(report: AuditReport, sources: readonly AuditStateSource[]): KeyDivergenceReport {
  if (sources.length < 2)
    throw new LedgerInputError(`key drill-down: expected at least two peers' states, got ${sources.length}`);
  const height = sources[0]!.height;
  for (const source of sources) {
    if (!report.peers.includes(source.name))
      throw new LedgerInputError(`key drill-down: ${source.name} was not in the audit (${report.peers.join(', ')})`);
    if (source.height !== height)
      throw new LedgerInputError(
        `key drill-down: states must be at the same height; ${source.name} is at ${source.height}, ${sources[0]!.name} at ${height}`,
      );
  }
  const buckets = new Set(report.divergentBuckets.map((b) => b.bucket));
  const auditorReceipt = emptyReceipt();
  const peerReceipts = new Map<string, WorkReceipt>();
  const byKey = new Map<string, Map<string, string>>();
  if (buckets.size > 0) {
    for (const source of sources) {
      const receipt = emptyReceipt();
      peerReceipts.set(source.name, receipt);
      for (const [key, entry] of source.state.range('', STATE_KEY_END)) {
        receipt.rangeRows += 1;
        if (!buckets.has(bucketOfKey(key, report.bucketCount))) continue;
        const digest = toHex(entryDigest(key, entry.value, receipt));
        receipt.messageBytes += Buffer.byteLength(key, 'utf8') + COMMITMENT_NODE_BYTES;
        const perPeer = byKey.get(key) ?? new Map<string, string>();
        perPeer.set(source.name, digest);
        byKey.set(key, perPeer);
      }
    }
  } else {
    for (const source of sources) peerReceipts.set(source.name, emptyReceipt());
  }
  const keys: DivergentKey[] = [];
  const oddPeers = new Set<string>();
  for (const key of [...byKey.keys()].sort()) {
    const perPeer = byKey.get(key)!;
    // An absent key votes as its own value, so "missing on one peer" is a divergence like any other.
    const votes = new Map(sources.map((s) => [s.name, perPeer.get(s.name) ?? 'absent'] as const));
    const groups = groupByValue(votes);
    if (groups.distinct === 1) continue;
    for (const peer of groups.odd) oddPeers.add(peer);
    const [namespace, chaincodeKey] = splitCompositeKey(key);
    keys.push({
      key,
      namespace,
      chaincodeKey,
      bucket: bucketOfKey(key, report.bucketCount),
      digests: new Map(sources.map((s) => [s.name, perPeer.get(s.name) ?? null] as const)),
      oddPeers: groups.odd,
    });
  }
  return {
    blockNum: height - 1,
    keys,
    minKey: keys[0]?.key ?? null,
    maxKey: keys[keys.length - 1]?.key ?? null,
    peers: sources.map((s) => s.name).filter((name) => oddPeers.has(name)),
    auditorReceipt,
    peerReceipts,
  };
}
