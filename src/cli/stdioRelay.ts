// `mcp-pool stdio <app>`: a stdio MCP server that relays raw JSON-RPC messages both ways between
// its client (stdin/stdout, the SDK's StdioServerTransport) and the pooled app's endpoint on the
// gateway (the SDK's StreamableHTTPClientTransport, with the window's token). Transport level:
// requests, responses, notifications, server→client requests, progress and cancellation all pass
// as they are; the gateway gives this client its own MCP session on the warm process.
// When either side closes, the other is closed and the process ends.
//
// Built into its own bundle (dist/cli-stdio.js) that dist/cli.js loads only for `stdio`: the SDK
// is not parsed on any other command's path.
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
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
}

type Id = string | number;

function isRequest(m: JSONRPCMessage): m is JSONRPCMessage & { id: Id; method: string } {
  return 'method' in m && 'id' in m && m.id !== undefined;
}
function isResponse(m: JSONRPCMessage): m is JSONRPCMessage & { id: Id } {
  return !('method' in m) && 'id' in m;
}

/** Errors after which the gateway will not answer again: nobody listens, the session is gone, the token is refused. */
function isFatal(e: unknown): boolean {
  if (e instanceof ApiFailure) return e.code === 'unproven' || e.code === 'refused';
  if (e instanceof StreamableHTTPError) return e.code === 404 || e.code === 401 || e.code === 403;
  const cause = (e as { cause?: { code?: string } } | undefined)?.cause;
  return cause?.code === 'ECONNREFUSED';
}

function describe(e: unknown): string {
  if (e instanceof ApiFailure) return e.message;
  const cause = (e as { cause?: { code?: string } } | undefined)?.cause;
  if (cause?.code === 'ECONNREFUSED') return 'the pool does not answer (the editor window was closed?)';
  if (e instanceof StreamableHTTPError && e.code === 404) return 'the pool no longer knows this session (the app was removed, or the editor restarted)';
  if (e instanceof StreamableHTTPError && (e.code === 401 || e.code === 403)) return 'the pool refused the token';
  return e instanceof Error ? e.message : String(e);
}

export function runRelay(opts: RelayOptions): Promise<number> {
  return new Promise<number>((resolve) => {
    const target: PoolTarget = { url: opts.url, token: opts.token, source: 'the relay', fromEnv: false };
    const http = new StreamableHTTPClientTransport(new URL(mcpPath(opts.app), `${opts.url}/`), {
      requestInit: { headers: { authorization: `Bearer ${opts.token}` } },
      // every connection proves the pool holds the token before it carries anything (provenFetch.ts)
      fetch: provenFetch(target),
    });
    const say = (text: string) => process.stderr.write(`mcp-pool stdio ${terminalSafe(opts.app)}: ${terminalSafe(text)}\n`);
    const stdio = new StdioServerTransport();
    /** Requests from the client still waiting for their response, so they can be failed if the pool goes away. */
    const pending = new Set<Id>();
    const initializeIds = new Set<Id>();
    let finished = false;

    const finish = async (code: number, why?: string) => {
      if (finished) return;
      finished = true;
      if (why) say(why);
      for (const id of pending) {
        await stdio.send({ jsonrpc: '2.0', id, error: { code: -32000, message: `mcp-pool: ${why ?? 'the relay closed'}` } }).catch(() => undefined);
      }
      pending.clear();
      // Tell the gateway this session is over (best effort, bounded), then close both sides.
      if (code === EXIT.ok && http.sessionId)
        await Promise.race([http.terminateSession().catch(() => undefined), new Promise((r) => setTimeout(r, 1000).unref())]);
      await http.close().catch(() => undefined);
      await stdio.close().catch(() => undefined);
      process.stdin.destroy();
      resolve(code);
    };

    stdio.onmessage = (message) => {
      if (isRequest(message)) {
        pending.add(message.id);
        if (message.method === 'initialize') initializeIds.add(message.id);
      }
      http.send(message).catch((e: unknown) => {
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
