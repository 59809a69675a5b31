/** Table memory an algorithm needs resident: the generator's table and one known key's table. */
import { tableEntryBytes } from './curves.js';
import type { CryptoScalars, PlanOptions } from './plan.js';

export interface TableBytes {
  /** The generator's precomputed table (shared by every operation). */
  readonly generatorTableBytes: number;
  /** One known key's precomputed table: the table memory holds one per key it serves. */
  readonly perKeyTableBytes: number;
}

/** Table memory an algorithm uses: entries × the curve's entry size. */
export function tableBytesOf(op: CryptoScalars['op'], options: PlanOptions): TableBytes {
  const entryBytes = tableEntryBytes(options.curve);
  const { algorithm } = options;
  const knownQ = op === 'verify' && options.knownKey && options.precomputedTables;
  let entries = 0;
  let keyEntries = 0;
  if (algorithm.name === 'wnaf' && options.precomputedTables) {
    entries = 1 << (algorithm.windowBits - 2);
    keyEntries = knownQ ? entries : 0;
  } else if (algorithm.name === 'comb') {
    entries = (1 << algorithm.teeth) - 1;
    keyEntries = knownQ ? entries : 0;
  } else if (algorithm.name === 'shamir') {
    keyEntries = knownQ ? 1 : 0;
  }
  return { generatorTableBytes: entries * entryBytes, perKeyTableBytes: keyEntries * entryBytes };
}
