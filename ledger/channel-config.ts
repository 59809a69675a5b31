/**
 * The channel configuration every node agrees on (Fabric's config block, reduced to what the
 * ledger uses): MSPs, the orderer's MSP, the block cutter's limits, each chaincode's endorsement
 * policy, and the MDM token's economics.
 */
import { LedgerInputError, assert } from './assert.js';
import type { MspConfig } from './msp.js';
import { parsePolicy } from './policy.js';
import type { Policy } from './policy.js';

export interface BatchConfig {
  /** Fabric's BatchSize.MaxMessageCount. */
  readonly maxMessageCount: number;
  /** Fabric's BatchSize.AbsoluteMaxBytes: a larger envelope is rejected by the orderer. */
  readonly absoluteMaxBytes: number;
  /** Fabric's BatchSize.PreferredMaxBytes: a batch is cut before it would exceed this. */
  readonly preferredMaxBytes: number;
}

export interface MdmConfig {
  /** USD price of one MDM (the exchange rate the fee is converted at). */
  readonly usdPerMdm: number;
  /** Consortium price of throughput: USD per TPS, charged per transaction (one tx = one TPS·s). */
  readonly feeUsdPerTps: number;
  /** MSP ids of consortium members who share the fees, in payout order. */
  readonly members: readonly string[];
}

export interface ChaincodeDefinition {
  readonly name: string;
  /** Endorsement policy in Fabric syntax, e.g. "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer')". */
  readonly policy: string;
  /** Contract-specific genesis parameters (e.g. number of accounts). */
  readonly params?: Readonly<Record<string, number>>;
}

export interface ChannelConfig {
  readonly channelId: string;
  readonly msps: readonly MspConfig[];
  readonly ordererMspId: string;
  readonly batch: BatchConfig;
  readonly chaincodes: readonly ChaincodeDefinition[];
  readonly mdm: MdmConfig;
}

export const DEFAULT_BATCH: BatchConfig = {
  maxMessageCount: 500,
  absoluteMaxBytes: 10 * 1024 * 1024,
  preferredMaxBytes: 2 * 1024 * 1024,
};

/** Checks relations once at load (STYLE.md), and parses every policy so bad syntax fails early. */
export function checkChannelConfig(config: ChannelConfig): Map<string, Policy> {
  const where = `channel ${config.channelId}`;
  const { maxMessageCount, absoluteMaxBytes, preferredMaxBytes } = config.batch;
  if (!Number.isSafeInteger(maxMessageCount) || maxMessageCount < 1) {
    throw new LedgerInputError(`${where}: batch.maxMessageCount: expected an integer ≥ 1, got ${maxMessageCount}`);
  }
  if (!(preferredMaxBytes >= 1 && preferredMaxBytes <= absoluteMaxBytes)) {
    throw new LedgerInputError(
      `${where}: batch.preferredMaxBytes: expected 1 ≤ preferredMaxBytes ≤ absoluteMaxBytes (${absoluteMaxBytes}), got ${preferredMaxBytes}`,
    );
  }
  if (!(config.mdm.usdPerMdm > 0) || !(config.mdm.feeUsdPerTps >= 0)) {
    throw new LedgerInputError(`${where}: mdm: expected usdPerMdm > 0 and feeUsdPerTps ≥ 0`);
  }
  const mspIds = new Set(config.msps.map((msp) => msp.mspId));
  assert(mspIds.size === config.msps.length, `${where}: duplicate MSP ids`);
  if (!mspIds.has(config.ordererMspId))
    throw new LedgerInputError(`${where}: ordererMspId '${config.ordererMspId}' is not among the MSPs`);
  const policies = new Map<string, Policy>();
  for (const chaincode of config.chaincodes) {
    policies.set(
      chaincode.name,
      parsePolicy(chaincode.policy, `${where}: chaincode ${chaincode.name}: endorsement policy`),
    );
  }
  return policies;
}
