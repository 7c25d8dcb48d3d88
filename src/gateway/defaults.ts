// The gateway's numbers in one place: what a Gateway uses for every GatewayOptions left out (the
// editor leaves them all out; tests shorten the timeouts), how often it looks after its sessions
// and streams, and the one address it listens on. Every limit says why it has its value: each one
// bounds what a local caller (with or without the token) can make the extension host hold.

/** The gateway listens on the loopback address only (the Guard also accepts `localhost` as Host). */
export const GATEWAY_HOST = '127.0.0.1';

export const GATEWAY_DEFAULTS = {
  /** Any free port. */
  port: 0,
  /** A session without requests and without an open event stream this long is ended (its client initializes again if it comes back). */
  sessionIdleMs: 10 * 60_000,
  /**
   * A session that did nothing past its handshake (never opened an event stream, never made a
   * request) and stayed quiet this long is ended: every SDK client (VS Code, `mcp-pool stdio`)
   * opens its stream right after initializing, so such a session is a client that died early (a
   * relay killed mid-start). A POST-only client that has made requests keeps `sessionIdleMs`.
   */
  sessionNoStreamIdleMs: 60_000,
  /** A client whose event stream closed and that sent nothing for this long is gone. A reconnecting stream comes back well within it. */
  sessionGoneMs: 30_000,
  /**
   * Sessions (initialized or initializing) one app may have: a session costs ≈ 27 KB (its SDK
   * Server and transport), so 200 cost ≈ 5 MB per app — far above the clients one editor window
   * has (VS Code, a few agents, a relay per terminal). When full, the least recently active
   * session without an event stream and without a call in flight is ended for the new one;
   * if every session is busy the new one is refused (503, naming this limit).
   */
  maxSessionsPerApp: 200,
  /** A request body (JSON-RPC or a CLI call's arguments) larger than this is refused (413). */
  maxBodyBytes: 4 * 1024 * 1024,
  /** A request body must arrive within this (a client trickling one holds a socket and a promise). */
  bodyTimeoutMs: 30_000,
  /**
   * The request line and headers must arrive within this (Node's headersTimeout): a caller
   * trickling headers — before the token can be checked — holds a socket only this long. Real
   * clients send their headers in one write.
   */
  headersTimeoutMs: 10_000,
  /**
   * The whole request (headers and body) must arrive within this (Node's requestTimeout): the
   * backstop for bodies the gateway does not read itself. It counts until the request is received,
   * not while its answer streams: event streams and long tool calls are not cut by it. Above
   * bodyTimeoutMs, so that the gateway's own 408 (with its message) comes first.
   */
  requestTimeoutMs: 60_000,
  /** How often Node checks the two deadlines above (its default, 30 s, would let a slow caller stay up to 40 s). */
  connectionsCheckEveryMs: 1_000,
  /**
   * Open connections that have not yet carried a request with the token (a slow caller's
   * headers, a caller without the token): when one more arrives, the oldest is closed. Every
   * authorised client's connection is in this set only for the moment its headers take to arrive,
   * so 128 leaves room for a burst of real clients while a flood holds at most 128 descriptors.
   */
  maxUnprovenConnections: 128,
  /**
   * Open connections in all: above it, idle keep-alive connections are closed first, and a new
   * connection is refused if none was idle. Each is a file descriptor of the extension host;
   * 1024 is far above what a window's clients hold (one event stream and a few requests each)
   * and well below the descriptor limit of an extension host.
   */
  maxConnections: 1024,
  /**
   * At most this share of the host's file descriptor limit (soft RLIMIT_NOFILE, read at start on
   * Linux) goes to gateway connections, and at most `descriptorShareUnproven` to connections
   * without the token: the rest stays for the pool's processes, pipes and files. Under a limit of
   * 1024 (a common default) that is 512 connections, 128 of them unproven; under 100, 50 and 12.
   * Explicit limits (GatewayOptions.limits) are taken as given.
   */
  descriptorShareConnections: 0.5,
  descriptorShareUnproven: 0.125,
  /**
   * A response (an event stream or an answer) whose client stopped reading it — nothing written
   * to its socket for this long while bytes wait — is closed: the queued bytes would otherwise
   * stay in memory for a client that is not there.
   */
  stalledStreamMs: 30_000,
  /**
   * Bytes queued on one event stream (GET) for its client: notifications and server requests are
   * small, so 8 MB unread means the client is not reading; the stream is closed (the client
   * reconnects it, or its session ends).
   */
  maxStreamQueuedBytes: 8 * 1024 * 1024,
  /**
   * Bytes queued for one client's answers (POST answers of one session, or one CLI request): one
   * answer can be as large as the pool lets a message be (maxMessageBytes, 64 MB), plus framing,
   * so 96 MB lets the largest answer through while a client that sends requests without reading
   * their answers holds no more than this (the answer that would pass it is dropped and its request
   * cancelled).
   */
  maxQueuedBytesPerClient: 96 * 1024 * 1024,
  /**
   * A modern client's tool call that asked it something (`input_required`) waits this long for the
   * client's retry with the answer; then its upstream call is cancelled. Human-paced, like SDK v2's
   * own round timeout (10 minutes).
   */
  inputRequiredTtlMs: 10 * 60_000,
  /**
   * Modern calls one app may hold waiting for their clients' answers: each holds a call in flight
   * on the pooled server; a client that never retries holds one until inputRequiredTtlMs.
   */
  maxInputRequiredPerApp: 64,
  /** Idle sessions are looked for this often (or every sessionNoStreamIdleMs / 4, when that is shorter). */
  sweepEveryMs: 15_000,
  /** Event streams are checked for a client that stopped reading this often (or 4 times per stalledStreamMs, when that is shorter). */
  streamCheckEveryMs: 2_000,
} as const;
