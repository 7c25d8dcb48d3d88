// What a failed request (a tool call, a listing) turns into: one PoolError whose code says what
// happened (cancelled, timeout, unreachable, crashed, flooding, stopped, invalid-arguments,
// protocol) and whose message says it in words, with the server's last stderr lines where they explain it.
// And the words of a failed start (describeStartFailure).
import { McpError, ErrorCode } from '@modelcontextprotocol/sdk/types.js';
import type { StartError } from '../link';
import { hostLookupFailure } from '../process/hostLookup';
import { describeRefusal, remoteRefusal, saysFetchFailed, unreachableSaid } from '../process/mcpRemoteSaid';
import { type Connection, describeExit, formatSeconds } from '../session/connection';
import { PoolError } from '../errors';
import { ServerLost } from '../session/liveness';
import { isOwnTimeout, isUnforwarded, OutputSchemaMismatch, serverWords } from '../session/mcpErrors';
import type { AppSpec } from '../types';

/**
 * Why a start failed, in words (not yet redacted). When mcp-remote exited because the remote server
 * answered an HTTP error, that status and what to do come first: in `--protocol auto` mcp-remote
 * reports it as a failed version negotiation, buried in a stack trace of its stderr.
 */
export function describeStartFailure(spec: AppSpec, err: StartError, cause?: string): string {
  const viaProcess = spec.kind === 'remote' && spec.transport !== 'direct';
  const refusal = viaProcess && err.exit ? remoteRefusal(err.stderrTail ?? []) : undefined;
  if (refusal && err.exit) return describeRefusal(refusal, `so mcp-remote exited during start (${describeExit(err.exit)})`);
  const unreachable = viaProcess && err.exit && spec.kind === 'remote' ? unreachableSaid(err.stderrTail ?? [], spec.url, cause) : undefined;
  return unreachable && err.exit ? `${unreachable}; it exited during start (${describeExit(err.exit)})` : err.message;
}

/** When mcp-remote exited during start saying only "fetch failed": the resolver's reason, if the host does not resolve. */
export async function startFailureCause(spec: AppSpec, err: StartError): Promise<string | undefined> {
  if (spec.kind !== 'remote' || spec.transport === 'direct' || !err.exit || !saysFetchFailed(err.stderrTail ?? [])) return undefined;
  return hostLookupFailure(spec.url);
}

export interface FailureContext {
  readonly app: string;
  readonly redact: (text: string) => string;
  /** The app is being (or was) stopped on purpose: a dead connection is no crash. */
  readonly stopped: boolean;
  /** The request timed out on a live connection (the app then checks whether it is hung). */
  readonly onTimeout: () => void;
  /** The other side answered that it could not forward the request (mcp-remote: remote down, HTTP error, session gone). */
  readonly onUnforwarded: () => void;
}

export async function describeCallFailure(
  e: unknown,
  conn: Connection,
  what: string,
  timeoutMs: number,
  ctx: FailureContext,
  signal?: AbortSignal,
): Promise<PoolError> {
  if (e instanceof PoolError) return e;
  const { app } = ctx;
  const tail = conn.stderrTail(10);
  // The liveness check found the server gone while this call was in flight, and failed it (first
  // verdict wins: a cancel that came after it changes nothing). The app retires the connection.
  if (e instanceof ServerLost) {
    const said = ctx.redact(e.reason);
    return new PoolError(
      'unreachable',
      app,
      `${what} on app "${app}" failed: the remote server became unreachable during the call: ${said}; the next call starts a fresh connection`,
      tail,
      said,
    );
  }
  if (signal?.aborted) return new PoolError('cancelled', app, `${what} on app "${app}" was cancelled`);
  // the server is not of the era the connection speaks (a verdict remembered from before it changed): say so, not "died"
  const eraProblem = conn.eraProblem;
  if (eraProblem) return new PoolError('protocol', app, `${what} on app "${app}" failed: ${ctx.redact(eraProblem)}`, tail);
  if (isOwnTimeout(e) && !conn.isDead) {
    ctx.onTimeout();
    return new PoolError('timeout', app, `${what} on app "${app}" timed out after ${formatSeconds(timeoutMs)}`, tail);
  }
  if (isUnforwarded(e) && !conn.isDead) {
    // mcp-remote answers -32001 at once when it cannot forward a request: that is no timeout (and
    // no reason to call the proxy hung). Say what it said; the next call starts a fresh proxy.
    ctx.onUnforwarded();
    const said = ctx.redact(e.message);
    return new PoolError(
      'unreachable',
      app,
      `${what} on app "${app}" could not reach the server: ${said}; the next call starts a fresh connection`,
      tail,
      said,
    );
  }
  // the connection ended itself because the server flooded it: that is why the request failed
  const violation = conn.isDead ? conn.violation : undefined;
  if (violation) return new PoolError('flooding', app, `${what} on app "${app}" failed: the server ${violation}`, tail);
  if (conn.isDead) {
    if (ctx.stopped) return new PoolError('stopped', app, `${what} on app "${app}" ended: the app was stopped`);
    const exit = await conn.waitExit(500);
    const how = exit ? ` (${describeExit(exit)})` : '';
    // read the tail again: a dying server's last words (why it died) often arrive with its exit
    return new PoolError(
      'crashed',
      app,
      `app "${app}" died during ${what}${how}; the next call starts a fresh ${conn.pid === undefined ? 'connection' : 'process'}`,
      conn.stderrTail(10),
    );
  }
  if (e instanceof OutputSchemaMismatch) {
    const said = ctx.redact(e.detail);
    return new PoolError('protocol', app, `${what} on app "${app}" returned a result that does not match the tool's output schema: ${said}`, [], said);
  }
  const message = ctx.redact((e as Error)?.message ?? String(e));
  // the server's own error answer (code and data kept for whoever passes it on: the gateway)
  const rpc = e instanceof McpError ? { code: e.code, ...(e.data !== undefined ? { data: e.data as unknown } : {}) } : undefined;
  const said = e instanceof McpError ? ctx.redact(serverWords(e)) : undefined;
  if (rpc?.code === (ErrorCode.InvalidParams as number))
    return new PoolError('invalid-arguments', app, `the server rejected the arguments of ${what}: ${message}`, [], said, rpc);
  return new PoolError('protocol', app, `${what} on app "${app}" failed: ${message}`, tail, said, rpc);
}
