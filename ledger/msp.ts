/**
 * Membership service providers (MSP) as in Fabric: each organisation has an MSP id and a CA key that
 * issues member certificates. A certificate binds subject, role (client/peer/orderer/admin),
 * signature scheme and public key, signed by the CA. A serialised identity (Fabric's
 * SerializedIdentity) is simply the certificate's canonical bytes, which carry the MSP id.
 *
 * Keys are derived from a root seed and a label, so a seeded network is the same network every run.
 */
import { createHash } from 'node:crypto';
import { BytesMap } from './bytes-map.js';
import { decode, encode } from './codec.js';
import type { CryptoProvider, KeyPair } from './crypto/provider.js';
import { signCounted, verifyCounted } from './crypto/signing.js';
import type { Scheme, WorkReceipt } from './receipt.js';
import { SCHEMES, emptyReceipt } from './receipt.js';

export type Role = 'client' | 'peer' | 'orderer' | 'admin';
export const ROLES: readonly Role[] = ['client', 'peer', 'orderer', 'admin'];

const CERT_VERSION = 1;

export interface Certificate {
  readonly mspId: string;
  readonly subject: string;
  readonly role: Role;
  readonly scheme: Scheme;
  readonly publicKey: Uint8Array;
}

/** A validated identity: the certificate and its serialised bytes (what transactions carry). */
export interface Identity {
  readonly cert: Certificate;
  readonly bytes: Uint8Array;
}

export interface SigningIdentity extends Identity {
  readonly key: KeyPair;
}

/** What the channel config says about one MSP: its id and its CA's public key. */
export interface MspConfig {
  readonly mspId: string;
  readonly caScheme: Scheme;
  readonly caPublicKey: Uint8Array;
}

/** 32 seed bytes for a named key under a root seed. */
export function deriveSeed(rootSeed: string, label: string): Uint8Array {
  return createHash('sha256').update('bpusim/seed/').update(rootSeed).update('\u0000').update(label).digest();
}

function tbsTuple(cert: Certificate) {
  return [CERT_VERSION, cert.mspId, cert.subject, cert.role, cert.scheme, cert.publicKey] as const;
}

export class CertificateAuthority {
  readonly key: KeyPair;

  constructor(
    private readonly provider: CryptoProvider,
    readonly mspId: string,
    rootSeed: string,
    readonly caScheme: Scheme = 'p256',
  ) {
    this.key = provider.keyPairFromSeed(caScheme, deriveSeed(rootSeed, `ca/${mspId}`));
  }

  mspConfig(): MspConfig {
    return { mspId: this.mspId, caScheme: this.caScheme, caPublicKey: this.key.publicKey };
  }

  /** Enrols a member: derives its key from the seed and issues its certificate. */
  issue(
    subject: string,
    role: Role,
    scheme: Scheme,
    rootSeed: string,
    receipt: WorkReceipt = emptyReceipt(),
  ): SigningIdentity {
    const key = this.provider.keyPairFromSeed(
      scheme,
      deriveSeed(rootSeed, `member/${this.mspId}/${subject}/${scheme}`),
    );
    const cert: Certificate = { mspId: this.mspId, subject, role, scheme, publicKey: key.publicKey };
    const tbs = encode(tbsTuple(cert), receipt);
    const caSignature = signCounted(this.provider, this.key, tbs, receipt);
    return { cert, key, bytes: encode([tbs, caSignature], receipt) };
  }
}

function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

function isScheme(value: unknown): value is Scheme {
  return typeof value === 'string' && (SCHEMES as readonly string[]).includes(value);
}

/** Parses certificate bytes without checking the CA signature; null when malformed. */
export function parseCertificate(
  bytes: Uint8Array,
  receipt: WorkReceipt,
): { cert: Certificate; tbs: Uint8Array; caSignature: Uint8Array } | null {
  try {
    const outer = decode(bytes, receipt);
    if (!Array.isArray(outer) || outer.length !== 2) return null;
    const [tbs, caSignature] = outer as unknown[];
    if (!(tbs instanceof Uint8Array) || !(caSignature instanceof Uint8Array)) return null;
    const fields = decode(tbs, receipt);
    if (!Array.isArray(fields) || fields.length !== 6) return null;
    const [version, mspId, subject, role, scheme, publicKey] = fields as unknown[];
    if (version !== CERT_VERSION || typeof mspId !== 'string' || typeof subject !== 'string') return null;
    if (!isRole(role) || !isScheme(scheme) || !(publicKey instanceof Uint8Array)) return null;
    return { cert: { mspId, subject, role, scheme, publicKey }, tbs, caSignature };
  } catch {
    return null;
  }
}

const identityCacheCountMax = 1 << 16;

/**
 * A peer's view of the channel's MSPs. Like Fabric's MSP identity cache, a certificate is validated
 * (one CA signature check, counted in the receipt) the first time this manager sees it; later
 * look-ups are a map hit and count nothing.
 */
export class MspManager {
  private readonly msps = new Map<string, MspConfig>();
  private readonly identities = new BytesMap<Identity | null>(identityCacheCountMax);

  constructor(
    msps: readonly MspConfig[],
    private readonly provider: CryptoProvider,
  ) {
    for (const msp of msps) this.msps.set(msp.mspId, msp);
  }

  hasMsp(mspId: string): boolean {
    return this.msps.has(mspId);
  }

  /** The validated identity for serialised bytes, or null (malformed, unknown MSP, bad CA signature). */
  resolve(bytes: Uint8Array, receipt: WorkReceipt): Identity | null {
    const cached = this.identities.get(bytes);
    if (cached !== undefined) return cached;
    const identity = this.validate(bytes, receipt);
    this.identities.set(bytes, identity);
    return identity;
  }

  private validate(bytes: Uint8Array, receipt: WorkReceipt): Identity | null {
    const parsed = parseCertificate(bytes, receipt);
    if (parsed === null) return null;
    const msp = this.msps.get(parsed.cert.mspId);
    if (msp === undefined) return null;
    const ok = verifyCounted(
      this.provider,
      null,
      msp.caScheme,
      msp.caPublicKey,
      parsed.tbs,
      parsed.caSignature,
      receipt,
    );
    return ok ? { cert: parsed.cert, bytes: Uint8Array.from(bytes) } : null;
  }
}
