/**
 * The randomness a workload generator may use. Workloads import no simulator code (the project's design rules), so
 * the caller hands in this interface, backed by one of its named PRNG streams.
 */
export interface Draws {
  /** Uniform in [0, 1). */
  random(): number;
  /** Uniform integer in [0, n). */
  int(n: number): number;
  /** Zipfian rank in [0, n), rank 0 hottest, with exponent theta. */
  zipfRank(n: number, theta: number): number;
}
