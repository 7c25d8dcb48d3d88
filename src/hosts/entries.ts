// A host's server entries, read from a file's parsed value, and the entry that routes an app
// through the pool (`<launcher> stdio <app> [--fallback CMD ARGS…]`), in each host's own shape.
import { isObject } from '../common/json';
import { programName } from '../import/mcpRemoteCommand';
import type { HostShape } from './catalog';

/** A server entry of a host file, as far as routing cares. */
export interface HostEntry {
  /** The entry's key in the file. */
  readonly name: string;
  /** For a stdio entry: the program and its arguments. */
  readonly command?: string;
  readonly args?: readonly string[];
  /** For an HTTP entry: its URL. */
  readonly url?: string;
  /** The environment the host gives the command (it may name who the server acts for: a token, an account). */
  readonly env?: Readonly<Record<string, string>>;
  /** Where the entry sits when not under the file's top-level servers: Claude Code's per-project (local) servers, `['projects', <folder>, 'mcpServers']`. */
  readonly at?: readonly string[];
}

/** What a pooled entry runs: the launcher, `stdio`, the app, and maybe a fallback command. */
export interface PoolCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export function poolCommand(launcher: string, app: string, fallback?: readonly string[]): PoolCommand {
  return { command: launcher, args: ['stdio', app, ...(fallback?.length ? ['--fallback', ...fallback] : [])] };
}

/** Characters cmd.exe gives a meaning to, even inside a word. */
const CMD_SPECIAL = /["&|<>^%!()]/;

/**
 * The command as a host built on Node starts it on Windows: Node refuses to spawn a `.cmd` file
 * without a shell (since 18.20.2 / 20.12.2), so the launcher goes through `cmd /d /c`. Undefined
 * when cmd.exe would read a word differently (a special character, or more than one word with a
 * space: cmd then drops the first and last quote of the line).
 */
export function viaCmd(cmd: PoolCommand): PoolCommand | undefined {
  const words = [cmd.command, ...cmd.args];
  if (words.some((w) => CMD_SPECIAL.test(w)) || words.filter((w) => /\s/.test(w)).length > 1) return undefined;
  return { command: 'cmd', args: ['/d', '/c', ...words] };
}

/** A `cmd /c <program> …` entry as the program and its arguments (how Windows configs run a .cmd). */
function unwrapCmd(entry: HostEntry): HostEntry {
  if (entry.command === undefined || !entry.args || programName(entry.command) !== 'cmd') return entry;
  const args = [...entry.args];
  while (args.length && /^\/[a-z]$/i.test(args[0]) && args[0].toLowerCase() !== '/c') args.shift();
  if (args[0]?.toLowerCase() !== '/c' || args.length < 2) return entry;
  return { ...entry, command: args[1], args: args.slice(2) };
}

/** The app a stdio entry relays through `mcp-pool stdio`, if it does (any launcher path counts). */
export function pooledApp(e: HostEntry): string | undefined {
  const entry = unwrapCmd(e);
  if (entry.command === undefined || !entry.args) return undefined;
  if (programName(entry.command) !== 'mcp-pool') return undefined;
  const [verb, app] = entry.args;
  return verb === 'stdio' && typeof app === 'string' && app && !app.startsWith('-') ? app : undefined;
}

/** The `--fallback` command of a pooled entry, if it has one. */
export function fallbackOf(e: HostEntry): readonly string[] | undefined {
  const entry = unwrapCmd(e);
  const i = entry.args?.indexOf('--fallback') ?? -1;
  return i >= 0 && entry.args ? entry.args.slice(i + 1) : undefined;
}

/**
 * The JSON entry for a JSON host: `existing` keeps what it had beyond the command (env, a
 * disabled flag, a timeout…), minus what belonged to an HTTP entry.
 */
export function jsonEntry(shape: HostShape, cmd: PoolCommand, existing?: unknown): Record<string, unknown> {
  const kept: Record<string, unknown> = {};
  if (isObject(existing)) {
    for (const [k, v] of Object.entries(existing)) if (!['type', 'command', 'args', 'url', 'headers', 'transport'].includes(k)) kept[k] = v;
  }
  const typed = shape === 'mcpServersTyped' || shape === 'copilot' ? { type: 'stdio' } : {};
  const tools = shape === 'copilot' && kept.tools === undefined ? { tools: ['*'] } : {};
  return { ...typed, command: cmd.command, args: [...cmd.args], ...kept, ...tools };
}

/** The `mcpServers` entries of a JSON host file's value, and Claude Code's per-project ones (`projects.<folder>.mcpServers`). */
export function jsonEntries(value: unknown): HostEntry[] {
  if (!isObject(value)) return [];
  const servers = value.mcpServers;
  const entries = isObject(servers) ? Object.entries(servers).map(([name, def]) => entryOf(name, def)) : [];
  if (isObject(value.projects))
    for (const [folder, project] of Object.entries(value.projects)) {
      const local = isObject(project) ? project.mcpServers : undefined;
      if (isObject(local)) for (const [name, def] of Object.entries(local)) entries.push({ ...entryOf(name, def), at: ['projects', folder, 'mcpServers'] });
    }
  return entries;
}

/** Codex's `mcp_servers` tables. */
export function codexEntries(value: unknown): HostEntry[] {
  const servers = isObject(value) ? value.mcp_servers : undefined;
  return isObject(servers) ? Object.entries(servers).map(([name, def]) => entryOf(name, def)) : [];
}

function entryOf(name: string, def: unknown): HostEntry {
  if (!isObject(def)) return { name };
  const args = Array.isArray(def.args) && def.args.every((a) => typeof a === 'string') ? def.args : undefined;
  const env = isObject(def.env) ? Object.fromEntries(Object.entries(def.env).filter((kv): kv is [string, string] => typeof kv[1] === 'string')) : undefined;
  if (typeof def.command === 'string') return { name, command: def.command, args: args ?? [], ...(env && Object.keys(env).length ? { env } : {}) };
  if (typeof def.url === 'string') return { name, url: def.url };
  return { name };
}
