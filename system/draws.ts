/**
 * Workload draws backed by one of the kernel's named PRNG streams (workloads/ import no simulator
 * code, so the CLI builds this adapter). Zipf tables are built once per (n, θ) and reused.
 */
import { Zipf, type RandomStream } from '../sim/index.js';
import type { Draws } from '../workloads/draws.js';

export function makeDraws(rng: RandomStream): Draws {
  const zipfs = new Map<string, Zipf>();
  return {
    random: () => rng.random(),
    int: (n) => rng.int(n),
    zipfRank(n, theta) {
      const key = `${n}/${theta}`;
      let zipf = zipfs.get(key);
      if (zipf === undefined) {
        zipf = new Zipf(n, theta);
        zipfs.set(key, zipf);
      }
      return zipf.sample(rng);
    },
  };
}
