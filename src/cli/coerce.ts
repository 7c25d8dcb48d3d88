// `key=value` words turned into a tool's arguments, typed by its inputSchema: `count=3` is the
// number 3 when `count` is a number, the text "3" when it is a string. A small reading of JSON
// Schema on purpose (local $ref, nullable anyOf/oneOf, enum, const): the CLI bundle stays free of
// ajv; the server checks the arguments in full.
import { isObject } from '../common/json';
import { resolveRef } from '../common/jsonSchema';
import type { KeyValue } from './args';

type Schema = Readonly<Record<string, unknown>>;
export type ValueType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null' | 'any';

export class CoercionError extends Error {}

/** The types a property's schema allows, in the order it lists them, and its enum values if any. */
export function typesOf(schema: unknown, root: Schema): { types: ValueType[]; values?: readonly unknown[] } {
  if (!isObject(schema)) return { types: ['any'] };
  const s = resolveRef(schema, root);
  if (Array.isArray(s.enum)) return { types: [], values: s.enum };
  if ('const' in s) return { types: [], values: [s.const] };
  const types: ValueType[] = [];
  let values: unknown[] | undefined;
  if (typeof s.type === 'string') types.push(s.type as ValueType);
  else if (Array.isArray(s.type)) types.push(...(s.type as ValueType[]));
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const branches = s[key];
    if (!Array.isArray(branches)) continue;
    for (const b of branches) {
      const inner = typesOf(b, root);
      for (const t of inner.types) if (!types.includes(t)) types.push(t);
      if (inner.values) values = [...(values ?? []), ...inner.values];
    }
  }
  if (!types.length && !values) {
    if (isObject(s.properties)) types.push('object');
    else if (s.items !== undefined) types.push('array');
    else types.push('any');
  }
  return { types, values };
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

function tryJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/** One value, as its schema asks. Throws CoercionError saying what the value should look like. */
export function coerceValue(key: string, text: string, schema: unknown, root: Schema): unknown {
  const { types, values } = typesOf(schema, root);
  if (values) {
    const at = values.findIndex((v) => (typeof v === 'string' ? v === text : JSON.stringify(v) === text));
    if (at >= 0) return values[at];
    if (!types.length) throw new CoercionError(`${key} must be one of ${values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')}`);
  }
  if (text === 'null' && types.includes('null')) return null;
  for (const t of types) {
    switch (t) {
      case 'string':
        return text;
      case 'integer':
      case 'number':
        if (NUMBER.test(text.trim()) && (t === 'number' || Number.isInteger(Number(text)))) return Number(text);
        break;
      case 'boolean':
        if (/^(true|false)$/i.test(text.trim())) return text.trim().toLowerCase() === 'true';
        break;
      case 'array':
      case 'object': {
        const parsed = tryJson(text);
        if (parsed.ok && (t === 'array' ? Array.isArray(parsed.value) : isObject(parsed.value))) return parsed.value;
        break;
      }
      case 'any': {
        const parsed = tryJson(text);
        return parsed.ok && typeof parsed.value !== 'string' ? parsed.value : text;
      }
    }
  }
  const wanted = types.filter((t) => t !== 'null');
  const how = wanted.map((t) =>
    t === 'array' ? 'a JSON array' : t === 'object' ? 'a JSON object' : t === 'integer' ? 'an integer' : t === 'boolean' ? 'true or false' : `a ${t}`,
  );
  throw new CoercionError(`${key} must be ${how.join(' or ') || 'null'} (got ${JSON.stringify(text)})`);
}

/**
 * Whether a value typed as `key=value` could mean something other than its text under some
 * schema: a number, true/false, null, or JSON (array, object, string). Any other value is that
 * text under every schema, or fits none (and the server says so).
 */
export function couldBeTyped(text: string): boolean {
  const t = text.trim();
  return NUMBER.test(t) || /^(true|false|null)$/i.test(t) || /^[[{"]/.test(t);
}

/**
 * Whether the words need the tool's schema (one more request): only when some `key=value` value
 * could be typed (`count=3`, `flag=true`, `tags=["a"]`); plain text (`text=hello`) and `key:=JSON`
 * never do.
 */
export function needsSchema(pairs: readonly KeyValue[]): boolean {
  return pairs.some((p) => !p.json && couldBeTyped(p.value));
}

/** The arguments object: `base` (from --json or stdin), then each word in order. Throws CoercionError. */
export function buildArguments(pairs: readonly KeyValue[], inputSchema: unknown, base: Record<string, unknown> = {}): Record<string, unknown> {
  const root: Schema = isObject(inputSchema) ? inputSchema : {};
  const top = resolveRef(root, root);
  const props = isObject(top.properties) ? top.properties : {};
  const closed = top.additionalProperties === false;
  const out: Record<string, unknown> = { ...base };
  for (const p of pairs) {
    if (p.json) {
      const parsed = tryJson(p.value);
      if (!parsed.ok) throw new CoercionError(`${p.key}:= needs JSON (got ${JSON.stringify(p.value)}); for text write ${p.key}=…`);
      out[p.key] = parsed.value;
      continue;
    }
    if (!(p.key in props)) {
      if (closed) {
        const names = Object.keys(props);
        throw new CoercionError(`no argument "${p.key}"${names.length ? ` (arguments: ${names.join(', ')})` : ' (the tool takes no arguments)'}`);
      }
      out[p.key] = p.value;
      continue;
    }
    out[p.key] = coerceValue(p.key, p.value, props[p.key], root);
  }
  return out;
}
