// The modern (2026-07-28) side of each app's gateway endpoint: SDK v2's createMcpHandler in its
// strict form (`legacy: 'reject'`), in front of which the gateway routes every request the SDK's
// own predicate (isLegacyRequest) calls 2025-era to the sessionful 1.x path it had (ClientSession:
// a stateful legacy session with real server→client requests, which the v2 entry's stateless legacy
// fallback cannot give). One handler per app, made on the app's first modern request; each request
// gets a Server of its own (requests.ts). The SDK checks the envelope, Mcp-Method / Mcp-Name and the
// protocol version; the gateway's Guard, connection limits and response watch come first as for
// any request.
//
// `subscriptions/listen` streams are the SDK's (its listen router, fed by the handler's bus from the
// pool's events); the gateway counts their resource subscriptions with the pool (the server is
// subscribed once however many clients listen) and watches each stream like a legacy event stream.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type NodeMcpRequestHandler, toNodeHandler, toWebRequest } from '@modelcontextprotocol/node';
import { createMcpHandler, isLegacyRequest, type McpHttpHandler, SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import type { Pool, PoolEvent } from '../../pool';
import type { GatewayClient } from '../gateway';
import { toMcpError } from '../poolErrors';
import { type Offer, type ResponseWatch, streamedBytes } from '../responses';
import { type ModernCall, ParkedCalls, type ParkLimits } from './inputRequired';
import { capabilitiesOf } from '../clientSession';
import { type AppRoom, buildServer } from './requests';

export interface ModernLimits extends ParkLimits {
  /** Open `subscriptions/listen` streams one app may have. */
  readonly maxListenStreams: number;
}

/** Whether a request that carries no session is for the modern path (the SDK's own classification). */
export async function isModernRequest(req: IncomingMessage, body: unknown): Promise<boolean> {
  if (req.method !== 'POST' || req.headers['mcp-session-id'] !== undefined) return false;
  return !(await isLegacyRequest(await toWebRequest(req, body ?? null), body ?? null));
}

interface ListenStream {
  readonly id: string | number;
  readonly tools: boolean;
  readonly prompts: boolean;
  readonly resources: boolean;
  readonly uris: ReadonlySet<string>;
  readonly offer: Offer;
}

class AppEndpoint {
  readonly room: AppRoom;
  private readonly handler: McpHttpHandler;
  private readonly node: NodeMcpRequestHandler;
  private readonly listens = new Set<ListenStream>();

  constructor(pool: Pool, app: string, limits: ModernLimits, log: (line: string) => void, saw: (client: GatewayClient | undefined) => void) {
    this.room = { pool, app, calls: new Set(), parked: new ParkedCalls(limits), taps: new Set(), saw };
    this.handler = createMcpHandler(() => buildServer(this.room, pool.snapshot(app)), {
      legacy: 'reject',
      maxSubscriptions: limits.maxListenStreams,
      onerror: (e) => log(`gateway: app "${app}" (modern client): ${e.message}`),
    });
    this.node = toNodeHandler(this.handler);
  }

  async serve(req: IncomingMessage, res: ServerResponse, body: unknown, responses: ResponseWatch, label: string): Promise<void> {
    const listen = listenOf(body);
    if (!listen) {
      responses.answer(res, label);
      return this.node(req, res, body);
    }
    const { pool, app } = this.room;
    const caps = capabilitiesOf(pool.snapshot(app));
    const n = listen.notifications ?? {};
    const uris =
      caps.resources?.subscribe && Array.isArray(n.resourceSubscriptions) ? [...new Set(n.resourceSubscriptions.filter((u) => typeof u === 'string'))] : [];
    const stream: ListenStream = {
      id: listen.id,
      tools: n.toolsListChanged === true && !!caps.tools,
      prompts: n.promptsListChanged === true && !!caps.prompts,
      resources: n.resourcesListChanged === true && !!caps.resources,
      uris: new Set(uris),
      offer: responses.stream(res, `${label} (subscriptions/listen)`),
    };
    // the server is subscribed once per resource, however many clients (legacy or modern) want it
    const subscribed: string[] = [];
    try {
      for (const uri of uris) {
        await pool.subscribeResource(app, uri, { subscriber: stream });
        subscribed.push(uri);
      }
    } catch (e) {
      for (const uri of subscribed) void pool.unsubscribeResource(app, uri, { subscriber: stream }).catch(() => undefined);
      const err = toMcpError(e);
      const text = JSON.stringify({
        jsonrpc: '2.0',
        id: listen.id,
        error: { code: err.code, message: `subscribing to ${app}'s resources failed: ${err.message}` },
      });
      res.writeHead(200, { 'content-type': 'application/json' }).end(text);
      return;
    }
    this.listens.add(stream);
    res.once('close', () => {
      this.listens.delete(stream);
      for (const uri of subscribed) void pool.unsubscribeResource(app, uri, { subscriber: stream }).catch(() => undefined);
    });
    if (res.destroyed) return;
    await this.node(req, res, body);
  }

  onPoolEvent(e: PoolEvent): void {
    switch (e.type) {
      case 'toolsChanged':
        this.offer((s) => s.tools, 'notifications/tools/list_changed');
        return this.handler.notify.toolsChanged();
      case 'resourcesChanged':
        this.offer((s) => s.resources, 'notifications/resources/list_changed');
        return this.handler.notify.resourcesChanged();
      case 'promptsChanged':
        this.offer((s) => s.prompts, 'notifications/prompts/list_changed');
        return this.handler.notify.promptsChanged();
      case 'resourceUpdated':
        this.offer((s) => s.uris.has(e.uri), 'notifications/resources/updated', { uri: e.uri });
        return this.handler.notify.resourceUpdated(e.uri);
      case 'log':
        for (const tap of this.room.taps) if (LEVELS.indexOf(e.level) >= LEVELS.indexOf(tap.level)) tap.send(e.level, e.logger, e.data);
        return;
    }
  }

  /** Who answers a server→client request: the one modern call in flight, if its client declared the capability. */
  callers(): readonly ModernCall<unknown>[] {
    return [...this.room.calls];
  }

  async close(): Promise<void> {
    this.room.parked.close();
    for (const c of this.room.calls) c.cancel(new Error('the gateway closed'));
    await this.handler.close().catch(() => undefined);
  }

  /** Tells each stream's watch the exact bytes the SDK's listen router is about to queue for it (the response watch caps them). */
  private offer(accepts: (s: ListenStream) => boolean, method: string, params: Record<string, unknown> = {}): void {
    for (const s of this.listens)
      if (accepts(s)) s.offer(streamedBytes({ jsonrpc: '2.0', method, params: { ...params, _meta: { [SUBSCRIPTION_ID_META_KEY]: s.id } } }));
  }
}

const LEVELS: readonly string[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

type ListenRequest = {
  id: string | number;
  notifications?: { toolsListChanged?: unknown; promptsListChanged?: unknown; resourcesListChanged?: unknown; resourceSubscriptions?: unknown[] };
};

function listenOf(body: unknown): ListenRequest | undefined {
  const m = body as { method?: unknown; id?: unknown; params?: { notifications?: ListenRequest['notifications'] } } | undefined;
  if (!m || typeof m !== 'object' || m.method !== 'subscriptions/listen') return undefined;
  if (typeof m.id !== 'string' && typeof m.id !== 'number') return undefined;
  return { id: m.id, notifications: m.params?.notifications };
}

/** The modern endpoints of every app, made on each app's first modern request. */
export class ModernEndpoints {
  private readonly apps = new Map<string, AppEndpoint>();
  private closed = false;

  constructor(
    private readonly pool: Pool,
    private readonly limits: ModernLimits,
    private readonly responses: ResponseWatch,
    private readonly log: (line: string) => void,
    /** Who sent a request of `app` (its `_meta` clientInfo). */
    private readonly saw: (app: string, client: GatewayClient | undefined) => void,
  ) {}

  /** Serves one modern request of `app` (known to the pool). */
  serve(app: string, req: IncomingMessage, res: ServerResponse, body: unknown, label: string): Promise<void> {
    let ep = this.apps.get(app);
    if (!ep && !this.closed) this.apps.set(app, (ep = new AppEndpoint(this.pool, app, this.limits, this.log, (client) => this.saw(app, client))));
    if (!ep) return Promise.resolve(void res.writeHead(503).end());
    return ep.serve(req, res, body, this.responses, label);
  }

  onPoolEvent(e: PoolEvent): void {
    const ep = 'app' in e ? this.apps.get(e.app) : undefined;
    if (!ep) return;
    if (e.type === 'stopped' && e.reason === 'removed') {
      this.apps.delete(e.app);
      void ep.close();
      return;
    }
    ep.onPoolEvent(e);
  }

  /** The modern calls of `app` in flight (one per client call, parked ones included). */
  callers(app: string): readonly ModernCall<unknown>[] {
    return this.apps.get(app)?.callers() ?? [];
  }

  /** Calls waiting for their clients' retries (input_required), in all apps. */
  get parked(): number {
    let n = 0;
    for (const ep of this.apps.values()) n += ep.room.parked.size;
    return n;
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.apps.values()];
    this.apps.clear();
    await Promise.all(all.map((ep) => ep.close()));
  }
}
