/**
 * The ledger's public surface (by design: function without time). See each module's header.
 */
export * from './receipt.js';
export { LedgerInputError, LedgerAssertionError } from './assert.js';
export { createCryptoProvider, parseCryptoMode, CRYPTO_MODES } from './crypto/index.js';
export type { CryptoMode, CryptoProvider, KeyPair } from './crypto/index.js';
export { VerifyCache } from './crypto/verify-cache.js';
export { CertificateAuthority, MspManager, deriveSeed, parseCertificate } from './msp.js';
export type { Certificate, Identity, MspConfig, Role, SigningIdentity } from './msp.js';
export { DEFAULT_BATCH, checkChannelConfig } from './channel-config.js';
export type { BatchConfig, ChaincodeDefinition, ChannelConfig, MdmConfig } from './channel-config.js';
export { parsePolicy, evaluatePolicy, planEndorsers } from './policy.js';
export type { Policy, Principal, PolicySigner } from './policy.js';
export { ValidationCode, validationCodeName } from './validation-code.js';
export type { ValidationCodeName } from './validation-code.js';
export { computeTxId, createSignedProposal, decodeProposal } from './proposal.js';
export type { Proposal, SignedProposal, ProposalRequest } from './proposal.js';
export type { ProposalResponse, Endorsement, ProposalResponsePayload } from './proposal-response.js';
export { assembleEnvelope, decodeEnvelope } from './envelope.js';
export type { Transaction, AssembleResult } from './envelope.js';
export { blockHash, encodeBlock, decodeBlock, blockSizeBytes } from './block.js';
export type { Block, BlockHeader, BlockMetadata } from './block.js';
export { BlockCutter } from './block-cutter.js';
export { Orderer } from './orderer.js';
export { GenesisImages } from './genesis-image.js';
export type { BroadcastResult } from './orderer.js';
export { Peer } from './peer.js';
export type { PeerOptions, EndorseResult, CommitResult } from './peer.js';
export { Client } from './client.js';
export { Gateway } from './gateway.js';
export type { SubmitOutcome } from './gateway.js';
export { createNetwork, defaultPolicy, orgMspId, BUILTIN_CHAINCODE_NAMES } from './network.js';
export type { Network, NetworkOptions } from './network.js';
export { MemoryWorldState } from './state/memory-state.js';
export { MemoryBlockStore, HeadOnlyBlockStore } from './state/block-store.js';
export type { BlockStore } from './state/block-store.js';
export type { WorldState, Savepoint, VersionedValue } from './state/world-state.js';
export { BUILTIN_CONTRACTS } from './chaincode/registry.js';
export type { Contract, ChaincodeResponse } from './chaincode/contract.js';
export type { RwSet, Version } from './chaincode/rwset.js';
export type { VerifyJob } from './verify-job.js';
export { LmdbWorldState } from './state/lmdb-state.js';
export { FileBlockStore } from './state/block-file.js';
export type { RecoveryReport } from './state/block-file.js';
export { VerifyPool } from './parallel/verify-pool.js';
export { PipelinedCommitter } from './parallel/pipelined-committer.js';
export type { CorruptWriteFault, CorruptWriteRecord, RangeHashResult, SnapshotExport } from './peer.js';
export {
  StateCommitment,
  bucketOfKey,
  checkpointBucket,
  checkpointNode,
  checkpointRoot,
  rangeContentHash,
  resolveCommitmentOptions,
  COMMITMENT_BUCKETS_DEFAULT,
  COMMITMENT_NODE_BYTES,
  STATE_KEY_END,
} from './state/commitment.js';
export type { CommitmentOptions, StateCheckpoint, RangeContentHash } from './state/commitment.js';
export { SnapshotVerificationError, exportSnapshot, verifySnapshot, SNAPSHOT_FORMAT } from './state/snapshot.js';
export type {
  StateSnapshot,
  SnapshotOptions,
  SnapshotTrust,
  SnapshotCheck,
  SnapshotSource,
  VerifiedSnapshot,
} from './state/snapshot.js';
export { entryDigest } from './state/state-hash.js';
export { auditCheckpoints, auditPeers, agreedRoot, locateDivergentKeys } from './audit.js';
export type {
  AuditParticipant,
  AuditReport,
  DivergentBucket,
  AgreedRoot,
  AuditStateSource,
  DivergentKey,
  KeyDivergenceReport,
} from './audit.js';
export { joinPeer, replayBlocks } from './join.js';
export type { BlockSource, JoinOptions, JoinResult, ReplayResult } from './join.js';
