/**
 * The ordering protocols (see types.ts): Raft and PBFT as time-free, deterministic state machines.
 */
export type * from './types.js';
export { createRaftNode, RAFT_TIMERS, raftEntriesPerAppendMax, raftHoldCountMax } from './raft.js';
export type { RaftEntry, RaftMessage, RaftPersisted } from './raft.js';
export { batchDigest, consensusKeys } from './_common.js';
export { createPbftNode, PBFT_TIMERS, pbftPoolCountMax, pbftDecidedKeyCountMax } from './pbft.js';
export type { PbftMessage, PbftPersisted } from './pbft.js';
