/**
 * Drives time-free consensus state machines (ledger/consensus: Raft, PBFT) in simulated time.
 *
 * Each orderer node is a state machine plus the engines of its architecture. A message arriving
 * over a link is handed to the state machine at once (its state changes then); the call's effects
 * — the protocol messages it handled, their authentication (signature checks) and hashing — are
 * charged to the node's engines (the BFT orderer engine on a BPU, CPU cores on the baseline), and
 * only when that work is done do its outgoing messages leave, its timers arm and its decisions
 * count. So processing cost, link latency and bandwidth all shape consensus latency and throughput,
 * and PBFT's O(n²) messages per block show up as load.
 *
 * Faults are scheduled in simulated time: crash and restart (the node restarts from what it
 * persisted), partition and heal, message drop / duplication / extra delay, slow nodes. Byzantine
 * behaviour lives in the state machines (their `byzantine` option); the driver only records which
 * nodes are honest, so safety is checked over honest nodes: no two decide different batches at the
 * same height.
 */
import { type Environment, Link, type RandomStream, msToPs, usToPs } from '../sim/index.js';
import type { Architecture } from '../engines/architecture.js';
import { NodeEngines } from '../engines/node-engines.js';
import type { ConsensusMessage, ConsensusNode, DecidedBatch, Effects, NodeId } from '../ledger/consensus/types.js';

export interface LinkSpec {
  latencyUs: number;
  gbps: number;
}

export interface NetworkFaults {
  dropProbability: number;
  duplicateProbability: number;
  /** Extra delay added to a message with probability `delayProbability`, uniform in [0, delayMaxMs]. */
  delayProbability: number;
  delayMaxMs: number;
}

export const NO_NETWORK_FAULTS: NetworkFaults = {
  dropProbability: 0,
  duplicateProbability: 0,
  delayProbability: 0,
  delayMaxMs: 0,
};

export interface DriverOptions {
  env: Environment;
  arch: Architecture;
  n: number;
  /** Builds node `id`, from `persisted` after a restart. */
  createNode: (id: NodeId, persisted: unknown) => ConsensusNode;
  link: (from: NodeId, to: NodeId) => LinkSpec;
  faultRng: RandomStream;
  faults?: NetworkFaults;
  /** Nodes configured Byzantine: excluded from the safety check. */
  byzantine?: ReadonlySet<NodeId>;
}

export type DecisionListener = (batch: DecidedBatch, node: NodeId) => void;

export interface SafetyViolation {
  height: number;
  nodes: [NodeId, NodeId];
  digests: [string, string];
}

interface NodeSlot {
  node: ConsensusNode;
  engines: NodeEngines;
  up: boolean;
  /** Incremented on crash so that work and timers of the previous incarnation are ignored. */
  incarnation: number;
  timerGeneration: Map<string, number>;
  decidedHeight: number;
  slowExtraPs: number;
}

export class ConsensusDriver {
  private readonly slots: NodeSlot[] = [];
  private readonly links = new Map<string, Link>();
  private readonly blocked = new Set<string>();
  private faults: NetworkFaults;
  /** The digest decided at each height by the first honest node that decided it. */
  private readonly canonical = new Map<number, { digest: string; node: NodeId }>();
  readonly violations: SafetyViolation[] = [];
  private messagesDelivered = 0;
  private decisions = 0;
  private lastDecidePs = 0;
  private listener: DecisionListener | null = null;

  constructor(private readonly options: DriverOptions) {
    this.faults = options.faults ?? NO_NETWORK_FAULTS;
    for (let id = 0; id < options.n; id++) {
      this.slots.push({
        node: options.createNode(id, undefined),
        engines: new NodeEngines(options.env, options.arch, `orderer${id}`),
        up: true,
        incarnation: 0,
        timerGeneration: new Map(),
        decidedHeight: 0,
        slowExtraPs: 0,
      });
    }
  }

  /** Called once per height, the first time any honest node decides it. */
  onFirstDecide(listener: DecisionListener): void {
    this.listener = listener;
  }

  get nodeCount(): number {
    return this.slots.length;
  }

  get deliveredCount(): number {
    return this.messagesDelivered;
  }

  get decisionCount(): number {
    return this.decisions;
  }

  get lastDecisionPs(): number {
    return this.lastDecidePs;
  }

  start(): void {
    this.slots.forEach((slot, id) => this.apply(id, slot.incarnation, slot.node.start()));
  }

  /** A client's envelope reaches node `id` (dropped if the node is down). */
  submit(id: NodeId, envelope: Uint8Array): void {
    const slot = this.slot(id);
    if (!slot.up) return;
    this.process(id, () => slot.node.submit(envelope));
  }

  /** The node that believes it leads, preferring the lowest id; -1 if none does. */
  leader(): NodeId {
    return this.slots.findIndex((slot) => slot.up && slot.node.isLeader());
  }

  decidedHeight(id: NodeId): number {
    return this.slot(id).decidedHeight;
  }

  isUp(id: NodeId): boolean {
    return this.slot(id).up;
  }

  // ---- faults ---------------------------------------------------------------------------------

  crash(id: NodeId): void {
    const slot = this.slot(id);
    if (!slot.up) return;
    slot.up = false;
    slot.incarnation++;
    slot.timerGeneration.clear();
    this.persistedAtCrash.set(id, slot.node.persisted());
  }

  restart(id: NodeId): void {
    const slot = this.slot(id);
    if (slot.up) return;
    slot.node = this.options.createNode(id, this.persistedAtCrash.get(id));
    slot.up = true;
    slot.decidedHeight = 0;
    this.apply(id, slot.incarnation, slot.node.start());
  }

  private readonly persistedAtCrash = new Map<NodeId, unknown>();

  /** Cuts every link between the two groups (both directions). */
  partition(groupA: readonly NodeId[], groupB: readonly NodeId[]): void {
    for (const a of groupA) {
      for (const b of groupB) {
        this.blocked.add(`${a}>${b}`);
        this.blocked.add(`${b}>${a}`);
      }
    }
  }

  heal(): void {
    this.blocked.clear();
  }

  setNetworkFaults(faults: NetworkFaults): void {
    this.faults = faults;
  }

  /** Node `id` takes `extraMs` longer to handle each protocol message. */
  slow(id: NodeId, extraMs: number): void {
    this.slot(id).slowExtraPs = msToPs(extraMs);
  }

  engineStats() {
    return this.slots.flatMap((slot) => slot.engines.stats());
  }

  engineBusy() {
    return this.slots.flatMap((slot) => slot.engines.busy());
  }

  engineUsage() {
    return this.slots.map((slot) => slot.engines.usage());
  }

  // ---- the loop -------------------------------------------------------------------------------

  private slot(id: NodeId): NodeSlot {
    const slot = this.slots[id];
    if (slot === undefined) throw new Error(`consensus driver: no node ${id}`);
    return slot;
  }

  private process(id: NodeId, call: () => Effects): void {
    const slot = this.slot(id);
    const incarnation = slot.incarnation;
    const effects = call();
    this.apply(id, incarnation, effects);
  }

  /** Charges the effects' work to the node's engines, then releases sends, timers and decisions. */
  private apply(id: NodeId, incarnation: number, effects: Effects): void {
    const slot = this.slot(id);
    const release = (): void => {
      if (slot.incarnation !== incarnation || !slot.up) return;
      for (const name of effects.cancelTimers)
        slot.timerGeneration.set(name, (slot.timerGeneration.get(name) ?? 0) + 1);
      for (const timer of effects.setTimers) this.armTimer(id, incarnation, timer.name, timer.delayMs);
      for (const batch of effects.decided) this.recordDecision(id, batch);
      for (const send of effects.sends) this.send(id, send.to, send.message, send.sizeBytes);
    };
    const work = effects.receipt;
    const hasWork =
      work.consensusMessages > 0 ||
      effects.receipt.hashBytes > 0 ||
      Object.keys(effects.receipt.verifies).length > 0 ||
      Object.keys(effects.receipt.signs).length > 0;
    if (!hasWork) {
      release();
      return;
    }
    slot.engines.charge(work, () => {
      if (slot.slowExtraPs > 0) this.options.env.schedule(slot.slowExtraPs, release);
      else release();
    });
  }

  private armTimer(id: NodeId, incarnation: number, name: string, delayMs: number): void {
    const slot = this.slot(id);
    const generation = (slot.timerGeneration.get(name) ?? 0) + 1;
    slot.timerGeneration.set(name, generation);
    this.options.env.schedule(Math.max(1, msToPs(delayMs)), () => {
      if (slot.incarnation !== incarnation || !slot.up || slot.timerGeneration.get(name) !== generation) return;
      this.process(id, () => slot.node.timer(name));
    });
  }

  private send(from: NodeId, to: NodeId, message: ConsensusMessage, sizeBytes: number): void {
    if (this.blocked.has(`${from}>${to}`)) return;
    const rng = this.options.faultRng;
    const faults = this.faults;
    if (faults.dropProbability > 0 && rng.random() < faults.dropProbability) return;
    const copies = faults.duplicateProbability > 0 && rng.random() < faults.duplicateProbability ? 2 : 1;
    for (let copy = 0; copy < copies; copy++) {
      const extraPs =
        faults.delayProbability > 0 && rng.random() < faults.delayProbability
          ? Math.round(rng.random() * msToPs(faults.delayMaxMs))
          : 0;
      this.link(from, to).send(sizeBytes, () => {
        if (extraPs > 0) this.options.env.schedule(extraPs, () => this.deliver(to, message, sizeBytes));
        else this.deliver(to, message, sizeBytes);
      });
    }
  }

  private deliver(to: NodeId, message: ConsensusMessage, sizeBytes: number): void {
    const slot = this.slot(to);
    if (!slot.up) return;
    this.messagesDelivered++;
    this.process(to, () => {
      const effects = slot.node.receive(message);
      // The receiver took the message off the wire before handling it.
      effects.receipt.receiveBytes += sizeBytes;
      return effects;
    });
  }

  private link(from: NodeId, to: NodeId): Link {
    const key = `${from}>${to}`;
    let link = this.links.get(key);
    if (link === undefined) {
      const spec = this.options.link(from, to);
      link = new Link(this.options.env, {
        name: `orderer${from}>orderer${to}`,
        latencyPs: usToPs(spec.latencyUs),
        bandwidthBitsPerSec: spec.gbps * 1e9,
      });
      this.links.set(key, link);
    }
    return link;
  }

  private recordDecision(id: NodeId, batch: DecidedBatch): void {
    const slot = this.slot(id);
    this.decisions++;
    this.lastDecidePs = this.options.env.nowPs;
    slot.decidedHeight = Math.max(slot.decidedHeight, batch.height);
    if (this.options.byzantine?.has(id) === true) return;
    const first = this.canonical.get(batch.height);
    if (first === undefined) {
      this.canonical.set(batch.height, { digest: batch.digest, node: id });
      this.listener?.(batch, id);
      return;
    }
    if (first.digest !== batch.digest) {
      this.violations.push({ height: batch.height, nodes: [first.node, id], digests: [first.digest, batch.digest] });
    }
  }

  /** Highest height decided by any honest node. */
  get canonicalHeight(): number {
    return this.canonical.size;
  }
}
