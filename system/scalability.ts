/**
 * Table 01's "how many nodes can be added while a fixed target TPS holds": the same workload at
 * the target rate on topologies with more and more peers (peers per organisation scaled so the
 * total is each requested count), and the largest count whose committed TPS still holds the
 * target (within `holdFraction`, 95 % by default — a run's fill time costs a few percent).
 */
import { ConfigError } from '../sim/errors.js';
import type { Architecture } from '../engines/architecture.js';
import type { Scalability, ScalabilityPoint } from '../reports/run-report.js';
import { runSystem, type SystemRunOptions } from './run-system.js';

export type { Scalability, ScalabilityPoint };

export const HOLD_FRACTION = 0.95;

export function sweepPeers(
  base: Omit<SystemRunOptions, 'arch'>,
  arch: Architecture,
  peerCounts: readonly number[],
  targetTps: number,
): Scalability {
  const orgs = base.topology.orgs.length;
  const points = peerCounts.map((peers) => {
    if (peers % orgs !== 0) {
      throw new ConfigError(
        '--sweep',
        'peers',
        `${peers} peers cannot be split over the topology's ${orgs} organisations; use multiples of ${orgs}`,
      );
    }
    const topology = { ...base.topology, orgs: base.topology.orgs.map((org) => ({ ...org, peers: peers / orgs })) };
    const result = runSystem({ ...base, topology, ratePerSec: targetTps, arch });
    return {
      peers,
      committedTps: result.committedTps,
      holds: result.committedTps >= HOLD_FRACTION * targetTps,
      bottleneck: `${result.bottleneck.node}.${result.bottleneck.engine}`,
    };
  });
  const maxPeersHolding = points.reduce((best, p) => (p.holds && p.peers > best ? p.peers : best), 0);
  return { targetTps, holdFraction: HOLD_FRACTION, points, maxPeersHolding };
}

/** Parses `peers=4,8,16`; undefined when malformed so the caller can name its flag. */
export function parsePeerSweep(text: string): number[] | undefined {
  const match = /^peers=([0-9]+(?:,[0-9]+)*)$/.exec(text.trim());
  if (match === null) return undefined;
  const counts = (match[1] ?? '').split(',').map(Number);
  return counts.every((n) => Number.isInteger(n) && n >= 1 && n <= 1024) ? counts : undefined;
}
