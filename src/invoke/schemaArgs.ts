// A tool's inputSchema as a list of argument fields people can fill in one by one, and the
// parsing of what they type into each field (checked as they type). vscode-free.
import { isObject } from '../common/json';
import { resolveRef } from '../common/jsonSchema';
export { validateArguments, pointerLabel, type ArgumentProblem } from './schemaValidation';
export { parseFieldInput, parseJson, formatFieldValue, describeField, type FieldInput } from './fieldInput';

type JsonSchema = Readonly<Record<string, unknown>>;

export type FieldType = 'string' | 'number' | 'integer' | 'boolean' | 'enum' | 'array' | 'object' | 'unknown';

export interface EnumOption {
  readonly value: unknown;
  /** The value as people read it: strings as they are, anything else as JSON. */
  readonly label: string;
  /** Title or description of the option (from oneOf/anyOf `{ const, title }`). */
  readonly description?: string;
}

export interface ArgField {
  readonly name: string;
  readonly type: FieldType;
  readonly required: boolean;
  /** `null` is accepted too (`type: ["string", "null"]`, `anyOf: [..., { type: "null" }]`, `nullable`). */
  readonly nullable: boolean;
  readonly title?: string;
  readonly description?: string;
  readonly hasDefault: boolean;
  readonly default?: unknown;
  /** The allowed values of an `enum` field. */
  readonly options?: readonly EnumOption[];
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly multipleOf?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly format?: string;
  /** Element type of an `array` field, when the schema says. */
  readonly itemType?: FieldType;
  /** The property's schema, with local `$ref`s and single-branch `allOf`/`anyOf` resolved. */
  readonly schema: JsonSchema;
  /** The whole inputSchema, to check a field's value in context (nested objects, `$defs`). */
  readonly rootSchema: JsonSchema;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v ? v : undefined;
}

/** Resolves refs and folds the wrappers generators emit around one real schema (`allOf: [X]`, `anyOf: [X, {type: null}]`). */
function unwrap(schema: JsonSchema, root: JsonSchema, depth = 0): { schema: JsonSchema; nullable: boolean } {
  let s = resolveRef(schema, root);
  let nullable = s.nullable === true;
  if (depth > 8) return { schema: s, nullable };
  if (Array.isArray(s.allOf) && s.allOf.every(isObject)) {
    const { allOf, ...rest } = s;
    s = Object.assign({}, ...allOf.map((x) => resolveRef(x, root)), rest) as JsonSchema;
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = s[key];
    if (!Array.isArray(branches) || !branches.every(isObject)) continue;
    const resolved = branches.map((b) => resolveRef(b, root));
    const nonNull = resolved.filter((b) => b.type !== 'null' && !(b.const === null && Object.keys(b).length === 1));
    if (nonNull.length < resolved.length) nullable = true;
    if (nonNull.length === 1) {
      const { [key]: _branches, ...rest } = s;
      const inner = unwrap({ ...nonNull[0], ...rest }, root, depth + 1);
      return { schema: inner.schema, nullable: nullable || inner.nullable };
    }
  }
  return { schema: s, nullable };
}

function optionOf(value: unknown, description?: string): EnumOption {
  return { value, label: typeof value === 'string' ? value : JSON.stringify(value), ...(description ? { description } : {}) };
}

/** Enum options from `enum`, `const`, or oneOf/anyOf whose branches are all consts/enums. */
function enumOptions(s: JsonSchema, root: JsonSchema): EnumOption[] | undefined {
  if (Array.isArray(s.enum)) return s.enum.filter((v) => v !== null).map((v) => optionOf(v));
  if ('const' in s && s.const !== null) return [optionOf(s.const, str(s.title) ?? str(s.description))];
  for (const key of ['oneOf', 'anyOf'] as const) {
    const branches = s[key];
    if (!Array.isArray(branches) || !branches.length || !branches.every(isObject)) continue;
    const out: EnumOption[] = [];
    for (const b of branches.map((x) => resolveRef(x, root))) {
      if (b.type === 'null') continue;
      if ('const' in b) out.push(optionOf(b.const, str(b.title) ?? str(b.description)));
      else if (Array.isArray(b.enum)) out.push(...b.enum.map((v) => optionOf(v)));
      else return undefined;
    }
    return out.filter((o) => o.value !== null);
  }
  return undefined;
}

/** The one JSON type a schema asks for, if it asks for one (`["string","null"]` → string). */
function typeOfSchema(s: JsonSchema): { type: FieldType; nullable: boolean } {
  const raw = Array.isArray(s.type) ? s.type.map(String) : typeof s.type === 'string' ? [s.type] : [];
  const nullable = raw.includes('null');
  const types = raw.filter((t) => t !== 'null');
  if (types.length === 2 && types.includes('integer') && types.includes('number')) return { type: 'number', nullable };
  if (types.length === 1 && ['string', 'number', 'integer', 'boolean', 'array', 'object'].includes(types[0])) return { type: types[0] as FieldType, nullable };
  if (types.length === 0 && isObject(s.properties)) return { type: 'object', nullable };
  if (types.length === 0 && (isObject(s.items) || Array.isArray(s.prefixItems))) return { type: 'array', nullable };
  return { type: 'unknown', nullable };
}

function fieldOf(name: string, raw: JsonSchema, required: boolean, root: JsonSchema): ArgField {
  const { schema: s, nullable: wrappedNull } = unwrap(raw, root);
  const options = enumOptions(s, root);
  const typed = typeOfSchema(s);
  const nullable = wrappedNull || typed.nullable || (Array.isArray(s.enum) && s.enum.includes(null));
  const type: FieldType = options?.length ? 'enum' : typed.type;
  const items = isObject(s.items) ? unwrap(s.items, root).schema : undefined;
  const exMin = num(s.exclusiveMinimum) ?? (s.exclusiveMinimum === true ? num(s.minimum) : undefined);
  const exMax = num(s.exclusiveMaximum) ?? (s.exclusiveMaximum === true ? num(s.maximum) : undefined);
  return {
    name,
    type,
    required,
    nullable,
    title: str(s.title),
    description: str(s.description),
    hasDefault: 'default' in s,
    default: s.default,
    options: type === 'enum' ? options : undefined,
    minimum: s.exclusiveMinimum === true ? undefined : num(s.minimum),
    maximum: s.exclusiveMaximum === true ? undefined : num(s.maximum),
    exclusiveMinimum: exMin,
    exclusiveMaximum: exMax,
    multipleOf: num(s.multipleOf),
    minLength: num(s.minLength),
    maxLength: num(s.maxLength),
    pattern: str(s.pattern),
    format: str(s.format),
    itemType: items ? (enumOptions(items, root)?.length ? 'enum' : typeOfSchema(items).type) : undefined,
    schema: s,
    rootSchema: root,
  };
}

/** The argument fields of a tool, in the order its inputSchema lists them. */
export function schemaFields(inputSchema: JsonSchema | undefined): ArgField[] {
  if (!isObject(inputSchema)) return [];
  const root = unwrap(inputSchema, inputSchema).schema;
  const props = isObject(root.properties) ? root.properties : {};
  const required = new Set(Array.isArray(root.required) ? root.required.map(String) : []);
  return Object.entries(props).map(([name, s]) => fieldOf(name, isObject(s) ? s : {}, required.has(name), inputSchema));
}

/** A starting value for a required field with nothing better to offer (for the JSON skeleton). */
export function placeholderValue(field: ArgField): unknown {
  switch (field.type) {
    case 'string':
      return '';
    case 'number':
    case 'integer':
      return field.minimum ?? (field.exclusiveMinimum !== undefined ? field.exclusiveMinimum + 1 : 0);
    case 'boolean':
      return false;
    case 'enum':
      return field.options?.[0]?.value ?? null;
    case 'array':
      return [];
    case 'object':
      return {};
    default:
      return null;
  }
}

/**
 * The arguments object to start editing from: `initial` values (last used), then defaults,
 * then placeholders for required fields. Optional fields with nothing to offer are left out.
 */
export function argumentSkeleton(fields: readonly ArgField[], initial: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (initial[f.name] !== undefined) out[f.name] = initial[f.name];
    else if (f.hasDefault) out[f.name] = f.default;
    else if (f.required) out[f.name] = placeholderValue(f);
  }
  return out;
}
