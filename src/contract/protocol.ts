// What the gateway and its clients (the `mcp-pool` CLI, terminals, other MCP clients) agree on:
// the routes, the environment variables, the discovery entry, the CLI's exit codes. No imports:
// the CLI bundle stays small (it must start about as fast as a bare Node).

/** Every pooled app is its own MCP endpoint (Streamable HTTP, the SDK's server transport). */
export const MCP_ROUTE = /^\/apps\/([^/]+)\/mcp$/;
export function mcpPath(app: string): string {
  return `/apps/${encodeURIComponent(app)}/mcp`;
}

/** An app name from a route; undefined when it is not valid percent-encoding. */
export function appFromPath(part: string): string | undefined {
  try {
    return decodeURIComponent(part);
  } catch {
    return undefined;
  }
}

/**
 * The CLI's plain-HTTP API (JSON in, JSON or NDJSON out), served next to the MCP endpoints with the
 * same token. One round trip per command: no MCP handshake, so a `mcp-pool call` costs little more
 * than starting Node. Paths under /v1/:
 *   GET  /v1/proof                       ← header mcp-pool-challenge, NO token → { proof } (contract/proof.ts; asked before any other)
 *   GET  /v1/pool                        → PoolStatus
 *   GET  /v1/apps/<app>/tools            → { tools: Tool[] }
 *   POST /v1/apps/<app>/call             ← { tool, arguments }  → NDJSON: { progress } lines, then { result } or { error }
 *   GET  /v1/apps/<app>/resources        → { resources, resourceTemplates }
 *   POST /v1/apps/<app>/read             ← { uri }             → { contents }
 *   GET  /v1/apps/<app>/prompts          → { prompts }
 *   POST /v1/apps/<app>/prompt           ← { name, arguments } → { description?, messages }
 * A failure is { error: ApiError } with an HTTP status (401 token, 403 Host/Origin, 404 unknown
 * app or route, 400 bad body, 502/503/504 pool or server failures).
 * A call's connection closing before its result cancels the call (the server is sent
 * notifications/cancelled), as Ctrl+C on the CLI does.
 */
export const API_PREFIX = '/v1/';

export interface ApiError {
  /** The pool's error code (errors.ts: unknown-app, start-failed, timeout, …) or unauthorized / forbidden / not-found / bad-request. */
  readonly code: string;
  readonly message: string;
}

export interface PoolStatusApp {
  readonly name: string;
  readonly kind: 'stdio' | 'remote';
  /** How it is reached: its own process, an mcp-remote process, or HTTP from the editor (no pid). Absent from older editors. */
  readonly transport?: 'stdio' | 'mcp-remote' | 'direct';
  readonly target: string;
  /** The definition's `description` (what the app is for). Absent when it has none, and from older editors. */
  readonly description?: string;
  readonly status: string;
  readonly pid?: number;
  readonly createdAt?: number;
  readonly lastUsedAt?: number;
  readonly calls: number;
  readonly errors: number;
  readonly lastError?: string;
  /**
   * The MCP revision its running connection speaks ("2025-11-25", "2026-07-28") and its era; through
   * mcp-remote, the remote's. Absent while it is not connected, and from older editors.
   */
  readonly protocolVersion?: string;
  readonly protocolEra?: 'legacy' | 'modern';
  /** Clients connected through the gateway, by the name they gave at initialize. */
  readonly clients: readonly { readonly name: string; readonly version?: string }[];
}

export interface PoolStatus {
  readonly window: DiscoveryEntry['window'];
  readonly apps: readonly PoolStatusApp[];
  /** Apps the editor does not serve here (e.g. workspace-defined ones in an untrusted workspace), with why. */
  readonly blocked: readonly { readonly name: string; readonly reason: string }[];
}

/** Integrated terminals get these (non-persistent: a reload never replays a stale token). */
export const ENV_URL = 'MCP_POOL_URL';
export const ENV_TOKEN = 'MCP_POOL_TOKEN';
/** Tests and unusual setups may move the discovery folder. */
export const ENV_DISCOVERY_DIR = 'MCP_POOL_DISCOVERY_DIR';

/**
 * One file per editor window in the discovery folder (discovery.ts), mode 0600: how a process
 * outside the editor's terminals finds a live pool. Removed on shutdown; an entry whose process is
 * gone is stale (readers skip it and may delete it).
 */
export interface DiscoveryEntry {
  readonly version: 1;
  /** The extension host's pid (stale when it no longer runs). */
  readonly pid: number;
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly token: string;
  /** The window's workspace folders (absolute paths), to pick a pool by the current folder. */
  readonly folders: readonly string[];
  readonly window: { readonly name: string; readonly startedAt: number };
  /** A random id of this entry (discovery.ts publish sets it). */
  readonly nonce?: string;
  /** When the process `pid` started (Linux: /proc/PID/stat field 22), so a reused pid is seen as another process; absent elsewhere. */
  readonly startTime?: string;
}

/**
 * Whether `url` is http on 127.0.0.1, where every gateway listens: the only place a pool's token is
 * sent. Not `[::1]` nor `localhost` (which may resolve to ::1 first): the gateway does not listen
 * there, so another local user could, and relay the proof to the real gateway on 127.0.0.1.
 */
export function isLoopbackUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'http:' && !u.username && !u.password && u.hostname === '127.0.0.1';
}

/** `mcp-pool` exit codes. */
export const EXIT = { ok: 0, toolError: 1, usage: 2, pool: 3 } as const;
