// Setting one `[mcp_servers.<name>]` server of a Codex config.toml. Everything outside that
// server's own tables stays byte for byte: its tables (and sub-tables such as `.env`) are replaced
// where the first of them stood, or appended. smol-toml parses the file before and after and writes
// the new tables; the result must mean exactly the old file with that one server changed, or
// nothing is written (a server written inline, `mcp_servers = { … }`, is left to the user).
import { isDeepStrictEqual } from 'node:util';
import { toml } from './toml';
import { isObject } from '../common/json';

export class TomlEditError extends Error {}

/** The parsed file, or an error that says where it is broken (never quoting it: it may hold tokens). */
export function parseToml(text: string): { value: Record<string, unknown> } | { error: string } {
  try {
    return { value: toml.parse(text) };
  } catch (e) {
    if (e instanceof toml.TomlError) return { error: `invalid TOML at line ${e.line}, column ${e.column}` };
    throw e;
  }
}

/** The key path of a table header line (`[a."b.c"]` → ['a', 'b.c']), or undefined if the line is not one. */
export function headerPath(line: string): string[] | undefined {
  const m = /^\s*\[(\[?)(.*?)\]\1\s*(?:#.*)?$/.exec(line);
  if (!m) return undefined;
  const keys: string[] = [];
  const s = m[2];
  let i = 0;
  const skip = () => {
    while (s[i] === ' ' || s[i] === '\t') i++;
  };
  while (i <= s.length) {
    skip();
    if (s[i] === '"') {
      let j = i + 1;
      let raw = '';
      while (j < s.length && s[j] !== '"') {
        if (s[j] === '\\') {
          raw += s.slice(j, j + 2);
          j += 2;
        } else raw += s[j++];
      }
      try {
        keys.push(JSON.parse(`"${raw}"`) as string);
      } catch {
        return undefined;
      }
      i = j + 1;
    } else if (s[i] === "'") {
      const j = s.indexOf("'", i + 1);
      if (j < 0) return undefined;
      keys.push(s.slice(i + 1, j));
      i = j + 1;
    } else {
      const m2 = /^[A-Za-z0-9_-]+/.exec(s.slice(i));
      if (!m2) return undefined;
      keys.push(m2[0]);
      i += m2[0].length;
    }
    skip();
    if (i >= s.length) break;
    if (s[i] !== '.') return undefined;
    i++;
  }
  return keys;
}

/** `text` with server `name` set to `server` (a plain object of TOML values). */
export function setCodexServer(text: string, name: string, server: Record<string, unknown>): string {
  const before = parseToml(text);
  if ('error' in before) throw new TomlEditError(`the file is not valid TOML (${before.error})`);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.length ? text.split(/\r?\n/) : [];
  const kept: string[] = [];
  let at = -1;
  let inServer = false;
  let removed: string[] = [];
  // Comments and blank lines at the end of a removed table belong to what follows it.
  const endBlock = () => {
    let tail = removed.length;
    while (tail > 0 && /^\s*(#.*)?$/.test(removed[tail - 1])) tail--;
    kept.push(...removed.slice(tail));
    removed = [];
  };
  for (const line of lines) {
    const path = headerPath(line);
    if (path) {
      const mine = path.length >= 2 && path[0] === 'mcp_servers' && path[1] === name;
      if (inServer && !mine) endBlock();
      inServer = mine;
    }
    if (inServer) {
      if (at < 0) at = kept.length;
      removed.push(line);
      continue;
    }
    kept.push(line);
  }
  if (inServer) endBlock();
  const block = toml
    .stringify({ mcp_servers: { [name]: server } })
    .trim()
    .split('\n');
  let out: string[];
  if (at >= 0) {
    // keep a blank line between the new tables and what follows
    const rest = kept.slice(at);
    out = [...kept.slice(0, at), ...block, ...(rest.length && rest[0].trim() ? [''] : []), ...rest];
  } else {
    while (kept.length && !kept[kept.length - 1].trim()) kept.pop();
    out = [...kept, ...(kept.length ? [''] : []), ...block];
  }
  const result = out.join(eol).replace(/\s*$/, '') + eol;
  const after = parseToml(result);
  const expected = { ...before.value, mcp_servers: { ...(isObject(before.value.mcp_servers) ? before.value.mcp_servers : {}), [name]: server } };
  if ('error' in after || !isDeepStrictEqual(plain(after.value), plain(expected)))
    throw new TomlEditError(`the server "${name}" could not be set without changing anything else (is mcp_servers written inline?)`);
  return result;
}

/** A parsed TOML value as plain data (smol-toml's tables have no prototype; dates compare by their text). */
function plain(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Date) return `date:${value.toISOString()}`;
  if (typeof value === 'bigint') return `bigint:${value}`;
  if (typeof value === 'object' && value !== null) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
