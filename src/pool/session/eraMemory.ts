// What the pool remembers of each server's protocol era, so a start after the first costs no
// probe: a modern server's discover result (adopted with `connect({ prior })`: zero round trips),
// or that a server is legacy (initialize at once, no server/discover first). Keyed by what the
// server is: the command line, working directory and environment of a stdio server (mcp-remote's
// too: its URL and arguments are on it), hashed so no argument or secret is kept in clear.
//
// Verdicts are dated. A legacy verdict would otherwise hold forever (an upgraded server still
// answers initialize): past LEGACY_VERDICT_MS the next start probes again. A modern verdict that is
// wrong fails loudly at once (the server refuses the era): the connection forgets it and probes
// (connection.ts). A store (the editor's global state) may keep them across sessions of the host.
import { createHash } from 'node:crypto';
import type { DiscoverResult } from '@modelcontextprotocol/client';

/** How long a legacy verdict is trusted before the next start probes again. */
export const LEGACY_VERDICT_MS = 24 * 60 * 60 * 1000;
/** At most this many verdicts are kept (the oldest go first). */
const MAX_VERDICTS = 500;

export type EraVerdict = { readonly kind: 'legacy'; readonly at: number } | { readonly kind: 'modern'; readonly at: number; readonly discover: DiscoverResult };
/**
 * A remote app the setting "auto" would reach directly, whose direct start failed in a way
 * mcp-remote got past (apps/autoRoute.ts): it goes through mcp-remote. Dated like a legacy verdict:
 * past ROUTE_VERDICT_MS the next start tries directly again.
 */
export type RouteVerdict = { readonly kind: 'mcp-remote'; readonly at: number; readonly reason: string };
/** What the pool remembers of a server: its era, or how it is reached. */
export type ServerVerdict = EraVerdict | RouteVerdict;

/** How long a remote app reached through mcp-remote after a failed direct start stays so. */
export const ROUTE_VERDICT_MS = LEGACY_VERDICT_MS;

/** Where verdicts outlive the host's session (the editor's global state); optional. */
export interface EraVerdictStore {
  load(): Readonly<Record<string, ServerVerdict>> | undefined;
  save(all: Readonly<Record<string, ServerVerdict>>): void;
}

export class EraMemory {
  private readonly verdicts = new Map<string, ServerVerdict>();

  constructor(
    private readonly store?: EraVerdictStore,
    private readonly now: () => number = Date.now,
  ) {
    try {
      for (const [k, v] of Object.entries(store?.load() ?? {})) if (isVerdict(v)) this.verdicts.set(k, v);
    } catch {
      // unreadable: every server is probed once more
    }
  }

  /** The verdict to start with, if one is known and still trusted. */
  get(key: string): EraVerdict | undefined {
    const v = this.verdicts.get(key);
    if (v?.kind === 'mcp-remote' || (v?.kind === 'legacy' && this.now() - v.at > LEGACY_VERDICT_MS)) return undefined;
    return v;
  }

  /** Why a remote app goes through mcp-remote (under `routeKey`), if a direct start failed lately. */
  route(key: string): RouteVerdict | undefined {
    const v = this.verdicts.get(key);
    return v?.kind === 'mcp-remote' && this.now() - v.at <= ROUTE_VERDICT_MS ? v : undefined;
  }

  rememberRoute(key: string, reason: string): void {
    this.verdicts.delete(key);
    this.verdicts.set(key, { kind: 'mcp-remote', at: this.now(), reason: reason.slice(0, 500) });
    this.trim();
    this.persist();
  }

  remember(key: string, verdict: { kind: 'legacy' } | { kind: 'modern'; discover: DiscoverResult }): void {
    const before = this.verdicts.get(key);
    // an unchanged verdict is not written again at each start (a legacy one is dated by its last probe)
    if (before && before.kind === verdict.kind && (verdict.kind === 'legacy' || JSON.stringify(before) === JSON.stringify({ ...verdict, at: before.at })))
      return;
    this.verdicts.delete(key);
    this.verdicts.set(key, { ...verdict, at: this.now() });
    this.trim();
    this.persist();
  }

  private trim(): void {
    while (this.verdicts.size > MAX_VERDICTS) this.verdicts.delete(this.verdicts.keys().next().value!);
  }

  forget(key: string): void {
    if (this.verdicts.delete(key)) this.persist();
  }

  private persist(): void {
    try {
      this.store?.save(Object.fromEntries(this.verdicts));
    } catch {
      // kept in memory for this session
    }
  }
}

/** The key of a process's server: what it runs, where, with which environment (hashed). */
export function processEraKey(command: string, args: readonly string[], cwd: string | undefined, env: Readonly<Record<string, string | undefined>>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([command, args, cwd ?? '', Object.entries(env).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]));
  return `process:${h.digest('hex').slice(0, 32)}`;
}

/**
 * The key of a remote server reached over HTTP: its URL and the authorization context the pool
 * sends (the app's headers; an OAuth sign-in is shared by apps with the same URL and headers), hashed.
 * A verdict is never reused across authorization contexts: what a server offers may depend on who asks.
 */
export function httpEraKey(url: string, headers: Readonly<Record<string, string>>): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([url, Object.entries(headers).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))]));
  return `http:${h.digest('hex').slice(0, 32)}`;
}

/** The key under which how a remote app is reached is remembered (RouteVerdict): its URL and authorization context, as httpEraKey. */
export function routeKey(url: string, headers: Readonly<Record<string, string>>): string {
  return `via:${httpEraKey(url, headers).slice('http:'.length)}`;
}

function isVerdict(v: unknown): v is ServerVerdict {
  const o = v as { kind?: unknown; at?: unknown; discover?: { supportedVersions?: unknown }; reason?: unknown } | undefined;
  if (typeof o?.at !== 'number') return false;
  return (
    o.kind === 'legacy' || (o.kind === 'modern' && Array.isArray(o.discover?.supportedVersions)) || (o.kind === 'mcp-remote' && typeof o.reason === 'string')
  );
}
