/**
 * The paper's seven remedies as changes to an architecture (or, for remedy 2, to the scenario), so
 * the study can add each alone to the CPU server and remove each alone from the 1M-TPS BPU.
 *
 * Adding a card engine to the CPU server takes the engine, its `serves` entries and the card's
 * plumbing — its PCIe link and the host driver's cycles per message it handles (scaled to the
 * server's clock) — from the BPU preset. Removing one from the BPU drops its `serves` entries, so
 * that work falls to the BPU's host cores. Remedy 2 (a signature whose verify cost stays constant
 * as endorsers grow) is the endorsement scheme: BLS aggregates, P-256 does not; the BPU preset is
 * sized for P-256 endorsements, so its row swaps the scheme instead of removing it. The BPU's
 * parallel, pipelined committer is its own (a change of structure, not one of the seven); the CPU
 * server keeps Fabric's serial committer throughout.
 */
import type { Architecture, EngineName, WorkKind } from '../engines/architecture.js';

export type EndorsementScheme = 'p256' | 'bls';

/** An architecture and the endorsement scheme it runs with. */
export interface StudyVariant {
  arch: Architecture;
  endorsementScheme: EndorsementScheme;
}

export interface Remedy {
  /** The paper's number, 1–7. */
  number: number;
  name: string;
  /** The card engine it adds, and the work kinds that engine takes (none for remedy 2). */
  engine: Exclude<EngineName, 'cpu'> | null;
  serves: readonly WorkKind[];
}

export const REMEDIES: readonly Remedy[] = [
  { number: 1, name: 'crypto engine', engine: 'crypto', serves: ['sign', 'verify', 'hash'] },
  { number: 2, name: 'aggregate endorsement signatures (BLS)', engine: null, serves: [] },
  { number: 3, name: 'serialisation engine', engine: 'serde', serves: ['encode', 'decode'] },
  { number: 4, name: 'DB engine with consistency checks', engine: 'db', serves: ['state'] },
  { number: 5, name: 'SC processor boards', engine: 'sc', serves: ['contract'] },
  { number: 6, name: 'NIC / TCP offload engine', engine: 'nic', serves: ['network'] },
  { number: 7, name: 'hardware BFT orderer', engine: 'bft', serves: ['consensus'] },
];

/** `base` with `remedy` taken from `card` (the BPU preset). */
export function addRemedy(base: StudyVariant, remedy: Remedy, card: Architecture): StudyVariant {
  if (remedy.engine === null) return { ...base, endorsementScheme: 'bls' };
  const arch = structuredClone(base.arch);
  const engines = arch.engines as Record<string, unknown>;
  engines[remedy.engine] = structuredClone(card.engines[remedy.engine]);
  for (const kind of remedy.serves) arch.serves[kind] = remedy.engine;
  if (arch.engines.hostLink === undefined && card.engines.hostLink !== undefined) {
    arch.engines.hostLink = structuredClone(card.engines.hostLink);
    // The driver's work per message is time on a core; the card's figure is in its host's cycles.
    const driverCycles = card.engines.cpu.cycles.controlPerMessage ?? 0;
    arch.engines.cpu.cycles.controlPerMessage = Math.round(
      (driverCycles * arch.engines.cpu.clockGHz) / card.engines.cpu.clockGHz,
    );
  }
  arch.name = `${base.arch.name} + ${remedy.name}`;
  return { ...base, arch };
}

/**
 * `base` without `remedy`: its work on the host cores. Remedy 2 is swapped rather than removed
 * when the base endorses with P-256 (as the BPU preset, sized for it, does): BLS instead.
 */
export function removeRemedy(base: StudyVariant, remedy: Remedy): StudyVariant {
  if (remedy.engine === null) return { ...base, endorsementScheme: base.endorsementScheme === 'bls' ? 'p256' : 'bls' };
  const arch = structuredClone(base.arch);
  for (const kind of remedy.serves) delete arch.serves[kind];
  arch.name = `${base.arch.name} − ${remedy.name}`;
  return { ...base, arch };
}
