// A pool failure as the gateway's clients see it: an MCP error (code + the pool's message, which
// is already masked) for MCP clients, an HTTP status + ApiError for the CLI's API.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { PoolError, type PoolErrorCode } from '../pool';
import type { ApiError } from '../contract/protocol';

const MCP_CODE: Partial<Record<PoolErrorCode, number>> = {
  'invalid-arguments': ErrorCode.InvalidParams,
  'unknown-app': ErrorCode.InvalidParams,
  unsupported: ErrorCode.MethodNotFound,
  timeout: ErrorCode.RequestTimeout,
};

/**
 * The error a gateway client is answered with: the server's own JSON-RPC error (code, its message,
 * its data) when it answered with one; otherwise the pool's code mapped (`data.pool` says which) and
 * its message. A plain Error with `code`/`data`: the SDK answers with exactly these (an McpError
 * would prefix its message once more).
 */
export function toMcpError(e: unknown): RpcError {
  if (e instanceof McpError) return e;
  if (e instanceof PoolError) {
    if (e.rpc) return rpcError(e.rpc.code, e.reason ?? e.message, e.rpc.data);
    return rpcError(MCP_CODE[e.code] ?? ErrorCode.InternalError, e.message, { pool: e.code });
  }
  return rpcError(ErrorCode.InternalError, e instanceof Error ? e.message : String(e));
}

export type RpcError = Error & { readonly code: number; readonly data?: unknown };

function rpcError(code: number, message: string, data?: unknown): RpcError {
  return Object.assign(new Error(message), { code, ...(data !== undefined ? { data } : {}) });
}

const HTTP_STATUS: Partial<Record<PoolErrorCode, number>> = {
  'unknown-app': 404,
  'invalid-arguments': 400,
  unsupported: 400,
  timeout: 504,
  'pool-full': 503,
  backoff: 503,
  'shutting-down': 503,
  cancelled: 499,
};

export function toApiError(e: unknown): { status: number; error: ApiError } {
  if (e instanceof PoolError) return { status: HTTP_STATUS[e.code] ?? 502, error: { code: e.code, message: e.message } };
  if (e instanceof McpError) return { status: 502, error: { code: 'protocol', message: e.message } };
  return { status: 500, error: { code: 'internal', message: e instanceof Error ? e.message : String(e) } };
}
