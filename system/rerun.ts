/**
 * A report's scenario run again from the report alone — its saved architecture, baseline, topology,
 * fault file and scenario fields — and compared with it: every simulated figure must be the same
 * (only `host` may differ). This is how a report proves it can be reproduced.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_SCHEMA_VERSION, type RunReport } from '../reports/run-report.js';
import { ConfigError } from '../sim/errors.js';
import { buildRunReport, type RerunScenario } from './report.js';
import { SCENARIO_DEFAULTS } from './scenario.js';
import { MAX_REPORT_BYTES, readInputText } from '../sim/input-file.js';

export function rerunReport(file: string): { original: RunReport; again: RunReport; identical: boolean } {
  const text = readInputText(file, file, MAX_REPORT_BYTES);
  let original: RunReport;
  try {
    original = JSON.parse(text) as RunReport;
  } catch (error) {
    throw new ConfigError(file, '', `not JSON: ${(error as Error).message.split('\n')[0] ?? ''}`);
  }
  if (original.schemaVersion !== REPORT_SCHEMA_VERSION)
    throw new ConfigError(
      file,
      'schemaVersion',
      `expected ${REPORT_SCHEMA_VERSION}, got ${JSON.stringify(original.schemaVersion)}`,
    );
  const scenario = original.config.run as RerunScenario | undefined;
  if (scenario === undefined)
    throw new ConfigError(
      file,
      'config.run',
      'missing; the report was written before reports saved their scenario flags',
    );
  const dir = mkdtempSync(join(tmpdir(), 'bpusim-rerun-'));
  try {
    const save = (name: string, value: unknown): string => {
      const path = join(dir, `${name}.json`);
      writeFileSync(path, JSON.stringify(value));
      return path;
    };
    const { faults, ...rest } = scenario;
    const again = buildRunReport({
      ...SCENARIO_DEFAULTS,
      ...rest,
      arch: save('architecture', original.config.architecture),
      baseline: original.config.baseline === null ? 'none' : save('baseline', original.config.baseline),
      topology: save('topology', original.config.topology),
      ...(faults === undefined ? {} : { faults: save('faults', faults) }),
    });
    const strip = (report: RunReport): string => JSON.stringify({ ...report, host: null });
    return { original, again, identical: strip(again) === strip(original) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
