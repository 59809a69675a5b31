// Builds the native P-256 verifier (p256_verify.c) into build/native/p256_verify.node; run by
// `npm install` / `npm ci` (the package's install script). Optional: without a C compiler, node's
// headers (node_api.h) or OpenSSL's headers it prints one line and exits 0, and the `node` crypto
// provider verifies through node:crypto instead (`bpusim bench ledger` reports which one ran).
// No node-gyp: an N-API addon needs only the headers, and node-gyp would download them.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const outDir = join(root, 'build', 'native');
const out = join(outDir, 'p256_verify.node');

function nodeIncludeDir() {
  const candidates = [process.env.npm_config_nodedir, resolve(dirname(process.execPath), '..')].filter(
    (dir) => dir !== undefined && dir !== '',
  );
  for (const dir of candidates) {
    const include = join(dir, 'include', 'node');
    if (existsSync(join(include, 'node_api.h'))) return include;
  }
  return null;
}

function skip(reason) {
  process.stdout.write(
    `bpusim: native P-256 verifier not built (${reason}); the node crypto provider uses node:crypto\n`,
  );
  process.exit(0);
}

const include = nodeIncludeDir();
if (include === null) skip("node's headers (node_api.h) not found next to this node");
mkdirSync(outDir, { recursive: true });
const temp = `${out}.${process.pid}.tmp`;
const compiler = process.env.CC ?? 'cc';
try {
  // -shared leaves OpenSSL's and N-API's symbols undefined: they resolve against the loading node.
  execFileSync(compiler, ['-O2', '-fPIC', '-shared', '-Wall', '-I', include, '-o', temp, join(here, 'p256_verify.c')], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  renameSync(temp, out);
  process.stdout.write(`bpusim: built ${out}\n`);
} catch (error) {
  rmSync(temp, { force: true });
  const stderr =
    error && typeof error === 'object' && 'stderr' in error
      ? String(error.stderr)
          .split('\n')
          .find((line) => line.includes('error'))
      : undefined;
  skip(`${compiler} failed${stderr ? `: ${stderr.trim()}` : ''}`);
}
