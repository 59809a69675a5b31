/**
 * A bounded map from public-key bytes to what a provider derived from them (a node KeyObject, a
 * native key handle). Looked up once per signature check, so without building a string key: entries
 * are bucketed by a 32-bit fingerprint of a few of the key's bytes (public keys are uniformly random
 * there) and compared in full. Stored keys are copies: callers pass views into reused buffers.
 */
const FINGERPRINT_BYTES = 12;

function fingerprint(key: Uint8Array): number {
  // FNV-1a over the length and the first bytes (after a SEC1 point's format byte they are the x coordinate).
  let hash = Math.imul(0x811c9dc5 ^ key.length, 0x01000193);
  const end = Math.min(key.length, FINGERPRINT_BYTES);
  for (let i = 0; i < end; i += 1) hash = Math.imul(hash ^ (key[i] ?? 0), 0x01000193);
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

export class PublicKeyMap<T> {
  private readonly buckets = new Map<number, Entry<T>[]>();
  private size = 0;

  /** At most `countMax` keys; when full it starts over (a channel has few identities). */
  constructor(private readonly countMax: number) {}

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
