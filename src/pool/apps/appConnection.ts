// One start's connection for an app: the Connection's options made from the definition the app
// runs (where its era is remembered, how its liveness is checked, how mcp-remote is probed) and the
// app's own callbacks. PooledApp owns the connection; this only builds it.
import type { ResponseCacheStore } from '@modelcontextprotocol/client';
import type { ClientHooks } from '../session/clientHooks';
import { Connection } from '../session/connection';
import { type EraMemory, httpEraKey, processEraKey } from '../session/eraMemory';
import type { ServerNotice } from '../session/mcpSession';
import type { PoolSettings } from '../settings';
import type { AppSpec, ExitInfo } from '../types';
import type { LinkMaker } from './links';
import { negotiationOf } from './negotiation';

/** Under which key an app's protocol era is remembered; undefined where the pool does not negotiate it (mcp-remote does). */
export function eraKeyOf(spec: AppSpec): string | undefined {
  if (spec.kind === 'stdio') return processEraKey(spec.command, spec.args, spec.cwd, spec.env ?? {});
  return spec.transport === 'direct' ? httpEraKey(spec.url, spec.headers) : undefined;
}

/** What the app gives each of its connections. */
export interface ConnectionContext {
  readonly app: string;
  readonly settings: PoolSettings;
  readonly hooks?: ClientHooks;
  readonly eras: EraMemory;
  /** The app's SDK response cache (kept across its restarts). */
  readonly responses: ResponseCacheStore;
  /** The first sign-in prompt of a start. */
  onAuthUrl(url: string): void;
  /** A line in the app's log (redacted already). */
  say(line: string): void;
  redact(text: string): string;
  onToolsChanged(): void;
  onNotice(notice: ServerNotice): void;
  onDeath(conn: Connection, exit: ExitInfo): void;
  /** The liveness check found the server gone. */
  onLost(conn: Connection): void;
  /** The settings now (the liveness check reads them at each check). */
  timing(): PoolSettings;
}

/** A connection for one start of `run` (the definition the app runs), over the link `makeLink` makes. */
export function openConnection(run: AppSpec, makeLink: LinkMaker, ctx: ConnectionContext): Connection {
  const s = ctx.settings;
  const eraKey = eraKeyOf(run);
  const conn: Connection = new Connection({
    startTimeoutMs: s.startTimeoutMs,
    authTimeoutMs: s.authTimeoutMs,
    clientInfo: s.clientInfo,
    app: ctx.app,
    hooks: ctx.hooks,
    hookTimeoutMs: s.hookTimeoutMs,
    link: makeLink,
    onAuthUrl: (url) => ctx.onAuthUrl(url),
    // Redacted like every stderr line: a stray response from a server can carry anything.
    onProtocolError: (message) => ctx.say(ctx.redact(`[pool] ${message}`)),
    onToolsChanged: () => ctx.onToolsChanged(),
    onNotice: (notice) => ctx.onNotice(notice),
    onDeath: (exit) => ctx.onDeath(conn, exit),
    // A remote app's pings go to the remote: two missed in a row mean it (or the proxy) hangs.
    // A stdio server may legitimately be too busy to answer (see liveness.ts).
    liveness: {
      timing: () => ctx.timing(),
      missesToFail: run.kind === 'remote' ? 2 : 0,
      onLost: () => ctx.onLost(conn),
    },
    // A stdio server and a direct remote may speak either era: probed once, then remembered per
    // command line, or per URL and authorization context (never reused across them). A remote
    // app's mcp-remote bridges the eras itself (--protocol auto) and speaks 2025 to the pool.
    // (a direct app's own --protocol: negotiation.ts)
    ...negotiationOf(run, eraKey ? { memory: ctx.eras, key: eraKey } : undefined),
    probeTimeoutMs: s.pingTimeoutMs,
    responseCache: ctx.responses,
    // mcp-remote (--protocol auto) answers ping itself but forwards server/discover to the remote
    probe: run.kind === 'remote' && run.transport !== 'direct' ? 'discover' : 'era',
  });
  return conn;
}
