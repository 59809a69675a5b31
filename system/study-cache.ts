/**
 * A study's task results kept on disk, so a study run again — after a change to its page, after
 * an interruption, with one more preset — recomputes only the tasks it has not seen.
 *
 * Why a result may be reused: a task is deterministic alone (study-tasks.ts), so its result is a
 * function of the task and of the code that simulates it. The key is a SHA-256 of both: the task
 * as JSON (the architecture, topology, workload, rates and run length it carries) and the built
 * code of every folder that shapes a result, with the lockfile (a dependency's version can change
 * an encoding's size). Any change to that code is a new key, so a stale result is never read; it
 * is only left behind (`--cache` names a directory the user may clear).
 *
 * Each entry is written to a temporary name and renamed, so an interrupted study leaves whole
 * entries or none. An entry that cannot be read as its task's result is recomputed.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../engines/config-file.js';
import type { StudyTask, StudyTaskResult } from './study-tasks.js';

/** The built folders whose code decides a task's result (cli/ and reports/ only present it). */
const MODEL_FOLDERS = ['sim', 'ledger', 'engines', 'system', 'workloads'] as const;

export class StudyCache {
  private readonly codeHash: string;

  constructor(private readonly directory: string) {
    mkdirSync(directory, { recursive: true });
    this.codeHash = modelCodeHash();
  }

  get(task: StudyTask): StudyTaskResult | undefined {
    let text: string;
    try {
      text = readFileSync(this.pathOf(task), 'utf8');
    } catch {
      return undefined;
    }
    try {
      const entry = JSON.parse(text) as { kind?: unknown };
      return entry.kind === task.kind ? (entry as StudyTaskResult) : undefined;
    } catch {
      return undefined;
    }
  }

  put(task: StudyTask, result: StudyTaskResult): void {
    const path = this.pathOf(task);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, JSON.stringify(result));
    renameSync(temporary, path);
  }

  private pathOf(task: StudyTask): string {
    const key = createHash('sha256').update(this.codeHash).update(JSON.stringify(task)).digest('hex');
    return join(this.directory, `${key}.json`);
  }
}

/** SHA-256 over the built model code (files in path order) and the lockfile. */
function modelCodeHash(): string {
  const root = packageRoot();
  const hash = createHash('sha256');
  for (const folder of MODEL_FOLDERS)
    for (const file of filesUnder(join(root, 'dist', folder)).filter((f) => f.endsWith('.js'))) {
      hash.update(file.slice(root.length));
      hash.update(readFileSync(file));
    }
  hash.update(readFileSync(join(root, 'package-lock.json')));
  return hash.digest('hex');
}

function filesUnder(directory: string): string[] {
  const files: string[] = [];
  for (const name of readdirSync(directory).sort()) {
    const path = join(directory, name);
    if (statSync(path).isDirectory()) files.push(...filesUnder(path));
    else files.push(path);
  }
  return files;
}
