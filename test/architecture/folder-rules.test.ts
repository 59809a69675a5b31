/**
 * The folder rules of README.md, enforced. The README's table under "## Layout: folders and what
 * each may import" is the only statement of which top-level folder may import which; this test
 * reads that table (parseRules), walks every .ts/.mts/.mjs file of the source folders, extracts each
 * import (static `import`/`export … from`, side-effect `import '…'`, dynamic `import('…')`),
 * resolves relative specifiers to a repo path (`x.js` → `x.ts`) and checks each import that crosses
 * into another top-level folder against the importing folder's row (checkFiles). It also asserts
 * on its own that nothing but cli/ and test/ imports system/, calibrate/ or cli/, and that outside
 * cli/ and calibrate/ every line reading the host clock or Math.random carries `// host-time-ok`.
 * All violations are reported at once, one line each (file:line → what was imported, which rule).
 * A second group feeds checkFiles a synthetic in-memory tree to show the checker does fail.
 *
 * Extraction is a light scanner, not a TypeScript parse: comments are blanked first (strings,
 * template literals and regex literals are recognised well enough not to be mistaken for comments),
 * then regular expressions find the import statements. `new URL('…', import.meta.url)` worker
 * references are not checked (they name built files under dist/, not sources).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { posix, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const HEADING = '## Layout: folders and what each may import';
const SOURCE_EXTENSIONS = ['.ts', '.mts', '.mjs'];
const SKIPPED_DIRECTORIES = new Set(['node_modules', 'dist', 'build']);
/** Folders only cli/ and test/ may import. */
const TOP_LAYER = ['system', 'calibrate', 'cli'];
const TOP_LAYER_IMPORTERS = ['cli', 'test'];
/** Folders whose files may read the host clock freely (they measure this host or talk to a user). */
const HOST_TIME_FOLDERS = ['cli', 'calibrate'];
const HOST_TIME_MARKER = '// host-time-ok';
const HOST_TIME_PATTERN = /\bDate\.now\b|\bperformance\.now\b|\bprocess\.hrtime\b|\bnew\s+Date\b|\bMath\.random\b/;

/** One row of the README table: what files under `folder/` may import from other folders. */
interface FolderRule {
  folder: string;
  /** `everything`: any project file. */
  everything: boolean;
  /** Whole folders that may be imported, e.g. `sim`. */
  folders: string[];
  /** Single files that may be imported, e.g. `ledger/receipt.ts`. */
  files: string[];
  /** Folders that may be referenced by `import type` / `export type` only. */
  typeOnlyFolders: string[];
  /** The "may import" cell as written, for messages. */
  cell: string;
}

interface SourceFile {
  path: string;
  text: string;
}

interface ImportRef {
  line: number;
  specifier: string;
  typeOnly: boolean;
}

// ---------------------------------------------------------------------------------------------
// README table

function splitRow(line: string): string[] {
  const trimmed = line.trim().replace(/^\|/, '').replace(/\|$/, '');
  return trimmed.split('|').map((cell) => cell.trim());
}

/** Splits a cell on commas that are outside parentheses and backticks. */
function splitEntries(cell: string): string[] {
  const entries: string[] = [];
  let depth = 0;
  let inTicks = false;
  let current = '';
  for (const ch of cell) {
    if (ch === '`') inTicks = !inTicks;
    else if (!inTicks && ch === '(') depth++;
    else if (!inTicks && ch === ')') depth--;
    if (ch === ',' && depth === 0 && !inTicks) {
      entries.push(current.trim());
      current = '';
    } else current += ch;
  }
  entries.push(current.trim());
  return entries.filter((entry) => entry !== '');
}

function parseRules(markdown: string): Map<string, FolderRule> {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === HEADING);
  if (start < 0) throw new Error(`README.md has no heading "${HEADING}"`);
  const section: string[] = [];
  for (const line of lines.slice(start + 1)) {
    if (/^#{1,6}\s/.test(line)) break;
    section.push(line);
  }
  const first = section.findIndex((line) => line.trim().startsWith('|'));
  if (first < 0) throw new Error(`README.md: no table under "${HEADING}"`);
  const table: string[] = [];
  for (const line of section.slice(first)) {
    if (!line.trim().startsWith('|')) break;
    table.push(line);
  }
  const [header, separator, ...rows] = table;
  if (header === undefined || separator === undefined || !/^[\s|:-]+$/.test(separator)) {
    throw new Error(`README.md: the table under "${HEADING}" has no header and separator rows`);
  }
  const columns = splitRow(header).map((cell) => cell.toLowerCase());
  const folderColumn = columns.indexOf('folder');
  const importColumn = columns.indexOf('may import');
  if (folderColumn < 0 || importColumn < 0) {
    throw new Error(`README.md: the table under "${HEADING}" needs columns "folder" and "may import"`);
  }
  if (rows.length === 0) throw new Error(`README.md: the table under "${HEADING}" has no rows`);

  const rules = new Map<string, FolderRule>();
  for (const row of rows) {
    const cells = splitRow(row);
    const folderCell = cells[folderColumn] ?? '';
    const cell = cells[importColumn] ?? '';
    const folderMatch = /^`([\w.-]+)\/`$/.exec(folderCell);
    if (folderMatch?.[1] === undefined) throw new Error(`README.md table: cannot read folder "${folderCell}"`);
    const folder = folderMatch[1];
    if (rules.has(folder)) throw new Error(`README.md table: folder ${folder}/ has two rows`);
    const rule: FolderRule = { folder, everything: false, folders: [], files: [], typeOnlyFolders: [], cell };
    const entries = splitEntries(cell);
    if (entries.length === 0) throw new Error(`README.md table, row ${folder}/: "may import" is empty`);
    for (const entry of entries) {
      const typeOnly = /^types only \(`import type`\) from `([\w.-]+)\/`$/.exec(entry);
      const folderEntry = /^`([\w.-]+)\/`$/.exec(entry);
      const fileEntry = /^`([\w.-]+(?:\/[\w.-]+)+\.[a-z]+)`$/.exec(entry);
      if (entry === 'nothing of the project' && entries.length === 1) continue;
      if (entry === 'everything' && entries.length === 1) rule.everything = true;
      else if (typeOnly?.[1] !== undefined) rule.typeOnlyFolders.push(typeOnly[1]);
      else if (folderEntry?.[1] !== undefined) rule.folders.push(folderEntry[1]);
      else if (fileEntry?.[1] !== undefined) rule.files.push(fileEntry[1]);
      else throw new Error(`README.md table, row ${folder}/: cannot read "may import" entry "${entry}"`);
    }
    rules.set(folder, rule);
  }
  return rules;
}

// ---------------------------------------------------------------------------------------------
// Scanning a source file

/** The last non-whitespace character before `index` in `chars` (comments already blanked). */
function previousToken(chars: string[], index: number): string {
  let k = index - 1;
  while (k >= 0 && /\s/.test(chars[k] ?? '')) k--;
  if (k < 0) return '';
  const ch = chars[k] ?? '';
  if (!/[\w$]/.test(ch)) return ch;
  let word = '';
  while (k >= 0 && /[\w$]/.test(chars[k] ?? '')) word = (chars[k--] ?? '') + word;
  return word;
}

const REGEX_AFTER_WORDS = new Set([
  'return',
  'typeof',
  'case',
  'do',
  'else',
  'in',
  'of',
  'void',
  'yield',
  'await',
  'delete',
  'throw',
  'new',
]);

/** Whether a `/` after this token starts a regex literal (rather than a division). */
function regexCanFollow(token: string): boolean {
  if (token === '') return true;
  if (/^[\w$]+$/.test(token)) return REGEX_AFTER_WORDS.has(token);
  return !(token === ')' || token === ']' || token === '}');
}

/**
 * The text with every comment replaced by spaces (newlines kept, so lines and offsets still match
 * the original). Strings, template literals (with nested `${…}`) and regex literals are skipped so
 * that a `//` or `/*` inside them is not taken for a comment.
 */
function blankComments(text: string): string {
  const out = text.split('');
  const n = text.length;
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (out[k] !== '\n') out[k] = ' ';
  };
  // Brace depth at which each open template literal's `${` started.
  const templates: number[] = [];
  let depth = 0;
  /** Scans a template body from `j`; returns the index after its closing backtick or after `${`. */
  const templateBody = (j: number): number => {
    let k = j;
    while (k < n) {
      const ch = text[k];
      if (ch === '\\') k += 2;
      else if (ch === '`') return k + 1;
      else if (ch === '$' && text[k + 1] === '{') {
        templates.push(depth);
        depth++;
        return k + 2;
      } else k++;
    }
    return n;
  };
  let i = 0;
  while (i < n) {
    const ch = text[i];
    const next = text[i + 1];
    if (ch === '/' && next === '/') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      blank(i, stop);
      i = stop;
    } else if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (ch === '/' && regexCanFollow(previousToken(out, i))) {
      let k = i + 1;
      let inClass = false;
      while (k < n && text[k] !== '\n') {
        const c = text[k];
        if (c === '\\') k += 2;
        else {
          if (c === '[') inClass = true;
          else if (c === ']') inClass = false;
          else if (c === '/' && !inClass) break;
          k++;
        }
      }
      i = k < n && text[k] === '/' ? k + 1 : i + 1;
    } else if (ch === "'" || ch === '"') {
      let k = i + 1;
      while (k < n && text[k] !== ch && text[k] !== '\n') k += text[k] === '\\' ? 2 : 1;
      i = k + 1;
    } else if (ch === '`') {
      i = templateBody(i + 1);
    } else if (ch === '{') {
      depth++;
      i++;
    } else if (ch === '}') {
      depth--;
      if (templates.length > 0 && templates[templates.length - 1] === depth) {
        templates.pop();
        i = templateBody(i + 1);
      } else i++;
    } else i++;
  }
  return out.join('');
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let k = 0; k < index; k++) if (text.charCodeAt(k) === 10) line++;
  return line;
}

/** Whether an import/export clause (what lies between the keyword and `from`) is types only. */
/**
 * Only `import type …` / `export type …` is type-only. `import { type A, type B }` is not: under
 * verbatimModuleSyntax it compiles to `import {} from '…'`, which still loads the module.
 */
function clauseIsTypeOnly(clause: string): boolean {
  return /^type\b/.test(clause.trim());
}

function extractImports(text: string): ImportRef[] {
  const code = blankComments(text);
  const refs: ImportRef[] = [];
  // import … from '…' / export … from '…' (clauses may span lines; only identifiers, braces,
  // commas, `*` and whitespace may lie between the keyword and `from`).
  const fromPattern = /^[ \t]*(?:import|export)\b([\w$\s{},*]*?)\bfrom\s*(['"])([^'"\n]+)\2/gm;
  for (const m of code.matchAll(fromPattern)) {
    const specifier = m[3];
    if (specifier === undefined) continue;
    refs.push({ line: lineAt(code, m.index), specifier, typeOnly: clauseIsTypeOnly(m[1] ?? '') });
  }
  // import '…' (side effects only).
  for (const m of code.matchAll(/^[ \t]*import\s*(['"])([^'"\n]+)\1/gm)) {
    const specifier = m[2];
    if (specifier !== undefined) refs.push({ line: lineAt(code, m.index), specifier, typeOnly: false });
  }
  // import('…'); `typeof import('…')` is a type.
  for (const m of code.matchAll(/(\btypeof\s+)?\bimport\s*\(\s*(['"])([^'"\n]+)\2\s*[,)]/g)) {
    const specifier = m[3];
    if (specifier !== undefined) {
      refs.push({ line: lineAt(code, m.index), specifier, typeOnly: m[1] !== undefined });
    }
  }
  return refs.sort((a, b) => a.line - b.line);
}

/**
 * The repo-relative path a relative specifier names (`x.js` → `x.ts`, as NodeNext resolution maps
 * it), preferring a file that exists in `known`; null for a package specifier.
 */
function resolveSpecifier(from: string, specifier: string, known: ReadonlySet<string>): string | null {
  if (!specifier.startsWith('.')) return null;
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates: string[] = [];
  const ext = posix.extname(target);
  const stem = target.slice(0, target.length - ext.length);
  if (ext === '.js') candidates.push(`${stem}.ts`, `${stem}.tsx`, target);
  else if (ext === '.mjs') candidates.push(`${stem}.mts`, target);
  else if (ext === '.cjs') candidates.push(`${stem}.cts`, target);
  else if (ext === '') candidates.push(`${target}.ts`, `${target}/index.ts`, target);
  else candidates.push(target);
  return candidates.find((candidate) => known.has(candidate)) ?? candidates[0] ?? target;
}

function topFolder(path: string): string {
  const slash = path.indexOf('/');
  return slash < 0 ? '' : path.slice(0, slash);
}

// ---------------------------------------------------------------------------------------------
// The check

function checkFiles(rules: ReadonlyMap<string, FolderRule>, files: readonly SourceFile[]): string[] {
  const known = new Set(files.map((file) => file.path));
  const violations: string[] = [];
  for (const file of [...files].sort((a, b) => a.path.localeCompare(b.path))) {
    const from = topFolder(file.path);
    const rule = rules.get(from);
    if (rule === undefined) {
      violations.push(`${file.path}: its folder ${from || '(repo root)'} has no row in the README table`);
      continue;
    }

    for (const ref of extractImports(file.text)) {
      const target = resolveSpecifier(file.path, ref.specifier, known);
      if (target === null) continue;
      const to = topFolder(target);
      if (to === from && to !== '') continue;
      const problems: string[] = [];
      const targetRule = rules.get(to);
      if (target.startsWith('..') || targetRule === undefined) {
        problems.push('it lies outside the folders of the README table');
      } else if (
        !rule.everything &&
        !rule.folders.includes(to) &&
        !rule.files.includes(target) &&
        !(rule.typeOnlyFolders.includes(to) && ref.typeOnly)
      ) {
        const why = rule.typeOnlyFolders.includes(to) ? ' (and this is not an `import type`)' : '';
        problems.push(`README row ${from}/ may import: ${rule.cell}${why}`);
      }
      if (TOP_LAYER.includes(to) && !TOP_LAYER_IMPORTERS.includes(from)) {
        problems.push(`nothing but cli/ and test/ imports ${TOP_LAYER.map((f) => `${f}/`).join(', ')}`);
      }
      if (problems.length > 0) {
        const kind = ref.typeOnly ? ', type only' : '';
        violations.push(
          `${file.path}:${ref.line}: imports ${target} ('${ref.specifier}'${kind}) — ${problems.join('; ')}`,
        );
      }
    }

    // Host clock and Math.random. Comments are blanked first, so a mention inside a comment does
    // not count (a rough rule: a mention inside a string literal still does).
    if (!HOST_TIME_FOLDERS.includes(from)) {
      const original = file.text.split('\n');
      blankComments(file.text)
        .split('\n')
        .forEach((line, index) => {
          const hit = HOST_TIME_PATTERN.exec(line);
          const source = original[index] ?? '';
          if (hit !== null && !source.includes(HOST_TIME_MARKER)) {
            violations.push(
              `${file.path}:${index + 1}: ${hit[0]} without ${HOST_TIME_MARKER} (only cli/ and calibrate/ may read the host clock freely): ${source.trim()}`,
            );
          }
        });
    }
  }
  return violations;
}

// ---------------------------------------------------------------------------------------------
// The real tree

const ROOT = resolve(import.meta.dirname, '../..');

function readRules(): Map<string, FolderRule> {
  return parseRules(readFileSync(resolve(ROOT, 'README.md'), 'utf8'));
}

function isSource(name: string): boolean {
  return SOURCE_EXTENSIONS.some((ext) => name.endsWith(ext));
}

function walk(relative: string, into: string[]): void {
  const absolute = resolve(ROOT, relative);
  if (!existsSync(absolute)) return;
  for (const entry of readdirSync(absolute, { withFileTypes: true })) {
    const path = `${relative}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.')) walk(path, into);
    } else if (entry.isFile() && isSource(entry.name)) into.push(path);
  }
}

/** Every source file of the table's folders except test/ (which may import everything). */
function readSourceFiles(rules: ReadonlyMap<string, FolderRule>): SourceFile[] {
  const paths: string[] = [];
  for (const folder of rules.keys()) if (folder !== 'test') walk(folder, paths);
  return paths.map((path) => ({ path, text: readFileSync(resolve(ROOT, path), 'utf8') }));
}

/** Top-level directories of the repo that hold source files somewhere below them. */
function topLevelSourceFolders(): string[] {
  return readdirSync(ROOT, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && !SKIPPED_DIRECTORIES.has(entry.name) && !entry.name.startsWith('.'))
    .map((entry) => entry.name)
    .filter((name) => {
      const files: string[] = [];
      walk(name, files);
      return files.length > 0;
    });
}

describe('folder rules (README.md "Layout: folders and what each may import")', () => {
  it('the README table is there and names every source folder, each of which exists', () => {
    const rules = readRules();
    const missing = [...rules.keys()].filter((folder) => {
      const absolute = resolve(ROOT, folder);
      return !existsSync(absolute) || !statSync(absolute).isDirectory();
    });
    expect(missing, 'folders in the README table that do not exist').toEqual([]);
    const unlisted = topLevelSourceFolders().filter((folder) => !rules.has(folder));
    expect(unlisted, 'folders holding source files that have no row in the README table').toEqual([]);
    // The table itself must keep system/, calibrate/ and cli/ for cli/ and test/.
    const grants = [...rules.values()]
      .filter((rule) => !TOP_LAYER_IMPORTERS.includes(rule.folder))
      .filter(
        (rule) =>
          rule.everything || TOP_LAYER.some((f) => rule.folders.includes(f) || rule.typeOnlyFolders.includes(f)),
      )
      .map((rule) => `${rule.folder}/ may import ${rule.cell}`);
    expect(grants, 'only cli/ and test/ may import system/, calibrate/ or cli/').toEqual([]);
  });

  it('every source file imports only what its row allows, and marks host-clock reads', () => {
    const rules = readRules();
    const files = readSourceFiles(rules);
    expect(files.length).toBeGreaterThan(0);
    const violations = checkFiles(rules, files);
    expect(violations).toEqual([]);
  });
});

describe('the folder-rules checker itself', () => {
  const rules = readRules();

  it('reads the README table', () => {
    expect(rules.get('sim')).toMatchObject({ everything: false, folders: [], files: [], typeOnlyFolders: [] });
    expect(rules.get('engines')).toMatchObject({ folders: ['sim'], files: ['ledger/receipt.ts'] });
    expect(rules.get('workloads')).toMatchObject({
      folders: ['ledger'],
      files: ['sim/errors.ts', 'sim/input-file.ts'],
    });
    expect(rules.get('reports')).toMatchObject({ folders: [], typeOnlyFolders: ['engines'] });
    expect(rules.get('cli')?.everything).toBe(true);
    expect(() => parseRules('# bpusim\n\nno table here\n')).toThrow(/no heading/);
    expect(() => parseRules(`${HEADING}\n\n| folder | may import |\n| --- | --- |\n| \`a/\` | b |\n`)).toThrow(
      /cannot read "may import" entry "b"/,
    );
  });

  it('reports every kind of violation in a synthetic tree, and accepts what is allowed', () => {
    const files: SourceFile[] = [
      { path: 'system/run.ts', text: 'export const run = 1;\n' },
      { path: 'engines/node-engines.ts', text: 'export interface X { a: number }\n' },
      { path: 'ledger/receipt.ts', text: 'export interface Receipt { n: number }\n' },
      { path: 'engines/x.ts', text: "import { run } from '../system/run.js';\nexport const x = run;\n" },
      {
        path: 'engines/ok.ts',
        text: "import type { Receipt } from '../ledger/receipt.js';\nimport { Environment } from '../sim/index.js';\n",
      },
      {
        path: 'sim/a.ts',
        text: "// import { no } from '../ledger/comment.js';\nimport {\n  a,\n  b,\n} from '../ledger/x.js';\n",
      },
      {
        path: 'reports/r.ts',
        text: [
          "import type { X } from '../engines/node-engines.js';",
          "import { type Y, type Z } from '../engines/node-engines.js';",
          "import { W } from '../engines/node-engines.js';",
          "export type { V } from '../engines/node-engines.js';",
        ].join('\n'),
      },
      {
        path: 'ledger/t.ts',
        text: [
          'export const a = Date.now();',
          'export const b = performance.now(); // host-time-ok',
          '/* Date.now() in a block comment */',
          '/**',
          ' * Math.random() in a doc comment',
          ' */',
          "const url = 'http://x'; export const c = Math.random();",
          // biome-ignore lint/suspicious/noTemplateCurlyInString: source text holding nested template literals
          'export const d = `${`${new Date()}`}`; // the marker is missing',
          "const re = /'/; export const e = process.hrtime.bigint();",
        ].join('\n'),
      },
      {
        path: 'workloads/w.ts',
        text: "import { ConfigError } from '../sim/errors.js';\nimport { S } from '../sim/index.js';\n",
      },
      { path: 'cli/c.ts', text: "const m = await import('../system/run.js');\nexport const t = Date.now();\n" },
      { path: 'calibrate/k.ts', text: "import { run } from '../system/run.js';\nexport const t = Date.now();\n" },
      { path: 'misc/m.ts', text: 'export {};\n' },
    ];
    const violations = checkFiles(rules, files);
    const at = (location: string): string[] => violations.filter((v) => v.startsWith(`${location}:`));

    expect(at('engines/x.ts:1')).toHaveLength(1);
    expect(at('engines/x.ts:1')[0]).toMatch(/imports system\/run\.ts .*README row engines\/ .*nothing but cli\//);
    expect(at('engines/ok.ts')).toEqual([]);
    expect(at('sim/a.ts')).toHaveLength(1);
    expect(at('sim/a.ts:2')[0]).toMatch(/imports ledger\/x\.ts .*README row sim\/ may import: nothing of the project/);
    // `import { type Y }` still loads the module at run time (verbatimModuleSyntax): not type-only.
    expect(at('reports/r.ts')).toHaveLength(2);
    expect(at('reports/r.ts:2')[0]).toMatch(/imports engines\/node-engines\.ts .*not an `import type`/);
    expect(at('reports/r.ts:3')[0]).toMatch(/imports engines\/node-engines\.ts .*not an `import type`/);
    expect(at('ledger/t.ts').map((v) => v.slice(0, v.indexOf(' ')))).toEqual([
      'ledger/t.ts:1:',
      'ledger/t.ts:7:',
      'ledger/t.ts:8:',
      'ledger/t.ts:9:',
    ]);
    expect(at('workloads/w.ts')).toHaveLength(1);
    expect(at('workloads/w.ts:2')[0]).toMatch(/imports sim\/index\.ts/);
    expect(at('cli/c.ts')).toEqual([]);
    expect(at('calibrate/k.ts')).toHaveLength(1);
    expect(at('calibrate/k.ts:1')[0]).toMatch(/README row calibrate\/ .*nothing but cli\//);
    expect(violations).toContain('misc/m.ts: its folder misc has no row in the README table');
    expect(violations).toHaveLength(11);
  });
});
