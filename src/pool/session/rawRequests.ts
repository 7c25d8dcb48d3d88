// Requests written on a connection's transport as they are, and their answers read back as they
// are, past the SDK v2 Client: the "raw dispatch" that @modelcontextprotocol/ext-tasks asks its host
// for on a 2026-07-28 connection (RawClientDispatch), because the Client's codec refuses a result
// of `resultType: "task"` (UnsupportedResultType) and frames every request's _meta itself. Same
// pattern as the liveness probe through a proxy (proxyProbe.ts): string ids of our own, the answer
// taken off the stream before the Client sees it. The caller frames the request (_meta envelope);
// over HTTP the SDK's transport derives Mcp-Method / Mcp-Name from that body.
//
// An answer is awaited until it comes, `timeoutMs` passes or the connection ends — not until the
// caller's signal aborts: the extension's session stops waiting by itself and still reads a late
// answer (a task created after the call was cancelled is then cancelled on the server).
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

const ID_PREFIX = 'pool-raw-';

/** What ext-tasks's port takes back (its JsonRpcResponse). */
export type RawResponse =
  { readonly kind: 'result'; readonly result: unknown } | { readonly kind: 'error'; readonly error: { code: number; message: string; data?: unknown } };

export class RawRequests {
  private seq = 0;
  private closed = false;
  private readonly waiting = new Map<string, { resolve: (r: RawResponse) => void; reject: (e: unknown) => void; timer: NodeJS.Timeout }>();

  /** Takes the answers to its own requests off `transport` (install after every other onmessage wrapper). */
  constructor(private readonly transport: Transport) {
    const deliver = transport.onmessage;
    transport.onmessage = (message, extra) => {
      if (this.take(message)) return;
      deliver?.(message, extra);
    };
  }

  /** Sends `{method, params}` with an id of its own; resolves with the answer (result or error), rejects on timeout or a closed connection. */
  send(request: { method: string; params?: unknown }, timeoutMs: number): Promise<RawResponse> {
    if (this.closed) return Promise.reject(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'));
    const id = `${ID_PREFIX}${++this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.settle(id)?.reject(new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: timeoutMs })), timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      this.transport
        .send({ jsonrpc: '2.0', id, method: request.method, ...(request.params !== undefined ? { params: request.params } : {}) } as JSONRPCMessage)
        .catch((e: unknown) => {
          this.settle(id)?.reject(new McpError(ErrorCode.ConnectionClosed, `${request.method} could not be sent: ${(e as Error).message}`));
        });
    });
  }

  /** An inbound message: true when it answered one of ours (and must not reach the Client). */
  private take(message: JSONRPCMessage): boolean {
    if (!('id' in message) || 'method' in message || typeof message.id !== 'string' || !message.id.startsWith(ID_PREFIX)) return false;
    const waiter = this.settle(message.id);
    if (!waiter) return true; // late (timed out): ours all the same
    if ('error' in message) waiter.resolve({ kind: 'error', error: { ...message.error } });
    else waiter.resolve({ kind: 'result', result: message.result });
    return true;
  }

  /** The connection ends: every request still open fails as closed, and no new one is sent. */
  dispose(): void {
    this.closed = true;
    for (const id of [...this.waiting.keys()]) this.settle(id)?.reject(new McpError(ErrorCode.ConnectionClosed, 'Connection closed'));
  }

  private settle(id: string) {
    const waiter = this.waiting.get(id);
    if (!waiter) return undefined;
    this.waiting.delete(id);
    clearTimeout(waiter.timer);
    return waiter;
  }
}
