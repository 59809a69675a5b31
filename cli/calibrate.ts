/**
 * `bpusim calibrate --out host.yaml`: measures this host with micro-benchmarks on the ledger's own
 * code (cli/calibrate/host-costs.ts) and writes a `host` architecture — CPU cores only, every cycle
 * cost from a measurement, the measurements with their spread under `calibration` — that the
 * simulator can run like any preset (`--arch host.yaml`) and that `bpusim validate` checks against
 * the real ledger.
 *
 * Cycles are nanoseconds × the clock /proc/cpuinfo reports (1 GHz when it reports none), so the
 * file reads like the presets; only the product matters to the simulator.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus } from 'node:os';
import type { Command } from 'commander';
import { stringify } from 'yaml';
import type { Architecture } from '../engines/architecture.js';
import { architectureSchema } from '../engines/architecture.js';
import type { CryptoMode } from '../ledger/crypto/provider.js';
import { action } from './_action.js';
import { UsageError } from './_errors.js';
import { writeFileAtomic } from './_output.js';
import { intFlag } from './_parse.js';
import { CALIBRATED_CONTRACTS, type HostCosts, measureHostCosts } from './calibrate/host-costs.js';
import { measureInContext } from './calibrate/in-context.js';

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
    return Number((m.nsPerOp * clockGHz).toPrecision(4));
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
          contractStep: Number(
            (
              Object.values(contractStepByContract).reduce((a, b) => a + b, 0) / CALIBRATED_CONTRACTS.length
            ).toPrecision(4),
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

function round(value: number): number {
  return Number(value.toPrecision(4));
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

interface CalibrateFlags {
  out?: string;
  crypto: string;
  trials: number;
  trialMs: number;
  cores?: number;
  inContextTxs: number;
  json?: boolean;
}

export function registerCalibrate(program: Command): void {
  program
    .command('calibrate')
    .description(
      'measure this host (signatures, SHA-256, msgpack, LMDB, contracts, worker hand-off) and write a host architecture',
    )
    .option('--out <file>', 'write the host architecture (YAML) here')
    .option('--crypto <provider>', 'provider whose signature costs the architecture uses: node, noble', 'node')
    .option('--trials <n>', 'timed trials per cost', intFlag('--trials', 3, 101), 7)
    .option('--trial-ms <ms>', 'length of one trial', intFlag('--trial-ms', 10, 10_000), 100)
    .option('--cores <n>', 'cores of the host architecture (default: this host)', intFlag('--cores', 1, 4096))
    .option(
      '--in-context-txs <n>',
      'transactions of each in-context run (the ledger bench on donothing)',
      intFlag('--in-context-txs', 1_000, 1e7),
      10_000,
    )
    .option('--json', 'print the architecture as JSON')
    .action(
      action(async (flags: CalibrateFlags) => {
        if (flags.crypto !== 'node' && flags.crypto !== 'noble')
          throw new UsageError(`--crypto: expected one of node, noble, got '${flags.crypto}'`);
        const log = process.stderr.isTTY
          ? (line: string) => process.stderr.write(`calibrate: ${line}\n`)
          : () => undefined;
        const arch = await calibrate(
          {
            crypto: flags.crypto,
            trials: flags.trials,
            trialMs: flags.trialMs,
            inContextTxs: flags.inContextTxs,
            ...(flags.cores !== undefined ? { cores: flags.cores } : {}),
          },
          log,
        );
        if (flags.out !== undefined) writeFileAtomic(flags.out, architectureYaml(arch));
        if (flags.json === true) process.stdout.write(`${JSON.stringify(arch)}\n`);
        else process.stdout.write(summary(arch, flags.out));
      }),
    );
}

function summary(arch: Architecture, out: string | undefined): string {
  const lines = [`host architecture: ${arch.description ?? arch.name}`];
  for (const [key, m] of Object.entries(arch.calibration?.costs ?? {})) {
    lines.push(`  ${key.padEnd(28)} ${m.nsPerOp.toString().padStart(10)} ns/${m.unit}  ±${m.spreadPct}%`);
  }
  if (out !== undefined) lines.push(`written to ${out}`);
  return `${lines.join('\n')}\n`;
}
