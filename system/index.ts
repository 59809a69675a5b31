/**
 * bpusim's library API: the simulated network, for researchers who script experiments. The CLI is
 * one client of it. Load an architecture or topology (a preset name or a file), run a scenario
 * and get the report object that `bpusim run` writes, or run one architecture alone and get its
 * result; sizing, scalability and consensus experiments are here too.
 *
 * ```ts
 * import { buildRunReport } from 'bpusim/system';
 * const report = buildRunReport({ ...SCENARIO_DEFAULTS, rate: 20_000, duration: '200ms', crypto: 'modeled' });
 * console.log(report.results.arch.committedTps, report.ratios?.committedTps);
 * ```
 */
export { type Architecture, ARCH_PRESETS, loadArchitecture } from '../engines/architecture.js';
export type { ArchResult, EngineStats, PhaseSummary, RunReport } from '../reports/run-report.js';
export { formatSummary } from '../reports/summary.js';
export { type BenchRunOptions, benchRun } from './bench-run.js';
export {
  type ByzantineMode,
  CONSENSUS_DEFAULTS,
  type ConsensusRunOptions,
  type ConsensusRunResult,
  type ConsensusSweepOptions,
  faultTolerance,
  type Protocol,
  runConsensus,
  sweepConsensus,
} from './consensus-experiment.js';
export { type FuzzCaseResult, type FuzzSummary, fuzzCase, fuzzMany } from './consensus-fuzz.js';
export { type FaultFile, loadFaultFile } from './fault-file.js';
export {
  buildRunReport,
  computeRatios,
  identityOf,
  packageVersion,
  REPORT_SCHEMA_VERSION,
  type ReportOptions,
  type RerunScenario,
  type Role,
  type RunInstruments,
} from './report.js';
export type { ArrivalSpec, CryptoModeFlag, SystemRunOptions, TraceSource } from './run-options.js';
export {
  type CapacityOptions,
  type CapacityOverSeeds,
  type CapacityPoint,
  type CapacityResult,
  describePoint,
  findCapacity,
  findCapacityOverSeeds,
  type RunAtRate,
  scenarioRunAt,
} from './capacity.js';
export {
  type PublishedCase,
  type PublishedOptions,
  type PublishedPrediction,
  PUBLISHED_CASES,
  predictPublished,
} from './published.js';
export { rerunReport } from './rerun.js';
export { runSystem } from './run-system.js';
export { HOLD_FRACTION, parsePeerSweep, sweepPeers } from './scalability.js';
export {
  type ResolvedScenario,
  resolveScenario,
  SCENARIO_DEFAULTS,
  type Scenario,
  type SharedRunOptions,
} from './scenario.js';
export {
  assumedFigures,
  runSensitivity,
  type SensitivityResult,
  type SensitivityRow,
  type SensitivityRunOptions,
} from './sensitivity.js';
export { type SizeOptions, type SizingResult, sizeArchitecture } from './sizing.js';
export { mergeSweeps, runSweep, SWEEP_FORMAT, type SweepOutput } from './sweep.js';
export { expandGrid, type Grid, type GridPoint, parseGrid, pointRun } from './sweep-grid.js';
export { recordTrace, TRACE_TXS_MAX, type TraceRecordOptions } from './trace-record.js';
export { loadTopology, TOPOLOGY_PRESETS, type Topology } from './topology.js';
export { benchValidator, type ValidatorBenchResult } from './validator-bench.js';
export { estimatePeakBytes, type RunSize } from './memory-estimate.js';
