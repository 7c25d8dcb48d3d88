// The gateway's numbers in one place: what a Gateway uses for every GatewayOptions left out (the
// editor leaves them all out; tests shorten the timeouts), how often it looks after its sessions
// and streams, and the one address it listens on.

/** The gateway listens on the loopback address only (the Guard also accepts `localhost` as Host). */
export const GATEWAY_HOST = '127.0.0.1';

export const GATEWAY_DEFAULTS = {
  /** Any free port. */
  port: 0,
  sessionIdleMs: 10 * 60_000,
  sessionGoneMs: 30_000,
  maxBodyBytes: 4 * 1024 * 1024,
  bodyTimeoutMs: 30_000,
  stalledStreamMs: 30_000,
  /** Idle sessions are looked for this often (or every sessionIdleMs, when that is shorter). */
  sweepEveryMs: 60_000,
  /** Event streams are checked for a client that stopped reading this often (or 4 times per stalledStreamMs, when that is shorter). */
  streamCheckEveryMs: 2_000,
} as const;
