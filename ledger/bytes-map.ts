/**
 * A bounded map keyed by byte strings whose last bytes are random: public keys (what a crypto
 * provider derived from one: a node KeyObject, a native key handle) and serialised identities (the
 * MSP's validated identity; a certificate ends with its CA's signature). Looked up once per
 * signature check or identity, so without building a string key (a latin1 copy of a 65- to 300-byte
 * key, then hashing all of it): entries are bucketed by a 32-bit fingerprint of the length and the
 * last bytes, and compared in full. Stored keys are copies: callers pass views into reused buffers.
 */
const FINGERPRINT_BYTES = 12;

function fingerprint(key: Uint8Array): number {
  // FNV-1a over the length and the last bytes (a point's y coordinate, a certificate's signature).
  let hash = Math.imul(0x811c9dc5 ^ key.length, 0x01000193);
  for (let i = Math.max(0, key.length - FINGERPRINT_BYTES); i < key.length; i += 1)
    hash = Math.imul(hash ^ (key[i] ?? 0), 0x01000193);
  return hash >>> 0;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

interface Entry<T> {
  readonly key: Uint8Array;
  readonly value: T;
}

export class BytesMap<T> {
  private readonly buckets = new Map<number, Entry<T>[]>();
  private size = 0;

  /** At most `countMax` keys; when full it starts over (a channel has few identities and keys). */
  constructor(private readonly countMax: number) {}

  /** Keys held (a `set` at `countMax` starts over first). */
  get count(): number {
    return this.size;
  }

  get(key: Uint8Array): T | undefined {
    const bucket = this.buckets.get(fingerprint(key));
    if (bucket === undefined) return undefined;
    for (const entry of bucket) if (sameBytes(entry.key, key)) return entry.value;
    return undefined;
  }

  set(key: Uint8Array, value: T): void {
    if (this.size >= this.countMax) {
      this.buckets.clear();
      this.size = 0;
    }
    const hash = fingerprint(key);
    const entry = { key: Uint8Array.from(key), value };
    const bucket = this.buckets.get(hash);
    if (bucket === undefined) this.buckets.set(hash, [entry]);
    else {
      const at = bucket.findIndex((existing) => sameBytes(existing.key, key));
      if (at >= 0) {
        bucket[at] = entry;
        return;
      }
      bucket.push(entry);
    }
    this.size += 1;
  }
}
