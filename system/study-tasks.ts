/**
 * The study's units of work, as plain data a worker thread can take: a capacity search, a run at a
 * fixed rate, or one assumed figure of the sensitivity table. Each is deterministic on its own
 * (its own seed and scenario), so the study's result is the same whichever thread ran which task,
 * and however many threads there were.
 */
import type { Architecture } from '../engines/architecture.js';
import {
  type CapacityResult,
  findCapacity,
  findCapacityFrom,
  peerAsOne,
  type RunAtRate,
  scenarioRunAt,
  SEARCH_GENESIS_IMAGES,
} from './capacity.js';
import { runSystem } from './run-system.js';
import { SCENARIO_DEFAULTS, type Scenario } from './scenario.js';
import { type SensitivityRow, sensitivityRow } from './sensitivity.js';
import type { EndorsementScheme } from './study-remedies.js';
import type { Topology } from './topology.js';

/** What every task runs on: an architecture, its endorsement scheme, a workload and a topology. */
export interface StudyScenario {
  readonly arch: Architecture;
  readonly scheme: EndorsementScheme;
  readonly workload: string;
  readonly keys: number;
  readonly topology: Topology;
  readonly ordering: 'solo' | 'raft' | 'pbft';
  readonly seed: number;
}

export interface RunLength {
  readonly blocks: number;
  readonly arrivals: number;
}

export type StudyTask =
  | {
      readonly kind: 'search';
      readonly scenario: StudyScenario;
      readonly startTps: number;
      /** Start near this rate (a neighbouring scenario's capacity) instead of doubling from startTps. */
      readonly warm: boolean;
      readonly tolerance: number;
      readonly runLength: RunLength;
    }
  | { readonly kind: 'run'; readonly scenario: StudyScenario; readonly rateTps: number; readonly runLength: RunLength }
  | {
      readonly kind: 'sensitivity';
      readonly scenario: StudyScenario;
      readonly path: string;
      readonly factor: number;
      readonly base: { readonly capacityTps: number; readonly bottleneckAtKnee: string; readonly fingerprint: string };
      readonly tolerance: number;
      readonly runLength: RunLength;
    };

/** A run at a fixed offered rate, as the organisations table shows it. */
export interface FixedRateOutcome {
  readonly offeredTps: number;
  readonly committedTps: number;
  /** Mean time from a block's arrival at a peer to its transactions' validation codes. */
  readonly validateMeanMs: number;
  readonly p50LatencyMs: number;
  readonly bottleneck: string;
  readonly bottleneckUtilisation: number;
}

export type StudyTaskResult =
  | { readonly kind: 'search'; readonly result: CapacityResult }
  | { readonly kind: 'run'; readonly result: FixedRateOutcome }
  | { readonly kind: 'sensitivity'; readonly result: SensitivityRow };

function scenarioOf(s: StudyScenario): Scenario {
  return {
    ...SCENARIO_DEFAULTS,
    workload: s.workload,
    keys: s.keys,
    seed: s.seed,
    endorsementScheme: s.scheme,
    ordering: s.ordering,
    duration: '100ms',
  };
}

/** The runs of `s` at any rate, on `arch` (the scenario's own or a variant of it). */
export function studyRunAt(s: StudyScenario, arch: Architecture): RunAtRate {
  return scenarioRunAt(scenarioOf(s), arch, s.topology);
}

export function runStudyTask(task: StudyTask): StudyTaskResult {
  const { scenario } = task;
  const runAt = (arch: Architecture) => studyRunAt(scenario, arch);
  switch (task.kind) {
    case 'search': {
      const options = { tolerance: task.tolerance, runLength: task.runLength };
      const result = task.warm
        ? findCapacityFrom(runAt(scenario.arch), task.startTps, options)
        : findCapacity(runAt(scenario.arch), { ...options, startTps: task.startTps, maxTps: 10_000_000 });
      return { kind: 'search', result };
    }
    case 'run': {
      const minArrivals = Math.max(
        task.runLength.arrivals,
        task.runLength.blocks * scenario.topology.batch.maxMessageCount,
      );
      const r = runSystem({
        ...runAt(scenario.arch)(task.rateTps, minArrivals / task.rateTps),
        genesisImages: SEARCH_GENESIS_IMAGES,
      });
      return {
        kind: 'run',
        result: {
          offeredTps: task.rateTps,
          committedTps: r.committedTps,
          validateMeanMs: r.phasesMs.validate.meanMs,
          p50LatencyMs: r.latencyMs.p50,
          bottleneck: peerAsOne(`${r.bottleneck.node}.${r.bottleneck.engine}`),
          bottleneckUtilisation: r.bottleneck.utilisation,
        },
      };
    }
    case 'sensitivity':
      return {
        kind: 'sensitivity',
        result: sensitivityRow(scenario.arch, task.path, task.factor, runAt, task.base, {
          tolerance: task.tolerance,
          runLength: task.runLength,
        }),
      };
  }
}
