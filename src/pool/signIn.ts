// What a direct app keeps of an OAuth sign-in (tokens, the client registration, what discovery
// found), where it keeps it (a SignInStore: the editor's secret storage; memory in tests), under
// which key (the one mcp-remote uses for the same server, so a login made through mcp-remote maps
// 1:1), and reading such a login from mcp-remote's own cache so the user does not sign in twice.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { OAuthDiscoveryState } from '@modelcontextprotocol/sdk/client/auth.js';
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js';

export type StoredTokens = OAuthTokens & { expires_at?: number };

export interface StoredSignIn {
  readonly tokens?: StoredTokens;
  readonly client?: OAuthClientInformationMixed;
  readonly discovery?: OAuthDiscoveryState;
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
