// What "Use the Pool in…" changes in one host file: each chosen entry set to run its app through
// the pool launcher (`<launcher> stdio <app> [--fallback …]`), merged into the file as it is. Pure
// apart from reading: the result is a list of whole-file edits (before → after) to show as a diff
// and write only once confirmed.
import * as path from 'node:path';
import { isObject } from '../common/json';
import type { HostFile } from './catalog';
import { jsonEntry, poolCommand, type PoolCommand, viaCmd } from './entries';
import { readJson, setJson } from './jsonEdit';
import { parseToml, setCodexServer, TomlEditError } from './tomlEdit';
import { setTasakApp, YamlEditError } from './yamlEdit';

/** One entry to route: its key in the host file, the pool's app, and the command to run without the pool. */
export interface RouteRequest {
  readonly entry: string;
  /** Where the entry sits, when not under the file's top-level servers (Claude Code's `['projects', <folder>, 'mcpServers']`). */
  readonly at?: readonly string[];
  readonly app: string;
  readonly fallback?: readonly string[];
}

/** A whole-file change. `before` is undefined for a file that does not exist yet. */
export interface FileEdit {
  readonly path: string;
  readonly before: string | undefined;
  readonly after: string;
  /** A file that belongs to a folder (shared with the team) rather than to the user. */
  readonly scope: 'user' | 'workspace';
}

/** A host file that cannot be edited safely; says which and why, never quoting it. */
export class HostEditError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}; nothing was changed`);
  }
}

export interface PlanOptions {
  /** Absolute path of the `mcp-pool` launcher. */
  readonly launcher: string;
  /** Reads a file's text; undefined when it does not exist. */
  readonly read: (file: string) => Promise<string | undefined>;
  /** Where the hosts run (Windows: the hosts built on Node start the launcher through cmd). */
  readonly platform?: NodeJS.Platform;
}

/** The edits that route `requests` through the pool in `file` (none when it already does). */
export async function planRoutes(file: HostFile, requests: readonly RouteRequest[], opts: PlanOptions): Promise<FileEdit[]> {
  const before = await opts.read(file.path);
  const command = (r: RouteRequest): PoolCommand => poolCommand(opts.launcher, r.app, r.fallback);
  const edits: FileEdit[] = [];
  let after: string;
  try {
    switch (file.shape) {
      case 'mcpServers':
      case 'mcpServersTyped':
      case 'copilot': {
        const parsed = readJson(before ?? '');
        if ('error' in parsed) throw new HostEditError(file.path, `the file is not valid JSON (${parsed.error})`);
        if (parsed.value !== undefined && !isObject(parsed.value)) throw new HostEditError(file.path, 'the file must hold a JSON object');
        for (const r of requests) {
          const servers = valueAt(parsed.value, r.at ?? ['mcpServers']);
          if (servers !== undefined && !isObject(servers)) throw new HostEditError(file.path, `"${(r.at ?? ['mcpServers']).join('.')}" must be an object`);
        }
        after = before ?? '';
        for (const r of requests) {
          const at = r.at ?? ['mcpServers'];
          let cmd = command(r);
          if ((opts.platform ?? process.platform) === 'win32') {
            const wrapped = viaCmd(cmd);
            if (!wrapped)
              throw new HostEditError(
                file.path,
                `on Windows the entry for "${r.entry}" runs through cmd.exe, which would misread one of its words (a quote, & | < > ^ % ! ( ), or spaces in more than one); copy it with Copy Client Configuration… and adjust it by hand`,
              );
            cmd = wrapped;
          }
          after = setJson(after, [...at, r.entry], jsonEntry(file.shape, cmd, valueAt(parsed.value, [...at, r.entry])));
        }
        break;
      }
      case 'codex': {
        const parsed = parseToml(before ?? '');
        const servers = 'value' in parsed && isObject(parsed.value.mcp_servers) ? parsed.value.mcp_servers : {};
        after = before ?? '';
        for (const r of requests) {
          const kept: Record<string, unknown> = {};
          const old = servers[r.entry];
          // what an HTTP server had does not apply to a command
          if (isObject(old)) for (const [k, v] of Object.entries(old)) if (!CODEX_TRANSPORT_KEYS.includes(k)) kept[k] = v;
          const cmd = command(r);
          after = setCodexServer(after, r.entry, { command: cmd.command, args: [...cmd.args], ...kept });
        }
        break;
      }
      case 'tasak': {
        after = before ?? '';
        const folder = path.dirname(file.path);
        for (const r of requests) {
          const connection = path.join(folder, 'mcp', `${fileName(r.entry)}.json`);
          after = setTasakApp(after, r.entry, { displayName: `${r.entry} (MCP Pool)`, config: connection });
          const cmd = command(r);
          const json = `${JSON.stringify({ transport: 'stdio', command: [cmd.command, ...cmd.args] }, null, 2)}\n`;
          const old = await opts.read(connection);
          if (old !== json) edits.push({ path: connection, before: old, after: json, scope: file.scope });
        }
        break;
      }
    }
  } catch (e) {
    if (e instanceof TomlEditError || e instanceof YamlEditError) throw new HostEditError(file.path, e.message);
    throw e;
  }
  // the host's own file last: a connection file it names is there before it is named
  if (after !== before) edits.push({ path: file.path, before, after, scope: file.scope });
  return edits;
}

/** The value at a key path of parsed JSON, if every step is an object. */
function valueAt(value: unknown, keys: readonly string[]): unknown {
  let v = value;
  for (const k of keys) v = isObject(v) ? v[k] : undefined;
  return v;
}

/** Codex keys of a streamable HTTP server. */
const CODEX_TRANSPORT_KEYS = ['command', 'args', 'url', 'bearer_token_env_var', 'bearer_token', 'http_headers', 'env_http_headers'];

/** A file name for an entry's TASAK connection file. */
function fileName(entry: string): string {
  return entry.replace(/[^\w.-]/g, '_');
}
