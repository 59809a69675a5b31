/**
 * Output files. Each is checked before any work (a run must not end by finding that its output
 * cannot be written) and written whole or not at all: the bytes go to a temporary name beside the
 * target, then rename() replaces the target atomically, so a crash or bad input never leaves half
 * a report. A target that exists and is not a regular file (/dev/stdout, a pipe) is written in place:
 * renaming over it would replace the device's link with a file.
 *
 * A run is synchronous, so a signal (Ctrl-C) ends the process where it stands; the only trace it can
 * leave is a temporary file, named `<target>.<pid>.tmp`. Writing a target first removes such files
 * of processes that are no longer running.
 */
import {
  accessSync,
  constants,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  type Stats,
  statSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
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
  writeFilesAtomic(flag, [{ path, contents }]);
}

/**
 * Writes every file or none of the new ones: all temporaries first, then the renames. Each path is
 * checked as an output first (see `checkOutputPath`); devices and pipes are written in place.
 */
export function writeFilesAtomic(flag: string, files: readonly { path: string; contents: string }[]): void {
  for (const file of files) checkOutputPath(flag, file.path);
  const staged: { temporary: string; target: string }[] = [];
  try {
    for (const file of files) {
      const target = resolve(file.path);
      const stats = existing(target);
      if (stats !== null && !stats.isFile()) {
        writeFileSync(target, file.contents);
        continue;
      }
      removeStaleTemporaries(target);
      const temporary = `${target}.${process.pid}.tmp`;
      staged.push({ temporary, target });
      writeFileSync(temporary, file.contents);
    }
    for (const { temporary, target } of staged) renameSync(temporary, target);
  } catch (error) {
    for (const { temporary } of staged) rmSync(temporary, { force: true });
    throw new UsageError(`${flag}: cannot write: ${(error as Error).message}`);
  }
}

/**
 * Creates the output directory `path` (one level: its parent must exist and be writable), or
 * accepts it if it is already a directory.
 */
export function ensureOutputDirectory(flag: string, path: string): void {
  const stats = existing(path);
  if (stats?.isDirectory() === true) return;
  if (stats !== null) throw new UsageError(`${flag} ${path}: exists and is not a directory`);
  checkOutputPath(flag, path);
  try {
    mkdirSync(path);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: cannot create the directory: ${(error as Error).message}`);
  }
}

/** Removes `<target>.<pid>.tmp` files left by processes that no longer run (killed while writing). */
function removeStaleTemporaries(target: string): void {
  const prefix = `${basename(target)}.`;
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const pid = Number(name.slice(prefix.length, -'.tmp'.length));
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !running(pid))
      rmSync(join(dirname(target), name), { force: true });
  }
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
