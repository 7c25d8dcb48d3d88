// What the direct transport reads off HTTP without state of its own: which transport mcp-remote's
// arguments name, the status an SDK error carries, what a request body is (a listen, a JSON-RPC
// message), what a 401's challenge says (and the same challenge widened for a step-up), and a
// server's string made safe to print.
import { SdkHttpError, SseError } from '@modelcontextprotocol/client';
import { TRANSPORT_STRATEGIES, type TransportStrategy } from '../types';

export const EVENT_STREAM = /^text\/event-stream/i;
export const JSON_TYPE = /^application\/json/i;

/** The strategy named by mcp-remote arguments (`--transport sse-only`), if any. */
export function strategyOf(args: readonly string[]): TransportStrategy | undefined {
  const i = args.indexOf('--transport');
  const value = i >= 0 ? args[i + 1] : undefined;
  return (TRANSPORT_STRATEGIES as readonly (string | undefined)[]).includes(value) ? (value as TransportStrategy) : undefined;
}

/** The HTTP status an error of the SDK's transports carries (a DOMException's `code` is no status: 23 is a timeout). */
export function statusOf(e: unknown): number | undefined {
  const code = e instanceof SdkHttpError ? e.status : e instanceof SseError ? e.code : undefined;
  return typeof code === 'number' && code >= 100 && code <= 599 ? code : undefined;
}

/** A POST body that opens the 2026 era's notification stream. */
export function isListen(body: unknown): boolean {
  return typeof body === 'string' && body.includes('"method":"subscriptions/listen"');
}

/** A POST body that is a JSON-RPC message (or a batch): the session's, not OAuth's. */
export function isJsonRpc(body: unknown): boolean {
  return typeof body === 'string' && body.includes('"jsonrpc"') && (body.startsWith('{') || body.startsWith('['));
}

/** The protected-resource metadata's URL a 401's WWW-Authenticate names (RFC 9728), if any. */
export function resourceMetadataOf(header: string | null, base: URL): string | undefined {
  const m = header ? /resource_metadata="([^"]*)"/i.exec(header) : null;
  if (!m) return undefined;
  try {
    return new URL(m[1], base).href;
  } catch {
    return undefined;
  }
}

/** A 401 whose challenge also names `scope` (merged with the scope it asked for, if any). */
export function withChallengeScope(response: Response, scope: string): Response {
  const header = response.headers.get('www-authenticate') ?? 'Bearer';
  const asked = /scope="([^"]*)"/i.exec(header)?.[1];
  const union = [...new Set([...(asked?.split(' ') ?? []), ...scope.split(' ')].filter(Boolean))].join(' ');
  const headers = new Headers(response.headers);
  const added = header.includes('=') ? `${header}, scope="${union}"` : `${header} scope="${union}"`;
  headers.set('www-authenticate', asked === undefined ? added : header.replace(/scope="[^"]*"/i, `scope="${union}"`));
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** A server's string, short and printable, for a message. */
export function clip(text: string): string {
  const plain = text.replace(/[^\x20-\x7e]/g, '?');
  return plain.length > 60 ? `${plain.slice(0, 60)}…` : plain;
}
