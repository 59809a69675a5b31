/**
 * Reading a user's input file safely: only a regular file is read (a directory, a named pipe or a
 * device is refused with one clear message instead of a stack trace, a read that never returns,
 * or a read without end), and only up to a size limit, checked before reading.
 */
import { readFileSync, statSync } from 'node:fs';
import { ConfigError } from './errors.js';

/** Configuration files (architecture, topology, faults, sweep grids, workload specs). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;
/** Report and sweep outputs read back (they carry time series). */
export const MAX_REPORT_BYTES = 256 * 1024 * 1024;

/** Throws a ConfigError naming `label` unless `file` is a regular file of at most `maxBytes` (null: any size). */
export function checkInputFile(file: string, label: string, maxBytes: number | null): void {
  let stats: ReturnType<typeof statSync>;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new ConfigError(label, '', code === 'ENOENT' ? 'no such file' : `cannot read: ${code ?? 'error'}`);
  }
  if (stats.isDirectory()) throw new ConfigError(label, '', 'is a directory; expected a file');
  if (!stats.isFile())
    throw new ConfigError(label, '', 'is not a regular file (a pipe, socket or device is not read); expected a file');
  if (maxBytes !== null && stats.size > maxBytes)
    throw new ConfigError(label, '', `is ${stats.size} bytes; at most ${maxBytes} allowed`);
}

/** The file's text, after `checkInputFile`. */
export function readInputText(file: string, label: string, maxBytes: number): string {
  checkInputFile(file, label, maxBytes);
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(label, '', `cannot read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
