/**
 * The sorted key list behind the in-memory states' range scans: a plain string array kept in
 * JavaScript string order (equal to UTF-8 byte order for valid keys, see world-state.ts), beside
 * the map that holds the values.
 *
 * A few keys per block are spliced in place; many (a genesis of a million accounts) are sorted and
 * merged in one pass, since a splice per key moves the whole array each time (quadratic: minutes
 * for a million keys).
 */

/** Above this many keys added or removed in one batch, the list is rebuilt by a merge. */
const SPLICE_MAX = 64;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class SortedKeys {
  private keys: string[] = [];

  get length(): number {
    return this.keys.length;
  }

  /** A copy that changes on its own (the keys are strings: only the array is copied). */
  copy(): SortedKeys {
    const copy = new SortedKeys();
    copy.keys = this.keys.slice();
    return copy;
  }

  /** The index of the first key ≥ `key`. */
  lowerBound(key: string): number {
    const keys = this.keys;
    let low = 0;
    let high = keys.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((keys[mid] as string) < key) low = mid + 1;
      else high = mid;
    }
    return low;
  }

  /** Keys with startKey ≤ key < endKey, in order. */
  *between(startKey: string, endKey: string): Iterable<string> {
    const keys = this.keys;
    for (let i = this.lowerBound(startKey); i < keys.length; i += 1) {
      const key = keys[i] as string;
      if (key >= endKey) return;
      yield key;
    }
  }

  /**
   * Adds keys not in the list and removes keys in it; each key is named once. `added` may be
   * reordered.
   */
  update(added: string[], removed: ReadonlySet<string>): void {
    const keys = this.keys;
    if (added.length + removed.size <= SPLICE_MAX) {
      for (const key of removed) keys.splice(this.lowerBound(key), 1);
      for (const key of added) keys.splice(this.lowerBound(key), 0, key);
      return;
    }
    added.sort(compareStrings);
    const merged: string[] = [];
    let i = 0;
    for (const key of added) {
      while (i < keys.length && (keys[i] as string) < key) {
        const kept = keys[i++] as string;
        if (!removed.has(kept)) merged.push(kept);
      }
      merged.push(key);
    }
    for (; i < keys.length; i += 1) if (!removed.has(keys[i] as string)) merged.push(keys[i] as string);
    this.keys = merged;
  }
}
