/**
 * The DB engine's state cache, fed by the keys the ledger actually reads and writes (the work
 * receipt's `stateKeys`), so its hit rate follows the state's size, the workload's key
 * distribution and the cache's size rather than being a fixed input.
 *
 * Set-associative with least-recently-used replacement within a set; `ways` equal to the entry
 * count makes it fully associative (then kept as an ordered map, since scanning a million ways per
 * access would be the simulator's bottleneck). A write allocates its key without fetching it (the
 * engine holds the whole new value, write-back), and is not counted as a hit or a miss: the hit rate
 * is over reads, the accesses that wait for the backing memory when they miss.
 */

export interface StateCacheStats {
  reads: number;
  readHits: number;
  /** readHits / reads (1 when there were no reads). */
  hitRate: number;
}

/** The most entries a cache may have: its tags and stamps take 12 bytes each (96 MiB per node at the limit). */
export const CACHE_ENTRIES_MAX = 1 << 23;
/** The most entries of a fully associative cache (an ordered map takes ≈ 80 bytes per entry). */
export const FULLY_ASSOCIATIVE_ENTRIES_MAX = 1 << 20;

interface Lookup {
  /** Looks `tag` up, installs it when absent; true on a hit. */
  touch(tag: number): boolean;
  /** Takes `other`'s contents and recency when it has the same shape (else false, nothing taken). */
  copyFrom(other: Lookup): boolean;
}

export class StateCache {
  private readonly lookup: Lookup;
  private reads = 0;
  private readHits = 0;

  constructor(entries: number, ways: number) {
    if (!Number.isInteger(entries) || entries < 1 || entries > CACHE_ENTRIES_MAX)
      throw new RangeError(`cache entries must be an integer in [1, ${CACHE_ENTRIES_MAX}], got ${entries}`);
    this.lookup = ways >= entries ? new FullyAssociative(entries) : new SetAssociative(entries, Math.max(1, ways));
  }

  /** Runs a receipt's `stateKeys` through the cache in order; returns the reads that missed. */
  access(stateKeys: readonly number[]): number {
    let misses = 0;
    for (const access of stateKeys) {
      const hit = this.lookup.touch(access >>> 1);
      if ((access & 1) === 1) continue;
      this.reads += 1;
      if (hit) this.readHits += 1;
      else misses += 1;
    }
    return misses;
  }

  /** Runs accesses through the cache without counting them (what it saw before the run, such as the genesis writes). */
  warm(stateKeys: readonly number[]): void {
    for (const access of stateKeys) this.lookup.touch(access >>> 1);
  }

  /**
   * `warm(stateKeys)` when `warmed`, a cache of the same shape, was warmed with the same accesses
   * from empty: its contents are copied instead (every peer of a run is warmed with the genesis,
   * two million accesses for a million accounts). Counts nothing, as `warm`.
   */
  warmLike(warmed: StateCache, stateKeys: readonly number[]): void {
    if (!this.lookup.copyFrom(warmed.lookup)) this.warm(stateKeys);
  }

  stats(): StateCacheStats {
    return {
      reads: this.reads,
      readHits: this.readHits,
      hitRate: this.reads === 0 ? 1 : this.readHits / this.reads,
    };
  }
}

/** Sets of `ways` tags each; a tag's set comes from a multiplicative mix of its fingerprint. */
class SetAssociative implements Lookup {
  private readonly sets: number;
  /** Fingerprint + 1 per way (0: empty). */
  private readonly tags: Uint32Array;
  /** Last use per way, for LRU (a float: an integer counter would wrap after 2^32 accesses). */
  private readonly lastUse: Float64Array;
  private clock = 0;

  constructor(
    entries: number,
    private readonly ways: number,
  ) {
    this.sets = Math.max(1, Math.floor(entries / ways));
    this.tags = new Uint32Array(this.sets * ways);
    this.lastUse = new Float64Array(this.sets * ways);
  }

  touch(fingerprint: number): boolean {
    const tag = fingerprint + 1;
    const base = ((Math.imul(fingerprint, 0x9e3779b1) >>> 0) % this.sets) * this.ways;
    this.clock += 1;
    let victim = base;
    for (let way = base; way < base + this.ways; way += 1) {
      if (this.tags[way] === tag) {
        this.lastUse[way] = this.clock;
        return true;
      }
      if ((this.lastUse[way] as number) < (this.lastUse[victim] as number)) victim = way;
    }
    this.tags[victim] = tag;
    this.lastUse[victim] = this.clock;
    return false;
  }

  copyFrom(other: Lookup): boolean {
    if (!(other instanceof SetAssociative) || other.sets !== this.sets || other.ways !== this.ways) return false;
    this.tags.set(other.tags);
    this.lastUse.set(other.lastUse);
    this.clock = other.clock;
    return true;
  }
}

/** One set holding every entry: a Map keeps insertion order, so re-inserting on use makes its first key the LRU one. */
class FullyAssociative implements Lookup {
  private order = new Map<number, true>();

  constructor(private readonly entries: number) {
    if (entries > FULLY_ASSOCIATIVE_ENTRIES_MAX)
      throw new RangeError(
        `a fully associative cache may have at most ${FULLY_ASSOCIATIVE_ENTRIES_MAX} entries, got ${entries}`,
      );
  }

  touch(fingerprint: number): boolean {
    const hit = this.order.delete(fingerprint);
    this.order.set(fingerprint, true);
    if (!hit && this.order.size > this.entries) {
      const oldest = this.order.keys().next().value as number;
      this.order.delete(oldest);
    }
    return hit;
  }

  copyFrom(other: Lookup): boolean {
    if (!(other instanceof FullyAssociative) || other.entries !== this.entries) return false;
    this.order = new Map(other.order);
    return true;
  }
}
