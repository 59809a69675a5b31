/**
 * The native P-256 verifier (`native/p256_verify.c`: OpenSSL's ECDSA_verify called directly, 7-12 %
 * cheaper per verify than node:crypto's one-shot EVP path on this host, and about half the cost for a
 * key given a fixed-base table), when the install step could build it. Optional by design: without it, or with `BPUSIM_P256_VERIFIER=node-crypto`, the `node`
 * provider verifies through node:crypto, with the same results.
 *
 * Loaded once per thread (worker threads load their own copy), and used only after a self-test on
 * load: a signature made by node:crypto must verify, and the same signature over a changed message
 * must not. The OpenSSL it runs on must have the major version of the headers it was compiled with.
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

function selfTest(binding: NativeP256): boolean {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const point = publicKey.export({ format: 'jwk' });
  if (point.x === undefined || point.y === undefined) return false;
  const raw = Buffer.concat([Buffer.of(4), Buffer.from(point.x, 'base64url'), Buffer.from(point.y, 'base64url')]);
  const key = binding.publicKey(raw);
  if (key === null) return false;
  const message = Buffer.from('bpusim native P-256 self-test');
  const signature = sign('sha256', message, privateKey);
  const tampered = Buffer.from('bpusim native P-256 self-test!');
  const plain = binding.verify(key, message, signature) && !binding.verify(key, tampered, signature);
  // The same verdicts again through the key's fixed-base table.
  const tabled = binding.precompute(key) && binding.verify(key, message, signature) && !binding.verify(key, tampered, signature);
  return plain && tabled && binding.publicKey(raw.subarray(1)) === null;
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
    return selfTest(binding) ? binding : null;
  } catch {
    return null;
  }
}

let loaded: NativeP256 | null | undefined;

/** The binding, or null when it is not built, refused, or disabled. */
export function nativeP256(): NativeP256 | null {
  if (loaded === undefined) loaded = load();
  return loaded;
}

export function p256Verifier(): P256Verifier {
  return nativeP256() === null ? 'node:crypto' : 'openssl-direct';
}
