/**
 * Published systems the model predicts without being fitted to them (`bpusim validate
 * --published`). Each case names a preset built from component figures only, the scenario of the
 * publication as far as it is known (with how it is known), what the publication measured, and its
 * figure with the source. The prediction is the same measurement in the simulator: the capacity of
 * the whole network (system/capacity.ts) for an end-to-end figure, or the validator bench
 * (system/validator-bench.ts) for a validator's commit throughput. Predictions are the point: no
 * preset figure may be set from these results.
 */
import { type Architecture, loadArchitecture } from '../engines/architecture.js';
import { findCapacity, scenarioRunAt } from './capacity.js';
import { SCENARIO_DEFAULTS } from './scenario.js';
import { loadTopology, type Topology } from './topology.js';
import { benchValidator } from './validator-bench.js';

/** How the case's figure or scenario is known. */
export type Provenance = 'found' | 'secondary' | 'derived' | 'recalled';

export interface PublishedCase {
  readonly id: string;
  readonly system: string;
  readonly preset: string;
  /** Cores of the publication's server where it differs from the preset's. */
  readonly cores?: number;
  readonly measures: 'end-to-end' | 'validator';
  readonly publishedTps: number;
  readonly figureSource: string;
  readonly figureProvenance: Provenance;
  readonly scenario: {
    readonly workload: string;
    readonly keys: number;
    readonly orgs: number;
    readonly policy: string;
    readonly blockSize: number;
  };
  readonly scenarioProvenance: Provenance;
  readonly scenarioNote: string;
}

const FASTFABRIC_SCENARIO = {
  workload: 'smallbank',
  keys: 100_000,
  orgs: 2,
  policy: "OR('Org1MSP.peer', 'Org2MSP.peer')",
  blockSize: 100,
} as const;

const BLOCKCHAIN_MACHINE_SCENARIO = {
  workload: 'smallbank',
  keys: 100_000,
  orgs: 3,
  policy: "AND('Org1MSP.peer', 'Org2MSP.peer')",
  blockSize: 100,
} as const;

export const PUBLISHED_CASES: readonly PublishedCase[] = [
  {
    id: 'fabric-1.2-baseline',
    system: 'Fabric 1.2, the baseline of FastFabric',
    preset: 'fabric-1.4',
    measures: 'end-to-end',
    publishedTps: 3_000,
    figureSource: 'Gorenflo, Lee, Golab, Keshav, "FastFabric", ICBC 2019, abstract: "from 3,000 to 20,000"',
    figureProvenance: 'found',
    scenario: FASTFABRIC_SCENARIO,
    scenarioProvenance: 'recalled',
    scenarioNote: 'money transfers, one endorsement, 100-transaction blocks (recalled from the paper, unverified)',
  },
  {
    id: 'fastfabric',
    system: 'FastFabric',
    preset: 'fastfabric',
    measures: 'end-to-end',
    publishedTps: 20_000,
    figureSource: 'Gorenflo et al., ICBC 2019, title and abstract',
    figureProvenance: 'found',
    scenario: FASTFABRIC_SCENARIO,
    scenarioProvenance: 'recalled',
    scenarioNote: 'as the baseline; the separate storage server for blocks is not modelled',
  },
  {
    id: 'fabric-1.1-validator',
    system: 'Fabric 1.1 validator peer, LevelDB (Javaid et al. 2019, before their optimisations)',
    preset: 'fabric-1.4',
    cores: 16,
    measures: 'validator',
    publishedTps: 2_178,
    figureSource: 'Javaid, Hu, Brebner, "Optimizing Validation Phase of Hyperledger Fabric", MASCOTS 2019',
    figureProvenance: 'secondary',
    scenarioProvenance: 'secondary',
    scenario: BLOCKCHAIN_MACHINE_SCENARIO,
    scenarioNote:
      'SmallBank on a 16-CPU server (a summary of the paper); policy and block size as the Blockchain Machine sample',
  },
  {
    id: 'blockchain-machine',
    system: 'Blockchain Machine validator peer (FPGA)',
    preset: 'fpga-validator',
    measures: 'validator',
    publishedTps: 95_600,
    figureSource: 'Javaid, Yang, Santoso et al., "Blockchain Machine", ICDCS 2022, abstract: "up to 95,600 tps"',
    figureProvenance: 'found',
    scenario: BLOCKCHAIN_MACHINE_SCENARIO,
    scenarioProvenance: 'found',
    scenarioNote:
      "SmallBank, AND of 2 of 3 organisations, 100-transaction blocks: the fabric-machine repository's sample configuration",
  },
];

export interface PublishedPrediction {
  readonly case: PublishedCase;
  readonly predictedTps: number;
  /** (predicted − published) / published, in %. */
  readonly errorPct: number;
  readonly bottleneck: string;
}

export interface PublishedOptions {
  /** Simulated time of each end-to-end run and blocks of each validator bench (smaller: faster, rougher). */
  readonly duration: string;
  readonly validatorBlocks: number;
  readonly seed: number;
  readonly log?: (line: string) => void;
}

/** The case's topology: the dc preset's links, with the publication's organisations, policy and block size. */
function caseTopology(c: PublishedCase): Topology {
  const dc = loadTopology('dc');
  const org = dc.orgs[0] as Topology['orgs'][number];
  return {
    ...dc,
    name: `published:${c.id}`,
    orgs: Array.from({ length: c.scenario.orgs }, () => ({ ...org, peers: 1 })),
    endorsementPolicy: c.scenario.policy,
    batch: { ...dc.batch, maxMessageCount: c.scenario.blockSize },
  };
}

function caseArchitecture(c: PublishedCase): Architecture {
  const arch = loadArchitecture(c.preset);
  if (c.cores === undefined) return arch;
  return { ...arch, engines: { ...arch.engines, cpu: { ...arch.engines.cpu, cores: c.cores } } };
}

export function predictPublished(c: PublishedCase, options: PublishedOptions): PublishedPrediction {
  const arch = caseArchitecture(c);
  const topology = caseTopology(c);
  const runAt = scenarioRunAt(
    {
      ...SCENARIO_DEFAULTS,
      arch: c.preset,
      workload: c.scenario.workload,
      keys: c.scenario.keys,
      duration: options.duration,
      seed: options.seed,
    },
    arch,
    topology,
  );
  if (c.measures === 'validator') {
    const bench = benchValidator(runAt(1_000, 0), options.validatorBlocks);
    return prediction(c, bench.commitTps, `${bench.validator}.${bench.bottleneck.engine}`);
  }
  const capacity = findCapacity(runAt, {
    startTps: 1_000,
    maxTps: 2_000_000,
    tolerance: 0.05,
    onPoint: (p) =>
      options.log?.(
        `${c.id}: ${p.offeredTps} offered → ${p.committedTps} committed${p.holds ? '' : ' (does not hold)'}`,
      ),
  });
  return prediction(c, capacity.capacityTps, capacity.bottleneckAtKnee);
}

function prediction(c: PublishedCase, predictedTps: number, bottleneck: string): PublishedPrediction {
  const rounded = Math.round(predictedTps);
  return {
    case: c,
    predictedTps: rounded,
    errorPct: Number((((rounded - c.publishedTps) / c.publishedTps) * 100).toFixed(1)),
    bottleneck,
  };
}
