/**
 * Loads a user's configuration file (YAML or JSON) or a named preset and validates it against a
 * zod schema. Every failure becomes a ConfigError naming the file, the field path and what is
 * allowed — the first problem only, so the user fixes one thing at a time without a wall of text.
 */
import { existsSync } from 'node:fs';
import { MAX_CONFIG_BYTES, readInputText } from '../sim/input-file.js';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { ConfigError } from '../sim/errors.js';

/**
 * Where presets live under the package root: architectures (a node's engines) in engines/presets,
 * topologies (the network) in system/presets. The root is found by walking up to package.json, so
 * this works from the sources (tests) and from dist/ (the CLI).
 */
const PRESET_DIRS = { arch: ['engines', 'presets', 'arch'], topology: ['system', 'presets', 'topology'] } as const;

export function presetPath(kind: 'arch' | 'topology', name: string): string {
  return join(packageRoot(), ...PRESET_DIRS[kind], `${name}.yaml`);
}

let cachedRoot: string | undefined;
export function packageRoot(): string {
  if (cachedRoot !== undefined) return cachedRoot;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`bpusim: package.json not found above ${fileURLToPath(import.meta.url)}`);
    dir = parent;
  }
  cachedRoot = dir;
  return dir;
}

/** Reads `source` as a preset name (if one exists by that name) or a path, and parses it. */
export function readConfigSource(
  kind: 'arch' | 'topology',
  source: string,
  presets: readonly string[],
): { file: string; data: unknown } {
  const isPreset = presets.includes(source);
  const file = isPreset ? presetPath(kind, source) : source;
  const label = isPreset ? `preset ${source}` : source;
  if (!isPreset && !existsSync(file)) {
    throw new ConfigError(label, '', `no such file, and not a preset; ${kind} presets: ${presets.join(', ')}`);
  }
  const text = readInputText(file, label, MAX_CONFIG_BYTES);
  return { file: label, data: parseConfigText(label, text, extname(file).toLowerCase() === '.json') };
}

export function parseConfigText(file: string, text: string, json: boolean): unknown {
  if (json) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new ConfigError(file, '', `not valid JSON: ${(error as Error).message}`);
    }
  }
  try {
    // Warnings (an unknown tag) are not errors; the schema check decides what is wrong.
    return parseYaml(text, { prettyErrors: false, logLevel: 'error' }) as unknown;
  } catch (error) {
    const message = (error as Error).message.split('\n')[0] ?? 'parse error';
    throw new ConfigError(file, '', `not valid YAML: ${message}`);
  }
}

/** Validates `data` against `schema`; the first issue becomes a ConfigError. */
export function validateConfig<S extends z.ZodType>(file: string, schema: S, data: unknown): z.infer<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  // A misspelt field also shows up as a missing one; naming the unknown field first explains both.
  const issues = result.error.issues;
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  if (issue === undefined) throw new ConfigError(file, '', 'invalid');
  const field = issue.path.map(String).join('.');
  throw new ConfigError(file, field === '' ? '(top level)' : field, describeIssue(schema, issue));
}

function describeIssue(schema: z.ZodType, issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    const allowed = objectKeysAt(schema, issue.path);
    const keys = issue.keys.map((k) => `'${k}'`).join(', ');
    return `unknown field ${keys}${allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : ''}`;
  }
  if (issue.code === 'invalid_type' && issue.message.includes('received undefined')) {
    return `missing; expected ${issue.expected}`;
  }
  return issue.message;
}

/** The keys an object schema allows at `path` (best effort: unwraps optional/default/transform). */
function objectKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let current: unknown = schema;
  for (const key of [...path, null]) {
    current = unwrap(current);
    if (key === null) break;
    if (current instanceof z.ZodObject) current = (current.shape as Record<string, unknown>)[String(key)];
    else if (current instanceof z.ZodRecord) current = current.valueType;
    else if (current instanceof z.ZodArray) current = current.element;
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape as Record<string, unknown>) : [];
}

function unwrap(schema: unknown): unknown {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodNullable)
      current = (current as z.ZodOptional<z.ZodType>).unwrap();
    // A transformed schema (a derived figure): the object it reads is the pipe's input.
    else if (current instanceof z.ZodPipe) current = current.in;
    else return current;
  }
}
