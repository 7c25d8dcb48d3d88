// What people type into one argument field: parsed into the value to send, or told why it is
// not acceptable, as they type. vscode-free.
import { parse as parseJsonc, printParseErrorCode, type ParseError, type ParseErrorCode } from 'jsonc-parser/lib/esm/main.js';
import { isObject } from '../common/json';
import type { ArgField } from './schemaArgs';
import { validateArguments, type ArgumentProblem } from './schemaValidation';

export type FieldInput =
  | { readonly ok: true; readonly omit: true }
  | { readonly ok: true; readonly omit?: false; readonly value: unknown }
  | { readonly ok: false; readonly message: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
/** zod and friends write ±MAX_SAFE_INTEGER as bounds of every integer; not worth showing. */
const meaningful = (n: number | undefined): n is number => n !== undefined && Math.abs(n) < Number.MAX_SAFE_INTEGER;

function checkNumber(field: ArgField, n: number): string | undefined {
  if (field.type === 'integer' && !Number.isInteger(n)) return 'must be an integer';
  if (field.minimum !== undefined && n < field.minimum) return `must be ≥ ${field.minimum}`;
  if (field.maximum !== undefined && n > field.maximum) return `must be ≤ ${field.maximum}`;
  if (field.exclusiveMinimum !== undefined && n <= field.exclusiveMinimum) return `must be > ${field.exclusiveMinimum}`;
  if (field.exclusiveMaximum !== undefined && n >= field.exclusiveMaximum) return `must be < ${field.exclusiveMaximum}`;
  if (field.multipleOf && Math.abs(n / field.multipleOf - Math.round(n / field.multipleOf)) > 1e-9) return `must be a multiple of ${field.multipleOf}`;
  return undefined;
}

function checkString(field: ArgField, s: string): string | undefined {
  const length = [...s].length;
  if (field.minLength !== undefined && length < field.minLength) return `must be at least ${field.minLength} character${field.minLength === 1 ? '' : 's'} long`;
  if (field.maxLength !== undefined && length > field.maxLength) return `must be at most ${field.maxLength} characters long (now ${length})`;
  if (field.pattern) {
    let re: RegExp | undefined;
    try {
      re = new RegExp(field.pattern, 'u');
    } catch {
      re = undefined; // a pattern JavaScript cannot read: leave it to the server
    }
    if (re && !re.test(s)) return `must match the pattern /${field.pattern}/`;
  }
  return undefined;
}

/**
 * JSON.parse, with the first error's line, column and reason when it fails. The position comes
 * from jsonc-parser's scanner (error codes and offsets), not from the wording of V8's message,
 * which changes between Node versions.
 */
export function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    if (!first) return { ok: false, message: 'not valid JSON' };
    const before = text.slice(0, first.offset);
    const line = before.split('\n').length;
    const column = before.length - before.lastIndexOf('\n');
    return { ok: false, message: `not valid JSON at line ${line}, column ${column}: ${describeParseError(first.error)}` };
  }
}

function describeParseError(code: ParseErrorCode): string {
  // printParseErrorCode gives e.g. "CommaExpected": make it read as words.
  return printParseErrorCode(code)
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .toLowerCase();
}

/** First problem the schema finds with this one field's value (nested objects, formats, items). */
function checkInContext(field: ArgField, value: unknown): string | undefined {
  const pointer = `/${field.name.replace(/~/g, '~0').replace(/\//g, '~1')}`;
  const problems: ArgumentProblem[] = validateArguments(field.rootSchema, { [field.name]: value });
  return problems.find((p) => p.pointer === pointer || p.pointer.startsWith(`${pointer}/`))?.message;
}

/**
 * What the text typed for `field` means: a value, "omit" (empty input of an optional field), or
 * why it is not acceptable ("must be an integer", "must be ≥ 1", "not valid JSON at line 1, column 5: …").
 * For strings, `""` means the empty string; `null` means null for nullable non-string fields.
 */
export function parseFieldInput(field: ArgField, text: string): FieldInput {
  const t = field.type === 'string' ? text : text.trim();
  if (t === '')
    return field.required ? { ok: false, message: field.type === 'string' ? 'required (type "" for an empty string)' : 'required' } : { ok: true, omit: true };
  let value: unknown;
  if (field.nullable && t === 'null' && field.type !== 'string') value = null;
  else if (field.type === 'string') {
    value = t === '""' ? '' : t;
    const problem = checkString(field, value as string);
    if (problem) return { ok: false, message: problem };
  } else if (field.type === 'number' || field.type === 'integer') {
    if (!NUMBER.test(t)) return { ok: false, message: field.type === 'integer' ? 'must be an integer' : 'must be a number' };
    value = Number(t);
    const problem = checkNumber(field, value as number);
    if (problem) return { ok: false, message: problem };
  } else if (field.type === 'boolean') {
    if (!/^(true|false)$/i.test(t)) return { ok: false, message: 'must be true or false' };
    value = t.toLowerCase() === 'true';
  } else if (field.type === 'enum') {
    const option = field.options?.find((o) => o.label === t) ?? field.options?.find((o) => JSON.stringify(o.value) === t);
    if (!option) return { ok: false, message: `must be one of ${(field.options ?? []).map((o) => o.label).join(', ')}` };
    value = option.value;
  } else {
    const parsed = parseJson(t);
    if (!parsed.ok) {
      if (field.type === 'unknown')
        value = t; // free-form: text that is not JSON is sent as a string
      else return parsed;
    } else value = parsed.value;
    if (field.type === 'array' && !Array.isArray(value)) return { ok: false, message: 'must be a JSON array, e.g. ["a", "b"]' };
    if (field.type === 'object' && !isObject(value)) return { ok: false, message: 'must be a JSON object, e.g. {"key": "value"}' };
  }
  const problem = checkInContext(field, value);
  return problem ? { ok: false, message: problem } : { ok: true, value };
}

/** A value as it is typed back into the field (to prefill the last-used value or the default). */
export function formatFieldValue(field: ArgField, value: unknown): string {
  if (value === undefined) return '';
  if (field.type === 'string' && typeof value === 'string') return value === '' ? '""' : value;
  if (typeof value === 'string' && (field.type === 'enum' || field.type === 'unknown')) return value;
  return JSON.stringify(value);
}

/** A short description of what the field accepts: `integer ≥ 1 · default 10 · optional, empty to omit`. */
export function describeField(field: ArgField): string {
  const parts: string[] = [];
  let type: string = field.type;
  if (field.type === 'enum') type = `one of ${(field.options ?? []).map((o) => o.label).join(', ')}`;
  if (field.type === 'array')
    type = `JSON array${field.itemType && field.itemType !== 'unknown' ? ` of ${field.itemType}` : ''}, e.g. ${field.itemType === 'number' || field.itemType === 'integer' ? '[1, 2]' : '["a", "b"]'}`;
  if (field.type === 'object') type = 'JSON object, e.g. {"key": "value"}';
  if (field.type === 'unknown') type = 'any JSON value (plain text is sent as a string)';
  if (field.format) type += ` (${field.format})`;
  const bounds = [
    meaningful(field.minimum) ? `≥ ${field.minimum}` : '',
    meaningful(field.exclusiveMinimum) ? `> ${field.exclusiveMinimum}` : '',
    meaningful(field.maximum) ? `≤ ${field.maximum}` : '',
    meaningful(field.exclusiveMaximum) ? `< ${field.exclusiveMaximum}` : '',
    field.minLength ? `at least ${field.minLength} chars` : '',
    field.maxLength !== undefined ? `at most ${field.maxLength} chars` : '',
  ].filter(Boolean);
  parts.push([type, ...bounds].join(' '));
  if (field.nullable && field.type !== 'string') parts.push('or null');
  if (field.hasDefault) parts.push(`default ${formatFieldValue(field, field.default) || JSON.stringify(field.default)}`);
  parts.push(field.required ? 'required' : 'optional, leave empty to omit');
  return parts.join(' · ');
}
