/**
 * The native P-256 verifier (`native/p256_verify.c`: OpenSSL's ECDSA_verify called directly, 7-12 %
 * cheaper per verify than node:crypto's one-shot EVP path on this host, and about half the cost for a
 * key given a fixed-base table), when the install step could build it. Optional by design: without
 * it, or with `BPUSIM_P256_VERIFIER=node-crypto`, the `node` provider verifies through node:crypto,
 * with the same results.
 *
 * Loaded once per thread (worker threads load their own copy), and used only after a self-test on
 * load: a signature made by node:crypto must verify, and the same signature over a changed message
 * must not. The OpenSSL it runs on must have the major version of the headers it was compiled with.
 * Fixed-base tables get the same self-test, on first use (`nativeTablesWork`): building a table
 * costs ≈25 ms, which a thread that never has a hot key should not pay at start-up.
 */
import { generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The binding's surface (see p256_verify.c). A key is an opaque handle owning an EC_KEY. */
export interface NativeP256 {
  publicKey(point: Uint8Array): NativeP256Key | null;
  /** Builds the key's fixed-base table (≈150 KB, ≈26 ms here); later verifies cost about half. */
  precompute(key: NativeP256Key): boolean;
  verify(key: NativeP256Key, message: Uint8Array, derSignature: Uint8Array): boolean;
  opensslVersionNumber(): number;
  headerVersionNumber(): number;
}

declare const nativeKeyBrand: unique symbol;
export type NativeP256Key = { readonly [nativeKeyBrand]: true };

/** Which implementation verifies P-256 for the `node` provider in this thread. */
export type P256Verifier = 'openssl-direct' | 'node:crypto';

const ADDON_PATH = ['build', 'native', 'p256_verify.node'];

/** The repository root: the nearest directory up from here whose package.json names bpusim. */
function packageRoot(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name === 'bpusim') return dir;
      } catch {
        // Not ours or unreadable: keep climbing.
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

interface SelfTestCase {
  readonly point: Buffer;
  readonly message: Buffer;
  readonly tampered: Buffer;
  readonly signature: Buffer;
}

function selfTestCase(): SelfTestCase | null {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const point = publicKey.export({ format: 'jwk' });
  if (point.x === undefined || point.y === undefined) return null;
  const message = Buffer.from('bpusim native P-256 self-test');
  return {
    point: Buffer.concat([Buffer.of(4), Buffer.from(point.x, 'base64url'), Buffer.from(point.y, 'base64url')]),
    message,
    tampered: Buffer.from('bpusim native P-256 self-test!'),
    signature: sign('sha256', message, privateKey),
  };
}

/** The case's signature verifies and its tampered message does not, with a table or without. */
function passes(binding: NativeP256, test: SelfTestCase, withTable: boolean): boolean {
  const key = binding.publicKey(test.point);
  if (key === null || (withTable && !binding.precompute(key))) return false;
  return binding.verify(key, test.message, test.signature) && !binding.verify(key, test.tampered, test.signature);
}

function load(): NativeP256 | null {
  if (process.env.BPUSIM_P256_VERIFIER === 'node-crypto') return null;
  const root = packageRoot();
  if (root === null) return null;
  const path = join(root, ...ADDON_PATH);
  if (!existsSync(path)) return null;
  try {
    const binding = createRequire(import.meta.url)(path) as NativeP256;
    const major = (version: number) => Math.floor(version / 2 ** 28);
    if (major(binding.opensslVersionNumber()) !== major(binding.headerVersionNumber())) return null;
    const test = selfTestCase();
    if (test === null || !passes(binding, test, false) || binding.publicKey(test.point.subarray(1)) !== null)
      return null;
    selfTest = test;
    return binding;
  } catch {
    return null;
  }
}

let loaded: NativeP256 | null | undefined;
let selfTest: SelfTestCase | null = null;
let tablesWork: boolean | undefined;

/** The binding, or null when it is not built, refused, or disabled. */
export function nativeP256(): NativeP256 | null {
  if (loaded === undefined) loaded = load();
  return loaded;
}

/** Whether fixed-base tables pass the load-time self-test in this thread (tested on first call). */
export function nativeTablesWork(): boolean {
  const binding = nativeP256();
  if (tablesWork === undefined) tablesWork = binding !== null && selfTest !== null && passes(binding, selfTest, true);
  return tablesWork;
}

export function p256Verifier(): P256Verifier {
  return nativeP256() === null ? 'node:crypto' : 'openssl-direct';
}
