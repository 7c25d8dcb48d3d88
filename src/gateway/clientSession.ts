// One MCP client of one pooled app, through the gateway: its own SDK Server (its own initialize,
// capabilities and log level) over its own Streamable HTTP session, answering every request from
// the shared pooled process. Request ids, progress tokens and cancellations stay per client: the
// pool's SDK Client sends each forwarded request with its own id, this Server answers the client's
// id, progress is relayed with the client's token, and the client's notifications/cancelled (or a
// dropped connection, or the session ending) aborts the forwarded request. Nothing is retried here:
// the pool's rule (a tool call is resent only if it provably never reached the server) holds across the hop.
import { randomUUID } from 'node:crypto';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  CallToolRequestSchema,
  type CallToolResult,
  CompleteRequestSchema,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  ListToolsRequestSchema,
  type LoggingLevel,
  LoggingLevelSchema,
  ReadResourceRequestSchema,
  SetLevelRequestSchema,
  type RequestId,
  type ServerCapabilities,
  type ServerNotification,
  type ServerRequest,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { MAX_TIMER_MS, type ElicitRequestParams, type Pool, type AppSnapshot, type ToolInfo } from '../pool';
import type { HookTarget, RoutedFeature } from './hookRouter';
import { toMcpError } from './poolErrors';
import { streamedBytes } from './responses';

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>;

export interface SessionEvents {
  /** The transport gave the client its session id (during the initialize, before the answer is sent). */
  readonly opened: (session: ClientSession, id: string) => void;
  /** The client finished its initialize (its name is known) or the session ended. */
  readonly changed: () => void;
  readonly closed: (session: ClientSession) => void;
}

/** What the gateway declares, in the shape both SDK eras' ServerCapabilities accept. */
export interface GatewayCapabilities {
  tools?: { listChanged: boolean };
  resources?: { listChanged: boolean; subscribe?: boolean };
  prompts?: { listChanged: boolean };
  completions?: Record<string, never>;
  logging?: Record<string, never>;
}

/** The capabilities a gateway client sees (either era): what the pooled server declared, every list changing (the pool tells). */
export function capabilitiesOf(snapshot: AppSnapshot | undefined): GatewayCapabilities {
  const caps = snapshot?.capabilities;
  const out: GatewayCapabilities = {};
  if (caps?.tools !== false) out.tools = { listChanged: true };
  if (caps?.resources) out.resources = { listChanged: true, ...(caps.subscribe ? { subscribe: true } : {}) };
  if (caps?.prompts) out.prompts = { listChanged: true };
  if (caps?.completions) out.completions = {};
  if (caps?.logging) out.logging = {};
  return out;
}

export class ClientSession {
  readonly server: Server;
  readonly transport: StreamableHTTPServerTransport;
  /** Every forwarded request of this client still running, by the client's request id. */
  private readonly running = new Map<RequestId, AbortController>();
  /**
   * Of those, the ones a server may ask something during (tool calls, prompts, reads: what its
   * server→client requests belong to), each saying whether it is a tool call.
   */
  private readonly asking = new Map<RequestId, boolean>();
  private readonly subscribed = new Set<string>();
  /** The level this client asked for (logging/setLevel); until then it gets every message the server sends. */
  private level?: LoggingLevel;
  private closed = false;
  lastActive = Date.now();
  /** Event streams (GET) the client holds open: while it holds one, it is there. */
  streams = 0;
  /** The client opened an event stream at least once (one that never did and went quiet died early). */
  streamed = false;
  /** The client made a request past the handshake (a POST-only client at work, not one that died starting). */
  worked = false;
  /** Told the size of each message sent on the session's event stream (set while one is open). */
  onStreamOffer?: (bytes: number) => void;
  /** Counts requests (of any kind, event streams included): tells a client that came back from one that did not. */
  activity = 0;

  touch(): void {
    this.activity++;
    this.lastActive = Date.now();
  }

  constructor(
    private readonly pool: Pool,
    readonly app: string,
    upstream: AppSnapshot,
    private readonly events: SessionEvents,
  ) {
    const capabilities: ServerCapabilities = capabilitiesOf(upstream);
    // Named after the app (what the user configured, unique in the pool), not the pooled server's own
    // name: VS Code names a server's tools after its title or name (mcp_<app>_<tool>), and two apps running
    // the same server must not collide there. (No title for the same reason: VS Code prefers it.)
    this.server = new Server(
      { name: app, version: upstream.serverVersion ?? '0.0.0' },
      { capabilities, ...(upstream.instructions ? { instructions: upstream.instructions } : {}) },
    );
    this.server.oninitialized = () => events.changed();
    this.transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID,
      onsessioninitialized: (id) => events.opened(this, id),
      onsessionclosed: () => void this.close(),
    });
    this.transport.onclose = () => void this.close();
    // what goes to the event stream (messages that belong to no request) is counted as it is
    // offered, so the gateway can bound what waits there for a client that does not read
    const send = this.transport.send.bind(this.transport);
    this.transport.send = (message, options) => {
      const standalone = options?.relatedRequestId === undefined && 'method' in message;
      if (standalone && this.onStreamOffer) this.onStreamOffer(streamedBytes(message));
      return send(message, options);
    };
    this.handle(capabilities);
  }

  get sessionId(): string | undefined {
    return this.transport.sessionId;
  }

  /** The name and version the client gave at initialize. */
  get client(): { name: string; version?: string } | undefined {
    const v = this.server.getClientVersion();
    return v && { name: v.name, version: v.version };
  }

  /** Requests in flight that the server may ask this client something during (tool calls, prompts, reads). */
  get callsInFlight(): number {
    return this.asking.size;
  }

  /** Of those, the tool calls (the pool counts every client's tool calls: gateway.ts compares). */
  get toolCallsInFlight(): number {
    let n = 0;
    for (const tool of this.asking.values()) if (tool) n++;
    return n;
  }

  isSubscribed(uri: string): boolean {
    return this.subscribed.has(uri);
  }

  /** The HTTP request carrying these request ids went away before its answer: those requests are cancelled. */
  abandon(ids: readonly RequestId[]): void {
    for (const id of ids) this.running.get(id)?.abort(new Error('the client disconnected'));
  }

  /** A server→client request of the pooled process, if this client can answer it (it declared the capability). */
  target(feature: RoutedFeature, params?: ElicitRequestParams): HookTarget | undefined {
    const caps = this.server.getClientCapabilities();
    const related = [...this.asking.keys()].pop();
    if (!caps || related === undefined) return undefined;
    if (feature === 'roots' && !caps.roots) return undefined;
    if (feature === 'sampling' && !caps.sampling) return undefined;
    if (feature === 'elicitation') {
      const e = caps.elicitation;
      if (!e) return undefined;
      const mode = params?.mode ?? 'form';
      // `elicitation: {}` means form only (the spec's backwards-compatible reading)
      const modes = Object.keys(e).length ? Object.keys(e) : ['form'];
      if (!modes.includes(mode)) return undefined;
    }
    const options = (signal: AbortSignal) => ({ signal, relatedRequestId: related, timeout: MAX_TIMER_MS });
    return {
      roots: async (signal) => (await this.server.listRoots(undefined, options(signal))).roots,
      elicit: (p, signal) => this.server.elicitInput(p, options(signal)),
      // the pool's hooks speak SDK v2 types, this Server 1.x ones (same wire shape): a cast at the boundary
      sample: (p, signal) => this.server.createMessage(p as Parameters<Server['createMessage']>[0], options(signal)),
    };
  }

  /** A log message of the app, if this client's level (logging/setLevel) lets it through. */
  log(level: LoggingLevel, logger: string | undefined, data: unknown): void {
    if (this.closed) return;
    if (this.level && SEVERITY.indexOf(level) < SEVERITY.indexOf(this.level)) return;
    this.server.sendLoggingMessage({ level, data, ...(logger !== undefined ? { logger } : {}) }, this.sessionId).catch(() => undefined);
  }

  notify(what: 'tools' | 'resources' | 'prompts'): void {
    if (this.closed) return;
    const send =
      what === 'tools' ? this.server.sendToolListChanged() : what === 'resources' ? this.server.sendResourceListChanged() : this.server.sendPromptListChanged();
    send.catch(() => undefined);
  }

  resourceUpdated(uri: string): void {
    if (this.closed || !this.subscribed.has(uri)) return;
    this.server.sendResourceUpdated({ uri }).catch(() => undefined);
  }

  /** Ends the session: its running requests are cancelled, its subscriptions let go. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const ctl of this.running.values()) ctl.abort(new Error('the client session ended'));
    for (const uri of this.subscribed) void this.pool.unsubscribeResource(this.app, uri, { subscriber: this }).catch(() => undefined);
    if (this.level) void this.pool.releaseLogLevel(this.app, this).catch(() => undefined);
    this.subscribed.clear();
    this.events.closed(this);
    await this.server.close().catch(() => undefined);
  }

  /** A handler for each request of what the session declares (the SDK refuses others). */
  private handle(caps: ServerCapabilities): void {
    const { pool, app } = this;
    const s = this.server;
    if (caps.tools) this.handleTools();
    if (caps.resources) {
      s.setRequestHandler(ListResourcesRequestSchema, (_r, x) =>
        this.run(x, 'plain', async (signal) => ({ resources: await pool.listResources(app, { signal }) })),
      );
      s.setRequestHandler(ListResourceTemplatesRequestSchema, (_r, x) =>
        this.run(x, 'plain', async (signal) => ({ resourceTemplates: await pool.listResourceTemplates(app, { signal }) })),
      );
      s.setRequestHandler(ReadResourceRequestSchema, (r, x) =>
        this.run(x, 'asks', async (signal) => ({ contents: (await pool.readResource(app, r.params.uri, { signal })).contents })),
      );
    }
    if (caps.resources?.subscribe) this.handleSubscriptions();
    // The client's level is its own filter, and counts towards what the shared server is asked to send
    // (the most verbose level any of its clients, the editor included, asked for).
    if (caps.logging) {
      s.setRequestHandler(SetLevelRequestSchema, (r, x) =>
        this.run(x, 'plain', async (signal) => {
          await pool.setLogLevel(app, r.params.level, { signal, subscriber: this });
          this.level = r.params.level;
          // the session ended meanwhile: its level no longer counts
          if (this.closed) await pool.releaseLogLevel(app, this).catch(() => undefined);
          return {};
        }),
      );
    }
    if (caps.prompts) {
      s.setRequestHandler(ListPromptsRequestSchema, (_r, x) => this.run(x, 'plain', async (signal) => ({ prompts: await pool.listPrompts(app, { signal }) })));
      s.setRequestHandler(GetPromptRequestSchema, (r, x) =>
        this.run(x, 'asks', async (signal) => ({ ...(await pool.getPrompt(app, r.params.name, r.params.arguments ?? {}, { signal })) })),
      );
    }
    if (caps.completions) {
      s.setRequestHandler(CompleteRequestSchema, (r, x) =>
        this.run(x, 'plain', async (signal) => {
          const ref =
            r.params.ref.type === 'ref/prompt'
              ? { type: 'ref/prompt' as const, name: r.params.ref.name }
              : { type: 'ref/resource' as const, uri: r.params.ref.uri };
          const c = await pool.complete(app, ref, r.params.argument, r.params.context?.arguments, { signal });
          return { completion: { values: c.values, ...(c.total !== undefined ? { total: c.total } : {}), hasMore: c.hasMore } };
        }),
      );
    }
  }

  private handleTools(): void {
    const { pool, app } = this;
    const s = this.server;
    s.setRequestHandler(ListToolsRequestSchema, (_r, x) => this.run(x, 'plain', async () => ({ tools: (await pool.listTools(app)).map(forClient) })));
    s.setRequestHandler(CallToolRequestSchema, (r, x) =>
      this.run(x, 'call', async (signal) => {
        const token = r.params._meta?.progressToken;
        const onProgress =
          token === undefined
            ? undefined
            : (p: { progress: number; total?: number; message?: string }) =>
                void x.sendNotification({ method: 'notifications/progress', params: { progressToken: token, ...p } }).catch(() => undefined);
        const { result } = await pool.callTool(app, r.params.name, r.params.arguments ?? {}, { signal, onProgress });
        const out: CallToolResult = { content: result.content as CallToolResult['content'] };
        if (result.structuredContent !== undefined) out.structuredContent = result.structuredContent;
        if (result.isError) out.isError = true;
        if (result._meta !== undefined) out._meta = result._meta;
        return out;
      }),
    );
  }

  private handleSubscriptions(): void {
    const { pool, app } = this;
    const s = this.server;
    s.setRequestHandler(SubscribeRequestSchema, (r, x) =>
      this.run(x, 'plain', async (signal) => {
        await pool.subscribeResource(app, r.params.uri, { signal, subscriber: this });
        // the session ended while the server was being subscribed: let go at once
        if (this.closed) {
          await pool.unsubscribeResource(app, r.params.uri, { subscriber: this }).catch(() => undefined);
          return {};
        }
        this.subscribed.add(r.params.uri);
        return {};
      }),
    );
    s.setRequestHandler(UnsubscribeRequestSchema, (r, x) =>
      this.run(x, 'plain', async (signal) => {
        this.subscribed.delete(r.params.uri);
        await pool.unsubscribeResource(app, r.params.uri, { signal, subscriber: this });
        return {};
      }),
    );
  }

  /**
   * One forwarded request: cancellable by the client, by its connection dropping and by the session
   * ending; failures as MCP errors. `call` (a tool call) and `asks` (a prompt, a read): the server
   * may ask this client something while it runs (a real request on its stream).
   */
  private async run<T>(x: Extra, kind: 'call' | 'asks' | 'plain', op: (signal: AbortSignal) => Promise<T>): Promise<T> {
    this.lastActive = Date.now();
    this.worked = true;
    const ctl = new AbortController();
    const onAbort = () => ctl.abort(x.signal.reason);
    if (x.signal.aborted) onAbort();
    else x.signal.addEventListener('abort', onAbort, { once: true });
    this.running.set(x.requestId, ctl);
    if (kind !== 'plain') this.asking.set(x.requestId, kind === 'call');
    try {
      return await op(ctl.signal);
    } catch (e) {
      throw toMcpError(e);
    } finally {
      x.signal.removeEventListener('abort', onAbort);
      this.running.delete(x.requestId);
      this.asking.delete(x.requestId);
      this.lastActive = Date.now();
    }
  }
}

const SEVERITY: readonly string[] = LoggingLevelSchema.options;

/**
 * A tool as a gateway client sees it: whole, except that a tool the server runs only as a task is
 * offered as a plain tool (the pool runs the task and answers with its result).
 */
export function forClient(tool: ToolInfo): ToolInfo {
  if (tool.execution?.taskSupport !== 'required') return tool;
  const { execution: _execution, ...rest } = tool;
  return rest;
}
