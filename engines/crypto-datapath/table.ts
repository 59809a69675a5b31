/**
 * The example tables of docs/crypto-datapath.md: derived cycles and µs per verify and sign on a few
 * example datapaths, for P-256 and for Ed25519. Print them with
 *   npx tsc -p tsconfig.json && node --input-type=module -e \
 *     "const t = await import('./dist/engines/crypto-datapath/table.js');
 *      console.log(t.exampleTableMarkdown('p256') + '\n\n' + t.exampleTableMarkdown('ed25519'))"
 * (a test checks the doc holds this output, up to the column padding the formatter adds).
 */
import type { SchemeName } from './curves.js';
import type { DatapathSpec } from './datapath.js';
import type { ScalarMulAlgorithm } from './plan.js';
import { deriveCryptoTiming } from './timing.js';

const CLOCK_GHZ = 0.5;
const TABLE_BYTES = 256 * 1024;

export const EXAMPLE_DATAPATHS: Readonly<Record<string, DatapathSpec>> = {
  'A: 1 mul, not pipelined (36 cycles), no table': {
    clockGHz: CLOCK_GHZ,
    multipliers: { count: 1, latencyCycles: 36, initiationIntervalCycles: 36 },
    adders: { count: 1, latencyCycles: 1 },
    registerFile: { readPorts: 2, writePorts: 1 },
  },
  'B: 1 mul, pipelined (8 cycles)': {
    clockGHz: CLOCK_GHZ,
    multipliers: { count: 1, latencyCycles: 8, initiationIntervalCycles: 1 },
    adders: { count: 2, latencyCycles: 1 },
    registerFile: { readPorts: 4, writePorts: 2 },
    tableMemory: { bytes: TABLE_BYTES, latencyCycles: 2 },
  },
  'C: 2 mul, pipelined (8 cycles)': {
    clockGHz: CLOCK_GHZ,
    multipliers: { count: 2, latencyCycles: 8, initiationIntervalCycles: 1 },
    adders: { count: 2, latencyCycles: 1 },
    registerFile: { readPorts: 6, writePorts: 3 },
    tableMemory: { bytes: TABLE_BYTES, latencyCycles: 2 },
  },
  'D: 4 mul, pipelined (8 cycles)': {
    clockGHz: CLOCK_GHZ,
    multipliers: { count: 4, latencyCycles: 8, initiationIntervalCycles: 1 },
    adders: { count: 4, latencyCycles: 1 },
    registerFile: { readPorts: 12, writePorts: 6 },
    tableMemory: { bytes: TABLE_BYTES, latencyCycles: 2 },
  },
  'E: as D + inverter (256 cycles)': {
    clockGHz: CLOCK_GHZ,
    multipliers: { count: 4, latencyCycles: 8, initiationIntervalCycles: 1 },
    adders: { count: 4, latencyCycles: 1 },
    inverter: { latencyCycles: 256, initiationIntervalCycles: 256 },
    registerFile: { readPorts: 12, writePorts: 6 },
    tableMemory: { bytes: TABLE_BYTES, latencyCycles: 2 },
  },
};

interface Column {
  readonly title: string;
  readonly op: 'verify' | 'sign';
  readonly algorithm: ScalarMulAlgorithm;
  readonly knownKey: boolean;
}

export const EXAMPLE_COLUMNS: readonly Column[] = [
  { title: 'verify, double-and-add', op: 'verify', algorithm: { name: 'double-and-add' }, knownKey: false },
  { title: 'verify, shamir', op: 'verify', algorithm: { name: 'shamir' }, knownKey: false },
  { title: 'verify, wnaf w=5', op: 'verify', algorithm: { name: 'wnaf', windowBits: 5 }, knownKey: false },
  {
    title: 'verify, comb t=6 + wnaf w=5',
    op: 'verify',
    algorithm: { name: 'comb', teeth: 6, variableBaseWindowBits: 5 },
    knownKey: false,
  },
  {
    title: 'verify known key, comb t=6',
    op: 'verify',
    algorithm: { name: 'comb', teeth: 6, variableBaseWindowBits: 5 },
    knownKey: true,
  },
  {
    title: 'sign, comb t=6',
    op: 'sign',
    algorithm: { name: 'comb', teeth: 6, variableBaseWindowBits: 5 },
    knownKey: false,
  },
];

function cell(scheme: SchemeName, datapath: DatapathSpec, column: Column): string {
  const needsTable = column.algorithm.name === 'comb';
  if (needsTable && datapath.tableMemory === undefined) return '—';
  const timing = deriveCryptoTiming({ scheme, datapath, ...column });
  return `${Math.round(timing.cyclesPerOp)} / ${(timing.latencyNs / 1000).toFixed(1)}`;
}

/** Markdown with table padding collapsed: the formatter pads columns, the content is the same. */
export function unpadded(markdown: string): string {
  return markdown.replace(/-{3,}/g, '---').replace(/ {2,}/g, ' ');
}

/** The markdown table: cycles / µs per operation, mean over the default 64-scalar sample. */
export function exampleTableMarkdown(scheme: SchemeName): string {
  const header = `| ${scheme} on datapath (${CLOCK_GHZ} GHz) | ${EXAMPLE_COLUMNS.map((c) => c.title).join(' | ')} |`;
  const rule = `| --- | ${EXAMPLE_COLUMNS.map(() => '---:').join(' | ')} |`;
  const rows = Object.entries(EXAMPLE_DATAPATHS).map(
    ([name, datapath]) => `| ${name} | ${EXAMPLE_COLUMNS.map((c) => cell(scheme, datapath, c)).join(' | ')} |`,
  );
  return [header, rule, ...rows].join('\n');
}
