/** A test host at 1 GHz (cycles read as nanoseconds) for the host-bench model and validation tests. */
import type { Architecture } from '../../engines/architecture.js';
import { architectureSchema } from '../../engines/architecture.js';

type Cycles = Architecture['engines']['cpu']['cycles'];

const BASE_CYCLES = {
  signP256: 60_000,
  verifyP256: 50_000,
  signEd25519: 30_000,
  verifyEd25519: 70_000,
  signBls: 1e6,
  verifyBls: 2e6,
  hashPerByte: 2,
  encodePerByte: 1,
  decodePerByte: 1,
  stateRead: 2_000,
  stateWrite: 3_000,
  rangeRow: 1_500,
  contractStep: 1_000,
  contextSwitch: 0,
  packet: 0,
  networkPerByte: 0,
  consensusMessage: 0,
};

/** `cores` at 1 GHz; every base cost × `scale`, then `overrides`. */
export function testHost(
  cores: number,
  overrides: Partial<Cycles> = {},
  { name = 'test-host', scale = 1 }: { name?: string; scale?: number } = {},
): Architecture {
  const scaled = Object.fromEntries(Object.entries(BASE_CYCLES).map(([key, value]) => [key, value * scale]));
  return architectureSchema.parse({
    name,
    engines: { cpu: { cores, clockGHz: 1, cycles: { ...scaled, ...overrides } } },
  });
}
