// The liveness question for a link whose other end is a proxy (mcp-remote): `server/discover`,
// sent on the 2025 connection the pool holds with the proxy. mcp-remote --protocol auto answers
// `ping` itself, so a ping there says nothing about the remote; it forwards server/discover to it
// (verified against mcp-remote 0.15.1 and a modern server: frozen remote → no answer, dead remote
// → "-32001 mcp-remote: fetch failed"; in legacy mode a 2025 remote answers "method not found",
// which is an answer too). SDK v2's Client refuses to send server/discover on a 2025-era
// connection (METHOD_NOT_SUPPORTED_BY_PROTOCOL_VERSION), so this one request is written on the
// transport directly, with string ids of its own, and its answer taken off the stream before the
// Client sees it (mcpSession.ts connect()).
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

const ID_PREFIX = 'pool-liveness-';

export class ProxyProbe {
  private seq = 0;
  private readonly waiting = new Map<string, { resolve: (v: unknown) => void; reject: (e: unknown) => void; timer: NodeJS.Timeout }>();

  constructor(private readonly transport: Transport) {}

  /** Asks once: resolves with the answer, rejects with the error the other side sent, or the pool's own timeout (as the SDK words it: mcpErrors.ts isOwnTimeout). */
  ask(timeoutMs: number): Promise<unknown> {
    const id = `${ID_PREFIX}${++this.seq}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: timeoutMs }));
        // best effort: the proxy may pass the cancel on
        void this.transport
          .send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: id, reason: 'liveness check timed out' } })
          .catch(() => undefined);
      }, timeoutMs);
      this.waiting.set(id, { resolve, reject, timer });
      this.transport.send({ jsonrpc: '2.0', id, method: 'server/discover', params: {} }).catch((e: unknown) => {
        this.settle(id)?.reject(new McpError(ErrorCode.ConnectionClosed, `the liveness check could not be sent: ${(e as Error).message}`));
      });
    });
  }

  /** An inbound message: true when it answered one of ours (and must not reach the Client). */
  take(message: JSONRPCMessage): boolean {
    if (!('id' in message) || 'method' in message || typeof message.id !== 'string' || !message.id.startsWith(ID_PREFIX)) return false;
    const waiter = this.settle(message.id);
    if (!waiter) return true; // late (timed out): ours all the same
    if ('error' in message) waiter.reject(new McpError(message.error.code, message.error.message, message.error.data));
    else waiter.resolve(message.result);
    return true;
  }

  /** The connection ends: every question still open fails as closed. */
  dispose(): void {
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
