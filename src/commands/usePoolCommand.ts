// "Use the Pool in…": another MCP host (VS Code's agents and the Copilot CLI, Claude Code, Codex,
// Cursor, Claude Desktop, TASAK) runs the chosen apps through the pool — entries written into the
// host's own configuration file, merged, shown as a diff and written only once confirmed, with a
// backup. An entry that started its own `npx -y mcp-remote <url>` (or a pooled app's command) keeps
// its name and gets that command as `--fallback`, so it still works with the editor closed.
// "Route Clients Through the Pool…" offers every such entry on the machine at once; an entry for a
// server the pool does not have yet adds it as an app (user settings) first.
// With arguments nothing is asked (tests, other extensions): `{ write: true }` skips the diff.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { currentApps, writeApps } from '../config/appsWriter';
import { hostFileLabel, type HostConfigs } from '../gatewayHost/hostConfigs';
import {
  type FileEdit,
  type HostEntry,
  type HostFile,
  type HostId,
  HOSTS,
  hostLabel,
  planRoutes,
  pooledApp,
  readHostText,
  sameUrl,
  type RouteOffer,
  type RouteRequest,
  writeEdits,
} from '../hosts';
import { mcpRemoteFallback } from '../import/formats/clientConfig';
import { convertEntry, NameAllocator, tildify } from '../import';
import { Commands } from '../manifest/commands';
import type { Channel } from '../output/outputs';
import type { Pool } from '../pool';
import { appNameOf, type AppArg } from '../views/treeNodes';
import type { EditPreview } from './editPreview';
import type { CommandTable } from './registry';

export interface UsePoolDeps {
  readonly pool: Pool;
  /** The absolute path of the `mcp-pool` launcher, if the extension could write one. */
  readonly launcher: () => string | undefined;
  readonly hosts: HostConfigs;
  readonly preview: EditPreview;
  readonly reload: () => Promise<void>;
  readonly log: Channel;
}

export interface UsePoolOptions {
  /** The host file to write (default: the host's user file). */
  readonly file?: string;
  readonly apps?: readonly string[];
  /** For remote apps: `--fallback npx -y mcp-remote <url>` (default true). */
  readonly fallback?: boolean;
  /** Write without showing the diff (tests, other extensions). */
  readonly write?: boolean;
}

export interface RouteOptions {
  /** Which offers, as `{ path, entry }` (default: every offer). */
  readonly entries?: readonly { readonly path: string; readonly entry: string }[];
  readonly write?: boolean;
}

/** What was written, for callers (tests). */
export interface UsePoolResult {
  readonly files: readonly { readonly path: string; readonly backup?: string }[];
  readonly apps: readonly string[];
}

export function usePoolCommands(deps: UsePoolDeps): CommandTable {
  return {
    [Commands.usePoolIn]: {
      run: (arg?: AppArg, options?: UsePoolOptions) => usePoolIn(deps, arg, options),
      rejects: (args) => args.length >= 2,
    },
    [Commands.writeProposed]: () => deps.preview.settle(true),
    [Commands.discardProposed]: () => deps.preview.settle(false),
    [Commands.routeClients]: {
      run: (options?: RouteOptions) => routeClients(deps, options),
      rejects: (args) => args.length >= 1,
    },
  };
}

function launcherOf(deps: UsePoolDeps): string {
  const launcher = deps.launcher();
  if (!launcher)
    throw new Error('the mcp-pool launcher could not be written here (the extension has no local storage folder), so there is no command to configure');
  return launcher;
}

/** `arg`: a host's id (from code), or an app's row (from the view's menu). */
async function usePoolIn(deps: UsePoolDeps, arg?: AppArg, options: UsePoolOptions = {}): Promise<UsePoolResult | undefined> {
  const launcher = launcherOf(deps);
  const hostId = HOSTS.find((h) => h.id === arg)?.id;
  const fromRow = hostId ? undefined : appNameOf(arg);
  await deps.hosts.scan();
  const file = hostId ? fileOf(deps, hostId, options.file) : await pickFile(deps, fromRow);
  if (!file) return undefined;
  const offers = deps.hosts.offers().filter((o) => o.file.path === file.path && o.app !== undefined);
  const apps = options.apps ?? (await pickApps(deps, file, offers, fromRow));
  if (!apps?.length) return undefined;
  for (const app of apps) if (!deps.pool.spec(app)) throw new Error(`no app named "${app}" is configured`);
  const needsFallback = apps.some((a) => fallbackFor(deps, a) !== undefined && !offers.some((o) => o.app === a) && !ownEntry(deps, file, a));
  const fallback = options.fallback ?? (needsFallback && !options.write ? await pickFallback() : true);
  if (fallback === undefined) return undefined;
  const requests: RouteRequest[] = apps.map((app) => {
    const offer = offers.find((o) => o.app === app);
    if (offer) return { entry: offer.entry, app, fallback: [offer.command, ...offer.args], ...(offer.at ? { at: offer.at } : {}) };
    // an entry of that name that runs something else keeps it as its fallback: nothing the client ran is lost
    const mine = ownEntry(deps, file, app);
    if (mine?.command !== undefined) return { entry: app, app, fallback: [mine.command, ...(mine.args ?? [])] };
    const own = fallback ? fallbackFor(deps, app) : undefined;
    return { entry: app, app, ...(own ? { fallback: own } : {}) };
  });
  const edits = await planRoutes(file, requests, { launcher, read: readHostText });
  const where = hostFileLabel(file);
  if (!edits.length) {
    void vscode.window.showInformationMessage(`MCP Pool: ${where} already runs ${list(apps)} through the pool.`);
    return { files: [], apps };
  }
  const question = `Write ${list(apps)} into ${where}, run through the pool?`;
  return writeConfirmed(deps, edits, apps, question, options.write, []);
}

async function routeClients(deps: UsePoolDeps, options: RouteOptions = {}): Promise<UsePoolResult | undefined> {
  const launcher = launcherOf(deps);
  await deps.hosts.scan();
  const all = deps.hosts.offers();
  if (!all.length) {
    void vscode.window.showInformationMessage(
      "MCP Pool: no MCP client on this machine starts its own mcp-remote (or a pooled app's command): nothing to route.",
    );
    return { files: [], apps: [] };
  }
  const chosen = options.entries ? all.filter((o) => options.entries?.some((e) => e.path === o.file.path && e.entry === o.entry)) : await pickOffers(all);
  if (!chosen?.length) return undefined;
  // servers the pool does not have yet become apps (user settings), named after the entry
  const names = new NameAllocator([...deps.pool.names(), ...Object.keys(currentApps('user'))]);
  const added: Record<string, unknown> = {};
  const warnings: string[] = [];
  const appOf = new Map<RouteOffer, string>();
  for (const o of chosen) {
    if (o.app) {
      appOf.set(o, o.app);
      continue;
    }
    // the same server reached the same way, from another file: one new app for both
    const twin = [...appOf].find(([other]) => !other.app && other.url !== undefined && o.url !== undefined && sameUrl(other.url, o.url) && sameArgs(other, o));
    if (twin) {
      appOf.set(o, twin[1]);
      continue;
    }
    const converted = convertEntry({
      name: o.entry,
      label: `"${o.entry}"`,
      server: { kind: 'stdio', command: o.command, args: [...o.args], env: { ...o.env } },
      warnings: [],
    });
    if ('problem' in converted) throw new Error(`${hostFileLabel(o.file)}: "${o.entry}" ${converted.problem}`);
    const { name } = names.allocate(o.entry);
    added[name] = converted.definition;
    warnings.push(...converted.warnings.map((w) => `"${name}": ${w}`));
    appOf.set(o, name);
  }
  const byFile = new Map<string, { file: HostFile; requests: RouteRequest[] }>();
  for (const o of chosen) {
    const group = byFile.get(o.file.path) ?? { file: o.file, requests: [] };
    group.requests.push({ entry: o.entry, app: appOf.get(o) as string, fallback: [o.command, ...o.args], ...(o.at ? { at: o.at } : {}) });
    byFile.set(o.file.path, group);
  }
  const edits: FileEdit[] = [];
  for (const { file, requests } of byFile.values()) edits.push(...(await planRoutes(file, requests, { launcher, read: readHostText })));
  const newApps = Object.keys(added);
  const question =
    `Route ${chosen.length === 1 ? `"${chosen[0].entry}"` : `${chosen.length} entries`} through the pool` +
    (newApps.length ? `, adding ${list(newApps)} to the pool (user settings)?` : '?') +
    (warnings.length ? ` Note: ${warnings.slice(0, 3).join('; ')}${warnings.length > 3 ? ` (and ${warnings.length - 3} more)` : ''}.` : '');
  return writeConfirmed(deps, edits, [...new Set(appOf.values())], question, options.write, newApps.length ? [added] : []);
}

async function writeConfirmed(
  deps: UsePoolDeps,
  edits: readonly FileEdit[],
  apps: readonly string[],
  question: string,
  write: boolean | undefined,
  addApps: readonly Record<string, unknown>[],
): Promise<UsePoolResult | undefined> {
  if (!write && !(await deps.preview.confirm(edits, question))) return undefined;
  for (const added of addApps) {
    await writeApps({ ...currentApps('user'), ...added }, 'user');
    await deps.reload();
  }
  const written = await writeEdits(edits);
  const home = os.homedir();
  for (const w of written) deps.log.info(`hosts: wrote ${tildify(w.path, home)}${w.backup ? ` (backup: ${tildify(w.backup, home)})` : ''}`);
  await deps.hosts.scan();
  verifyLater(deps, edits, apps);
  void vscode.window.showInformationMessage(
    `MCP Pool: ${written.map((w) => tildify(w.path, home)).join(', ')} now run${written.length === 1 ? 's' : ''} ${list(apps)} through the pool. Restart the client (or its session) to pick it up.`,
  );
  return { files: written, apps };
}

/** How long after writing the files are read again: a running Claude Code or Claude Desktop rewrites its file from memory. */
const VERIFY_AFTER_MS = 4000;

/** Reads the written files again a little later and says so if a running client put its own copy back. */
function verifyLater(deps: UsePoolDeps, edits: readonly FileEdit[], apps: readonly string[]): void {
  const paths = new Set(edits.map((e) => e.path));
  const timer = setTimeout(() => {
    void deps.hosts.scan().then(() => {
      const lost = apps.filter((app) => !deps.hosts.usesOf(app).some((u) => paths.has(u.file.path)));
      if (!lost.length) return;
      const files = [...paths].map((p) => tildify(p, os.homedir())).join(', ');
      deps.log.warn(`hosts: ${files} no longer run ${list(lost)} through the pool: a running client rewrote it`);
      void vscode.window.showWarningMessage(
        `MCP Pool: ${files} no longer run${paths.size === 1 ? 's' : ''} ${list(lost)} through the pool: a running client (Claude Code, Claude Desktop…) wrote its own copy back. Quit the client, then run Use the Pool in… again.`,
      );
    });
  }, VERIFY_AFTER_MS);
  timer.unref?.();
}

/**
 * What a client runs for `app` with the editor closed: `npx -y mcp-remote <url>` for a remote app,
 * the command itself for a local one — unless it needs what a configuration line cannot carry
 * (its environment, a working folder, a secret reference).
 */
function fallbackFor(deps: UsePoolDeps, app: string): string[] | undefined {
  const spec = deps.pool.spec(app);
  if (!spec) return undefined;
  if (spec.kind === 'remote') return mcpRemoteFallback(spec.url);
  const words = [spec.command, ...spec.args];
  if (Object.keys(spec.env).length || spec.cwd !== undefined || words.some((w) => w.includes('${'))) return undefined;
  return words;
}

/** The entry of the file named like `app` that runs a command of its own (not through the pool), if any. */
function ownEntry(deps: UsePoolDeps, file: HostFile, app: string): HostEntry | undefined {
  const scan = deps.hosts.lastScan().find((s) => s.file.path === file.path);
  const entry = scan?.entries.find((e) => e.name === app && !e.at && e.command !== undefined);
  return entry && pooledApp(entry) === undefined ? entry : undefined;
}

function sameArgs(a: RouteOffer, b: RouteOffer): boolean {
  return JSON.stringify([a.args, a.env ?? {}]) === JSON.stringify([b.args, b.env ?? {}]);
}

/** A command line for people: header values and URL passwords masked. */
function shown(command: string, args: readonly string[]): string {
  return [
    command,
    ...args.map((a, i) => (args[i - 1] === '--header' ? a.replace(/:.*$/s, ': ***') : a.replace(/\/\/([^/@\s:]+):[^/@\s]+@/, '//$1:***@'))),
  ].join(' ');
}

function fileOf(deps: UsePoolDeps, host: HostId, path?: string): HostFile {
  const files = deps.hosts.files().filter((f) => f.host === host);
  const file = path ? files.find((f) => f.path === path) : files.find((f) => f.scope === 'user');
  if (!file) throw new Error(`${hostLabel(host)} reads no such file${path ? `: ${path}` : ''}`);
  return file;
}

async function pickFile(deps: UsePoolDeps, app?: string): Promise<HostFile | undefined> {
  const scans = deps.hosts.lastScan();
  const home = os.homedir();
  type Item = vscode.QuickPickItem & { file?: HostFile };
  const items: Item[] = [];
  for (const host of HOSTS) {
    const scansOf = scans.filter((s) => s.file.host === host.id);
    if (!scansOf.length) continue;
    items.push({ label: host.label, kind: vscode.QuickPickItemKind.Separator });
    for (const s of scansOf) {
      const pooled = s.entries.filter((e) => pooledApp(e) !== undefined).length;
      const own = deps.hosts.offers().filter((o) => o.file.path === s.file.path).length;
      const detail = s.problem
        ? `cannot be used: ${s.problem}`
        : !s.exists
          ? 'not there yet: it will be created'
          : [
              `${s.entries.length} server${s.entries.length === 1 ? '' : 's'}`,
              pooled ? `${pooled} through the pool` : '',
              own ? `${own} start${own === 1 ? 's' : ''} its own mcp-remote` : '',
            ]
              .filter(Boolean)
              .join(' · ');
      items.push({
        label: `${host.label}${s.file.scope === 'workspace' ? ' (this folder)' : ''}`,
        description: tildify(s.file.path, home),
        detail,
        file: s.file,
      });
    }
  }
  const pick = await vscode.window.showQuickPick(items, {
    title: `MCP Pool: Use the Pool in…${app ? ` (${app})` : ''}`,
    placeHolder: 'Which MCP client should run apps through the pool?',
    matchOnDescription: true,
  });
  return pick?.file;
}

async function pickApps(deps: UsePoolDeps, file: HostFile, offers: readonly RouteOffer[], preselect?: string): Promise<string[] | undefined> {
  const names = deps.pool.names();
  if (!names.length) throw new Error('no app is configured: add one first (MCP Pool: Add App)');
  const used = new Set(names.filter((n) => deps.hosts.usesOf(n).some((u) => u.file.path === file.path)));
  const mine = (name: string) => ownEntry(deps, file, name);
  const items = names.map((name) => {
    const offer = offers.find((o) => o.app === name);
    const spec = deps.pool.spec(name);
    return {
      label: name,
      description: used.has(name)
        ? 'already through the pool'
        : offer
          ? `replaces "${offer.entry}", which starts its own mcp-remote`
          : mine(name)
            ? `replaces your "${name}" (${shown(mine(name)?.command ?? '', mine(name)?.args ?? [])}), kept as its fallback`
            : spec?.kind === 'remote'
              ? spec.url
              : spec?.command,
      picked: preselect ? name === preselect : offers.length ? offer !== undefined : !used.has(name),
    };
  });
  const picks = await vscode.window.showQuickPick(items, {
    title: `MCP Pool: Use the Pool in ${hostFileLabel(file)}`,
    placeHolder: 'Apps to run through the pool',
    canPickMany: true,
  });
  return picks?.map((p) => p.label);
}

async function pickFallback(): Promise<boolean | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      {
        label: 'With a fallback',
        description: "--fallback npx -y mcp-remote <url>, or a local app's own command",
        detail: 'With the editor closed, the client runs the server itself',
        value: true,
      },
      { label: 'Pool only', detail: 'With the editor closed, the client sees the server fail to start', value: false },
    ],
    { title: 'MCP Pool: Use the Pool in…', placeHolder: 'When the editor is closed…' },
  );
  return pick?.value;
}

async function pickOffers(offers: readonly RouteOffer[]): Promise<RouteOffer[] | undefined> {
  const home = os.homedir();
  const picks = await vscode.window.showQuickPick(
    offers.map((o) => ({
      label: `${o.entry} — ${hostLabel(o.file.host)}`,
      description: tildify(o.file.path, home),
      detail: `${shown(o.command, o.args)} → ${o.app ? `the pool's "${o.app}"` : 'a new app of the pool'} (that command stays as the fallback)`,
      picked: true,
      offer: o,
    })),
    { title: 'MCP Pool: Route Clients Through the Pool', placeHolder: 'Entries that start their own server', canPickMany: true },
  );
  return picks?.map((p) => p.offer);
}

function list(names: readonly string[]): string {
  const quoted = names.map((n) => `"${n}"`);
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} and ${quoted[quoted.length - 1]}`;
}
