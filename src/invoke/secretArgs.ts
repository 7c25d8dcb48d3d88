// Which tool arguments hold secrets, judged by their names. Values of such arguments are masked
// when a call is logged and never remembered as "last used". vscode-free.
import { isObject } from '../common/json';

export const SECRET_MASK = '••••';

/** Words that make a name secret on their own (`token`, `api_key`, `clientSecret`, `password`). */
const SECRET_WORDS = new Set([
  'token',
  'password',
  'passwd',
  'pwd',
  'passphrase',
  'secret',
  'credential',
  'credentials',
  'cookie',
  'authorization',
  'apikey',
  'privatekey',
]);
/** `key` is secret alone or after one of these (`apiKey`, `private_key`), not in `issueKey` or `sortKey`. */
const KEY_QUALIFIERS = new Set(['api', 'private', 'access', 'secret', 'auth', 'client', 'signing', 'encryption', 'license', 'master', 'session', 'ssh']);
/** Pagination cursors are called tokens but are not secrets. */
const NOT_SECRET_CONTEXT = new Set(['page', 'continuation', 'cursor', 'sync', 'next', 'prev', 'previous']);

/** `nextPageToken` → [next, page, token]; `API_KEY` → [api, key]; `x-api-key` → [x, api, key]. */
function words(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** True when an argument called `name` looks like it holds a secret (token, password, secret, key…). */
export function isSecretName(name: string): boolean {
  const w = words(name);
  if (!w.length) return false;
  if (w.some((x) => NOT_SECRET_CONTEXT.has(x))) return false;
  if (w.some((x) => SECRET_WORDS.has(x))) return true;
  const keyAt = w.lastIndexOf('key');
  if (keyAt === -1) return false;
  return w.length === 1 || (keyAt > 0 && KEY_QUALIFIERS.has(w[keyAt - 1]));
}

/** A copy of `value` where every property with a secret-looking name (at any depth) is masked. */
export function maskSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => maskSecrets(v)) as T;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = isSecretName(k) && v !== null && v !== undefined && v !== '' ? SECRET_MASK : maskSecrets(v);
  return out as T;
}

/** A copy of `value` without the properties whose names look secret (at any depth). */
export function withoutSecrets<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v: unknown) => withoutSecrets(v)) as T;
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!isSecretName(k)) out[k] = withoutSecrets(v);
  return out as T;
}
