/**
 * The topology file: the network of nodes, kept apart from the architecture of each node
 * (the project's design rules). Sites are places (a data centre, a continent's backbone); nodes sit at sites; the
 * link between two nodes is the site pair's one-way latency and bandwidth (or the site's own link
 * when both are at the same site). Organisations have peers; the endorsement policy is Fabric's
 * syntax over their MSP ids (OrgNMSP, numbered in the order the file lists organisations).
 */
import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';
import { readConfigSource, validateConfig } from '../engines/config-file.js';
import { type Architecture, FABRIC_GATEWAY_CONCURRENCY } from '../engines/architecture.js';

export const TOPOLOGY_PRESETS = ['dc', 'continental', 'hybrid'] as const;

const linkSchema = z.object({ latencyUs: z.number().nonnegative(), gbps: z.number().positive() }).strict();

export const topologySchema = z
  .object({
    name: z.string().min(1),
    description: z.string().optional(),
    sites: z.record(z.string().min(1), z.object({ link: linkSchema }).strict()),
    /** One-way links between sites, in either direction. */
    siteLinks: z
      .array(
        z
          .object({
            between: z.tuple([z.string(), z.string()]),
            latencyUs: z.number().nonnegative(),
            gbps: z.number().positive(),
          })
          .strict(),
      )
      .default([]),
    orgs: z
      .array(z.object({ site: z.string(), peers: z.int().min(1).max(256) }).strict())
      .min(1)
      .max(64),
    /** Endorsement policy in Fabric's syntax; default OutOf(min(2, orgs), every org's peer). */
    endorsementPolicy: z.string().optional(),
    orderers: z.object({ count: z.int().min(1).max(256), site: z.string() }).strict(),
    clients: z
      .object({
        count: z.int().min(1).max(100_000),
        site: z.string(),
        /**
         * A client gives up on a transaction this long after submitting it (outcome CLIENT_TIMEOUT;
         * the transaction may still commit later). Default 120 s, assumed (a benchmark client's
         * patience; Fabric's gateway waits up to 30 s for endorsement and 30 s for ordering).
         */
        timeoutMs: z.number().positive().max(3_600_000).default(120_000),
        /** Attempts after the first when the proxy refuses (RESOURCE_EXHAUSTED) or the client times out. */
        retries: z.int().min(0).max(10).default(0),
        /** Back-off before retry k (k = 1, 2, …): uniform in [0, backoffMs × 2^(k−1)) ("full jitter"). */
        backoffMs: z.number().nonnegative().max(600_000).default(100),
      })
      .strict(),
    proxy: z
      .object({
        site: z.string(),
        /**
         * Transactions the proxy holds at once, from a proposal's arrival to its outcome; beyond it
         * a proposal is refused at once with RESOURCE_EXHAUSTED. Absent: the proxy stands for every
         * peer's gateway, so the sum of the peers' limits (the architecture's
         * platform.gatewayConcurrencyLimit, Fabric's 500 by default). Given: this total instead.
         */
        concurrencyLimit: z.int().min(1).max(10_000_000).optional(),
      })
      .strict(),
    batch: z
      .object({
        maxMessageCount: z.int().min(1).max(100_000).default(500),
        preferredMaxBytes: z
          .int()
          .min(1)
          .default(2 * 1024 * 1024),
        absoluteMaxBytes: z
          .int()
          .min(1)
          .default(10 * 1024 * 1024),
        timeoutMs: z.number().positive().default(200),
      })
      .strict()
      .default({
        maxMessageCount: 500,
        preferredMaxBytes: 2 * 1024 * 1024,
        absoluteMaxBytes: 10 * 1024 * 1024,
        timeoutMs: 200,
      }),
  })
  .strict();

export type Topology = z.infer<typeof topologySchema>;

/**
 * Transactions the proxy admits at once: the topology's own limit, or else the sum over its peers
 * of each peer's gateway limit (the proxy stands for every peer's gateway).
 */
export function admissionLimit(topology: Topology, arch: Architecture): number {
  if (topology.proxy.concurrencyLimit !== undefined) return topology.proxy.concurrencyLimit;
  const peers = topology.orgs.reduce((sum, org) => sum + org.peers, 0);
  return peers * (arch.platform?.gatewayConcurrencyLimit ?? FABRIC_GATEWAY_CONCURRENCY);
}

export function loadTopology(source: string): Topology {
  const { file, data } = readConfigSource('topology', source, TOPOLOGY_PRESETS);
  return checkTopology(file, validateConfig(file, topologySchema, data));
}

/** Sites named by nodes and links must exist; batch sizes must be ordered as Fabric requires. */
export function checkTopology(file: string, topology: Topology): Topology {
  const sites = Object.keys(topology.sites);
  const need = (site: string, field: string): void => {
    if (!sites.includes(site)) throw new ConfigError(file, field, `unknown site '${site}'; sites: ${sites.join(', ')}`);
  };
  topology.orgs.forEach((org, i) => need(org.site, `orgs.${i}.site`));
  need(topology.orderers.site, 'orderers.site');
  need(topology.clients.site, 'clients.site');
  need(topology.proxy.site, 'proxy.site');
  topology.siteLinks.forEach((link, i) => {
    need(link.between[0], `siteLinks.${i}.between.0`);
    need(link.between[1], `siteLinks.${i}.between.1`);
  });
  for (const a of sites) {
    for (const b of sites) {
      if (
        a < b &&
        !topology.siteLinks.some(
          (l) => (l.between[0] === a && l.between[1] === b) || (l.between[0] === b && l.between[1] === a),
        )
      ) {
        throw new ConfigError(
          file,
          'siteLinks',
          `no link between sites '${a}' and '${b}'; every pair of sites needs one`,
        );
      }
    }
  }
  const batch = topology.batch;
  if (batch.preferredMaxBytes > batch.absoluteMaxBytes) {
    throw new ConfigError(
      file,
      'batch.preferredMaxBytes',
      `${batch.preferredMaxBytes} must be ≤ absoluteMaxBytes (${batch.absoluteMaxBytes})`,
    );
  }
  return topology;
}

/** One-way link between two sites (the site's own link when they are the same). */
export function siteLink(topology: Topology, a: string, b: string): { latencyUs: number; gbps: number } {
  if (a === b) {
    const site = topology.sites[a];
    if (site === undefined) throw new ConfigError(topology.name, 'sites', `unknown site '${a}'`);
    return site.link;
  }
  const link = topology.siteLinks.find(
    (l) => (l.between[0] === a && l.between[1] === b) || (l.between[0] === b && l.between[1] === a),
  );
  if (link === undefined) throw new ConfigError(topology.name, 'siteLinks', `no link between '${a}' and '${b}'`);
  return link;
}
