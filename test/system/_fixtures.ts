/**
 * Shared by the system-run tests: a run through the CLI's own path with its summary silenced, and
 * the dc preset with small blocks (a short run then cuts many blocks and audits several times).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { executeRun, RUN_DEFAULTS, type RunFlags } from '../../cli/run.js';

export function quietRun(flags: Partial<RunFlags>): ReturnType<typeof executeRun> {
  const write = process.stdout.write.bind(process.stdout);
  process.stdout.write = (() => true) as typeof process.stdout.write;
  try {
    return executeRun({ ...RUN_DEFAULTS, crypto: 'modeled', ...flags } as RunFlags);
  } finally {
    process.stdout.write = write;
  }
}

/** Writes the small-block dc topology into `dir` and returns its path. */
export function smallBlocksTopology(dir: string): string {
  const path = join(dir, 'dc-small-blocks.yaml');
  writeFileSync(
    path,
    `name: dc-small-blocks
sites: { dc1: { link: { latencyUs: 100, gbps: 25 } } }
orgs: [ { site: dc1, peers: 1 }, { site: dc1, peers: 1 }, { site: dc1, peers: 1 }, { site: dc1, peers: 1 } ]
endorsementPolicy: "OutOf(2, 'Org1MSP.peer', 'Org2MSP.peer', 'Org3MSP.peer', 'Org4MSP.peer')"
orderers: { count: 1, site: dc1 }
clients: { count: 8, site: dc1 }
proxy: { site: dc1 }
batch: { maxMessageCount: 40, preferredMaxBytes: 2097152, absoluteMaxBytes: 10485760, timeoutMs: 20 }
`,
  );
  return path;
}
