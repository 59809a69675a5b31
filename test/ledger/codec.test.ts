/**
 * The envelope's direct framing writes exactly the bytes msgpackr writes for [bytes, bytes], at
 * every length boundary of msgpack's bin formats, and counts the same encoded bytes.
 */
import { describe, expect, it } from 'vitest';
import { decode, encode, encodeBytesPair } from '../../ledger/codec.js';
import { emptyReceipt } from '../../ledger/receipt.js';

describe('encodeBytesPair', () => {
  it('equals encode([first, second]) byte for byte across the bin 8/16/32 boundaries', () => {
    const lengths = [0, 1, 255, 256, 65_535, 65_536, 70_000];
    for (const firstLength of lengths)
      for (const secondLength of [0, 71, 255, 256, 65_536]) {
        const first = Uint8Array.from({ length: firstLength }, (_, i) => (i * 7 + 1) & 0xff);
        const second = Uint8Array.from({ length: secondLength }, (_, i) => (i * 13 + 5) & 0xff);
        const [direct, viaPackr] = [emptyReceipt(), emptyReceipt()];
        const bytes = encodeBytesPair(first, second, direct);
        expect(Buffer.from(bytes).equals(Buffer.from(encode([first, second], viaPackr)))).toBe(true);
        expect(direct.encodeBytes).toBe(viaPackr.encodeBytes);
        const [a, b] = decode(bytes, emptyReceipt()) as [Uint8Array, Uint8Array];
        expect([Buffer.from(a).equals(Buffer.from(first)), Buffer.from(b).equals(Buffer.from(second))]).toEqual([
          true,
          true,
        ]);
      }
  });
});
