// What an HTTP failure of a direct app means: whether the request can have reached the server
// (a failure before any connection cannot), and the failure in words for the user — naming the
// host and the status, never the path or query (which may carry secrets).
import { STATUS_CODES } from 'node:http';

/** Connection errors that happen before any byte of the request could reach the server. */
const NOT_CONNECTED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EAI_NONAME',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  // no socket could be made (out of descriptors): nothing was sent
  'EMFILE',
  'ENFILE',
]);

/** Whether a fetch failed before any byte of the request could reach the server (so it was not sent). */
export function isNotConnected(e: unknown): boolean {
  const code = errorCode(e);
  return code !== undefined && NOT_CONNECTED.has(code);
}

function errorCode(e: unknown): string | undefined {
  for (let cur = e as { code?: unknown; cause?: unknown } | undefined, i = 0; cur && i < 5; cur = cur.cause as typeof cur, i++) {
    if (typeof cur.code === 'string') return cur.code;
  }
  return undefined;
}

/** A network failure in words, naming the host (never the path or query, which may carry secrets). */
export function describeNetworkError(e: unknown, url: URL): string {
  const code = errorCode(e);
  const host = url.host;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused by ${host} (nothing listening)`;
    case 'ENOTFOUND':
    case 'EAI_NONAME':
      return `the host name ${url.hostname} could not be resolved`;
    case 'EAI_AGAIN':
      return `the host name ${url.hostname} could not be resolved (DNS not answering)`;
    case 'ENETUNREACH':
    case 'EHOSTUNREACH':
      return `${host} is unreachable from this machine`;
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `connecting to ${host} timed out`;
    case 'EMFILE':
    case 'ENFILE':
      return `too many open files: the pool's host is out of file descriptors (${code}) and could not connect to ${host}; raise the limit (ulimit -n) or stop what holds them`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `the connection to ${host} was closed by the other side`;
    default:
      if (code && (NOT_CONNECTED.has(code) || code.startsWith('CERT_') || code.includes('CERT'))) {
        return `the TLS certificate of ${host} is not trusted (${code}); add its CA with NODE_EXTRA_CA_CERTS or the editor's system certificates`;
      }
  }
  const inner = (e as { cause?: { message?: string } })?.cause?.message;
  return `${(e as Error)?.message ?? String(e)}${inner ? ` (${inner})` : ''}`;
}

/** An HTTP status in words, with what the server said (its body's first characters). */
export function describeStatus(status: number, said = ''): string {
  const words = STATUS_CODES[status];
  const text = said.replace(/\s+/g, ' ').trim().slice(0, 300);
  return `the server answered HTTP ${status}${words ? ` ${words}` : ''}${text && text.toLowerCase() !== words?.toLowerCase() ? `: ${text}` : ''}`;
}

/** What the server said with an error status (a JSON-RPC error's message, or the body's text). */
export function errorBody(text: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: { message?: unknown } | string; error_description?: unknown };
    if (typeof parsed.error === 'object' && typeof parsed.error?.message === 'string') return parsed.error.message;
    if (typeof parsed.error_description === 'string') return parsed.error_description;
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON: the text itself
  }
  return text;
}

/**
 * Statuses of a direct start that say the server (or a gateway in front of it) answered but would
 * not take MCP as the pool's HTTP client sent it: a request it found malformed, a method or media
 * type it refuses, a conflict. Not the credentials (401, 403), a rate limit (429) or the server
 * being down (5xx): another client would meet those too.
 */
const REFUSED_AS_SENT = new Set([400, 404, 405, 406, 409, 410, 412, 415, 422]);

/**
 * A direct start the server answered, but not as the pool's HTTP client speaks MCP, or whose
 * sign-in failed at the authorization server (its documents, registration or token endpoint): a
 * different client may get through, so under mcpPool.remoteTransport "auto" the app tries
 * mcp-remote (apps/autoRoute.ts). A network or TLS failure, a timeout, refused credentials, a
 * sign-in the user abandoned or the authorization server refused: not this.
 */
export class AnsweredOtherwise extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AnsweredOtherwise';
  }
}

/** The AnsweredOtherwise for a status the server refused the request with, or undefined. */
export function refusedAsSent(status: number, message: string): AnsweredOtherwise | undefined {
  return REFUSED_AS_SENT.has(status) ? new AnsweredOtherwise(message) : undefined;
}

/** Whether a failed direct start (or what it was caused by) is one mcp-remote may get past. */
export function mcpRemoteMayHandle(e: unknown): boolean {
  for (let cur = e, i = 0; cur && i < 6; cur = (cur as { cause?: unknown }).cause, i++) if (cur instanceof AnsweredOtherwise) return true;
  return false;
}
