/**
 * Imports Diablo workload descriptions (Gramoli et al., "Diablo: A Benchmark Suite for Blockchains",
 * EuroSys 2023) — realistic application loads given as YAML with tags — into bpusim traces.
 *
 * Supported: `workloads: [{ number, client: { behavior: [{ interaction, load }] } }]` where
 * `load` maps a time in seconds to a rate in tx/s (held until the next key; the last key ends the
 * load, so it is usually `T: 0`), and the
 * interactions `!transfer { from, to, stake }` (→ SmallBank send_payment between accounts drawn from
 * the `!account { number }` sample, default 1,000) and `!invoke { contract, function, ... }`
 * (→ a KV update keyed by contract, function and client, the closest built-in). Each of `number`
 * clients sends at the given rate, evenly spaced, clients staggered within one gap. Anything else
 * is refused naming the field.
 */
import { parse as parseYaml } from 'yaml';
import { ConfigError } from '../sim/errors.js';
import type { TraceEvent } from './trace.js';

interface Tagged {
  $tag: string;
  value: unknown;
}

const TAGS = ['transfer', 'invoke', 'account', 'endpoint', 'location', 'loop', 'contract', 'deploy'];

function customTags() {
  return TAGS.flatMap((name) => [
    {
      tag: `!${name}`,
      collection: 'map' as const,
      resolve: (v: { toJSON(): unknown }) => ({ $tag: name, value: v.toJSON() }),
      identify: (): boolean => false,
    },
    {
      tag: `!${name}`,
      collection: 'seq' as const,
      resolve: (v: { toJSON(): unknown }) => ({ $tag: name, value: v.toJSON() }),
      identify: (): boolean => false,
    },
    { tag: `!${name}`, resolve: (s: string) => ({ $tag: name, value: s }), identify: (): boolean => false },
  ]);
}

function isTagged(value: unknown, tag?: string): value is Tagged {
  return (
    typeof value === 'object' &&
    value !== null &&
    '$tag' in value &&
    (tag === undefined || (value as Tagged).$tag === tag)
  );
}

function findAccounts(node: unknown): number | null {
  if (isTagged(node, 'account')) {
    const number = (node.value as { number?: unknown } | null)?.number;
    return typeof number === 'number' && Number.isInteger(number) && number > 1 ? number : null;
  }
  if (Array.isArray(node)) {
    for (const item of node) {
      const found = findAccounts(item);
      if (found !== null) return found;
    }
  } else if (typeof node === 'object' && node !== null) {
    for (const value of Object.values(node)) {
      const found = findAccounts(isTagged(value) ? value : value);
      if (found !== null) return found;
    }
    if (isTagged(node)) return findAccounts(node.value);
  }
  return null;
}

interface ClientPlan {
  client: number;
  interaction: Tagged;
  /** [startS, ratePerSec] in time order. */
  segments: [number, number][];
  offset: number;
}

/** Parses the description and returns the events in time order, lazily (constant memory). */
export function importDiablo(
  file: string,
  text: string,
): { events: Iterable<TraceEvent>; clients: number; accounts: number } {
  let doc: unknown;
  try {
    doc = parseYaml(text, { customTags: customTags() });
  } catch (error) {
    throw new ConfigError(file, '', `not valid YAML: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  const workloads = (doc as { workloads?: unknown } | null)?.workloads;
  if (!Array.isArray(workloads) || workloads.length === 0)
    throw new ConfigError(file, 'workloads', 'expected a non-empty list');
  const accounts = findAccounts((doc as { let?: unknown }).let) ?? findAccounts(doc) ?? 1000;
  const plans: ClientPlan[] = [];
  workloads.forEach((workload: unknown, w: number) => {
    const where = `workloads.${w}`;
    const number = (workload as { number?: unknown } | null)?.number ?? 1;
    if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 100_000)
      throw new ConfigError(
        file,
        `${where}.number`,
        `expected an integer from 1 to 100000, got ${JSON.stringify(number)}`,
      );
    const behavior = (workload as { client?: { behavior?: unknown } }).client?.behavior;
    if (!Array.isArray(behavior) || behavior.length === 0)
      throw new ConfigError(file, `${where}.client.behavior`, 'expected a non-empty list');
    behavior.forEach((entry: unknown, b: number) => {
      const at = `${where}.client.behavior.${b}`;
      const interaction = (entry as { interaction?: unknown } | null)?.interaction;
      if (!isTagged(interaction) || (interaction.$tag !== 'transfer' && interaction.$tag !== 'invoke')) {
        throw new ConfigError(
          file,
          `${at}.interaction`,
          `expected !transfer or !invoke, got ${JSON.stringify(isTagged(interaction) ? `!${interaction.$tag}` : interaction)}`,
        );
      }
      const load = (entry as { load?: unknown }).load;
      if (typeof load !== 'object' || load === null || Array.isArray(load))
        throw new ConfigError(file, `${at}.load`, 'expected a map of time (s) → rate (tx/s)');
      const segments = Object.entries(load as Record<string, unknown>).map(([time, rate]): [number, number] => {
        const t = Number(time);
        if (!Number.isFinite(t) || t < 0)
          throw new ConfigError(file, `${at}.load.${time}`, 'time must be a number of seconds ≥ 0');
        if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0)
          throw new ConfigError(
            file,
            `${at}.load.${time}`,
            `rate must be a number of tx/s ≥ 0, got ${JSON.stringify(rate)}`,
          );
        return [t, rate];
      });
      segments.sort((a, b) => a[0] - b[0]);
      for (let c = 0; c < number; c++)
        plans.push({ client: plans.length, interaction, segments, offset: (c + 0.5) / number });
    });
  });
  return { events: mergeClients(plans, accounts), clients: plans.length, accounts };
}

function* clientEvents(plan: ClientPlan, accounts: number): Generator<TraceEvent> {
  let sequence = 0;
  for (let s = 0; s < plan.segments.length; s++) {
    const [startS, rate] = plan.segments[s] as [number, number];
    const endS = plan.segments[s + 1]?.[0] ?? startS;
    if (rate <= 0 || s + 1 >= plan.segments.length) continue;
    const gap = 1 / rate;
    for (let t = startS + plan.offset * gap; t < endS; t += gap) {
      sequence++;
      yield toEvent(plan, accounts, t, sequence);
    }
  }
}

/** Deterministic account choice: a hash of (client, sequence), so the same file gives the same trace. */
function pick(client: number, sequence: number, salt: number, n: number): number {
  let h = (client * 0x9e3779b1) ^ (sequence * 0x85ebca6b) ^ (salt * 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x7feb352d);
  h = Math.imul(h ^ (h >>> 15), 0x846ca68b);
  return ((h ^ (h >>> 16)) >>> 0) % n;
}

function toEvent(plan: ClientPlan, accounts: number, timeS: number, sequence: number): TraceEvent {
  const value = (plan.interaction.value ?? {}) as Record<string, unknown>;
  if (plan.interaction.$tag === 'transfer') {
    const from = pick(plan.client, sequence, 1, accounts);
    let to = pick(plan.client, sequence, 2, accounts);
    if (to === from) to = (from + 1) % accounts;
    const stake = typeof value.stake === 'number' ? value.stake : 1;
    return {
      timeS,
      client: plan.client,
      contract: 'smallbank',
      fn: 'send_payment',
      args: [String(from), String(to), String(Math.max(1, Math.round(stake)))],
    };
  }
  const contract = typeof value.contract === 'string' ? value.contract : 'app';
  const fn = typeof value.function === 'string' ? value.function : 'call';
  const key = `user${String(pick(plan.client, sequence, 3, accounts)).padStart(10, '0')}`;
  return {
    timeS,
    client: plan.client,
    contract: 'kv',
    fn: 'update',
    args: [key, `${contract}.${fn}#${plan.client}.${sequence}`],
  };
}

/** Merges the clients' event streams by time (ties by client), holding one pending event per client. */
function* mergeClients(plans: ClientPlan[], accounts: number): Generator<TraceEvent> {
  const iterators = plans.map((plan) => clientEvents(plan, accounts));
  const heads: (TraceEvent | null)[] = iterators.map((it) => it.next().value ?? null);
  // A binary heap of client indices ordered by (time, client).
  const heap: number[] = [];
  const less = (a: number, b: number): boolean => {
    const ea = heads[a] as TraceEvent;
    const eb = heads[b] as TraceEvent;
    return ea.timeS < eb.timeS || (ea.timeS === eb.timeS && a < b);
  };
  const up = (i: number): void => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!less(heap[i] as number, heap[p] as number)) break;
      [heap[i], heap[p]] = [heap[p] as number, heap[i] as number];
      i = p;
    }
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const r = l + 1;
      const m = r < heap.length && less(heap[r] as number, heap[l] as number) ? r : l;
      if (!less(heap[m] as number, heap[i] as number)) return;
      [heap[i], heap[m]] = [heap[m] as number, heap[i] as number];
      i = m;
    }
  };
  heads.forEach((head, i) => {
    if (head !== null) {
      heap.push(i);
      up(heap.length - 1);
    }
  });
  while (heap.length > 0) {
    const i = heap[0] as number;
    yield heads[i] as TraceEvent;
    const next = iterators[i]?.next();
    heads[i] = next === undefined || next.done === true ? null : next.value;
    if (heads[i] === null) {
      const last = heap.pop() as number;
      if (heap.length > 0) {
        heap[0] = last;
        down(0);
      }
    } else {
      down(0);
    }
  }
}
