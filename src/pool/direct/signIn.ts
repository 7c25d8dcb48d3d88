// What a direct app keeps of an OAuth sign-in (tokens, the client registration, what discovery
// found), where it keeps it (a SignInStore: the editor's secret storage; memory in tests; SignIns:
// the pool's cache in front of it, with one refresh and one browser sign-in per key at a time), under
// which key (the one mcp-remote uses for the same server, so a login made through mcp-remote maps
// 1:1), and reading such a login from mcp-remote's own cache so the user does not sign in twice.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { OAuthClientInformationMixed, OAuthDiscoveryState, OAuthTokens } from '@modelcontextprotocol/client';

export type StoredTokens = OAuthTokens & { expires_at?: number };

export interface StoredSignIn {
  readonly tokens?: StoredTokens;
  readonly client?: OAuthClientInformationMixed;
  readonly discovery?: OAuthDiscoveryState;
  /**
   * The wider scope the server asked for in a `403 insufficient_scope` (step-up): until a sign-in
   * grants it, the stored tokens are not used and the next start signs in asking for it.
   */
  readonly stepUpScope?: string;
  /** Where it came from, when it was copied from mcp-remote's cache (shown once in the log). */
  readonly importedFrom?: string;
}

/** Keeps sign-ins by key; values hold secrets (never logged). */
export interface SignInStore {
  get(key: string): Promise<StoredSignIn | undefined>;
  set(key: string, value: StoredSignIn): Promise<void>;
  delete(key: string): Promise<void>;
  /** A key changed (maybe by another editor window sharing the store). */
  onDidChange?(listener: (key: string) => void): { dispose(): void };
}

export class MemorySignInStore implements SignInStore {
  private readonly map = new Map<string, StoredSignIn>();
  get(key: string): Promise<StoredSignIn | undefined> {
    return Promise.resolve(this.map.get(key));
  }
  set(key: string, value: StoredSignIn): Promise<void> {
    this.map.set(key, value);
    return Promise.resolve();
  }
  delete(key: string): Promise<void> {
    this.map.delete(key);
    return Promise.resolve();
  }
}

/**
 * The key of a server's sign-in: mcp-remote's (0.15) hash of the server URL as given and the
 * headers (sorted by name), md5 in hex. Read from mcp-remote's source (its `serverUrlHash`): the
 * parts it has and we do not (resource, authorize params, client metadata URL, token endpoint)
 * are only hashed when given, and the pool never gives them.
 */
export function signInKey(url: string, headers: Readonly<Record<string, string>>): string {
  const parts = [url];
  const names = Object.keys(headers);
  if (names.length) parts.push(JSON.stringify(headers, [...names].sort()));
  return createHash('md5').update(parts.join('|')).digest('hex');
}

/** mcp-remote's config folders, newest layout first: `mcp-remote-v1` (0.15), then `mcp-remote-<version>` (older releases, newest first). */
function mcpRemoteFolders(base: string): string[] {
  let names: string[];
  try {
    names = readdirSync(base);
  } catch {
    return [];
  }
  const versioned = names.filter((n) => /^mcp-remote-\d/.test(n)).sort((a, b) => b.localeCompare(a, undefined, { numeric: true }));
  return [...names.filter((n) => n === 'mcp-remote-v1'), ...versioned].map((n) => join(base, n));
}

function readJson(file: string): unknown {
  try {
    if (!statSync(file).isFile()) return undefined;
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * A login mcp-remote saved for this key (`<key>_tokens.json` + `<key>_client_info.json` in
 * `$MCP_REMOTE_CONFIG_DIR` or `~/.mcp-auth`), or undefined. Read only: mcp-remote's files are
 * never changed. A token file without a client registration is of no use (a refresh needs the
 * client) and is skipped.
 */
export function readMcpRemoteSignIn(key: string, env: NodeJS.ProcessEnv = process.env): StoredSignIn | undefined {
  const base = env.MCP_REMOTE_CONFIG_DIR || join(env.HOME || homedir(), '.mcp-auth');
  for (const dir of mcpRemoteFolders(base)) {
    const tokens = readJson(join(dir, `${key}_tokens.json`)) as StoredTokens | undefined;
    const client = readJson(join(dir, `${key}_client_info.json`)) as OAuthClientInformationMixed | undefined;
    if (!tokens || typeof tokens.access_token !== 'string' || !client || typeof client.client_id !== 'string') continue;
    const { requested_scope: _scope, ...rest } = tokens as StoredTokens & { requested_scope?: string };
    return { tokens: rest, client, importedFrom: dir };
  }
  return undefined;
}

/** How long the answer to a refresh is handed to late askers with the same refresh token. */
const REFRESH_MEMORY_MS = 30_000;

/**
 * The pool's sign-ins: a store (secret storage) with a memory in front of it (tokens are read on
 * every request), and, for a key the store does not have, mcp-remote's login for the same server,
 * copied once.
 */
export class SignIns {
  private readonly memory = new Map<string, StoredSignIn | undefined>();
  private readonly loading = new Map<string, Promise<StoredSignIn | undefined>>();
  private readonly refreshes = new Map<string, Promise<{ status: number; statusText: string; headers: [string, string][]; body: ArrayBuffer }>>();

  private readonly watching?: { dispose(): void };

  constructor(
    private readonly store: SignInStore,
    /** Where mcp-remote's cache is looked for (its environment: MCP_REMOTE_CONFIG_DIR, HOME). */
    private readonly env: NodeJS.ProcessEnv = process.env,
    private readonly onSecret: (value: string | undefined) => void = () => undefined,
  ) {
    // another window (its own pool, the same secret storage) refreshed, signed in or out: read again
    this.watching = store.onDidChange?.((key) => this.memory.delete(key));
  }

  dispose(): void {
    this.watching?.dispose();
  }

  private readonly browsing = new Map<string, Promise<void>>();

  /**
   * One browser sign-in per key at a time: two apps with the same server and headers share a
   * sign-in. Returns the one in progress, or undefined after registering `mine` as it.
   */
  joinSignIn(key: string, mine: Promise<void>): Promise<void> | undefined {
    const other = this.browsing.get(key);
    if (other) return other;
    this.browsing.set(key, mine);
    void mine.finally(() => this.browsing.get(key) === mine && this.browsing.delete(key)).catch(() => undefined);
    return undefined;
  }

  /** What memory holds for `key` without a turn of its own (every request asks): `false` when not loaded yet. */
  known(key: string): StoredSignIn | undefined | false {
    return this.memory.has(key) ? this.memory.get(key) : false;
  }

  async get(key: string): Promise<StoredSignIn | undefined> {
    if (this.memory.has(key)) return this.memory.get(key);
    let loading = this.loading.get(key);
    if (!loading) {
      loading = (async () => {
        let value = await this.store.get(key).catch(() => undefined);
        if (!value) {
          const imported = readMcpRemoteSignIn(key, this.env);
          if (imported) {
            value = imported;
            await this.store.set(key, { ...imported, importedFrom: undefined }).catch(() => undefined);
          }
        }
        this.remember(key, value);
        return value;
      })();
      this.loading.set(key, loading);
    }
    try {
      return await loading;
    } finally {
      this.loading.delete(key);
    }
  }

  async update(key: string, change: (old: StoredSignIn) => StoredSignIn): Promise<void> {
    const { importedFrom: _from, ...old } = (await this.get(key)) ?? {};
    const value = change(old);
    this.remember(key, value);
    await this.store.set(key, value);
  }

  /** Drops the sign-in (the authorization server no longer knows the client). */
  async delete(key: string): Promise<void> {
    this.memory.set(key, undefined);
    await this.store.delete(key);
  }

  /** Signs out: an empty entry stays, so mcp-remote's saved login is not copied in again. */
  async forget(key: string): Promise<void> {
    this.memory.set(key, {});
    await this.store.set(key, {});
  }

  /**
   * One refresh per refresh token: the SDK refreshes on every 401, so N requests that meet an
   * expired token at once would each spend it (and with rotating refresh tokens all but one would
   * fail and ask the user to sign in again). The first runs; the others get a copy of its answer.
   */
  async refreshOnce(refreshToken: string, run: () => Promise<Response>): Promise<Response> {
    let answer = this.refreshes.get(refreshToken);
    if (!answer) {
      answer = run().then(async (r) => ({ status: r.status, statusText: r.statusText, headers: [...r.headers], body: await r.arrayBuffer() }));
      this.refreshes.set(refreshToken, answer);
      // a definitive answer (new tokens, or the refresh token refused) is kept for late askers;
      // a passing failure (5xx, 429, network) is not: the next ask tries again
      const settle = (a: { status: number }) => {
        if ((a.status >= 200 && a.status < 300) || a.status === 400) setTimeout(() => this.refreshes.delete(refreshToken), REFRESH_MEMORY_MS).unref();
        else this.refreshes.delete(refreshToken);
      };
      answer.then(settle, () => this.refreshes.delete(refreshToken));
    }
    const a = await answer;
    return new Response(a.body.slice(0), { status: a.status, statusText: a.statusText, headers: a.headers });
  }

  private remember(key: string, value: StoredSignIn | undefined): void {
    this.memory.set(key, value);
    this.onSecret(value?.tokens?.access_token);
    this.onSecret(value?.tokens?.refresh_token);
    const secret = value?.client && 'client_secret' in value.client ? value.client.client_secret : undefined;
    this.onSecret(secret);
  }
}
