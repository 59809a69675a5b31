/**
 * Output files. Each is checked before any work (a run must not end by finding that its output
 * cannot be written) and written whole or not at all: the bytes go to a temporary name beside the
 * target, then rename() replaces the target atomically, so a crash or bad input never leaves half
 * a report. A target that exists and is not a regular file (/dev/stdout, a pipe) is written in place:
 * renaming over it would replace the device's link with a file.
 */
import { accessSync, constants, realpathSync, renameSync, rmSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { UsageError } from './_errors.js';

function existing(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function realOrSelf(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/**
 * Exits 2 now, naming the flag, if `path` cannot be an output: its directory is missing or not
 * writable, it is a directory, or it is one of the run's `inputs` (it would be overwritten).
 */
export function checkOutputPath(flag: string, path: string, inputs: readonly (string | undefined)[] = []): void {
  const target = resolve(path);
  const stats = existing(target);
  if (stats?.isDirectory() === true) throw new UsageError(`${flag} ${path}: is a directory; expected a file name`);
  const real = realOrSelf(target);
  for (const input of inputs)
    if (input !== undefined && existing(input) !== null && realOrSelf(input) === real)
      throw new UsageError(`${flag} ${path}: is an input of this run; it would be overwritten`);
  if (stats !== null && !stats.isFile()) return; // a device or pipe: written in place
  const directory = dirname(target);
  if (existing(directory)?.isDirectory() !== true)
    throw new UsageError(`${flag} ${path}: directory ${directory} does not exist`);
  try {
    accessSync(directory, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} ${path}: directory ${directory} is not writable`);
  }
}

export function writeFileAtomic(path: string, contents: string, flag = '--out'): void {
  const target = resolve(path);
  const stats = existing(target);
  if (stats !== null && !stats.isFile() && !stats.isDirectory()) {
    try {
      writeFileSync(target, contents);
    } catch (error) {
      throw new UsageError(`${flag} ${path}: cannot write: ${(error as Error).message}`);
    }
    return;
  }
  const temporary = `${target}.${process.pid}.tmp`;
  try {
    writeFileSync(temporary, contents);
    renameSync(temporary, target);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw new UsageError(`${flag} ${path}: cannot write: ${(error as Error).message}`);
  }
}
