// Reading values of unknown shape (parsed JSON, a schema, an API body, a content item, a setting):
// the checks every room needs, said once. Import-free: the CLI bundles it.

/** A non-null object that is not an array (a JSON object). Callers that know more cast once. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value if it is a string, else undefined. */
export function asString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}
