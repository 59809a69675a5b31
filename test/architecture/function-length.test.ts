/**
 * system/ is read and changed more than any other part, so its functions stay short enough to read
 * at once: no function, method or arrow function in system/ spans more than 80 lines. Measured on
 * the TypeScript syntax tree (the compiler's own parser), from a function's first token to its
 * closing brace; a nested function counts within its parent's length too.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const LINES_MAX = 80;

/** `file:line name (n lines)` for every function in `text` longer than `linesMax`. */
function longFunctions(file: string, text: string, linesMax: number): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const found: string[] = [];
  const visit = (node: ts.Node): void => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body !== undefined) {
      const first = source.getLineAndCharacterOfPosition(node.getStart(source)).line;
      const last = source.getLineAndCharacterOfPosition(node.end).line;
      const lines = last - first + 1;
      const name = node.name?.getText(source) ?? '(anonymous)';
      if (lines > linesMax) found.push(`${file}:${first + 1} ${name} (${lines} lines)`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

describe('function length in system/', () => {
  it(`no function in system/ is longer than ${LINES_MAX} lines`, () => {
    const dir = join(ROOT, 'system');
    const files = readdirSync(dir).filter((name) => name.endsWith('.ts'));
    expect(files.length).toBeGreaterThan(10);
    const long = files.flatMap((name) =>
      longFunctions(`system/${name}`, readFileSync(join(dir, name), 'utf8'), LINES_MAX),
    );
    expect(long).toEqual([]);
  });

  it('the measure finds a long function, a long method and a long arrow function', () => {
    const body = Array.from({ length: 5 }, (_, i) => `  const v${i} = ${i};`).join('\n');
    const text = [
      `function f() {\n${body}\n}`,
      `class C {\n  m() {\n${body}\n  }\n}`,
      `const g = () => {\n${body}\n};`,
      'function short() {}',
    ].join('\n');
    expect(longFunctions('x.ts', text, 4)).toEqual([
      'x.ts:1 f (7 lines)',
      'x.ts:9 m (7 lines)',
      'x.ts:17 (anonymous) (7 lines)',
    ]);
  });
});
