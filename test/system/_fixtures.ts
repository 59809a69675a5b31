/**
 * Shared by the system-run tests: a run through system/'s report builder (modeled crypto), and
 * the dc preset with small blocks (a short run then cuts many blocks and audits several times).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildRunReport, SCENARIO_DEFAULTS, type Scenario } from '../../system/index.js';

export function quietRun(flags: Partial<Scenario>): ReturnType<typeof buildRunReport> {
  return buildRunReport({ ...SCENARIO_DEFAULTS, crypto: 'modeled', ...flags } as Scenario);
}

/** Writes the small-block dc topology (with `orderers` orderers) into `dir` and returns its path. */
export function smallBlocksTopology(dir: string, orderers = 1): string {
  const path = join(dir, `dc-small-blocks-${orderers}.yaml`);
  writeFileSync(
    path,
    `name: dc-small-blocks
sites: { dc1: { link: { latencyUs: 100, gbps: 25 } } }
orgs: [ { site: dc1, peers: 1 }, { site: dc1, peers: 1 }, { site: dc1, peers: 1 }, { site: dc1, peers: 1 } ]
endorsementPolicy: "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer', 'Org4MSP.peer')"
orderers: { count: ${orderers}, site: dc1 }
clients: { count: 8, site: dc1 }
proxy: { site: dc1 }
batch: { maxMessageCount: 40, preferredMaxBytes: 2097152, absoluteMaxBytes: 10485760, timeoutMs: 20 }
`,
  );
  return path;
}
