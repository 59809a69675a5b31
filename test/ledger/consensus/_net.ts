/**
 * A tiny deterministic network for the consensus tests: a seeded event loop in integer milliseconds
 * that delivers each Send after a random latency (so messages reorder), drops or duplicates them
 * with given probabilities, fires timers as the nodes request them, and can crash, restart, partition
 * and heal nodes. It checks agreement on every decision: no two honest nodes decide different
 * digests at the same height, and each node decides heights 1, 2, 3 … in order.
 */
import type {
  ConsensusMessage,
  ConsensusNode,
  DecidedBatch,
  Effects,
  NodeId,
} from '../../../ledger/consensus/types.js';
import { RandomStream } from '../../../sim/index.js';

/** Test scheduling draws from a named kernel PRNG stream of the seed. */
export function prng(seed: number): () => number {
  const stream = new RandomStream('consensus-test', seed);
  return () => stream.random();
}

type Event =
  | { kind: 'deliver'; at: number; seq: number; to: NodeId; message: ConsensusMessage }
  | { kind: 'timer'; at: number; seq: number; node: NodeId; name: string; generation: number; incarnation: number }
  | { kind: 'call'; at: number; seq: number; run: () => void };

export interface NetOptions {
  readonly seed: number;
  readonly n: number;
  readonly create: (id: NodeId, persisted: unknown) => ConsensusNode;
  readonly latencyMs?: readonly [number, number];
  readonly dropRate?: number;
  readonly duplicateRate?: number;
  /** Nodes whose decisions are not checked for agreement (Byzantine). */
  readonly byzantine?: ReadonlySet<NodeId>;
}

export class TestNet {
  now = 0;
  private seqCounter = 0;
  private readonly queue: Event[] = [];
  readonly nodes: (ConsensusNode | null)[] = [];
  private readonly incarnation: number[] = [];
  private readonly timerGeneration: Map<string, number>[] = [];
  private readonly persistedAtCrash = new Map<NodeId, unknown>();
  readonly rng: () => number;
  readonly decided: Map<number, DecidedBatch>[] = [];
  readonly canonical = new Map<number, string>();
  readonly violations: string[] = [];
  private readonly blocked = new Set<string>();
  dropRate: number;
  duplicateRate: number;
  delivered = 0;
  sent = 0;

  constructor(private readonly options: NetOptions) {
    this.rng = prng(options.seed);
    this.dropRate = options.dropRate ?? 0;
    this.duplicateRate = options.duplicateRate ?? 0;
    for (let id = 0; id < options.n; id += 1) {
      this.nodes.push(options.create(id, undefined));
      this.incarnation.push(0);
      this.timerGeneration.push(new Map());
      this.decided.push(new Map());
    }
  }

  start(): void {
    for (let id = 0; id < this.options.n; id += 1) {
      const node = this.nodes[id];
      if (node) this.apply(id, node.start());
    }
  }

  submit(id: NodeId, envelope: Uint8Array): void {
    const node = this.nodes[id];
    if (node) this.apply(id, node.submit(envelope));
  }

  /** Runs `run` at simulated time `at`. */
  at(at: number, run: () => void): void {
    this.push({ kind: 'call', at, seq: this.seqCounter++, run });
  }

  crash(id: NodeId): void {
    const node = this.nodes[id];
    if (!node) return;
    this.persistedAtCrash.set(id, structuredClone(node.persisted()));
    this.nodes[id] = null;
    this.incarnation[id] = (this.incarnation[id] ?? 0) + 1;
    this.timerGeneration[id] = new Map();
  }

  restart(id: NodeId): void {
    if (this.nodes[id]) return;
    const node = this.options.create(id, this.persistedAtCrash.get(id));
    this.nodes[id] = node;
    this.apply(id, node.start());
  }

  partition(groups: readonly (readonly NodeId[])[]): void {
    this.blocked.clear();
    for (const a of groups)
      for (const b of groups) if (a !== b) for (const x of a) for (const y of b) this.blocked.add(`${x}>${y}`);
  }

  heal(): void {
    this.blocked.clear();
  }

  /** Runs events until time `until` or `stop()` returns true; returns whether `stop` held. */
  runUntil(until: number, stop: () => boolean = () => false, eventCountMax = 2_000_000): boolean {
    let events = 0;
    while (this.queue.length > 0) {
      if (stop()) return true;
      const next = this.queue[0] as Event;
      if (next.at > until) break;
      this.pop();
      this.now = next.at;
      events += 1;
      if (events > eventCountMax) throw new Error(`seed ${this.options.seed}: more than ${eventCountMax} events`);
      this.dispatch(next);
    }
    if (this.now < until) this.now = until;
    return stop();
  }

  height(id: NodeId): number {
    return this.decided[id]?.size ?? 0;
  }

  minHonestHeight(ids?: readonly NodeId[]): number {
    const all = ids ?? [...Array(this.options.n).keys()].filter((id) => !this.options.byzantine?.has(id));
    return Math.min(...all.map((id) => this.height(id)));
  }

  leader(): NodeId {
    return this.nodes.findIndex((node) => node?.isLeader() === true);
  }

  private dispatch(event: Event): void {
    if (event.kind === 'call') {
      event.run();
      return;
    }
    if (event.kind === 'timer') {
      const node = this.nodes[event.node];
      if (!node || event.incarnation !== this.incarnation[event.node]) return;
      if (this.timerGeneration[event.node]?.get(event.name) !== event.generation) return;
      this.timerGeneration[event.node]?.delete(event.name);
      this.apply(event.node, node.timer(event.name));
      return;
    }
    const node = this.nodes[event.to];
    if (!node) return;
    this.delivered += 1;
    this.apply(event.to, node.receive(event.message));
  }

  private apply(id: NodeId, effects: Effects): void {
    const generations = this.timerGeneration[id] as Map<string, number>;
    for (const name of effects.cancelTimers) generations.delete(name);
    for (const request of effects.setTimers) {
      const generation = this.seqCounter++;
      generations.set(request.name, generation);
      this.push({
        kind: 'timer',
        at: this.now + Math.max(1, Math.round(request.delayMs)),
        seq: generation,
        node: id,
        name: request.name,
        generation,
        incarnation: this.incarnation[id] ?? 0,
      });
    }
    const [low, high] = this.options.latencyMs ?? [1, 10];
    for (const send of effects.sends) {
      if (send.to === id) this.violations.push(`node ${id} sent to itself`);
      if (!(send.sizeBytes > 0)) this.violations.push(`node ${id} sent a message of ${send.sizeBytes} bytes`);
      this.sent += 1;
      if (this.blocked.has(`${id}>${send.to}`)) continue;
      if (this.rng() < this.dropRate) continue;
      const copies = this.rng() < this.duplicateRate ? 2 : 1;
      for (let copy = 0; copy < copies; copy += 1) {
        const latency = low + Math.floor(this.rng() * (high - low + 1));
        this.push({
          kind: 'deliver',
          at: this.now + latency,
          seq: this.seqCounter++,
          to: send.to,
          message: send.message,
        });
      }
    }
    const mine = this.decided[id] as Map<number, DecidedBatch>;
    for (const batch of effects.decided) {
      if (batch.height !== mine.size + 1)
        this.violations.push(`node ${id} decided height ${batch.height} after ${mine.size}`);
      mine.set(batch.height, batch);
      if (this.options.byzantine?.has(id)) continue;
      const known = this.canonical.get(batch.height);
      if (known === undefined) this.canonical.set(batch.height, batch.digest);
      else if (known !== batch.digest)
        this.violations.push(
          `height ${batch.height}: node ${id} decided ${batch.digest.slice(0, 12)}, another ${known.slice(0, 12)}`,
        );
    }
  }

  private push(event: Event): void {
    const heap = this.queue;
    heap.push(event);
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(heap[i] as Event, heap[parent] as Event)) break;
      [heap[i], heap[parent]] = [heap[parent] as Event, heap[i] as Event];
      i = parent;
    }
  }

  private pop(): void {
    const heap = this.queue;
    const last = heap.pop() as Event;
    if (heap.length === 0) return;
    heap[0] = last;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < heap.length && before(heap[l] as Event, heap[m] as Event)) m = l;
      if (r < heap.length && before(heap[r] as Event, heap[m] as Event)) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m] as Event, heap[i] as Event];
      i = m;
    }
  }
}

function before(a: Event, b: Event): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}

/** A distinct envelope: 4-byte client tag and a counter, padded to `sizeBytes`. */
export function envelope(tag: number, counter: number, sizeBytes = 64): Uint8Array {
  const bytes = new Uint8Array(sizeBytes);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, tag);
  view.setUint32(4, counter);
  return bytes;
}

/** Submits `count` envelopes every `gapMs`, each to `target()` (a node id, or −1 for none). */
export function clientLoad(
  net: TestNet,
  tag: number,
  count: number,
  gapMs: number,
  startMs: number,
  target: () => NodeId | readonly NodeId[],
): void {
  for (let i = 0; i < count; i += 1) {
    net.at(startMs + i * gapMs, () => {
      const to = target();
      for (const id of typeof to === 'number' ? [to] : to) if (id >= 0) net.submit(id, envelope(tag, i));
    });
  }
}
