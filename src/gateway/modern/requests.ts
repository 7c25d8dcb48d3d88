// What a modern (2026-07-28) gateway client's request is answered with: an SDK v2 `Server` built
// for that one request (createMcpHandler builds one per exchange), under the app's name with what
// the pooled server declared at its last start, each request forwarded to the pool. The request's
// own `_meta` says everything a session used to (protocol version, client capabilities, log level):
// nothing is remembered between requests but the calls waiting for their client's answers
// (inputRequired.ts). `server/discover` is answered by the SDK from these capabilities alone, so a
// probe never starts a stopped app whose capabilities the pool knows.
import {
  type CallToolResult,
  type ClientCapabilities,
  LOG_LEVEL_META_KEY,
  ProtocolError,
  ProtocolErrorCode,
  Server,
  type ServerContext,
} from '@modelcontextprotocol/server';
import { LOG_LEVELS, type AppSnapshot, type LogLevel, type Pool, type ToolResult } from '../../pool';
import { capabilitiesOf, forClient } from '../clientSession';
import { toMcpError } from '../poolErrors';
import type { GatewayClient } from '../gateway';
import { type InputMethod, ModernCall, type ParkedCalls } from './inputRequired';
import { clientOf } from './modernClients';

/** What the requests of one app share: the pool, the calls in flight and parked, the log taps. */
export interface AppRoom {
  readonly pool: Pool;
  readonly app: string;
  /** Modern tool calls running upstream (parked ones included): who server→client requests may belong to. */
  readonly calls: Set<ModernCall<unknown>>;
  readonly parked: ParkedCalls;
  /** Requests that asked for log messages (`_meta` log level), each with its sender. */
  readonly taps: Set<LogTap>;
  /** Who sent a request (its `_meta` clientInfo), for the app's list of clients. */
  readonly saw: (client: GatewayClient | undefined) => void;
}

/** A request that asked for the app's log messages at `level` while it runs. */
export interface LogTap {
  readonly level: LogLevel;
  send(level: LogLevel, logger: string | undefined, data: unknown): void;
}

export function buildServer(room: AppRoom, snapshot: AppSnapshot | undefined): Server {
  const capabilities = capabilitiesOf(snapshot);
  // named after the app, as the legacy sessions are (clientSession.ts says why)
  const server = new Server(
    { name: room.app, version: snapshot?.serverVersion ?? '0.0.0' },
    { capabilities, ...(snapshot?.instructions ? { instructions: snapshot.instructions } : {}) },
  );
  const { pool, app } = room;
  const fwd = <T>(x: ServerContext, op: (signal: AbortSignal) => Promise<T>) => forward(room, x, op);
  if (capabilities.tools) {
    server.setRequestHandler('tools/list', (_r, x) => fwd(x, async () => ({ tools: (await pool.listTools(app)).map(forClient) as never })));
    server.setRequestHandler('tools/call', (r, x) => fwd(x, () => callTool(room, r.params, x)));
  }
  if (capabilities.resources) {
    server.setRequestHandler('resources/list', (_r, x) => fwd(x, async (signal) => ({ resources: (await pool.listResources(app, { signal })) as never })));
    server.setRequestHandler('resources/templates/list', (_r, x) =>
      fwd(x, async (signal) => ({ resourceTemplates: (await pool.listResourceTemplates(app, { signal })) as never })),
    );
    server.setRequestHandler('resources/read', (r, x) =>
      fwd(x, async (signal) => ({ contents: (await pool.readResource(app, r.params.uri, { signal })).contents as never })),
    );
  }
  if (capabilities.prompts) {
    server.setRequestHandler('prompts/list', (_r, x) => fwd(x, async (signal) => ({ prompts: (await pool.listPrompts(app, { signal })) as never })));
    server.setRequestHandler('prompts/get', (r, x) =>
      fwd(x, async (signal) => ({ ...(await pool.getPrompt(app, r.params.name, r.params.arguments ?? {}, { signal })) }) as never),
    );
  }
  if (capabilities.completions) {
    server.setRequestHandler('completion/complete', (r, x) =>
      fwd(x, async (signal) => {
        const ref =
          r.params.ref.type === 'ref/prompt'
            ? { type: 'ref/prompt' as const, name: r.params.ref.name }
            : { type: 'ref/resource' as const, uri: r.params.ref.uri };
        const c = await pool.complete(app, ref, r.params.argument, r.params.context?.arguments, { signal });
        return { completion: { values: [...c.values], ...(c.total !== undefined ? { total: c.total } : {}), hasMore: c.hasMore } };
      }),
    );
  }
  return server;
}

/**
 * One forwarded request: failures as MCP errors; while it runs, the app's log messages at the
 * level its `_meta` asks for go to it (counted with every other client's level, as
 * logging/setLevel is for a legacy session).
 */
async function forward<T>(room: AppRoom, x: ServerContext, op: (signal: AbortSignal) => Promise<T>): Promise<T> {
  room.saw(clientOf(x.mcpReq.envelope));
  const level = (x.mcpReq.envelope as Record<string, unknown> | undefined)?.[LOG_LEVEL_META_KEY];
  let tap: LogTap | undefined;
  try {
    if (typeof level === 'string' && (LOG_LEVELS as readonly string[]).includes(level)) {
      tap = {
        level: level as LogLevel,
        send: (l, logger, data) =>
          void x.mcpReq
            .notify({ method: 'notifications/message', params: { level: l, data, ...(logger !== undefined ? { logger } : {}) } })
            .catch(() => undefined),
      };
      await room.pool.setLogLevel(room.app, tap.level, { signal: x.mcpReq.signal, subscriber: tap });
      room.taps.add(tap);
    }
    return await op(x.mcpReq.signal);
  } catch (e) {
    throw e instanceof ProtocolError ? e : toMcpError(e);
  } finally {
    if (tap) {
      room.taps.delete(tap);
      void room.pool.releaseLogLevel(room.app, tap).catch(() => undefined);
    }
  }
}

type CallParams = { name: string; arguments?: Record<string, unknown>; _meta?: { progressToken?: string | number } };

/**
 * A tool call: started upstream on the client's first exchange, resumed (never sent again) by each
 * retry that carries the requestState it was given; a question of the upstream server meanwhile
 * ends the exchange with `input_required`.
 */
async function callTool(room: AppRoom, params: CallParams, x: ServerContext): Promise<CallToolResult> {
  const binding = bindingOf(params, x);
  const state = x.mcpReq.requestState<unknown>();
  let call: ModernCall<ToolResult>;
  if (typeof state === 'string') {
    const resumed = room.parked.resume(state, binding) as ModernCall<ToolResult> | undefined;
    if (!resumed)
      throw new ProtocolError(
        ProtocolErrorCode.InvalidParams,
        `Invalid or expired requestState: app "${room.app}" has no call of this client waiting for these answers (it expired, was answered already, or was made with other arguments); call the tool again without requestState`,
      );
    call = resumed;
    call.answer(x.mcpReq.inputResponses ?? {});
  } else {
    const caps = (x.mcpReq.envelope as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/clientCapabilities'] as ClientCapabilities | undefined;
    call = new ModernCall<ToolResult>(caps ?? {}, async (signal) => {
      try {
        return (await room.pool.callTool(room.app, params.name, params.arguments ?? {}, { signal, onProgress: (p) => call.progress?.(p) })).result;
      } finally {
        room.calls.delete(call);
      }
    });
    room.calls.add(call);
  }
  // this exchange's progress token and its stream: closing it cancels the call
  const token = params._meta?.progressToken;
  // progress goes out before the answer (the exchange's stream ends with it): the sends are awaited before answering
  let sent = Promise.resolve();
  call.progress =
    token === undefined
      ? undefined
      : (p) => {
          const note = x.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, ...p } }).catch(() => undefined);
          sent = sent.then(() => note);
        };
  const onAbort = () => call.cancel(new Error('the client closed the request (cancelled)'));
  if (x.mcpReq.signal.aborted) onAbort();
  x.mcpReq.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const turn = await call.next();
    await sent;
    if (turn.kind === 'done') return toolResult(turn.result);
    const requestState = room.parked.park(call, binding);
    if (requestState === undefined) {
      call.cancel(new Error('too many calls wait for their clients'));
      throw new ProtocolError(
        ProtocolErrorCode.InternalError,
        `app "${room.app}" has too many calls waiting for their clients' answers (input_required); answer or abandon those first, then call again`,
      );
    }
    const inputRequests: Record<string, { method: InputMethod; params?: unknown }> = {};
    for (const [key, q] of turn.questions) inputRequests[key] = q.params === undefined ? { method: q.method } : { method: q.method, params: q.params };
    return { resultType: 'input_required', inputRequests, requestState } as never;
  } finally {
    x.mcpReq.signal.removeEventListener('abort', onAbort);
    call.progress = undefined;
  }
}

/** What a retry must repeat to resume a call: the client's name, the tool and its arguments. */
function bindingOf(params: CallParams, x: ServerContext): string {
  const info = (x.mcpReq.envelope as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/clientInfo'] as { name?: string } | undefined;
  return JSON.stringify([info?.name ?? '', params.name, params.arguments ?? {}]);
}

function toolResult(result: ToolResult): CallToolResult {
  const out: CallToolResult = { content: result.content as CallToolResult['content'] };
  if (result.structuredContent !== undefined) out.structuredContent = result.structuredContent;
  if (result.isError) out.isError = true;
  if (result._meta !== undefined) out._meta = result._meta;
  return out;
}
