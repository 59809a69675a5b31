/**
 * The fault file: faults scheduled in simulated time for the ordering service (and, later, peers).
 * Validated like every user file: errors name the file, the field and what is allowed.
 *
 * ```yaml
 * byzantine: { 0: withhold }                 # PBFT orderer 0 misbehaves when primary
 * events:
 *   - { atMs: 200, kind: crash, node: 1 }
 *   - { atMs: 900, kind: restart, node: 1 }
 *   - { atMs: 300, kind: partition, groups: [[0, 1], [2, 3]] }
 *   - { atMs: 800, kind: heal }
 *   - { atMs: 0, kind: network, drop: 0.05, duplicate: 0.01, delay: 0.1, delayMaxMs: 20 }
 *   - { atMs: 0, kind: slow, node: 2, extraMsPerMessage: 3 }
 *   - { atMs: 150, kind: corrupt-write, peer: 1 }   # peer 1's DB corrupts one write (state integrity)
 * ```
 * Orderer faults (all but corrupt-write) need an ordering cluster (raft or pbft); corrupt-write hits
 * a peer whatever the ordering (peers are numbered in topology order, organisation by organisation).
 */
import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { parseConfigText, validateConfig } from '../engines/config-file.js';
import { MAX_CONFIG_BYTES, readInputText } from '../sim/input-file.js';
import { extname } from 'node:path';
import { PS_PER_MS, TIME_PS_MAX } from '../sim/time.js';

const node = z.int().min(0).max(1023);
/** Simulated time is exact to 2^53 ps (≈ 2.5 h): a fault, or a delay, must fall inside it. */
const MAX_TIME_MS = Math.floor(TIME_PS_MAX / PS_PER_MS);
const atMs = z.number().nonnegative().max(MAX_TIME_MS);
const delayMs = z.number().nonnegative().max(MAX_TIME_MS);
const probability = z.number().min(0).max(1);

const eventSchema = z.discriminatedUnion('kind', [
  z.object({ atMs, kind: z.literal('crash'), node }).strict(),
  z.object({ atMs, kind: z.literal('restart'), node }).strict(),
  z
    .object({ atMs, kind: z.literal('partition'), groups: z.tuple([z.array(node).min(1), z.array(node).min(1)]) })
    .strict(),
  z.object({ atMs, kind: z.literal('heal') }).strict(),
  z
    .object({
      atMs,
      kind: z.literal('network'),
      drop: probability.default(0),
      duplicate: probability.default(0),
      delay: probability.default(0),
      delayMaxMs: delayMs.default(0),
    })
    .strict(),
  z.object({ atMs, kind: z.literal('slow'), node, extraMsPerMessage: delayMs }).strict(),
  z.object({ atMs, kind: z.literal('corrupt-write'), peer: node }).strict(),
]);

export const faultFileSchema = z
  .object({
    byzantine: z
      .record(z.string().regex(/^[0-9]+$/, 'keys are orderer ids'), z.enum(['equivocate', 'withhold', 'bad-digest']))
      .default({}),
    events: z.array(eventSchema).default([]),
  })
  .strict();

export type FaultFile = z.infer<typeof faultFileSchema>;
export type FaultEvent = FaultFile['events'][number];

/** True when the file schedules anything on the ordering cluster (which solo ordering does not have). */
export function hasOrdererFaults(faults: FaultFile): boolean {
  return Object.keys(faults.byzantine).length > 0 || faults.events.some((event) => event.kind !== 'corrupt-write');
}

export function loadFaultFile(path: string, orderers: number, peers = Number.MAX_SAFE_INTEGER): FaultFile {
  const faults = validateConfig(
    path,
    faultFileSchema,
    parseConfigText(path, readInputText(path, path, MAX_CONFIG_BYTES), extname(path).toLowerCase() === '.json'),
  );
  const check = (id: number, field: string): void => {
    if (id >= orderers)
      throw new ConfigError(path, field, `orderer ${id} does not exist; the topology has orderers 0 … ${orderers - 1}`);
  };
  for (const id of Object.keys(faults.byzantine)) check(Number(id), `byzantine.${id}`);
  faults.events.forEach((event, i) => {
    if ('node' in event) check(event.node, `events.${i}.node`);
    if (event.kind === 'corrupt-write' && event.peer >= peers)
      throw new ConfigError(
        path,
        `events.${i}.peer`,
        `peer ${event.peer} does not exist; the topology has peers 0 … ${peers - 1}`,
      );
    if (event.kind === 'partition') event.groups.flat().forEach((id) => check(id, `events.${i}.groups`));
  });
  return faults;
}
