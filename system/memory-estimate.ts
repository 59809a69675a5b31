/**
 * A run's peak memory, estimated before it starts, so a run too large for the host is refused up
 * front instead of growing for minutes until the system kills it.
 *
 * Linear in what grows: the world state (one shared copy for all peers, so per key, not per peer)
 * and the offered transactions (the tx-id index and per-transaction records). The coefficients come
 * from measured runs on this project's 2-core host (node 20): 1M SmallBank accounts and 1M offered
 * transactions on bpu-1m peaked at 1,811 MiB; a 10K-key run of 20K transactions at ≈ 210 MiB.
 * An estimate, deliberately on the high side; it shapes no simulated figure.
 */
const BASE_BYTES = 300 * 2 ** 20;
const BYTES_PER_KEY = 1_400;
const BYTES_PER_OFFERED_TX = 100;

export interface RunSize {
  /** Accounts or records in the genesis state. */
  keys: number;
  /** Transactions the run offers (rate × duration, or a trace's lines). */
  offeredTxs: number;
}

export function estimatePeakBytes(size: RunSize): number {
  return BASE_BYTES + size.keys * BYTES_PER_KEY + size.offeredTxs * BYTES_PER_OFFERED_TX;
}
