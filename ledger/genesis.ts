/**
 * The genesis block: block 0, holding each chaincode's initial state (e.g. SmallBank accounts, the
 * MDM mint) computed from the channel config. Peers trust it (as Fabric trusts its config block) and
 * apply its writes at version (0, 0).
 */
import { builtinContract } from './chaincode/registry.js';
import type { ChannelConfig } from './channel-config.js';
import { decode, encode } from './codec.js';
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

export function decodeGenesisData(
  bytes: Uint8Array,
  receipt: WorkReceipt,
): { channelId: string; writes: GenesisWrite[] } | null {
  try {
    const raw = decode(bytes, receipt);
    if (
      !Array.isArray(raw) ||
      raw.length !== 3 ||
      raw[0] !== GENESIS_TAG ||
      typeof raw[1] !== 'string' ||
      !Array.isArray(raw[2])
    )
      return null;
    const writes: GenesisWrite[] = [];
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
