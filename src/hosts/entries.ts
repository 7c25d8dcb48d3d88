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
}

/** What a pooled entry runs: the launcher, `stdio`, the app, and maybe a fallback command. */
export interface PoolCommand {
  readonly command: string;
  readonly args: readonly string[];
}

export function poolCommand(launcher: string, app: string, fallback?: readonly string[]): PoolCommand {
  return { command: launcher, args: ['stdio', app, ...(fallback?.length ? ['--fallback', ...fallback] : [])] };
}

/** The app a stdio entry relays through `mcp-pool stdio`, if it does (any launcher path counts). */
export function pooledApp(entry: HostEntry): string | undefined {
  if (entry.command === undefined || !entry.args) return undefined;
  if (programName(entry.command) !== 'mcp-pool') return undefined;
  const [verb, app] = entry.args;
  return verb === 'stdio' && typeof app === 'string' && app && !app.startsWith('-') ? app : undefined;
}

/** The `--fallback` command of a pooled entry, if it has one. */
export function fallbackOf(entry: HostEntry): readonly string[] | undefined {
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

/** The `mcpServers` entries of a JSON host file's value. */
export function jsonEntries(value: unknown): HostEntry[] {
  const servers = isObject(value) ? value.mcpServers : undefined;
  return isObject(servers) ? Object.entries(servers).map(([name, def]) => entryOf(name, def)) : [];
}

/** Codex's `mcp_servers` tables. */
export function codexEntries(value: unknown): HostEntry[] {
  const servers = isObject(value) ? value.mcp_servers : undefined;
  return isObject(servers) ? Object.entries(servers).map(([name, def]) => entryOf(name, def)) : [];
}

function entryOf(name: string, def: unknown): HostEntry {
  if (!isObject(def)) return { name };
  const args = Array.isArray(def.args) && def.args.every((a) => typeof a === 'string') ? def.args : undefined;
  if (typeof def.command === 'string') return { name, command: def.command, args: args ?? [] };
  if (typeof def.url === 'string') return { name, url: def.url };
  return { name };
}
