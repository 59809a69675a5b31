/**
 * `bpusim datapath`: crypto-engine timing derived from microarchitecture. Without `--arch`, P-256
 * on the example datapaths at a clock, next to published engines; with it, every sign/verify
 * pipeline of that architecture given by a datapath and what was derived for it.
 */
import type { Command } from 'commander';
import { loadArchitecture } from '../engines/architecture.js';
import { derivedRows, PUBLISHED_ENGINES } from '../engines/crypto-datapath/published.js';
import { action } from './_action.js';
import { numberFlag } from './_parse.js';

interface DatapathFlags {
  clockGhz: number;
  arch?: string;
  json?: boolean;
}

const us = (value: number | null): string => (value === null ? '—' : value.toFixed(1));

function comparison(clockGHz: number, json: boolean): string {
  const derived = derivedRows(clockGHz);
  if (json) return JSON.stringify({ clockGHz, derived, published: PUBLISHED_ENGINES }, null, 2);
  const lines = [
    `P-256 on example datapaths at ${clockGHz} GHz (µs per operation, one operation at a time per engine; mean of 64 seeded scalars)`,
    '| datapath | generic verify | known-key verify | sign |',
    '| :-- | --: | --: | --: |',
    ...derived.map(
      (r) =>
        `| ${r.datapath} | ${us(r.genericVerifyUs)} (${r.genericAlgorithm}) | ${us(r.knownKeyVerifyUs)} | ${us(r.signUs)} (${r.signAlgorithm}) |`,
    ),
    '',
    'published engines',
    '| engine | clock GHz | generic verify | known-key verify | sign | source |',
    '| :-- | --: | --: | --: | --: | :-- |',
    ...PUBLISHED_ENGINES.map(
      (p) =>
        `| ${p.name} | ${p.clockGHz ?? '—'} | ${us(p.genericVerifyUs)} | ${us(p.knownKeyVerifyUs)} | ${us(p.signUs)} | ${p.source} |`,
    ),
  ];
  return lines.join('\n');
}

function archPipelines(source: string, json: boolean): string {
  const arch = loadArchitecture(source);
  const rows: { pipeline: string; lanes: number; latencyNs: number; genericLatencyNs: number | null }[] = [];
  for (const op of ['sign', 'verify'] as const)
    for (const [scheme, spec] of Object.entries(arch.engines.crypto?.[op] ?? {}))
      if (spec !== undefined && 'datapath' in spec)
        rows.push({
          pipeline: `${op}.${scheme}`,
          lanes: spec.lanes,
          latencyNs: spec.latencyNs,
          genericLatencyNs: spec.genericLatencyNs ?? null,
        });
  if (json) return JSON.stringify({ architecture: arch.name, pipelines: rows }, null, 2);
  if (rows.length === 0) return `${arch.name}: no sign or verify pipeline is given by a datapath`;
  return [
    `${arch.name}: pipelines derived from their datapath`,
    ...rows.map(
      (r) =>
        `  ${r.pipeline}: ${r.lanes} lanes, ${us(r.latencyNs / 1000)} µs per operation${r.genericLatencyNs === null ? '' : `, ${us(r.genericLatencyNs / 1000)} µs against a client's key`}`,
    ),
  ].join('\n');
}

export function registerDatapath(program: Command): void {
  program
    .command('datapath')
    .description(
      "crypto-engine timing derived from its datapath: example datapaths beside published engines, or an architecture's",
    )
    .option(
      '--clock-ghz <GHz>',
      'clock of the example datapaths',
      numberFlag('--clock-ghz', 0, 10, { exclusiveMin: true }),
      0.25,
    )
    .option('--arch <preset|file>', "print this architecture's datapath-derived pipelines instead")
    .option('--json', 'print JSON')
    .action(
      action((flags: DatapathFlags) => {
        process.stdout.write(
          `${flags.arch === undefined ? comparison(flags.clockGhz, flags.json === true) : archPipelines(flags.arch, flags.json === true)}\n`,
        );
      }),
    );
}
