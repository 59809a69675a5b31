/**
 * Published crypto-engine figures next to what the datapath model derives for a few datapaths at
 * the same clock: the comparison `bpusim datapath` prints and the README shows. The published
 * engines' own datapaths are not described in enough detail to model them one to one, so the rows
 * bracket them rather than reproduce them.
 */
import type { DatapathSpec } from './datapath.js';
import { EXAMPLE_DATAPATHS } from './table.js';
import { deriveCryptoTiming } from './timing.js';

export interface PublishedEngine {
  name: string;
  source: string;
  clockGHz: number | null;
  genericVerifyUs: number | null;
  knownKeyVerifyUs: number | null;
  signUs: number | null;
}

export const PUBLISHED_ENGINES: readonly PublishedEngine[] = [
  {
    name: 'FPGA ECDSA verify engine, Alveo U250',
    source: 'Agrawal, Yang, Javaid 2021, "Efficient FPGA-based ECDSA Verification Engine for Permissioned Blockchains"',
    clockGHz: 0.25,
    genericVerifyUs: 760,
    knownKeyVerifyUs: 368,
    signUs: null,
  },
  {
    name: 'Xilinx Vitis Security Library ecdsa_nistp256 (L1)',
    source: 'Vitis Libraries documentation, security library L1, ecdsa_nistp256',
    clockGHz: null,
    genericVerifyUs: 520,
    knownKeyVerifyUs: null,
    signUs: 110,
  },
  {
    name: 'ASIC low-latency ECDSA verify (NXP)',
    source:
      'Knezevic, Nikov, Rombouts, "Low-Latency ECDSA Signature Verification" (up to ≈ 27,000 verify/s; configuration ambiguous)',
    clockGHz: null,
    genericVerifyUs: 37,
    knownKeyVerifyUs: null,
    signUs: null,
  },
];

export interface DerivedRow {
  datapath: string;
  clockGHz: number;
  genericVerifyUs: number;
  genericAlgorithm: string;
  knownKeyVerifyUs: number | null;
  signUs: number;
  signAlgorithm: string;
}

const comb = { name: 'comb', teeth: 6, variableBaseWindowBits: 5 } as const;
const shamir = { name: 'shamir' } as const;
const wnaf5 = { name: 'wnaf', windowBits: 5 } as const;

/**
 * The example datapaths, plus the smallest one given a table memory: one multiplier that is not
 * pipelined is the closest of them to a compact FPGA engine such as the U250 one above.
 */
const COMPARED_DATAPATHS = Object.entries({
  ...EXAMPLE_DATAPATHS,
  'A+T: as A, with a table memory': {
    ...(EXAMPLE_DATAPATHS['A: 1 mul, not pipelined (36 cycles), no table'] as DatapathSpec),
    tableMemory: { bytes: 256 * 1024, latencyCycles: 2 },
  },
});

/** P-256 on each compared datapath at `clockGHz`: the best generic verify, a known-key verify and a sign it supports. */
export function derivedRows(clockGHz: number): DerivedRow[] {
  return COMPARED_DATAPATHS.map(([name, example]) => {
    const datapath = { ...example, clockGHz };
    const tables = datapath.tableMemory !== undefined;
    const us = (op: 'verify' | 'sign', algorithm: typeof comb | typeof shamir | typeof wnaf5, knownKey: boolean) =>
      deriveCryptoTiming({ scheme: 'p256', op, algorithm, datapath, knownKey }).latencyNs / 1000;
    const generic = tables ? us('verify', comb, false) : us('verify', shamir, false);
    return {
      datapath: name,
      clockGHz,
      genericVerifyUs: generic,
      genericAlgorithm: tables ? 'comb t=6 for G + wnaf w=5 for Q' : 'shamir',
      knownKeyVerifyUs: tables ? us('verify', comb, true) : null,
      signUs: tables ? us('sign', comb, false) : us('sign', wnaf5, false),
      signAlgorithm: tables ? 'comb t=6' : 'wnaf w=5',
    };
  });
}
