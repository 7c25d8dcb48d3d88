// What an MCP error answer means. -32001 (RequestTimeout) has two sources: the SDK's own request
// timeout, which carries `data.timeout`, and mcp-remote, which answers a request with -32001 at
// once when it cannot forward it (remote down, an HTTP error, the session gone) — without it.
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';

function isRequestTimeoutCode(e: unknown): e is McpError {
  return e instanceof McpError && e.code === (ErrorCode.RequestTimeout as number);
}

/** The SDK gave up waiting: nothing answered within the request's timeout. */
export function isOwnTimeout(e: unknown): e is McpError {
  if (!isRequestTimeoutCode(e)) return false;
  const data = e.data as { timeout?: unknown } | undefined;
  return typeof data?.timeout === 'number';
}

/** The other side (mcp-remote) answered that it could not forward the request. */
export function isUnforwarded(e: unknown): e is McpError {
  return isRequestTimeoutCode(e) && !isOwnTimeout(e);
}
