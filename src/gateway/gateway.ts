// The gateway: the pool's apps served to every MCP client of the editor session on 127.0.0.1 —
// each app its own MCP endpoint (Streamable HTTP, the SDK's server transport; one ClientSession
// per client) and the CLI's plain-HTTP API beside them. Every request passes the Guard first
// (Host, Origin, bearer token). Started and stopped with the pool by the editor layer; vscode-free.
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isJSONRPCRequest, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { Emitter } from '../common/emitter';
import { Disposable, toDisposable } from '../common/lifecycle';
import { PoolError, type Pool, type PoolEvent, type ElicitRequestParams } from '../pool';
import { serveCliApi, fail } from './cliApi';
import { ClientSession } from './clientSession';
import { Connections, fitToDescriptors } from './connections';
import { GATEWAY_DEFAULTS, GATEWAY_HOST } from './defaults';
import { Guard, newToken } from './guard';
import type { HookRouter, HookTarget, RoutedFeature } from './hookRouter';
import { API_PREFIX, type ApiError, appFromPath, type DiscoveryEntry, MCP_ROUTE, type PoolStatus } from '../contract/protocol';
import { toMcpError } from './poolErrors';
import { answerProof, isProofRequest } from './proof';
import { ResponseWatch } from './responses';
import { isModernRequest, ModernEndpoints } from './modern/endpoint';
import { ModernClients } from './modern/modernClients';

export interface GatewayOptions {
  readonly pool: Pool;
  /** Routes the pooled processes' requests (sampling, elicitation, roots) to the gateway client they belong to. */
  readonly router?: HookRouter;
  readonly window: DiscoveryEntry['window'];
  /** Apps the editor does not serve (e.g. workspace-defined ones in an untrusted workspace), with why: named in the status. */
  readonly blocked?: () => readonly { name: string; reason: string }[];
  /** 0: any free port. Each option left out is its GATEWAY_DEFAULTS value (defaults.ts). */
  readonly port?: number;
  readonly token?: string;
  /**
   * A session without requests and without an open event stream this long is ended (its client
   * initializes again if it comes back).
   */
  readonly sessionIdleMs?: number;
  /**
   * A client whose event stream (GET) closed and that sent nothing for this long is gone (it closed
   * without ending its session): its session ends, its subscriptions are let go. A client
   * reconnecting its stream comes back well within the default.
   */
  readonly sessionGoneMs?: number;
  readonly maxBodyBytes?: number;
  /** A request body must arrive within this (a client trickling one holds a socket and a promise). */
  readonly bodyTimeoutMs?: number;
  /**
   * An event stream whose client stopped reading it (the socket has not drained for this long) is
   * closed: what the server notifies would otherwise pile up in memory for a client that is not
   * there (the SDK's stream queues without limit).
   */
  readonly stalledStreamMs?: number;
  /** The limits on what callers can make the gateway hold (GATEWAY_DEFAULTS says why each has its value). */
  readonly limits?: Partial<GatewayLimits>;
  /** Where the gateway says what it closed or refused to stay bounded (the pool's log in the editor). */
  readonly log?: (line: string) => void;
}

export type GatewayLimits = {
  readonly [
    K in
      | 'sessionNoStreamIdleMs'
      | 'maxSessionsPerApp'
      | 'headersTimeoutMs'
      | 'requestTimeoutMs'
      | 'connectionsCheckEveryMs'
      | 'maxUnprovenConnections'
      | 'maxConnections'
      | 'maxStreamQueuedBytes'
      | 'maxQueuedBytesPerClient'
      | 'inputRequiredTtlMs'
      | 'maxInputRequiredPerApp'
  ]: number;
};

/** Who uses an app through the gateway. */
export interface GatewayClient {
  readonly name: string;
  readonly version?: string;
}

export class Gateway extends Disposable {
  readonly token: string;
  private readonly guard: Guard;
  private readonly http: HttpServer;
  private readonly sessions = new Map<string, ClientSession>();
  /** Sessions created for an initialize that has not finished yet. */
  private readonly pending = new Set<ClientSession>();
  private readonly clientsChanged = this._register(new Emitter<string>());
  /** The clients of an app changed (its name). */
  readonly onDidChangeClients = this.clientsChanged.event;
  private port?: number;
  private sweepTimer?: NodeJS.Timeout;
  private streamTimer?: NodeJS.Timeout;
  private closing?: Promise<void>;
  private readonly limits: GatewayLimits;
  private readonly connections: Connections;
  /** Every response, watched for a client that does not read what is queued for it. */
  private readonly responses: ResponseWatch;
  /** The "is this client gone?" checks after a stream closed. */
  private readonly goneChecks = new Set<NodeJS.Timeout>();
  /** What modern (2026-07-28) clients are served by: SDK v2's handler per app (modern/endpoint.ts). */
  private readonly modern: ModernEndpoints;
  /** 2026-07-28 clients have no session: the names their requests carry, while recent (modernClients.ts). */
  private readonly modernClients: ModernClients;

  constructor(private readonly opts: GatewayOptions) {
    super();
    this.token = opts.token ?? newToken();
    this.guard = new Guard(this.token);
    const fitted = fitToDescriptors(GATEWAY_DEFAULTS, {
      connections: GATEWAY_DEFAULTS.descriptorShareConnections,
      unproven: GATEWAY_DEFAULTS.descriptorShareUnproven,
    });
    const limits = (this.limits = { ...GATEWAY_DEFAULTS, ...fitted, ...opts.limits });
    const log = opts.log ?? (() => undefined);
    // Node's deadlines count until a request has arrived (headers, then body), not while its answer
    // streams: event streams and long tool calls stay open as long as their clients want.
    this.http = createServer(
      { headersTimeout: limits.headersTimeoutMs, requestTimeout: limits.requestTimeoutMs, connectionsCheckingInterval: limits.connectionsCheckEveryMs },
      (req, res) => void this.serve(req, res),
    );
    this.connections = new Connections(this.http, limits, log);
    this.responses = new ResponseWatch(
      { maxStreamQueuedBytes: limits.maxStreamQueuedBytes, maxQueuedBytesPerClient: limits.maxQueuedBytesPerClient, stalledMs: this.stalledStreamMs },
      log,
    );
    this.modernClients = new ModernClients(opts.sessionIdleMs ?? GATEWAY_DEFAULTS.sessionIdleMs, (app) => this.clientsChanged.fire(app));
    this.modern = new ModernEndpoints(
      opts.pool,
      { ttlMs: limits.inputRequiredTtlMs, maxParked: limits.maxInputRequiredPerApp, maxListenStreams: limits.maxSessionsPerApp },
      this.responses,
      log,
      (app, client) => this.modernClients.saw(app, client),
    );
    this._register(opts.pool.onEvent((e) => this.onPoolEvent(e)));
    if (opts.router) this._register(opts.router.route((app, feature, params) => this.targetFor(app, feature, params)));
  }

  get url(): string {
    if (this.port === undefined) throw new Error('the gateway is not listening');
    return `http://${GATEWAY_HOST}:${this.port}`;
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.http.once('error', reject);
      this.http.listen(this.opts.port ?? GATEWAY_DEFAULTS.port, GATEWAY_HOST, () => {
        this.http.off('error', reject);
        resolve();
      });
    });
    this.port = (this.http.address() as AddressInfo).port;
    this.guard.listening(this.port);
    const idle = this.opts.sessionIdleMs ?? GATEWAY_DEFAULTS.sessionIdleMs;
    const noStream = this.limits.sessionNoStreamIdleMs;
    this.sweepTimer = setInterval(() => this.sweep(idle, noStream), Math.min(GATEWAY_DEFAULTS.sweepEveryMs, idle, noStream / 4)).unref();
    this.streamTimer = setInterval(() => this.responses.checkStalled(), Math.min(GATEWAY_DEFAULTS.streamCheckEveryMs, this.stalledStreamMs / 4)).unref();
    this._register(toDisposable(() => this.stopTimers()));
  }

  /** The clients of `app` by the names they gave: initialized 2025 sessions, and 2026-07-28 clients that sent a request lately. */
  clients(app: string): GatewayClient[] {
    const out: GatewayClient[] = [];
    for (const s of this.sessions.values()) if (s.app === app && s.client) out.push(s.client);
    return [...out, ...this.modernClients.of(app)];
  }

  status(): PoolStatus {
    const { pool } = this.opts;
    return {
      window: this.opts.window,
      apps: pool.snapshots().map((s) => ({
        name: s.name,
        kind: s.kind,
        transport: s.transport,
        target: s.target,
        ...(s.description ? { description: s.description } : {}),
        status: s.status,
        pid: s.pid,
        createdAt: s.createdAt,
        lastUsedAt: s.lastUsedAt,
        calls: s.calls,
        errors: s.errors,
        lastError: s.lastError,
        protocolVersion: s.protocolVersion,
        protocolEra: s.protocolEra,
        clients: this.clients(s.name),
      })),
      blocked: this.opts.blocked?.() ?? [],
    };
  }

  /** What the gateway closed or refused to stay bounded, so far. */
  get counts(): Gateway['connections']['counts'] & Gateway['responses']['counts'] & { connections: number; streamBacklog: number; parked: number } {
    return {
      ...this.connections.counts,
      ...this.responses.counts,
      connections: this.connections.size,
      streamBacklog: this.responses.streamBacklog,
      parked: this.modern.parked,
    };
  }

  /** Stops listening (new requests get 503 meanwhile), then ends every session (their running requests are cancelled). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.stopTimers();
      const closed = new Promise<void>((resolve) => this.http.close(() => resolve()));
      const ending = [...this.sessions.values(), ...this.pending].map((s) => s.close());
      await Promise.all([...ending, this.modern.close()]);
      this.http.closeAllConnections();
      await closed;
    })();
    return this.closing;
  }

  private stopTimers(): void {
    clearInterval(this.sweepTimer);
    clearInterval(this.streamTimer);
    for (const t of this.goneChecks) clearTimeout(t);
    this.goneChecks.clear();
  }

  override dispose(): void {
    void this.close();
    super.dispose();
  }

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      // the one route served without the token: the gateway proves it holds it (proof.ts)
      if (isProofRequest(req)) return answerProof(req, res, this.token, this.guard);
      const refusal = this.guard.check(req);
      // a refused request costs nothing lasting: its answer closes the connection (the body is not waited for)
      if (refusal) return refuse(res, refusal.status, { code: refusal.code, message: refusal.message });
      this.connections.proven(req.socket);
      if (this.closing)
        return refuse(res, 503, {
          code: 'shutting-down',
          message: 'the gateway is shutting down (the editor window is closing or the gateway was turned off)',
        });
      const path = new URL(req.url ?? '/', `http://${GATEWAY_HOST}`).pathname;
      const m = MCP_ROUTE.exec(path);
      if (m) {
        const app = appFromPath(m[1]);
        if (app === undefined) return fail(res, 400, { code: 'bad-request', message: 'the app name in the path is not valid percent-encoding' });
        return await this.mcp(app, req, res);
      }
      if (path.startsWith(API_PREFIX)) {
        this.responses.answer(res, `a CLI request (${req.method ?? ''} ${path})`);
        return await serveCliApi({ pool: this.opts.pool, status: () => this.status(), readBody: (r) => this.readJson(r) }, req, res, path);
      }
      return refuse(res, 404, { code: 'not-found', message: `no such route: ${path} (apps are served at /apps/<name>/mcp)` });
    } catch (e) {
      if (res.headersSent) return void res.end();
      if (!(e instanceof BodyError)) return fail(res, 500, { code: 'internal', message: (e as Error).message });
      // the answer closes the connection; the rest of a body that is too large is read and dropped
      // meanwhile (so the client, still sending, gets to read the answer), one that trickles is cut off
      res.setHeader('connection', 'close');
      if (e.status === 408) res.on('finish', () => req.destroy());
      fail(res, e.status, { code: 'bad-request', message: e.message });
    }
  }

  private async mcp(app: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!this.opts.pool.spec(app)) {
      const known = this.opts.pool.names();
      return rpcError(res, 404, -32600, `no app named "${app}" is served here${known.length ? ` (apps: ${known.join(', ')})` : ''}`);
    }
    const body = req.method === 'POST' ? await this.readJson(req) : undefined;
    // a 2026-07-28 request (no session, its version in its own _meta): SDK v2's modern path
    if (await isModernRequest(req, body)) return this.serveModern(app, req, res, body);
    const sid = req.headers['mcp-session-id'];
    let session: ClientSession | undefined;
    if (typeof sid === 'string') {
      session = this.sessions.get(sid);
      // the spec's answer to an unknown (e.g. ended) session: 404, and the client initializes again
      if (!session || session.app !== app) return rpcError(res, 404, -32001, 'Session not found');
    } else if (req.method === 'POST') {
      if (!this.roomFor(app, res)) return;
      session = await this.open(app, res);
      if (!session) return;
    } else {
      return rpcError(res, 400, -32000, 'Bad Request: Mcp-Session-Id header is required');
    }
    // the requests this HTTP request carries are cancelled if it goes away before their answers
    const ids = requestIds(body);
    if (ids.length)
      res.on('close', () => {
        if (!res.writableFinished) session.abandon(ids);
      });
    session.touch();
    const label = `app "${app}"'s client ${session.client?.name ?? '(initializing)'}`;
    if (req.method === 'GET') {
      session.streams++;
      session.streamed = true;
      const offer = this.responses.stream(res, label);
      session.onStreamOffer ??= offer;
      res.on('close', () => {
        if (session.onStreamOffer === offer) session.onStreamOffer = undefined;
        session.streams--;
        this.streamClosed(session);
      });
    } else this.responses.answer(res, label, session);
    await session.transport.handleRequest(req, res, body);
    // a first request that was no initialize: nothing was opened
    if (this.pending.has(session) && !session.sessionId) await session.close();
  }

  /**
   * A modern request: served from what the pool knows of the app. A stopped app whose capabilities
   * are known from an earlier start stays stopped (a `server/discover` probe starts nothing); one
   * never started in this session is started first, as its first legacy client would start it.
   */
  private async serveModern(app: string, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void> {
    const { pool } = this.opts;
    if (!pool.snapshot(app)?.capabilities) {
      try {
        await pool.warm(app);
      } catch (e) {
        const err = toMcpError(e);
        return rpcError(res, e instanceof PoolError && e.code === 'unknown-app' ? 404 : 502, err.code, err.message);
      }
    }
    const name = (body as { params?: { _meta?: Record<string, { name?: unknown } | undefined> } } | undefined)?.params?._meta?.[
      'io.modelcontextprotocol/clientInfo'
    ]?.name;
    await this.modern.serve(app, req, res, body, `app "${app}"'s modern client ${typeof name === 'string' ? name : '(unnamed)'}`);
  }

  /** A new client of `app`: the app is started (the first client warms it) so the session can declare what its server offers. */
  private async open(app: string, res: ServerResponse): Promise<ClientSession | undefined> {
    const { pool } = this.opts;
    try {
      await pool.warm(app);
    } catch (e) {
      const err = toMcpError(e);
      rpcError(res, e instanceof PoolError && e.code === 'unknown-app' ? 404 : 502, err.code, err.message);
      return undefined;
    }
    const snapshot = pool.snapshot(app);
    if (!snapshot) return void rpcError(res, 404, -32600, `app "${app}" was removed`);
    const session = new ClientSession(pool, app, snapshot, {
      opened: (s, id) => {
        this.pending.delete(s);
        this.sessions.set(id, s);
        this.clientsChanged.fire(app);
      },
      changed: () => this.clientsChanged.fire(app),
      closed: (s) => this.forget(s),
    });
    this.pending.add(session);
    await session.server.connect(session.transport);
    return session;
  }

  private forget(session: ClientSession): void {
    this.pending.delete(session);
    const id = session.sessionId;
    if (id && this.sessions.get(id) === session) {
      this.sessions.delete(id);
      this.clientsChanged.fire(session.app);
    }
  }

  /** The client's event stream closed: unless it comes back (any request) soon, the client is gone. */
  private streamClosed(session: ClientSession): void {
    if (this.closing) return;
    const seen = session.activity;
    const check = setTimeout(() => {
      this.goneChecks.delete(check);
      if (session.activity === seen && session.streams === 0 && session.callsInFlight === 0) void session.close();
    }, this.opts.sessionGoneMs ?? GATEWAY_DEFAULTS.sessionGoneMs).unref();
    this.goneChecks.add(check);
  }

  private get stalledStreamMs(): number {
    return this.opts.stalledStreamMs ?? GATEWAY_DEFAULTS.stalledStreamMs;
  }

  /** Ends idle sessions: after idleMs, or after noStreamMs when the client never opened an event stream (it died early). */
  private sweep(idleMs: number, noStreamMs: number): void {
    this.modernClients.sweep();
    const now = Date.now();
    for (const s of this.sessions.values()) {
      if (s.streams > 0 || s.callsInFlight > 0) continue;
      if (now - s.lastActive > (s.streamed || s.worked ? idleMs : noStreamMs)) void s.close();
    }
  }

  /**
   * Room for one more session of `app` (maxSessionsPerApp): the least recently active session that
   * holds no event stream and no call is ended for it; if all are busy, the client is told (503).
   */
  private roomFor(app: string, res: ServerResponse): boolean {
    const max = this.limits.maxSessionsPerApp;
    const mine = [...this.sessions.values(), ...this.pending].filter((s) => s.app === app);
    if (mine.length < max) return true;
    const idle = mine.filter((s) => s.sessionId && s.streams === 0 && s.callsInFlight === 0).sort((a, b) => a.lastActive - b.lastActive);
    for (const s of idle.slice(0, mine.length - max + 1)) void s.close();
    if (idle.length >= mine.length - max + 1) return true;
    rpcError(
      res,
      503,
      -32000,
      `app "${app}" already has ${mine.length} gateway sessions, all in use (the limit is ${max} per app): end unused sessions (HTTP DELETE) or try again later`,
    );
    return false;
  }

  private onPoolEvent(e: PoolEvent): void {
    this.modern.onPoolEvent(e);
    if (this.sessions.size === 0) return;
    const of = (app: string) => [...this.sessions.values()].filter((s) => s.app === app);
    switch (e.type) {
      case 'toolsChanged':
        return of(e.app).forEach((s) => s.notify('tools'));
      case 'resourcesChanged':
        return of(e.app).forEach((s) => s.notify('resources'));
      case 'promptsChanged':
        return of(e.app).forEach((s) => s.notify('prompts'));
      case 'resourceUpdated':
        return of(e.app).forEach((s) => s.resourceUpdated(e.uri));
      case 'log':
        return of(e.app).forEach((s) => s.log(e.level, e.logger, e.data));
      case 'stopped':
        if (e.reason === 'removed') {
          of(e.app).forEach((s) => void s.close());
          this.modernClients.forget(e.app);
        }
        return;
    }
  }

  /**
   * Who answers a server→client request of `app`: the one gateway client whose requests that may
   * ask (tool calls, prompts, reads) are the only ones in flight on the app, if it declared the
   * capability; otherwise nobody here (the editor does).
   */
  private targetFor(app: string, feature: RoutedFeature, params?: ElicitRequestParams): HookTarget | undefined {
    // who may be asked: a legacy session with a tool call, prompt or read in flight; a modern client's request (no session tells two of one client apart)
    const calling = [...this.sessions.values()].filter((s) => s.app === app && s.callsInFlight > 0);
    const modern = this.modern.callers(app);
    if (calling.length + modern.length !== 1) return undefined;
    // the pool counts everyone's tool calls (the editor's, the CLI's): one that is not this client's makes it ambiguous
    const calls = this.opts.pool.snapshot(app)?.callsInFlight ?? 0;
    const mine = modern.length ? modern.filter((c) => c.method === 'tools/call').length : calling[0].toolCallsInFlight;
    if (calls > mine) return undefined;
    return modern.length ? modern[0].target(feature, params) : calling[0].target(feature, params);
  }

  private readJson(req: IncomingMessage): Promise<unknown> {
    const max = this.opts.maxBodyBytes ?? GATEWAY_DEFAULTS.maxBodyBytes;
    const ms = this.opts.bodyTimeoutMs ?? GATEWAY_DEFAULTS.bodyTimeoutMs;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const timer = setTimeout(() => {
        reject(new BodyError(408, `the request body did not arrive within ${ms / 1000} s`));
        req.pause();
      }, ms);
      req.on('close', () => clearTimeout(timer));
      req.on('data', (c: Buffer) => {
        if (size > max) return;
        size += c.length;
        if (size > max) {
          reject(new BodyError(413, `the request body is larger than ${max} bytes`));
          return;
        }
        chunks.push(c);
      });
      req.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        if (!text) return resolve(undefined);
        try {
          resolve(JSON.parse(text));
        } catch {
          reject(new BodyError(400, 'the request body is not valid JSON'));
        }
      });
      req.on('error', reject);
    });
  }
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

function requestIds(body: unknown): RequestId[] {
  const messages = (Array.isArray(body) ? body : [body]) as JSONRPCMessage[];
  return messages.filter((m) => m && typeof m === 'object' && isJSONRPCRequest(m)).map((m) => (m as { id: RequestId }).id);
}

function rpcError(res: ServerResponse, status: number, code: number, message: string): void {
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null });
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** An answer that closes its connection once sent: Node then neither waits for the rest of a body nor keeps the socket alive. */
function refuse(res: ServerResponse, status: number, error: ApiError): void {
  res.setHeader('connection', 'close');
  fail(res, status, error);
}
