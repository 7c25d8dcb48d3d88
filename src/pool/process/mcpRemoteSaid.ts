// Why mcp-remote gave up during a start, read from its stderr: the HTTP status the remote server
// answered, in words a user can act on. mcp-remote prints it in several shapes depending on its
// protocol mode and transport strategy (0.15: `--protocol auto` reports the `server/discover`
// probe's status, legacy the first POST's, the SSE fallback its GET's); the pool's start error
// names the status instead of leaving it in a stack trace in the stderr tail, and a modern-only
// server refusing a 2025 request (-32022: a `--protocol legacy` in the app's args) by its era.
// Also: the remote's revision when mcp-remote bridges to a modern server (bridgedRevision).

/** A line of mcp-remote's that carries the remote's HTTP status, and what mcp-remote was doing. */
const STATUS_LINES: readonly RegExp[] = [
  /Version negotiation failed: the server answered the probe with HTTP (\d{3})/,
  /Non-200 status code \((\d{3})\)/,
  /Error POSTing to endpoint \(HTTP (\d{3})\)/,
  /Received error \(status (\d{3})\)/,
];
/** A modern-only server refusing a 2025 request (-32022), in the server's answer that mcp-remote prints. */
const UNSUPPORTED_VERSION = /Unsupported protocol version: ([0-9-]{10})(?:.*?"supported":\[([^\]]{1,200})\])?/;
/** The `data: { status: 500, statusText: '…' }` block of the SDK's HTTP errors, printed after the error line. */
const STATUS_FIELD = /^\s*status: (\d{3}),?\s*$/;
const STATUS_TEXT_FIELD = /^\s*statusText: '([^']{1,80})',?\s*$/;

export interface RemoteRefusal {
  readonly status: number;
  readonly statusText?: string;
  /** One sentence: what the status means here and what to do. */
  readonly advice: string;
}

/**
 * The last HTTP status mcp-remote said the remote server answered before it exited, or undefined
 * when its stderr says no such thing (then the stderr tail is all the pool has to show).
 */
export function remoteRefusal(stderr: readonly string[]): RemoteRefusal | undefined {
  for (let i = stderr.length - 1; i >= 0; i--) {
    const line = stderr[i];
    const said = STATUS_LINES.map((re) => re.exec(line)).find(Boolean) ?? STATUS_FIELD.exec(line);
    if (!said) continue;
    const status = Number(said[1]);
    if (status < 400) return undefined;
    const era = stderr
      .slice(Math.max(0, i - 4), i + 12)
      .map((l) => UNSUPPORTED_VERSION.exec(l))
      .find(Boolean);
    // the SDK prints its error's data (status, statusText) in the lines after the error line
    const statusText = stderr
      .slice(Math.max(0, i - 4), i + 12)
      .map((l) => STATUS_TEXT_FIELD.exec(l)?.[1])
      .find(Boolean);
    return { status, statusText, advice: era ? eraAdvice(era[1], era[2]) : adviceFor(status) };
  }
  return undefined;
}

/** mcp-remote spoke a revision the server does not (a `--protocol` in the app's args, as --protocol auto would have found the right one). */
function eraAdvice(asked: string, supported: string | undefined): string {
  const versions = supported ? supported.replace(/"/g, '').split(',').join(', ') : 'another revision';
  return `it does not speak MCP ${asked} (it supports ${versions}): remove "--protocol" from the app's args, so mcp-remote negotiates the revision (--protocol auto, the pool's default)`;
}

function adviceFor(status: number): string {
  if (status === 404 || status === 410) return "no MCP endpoint there: check the app's URL (the endpoint's full path, often ending in /mcp or /sse)";
  if (status === 401 || status === 403)
    return "the server refused the credentials: check the app's headers (Authorization); mcp-remote keeps its sign-ins in ~/.mcp-auth (delete this server's files there to sign in again)";
  if (status === 405 || status === 415 || status === 406) return "the URL answers HTTP but not as an MCP endpoint: check the app's URL";
  if (status === 429) return 'the server is rate limiting: wait, then call the app again';
  if (status >= 500) return 'the server itself failed: check that it is up and healthy (its own logs), then call the app again';
  return "check the app's URL and headers";
}

/** mcp-remote's stderr says a request to the remote failed before any answer ("fetch failed"). */
export function saysFetchFailed(stderr: readonly string[]): boolean {
  return stderr.some((l) => /(?:probe failed|Connection error).*fetch failed/.test(l));
}

/**
 * mcp-remote could not reach the remote at all (0.15 `--protocol auto` prints only "fetch failed",
 * the cause hidden): what it may be and what to do, for an https or http URL.
 */
export function unreachableSaid(stderr: readonly string[], url: string, cause?: string): string | undefined {
  if (!saysFetchFailed(stderr)) return undefined;
  // the resolver's own words (hostLookup.ts), when the host does not resolve
  if (cause) return `mcp-remote could not reach the remote server (fetch failed): ${cause}`;
  const tls = url.startsWith('https:')
    ? ", or its TLS certificate is not trusted (a company CA: add it with NODE_EXTRA_CA_CERTS in the editor's environment)"
    : '';
  return `mcp-remote could not reach the remote server (fetch failed): its host does not resolve or does not answer${tls}; the direct transport ("transport": "direct") names the exact cause`;
}

/** `the remote server answered HTTP 500 Internal Server Error, <consequence>; <advice>`. */
export function describeRefusal(r: RemoteRefusal, consequence?: string): string {
  return `the remote server answered HTTP ${r.status}${r.statusText ? ` ${r.statusText}` : ''}${consequence ? `, ${consequence}` : ''}; ${r.advice}`;
}

/** mcp-remote 0.15 (`--protocol auto`) says so on stderr when it bridges the pool's 2025 session to a modern remote. */
const BRIDGING = /Remote server speaks MCP (\d{4}-\d{2}-\d{2}); answering the local client's handshake here/;

/** The revision of the remote that mcp-remote bridges to (modern era), or undefined when it relays a 2025 session as is. */
export function bridgedRevision(stderr: readonly string[]): string | undefined {
  for (const line of stderr) {
    const m = BRIDGING.exec(line);
    if (m) return m[1];
  }
  return undefined;
}
