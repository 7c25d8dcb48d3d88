// TASAK (https://github.com/jacekjursza/TASAK) configuration: ~/.tasak/tasak.yaml, and per project
// tasak.yaml or .tasak/tasak.yaml. Apps are top-level keys next to `apps_config`:
//
//   apps_config:
//     enabled_apps: [atlassian, local_tools]
//   atlassian:
//     name: "Atlassian"            # display name (we keep it as the description)
//     type: mcp-remote             # TASAK runs: npx -y mcp-remote <server_url> <meta.args…>
//     meta:
//       server_url: https://mcp.atlassian.com/v1/sse
//       args: ["--transport", "sse-only"]      # optional
//       headers: { Authorization: "Bearer ${TOKEN}" }   # optional (assumed; sent as --header)
//   local_tools:
//     type: mcp
//     config: ./mcp/local.json     # JSON: {"transport": "stdio", "command": ["python", "server.py"], "env": {}}
//                                  #    or {"transport": "sse", "url": "...", "headers": {}}
//   other:
//     type: mcp
//     meta: { command: node, args: [server.js], env: {} }    # inline form (assumed)
//
// `cmd` and `curated` apps run shell commands, not MCP servers: reported, not imported. Top-level
// mappings without `type` are not apps (unless enabled_apps lists them) and are passed over.

import * as path from 'node:path';

import { isObject } from '../../common/json';
import { guard, type Json, readOptionalString, readString, readStringArray, readStringMap, warnUnknownKeys } from '../fields';
import { EntryError, type FormatResult, type LoadedDocument, type ServerEntry, type SourceEntry } from '../types';

export interface TasakContext {
  /** The tasak.yaml being read. */
  readonly sourcePath: string;
  readonly home: string;
  /** Reads and parses a JSON file that an app's `config` points to. */
  readonly loadJson: (path: string) => Promise<LoadedDocument>;
}

const APP_KEYS = ['name', 'type', 'description', 'meta', 'config', 'requires_auth'];

export async function parseTasak(doc: unknown, ctx: TasakContext): Promise<FormatResult> {
  if (doc === undefined) return { entries: [], problems: [] };
  if (!isObject(doc)) return { entries: [], problems: ['the file must contain a YAML mapping'] };
  const problems: string[] = [];
  let enabled: string[] | undefined;
  if (doc.apps_config !== undefined) {
    const list = isObject(doc.apps_config) ? doc.apps_config.enabled_apps : undefined;
    if (Array.isArray(list) && list.every((x) => typeof x === 'string')) enabled = list;
    else if (list !== undefined || !isObject(doc.apps_config)) problems.push('"apps_config.enabled_apps" must be a list of app names; it is ignored');
  }
  const entries: SourceEntry[] = [];
  for (const [name, def] of Object.entries(doc)) {
    if (name === 'apps_config') continue;
    const listed = enabled?.includes(name) ?? false;
    if (!isObject(def) || def.type === undefined) {
      if (listed) entries.push({ name, label: `app "${name}"`, problem: 'is listed in enabled_apps but has no "type"', warnings: [] });
      continue;
    }
    const e = await entry(name, def, ctx);
    if (enabled && !listed) e.warnings.push('it is not listed in apps_config.enabled_apps, so TASAK does not offer it');
    entries.push(e);
  }
  return { entries, problems };
}

async function entry(name: string, def: Json, ctx: TasakContext): Promise<SourceEntry> {
  const label = `app "${name}"`;
  const warnings: string[] = [];
  const described = guard(() => readOptionalString(def.description, 'description') ?? readOptionalString(def.name, 'name'));
  const description = 'value' in described ? described.value?.trim() : undefined;
  let server: ServerEntry;
  try {
    server = await appServer(def, ctx, warnings);
  } catch (err) {
    if (err instanceof EntryError) return { name, label, problem: err.message, warnings };
    throw err;
  }
  return { name, label, server, warnings, description };
}

async function appServer(def: Json, ctx: TasakContext, warnings: string[]): Promise<ServerEntry> {
  if (typeof def.type !== 'string') throw new EntryError('"type" must be a string');
  const meta = def.meta === undefined || def.meta === null ? {} : def.meta;
  if (!isObject(meta)) throw new EntryError('"meta" must be a mapping');
  switch (def.type) {
    case 'mcp-remote':
      warnUnknownKeys(
        def,
        APP_KEYS.filter((k) => k !== 'config'),
        warnings,
      );
      warnUnknownKeys(meta, ['server_url', 'args', 'headers', 'env', 'tools'], warnings, 'meta.');
      return mcpRemote(meta, warnings);
    case 'mcp':
      if (meta.command !== undefined) {
        warnUnknownKeys(
          def,
          APP_KEYS.filter((k) => k !== 'config'),
          warnings,
        );
        warnUnknownKeys(meta, ['command', 'args', 'env', 'cwd', 'tools', 'requires_auth', 'auth_type'], warnings, 'meta.');
        return inlineMcp(meta, warnings);
      }
      if (def.config !== undefined) {
        warnUnknownKeys(def, APP_KEYS, warnings);
        return configFileMcp(def, ctx, warnings);
      }
      throw new EntryError('type "mcp" needs "config" (a JSON connection file) or "meta.command"');
    case 'cmd':
    case 'curated':
      throw new EntryError(`type "${def.type}" runs shell commands, not an MCP server; not imported`);
    default:
      throw new EntryError(`unsupported type "${def.type}" (expected "mcp-remote" or "mcp")`);
  }
}

/** What TASAK runs, `npx -y mcp-remote <url> <args…>`; the importer turns it into a remote app. */
function mcpRemote(meta: Json, warnings: string[]): ServerEntry {
  const url = readString(meta.server_url, 'meta.server_url');
  const args = readStringArray(meta.args, 'meta.args');
  const headers = readStringMap(meta.headers, 'meta.headers', warnings);
  const headerArgs = Object.entries(headers).flatMap(([k, v]) => ['--header', `${k}: ${v}`]);
  return { kind: 'stdio', command: 'npx', args: ['-y', 'mcp-remote', url, ...args, ...headerArgs], env: readStringMap(meta.env, 'meta.env', warnings) };
}

/** meta.command as a list (program first) or a string (split on spaces unless meta.args is set, as TASAK does for cmd apps). */
function inlineMcp(meta: Json, warnings: string[]): ServerEntry {
  const [command, ...rest] = commandLine(meta.command, meta.args, 'meta.command');
  return {
    kind: 'stdio',
    command,
    args: [...rest, ...readStringArray(meta.args, 'meta.args')],
    env: readStringMap(meta.env, 'meta.env', warnings),
    cwd: readOptionalString(meta.cwd, 'meta.cwd'),
  };
}

function commandLine(value: unknown, args: unknown, field: string): string[] {
  if (Array.isArray(value)) {
    const parts = readStringArray(value, field);
    if (!parts.length || !parts[0].trim()) throw new EntryError(`"${field}" must not be empty`);
    return parts;
  }
  const command = readString(value, field);
  return args === undefined ? command.trim().split(/\s+/) : [command];
}

/** type: mcp with `config:` pointing to a JSON connection file. */
async function configFileMcp(def: Json, ctx: TasakContext, warnings: string[]): Promise<ServerEntry> {
  const file = resolveConfigPath(readString(def.config, 'config'), ctx, warnings);
  const loaded = await ctx.loadJson(file);
  if ('missing' in loaded) throw new EntryError(`the config file ${file} does not exist`);
  if ('error' in loaded) throw new EntryError(`the config file ${file}: ${loaded.error}`);
  const conf = loaded.value;
  if (!isObject(conf)) throw new EntryError(`the config file ${file} must contain a JSON object`);
  const where = path.basename(file);
  const transport = conf.transport ?? 'sse';
  if (transport === 'stdio') {
    warnUnknownKeys(conf, ['transport', 'command', 'args', 'env'], warnings, '', where);
    const [command, ...rest] = commandLine(conf.command, conf.args, 'command');
    return { kind: 'stdio', command, args: [...rest, ...readStringArray(conf.args, 'args')], env: readStringMap(conf.env, 'env', warnings) };
  }
  if (transport !== 'sse') throw new EntryError(`the config file ${file} has unsupported transport ${JSON.stringify(transport)} (expected "sse" or "stdio")`);
  warnUnknownKeys(conf, ['transport', 'url', 'headers'], warnings, '', where);
  if (def.requires_auth !== false) {
    warnings.push(
      'TASAK adds a bearer token from its own login (requires_auth); that login is not imported, mcp-remote signs in by itself if the server supports OAuth',
    );
  }
  return { kind: 'remote', url: readString(conf.url, 'url'), transport: 'sse-only', headers: readStringMap(conf.headers, 'headers', warnings), env: {} };
}

/**
 * A config path as the user meant it. TASAK resolves relative paths against the directory it runs
 * in, and its daemon does not expand `~` (so what we write for TASAK is absolute, clientConfig.ts).
 * We expand `~` anyway (the file the user meant), refuse `$VAR`, and take the project directory
 * for a relative path: the folder holding tasak.yaml, or the parent of `.tasak/`.
 */
function resolveConfigPath(file: string, ctx: TasakContext, warnings: string[]): string {
  const p = /^[A-Za-z]:[\\/]|^\\\\/.test(ctx.sourcePath) ? path.win32 : path.posix;
  if (file.includes('$')) throw new EntryError(`the config path "${file}" uses environment variables, which the importer does not expand`);
  if (file === '~' || file.startsWith('~/') || file.startsWith('~\\')) return p.join(ctx.home, file.slice(1));
  if (p.isAbsolute(file)) return p.normalize(file);
  let dir = p.dirname(ctx.sourcePath);
  if (p.basename(dir) === '.tasak') dir = p.dirname(dir);
  warnings.push(`the relative config path "${file}" was read from ${dir} (TASAK resolves it against the directory it runs in)`);
  return p.join(dir, file);
}
