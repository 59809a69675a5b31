/**
 * Energy: each engine's idle (static) power over the run plus its energy per operation, giving
 * joules per node and per committed transaction. An engine's operation is what it is charged for:
 * a busy core-cycle (CPU, SC boards), a signature issue slot (sign/verify pipelines: a generic
 * verify on a known-key engine takes several), a byte (SHA-256 cores, serde, NIC/TOE, host link,
 * block store), a state access and a cache miss (DB engine), a consensus message (BFT engine).
 *
 * An engine without an `energy` section but with a nameplate `powerW` draws that power the whole
 * run (a conservative bound: as if always busy); one with neither counts zero (basis `none`, so a
 * report shows what it left out). The report says which basis each engine used, so a per-operation
 * figure is never mistaken for a nameplate one.
 */
import { z } from 'zod';
import type { Scheme } from '../ledger/receipt.js';

const nonNegative = z.number().nonnegative();
const idleW = nonNegative.default(0);

export const cycleEnergySchema = z.object({ idleW, pjPerCycle: nonNegative }).strict();
export const slotEnergySchema = z.object({ idleW, njPerOp: nonNegative }).strict();
export const byteEnergySchema = z.object({ idleW, pjPerByte: nonNegative }).strict();
export const dbEnergySchema = z.object({ idleW, njPerAccess: nonNegative, njPerMiss: nonNegative.default(0) }).strict();
export const messageEnergySchema = z.object({ idleW, njPerMessage: nonNegative }).strict();

/** What a node's engines did over a run, in each engine's unit of energy. */
export interface EngineUsage {
  cpuCycles: number;
  scCycles: number;
  /** Issue slots per scheme of the sign and verify pipelines. */
  signSlots: Partial<Record<Scheme, number>>;
  verifySlots: Partial<Record<Scheme, number>>;
  hashBytes: number;
  serdeBytes: number;
  nicBytes: number;
  hostLinkBytes: number;
  storageBytes: number;
  dbAccesses: number;
  dbMisses: number;
  bftMessages: number;
}

export function emptyUsage(): EngineUsage {
  return {
    cpuCycles: 0,
    scCycles: 0,
    signSlots: {},
    verifySlots: {},
    hashBytes: 0,
    serdeBytes: 0,
    nicBytes: 0,
    hostLinkBytes: 0,
    storageBytes: 0,
    dbAccesses: 0,
    dbMisses: 0,
    bftMessages: 0,
  };
}

/** One node's engines and what they did (the input of `nodeEnergy`). */
export interface NodeUsage {
  engines: EnergyEngines;
  usage: EngineUsage;
}

export type EnergyBasis = 'per-op' | 'nameplate' | 'none';

/** One engine's energy over a run and what it rests on. */
export interface EngineEnergy {
  engine: string;
  joules: number;
  basis: EnergyBasis;
}

type Energy<T> = { energy?: T | undefined; powerW?: number | undefined } | undefined;
type SlotSpec = { lanes: number; energy?: z.infer<typeof slotEnergySchema> | undefined; powerW?: number | undefined };
type Slots = { [K in Scheme]?: SlotSpec | undefined };

/** The engines of an architecture as far as energy is concerned (a structural view of `Architecture['engines']`). */
export interface EnergyEngines {
  cpu: Energy<z.infer<typeof cycleEnergySchema>>;
  crypto?:
    | {
        powerW?: number | undefined;
        sign: Slots;
        verify: Slots;
        hash?: Energy<z.infer<typeof byteEnergySchema>>;
      }
    | undefined;
  db?: Energy<z.infer<typeof dbEnergySchema>>;
  sc?: (Energy<z.infer<typeof cycleEnergySchema>> & { boards: number }) | undefined;
  serde?: Energy<z.infer<typeof byteEnergySchema>>;
  nic?: Energy<z.infer<typeof byteEnergySchema>>;
  hostLink?: Energy<z.infer<typeof byteEnergySchema>>;
  bft?: Energy<z.infer<typeof messageEnergySchema>>;
  storage?: Energy<z.infer<typeof byteEnergySchema>>;
}

/**
 * A node's energy over `seconds` of simulated time, engine by engine (only engines it has).
 * SC boards' idle power and nameplate are per board; a pipeline's per lane.
 */
export function nodeEnergy(engines: EnergyEngines, usage: EngineUsage, seconds: number): EngineEnergy[] {
  const out: EngineEnergy[] = [];
  const add = <T extends { idleW: number }>(
    engine: string,
    spec: Energy<T>,
    dynamicJ: (energy: T) => number,
    count = 1,
  ): void => {
    if (spec === undefined) return;
    if (spec.energy !== undefined)
      out.push({ engine, joules: spec.energy.idleW * count * seconds + dynamicJ(spec.energy), basis: 'per-op' });
    else if (spec.powerW !== undefined) out.push({ engine, joules: spec.powerW * count * seconds, basis: 'nameplate' });
    else out.push({ engine, joules: 0, basis: 'none' });
  };
  add('cpu', engines.cpu, (e) => usage.cpuCycles * e.pjPerCycle * 1e-12);
  const crypto = engines.crypto;
  if (crypto?.powerW !== undefined) out.push({ engine: 'crypto', joules: crypto.powerW * seconds, basis: 'nameplate' });
  for (const [kind, table, slots] of [
    ['sign', crypto?.sign, usage.signSlots],
    ['verify', crypto?.verify, usage.verifySlots],
  ] as const)
    for (const [scheme, spec] of Object.entries(table ?? {}) as [Scheme, SlotSpec | undefined][])
      add(`crypto.${kind}.${scheme}`, spec, (e) => (slots[scheme] ?? 0) * e.njPerOp * 1e-9, spec?.lanes ?? 0);
  add('crypto.hash', crypto?.hash, (e) => usage.hashBytes * e.pjPerByte * 1e-12);
  add('db', engines.db, (e) => (usage.dbAccesses * e.njPerAccess + usage.dbMisses * e.njPerMiss) * 1e-9);
  add('sc', engines.sc, (e) => usage.scCycles * e.pjPerCycle * 1e-12, engines.sc?.boards ?? 0);
  add('serde', engines.serde, (e) => usage.serdeBytes * e.pjPerByte * 1e-12);
  add('nic', engines.nic, (e) => usage.nicBytes * e.pjPerByte * 1e-12);
  add('hostLink', engines.hostLink, (e) => usage.hostLinkBytes * e.pjPerByte * 1e-12);
  add('bft', engines.bft, (e) => usage.bftMessages * e.njPerMessage * 1e-9);
  add('storage', engines.storage, (e) => usage.storageBytes * e.pjPerByte * 1e-12);
  return out;
}
