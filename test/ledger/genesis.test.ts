/**
 * The streaming genesis reader yields exactly what the msgpack decoder does, write for write, and
 * refuses what it refuses (truncated or foreign bytes).
 */
import { describe, expect, it } from 'vitest';
import { decode } from '../../ledger/codec.js';
import { encodeGenesisData, GENESIS_TAG, readGenesisData } from '../../ledger/genesis.js';
import { createNetwork } from '../../ledger/network.js';
import { emptyReceipt } from '../../ledger/receipt.js';

/** The reference: msgpackr's decoder and a check of the shape, as the ledger read genesis data before. */
function decodeGenesisData(bytes: Uint8Array, receipt: ReturnType<typeof emptyReceipt>) {
  try {
    const raw = decode(bytes, receipt);
    if (!Array.isArray(raw) || raw.length !== 3 || raw[0] !== GENESIS_TAG || typeof raw[1] !== 'string') return null;
    if (!Array.isArray(raw[2])) return null;
    const writes: { namespace: string; key: string; value: Uint8Array }[] = [];
    for (const item of raw[2] as unknown[]) {
      if (!Array.isArray(item) || item.length !== 3) return null;
      const [namespace, key, value] = item as unknown[];
      if (typeof namespace !== 'string' || typeof key !== 'string' || !(value instanceof Uint8Array)) return null;
      writes.push({ namespace, key, value });
    }
    return { channelId: raw[1], writes };
  } catch {
    return null;
  }
}

function streamed(bytes: Uint8Array) {
  const writes: { namespace: string; key: string; value: Uint8Array }[] = [];
  const receipt = emptyReceipt();
  const channelId = readGenesisData(bytes, receipt, (namespace, key, value) => writes.push({ namespace, key, value }));
  return { result: channelId === null ? null : { channelId, writes }, decodeBytes: receipt.decodeBytes };
}

function withTrailingByte(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length + 1);
  out.set(bytes);
  out[bytes.length] = 0xc0;
  return out;
}

describe('readGenesisData', () => {
  const net = createNetwork({ seed: 'genesis-reader', orgCount: 2, crypto: 'modeled' });
  const bytes = encodeGenesisData(net.config, emptyReceipt());

  it('equals decodeGenesisData on every built-in contract’s genesis, counting the same bytes', () => {
    const receipt = emptyReceipt();
    const decoded = decodeGenesisData(bytes, receipt);
    expect(decoded?.writes.length).toBeGreaterThan(1_000);
    const { result, decodeBytes } = streamed(bytes);
    expect(result?.channelId).toBe(decoded?.channelId);
    expect(result?.writes.map((w) => [w.namespace, w.key, Buffer.from(w.value).toString('hex')])).toEqual(
      decoded?.writes.map((w) => [w.namespace, w.key, Buffer.from(w.value).toString('hex')]),
    );
    expect(decodeBytes).toBe(receipt.decodeBytes);
  });

  it('refuses what the decoder refuses: truncated bytes, trailing bytes, another shape', () => {
    for (const bad of [
      bytes.subarray(0, bytes.length - 1),
      bytes.subarray(0, 7),
      withTrailingByte(bytes),
      encodeGenesisData({ ...net.config, chaincodes: [] }, emptyReceipt()).subarray(1),
      new Uint8Array(0),
    ]) {
      expect(streamed(bad).result).toBeNull();
      expect(decodeGenesisData(bad, emptyReceipt())).toBeNull();
    }
  });
});
