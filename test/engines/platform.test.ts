/**
 * The peer software's switches (architecture `platform`) and its named per-message costs: each
 * changes the CPU time a receipt costs by exactly the work it stands for, and the defaults change
 * nothing.
 */
import { describe, expect, it } from 'vitest';
import {
  type Architecture,
  architectureSchema,
  checkArchitecture,
  loadArchitecture,
} from '../../engines/architecture.js';
import { NodeEngines } from '../../engines/node-engines.js';
import { emptyReceipt, type WorkReceipt } from '../../ledger/receipt.js';
import { Environment } from '../../sim/index.js';

const base = loadArchitecture('cpu-64core');
const cycles = base.engines.cpu.cycles;

/** CPU cycles (busy lane-time × clock) one charge of `work` costs on `arch`. */
function cpuCycles(arch: Architecture, work: WorkReceipt): number {
  const env = new Environment();
  const engines = new NodeEngines(env, arch, 'peer');
  engines.charge(work, () => undefined, 8);
  env.run();
  const busyPs = engines.busy().find((b) => b.engine === 'cpu')?.busyLanePs ?? 0;
  return (busyPs / 1e12) * arch.engines.cpu.clockGHz * 1e9;
}

const withPlatform = (platform: Record<string, unknown>, extraCycles: Record<string, number> = {}): Architecture =>
  architectureSchema.parse({
    ...base,
    engines: { ...base.engines, cpu: { ...base.engines.cpu, cycles: { ...cycles, ...extraCycles } } },
    platform,
  });

const block: WorkReceipt = { ...emptyReceipt(), verifies: { p256: 30 }, decodeBytes: 40_000, txValidations: 10 };

describe('platform switches', () => {
  it("today's defaults cost what no platform section costs", () => {
    expect(cpuCycles(withPlatform({}), block)).toBeCloseTo(cpuCycles(base, block), 0);
  });

  it('no identity cache: each signature checked adds its certificate (decode) and the CA verify', () => {
    const off = withPlatform({ identityCache: false, certificateBytes: 700 });
    const extra = cpuCycles(off, block) - cpuCycles(base, block);
    const expected = 30 * cycles.verifyP256 + 30 * 700 * cycles.decodePerByte;
    expect(extra / expected).toBeCloseTo(1, 6);
  });

  it("unmarshal passes: the committer decodes the block's bytes that many times", () => {
    const extra = cpuCycles(withPlatform({ unmarshalPasses: 3 }), block) - cpuCycles(base, block);
    expect(extra / (2 * 40_000 * cycles.decodePerByte)).toBeCloseTo(1, 6);
  });

  it('parallel validation off: a block validates as one piece', () => {
    const env = new Environment();
    expect(new NodeEngines(env, withPlatform({}), 'p').validationPieces(500)).toBe(500);
    expect(new NodeEngines(env, withPlatform({ parallelValidation: false }), 'p').validationPieces(500)).toBe(1);
  });

  it('chaincode in its own container: each state access of an endorsement is a round trip', () => {
    const endorse: WorkReceipt = { ...emptyReceipt(), proposals: 1, stateReads: 2, stateWrites: 1, contractSteps: 5 };
    const arch = withPlatform({}, { chaincodeCall: 100_000 });
    expect(cpuCycles(arch, endorse) - cpuCycles(base, endorse)).toBeCloseTo(3 * 100_000, -1);
    // A committer's state reads (MVCC) are not chaincode calls.
    const commit: WorkReceipt = { ...emptyReceipt(), stateReads: 2, stateWrites: 1 };
    expect(cpuCycles(arch, commit)).toBeCloseTo(cpuCycles(base, commit), 0);
  });

  it('hash-table state: reads and writes cost the hash table, not the store; needs its two costs', () => {
    const work: WorkReceipt = { ...emptyReceipt(), stateReads: 40, stateWrites: 10 };
    const arch = withPlatform({ hashTableState: true }, { hashTableRead: 200, hashTableWrite: 300 });
    const saved = cpuCycles(base, work) - cpuCycles(arch, work);
    const expected = 40 * (cycles.stateRead - 200) + 10 * (cycles.stateWrite - 300);
    expect(saved / expected).toBeCloseTo(1, 6);
    const parsed = withPlatform({ hashTableState: true });
    expect(() => checkArchitecture('arch.yaml', parsed)).toThrow(/hashTableRead/);
  });

  it('state database requests: one per key without bulk access, one per block and direction with it', () => {
    const commit: WorkReceipt = { ...emptyReceipt(), stateReads: 40, stateWrites: 25 };
    const perRequest = 50_000;
    const bulk = withPlatform({}, { stateRequest: perRequest });
    const perKey = withPlatform({ bulkStateAccess: false }, { stateRequest: perRequest });
    expect(cpuCycles(bulk, commit) - cpuCycles(base, commit)).toBeCloseTo(2 * perRequest, -1);
    expect(cpuCycles(perKey, commit) - cpuCycles(base, commit)).toBeCloseTo(65 * perRequest, -1);
    // An endorsement's GetState is one request each, bulk or not (PutState only fills the rwset).
    const endorse: WorkReceipt = { ...emptyReceipt(), proposals: 1, stateReads: 3, stateWrites: 2 };
    expect(cpuCycles(bulk, endorse) - cpuCycles(base, endorse)).toBeCloseTo(3 * perRequest, -1);
    // An embedded store (no request cost) notices neither.
    expect(cpuCycles(withPlatform({ bulkStateAccess: false }), commit)).toBeCloseTo(cpuCycles(base, commit), 0);
  });
});
