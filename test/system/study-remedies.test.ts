/**
 * The paper's seven remedies as architecture changes (system/study-remedies.ts): adding one to the
 * CPU server brings the engine, its work and the card's plumbing; removing one from the BPU sends
 * its work back to the host cores; remedy 2 is the endorsement scheme.
 */
import { describe, expect, it } from 'vitest';
import { loadArchitecture } from '../../system/index.js';
import { addRemedy, REMEDIES, removeRemedy } from '../../system/study-remedies.js';

const card = loadArchitecture('bpu-1m');
const cpu = { arch: loadArchitecture('cpu-64core'), endorsementScheme: 'p256' as const };
const remedy = (n: number) => REMEDIES.find((r) => r.number === n)!;

describe('remedies as architecture changes', () => {
  it('adding the crypto engine brings its pipelines, its work and the card plumbing, scaled to the host clock', () => {
    const added = addRemedy(cpu, remedy(1), card).arch;
    expect(added.engines.crypto).toEqual(card.engines.crypto);
    expect([added.serves.sign, added.serves.verify, added.serves.hash]).toEqual(['crypto', 'crypto', 'crypto']);
    expect(added.engines.hostLink).toEqual(card.engines.hostLink);
    const driverSeconds = (card.engines.cpu.cycles.controlPerMessage ?? 0) / card.engines.cpu.clockGHz;
    expect((added.engines.cpu.cycles.controlPerMessage ?? 0) / added.engines.cpu.clockGHz).toBeCloseTo(
      driverSeconds,
      0,
    );
    expect(cpu.arch.engines.crypto).toBeUndefined(); // the base is not touched
  });

  it('each card remedy serves exactly its work kinds, and removing it leaves the rest of the card alone', () => {
    const bpu = { arch: card, endorsementScheme: 'p256' as const };
    for (const r of REMEDIES.filter((x) => x.engine !== null)) {
      const added = addRemedy(cpu, r, card).arch;
      for (const kind of r.serves) expect(added.serves[kind]).toBe(r.engine);
      const removed = removeRemedy(bpu, r).arch;
      for (const kind of r.serves) expect(removed.serves[kind]).toBeUndefined();
      const others = Object.entries(card.serves).filter(([kind]) => !(r.serves as readonly string[]).includes(kind));
      for (const [kind, engine] of others) expect(removed.serves[kind as keyof typeof removed.serves]).toBe(engine);
    }
  });

  it('remedy 2 is the endorsement scheme: added means BLS, and the P-256 BPU swaps to BLS', () => {
    expect(addRemedy(cpu, remedy(2), card).endorsementScheme).toBe('bls');
    expect(removeRemedy({ arch: card, endorsementScheme: 'p256' }, remedy(2)).endorsementScheme).toBe('bls');
    expect(removeRemedy({ arch: card, endorsementScheme: 'bls' }, remedy(2)).endorsementScheme).toBe('p256');
  });
});
