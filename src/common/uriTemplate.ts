// RFC 6570 URI templates (levels 1-4, string and list values): the variables a resource template
// names, and its expansion once they are known. Vscode-free; tested with the RFC's own examples.
// Written here rather than taken from the SDK (its UriTemplate drops the operator of an expression
// with several variables, `{/a,b}` → `a,b`, and reads `{x:3}` as a variable named `x:3`).

export type TemplateValue = string | readonly string[];

interface Operator {
  readonly first: string;
  readonly sep: string;
  /** `name=value` pairs (`;`, `?`, `&`). */
  readonly named: boolean;
  /** What follows the name of an empty value: `;x` but `?x=`. */
  readonly ifEmpty: string;
  /** Reserved characters pass unencoded (`+`, `#`). */
  readonly reserved: boolean;
}

const op = (first: string, sep: string, named = false, ifEmpty = '', reserved = false): Operator => ({ first, sep, named, ifEmpty, reserved });
const OPERATORS: Readonly<Record<string, Operator>> = {
  '': op('', ','),
  '+': op('', ',', false, '', true),
  '#': op('#', ',', false, '', true),
  '.': op('.', '.'),
  '/': op('/', '/'),
  ';': op(';', ';', true),
  '?': op('?', '&', true, '='),
  '&': op('&', '&', true, '='),
};

interface VarSpec {
  readonly name: string;
  readonly prefix?: number;
  readonly explode: boolean;
}

const EXPRESSION = /\{([^{}]*)\}/g;
const VARSPEC = /^((?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2})(?:\.?(?:[A-Za-z0-9_]|%[0-9A-Fa-f]{2}))*)(?::([1-9][0-9]{0,3})|(\*))?$/;

/** The operator and variables of one expression's text (between the braces); undefined if it is none. */
function parseExpression(text: string): { op: Operator; vars: VarSpec[] } | undefined {
  const opChar = text[0] !== undefined && '+#./;?&'.includes(text[0]) ? text[0] : '';
  const vars: VarSpec[] = [];
  for (const spec of text.slice(opChar.length).split(',')) {
    const m = VARSPEC.exec(spec);
    if (!m) return undefined;
    vars.push({ name: m[1], prefix: m[2] ? Number(m[2]) : undefined, explode: m[3] === '*' });
  }
  return { op: OPERATORS[opChar], vars };
}

function pct(ch: string): string {
  return encodeURIComponent(ch).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Unreserved characters stay; with `reserved`, reserved characters and %XX triplets stay too. */
function encode(value: string, reserved: boolean): string {
  return reserved
    ? value.replace(/%[0-9A-Fa-f]{2}|[^A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=]/gu, (c) => (c.length === 3 && c[0] === '%' ? c : pct(c)))
    : value.replace(/[^A-Za-z0-9\-._~]/gu, pct);
}

function expandExpression(o: Operator, vars: readonly VarSpec[], values: Readonly<Record<string, TemplateValue | undefined>>): string {
  const parts: string[] = [];
  const named = (name: string, encoded: string, raw: string) => (o.named ? (raw === '' ? `${name}${o.ifEmpty}` : `${name}=${encoded}`) : encoded);
  for (const v of vars) {
    const value = values[v.name];
    if (value === undefined || (typeof value !== 'string' && !value.length)) continue;
    if (typeof value === 'string') {
      const cut = v.prefix !== undefined ? [...value].slice(0, v.prefix).join('') : value;
      parts.push(named(v.name, encode(cut, o.reserved), value));
    } else if (!v.explode) {
      parts.push(named(v.name, value.map((x) => encode(x, o.reserved)).join(','), value.join(',')));
    } else {
      parts.push(...value.map((x) => named(v.name, encode(x, o.reserved), x)));
    }
  }
  return parts.length ? o.first + parts.join(o.sep) : '';
}

/** Expands `template` with `values`; a variable without a value is left out, as RFC 6570 says. Malformed expressions stay as written. */
export function expandUriTemplate(template: string, values: Readonly<Record<string, TemplateValue | undefined>>): string {
  return template.replace(EXPRESSION, (whole, text: string) => {
    const e = parseExpression(text);
    return e ? expandExpression(e.op, e.vars, values) : whole;
  });
}

/** The variables a template names, in order of first appearance. */
export function templateVariables(template: string): string[] {
  return templateFields(template).map((f) => f.name);
}

/**
 * The variables a template names, in order of first appearance, each with whether it may be left
 * out: a query or parameter (`{?q}`, `{&page}`, `{;v}`) expands to nothing then; a path segment
 * (`{name}`, `{/id}`) would leave a different URI.
 */
export function templateFields(template: string): { name: string; optional: boolean }[] {
  const fields: { name: string; optional: boolean }[] = [];
  for (const m of template.matchAll(EXPRESSION)) {
    const e = parseExpression(m[1]);
    for (const v of e?.vars ?? []) {
      const optional = e!.op.named;
      const known = fields.find((f) => f.name === v.name);
      if (!known) fields.push({ name: v.name, optional });
      else known.optional &&= optional;
    }
  }
  return fields;
}
