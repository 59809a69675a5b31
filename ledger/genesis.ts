/**
 * The genesis block: block 0, holding each chaincode's initial state (e.g. SmallBank accounts, the
 * MDM mint) computed from the channel config. Peers trust it (as Fabric trusts its config block) and
 * apply its writes at version (0, 0).
 */
import { builtinContract } from './chaincode/registry.js';
import type { ChannelConfig } from './channel-config.js';
import { encode } from './codec.js';
import type { WorkReceipt } from './receipt.js';

export const GENESIS_TAG = 'bpusim/genesis/v1';

export interface GenesisWrite {
  readonly namespace: string;
  readonly key: string;
  readonly value: Uint8Array;
}

export function genesisWrites(config: ChannelConfig): GenesisWrite[] {
  const writes: GenesisWrite[] = [];
  for (const definition of config.chaincodes) {
    const contract = builtinContract(definition.name);
    for (const write of contract.genesis?.(definition.params ?? {}, config) ?? []) {
      if (write.value !== null) writes.push({ namespace: definition.name, key: write.key, value: write.value });
    }
  }
  return writes;
}

export function encodeGenesisData(config: ChannelConfig, receipt: WorkReceipt): Uint8Array {
  return encode(
    [GENESIS_TAG, config.channelId, genesisWrites(config).map((w) => [w.namespace, w.key, w.value] as const)],
    receipt,
  );
}

/**
 * Reads genesis data (msgpack [tag, channel, [[namespace, key, bin]…]], as `encodeGenesisData`
 * writes it), handing each write to `onWrite` as it is read instead of building a decoded tree: a
 * genesis of a million accounts decoded into arrays, strings and objects took ≈ 900 MB of heap at
 * once (measured), the largest part of a run's peak memory. Values are views into `bytes`. Returns the channel id, or null when the bytes are not a
 * genesis of that shape (truncated, trailing bytes, another form).
 */
export function readGenesisData(
  bytes: Uint8Array,
  receipt: WorkReceipt,
  onWrite: (namespace: string, key: string, value: Uint8Array) => void,
): string | null {
  receipt.decodeBytes += bytes.length;
  const reader = new MsgpackReader(bytes);
  if (reader.arrayLength() !== 3 || reader.string() !== GENESIS_TAG) return null;
  const channelId = reader.string();
  const count = reader.arrayLength();
  if (channelId === null || count === null) return null;
  for (let i = 0; i < count; i += 1) {
    if (reader.arrayLength() !== 3) return null;
    const namespace = reader.string();
    const key = reader.string();
    const value = reader.bin();
    if (namespace === null || key === null || value === null) return null;
    onWrite(namespace, key, value);
  }
  return reader.atEnd() ? channelId : null;
}

/** The few msgpack forms a genesis uses (arrays, strings, byte strings); null for anything else. */
class MsgpackReader {
  private at = 0;
  private readonly view: DataView;

  constructor(private readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  atEnd(): boolean {
    return this.at === this.bytes.length;
  }

  arrayLength(): number | null {
    const head = this.byte();
    if (head === null) return null;
    if (head >= 0x90 && head <= 0x9f) return head & 0x0f;
    if (head === 0xdc) return this.uint(2);
    if (head === 0xdd) return this.uint(4);
    return null;
  }

  string(): string | null {
    const head = this.byte();
    if (head === null) return null;
    const length =
      head >= 0xa0 && head <= 0xbf
        ? head & 0x1f
        : head === 0xd9
          ? this.uint(1)
          : head === 0xda
            ? this.uint(2)
            : head === 0xdb
              ? this.uint(4)
              : null;
    const slice = length === null ? null : this.take(length);
    return slice === null ? null : STRING_DECODER.decode(slice);
  }

  bin(): Uint8Array | null {
    const head = this.byte();
    const length = head === 0xc4 ? this.uint(1) : head === 0xc5 ? this.uint(2) : head === 0xc6 ? this.uint(4) : null;
    return length === null ? null : this.take(length);
  }

  private byte(): number | null {
    return this.at < this.bytes.length ? (this.bytes[this.at++] as number) : null;
  }

  private uint(size: 1 | 2 | 4): number | null {
    if (this.at + size > this.bytes.length) return null;
    const value =
      size === 1
        ? this.view.getUint8(this.at)
        : size === 2
          ? this.view.getUint16(this.at)
          : this.view.getUint32(this.at);
    this.at += size;
    return value;
  }

  private take(length: number): Uint8Array | null {
    if (this.at + length > this.bytes.length) return null;
    const slice = this.bytes.subarray(this.at, this.at + length);
    this.at += length;
    return slice;
  }
}

/** Lenient, as msgpackr decodes strings (an invalid sequence becomes U+FFFD, not an error). */
const STRING_DECODER = new TextDecoder('utf-8');
