// Checks tool arguments against the tool's JSON Schema before they are sent, and says what is
// wrong in words people read ("count" must be integer). vscode-free.
//
// The checking itself is ajv's: the MCP SDK already depends on ajv + ajv-formats and the SDK client
// bundles them into dist/extension.js (it validates structured tool output), so using them here
// costs no extra bundle weight and gives a complete, well-kept JSON Schema implementation.
import { Ajv, type ErrorObject, type Options, type ValidateFunction } from 'ajv';
import { Ajv2019 } from 'ajv/dist/2019';
import { Ajv2020 } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

export interface ArgumentProblem {
  /** JSON pointer of the offending value, e.g. `/count` or `/options/limit` (for a missing or unknown property, the property's own pointer). */
  readonly pointer: string;
  /** What is wrong, for people: `"count" must be integer`. */
  readonly message: string;
}

type JsonSchema = Readonly<Record<string, unknown>>;
type Dialect = 'draft-07' | '2019-09' | '2020-12';

const OPTIONS: Options = {
  strict: false, // tool schemas carry all kinds of extra keywords
  allErrors: true,
  verbose: true, // errors carry the offending data, so messages can say what was given
  validateSchema: false, // a sloppy schema should still check what it can
  addUsedSchema: false, // two tools may use the same $id for different schemas
  logger: false,
};

const instances = new Map<Dialect, Ajv>();
const compiled = new WeakMap<object, ValidateFunction | null>();

function ajvFor(dialect: Dialect): Ajv {
  let ajv = instances.get(dialect);
  if (!ajv) {
    ajv = dialect === '2020-12' ? new Ajv2020(OPTIONS) : dialect === '2019-09' ? new Ajv2019(OPTIONS) : new Ajv(OPTIONS);
    addFormats(ajv);
    instances.set(dialect, ajv);
  }
  return ajv;
}

function dialectOf(schema: JsonSchema): Dialect {
  const id = typeof schema.$schema === 'string' ? schema.$schema : '';
  return id.includes('2020-12') ? '2020-12' : id.includes('2019-09') ? '2019-09' : 'draft-07';
}

/** The compiled validator for a schema (cached per schema object); null if ajv cannot compile it. */
function validatorFor(schema: JsonSchema): ValidateFunction | null {
  const cached = compiled.get(schema);
  if (cached !== undefined) return cached;
  // $schema only picks the dialect; dropping it keeps ajv from looking the meta-schema up.
  const { $schema: _dialect, ...rest } = schema;
  const { $id: _id, ...anonymous } = rest;
  let fn: ValidateFunction | null = null;
  // A second try without $id: servers put all kinds of strings there that ajv cannot parse as URIs.
  for (const candidate of '$id' in rest ? [rest, anonymous] : [rest]) {
    try {
      fn = ajvFor(dialectOf(schema)).compile(candidate);
      break;
    } catch {
      fn = null; // unsupported or broken schema: the server will judge the arguments itself
    }
  }
  compiled.set(schema, fn);
  return fn;
}

/**
 * What is wrong with `args` according to `schema` (a tool's inputSchema): missing required
 * arguments, wrong types, values outside an enum, unknown arguments when additionalProperties is
 * false, nested problems. Empty when the arguments are fine or the schema cannot be checked.
 */
export function validateArguments(schema: JsonSchema | undefined, args: unknown): ArgumentProblem[] {
  if (!schema || typeof schema !== 'object') return [];
  const validate = validatorFor(schema);
  if (!validate || validate(args)) return [];
  return describeErrors(validate.errors ?? []);
}

/** `/options/0/name` → `options[0].name`; the root is "arguments". */
export function pointerLabel(pointer: string): string {
  if (!pointer) return 'arguments';
  let out = '';
  for (const raw of pointer.split('/').slice(1)) {
    const part = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^\d+$/.test(part) && out ? `[${part}]` : out ? `.${part}` : part;
  }
  return out;
}

function child(pointer: string, prop: string): string {
  return `${pointer}/${prop.replace(/~/g, '~0').replace(/\//g, '~1')}`;
}

function jsonValue(v: unknown): string {
  const s = JSON.stringify(v);
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}…` : s;
}

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeList(t: unknown): string {
  const list = Array.isArray(t) ? t.map(String) : String(t).split(',');
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list[list.length - 1]}` : list[0];
}

const COMPARISON: Record<string, string> = { '>=': '≥', '<=': '≤', '>': '>', '<': '<' };

/** One ajv error in words. */
function describe(e: ErrorObject): ArgumentProblem | undefined {
  const at = e.instancePath;
  const name = `"${pointerLabel(at)}"`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
    case 'dependentRequired':
    case 'dependencies': {
      const missing = String(p.missingProperty);
      const when = p.property !== undefined ? ` when ${JSON.stringify(p.property)} is given` : '';
      return {
        pointer: child(at, missing),
        message: at ? `${name} is missing the required property "${missing}"${when}` : `missing required argument "${missing}"${when}`,
      };
    }
    case 'additionalProperties':
    case 'unevaluatedProperties': {
      const extra = String(p.additionalProperty ?? p.unevaluatedProperty);
      return {
        pointer: child(at, extra),
        message: at ? `${name} has an unknown property "${extra}"` : `unknown argument "${extra}" (the tool does not accept it)`,
      };
    }
    case 'type':
      return { pointer: at, message: `${name} must be ${typeList(p.type)} (got ${typeOf(e.data)})` };
    case 'enum':
      return { pointer: at, message: `${name} must be one of ${(p.allowedValues as unknown[]).map(jsonValue).join(', ')} (got ${jsonValue(e.data)})` };
    case 'const':
      return { pointer: at, message: `${name} must be ${jsonValue(p.allowedValue)}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { pointer: at, message: `${name} must be ${COMPARISON[String(p.comparison)] ?? String(p.comparison)} ${String(p.limit)}` };
    case 'multipleOf':
      return { pointer: at, message: `${name} must be a multiple of ${String(p.multipleOf)}` };
    case 'minLength':
      return { pointer: at, message: `${name} must be at least ${String(p.limit)} characters long` };
    case 'maxLength':
      return { pointer: at, message: `${name} must be at most ${String(p.limit)} characters long` };
    case 'pattern':
      return { pointer: at, message: `${name} must match the pattern /${String(p.pattern)}/` };
    case 'format':
      return { pointer: at, message: `${name} must be a valid ${String(p.format)}` };
    case 'minItems':
      return { pointer: at, message: `${name} must have at least ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` };
    case 'maxItems':
      return { pointer: at, message: `${name} must have at most ${String(p.limit)} item${p.limit === 1 ? '' : 's'}` };
    case 'uniqueItems':
      return {
        pointer: at,
        message: `${name} must not contain duplicates (items ${Math.min(Number(p.i), Number(p.j))} and ${Math.max(Number(p.i), Number(p.j))} are equal)`,
      };
    case 'minProperties':
      return { pointer: at, message: `${name} must have at least ${String(p.limit)} propert${p.limit === 1 ? 'y' : 'ies'}` };
    case 'maxProperties':
      return { pointer: at, message: `${name} must have at most ${String(p.limit)} propert${p.limit === 1 ? 'y' : 'ies'}` };
    case 'propertyNames':
      return { pointer: at, message: `${name} has an invalid property name "${String(p.propertyName)}"` };
    case 'false schema':
      return { pointer: at, message: at ? `${name} is not allowed` : 'no arguments are allowed' };
    case 'not':
      return { pointer: at, message: `${name} has a value that is not allowed` };
    case 'if':
      return undefined; // the errors of the failing "then"/"else" branch say what is wrong
    default:
      return { pointer: at, message: `${name} ${e.message ?? 'is invalid'}` };
  }
}

/** An anyOf/oneOf failure, using the errors of its alternatives to say what was expected. */
function describeAlternatives(e: ErrorObject, branches: ErrorObject[]): ArgumentProblem {
  const at = e.instancePath;
  const name = `"${pointerLabel(at)}"`;
  if (e.keyword === 'oneOf' && Array.isArray((e.params as { passingSchemas?: unknown }).passingSchemas)) {
    return { pointer: at, message: `${name} matches more than one of the allowed forms` };
  }
  const own = branches.filter((b) => b.instancePath === at);
  if (own.length && own.length === branches.length) {
    if (own.every((b) => b.keyword === 'const' || b.keyword === 'enum')) {
      const allowed = own.flatMap((b) =>
        b.keyword === 'const' ? [(b.params as { allowedValue: unknown }).allowedValue] : (b.params as { allowedValues: unknown[] }).allowedValues,
      );
      return { pointer: at, message: `${name} must be one of ${allowed.map(jsonValue).join(', ')} (got ${jsonValue(e.data)})` };
    }
    if (own.every((b) => b.keyword === 'type')) {
      const types = [...new Set(own.flatMap((b) => typeList((b.params as { type: unknown }).type).split(/, | or /)))];
      return { pointer: at, message: `${name} must be ${typeList(types)} (got ${typeOf(e.data)})` };
    }
  }
  const hint = branches.map(describe).find(Boolean);
  return { pointer: at, message: `${name} does not match any of the allowed forms${hint ? ` (e.g. ${hint.message})` : ''}` };
}

/** ajv errors → problems, folding the noise of anyOf/oneOf alternatives into one message each. */
function describeErrors(errors: readonly ErrorObject[]): ArgumentProblem[] {
  const groups = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf');
  const inGroup = (e: ErrorObject) => groups.some((g) => g !== e && e.schemaPath.startsWith(`${g.schemaPath}/`));
  const out: ArgumentProblem[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (inGroup(e)) continue;
    const problem = groups.includes(e)
      ? describeAlternatives(
          e,
          errors.filter((b) => b.schemaPath.startsWith(`${e.schemaPath}/`)),
        )
      : describe(e);
    if (problem && !seen.has(problem.message)) {
      seen.add(problem.message);
      out.push(problem);
    }
  }
  return out;
}
