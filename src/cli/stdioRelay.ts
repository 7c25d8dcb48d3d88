// `mcp-pool stdio <app>`: a stdio MCP server that relays raw JSON-RPC messages both ways between
// its client (stdin/stdout, SDK v2's StdioServerTransport) and the pooled app's endpoint on the
// gateway (SDK v2's StreamableHTTPClientTransport, with the window's token). Transport level and
// era-transparent: a 2025-era client's messages (initialize, its session, server→client requests)
// and a 2026-07-28 client's (server/discover, requests carrying their version in `_meta`,
// input_required results, subscriptions/listen) pass as they are. SDK v2's transport derives the
// headers a modern request needs (MCP-Protocol-Version, Mcp-Method, Mcp-Name) from the message
// itself, and a modern request's `notifications/cancelled` becomes what cancels it over HTTP: its
// response stream is closed. When either side closes, the other is closed and the process ends.
//
// Built into its own bundle (dist/cli-stdio.js) that dist/cli.js loads only for `stdio`: the SDK
// is not parsed on any other command's path.
import { type JSONRPCMessage, SdkHttpError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { Agent } from 'node:http';
import { EXIT, mcpPath } from '../contract/protocol';
import { ApiFailure, callApi } from './api';
import { provenFetch } from './provenFetch';
import { terminalSafe } from './format';
import type { PoolTarget } from './poolLookup';

export interface RelayOptions {
  readonly url: string;
  readonly token: string;
  readonly app: string;
  readonly version: string;
  /**
   * dist/cli.js's agent for this pool, whose kept-alive connection already proved itself when it
   * asked the pool for the app: the relay's first request goes out on it, without a new connection
   * and proof (this bundle has its own copy of poolProof.ts, so its own agents).
   */
  readonly agent?: Agent;
}

type Id = string | number;

function isRequest(m: JSONRPCMessage): m is JSONRPCMessage & { id: Id; method: string } {
  return 'method' in m && 'id' in m && m.id !== undefined;
}
function isResponse(m: JSONRPCMessage): m is JSONRPCMessage & { id: Id } {
  return !('method' in m) && 'id' in m;
}
/** A 2026-07-28 request: it carries its protocol version in its own `_meta` (no session). */
function isModern(m: JSONRPCMessage): boolean {
  const meta = (m as { params?: { _meta?: Record<string, unknown> } }).params?._meta;
  return typeof meta?.['io.modelcontextprotocol/protocolVersion'] === 'string';
}
/** The request a `notifications/cancelled` cancels. */
function cancelledId(m: JSONRPCMessage): Id | undefined {
  if (!('method' in m) || m.method !== 'notifications/cancelled') return undefined;
  const id = (m.params as { requestId?: unknown } | undefined)?.requestId;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

/** Errors after which the gateway will not answer again: nobody listens, the session is gone, the token is refused. */
function isFatal(e: unknown): boolean {
  if (e instanceof ApiFailure) return e.code === 'unproven' || e.code === 'refused';
  if (e instanceof SdkHttpError) return e.status === 404 || e.status === 401 || e.status === 403;
  const cause = (e as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

function describe(e: unknown): string {
  if (e instanceof ApiFailure) return e.message;
  const cause = (e as { cause?: { code?: string } } | undefined)?.cause;
  if (cause?.code === 'ECONNREFUSED') return 'the pool does not answer (the editor window was closed?)';
  if (e instanceof SdkHttpError && e.status === 404) return 'the pool no longer knows this session (the app was removed, or the editor restarted)';
  if (e instanceof SdkHttpError && (e.status === 401 || e.status === 403)) return 'the pool refused the token';
  return e instanceof Error ? e.message : String(e);
}

export function runRelay(opts: RelayOptions): Promise<number> {
  return new Promise<number>((resolve) => {
    const target: PoolTarget = { url: opts.url, token: opts.token, source: 'the relay', fromEnv: false };
    const http = new StreamableHTTPClientTransport(new URL(mcpPath(opts.app), `${opts.url}/`), {
      requestInit: { headers: { authorization: `Bearer ${opts.token}` } },
      // every connection proves the pool holds the token before it carries anything (provenFetch.ts)
      fetch: provenFetch(target, opts.agent),
    });
    const say = (text: string) => process.stderr.write(`mcp-pool stdio ${terminalSafe(opts.app)}: ${terminalSafe(text)}\n`);
    const stdio = new StdioServerTransport();
    /** Requests from the client still waiting for their response, so they can be failed if the pool goes away. */
    const pending = new Set<Id>();
    const initializeIds = new Set<Id>();
    /** Modern requests in flight, each on its own response stream: closing it is their cancellation. */
    const modern = new Map<Id, AbortController>();
    let finished = false;

    const finish = async (code: number, why?: string) => {
      if (finished) return;
      finished = true;
      if (why) say(why);
      for (const id of pending) {
        await stdio.send({ jsonrpc: '2.0', id, error: { code: -32000, message: `mcp-pool: ${why ?? 'the relay closed'}` } }).catch(() => undefined);
      }
      pending.clear();
      for (const ctl of modern.values()) ctl.abort();
      modern.clear();
      // Tell the gateway this session is over (best effort, bounded), then close both sides.
      if (code === EXIT.ok && http.sessionId)
        await Promise.race([http.terminateSession().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
      await http.close().catch(() => undefined);
      await stdio.close().catch(() => undefined);
      process.stdin.destroy();
      resolve(code);
    };

    stdio.onmessage = (message) => {
      // a modern request is cancelled by closing its stream (2026-07-28 has no cancel over HTTP);
      // a subscriptions/listen stream is closed the same way
      const cancelled = cancelledId(message);
      const stream = cancelled === undefined ? undefined : modern.get(cancelled);
      if (stream && cancelled !== undefined) {
        modern.delete(cancelled);
        pending.delete(cancelled);
        stream.abort();
        return;
      }
      let requestSignal: AbortSignal | undefined;
      if (isRequest(message)) {
        pending.add(message.id);
        if (message.method === 'initialize') initializeIds.add(message.id);
        if (isModern(message)) {
          const ctl = new AbortController();
          modern.set(message.id, ctl);
          requestSignal = ctl.signal;
        }
      }
      http.send(message, requestSignal ? { requestSignal } : undefined).catch((e: unknown) => {
        if (isRequest(message)) modern.delete(message.id);
        // (a modern request the client cancelled: its stream was closed on purpose)
        if (requestSignal?.aborted) return;
        if (finished) return;
        if (isRequest(message) && pending.delete(message.id)) {
          void stdio.send({ jsonrpc: '2.0', id: message.id, error: { code: -32000, message: `mcp-pool: ${describe(e)}` } }).catch(() => undefined);
        }
        if (isFatal(e)) void finish(EXIT.pool, describe(e));
      });
    };
    http.onmessage = (message) => {
      if (isResponse(message)) {
        pending.delete(message.id);
        modern.delete(message.id);
        if (initializeIds.delete(message.id) && 'result' in message) {
          const version = (message.result as { protocolVersion?: unknown }).protocolVersion;
          if (typeof version === 'string') http.setProtocolVersion(version);
        }
      }
      void stdio.send(message).catch(() => finish(EXIT.ok));
    };
    // Any other trouble (a stream that broke and could not resume): is the pool still there?
    let probing = false;
    const probe = () => {
      if (probing || finished) return;
      probing = true;
      callApi(target, 'GET', '/v1/pool').then(
        () => (probing = false),
        (e: unknown) => {
          probing = false;
          if (e instanceof ApiFailure && e.code === 'unproven') void finish(EXIT.pool, e.message);
          else if (e instanceof ApiFailure && (e.code === 'refused' || e.code === 'unreachable'))
            void finish(EXIT.pool, 'the pool went away (the editor window was closed?)');
        },
      );
    };
    http.onerror = (e) => {
      if (finished) return;
      if (isFatal(e)) return void finish(EXIT.pool, describe(e));
      say(describe(e));
      probe();
    };
    http.onclose = () => void finish(EXIT.ok);
    stdio.onerror = (e) => say(describe(e));
    // The client closed our stdin (or went away): the session is over.
    process.stdin.once('end', () => void finish(EXIT.ok));
    process.stdin.once('close', () => void finish(EXIT.ok));
    process.stdout.once('error', () => void finish(EXIT.ok));
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.once(s, () => void finish(EXIT.ok));

    void http
      .start()
      .then(() => stdio.start())
      .catch((e: unknown) => finish(EXIT.pool, describe(e)));
  });
}
