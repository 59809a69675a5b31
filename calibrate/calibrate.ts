/**
 * The calibration of a host architecture: measures this host with micro-benchmarks on the ledger's
 * own code (calibrate/host-costs.ts) and what they leave unexplained in a short real run
 * (calibrate/in-context.ts), and turns the measurements into a `host` architecture — CPU cores only,
 * every cycle cost from a measurement, the measurements with their spread under `calibration` — that
 * the simulator can run like any preset (`--arch host.yaml`) and that `bpusim validate` checks
 * against the real ledger. `bpusim calibrate` (cli/calibrate.ts) parses the flags and prints or
 * writes the result; the measuring lives here, in calibrate/, with the rest of the host measurement.
 *
 * Cycles are nanoseconds × the clock /proc/cpuinfo reports (1 GHz when it reports none), so the
 * file reads like the presets; only the product matters to the simulator.
 */
import { significantFigures } from '../reports/figures.js';
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import { stringify } from 'yaml';
import type { Architecture } from '../engines/architecture.js';
import { architectureSchema } from '../engines/architecture.js';
import type { CryptoMode } from '../ledger/crypto/provider.js';
import { CALIBRATED_CONTRACTS, type HostCosts, measureHostCosts } from './host-costs.js';
import { measureInContext } from './in-context.js';

export interface CalibrateOptions {
  readonly crypto: CryptoMode;
  readonly trials: number;
  readonly trialMs: number;
  readonly cores?: number;
  /** Transactions of each in-context calibration run. */
  readonly inContextTxs?: number;
}

/** The host's nominal clock in GHz (first CPU's MHz in /proc/cpuinfo, else os.cpus()), or 1. */
export function hostClockGHz(): number {
  try {
    const match = /cpu MHz\s*:\s*([0-9.]+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (match !== null) return Math.round(Number(match[1])) / 1000;
  } catch {
    // not Linux: fall through
  }
  const speedMHz = cpus()[0]?.speed ?? 0;
  return speedMHz > 0 ? speedMHz / 1000 : 1;
}

function hostDescription(): string {
  return `${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${availableParallelism()} cores, Node ${process.versions.node}`;
}

/** Turns measured host costs into an architecture (CPU cores only). */
export function hostArchitecture(measured: HostCosts, clockGHz: number, cores: number): Architecture {
  const c = measured.costs;
  const cycles = (key: string, fallbackKey?: string): number => {
    const m = c[key] ?? (fallbackKey !== undefined ? c[fallbackKey] : undefined);
    if (m === undefined) throw new Error(`calibrate: no measurement for ${key}`);
    return round(m.nsPerOp * clockGHz);
  };
  const optional = (key: string, fallback: number): number => (c[key] === undefined ? fallback : cycles(key));
  const contractStepByContract: Record<string, number> = {};
  for (const name of CALIBRATED_CONTRACTS) contractStepByContract[name] = cycles(`contractStep.${name}`);
  const arch: Architecture = {
    name: 'host',
    description: `this host, measured by bpusim calibrate (${hostDescription()}, crypto ${measured.crypto})`,
    engines: {
      cpu: {
        cores,
        clockGHz,
        cycles: {
          signP256: cycles('signP256'),
          verifyP256: cycles('verifyP256'),
          signEd25519: optional('signEd25519', cycles('signP256')),
          verifyEd25519: optional('verifyEd25519', cycles('verifyP256')),
          signBls: optional('signBls', optional('signBls.noble', cycles('signP256'))),
          verifyBls: optional('verifyBls', optional('verifyBls.noble', cycles('verifyP256'))),
          hashPerByte: cycles('hashPerByte'),
          encodePerByte: cycles('encodePerByte'),
          decodePerByte: cycles('decodePerByte'),
          stateRead: cycles('stateRead'),
          stateWrite: cycles('stateWrite'),
          rangeRow: cycles('rangeRow'),
          // Unlisted contracts pay the mean of the measured ones.
          contractStep: round(
            Object.values(contractStepByContract).reduce((a, b) => a + b, 0) / CALIBRATED_CONTRACTS.length,
          ),
          contractStepByContract,
          // In-process chaincode: no switch between contracts on this host.
          contextSwitch: 0,
          // Not measured (no network in the ledger bench): the cpu-64core preset's assumptions.
          packet: 5_000,
          networkPerByte: 1,
          consensusMessage: 20_000,
          workerHandoffPerJob: cycles('workerHandoffPerJob'),
          workerPackPerJob: cycles('workerPackPerJob'),
          proposal: optional('proposal', 0),
          txValidation: optional('txValidation', 0),
          backgroundPerTx: optional('backgroundPerTx', 0),
        },
      },
    },
    serves: {},
    calibration: {
      host: hostDescription(),
      crypto: measured.crypto,
      costs: Object.fromEntries(
        Object.entries(c).map(([key, m]) => [
          key,
          {
            unit: m.unit,
            nsPerOp: round(m.nsPerOp),
            cpuNsPerOp: round(m.cpuNsPerOp),
            spreadPct: round(m.spreadPct),
            trials: m.trials,
          },
        ]),
      ),
    },
  };
  return architectureSchema.parse(arch);
}

/** Host figures: four significant digits. */
function round(value: number): number {
  return significantFigures(value, 4);
}

export async function calibrate(
  options: CalibrateOptions,
  log: (line: string) => void = () => undefined,
): Promise<Architecture> {
  const measured = await measureHostCosts(options.crypto, { trials: options.trials, trialMs: options.trialMs }, log);
  const clockGHz = hostClockGHz();
  const cores = options.cores ?? availableParallelism();
  // The micro-benchmarked costs first; then what they leave unexplained in a real run (in-context).
  const provisional = hostArchitecture(measured, clockGHz, availableParallelism());
  log('in context: a short ledger bench on donothing');
  const inContext = await measureInContext(
    provisional,
    options.crypto,
    Math.min(options.trials, 3),
    options.inContextTxs ?? 10_000,
  );
  return hostArchitecture({ ...measured, costs: { ...measured.costs, ...inContext.costs } }, clockGHz, cores);
}

export function architectureYaml(arch: Architecture): string {
  return `# ${arch.name}: written by \`bpusim calibrate\`; cycles = measured ns × clockGHz.\n# calibration.costs holds each measurement (median of trials, spread = half the min..max range).\n${stringify(arch)}`;
}
