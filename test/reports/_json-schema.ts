/**
 * A small JSON Schema (draft 2020-12) validator for the keywords the shipped report schema uses,
 * written here so the schema test checks real reports against the *JSON* file with code that
 * shares nothing with zod (which generated it). `SUPPORTED_KEYWORDS` is what it understands; the
 * schema test asserts the shipped schema uses nothing else, so a silently ignored keyword cannot
 * make a check pass.
 */

export const SUPPORTED_KEYWORDS = new Set([
  '$schema',
  '$id',
  '$defs',
  '$ref',
  'title',
  'description', // annotations and references
  'type',
  'properties',
  'required',
  'additionalProperties',
  'propertyNames',
  'items',
  'enum',
  'const',
  'anyOf',
  'minimum',
  'maximum',
  'exclusiveMinimum',
]);

type Schema = Record<string, unknown> | boolean;

function typeOk(value: unknown, type: string): boolean {
  switch (type) {
    case 'object':
      return value !== null && typeof value === 'object' && !Array.isArray(value);
    case 'array':
      return Array.isArray(value);
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'null':
      return value === null;
    default:
      throw new Error(`unsupported type ${type}`);
  }
}

/** Errors as `path: message`; an empty list means valid. */
export function validateJsonSchema(root: Record<string, unknown>, value: unknown): string[] {
  const errors: string[] = [];
  const resolve = (ref: string): Schema => {
    const m = /^#\/\$defs\/(.+)$/.exec(ref);
    const target = m?.[1] === undefined ? undefined : (root.$defs as Record<string, Schema> | undefined)?.[m[1]];
    if (target === undefined) throw new Error(`unresolved $ref ${ref}`);
    return target;
  };
  const check = (schema: Schema, v: unknown, path: string): boolean => {
    if (schema === true) return true;
    if (schema === false) return fail(path, 'not allowed');
    const before = errors.length;
    if (typeof schema.$ref === 'string') check(resolve(schema.$ref), v, path);
    if (schema.type !== undefined) {
      const types = Array.isArray(schema.type) ? (schema.type as string[]) : [schema.type as string];
      if (!types.some((t) => typeOk(v, t))) return fail(path, `expected ${types.join('|')}`);
    }
    if (schema.const !== undefined && v !== schema.const) fail(path, `expected ${JSON.stringify(schema.const)}`);
    if (Array.isArray(schema.enum) && !schema.enum.includes(v))
      fail(path, `expected one of ${JSON.stringify(schema.enum)}`);
    if (typeof v === 'number') {
      if (typeof schema.minimum === 'number' && v < schema.minimum) fail(path, `below minimum ${schema.minimum}`);
      if (typeof schema.maximum === 'number' && v > schema.maximum) fail(path, `above maximum ${schema.maximum}`);
      if (typeof schema.exclusiveMinimum === 'number' && v <= schema.exclusiveMinimum)
        fail(path, `not above ${schema.exclusiveMinimum}`);
    }
    if (Array.isArray(schema.anyOf)) {
      const saved = errors.length;
      const ok = (schema.anyOf as Schema[]).some((s) => {
        const mark = errors.length;
        const good = check(s, v, path) && errors.length === mark;
        errors.length = mark;
        return good;
      });
      errors.length = saved;
      if (!ok) fail(path, 'matches no anyOf branch');
    }
    if (Array.isArray(v) && schema.items !== undefined)
      v.forEach((item, i) => check(schema.items as Schema, item, `${path}[${i}]`));
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const obj = v as Record<string, unknown>;
      const props = (schema.properties ?? {}) as Record<string, Schema>;
      for (const key of (schema.required ?? []) as string[]) if (!(key in obj)) fail(`${path}.${key}`, 'required');
      for (const [key, child] of Object.entries(obj)) {
        if (schema.propertyNames !== undefined) check(schema.propertyNames as Schema, key, `${path}.${key} (name)`);
        if (key in props) check(props[key] as Schema, child, `${path}.${key}`);
        else if (schema.additionalProperties !== undefined)
          check(schema.additionalProperties as Schema, child, `${path}.${key}`);
      }
    }
    return errors.length === before;
  };
  const fail = (path: string, message: string): false => {
    errors.push(`${path}: ${message}`);
    return false;
  };
  check(root, value, '$');
  return errors;
}

/** Every keyword used anywhere in a schema (not counting property names or $defs names). */
export function keywordsOf(schema: unknown, parentKey = ''): Set<string> {
  const out = new Set<string>();
  const walk = (x: unknown, parent: string): void => {
    if (Array.isArray(x)) {
      for (const v of x) walk(v, '');
      return;
    }
    if (x === null || typeof x !== 'object') return;
    for (const [key, v] of Object.entries(x)) {
      if (parent !== 'properties' && parent !== '$defs') out.add(key);
      walk(v, parent === 'properties' || parent === '$defs' ? '' : key);
    }
  };
  walk(schema, parentKey);
  return out;
}
