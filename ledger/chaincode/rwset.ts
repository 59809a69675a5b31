/**
 * Read-write sets as in Fabric: reads carry the committed version seen at simulation (null when the
 * key was absent), range queries carry the rows they returned (for the phantom-read check), writes
 * carry the new value or null for a delete. All three are sorted by key so the encoding is canonical.
 */

/** A committed version: the block and the transaction index within it that last wrote the key. */
export interface Version {
  readonly blockNum: number;
  readonly txNum: number;
}

export interface KvRead {
  readonly key: string;
  readonly version: Version | null;
}

export interface RangeQueryInfo {
  readonly startKey: string;
  /** Exclusive, as in Fabric's GetStateByRange; '' means unbounded. */
  readonly endKey: string;
  readonly rows: readonly KvRead[];
}

export interface KvWrite {
  readonly key: string;
  /** null deletes the key. */
  readonly value: Uint8Array | null;
}

export interface RwSet {
  readonly reads: readonly KvRead[];
  readonly ranges: readonly RangeQueryInfo[];
  readonly writes: readonly KvWrite[];
}

export function versionsEqual(a: Version | null, b: Version | null): boolean {
  if (a === null || b === null) return a === b;
  return a.blockNum === b.blockNum && a.txNum === b.txNum;
}

type VersionTuple = readonly [number, number] | null;
type ReadTuple = readonly [string, number, number];

function versionTuple(version: Version | null): VersionTuple {
  return version === null ? null : [version.blockNum, version.txNum];
}

/** Reads as flat [key, blockNum, txNum] tuples (-1, -1 for absent) — compact on the wire. */
function readTuple(read: KvRead): ReadTuple {
  return read.version === null ? [read.key, -1, -1] : [read.key, read.version.blockNum, read.version.txNum];
}

export type RwSetTuple = readonly [
  readonly ReadTuple[],
  readonly (readonly [string, string, readonly ReadTuple[]])[],
  readonly (readonly [string, Uint8Array | null])[],
];

export function rwsetToTuple(rwset: RwSet): RwSetTuple {
  return [
    rwset.reads.map(readTuple),
    rwset.ranges.map((range) => [range.startKey, range.endKey, range.rows.map(readTuple)] as const),
    rwset.writes.map((write) => [write.key, write.value] as const),
  ];
}

function parseRead(raw: unknown): KvRead | null {
  if (!Array.isArray(raw) || raw.length !== 3) return null;
  const [key, blockNum, txNum] = raw as unknown[];
  if (typeof key !== 'string' || typeof blockNum !== 'number' || typeof txNum !== 'number') return null;
  if (blockNum === -1 && txNum === -1) return { key, version: null };
  if (!Number.isSafeInteger(blockNum) || !Number.isSafeInteger(txNum) || blockNum < 0 || txNum < 0) return null;
  return { key, version: { blockNum, txNum } };
}

/** Parses a decoded rwset tuple; null when malformed (the validator's BAD_RWSET). */
export function rwsetFromTuple(raw: unknown): RwSet | null {
  if (!Array.isArray(raw) || raw.length !== 3) return null;
  const [rawReads, rawRanges, rawWrites] = raw as unknown[];
  if (!Array.isArray(rawReads) || !Array.isArray(rawRanges) || !Array.isArray(rawWrites)) return null;
  const reads: KvRead[] = [];
  for (const item of rawReads) {
    const read = parseRead(item);
    if (read === null) return null;
    reads.push(read);
  }
  const ranges: RangeQueryInfo[] = [];
  for (const item of rawRanges) {
    if (!Array.isArray(item) || item.length !== 3) return null;
    const [startKey, endKey, rawRows] = item as unknown[];
    if (typeof startKey !== 'string' || typeof endKey !== 'string' || !Array.isArray(rawRows)) return null;
    const rows: KvRead[] = [];
    for (const rawRow of rawRows) {
      const row = parseRead(rawRow);
      if (row === null) return null;
      rows.push(row);
    }
    ranges.push({ startKey, endKey, rows });
  }
  const writes: KvWrite[] = [];
  for (const item of rawWrites) {
    if (!Array.isArray(item) || item.length !== 2) return null;
    const [key, value] = item as unknown[];
    if (typeof key !== 'string' || !(value === null || value instanceof Uint8Array)) return null;
    writes.push({ key, value });
  }
  return { reads, ranges, writes };
}

export { versionTuple };
