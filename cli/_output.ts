/**
 * Writes an output file whole or not at all: the bytes go to a temporary name beside the target,
 * then rename() replaces the target atomically, so a crash or bad input never leaves half a report.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './_errors.js';

export function writeFileAtomic(path: string, contents: string): void {
  const target = resolve(path);
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(temporary, contents);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`--out ${path}: cannot write: ${(error as Error).message}`);
  }
}
