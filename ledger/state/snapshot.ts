/**
 * State snapshots, as Fabric 2.3+ ledger snapshots (`peer snapshot submitrequest`, then joining a
 * channel "by snapshot"): a peer exports its world state at its current block, with the block's
 * number and hash, the tx-id index, the running state hash and the state commitment's root; a new
 * peer imports it instead of validating every block since genesis, then validates and commits the
 * blocks after it.
 *
 * Layout: a header tuple [format, channelId, blockNum, blockHash, stateHashLanes, bucketCount,
 * commitmentRoot, entryCount, txIdCount, txIdsDigest] and two sequences of msgpack chunks (the
 * canonical codec, `codec.ts`): state rows [key, value, blockNum, txNum] in key order, and tx ids
 * (hex) in ascending order, so the same state gives the same bytes from memory or LMDB state.
 *
 * Trust: the importer recomputes the state hash and the commitment root from the rows themselves
 * and accepts the snapshot only if they equal what it claims — and, when the caller passes one, the
 * root the channel's other peers agree on at that block (their commitments, `audit.ts`). That last
 * check is what refuses a snapshot from a peer whose state is wrong but self-consistent (a faulty
 * DB write hashes into its own root). The tx-id index is covered by a digest only, which catches
 * damage in transit but not a source that lies about it (no peer keeps a commitment over tx ids).
 */
import { hash } from 'node:crypto';
import { LedgerInputError } from '../assert.js';
import { decode, encode } from '../codec.js';
import { bytesEqual, toHex } from '../hash.js';
import type { WorkReceipt } from '../receipt.js';
import { STATE_KEY_END, StateCommitment } from './commitment.js';
import type { CommitmentOptions } from './commitment.js';
import { StateHash } from './state-hash.js';
import type { StateUpdate, WorldState } from './world-state.js';
import { isValidKey, splitCompositeKey } from './world-state.js';

export const SNAPSHOT_FORMAT = 'bpusim-state-snapshot/1';
export const SNAPSHOT_ROWS_PER_CHUNK_DEFAULT = 4096;
export const SNAPSHOT_ROWS_PER_CHUNK_MAX = 1 << 20;

export interface SnapshotOptions {
  /** State rows (and tx ids) per msgpack chunk (default 4,096): the unit a transfer can stream and resume. */
  readonly rowsPerChunk?: number;
  /**
   * Buckets of the commitment root the export computes when the peer keeps no commitment (default
   * 1,024); a peer that keeps one exports its own root and bucket count.
   */
  readonly bucketCount?: number;
}

export interface StateSnapshot {
  readonly channelId: string;
  /** The last block whose writes the snapshot holds. */
  readonly blockNum: number;
  readonly blockHash: Uint8Array;
  /** The running state hash's lanes (see `state-hash.ts`); SHA-256 of them is the state hash. */
  readonly stateHashLanes: Uint8Array;
  /** The source's commitment bucket count and root after `blockNum` (see `commitment.ts`). */
  readonly bucketCount: number;
  readonly commitmentRoot: Uint8Array;
  readonly entryCount: number;
  readonly txIdCount: number;
  /** SHA-256 over the tx-id chunks' bytes in order. */
  readonly txIdsDigest: Uint8Array;
  /** Encoded header tuple (see the module header). */
  readonly header: Uint8Array;
  readonly stateChunks: readonly Uint8Array[];
  readonly txIdChunks: readonly Uint8Array[];
  /** Bytes a transfer moves: header plus every chunk. */
  readonly sizeBytes: number;
}

/** What the exporting peer knows about itself at its current block. */
export interface SnapshotSource {
  readonly channelId: string;
  readonly blockNum: number;
  readonly blockHash: Uint8Array;
  readonly stateHashLanes: Uint8Array;
  readonly state: WorldState;
  /** The peer's commitment sealed at `blockNum`, or null: the export then computes the root itself. */
  readonly commitment: StateCommitment | null;
  /** Bucket count for a root computed by the export (ignored when `commitment` is given). */
  readonly bucketCount: number;
}

/** What the importer trusts independently of the snapshot (e.g. the root the other peers agree on). */
export interface SnapshotTrust {
  readonly commitmentRoot?: Uint8Array | null;
  readonly blockHash?: Uint8Array | null;
}

export type SnapshotCheck =
  | 'format'
  | 'channel'
  | 'rows'
  | 'commitment-root'
  | 'trusted-root'
  | 'state-hash'
  | 'block-hash'
  | 'tx-ids';

/** A snapshot the importer refused; nothing was written. */
export class SnapshotVerificationError extends Error {
  constructor(
    readonly check: SnapshotCheck,
    readonly blockNum: number,
    readonly expected: string,
    readonly actual: string,
    detail: string,
  ) {
    super(`state snapshot at block ${blockNum} refused (${check}): ${detail}; expected ${expected}, got ${actual}`);
    this.name = 'SnapshotVerificationError';
  }
}

function resolveRowsPerChunk(options: SnapshotOptions): number {
  const rowsPerChunk = options.rowsPerChunk ?? SNAPSHOT_ROWS_PER_CHUNK_DEFAULT;
  if (!Number.isSafeInteger(rowsPerChunk) || rowsPerChunk < 1 || rowsPerChunk > SNAPSHOT_ROWS_PER_CHUNK_MAX) {
    throw new LedgerInputError(
      `state snapshot: rowsPerChunk: expected an integer in [1, ${SNAPSHOT_ROWS_PER_CHUNK_MAX}], got ${rowsPerChunk}`,
    );
  }
  return rowsPerChunk;
}

function chunkDigest(chunks: readonly Uint8Array[], receipt: WorkReceipt): Uint8Array {
  let size = 0;
  for (const chunk of chunks) size += chunk.length;
  receipt.hashBytes += size;
  return hash('sha256', Buffer.concat(chunks), 'buffer');
}

/**
 * Exports a snapshot by one scan of the state and one of its tx-id index. Counts rangeRows for every
 * row and tx id read, encodeBytes for every chunk, hashBytes for the tx-id digest (and, without a
 * commitment, for computing the root). Puts nothing on the wire: the caller counts the transfer.
 */
export function exportSnapshot(source: SnapshotSource, options: SnapshotOptions, receipt: WorkReceipt): StateSnapshot {
  const rowsPerChunk = resolveRowsPerChunk(options);
  const commitment = source.commitment;
  if (commitment !== null && commitment.blockNum !== source.blockNum) {
    throw new LedgerInputError(
      `state snapshot: the commitment is sealed at block ${commitment.blockNum}, the state at block ${source.blockNum}`,
    );
  }
  const computed = commitment === null ? new StateCommitment({ bucketCount: source.bucketCount }) : null;
  const stateHash = computed === null ? null : new StateHash();
  const stateChunks: Uint8Array[] = [];
  let rows: (string | number | Uint8Array)[][] = [];
  let entryCount = 0;
  for (const [key, entry] of source.state.range('', STATE_KEY_END)) {
    receipt.rangeRows += 1;
    entryCount += 1;
    rows.push([key, entry.value, entry.version.blockNum, entry.version.txNum]);
    if (computed !== null && stateHash !== null) computed.add(key, stateHash.add(key, entry.value, receipt));
    if (rows.length === rowsPerChunk) {
      stateChunks.push(encode(rows, receipt));
      rows = [];
    }
  }
  if (rows.length > 0) stateChunks.push(encode(rows, receipt));
  // Sorted so the bytes do not depend on the store (a Set's insertion order vs LMDB's key order).
  const txIds = [...source.state.txIds()].sort();
  receipt.rangeRows += txIds.length;
  const txIdChunks: Uint8Array[] = [];
  for (let at = 0; at < txIds.length; at += rowsPerChunk)
    txIdChunks.push(encode(txIds.slice(at, at + rowsPerChunk), receipt));
  const txIdsDigest = chunkDigest(txIdChunks, receipt);
  const bucketCount = commitment?.bucketCount ?? source.bucketCount;
  if (computed !== null) computed.seal(source.blockNum, receipt);
  const commitmentRoot = (commitment ?? (computed as StateCommitment)).rootNow(receipt);
  const header = encode(
    [
      SNAPSHOT_FORMAT,
      source.channelId,
      source.blockNum,
      source.blockHash,
      source.stateHashLanes,
      bucketCount,
      commitmentRoot,
      entryCount,
      txIds.length,
      txIdsDigest,
    ],
    receipt,
  );
  let sizeBytes = header.length;
  for (const chunk of stateChunks) sizeBytes += chunk.length;
  for (const chunk of txIdChunks) sizeBytes += chunk.length;
  return {
    channelId: source.channelId,
    blockNum: source.blockNum,
    blockHash: source.blockHash,
    stateHashLanes: source.stateHashLanes,
    bucketCount,
    commitmentRoot,
    entryCount,
    txIdCount: txIds.length,
    txIdsDigest,
    header,
    stateChunks,
    txIdChunks,
    sizeBytes,
  };
}

/** A snapshot's contents, checked, ready to commit. */
export interface VerifiedSnapshot {
  readonly blockNum: number;
  readonly blockHash: Uint8Array;
  readonly entries: readonly StateUpdate[];
  readonly txIds: readonly string[];
  readonly stateHash: StateHash;
  /** The importer's commitment (its own options), sealed at `blockNum`; null if it keeps none. */
  readonly commitment: StateCommitment | null;
}

export interface VerifyOptions {
  readonly channelId: string;
  /** The importer's commitment options, or null if it keeps no commitment. */
  readonly commitment: CommitmentOptions | null;
  readonly trust: SnapshotTrust;
}

/**
 * Decodes every chunk and checks the snapshot: header fields against the chunks, keys valid and
 * strictly ascending, then the state hash and commitment root recomputed from the rows against the
 * claimed ones and the trusted ones. Throws `SnapshotVerificationError`; never writes anything.
 * Counts decodeBytes for the header and chunks, hashBytes for every entry and tree node.
 */
export function verifySnapshot(
  snapshot: StateSnapshot,
  options: VerifyOptions,
  receipt: WorkReceipt,
): VerifiedSnapshot {
  const blockNum = snapshot.blockNum;
  const refuse = (check: SnapshotCheck, expected: string, actual: string, detail: string): never => {
    throw new SnapshotVerificationError(check, blockNum, expected, actual, detail);
  };
  const header = decodeOrRefuse(snapshot.header, receipt, blockNum, 'header');
  const claimed = [
    SNAPSHOT_FORMAT,
    snapshot.channelId,
    snapshot.blockNum,
    snapshot.blockHash,
    snapshot.stateHashLanes,
    snapshot.bucketCount,
    snapshot.commitmentRoot,
    snapshot.entryCount,
    snapshot.txIdCount,
    snapshot.txIdsDigest,
  ];
  if (
    !Array.isArray(header) ||
    header.length !== claimed.length ||
    !claimed.every((field, i) => sameField(field, header[i]))
  ) {
    refuse(
      'format',
      'the header tuple to match the snapshot fields',
      'a different header',
      'header does not match the snapshot fields',
    );
  }
  if (snapshot.channelId !== options.channelId)
    refuse('channel', options.channelId, snapshot.channelId, 'snapshot of another channel');
  if (!Number.isSafeInteger(blockNum) || blockNum < 0)
    refuse('format', 'a block number ≥ 0', String(blockNum), 'bad block number');

  if (!Number.isSafeInteger(snapshot.bucketCount))
    refuse('format', 'an integer bucket count', String(snapshot.bucketCount), 'bad bucket count');
  // The importer's own commitment (its options: history, checkpoints) doubles as the verifier when
  // the bucket counts match; otherwise a second one is fed the same entry digests (no extra hashing).
  const importer = options.commitment === null ? null : new StateCommitment(options.commitment);
  const verifier =
    importer !== null && importer.bucketCount === snapshot.bucketCount ? importer : verifierFor(snapshot);
  const stateHash = new StateHash();
  const entries: StateUpdate[] = [];
  let previousKey: string | null = null;
  for (const chunk of snapshot.stateChunks) {
    const rows = decodeOrRefuse(chunk, receipt, blockNum, 'state chunk');
    if (!Array.isArray(rows)) return refuse('rows', 'an array of rows', typeof rows, 'state chunk is not an array');
    for (const row of rows as unknown[]) {
      if (!Array.isArray(row) || row.length !== 4)
        return refuse('rows', '[key, value, blockNum, txNum]', JSON.stringify(row).slice(0, 120), 'malformed row');
      const [key, value, versionBlock, versionTx] = row as unknown[];
      if (
        typeof key !== 'string' ||
        !(value instanceof Uint8Array) ||
        !isVersionPart(versionBlock) ||
        !isVersionPart(versionTx)
      ) {
        return refuse('rows', '[string, bytes, u32, u32]', JSON.stringify(row).slice(0, 120), 'malformed row');
      }
      const [namespace, chaincodeKey] = splitCompositeKey(key);
      if (namespace.length === 0 || !isValidKey(chaincodeKey) || versionBlock > blockNum)
        refuse('rows', 'a valid composite key written at or before the snapshot block', key, 'bad row');
      if (previousKey !== null && !(previousKey < key))
        refuse('rows', `a key after '${previousKey}'`, key, 'rows out of key order');
      previousKey = key;
      const digest = stateHash.add(key, value, receipt);
      verifier.add(key, digest);
      if (importer !== null && importer !== verifier) importer.add(key, digest);
      entries.push({ key, value: Uint8Array.from(value), version: { blockNum: versionBlock, txNum: versionTx } });
    }
  }
  if (entries.length !== snapshot.entryCount)
    refuse('rows', `${snapshot.entryCount} rows`, `${entries.length} rows`, 'row count differs from the header');
  verifier.seal(blockNum, receipt);
  const root = verifier.rootNow(receipt);
  if (!bytesEqual(root, snapshot.commitmentRoot))
    refuse(
      'commitment-root',
      toHex(snapshot.commitmentRoot),
      toHex(root),
      'the commitment root recomputed from its rows differs from the root it claims',
    );
  const trustedRoot = options.trust.commitmentRoot ?? null;
  if (trustedRoot !== null && !bytesEqual(root, trustedRoot))
    refuse(
      'trusted-root',
      toHex(trustedRoot),
      toHex(root),
      "its commitment root differs from the root the channel's other peers agree on",
    );
  if (!bytesEqual(stateHash.lanesBytes(), snapshot.stateHashLanes))
    refuse(
      'state-hash',
      toHex(snapshot.stateHashLanes),
      toHex(stateHash.lanesBytes()),
      'the state hash recomputed from its rows differs from the one it claims',
    );
  const trustedBlockHash = options.trust.blockHash ?? null;
  if (trustedBlockHash !== null && !bytesEqual(trustedBlockHash, snapshot.blockHash))
    refuse(
      'block-hash',
      toHex(trustedBlockHash),
      toHex(snapshot.blockHash),
      'its block hash differs from the trusted one',
    );

  const txIdsDigest = chunkDigest(snapshot.txIdChunks, receipt);
  if (!bytesEqual(txIdsDigest, snapshot.txIdsDigest))
    refuse('tx-ids', toHex(snapshot.txIdsDigest), toHex(txIdsDigest), 'tx-id chunks do not match their digest');
  const txIds: string[] = [];
  for (const chunk of snapshot.txIdChunks) {
    const ids = decodeOrRefuse(chunk, receipt, blockNum, 'tx-id chunk');
    if (!Array.isArray(ids) || !ids.every((id): id is string => typeof id === 'string' && /^[0-9a-f]{64}$/.test(id)))
      return refuse('tx-ids', 'hex tx ids', 'something else', 'malformed tx-id chunk');
    txIds.push(...ids);
  }
  if (txIds.length !== snapshot.txIdCount)
    refuse('tx-ids', `${snapshot.txIdCount} tx ids`, `${txIds.length}`, 'tx-id count differs from the header');

  if (importer !== null && importer !== verifier) importer.seal(blockNum, receipt);
  return { blockNum, blockHash: Uint8Array.from(snapshot.blockHash), entries, txIds, stateHash, commitment: importer };
}

function verifierFor(snapshot: StateSnapshot): StateCommitment {
  try {
    return new StateCommitment({ bucketCount: snapshot.bucketCount });
  } catch (error) {
    throw new SnapshotVerificationError(
      'format',
      snapshot.blockNum,
      'a valid bucket count',
      String(snapshot.bucketCount),
      String(error),
    );
  }
}

function decodeOrRefuse(bytes: Uint8Array, receipt: WorkReceipt, blockNum: number, what: string): unknown {
  try {
    return decode(bytes, receipt);
  } catch (error) {
    throw new SnapshotVerificationError(
      'format',
      blockNum,
      `a decodable ${what}`,
      String(error),
      `${what} does not decode`,
    );
  }
}

function isVersionPart(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && value <= 0xffffffff;
}

function sameField(expected: unknown, actual: unknown): boolean {
  if (expected instanceof Uint8Array) return actual instanceof Uint8Array && bytesEqual(expected, actual);
  return expected === actual;
}
