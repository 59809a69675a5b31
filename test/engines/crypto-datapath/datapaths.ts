/** Datapaths the scheduler tests run on: few/many multipliers, pipelined or not, port-limited. */
import type { DatapathSpec } from '../../../engines/crypto-datapath/datapath.js';

export const TEST_DATAPATHS: Record<string, DatapathSpec> = {
  oneMultiplierPipelined: {
    clockGHz: 1,
    multipliers: { count: 1, latencyCycles: 4, initiationIntervalCycles: 1 },
    adders: { count: 2, latencyCycles: 1 },
    registerFile: { readPorts: 4, writePorts: 2 },
    tableMemory: { bytes: 1 << 20, latencyCycles: 2 },
  },
  twoMultipliersUnpipelined: {
    clockGHz: 0.5,
    multipliers: { count: 2, latencyCycles: 12, initiationIntervalCycles: 12 },
    adders: { count: 1, latencyCycles: 1 },
    registerFile: { readPorts: 6, writePorts: 3 },
  },
  fourMultipliersSquarerInverter: {
    clockGHz: 2,
    multipliers: { count: 4, latencyCycles: 6, initiationIntervalCycles: 2 },
    squarers: { count: 1, latencyCycles: 5, initiationIntervalCycles: 1 },
    adders: { count: 4, latencyCycles: 2 },
    inverter: { latencyCycles: 300, initiationIntervalCycles: 300 },
    registerFile: { readPorts: 16, writePorts: 8 },
    tableMemory: { bytes: 1 << 20, latencyCycles: 3 },
  },
  portLimited: {
    clockGHz: 1,
    multipliers: { count: 4, latencyCycles: 3, initiationIntervalCycles: 1 },
    adders: { count: 4, latencyCycles: 1 },
    registerFile: { readPorts: 2, writePorts: 1 },
    tableMemory: { bytes: 1 << 20, latencyCycles: 1 },
  },
};
