// What a modern (2026-07-28) gateway client's request is answered with: an SDK v2 `Server` built
// for that one request (createMcpHandler builds one per exchange), under the app's name with what
// the pooled server declared at its last start, each request forwarded to the pool. The request's
// own `_meta` says everything a session used to (protocol version, client capabilities, log level):
// nothing is remembered between requests but the requests waiting for their client's answers
// (tools/call, prompts/get, resources/read: resumable.ts, inputRequired.ts). `server/discover` is answered by the SDK from these capabilities alone, so a
// probe never starts a stopped app whose capabilities the pool knows.
import { type CallToolResult, LOG_LEVEL_META_KEY, ProtocolError, Server, type ServerContext } from '@modelcontextprotocol/server';
import { LOG_LEVELS, type AppSnapshot, type LogLevel, type Pool, type ToolResult } from '../../pool';
import { capabilitiesOf, forClient } from '../clientSession';
import { toMcpError } from '../poolErrors';
import type { GatewayClient } from '../gateway';
import type { ModernCall, ParkedCalls } from './inputRequired';
import { clientOf } from './modernClients';
import { resumable } from './resumable';

/** What the requests of one app share: the pool, the calls in flight and parked, the log taps. */
export interface AppRoom {
  readonly pool: Pool;
  readonly app: string;
  /** Modern requests that may ask their client (tool calls, prompts, reads) running upstream, parked ones included: who server→client requests may belong to. */
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
    server.setRequestHandler('tools/call', (r, x) =>
      fwd(x, () =>
        resumable(
          room,
          x,
          { method: 'tools/call', name: r.params.name, args: r.params.arguments, progressToken: r.params._meta?.progressToken },
          async (signal, onProgress) => (await pool.callTool(app, r.params.name, r.params.arguments ?? {}, { signal, onProgress })).result,
          toolResult,
        ),
      ),
    );
  }
  if (capabilities.resources) {
    server.setRequestHandler('resources/list', (_r, x) => fwd(x, async (signal) => ({ resources: (await pool.listResources(app, { signal })) as never })));
    server.setRequestHandler('resources/templates/list', (_r, x) =>
      fwd(x, async (signal) => ({ resourceTemplates: (await pool.listResourceTemplates(app, { signal })) as never })),
    );
    server.setRequestHandler('resources/read', (r, x) =>
      fwd(x, () =>
        resumable(
          room,
          x,
          { method: 'resources/read', name: r.params.uri },
          (signal) => pool.readResource(app, r.params.uri, { signal }),
          (read) => ({ contents: read.contents as never }),
        ),
      ),
    );
  }
  if (capabilities.prompts) {
    server.setRequestHandler('prompts/list', (_r, x) => fwd(x, async (signal) => ({ prompts: (await pool.listPrompts(app, { signal })) as never })));
    server.setRequestHandler('prompts/get', (r, x) =>
      fwd(x, () =>
        resumable(
          room,
          x,
          { method: 'prompts/get', name: r.params.name, args: r.params.arguments },
          (signal) => pool.getPrompt(app, r.params.name, r.params.arguments ?? {}, { signal }),
          (prompt) => ({ ...prompt }) as never,
        ),
      ),
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

function toolResult(result: ToolResult): CallToolResult {
  const out: CallToolResult = { content: result.content as CallToolResult['content'] };
  if (result.structuredContent !== undefined) out.structuredContent = result.structuredContent;
  if (result.isError) out.isError = true;
  if (result._meta !== undefined) out._meta = result._meta;
  return out;
}
