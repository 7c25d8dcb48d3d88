// Reading every host file on the machine: which of their entries already run an app through the
// pool (the view shows it per app), and which still start a server of their own that the pool has
// or could have — `npx -y mcp-remote <url>`, or the very command of a pooled stdio app — so the
// user can be offered to route them through the pool.
import * as path from 'node:path';
import { isObject } from '../common/json';
import { parseMcpRemoteCommand } from '../import/mcpRemoteCommand';
import { parseJsonText, parseYamlText } from '../import/parseText';
import { readJson } from './jsonEdit';
import type { HostFile } from './catalog';
import { codexEntries, type HostEntry, jsonEntries, pooledApp } from './entries';
import { parseToml } from './tomlEdit';

export interface HostFileScan {
  readonly file: HostFile;
  readonly exists: boolean;
  readonly entries: readonly HostEntry[];
  /** Why the file could not be read, if it could not. */
  readonly problem?: string;
}

/** Reads a file's text; undefined when it does not exist; rejects when it cannot be read. */
export type ReadText = (file: string) => Promise<string | undefined>;

export async function scanHostFiles(files: readonly HostFile[], read: ReadText, home: string): Promise<HostFileScan[]> {
  return Promise.all(files.map((file) => scanFile(file, read, home)));
}

async function scanFile(file: HostFile, read: ReadText, home: string): Promise<HostFileScan> {
  let text: string | undefined;
  try {
    text = await read(file.path);
  } catch (e) {
    return { file, exists: true, entries: [], problem: `cannot be read: ${(e as NodeJS.ErrnoException).code ?? String(e)}` };
  }
  if (text === undefined) return { file, exists: false, entries: [] };
  switch (file.shape) {
    case 'mcpServers':
    case 'mcpServersTyped':
    case 'copilot': {
      const parsed = readJson(text);
      return 'error' in parsed ? { file, exists: true, entries: [], problem: parsed.error } : { file, exists: true, entries: jsonEntries(parsed.value) };
    }
    case 'codex': {
      const parsed = parseToml(text);
      return 'error' in parsed ? { file, exists: true, entries: [], problem: parsed.error } : { file, exists: true, entries: codexEntries(parsed.value) };
    }
    case 'tasak': {
      const parsed = parseYamlText(text);
      if ('error' in parsed) return { file, exists: true, entries: [], problem: parsed.error };
      return { file, exists: true, entries: await tasakEntries(parsed.value, file.path, read, home) };
    }
  }
}

/** TASAK apps as commands: an mcp-remote app runs `npx -y mcp-remote <server_url> …`; an mcp app its connection file's command. */
async function tasakEntries(doc: unknown, source: string, read: ReadText, home: string): Promise<HostEntry[]> {
  if (!isObject(doc)) return [];
  const entries: HostEntry[] = [];
  for (const [name, def] of Object.entries(doc)) {
    if (name === 'apps_config' || !isObject(def)) continue;
    const meta = isObject(def.meta) ? def.meta : {};
    const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
    if (def.type === 'mcp-remote' && typeof meta.server_url === 'string') {
      // as TASAK runs it (and as the importer reads it): its headers as mcp-remote's --header, its env as the process's
      const headers = isObject(meta.headers) ? Object.entries(meta.headers).flatMap(([k, v]) => (typeof v === 'string' ? ['--header', `${k}: ${v}`] : [])) : [];
      const env = isObject(meta.env) ? Object.fromEntries(Object.entries(meta.env).filter((kv): kv is [string, string] => typeof kv[1] === 'string')) : {};
      entries.push({
        name,
        command: 'npx',
        args: ['-y', 'mcp-remote', meta.server_url, ...strings(meta.args), ...headers],
        ...(Object.keys(env).length ? { env } : {}),
      });
    } else if (def.type === 'mcp' && typeof def.config === 'string') {
      const file = def.config.startsWith('~') ? path.join(home, def.config.slice(1)) : path.resolve(path.dirname(source), def.config);
      const json = await read(file).catch(() => undefined);
      const parsed = json === undefined ? undefined : parseJsonText(json);
      const command = parsed && 'value' in parsed && isObject(parsed.value) ? strings(parsed.value.command) : [];
      entries.push(command.length ? { name, command: command[0], args: command.slice(1) } : { name });
    } else if (def.type === 'mcp' && typeof meta.command === 'string') {
      entries.push({ name, command: meta.command, args: strings(meta.args) });
    }
  }
  return entries;
}

/** A host entry that uses the pool. */
export interface PoolUse {
  readonly file: HostFile;
  readonly entry: string;
}

/** Per app of the pool, the host entries that run it through the pool. */
export function poolUses(scans: readonly HostFileScan[]): Map<string, PoolUse[]> {
  const uses = new Map<string, PoolUse[]>();
  for (const scan of scans)
    for (const entry of scan.entries) {
      const app = pooledApp(entry);
      if (app === undefined) continue;
      const list = uses.get(app) ?? [];
      if (!list.some((u) => u.file.host === scan.file.host && u.file.path === scan.file.path)) list.push({ file: scan.file, entry: entry.name });
      uses.set(app, list);
    }
  return uses;
}

/** An app of the pool as the offer matcher needs it. */
export interface PoolAppSummary {
  readonly name: string;
  readonly url?: string;
  readonly command?: string;
  readonly args?: readonly string[];
}

/** A host entry that starts its own server the pool has (`app`) or could have (`url` only). */
export interface RouteOffer {
  readonly file: HostFile;
  readonly entry: string;
  /** Where the entry sits in the file, when not under its top-level servers (Claude Code's per-project servers). */
  readonly at?: readonly string[];
  /** The environment the host gives it: carried into a new app of the pool. */
  readonly env?: Readonly<Record<string, string>>;
  /** What the entry runs now: it becomes the `--fallback`, so nothing is lost with the editor closed. */
  readonly command: string;
  readonly args: readonly string[];
  /** The pool's app it would use; undefined when the pool has none yet. */
  readonly app?: string;
  /** The remote server an mcp-remote entry reaches. */
  readonly url?: string;
}

/** Entries that run mcp-remote or a pooled app's own command, not yet through the pool. */
export function routeOffers(scans: readonly HostFileScan[], apps: readonly PoolAppSummary[]): RouteOffer[] {
  const offers: RouteOffer[] = [];
  for (const scan of scans)
    for (const entry of scan.entries) {
      if (entry.command === undefined || pooledApp(entry) !== undefined) continue;
      // the portable .mcp.json is read by more than one host: offered once
      if (offers.some((o) => o.file.path === scan.file.path && o.entry === entry.name && sameKeys(o.at, entry.at))) continue;
      const args = entry.args ?? [];
      const where = {
        file: scan.file,
        entry: entry.name,
        command: entry.command,
        args,
        ...(entry.at ? { at: entry.at } : {}),
        ...(entry.env ? { env: entry.env } : {}),
      };
      const remote = parseMcpRemoteCommand(entry.command, args);
      if (remote) {
        if (remote.url === undefined) continue;
        // the same server as the pool's app only when it is reached as the same someone: an entry with its own
        // headers or environment (a token, another account) becomes an app of its own
        const anonymous = !entry.env && !Object.keys(remote.headers).length;
        const app = anonymous ? apps.find((a) => a.url !== undefined && sameUrl(a.url, remote.url as string)) : undefined;
        offers.push({ ...where, url: remote.url, ...(app ? { app: app.name } : {}) });
        continue;
      }
      const app = entry.env ? undefined : apps.find((a) => a.command === entry.command && JSON.stringify(a.args ?? []) === JSON.stringify(args));
      if (app) offers.push({ ...where, app: app.name });
    }
  return offers;
}

function sameKeys(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

/** Same server: scheme, host and port case-insensitive, a trailing slash ignored. */
export function sameUrl(a: string, b: string): boolean {
  const norm = (u: string) => {
    try {
      const x = new URL(u);
      return `${x.protocol}//${x.host}${x.pathname.replace(/\/+$/, '')}${x.search}`;
    } catch {
      return u.trim();
    }
  };
  return norm(a) === norm(b);
}
