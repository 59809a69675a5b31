/**
 * Picks a crypto provider by mode name.
 */
import { LedgerInputError } from '../assert.js';
import { ModeledCryptoProvider } from './modeled-provider.js';
import { NobleCryptoProvider } from './noble-provider.js';
import { NodeCryptoProvider } from './node-provider.js';
import { CRYPTO_MODES } from './provider.js';
import type { CryptoMode, CryptoProvider } from './provider.js';

export function createCryptoProvider(mode: CryptoMode): CryptoProvider {
  switch (mode) {
    case 'node':
      return new NodeCryptoProvider();
    case 'noble':
      return new NobleCryptoProvider();
    case 'modeled':
      return new ModeledCryptoProvider();
  }
}

export function parseCryptoMode(raw: string, where: string): CryptoMode {
  const mode = CRYPTO_MODES.find((candidate) => candidate === raw);
  if (mode === undefined)
    throw new LedgerInputError(`${where}: expected one of ${CRYPTO_MODES.join(', ')}, got '${raw}'`);
  return mode;
}

export type { CryptoMode, CryptoProvider, KeyPair } from './provider.js';
export { CRYPTO_MODES } from './provider.js';
