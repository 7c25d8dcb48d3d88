// JSON Schema as tools' inputSchemas use it, read without a validator (the CLI types `key=value`
// words by it, the editor asks for arguments field by field). Import-free but for isObject: the
// CLI bundles it and stays free of ajv.
import { isObject } from './json';

type JsonSchema = Readonly<Record<string, unknown>>;

/** Longer chains of `$ref` than this (a cycle) are left as they are. */
const MAX_REF_DEPTH = 16;

/**
 * The schema with its local `$ref` (`#/$defs/X`, `#/definitions/X`: a JSON Pointer into `root`)
 * followed, as one schema: the keywords of the schema it names, then the keywords written beside
 * the `$ref`, which win. In JSON Schema 2020-12 (MCP's default dialect for a tool's inputSchema)
 * `$ref` applies alongside its siblings, and what is written at a place (its `description`,
 * `default`, `title`) is what that place says. A `$ref` that is not local or leads nowhere stays.
 */
export function resolveRef(schema: JsonSchema, root: JsonSchema, depth = 0): JsonSchema {
  const ref = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#') || depth > MAX_REF_DEPTH) return schema;
  let target: unknown = root;
  for (const raw of ref.slice(1).split('/').slice(1)) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    target = isObject(target) ? target[key] : undefined;
  }
  if (!isObject(target)) return schema;
  const { $ref: _ref, ...siblings } = schema;
  return { ...resolveRef(target, root, depth + 1), ...siblings };
}
