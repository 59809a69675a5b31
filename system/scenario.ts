/**
 * A scenario: everything a run needs, as a user states it (presets or file names, times such as
 * `200ms`), and its resolution into the typed options of a system run (loaded architecture and
 * topology files, a workload generator, picoseconds). The fields are named as `bpusim run`'s flags,
 * so a bad value's message names the flag (`--duration: expected …`), whether it came from the
 * command line, a sweep grid or a script calling the library.
 */
import { existsSync } from 'node:fs';
import { type Architecture, loadArchitecture } from '../engines/architecture.js';
import { parseDurationPs, secondsToPs } from '../sim/index.js';
import { ConfigError } from '../sim/errors.js';
import { meanOfferedTps, parseArrival } from '../workloads/arrivals.js';
import { makeGenerator, WORKLOAD_NAMES, type WorkloadName } from '../workloads/generators.js';
import { type FaultFile, hasOrdererFaults, loadFaultFile } from './fault-file.js';
import type { CryptoModeFlag, SystemRunOptions } from './run-options.js';
import type { IntegrityOptions } from './state-integrity.js';
import { loadTopology } from './topology.js';

/** A run as the user states it: the fields of `bpusim run` (without its output options). */
export interface Scenario {
  arch: string;
  baseline: string;
  topology: string;
  workload: string;
  rate: number;
  duration: string;
  drain?: string;
  arrival: string;
  seed: number;
  crypto: string;
  keys: number;
  sweep?: string;
  targetTps?: number;
  endorsementScheme?: string;
  ordering?: string;
  faults?: string;
  seeds?: number;
  trace?: string;
  timeScale?: number;
  auditEvery?: number;
  auditBuckets?: number;
  joinPeerAt?: string;
  join?: string;
  growPeersEvery?: string;
}

export const SCENARIO_DEFAULTS = {
  arch: 'bpu-2019',
  baseline: 'cpu-64core',
  topology: 'dc',
  workload: 'smallbank',
  rate: 100_000,
  duration: '2s',
  arrival: 'poisson',
  seed: 1,
  crypto: 'real',
  keys: 10_000,
} as const;

/** Options of one system run, less the architecture (the same for the arch and the baseline run). */
export type SharedRunOptions = Omit<SystemRunOptions, 'arch'>;

export interface ResolvedScenario {
  options: SharedRunOptions;
  arch: Architecture;
  baseline: Architecture | null;
}

function bad(flag: string, detail: string): ConfigError {
  return new ConfigError(flag, '', detail);
}

/** Checks the scenario's fields and loads its files; a bad field throws a ConfigError naming it. */
export function resolveScenario(scenario: Scenario): ResolvedScenario {
  const choices = checkChoices(scenario);
  const durationPs = parseDurationPs(scenario.duration);
  if (durationPs === undefined || durationPs <= 0)
    throw bad('--duration', `expected a positive time such as 2s or 500ms, got '${scenario.duration}'`);
  const arrival = parseArrival(scenario.arrival, scenario.rate, durationPs / 1e12);
  if (typeof arrival === 'string')
    throw bad(
      '--arrival',
      `${arrival}; allowed: poisson, fixed, ramp:FROM:TO, bursty:ON:OFF:ONMS:OFFMS, closed:N[:THINKMS]`,
    );
  const drainPs = scenario.drain === undefined ? Math.max(durationPs, secondsToPs(1)) : parseDurationPs(scenario.drain);
  if (drainPs === undefined) throw bad('--drain', `expected a time such as 2s or 500ms, got '${scenario.drain ?? ''}'`);
  const joinAtPs = checkJoin(scenario, durationPs);
  const arch = loadArchitecture(scenario.arch);
  const baseline = scenario.baseline === 'none' ? null : loadArchitecture(scenario.baseline);
  const topology = loadTopology(scenario.topology);
  const workload = makeGenerator(scenario.workload as WorkloadName, { keys: scenario.keys });
  const peerCount = topology.orgs.reduce((sum, org) => sum + org.peers, 0);
  const faults =
    scenario.faults === undefined ? undefined : loadFaultFile(scenario.faults, topology.orderers.count, peerCount);
  if (faults !== undefined && choices.ordering === 'solo' && hasOrdererFaults(faults))
    throw bad('--faults', `${scenario.faults} schedules orderer faults, which need --ordering raft or pbft`);
  const integrity = integrityOptions(scenario, faults, joinAtPs, durationPs);
  checkTrace(scenario);
  const options: SharedRunOptions = {
    topology,
    workload,
    ratePerSec: arrival.kind === 'fixed' || arrival.kind === 'poisson' ? scenario.rate : meanOfferedTps(arrival),
    arrival,
    durationPs,
    drainPs,
    seed: scenario.seed,
    crypto: scenario.crypto as CryptoModeFlag,
    endorsementScheme: choices.scheme,
    ordering: choices.ordering,
    ...(faults === undefined ? {} : { faults }),
    ...(integrity === undefined ? {} : { integrity }),
    keys: scenario.keys,
    ...(scenario.timeScale === undefined ? {} : { timeScale: scenario.timeScale }),
    ...(scenario.trace === undefined ? {} : { traceName: scenario.trace }),
  };
  return { arch, baseline, options };
}

/** The fields that take one of a few words. */
function checkChoices(scenario: Scenario): {
  scheme: 'p256' | 'ed25519' | 'bls';
  ordering: 'solo' | 'raft' | 'pbft';
} {
  if (!(WORKLOAD_NAMES as readonly string[]).includes(scenario.workload)) {
    throw bad('--workload', `unknown workload '${scenario.workload}'; allowed: ${WORKLOAD_NAMES.join(', ')}`);
  }
  if (scenario.crypto !== 'real' && scenario.crypto !== 'modeled')
    throw bad('--crypto', `expected real or modeled, got '${scenario.crypto}'`);
  const scheme = scenario.endorsementScheme ?? 'p256';
  if (scheme !== 'p256' && scheme !== 'ed25519' && scheme !== 'bls')
    throw bad('--endorsement-scheme', `expected p256, ed25519 or bls, got '${scheme}'`);
  const ordering = scenario.ordering ?? 'solo';
  if (ordering !== 'solo' && ordering !== 'raft' && ordering !== 'pbft')
    throw bad('--ordering', `expected solo, raft or pbft, got '${ordering}'`);
  return { scheme, ordering };
}

/** `--join` and `--audit-buckets`, then `--join-peer-at` as picoseconds (undefined: no join). */
function checkJoin(scenario: Scenario, durationPs: number): number | undefined {
  if (scenario.join !== undefined && scenario.join !== 'snapshot' && scenario.join !== 'replay')
    throw bad('--join', `expected snapshot or replay, got '${scenario.join}'`);
  const buckets = scenario.auditBuckets ?? 1024;
  if ((buckets & (buckets - 1)) !== 0)
    throw bad('--audit-buckets', `expected a power of two from 2 to 1048576, got ${buckets}`);
  if (scenario.joinPeerAt === undefined) return undefined;
  const joinAtPs = parseDurationPs(scenario.joinPeerAt);
  if (joinAtPs === undefined || joinAtPs <= 0 || joinAtPs >= durationPs)
    throw bad(
      '--join-peer-at',
      `expected a time within --duration (${scenario.duration}) such as 300ms, got '${scenario.joinPeerAt}'`,
    );
  return joinAtPs;
}

/** Audits, corrupt writes, a joining peer and peer growth; undefined when the run asks for none. */
function integrityOptions(
  scenario: Scenario,
  faults: FaultFile | undefined,
  joinAtPs: number | undefined,
  durationPs: number,
): IntegrityOptions | undefined {
  const corruptWrites = (faults?.events ?? []).flatMap((event) =>
    event.kind === 'corrupt-write' ? [{ atMs: event.atMs, peer: event.peer }] : [],
  );
  if (corruptWrites.length > 0 && scenario.auditEvery === undefined)
    throw bad('--faults', `${scenario.faults} corrupts peer state; add --audit-every N so audits can find it`);
  let grow: IntegrityOptions['grow'];
  if (scenario.growPeersEvery !== undefined) {
    const everyPs = parseDurationPs(scenario.growPeersEvery);
    if (everyPs === undefined || everyPs <= 0 || everyPs * 2 > durationPs)
      throw bad(
        '--grow-peers-every',
        `expected an interval at most half of --duration (${scenario.duration}) such as 100ms, got '${scenario.growPeersEvery}'`,
      );
    grow = { everyPs, targetTps: scenario.targetTps ?? scenario.rate, untilPs: durationPs };
  }
  if (scenario.auditEvery === undefined && joinAtPs === undefined && grow === undefined) return undefined;
  return {
    ...(scenario.auditEvery === undefined ? {} : { auditEveryBlocks: scenario.auditEvery }),
    buckets: scenario.auditBuckets ?? 1024,
    ...(joinAtPs === undefined ? {} : { joinAtPs, joinMode: (scenario.join ?? 'snapshot') as 'snapshot' | 'replay' }),
    ...(corruptWrites.length === 0 ? {} : { corruptWrites }),
    ...(grow === undefined ? {} : { grow }),
  };
}

function checkTrace(scenario: Scenario): void {
  if (scenario.trace !== undefined && !existsSync(scenario.trace))
    throw bad('--trace', `${scenario.trace}: no such file`);
  if (scenario.timeScale !== undefined && scenario.trace === undefined) throw bad('--time-scale', 'needs --trace');
}
