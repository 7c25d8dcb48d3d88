// The one check that a value of unknown shape (parsed JSON, a schema, an API body, a setting) is an
// object with keys: not null, not an array. Import-free: the CLI bundles it.

/** A non-null object that is not an array (a JSON object). Callers that know more cast once. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
