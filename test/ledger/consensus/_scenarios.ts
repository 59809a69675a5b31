/**
 * Shared by the fast and slow consensus suites: the networks of Raft and PBFT nodes the tests build,
 * and the randomised fault scenarios the property tests and the slow fuzz run per seed. A scenario
 * throws an Error naming its seed on a safety violation or a liveness failure.
 */
import { consensusKeys } from '../../../ledger/consensus/_common.js';
import { createPbftNode } from '../../../ledger/consensus/pbft.js';
import { createRaftNode } from '../../../ledger/consensus/raft.js';
import type { ByzantineMode, ConsensusNode, NodeId } from '../../../ledger/consensus/types.js';
import { createCryptoProvider } from '../../../ledger/crypto/index.js';
import type { CryptoMode } from '../../../ledger/crypto/index.js';
import { TestNet, clientLoad, prng } from './_net.js';

export const batch = { maxMessageCount: 10, absoluteMaxBytes: 1 << 20, preferredMaxBytes: 1 << 16 };

export function raftNet(
  seed: number,
  n: number,
  extra: Partial<ConstructorParameters<typeof TestNet>[0]> = {},
  signed = false,
): TestNet {
  const crypto = createCryptoProvider('modeled');
  const keys = consensusKeys(crypto, n, `raft-test-${seed}`);
  return new TestNet({
    seed,
    n,
    create: (id: NodeId, persisted: unknown): ConsensusNode =>
      createRaftNode({
        id,
        n,
        random: prng(seed * 1000 + id + (persisted === undefined ? 0 : 7919)),
        batch,
        batchTimeoutMs: 20,
        electionTimeoutMs: [150, 300],
        heartbeatMs: 50,
        ...(persisted === undefined ? {} : { persisted }),
        ...(signed ? { crypto, keys } : {}),
      }),
    ...extra,
  });
}

/** Clients send to the node that says it leads, else to a rotating node (followers forward). */
export function toLeaderOrAny(net: TestNet): () => NodeId {
  let i = 0;
  return () => {
    const leader = net.leader();
    i += 1;
    return leader >= 0 ? leader : i % net.nodes.length;
  };
}

export interface PbftNetOptions {
  readonly byzantine?: ReadonlyMap<NodeId, ByzantineMode>;
  readonly dropRate?: number;
  readonly duplicateRate?: number;
  readonly latencyMs?: readonly [number, number];
  readonly crypto?: CryptoMode;
  readonly checkpointInterval?: number;
  readonly watermarkWindow?: number;
  readonly forwardRequests?: boolean;
}

export type PbftTestNode = ReturnType<typeof createPbftNode>;

export function pbftNet(seed: number, n: number, options: PbftNetOptions = {}): TestNet {
  const crypto = createCryptoProvider(options.crypto ?? 'modeled');
  const keys = consensusKeys(crypto, n, `pbft-test-${seed}`);
  return new TestNet({
    seed,
    n,
    byzantine: new Set(options.byzantine?.keys() ?? []),
    ...(options.dropRate === undefined ? {} : { dropRate: options.dropRate }),
    ...(options.duplicateRate === undefined ? {} : { duplicateRate: options.duplicateRate }),
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    create: (id: NodeId, persisted: unknown): ConsensusNode => {
      const byzantine = options.byzantine?.get(id);
      return createPbftNode({
        id,
        n,
        batch,
        batchTimeoutMs: 20,
        requestTimeoutMs: 400,
        checkpointInterval: options.checkpointInterval ?? 4,
        watermarkWindow: options.watermarkWindow ?? 8,
        crypto,
        keys,
        ...(byzantine === undefined ? {} : { byzantine }),
        ...(options.forwardRequests === undefined ? {} : { forwardRequests: options.forwardRequests }),
        ...(persisted === undefined ? {} : { persisted }),
      });
    },
  });
}

export const all = (n: number) => (): NodeId[] => [...Array(n).keys()];
export function toPrimary(net: TestNet): () => NodeId {
  return () => Math.max(0, net.leader());
}
export function honest(n: number, byzantine: Iterable<NodeId> = []): NodeId[] {
  const bad = new Set(byzantine);
  return [...Array(n).keys()].filter((id) => !bad.has(id));
}

/** Raft under random crashes, partitions, drops and duplicates; then everything heals and it must decide again. */
export function raftFaultScenario(seed: number): void {
  const rng = prng(seed);
  const n = rng() < 0.5 ? 3 : 5;
  const net = raftNet(seed, n, {
    dropRate: rng() * 0.15,
    duplicateRate: rng() * 0.15,
    latencyMs: [1, 1 + Math.floor(rng() * 40)],
  });
  net.start();
  clientLoad(net, 1, 150, 8, 300, toLeaderOrAny(net));
  for (let k = 0; k < 3; k += 1) {
    const at = 400 + Math.floor(rng() * 1500);
    const victim = Math.floor(rng() * n);
    if (rng() < 0.5) {
      net.at(at, () => net.crash(victim));
      net.at(at + 100 + Math.floor(rng() * 600), () => net.restart(victim));
    } else {
      const side = [...Array(n).keys()].filter(() => rng() < 0.5);
      net.at(at, () => net.partition([side, [...Array(n).keys()].filter((id) => !side.includes(id))]));
      net.at(at + 100 + Math.floor(rng() * 600), () => net.heal());
    }
  }
  net.runUntil(3000);
  // Liveness after every fault has healed: within 3 s everyone decides at least one new block.
  net.at(3000, () => {
    net.dropRate = 0;
    net.duplicateRate = 0;
    for (let id = 0; id < n; id += 1) net.restart(id);
    net.heal();
  });
  net.runUntil(3000);
  const target = Math.max(...net.decided.map((d) => d.size)) + 1;
  clientLoad(net, 2, 20, 5, 3001, toLeaderOrAny(net));
  const live = net.runUntil(6000, () => net.minHonestHeight() >= target);
  if (net.violations.length > 0) throw new Error(`seed ${seed}: ${net.violations.join('; ')}`);
  if (!live)
    throw new Error(`seed ${seed}: no new block within 3 s after heal (heights ${net.decided.map((d) => d.size)})`);
}

/** PBFT with up to f Byzantine primaries, crashes within the budget, partitions, drops; then heal and decide again. */
export function pbftFaultScenario(seed: number): void {
  const rng = prng(seed);
  const n = rng() < 0.6 ? 4 : 7;
  const f = Math.floor((n - 1) / 3);
  const byzantine = new Map<NodeId, ByzantineMode>();
  const modes: ByzantineMode[] = ['equivocate', 'withhold', 'bad-digest'];
  const byzCount = Math.floor(rng() * (f + 1));
  // Usually the first primaries (where a Byzantine primary matters most), sometimes any replicas.
  const spread = rng() < 0.3;
  for (let k = 0; k < byzCount; k += 1) {
    let id = spread ? Math.floor(rng() * n) : k;
    while (byzantine.has(id)) id = (id + 1) % n;
    byzantine.set(id, modes[Math.floor(rng() * 3)] as ByzantineMode);
  }
  const net = pbftNet(seed, n, {
    byzantine,
    dropRate: rng() * 0.05,
    duplicateRate: rng() * 0.1,
    latencyMs: [1, 1 + Math.floor(rng() * 30)],
    forwardRequests: rng() < 0.5,
  });
  const good = honest(n, byzantine.keys());
  net.start();
  clientLoad(net, 1, 60, 15, 10, all(n));
  // Crashes only among honest replicas and within the budget f − byzantine.
  const crashable = good.filter(() => rng() < 0.5).slice(0, f - byzCount);
  for (const victim of crashable) {
    const at = 100 + Math.floor(rng() * 800);
    net.at(at, () => net.crash(victim));
    net.at(at + 200 + Math.floor(rng() * 800), () => net.restart(victim));
  }
  if (rng() < 0.5) {
    const side = [...Array(n).keys()].filter(() => rng() < 0.5);
    const at = 100 + Math.floor(rng() * 800);
    net.at(at, () => net.partition([side, [...Array(n).keys()].filter((id) => !side.includes(id))]));
    net.at(at + 200 + Math.floor(rng() * 800), () => net.heal());
  }
  net.runUntil(3000);
  net.at(3000, () => {
    net.dropRate = 0;
    net.duplicateRate = 0;
    net.heal();
    for (const id of good) net.restart(id);
  });
  net.runUntil(3000);
  const live = [...good];
  const target = Math.max(...live.map((id) => net.height(id))) + 1;
  clientLoad(net, 2, 30, 5, 3001, all(n));
  const ok = net.runUntil(3000 + 30_000, () => net.minHonestHeight(live) >= target);
  if (net.violations.length > 0) throw new Error(`seed ${seed}: ${net.violations.join('; ')}`);
  if (!ok && process.env.DEBUG_PBFT) {
    for (const node of net.nodes) {
      const x = node as unknown as Record<string, unknown>;
      console.log(node?.id, {
        view: x.view,
        active: x.active,
        stable: x.stable,
        lastExecuted: x.lastExecuted,
        height: x.height,
        pool: (x.pool as Map<string, unknown>).size,
        transfer: x.transfer,
        seqNext: x.seqNext,
        slots: [...(x.slots as Map<number, { committed: string | null; prePrepares: Map<number, unknown> }>).entries()]
          .map(([k, v]) => `${k}:${v.committed ? 'C' : ''}${[...v.prePrepares.keys()]}`)
          .join(' '),
        vcs: [...(x.viewChanges as Map<number, Map<number, unknown>>).entries()].map(
          ([v, m]) => `${v}:${[...m.keys()]}`,
        ),
      });
    }
  }
  if (!ok)
    throw new Error(
      `seed ${seed}: honest heights ${live.map((id) => net.height(id))} did not reach ${target} within 30 s after heal (n=${n}, byzantine ${[...byzantine]})`,
    );
}

/**
 * Safety only, beyond the fault budget: f+1 replicas equivocate whenever they are primary, on a lossy
 * network with a partition. Progress may stop; honest replicas must never decide differently.
 */
export function pbftOverBudgetScenario(seed: number): void {
  const rng = prng(seed);
  const n = rng() < 0.6 ? 4 : 7;
  const f = Math.floor((n - 1) / 3);
  const byzantine = new Map<NodeId, ByzantineMode>();
  while (byzantine.size < f + 1) byzantine.set(Math.floor(rng() * n), 'equivocate');
  const net = pbftNet(seed, n, {
    byzantine,
    dropRate: rng() * 0.05,
    duplicateRate: rng() * 0.1,
    latencyMs: [1, 1 + Math.floor(rng() * 30)],
  });
  net.start();
  clientLoad(net, 1, 60, 15, 10, all(n));
  if (rng() < 0.5) {
    const side = [...Array(n).keys()].filter(() => rng() < 0.5);
    net.at(300, () => net.partition([side, [...Array(n).keys()].filter((id) => !side.includes(id))]));
    net.at(1200, () => net.heal());
  }
  net.runUntil(8000);
  if (net.violations.length > 0) throw new Error(`seed ${seed}: ${net.violations.join('; ')}`);
}
