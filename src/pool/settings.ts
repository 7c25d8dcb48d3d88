// Tunables of the pool, with the defaults a user gets.

export interface PoolSettings {
  /** Default idle timeout; an app unused this long is stopped (0 = never). */
  readonly idleTimeoutMs: number;
  /** How many apps may run at once (each a process tree, or a direct HTTP session). */
  readonly maxSize: number;
  /** How long a start waits for a free slot when every running app is busy. */
  readonly acquireTimeoutMs: number;
  readonly callTimeoutMs: number;
  /** Opening the link (a spawn, an HTTP connection) + the MCP handshake. */
  readonly startTimeoutMs: number;
  /** A start that printed an authorization URL may wait this long for the user. */
  readonly authTimeoutMs: number;
  /** Each step of stop: stdin closed → wait → SIGTERM → wait → SIGKILL (a direct session: its HTTP DELETE). */
  readonly stopGraceMs: number;
  readonly pingTimeoutMs: number;
  /** While calls are in flight, a ping this often finds a server (or remote) gone mid-call (0 = off; liveness.ts). */
  readonly livenessIntervalMs: number;
  readonly sweepIntervalMs: number;
  readonly stderrLines: number;
  /** Largest single message accepted from a server. */
  readonly maxMessageBytes: number;
  /** Crash-loop guard: first backoff, doubled per further failure, capped. */
  readonly crashLoopBaseMs: number;
  readonly crashLoopMaxMs: number;
  /** A connection that lived this long before dying is not counted as part of a crash loop. */
  readonly stableAfterMs: number;
  /** How long the host's hook may take to answer a server's request (elicitation, sampling, roots); calls' timeouts stand still meanwhile. */
  readonly hookTimeoutMs: number;
  readonly clientInfo: { name: string; version: string };
  /** Direct apps' OAuth: the client ID metadata document's HTTPS URL, the client_id where the authorization server takes one ('' = none: dynamic registration). */
  readonly oauthClientMetadataUrl: string;
}

export const DEFAULT_SETTINGS: PoolSettings = {
  idleTimeoutMs: 300_000,
  maxSize: 10,
  acquireTimeoutMs: 30_000,
  callTimeoutMs: 120_000,
  startTimeoutMs: 30_000,
  authTimeoutMs: 300_000,
  stopGraceMs: 2_000,
  pingTimeoutMs: 5_000,
  livenessIntervalMs: 5_000,
  sweepIntervalMs: 10_000,
  stderrLines: 200,
  maxMessageBytes: 64 * 1024 * 1024,
  crashLoopBaseMs: 1_000,
  crashLoopMaxMs: 60_000,
  stableAfterMs: 30_000,
  hookTimeoutMs: 600_000,
  clientInfo: { name: 'mcp-remote-pool', version: MCP_POOL_VERSION },
  oauthClientMetadataUrl: '',
};

/**
 * What is wrong with a client ID metadata document's URL (the setting mcpPool.oauthClientMetadataUrl),
 * or undefined: it must be an HTTPS URL with a path (it is the client_id an authorization server
 * fetches the document from), with no credentials or fragment.
 */
export function clientMetadataUrlProblem(value: string): string | undefined {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    return 'is not a URL';
  }
  if (u.protocol !== 'https:') return 'must be an https:// URL (an authorization server fetches the document from it)';
  if (u.pathname === '/' || u.pathname === '') return 'must have a path naming the document (https://example.com/mcp-pool/client.json), not just a host';
  if (u.username || u.password) return 'must not carry credentials';
  if (u.hash) return 'must not have a fragment (#…)';
  return undefined;
}

/** Node fires a timer at once when its delay exceeds 2^31-1 ms (~24.8 days): no timeout may be longer. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

/** The settings with every duration clamped to what a timer can wait. */
export function clampSettings(s: PoolSettings): PoolSettings {
  const out: Record<string, unknown> = { ...s };
  for (const [key, value] of Object.entries(s)) if (key.endsWith('Ms') && typeof value === 'number') out[key] = Math.min(Math.max(0, value), MAX_TIMER_MS);
  return out as unknown as PoolSettings;
}
