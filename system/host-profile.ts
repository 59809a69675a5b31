/**
 * Where the host's CPU goes during a run, by part of the simulator: a V8 sampling profile of the
 * run (node:inspector, in-process) with each sample charged to the first part found walking from
 * the sampled function towards the root. So a buffer allocated while hashing counts as hashing,
 * and a chaincode call made by the endorser counts as the ledger's function.
 *
 * A benchmark's figure (host time), never an input to a simulated result.
 */
import { Session } from 'node:inspector';

export const HOST_PARTS = [
  'ledger',
  'hashing',
  'encoding',
  'modeledCrypto',
  'signatures',
  'engines+kernel',
  'system',
  'workload',
  'gc',
  'other',
] as const;
export type HostPart = (typeof HOST_PARTS)[number];

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** The part one frame belongs to, or null when it says nothing (a built-in, an anonymous helper). */
function partOf(frame: ProfileNode['callFrame']): HostPart | null {
  const { url, functionName } = frame;
  if (functionName === '(garbage collector)') return 'gc';
  if (url.includes('msgpackr') || url.endsWith('/ledger/codec.js')) return 'encoding';
  if (url.endsWith('/ledger/hash.js') || url.endsWith('/state/state-hash.js') || url.includes('noble/hashes'))
    return 'hashing';
  if (url.includes('internal/crypto/hash')) return 'hashing';
  return signaturePart(frame) ?? (url.includes('/ledger/') ? 'ledger' : otherPart(url));
}

/**
 * Signature work: the modeled provider (its tags are SHA-256), or a real one (node:crypto, the
 * native P-256 binding, noble). It takes precedence over what it calls, so a modeled signature's
 * hashing counts as modeled crypto, not as the ledger's hashing.
 */
function signaturePart(frame: ProfileNode['callFrame']): HostPart | null {
  const { url } = frame;
  if (url.endsWith('/crypto/modeled-provider.js')) return 'modeledCrypto';
  const provider = url.includes('/ledger/crypto/') && !url.endsWith('/signing.js') && !url.endsWith('/verify-cache.js');
  return provider || url.includes('noble/curves') ? 'signatures' : null;
}

function otherPart(url: string): HostPart | null {
  if (url.includes('/engines/') || url.includes('/sim/')) return 'engines+kernel';
  if (url.includes('/system/')) return 'system';
  if (url.includes('/workloads/')) return 'workload';
  return null;
}

/** Seconds of host CPU per part in `profile`. */
export function partSeconds(profile: CpuProfile): Record<HostPart, number> {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const partById = new Map<number, HostPart>();
  const signatureById = new Map<number, HostPart | null>();
  // The nearest enclosing signature frame, if any (memoized walk towards the root).
  const inSignature = (id: number): HostPart | null => {
    const known = signatureById.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const part =
      (node === undefined ? null : signaturePart(node.callFrame)) ?? (up === undefined ? null : inSignature(up));
    signatureById.set(id, part);
    return part;
  };
  const nearest = (id: number): HostPart => {
    const known = partById.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id);
    const up = parent.get(id);
    const part = (node === undefined ? null : partOf(node.callFrame)) ?? (up === undefined ? 'other' : nearest(up));
    partById.set(id, part);
    return part;
  };
  const resolve = (id: number): HostPart => {
    const leaf = nearest(id);
    return leaf === 'gc' ? leaf : (inSignature(id) ?? leaf);
  };
  const seconds = Object.fromEntries(HOST_PARTS.map((part) => [part, 0])) as Record<HostPart, number>;
  profile.samples.forEach((id, i) => {
    seconds[resolve(id)] += (profile.timeDeltas[i] ?? 0) / 1e6;
  });
  return seconds;
}

/** Runs `work` under the sampling profiler; returns its result and the host seconds per part. */
export function profiled<T>(work: () => T): { result: T; seconds: Record<HostPart, number> } {
  const session = new Session();
  session.connect();
  // An in-process session answers synchronously.
  let profile: CpuProfile | null = null;
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  session.post('Profiler.start');
  try {
    const result = work();
    session.post('Profiler.stop', (error, answer) => {
      if (error === null) profile = (answer as { profile: CpuProfile }).profile;
    });
    if (profile === null) throw new Error('the CPU profiler returned no profile');
    return { result, seconds: partSeconds(profile) };
  } finally {
    session.disconnect();
  }
}
