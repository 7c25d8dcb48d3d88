// A Transport to a remote MCP server over HTTP with no process in between: the SDK's Streamable
// HTTP client transport, or its legacy SSE transport for servers that only speak that (chosen as
// mcp-remote's default `http-first` does: a 404 or 405 to the first POST, once, before a session
// exists). Around the SDK's transports, what the pool needs to keep its promises:
//  - which failures provably sent nothing (NotSentError: no connection was made, or the server
//    answered that it does not know the session), so a tool call is retried only then;
//  - when the link is down (the session is gone, a request's stream broke before its answer, the
//    event stream could not be re-opened): reported once through `down`;
//  - the app's headers go only to the MCP server's origin (never to an authorization server);
//  - a bound on a request's response stream.
import { STATUS_CODES } from 'node:http';
import { SSEClientTransport, SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { UnauthorizedError } from '@modelcontextprotocol/sdk/client/auth.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { isInitializeRequest, type JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { type DirectAuth, RegisterAgain } from './directAuth';
import { NotSentError } from './link';

export type TransportStrategy = 'http-first' | 'http-only' | 'sse-only' | 'sse-first';

/** The strategy named by mcp-remote arguments (`--transport sse-only`), if any. */
export function strategyOf(args: readonly string[]): TransportStrategy | undefined {
  const i = args.indexOf('--transport');
  const value = i >= 0 ? args[i + 1] : undefined;
  return value === 'http-first' || value === 'http-only' || value === 'sse-only' || value === 'sse-first' ? value : undefined;
}

/** The fetch the transport uses: the host's (the editor's, with its proxy settings), or Node's. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface DirectTransportOptions {
  readonly url: URL;
  /** Sent with every request to the server's origin (values may be secrets: never logged). */
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: FetchLike;
  /** OAuth (the SDK's client auth asks it); without it, a 401 is an error naming what to do. */
  readonly auth?: DirectAuth;
  /** Largest response stream of one request, in bytes. */
  readonly maxResponseBytes: number;
  /**
   * Which transport, as mcp-remote's `--transport` says it: `http-first` (default: Streamable HTTP,
   * legacy SSE on a 404/405 to the first POST), `http-only`, `sse-only`, `sse-first` (SSE, then
   * Streamable HTTP if the event stream answers 404/405).
   */
  readonly strategy?: TransportStrategy;
  /** A line for the app's log (the link masks it). */
  readonly note: (line: string) => void;
  /** The link is down: called once, with the reason in words. */
  readonly down: (reason: string, violation?: string) => void;
}

/** The longest a request to an authorization server may take. */
const AUTH_REQUEST_MS = 30_000;

/** Connection errors that happen before any byte of the request could reach the server. */
const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_TLS_CERT_ALTNAME_INVALID', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED']);

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
    case 'ECONNREFUSED': return `connection refused by ${host} (nothing listening)`;
    case 'ENOTFOUND': case 'EAI_NONAME': return `the host name ${url.hostname} could not be resolved`;
    case 'EAI_AGAIN': return `the host name ${url.hostname} could not be resolved (DNS not answering)`;
    case 'ENETUNREACH': case 'EHOSTUNREACH': return `${host} is unreachable from this machine`;
    case 'UND_ERR_CONNECT_TIMEOUT': return `connecting to ${host} timed out`;
    case 'ECONNRESET': case 'UND_ERR_SOCKET': return `the connection to ${host} was closed by the other side`;
    default:
      if (code && (NOT_CONNECTED.has(code) || code.startsWith('CERT_') || code.includes('CERT'))) {
        return `the TLS certificate of ${host} is not trusted (${code}); add its CA with NODE_EXTRA_CA_CERTS or the editor's system certificates`;
      }
  }
  const inner = (e as { cause?: { message?: string } })?.cause?.message;
  return `${(e as Error)?.message ?? String(e)}${inner ? ` (${inner})` : ''}`;
}

/** An HTTP status in words, with what the server said (its body's first characters). */
function describeStatus(status: number, said = ''): string {
  const words = STATUS_CODES[status];
  const text = said.replace(/\s+/g, ' ').trim().slice(0, 300);
  return `the server answered HTTP ${status}${words ? ` ${words}` : ''}${text && text.toLowerCase() !== words?.toLowerCase() ? `: ${text}` : ''}`;
}

/** What the server said with an error status (a JSON-RPC error's message, or the body's text). */
function errorBody(text: string): string {
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

/** The id the SDK puts last in a request it serializes (`{"method":…,"jsonrpc":"2.0","id":7}`). */
const TRAILING_ID = /"id":(\d+|"(?:[^"\\]|\\.)*")\}$/;

/** The ids of the requests in a POST body (read from its end when it is one request, the common case). */
function requestIds(body: unknown): (string | number)[] {
  if (typeof body !== 'string' || !body.includes('"method"')) return [];
  if (body.startsWith('{"method"')) {
    const m = TRAILING_ID.exec(body);
    if (m) return [m[1].startsWith('"') ? (JSON.parse(m[1]) as string) : Number(m[1])];
  }
  try {
    const parsed = JSON.parse(body) as unknown;
    const messages: unknown[] = Array.isArray(parsed) ? parsed : [parsed];
    const ids: (string | number)[] = [];
    for (const m of messages) {
      const { id, method } = (m ?? {}) as { id?: unknown; method?: unknown };
      if (typeof method === 'string' && (typeof id === 'string' || typeof id === 'number')) ids.push(id);
    }
    return ids;
  } catch {
    return [];
  }
}

const NEWLINE_ID = Buffer.from('\nid:');
const ID = Buffer.from('id:');

/** Whether an SSE chunk carries an event id (a line starting with `id:`): the stream can then be resumed. */
function hasEventId(chunk: Uint8Array): boolean {
  const b = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return b.indexOf(NEWLINE_ID) !== -1 || (b.length >= 3 && b.subarray(0, 3).equals(ID));
}

export class DirectTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private inner: StreamableHTTPClientTransport | SSEClientTransport;
  private fellBack = false;
  /** Messages are handed on one per microtask turn (see wire()). */
  private delivery: Promise<void> = Promise.resolve();
  private initialized = false;
  private closed = false;
  /** Requests sent and not answered yet. */
  private readonly unanswered = new Set<string | number>();
  private readonly fetch: FetchLike;
  /** The last error status from the server's origin, and what it said (for the start's error). */
  private lastStatus?: { status: number; said: string };
  /** Failed attempts in a row to re-open the event stream (GET). */
  private streamFailures = 0;

  /** The app sets its own Authorization header (it wins over OAuth tokens). */
  private readonly ownAuthorization: boolean;

  constructor(private readonly opts: DirectTransportOptions) {
    this.ownAuthorization = Object.keys(opts.headers).some((k) => k.toLowerCase() === 'authorization');
    this.fetch = (url, init) => this.send0(url, init);
    this.inner = new StreamableHTTPClientTransport(opts.url, { fetch: this.fetch, authProvider: opts.auth });
  }

  /** Which of the SDK's transports carries the session. */
  get kind(): 'streamable-http' | 'sse' {
    return this.fellBack ? 'sse' : 'streamable-http';
  }

  get sessionId(): string | undefined {
    return this.inner instanceof StreamableHTTPClientTransport ? this.inner.sessionId : undefined;
  }

  setProtocolVersion(version: string): void {
    this.inner.setProtocolVersion?.(version);
  }

  async start(): Promise<void> {
    this.wire(this.inner);
    await this.inner.start();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (this.closed) throw new NotSentError('the connection is closed');
    const id = 'method' in message && 'id' in message ? message.id : undefined;
    if (id !== undefined) this.unanswered.add(id);
    // a cancelled request (the caller gave up, or its timeout) gets no answer, and its stream may end without one
    else if ('method' in message && message.method === 'notifications/cancelled') {
      const cancelled = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof cancelled === 'string' || typeof cancelled === 'number') this.unanswered.delete(cancelled);
    }
    try {
      // (the SDK's type guards validate with zod: a cheap look at the method first)
      if (!this.initialized && 'method' in message && message.method === 'initialize' && isInitializeRequest(message)) {
        await this.sendInitialize(message, options);
        this.initialized = true;
        return;
      }
      await this.sendAuthorized(message, options);
    } catch (e) {
      if (id !== undefined) this.unanswered.delete(id);
      // only this request's own 401 proves it was not processed
      if (e instanceof UnauthorizedError || (e instanceof StreamableHTTPError && e.code === 401 && this.opts.auth)) {
        // the sign-in stopped working (revoked, refresh refused): nothing was processed; a fresh
        // session starts, and that start asks the user
        const words = 'the server no longer accepts the sign-in (HTTP 401): the next start signs in again';
        this.opts.down(words);
        throw new NotSentError(words);
      }
      throw e;
    }
  }

  /**
   * A request of the session. The SDK refreshes the token on a 401 and sends again, but a request
   * that meets a 401 while another one is refreshing is failed by it ("401 after successful
   * authentication"): a 401 was never processed, so it is sent once more, with the new token.
   */
  private async sendAuthorized(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    try {
      await (this.inner as Transport).send(message, options);
    } catch (e) {
      if (!this.opts.auth || !(e instanceof StreamableHTTPError) || e.code !== 401) throw e;
      await (this.inner as Transport).send(message, options);
    }
  }

  /** Ends the session on the server (HTTP DELETE; a server may refuse with 405). SSE sessions end with their stream. */
  async terminateSession(): Promise<void> {
    if (this.inner instanceof StreamableHTTPClientTransport) await this.inner.terminateSession();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.opts.auth?.settle();
    await this.inner.close();
  }

  private wire(t: Transport): void {
    // The SDK's Protocol handles a notification (progress) a microtask after it arrives and a
    // response at once: messages that arrive in one burst (legacy SSE delivers a whole chunk of
    // events synchronously) would have the answer end the request before its progress is seen.
    // Handing them on one per turn keeps the server's order.
    t.onmessage = (m) => {
      // an answer (the SDK has validated the message): a cheap structural look, not its zod guards
      if (!('method' in m) && 'id' in m && m.id !== undefined && m.id !== null) this.unanswered.delete(m.id);
      this.delivery = this.delivery.then(() => this.onmessage?.(m)).catch((e: unknown) => this.onerror?.(e instanceof Error ? e : new Error(String(e))));
    };
    t.onerror = (e) => this.innerError(e);
    t.onclose = () => this.onclose?.();
  }

  private innerError(e: Error): void {
    this.onerror?.(e);
    // SSE (legacy): the event stream carries every answer; once it breaks, the session is gone.
    // (the EventSource would reconnect by itself, into a new session the server never initialized)
    if (this.initialized && !this.closed && this.fellBack && e instanceof SseError) this.opts.down("the server's event stream ended");
  }

  /** The first request: on Streamable HTTP and/or legacy SSE, as the strategy says (default: HTTP, then SSE on a 404/405, once). */
  private async sendInitialize(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const auth = this.opts.auth;
    if (auth) auth.interactive = true;
    const strategy = this.opts.strategy ?? 'http-first';
    const viaHttp = () => this.signingIn(() => (this.inner as Transport).send(message, options));
    const viaSse = async () => {
      this.fellBack = true;
      // a started SSE transport cannot start again (after a sign-in): a fresh one each time
      await this.signingIn(() => this.startSse());
      await this.signingIn(() => (this.inner as Transport).send(message, options));
    };
    const wrongEnd = (e: unknown) => (e instanceof StreamableHTTPError || e instanceof SseError) && (e.code === 404 || e.code === 405);
    try {
      if (strategy === 'sse-only') return await viaSse().catch((e: unknown) => Promise.reject(this.startFailure(e)));
      if (strategy === 'sse-first') {
        try {
          return await viaSse();
        } catch (e) {
          if (!wrongEnd(e)) throw this.startFailure(e);
          this.opts.note(`[http] the server answered ${(e as SseError).code} to the legacy SSE stream; trying Streamable HTTP`);
          await this.useHttp();
          this.fellBack = false;
          return await viaHttp().catch((e2: unknown) => Promise.reject(this.startFailure(e2)));
        }
      }
      try {
        await viaHttp();
        return;
      } catch (e) {
        if (strategy === 'http-only' || !wrongEnd(e)) throw this.startFailure(e);
        const first = this.startFailure(e).message;
        this.opts.note(`[http] the server answered ${(e as StreamableHTTPError).code} to a Streamable HTTP initialize; trying the legacy SSE transport`);
        try {
          await viaSse();
        } catch (e2) {
          const again = this.startFailure(e2);
          throw new Error(`neither Streamable HTTP (${first}) nor legacy SSE (${again.message}) works at this URL; is it the server's MCP endpoint?`, { cause: e2 });
        }
      }
    } finally {
      auth?.settle();
    }
  }

  /** Back to a fresh Streamable HTTP transport (after SSE was tried first). */
  private async useHttp(): Promise<void> {
    const old = this.inner;
    old.onclose = old.onerror = old.onmessage = undefined;
    await old.close().catch(() => undefined);
    const http = new StreamableHTTPClientTransport(this.opts.url, { fetch: this.fetch, authProvider: this.opts.auth });
    this.inner = http;
    this.wire(http);
    await http.start();
  }

  private async startSse(): Promise<void> {
    const old = this.inner;
    old.onclose = old.onerror = old.onmessage = undefined;
    await old.close().catch(() => undefined);
    const sse = new SSEClientTransport(this.opts.url, { fetch: this.fetch, authProvider: this.opts.auth });
    this.inner = sse;
    this.wire(sse);
    await sse.start();
  }

  /**
   * Runs `step`; if the server wants a sign-in the SDK has sent the user to the browser (the
   * provider reported the URL): waits for the code on the loopback, lets the SDK exchange it, and
   * runs `step` again, once.
   */
  private async signingIn(step: () => Promise<void>): Promise<void> {
    this.lastStatus = undefined;
    try {
      await step();
    } catch (e) {
      const auth = this.opts.auth;
      if (e instanceof RegisterAgain) return this.signingIn(step);
      if (!(e instanceof UnauthorizedError) || !auth) throw e;
      const joined = auth.takeJoined();
      if (joined) {
        // another app with the same server signed in meanwhile: the stored tokens are ours too
        await joined;
      } else {
        try {
          const code = await auth.nextCode();
          await this.inner.finishAuth(code);
        } finally {
          auth.signedIn();
        }
        this.opts.note('[auth] signed in');
      }
      this.lastStatus = undefined;
      await step();
    }
  }

  private startFailure(e: unknown): Error {
    // at the start nothing else was sent either: the reason is all there is to say
    if (e instanceof NotSentError) return new Error(e.reason);
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'number' && code > 0) {
      const said = this.lastStatus?.status === code ? this.lastStatus.said : '';
      if (code === 401 && !this.opts.auth) {
        return new Error(`${describeStatus(code, said)}. Give the app an Authorization header (its value stored with "MCP Pool: Store Secret…"), or use "transport": "mcp-remote" to sign in in the browser`);
      }
      return new Error(describeStatus(code, said));
    }
    const message = e instanceof Error ? e.message : String(e);
    if (this.lastStatus?.status === 401 && this.opts.auth && !(e instanceof UnauthorizedError)) {
      // the server wants a sign-in and the SDK's OAuth (discovery, registration, token) failed
      return new Error(`${describeStatus(401, this.lastStatus.said)}, and signing in with OAuth failed (${message}). If the server takes a token instead, give the app an Authorization header (its value stored with "MCP Pool: Store Secret…")`, { cause: e });
    }
    return e instanceof Error ? e : new Error(message);
  }

  /** Every HTTP request of the session passes here (the SDK's transports call it as their fetch). */
  private async send0(url: string | URL, init: RequestInit = {}): Promise<Response> {
    const target = url instanceof URL ? url : new URL(url);
    const sameOrigin = target.origin === this.opts.url.origin;
    // the SDK builds a fresh Headers for each request: added to in place
    const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    // the app's headers win over what the SDK set (a configured Authorization over an OAuth token), as with mcp-remote
    if (sameOrigin) for (const [k, v] of Object.entries(this.opts.headers)) headers.set(k, v);
    const method = (init.method ?? 'GET').toUpperCase();
    // requests to an authorization server (discovery, registration, tokens) get no signal of the
    // session's: bounded here, so a stalled one cannot hold a start (or a shared refresh) for minutes
    if (!sameOrigin) init = { ...init, signal: init.signal ? AbortSignal.any([init.signal, AbortSignal.timeout(AUTH_REQUEST_MS)]) : AbortSignal.timeout(AUTH_REQUEST_MS) };
    let response: Response;
    const refresh = this.opts.auth && init.body instanceof URLSearchParams && init.body.get('grant_type') === 'refresh_token' ? init.body.get('refresh_token') : null;
    try {
      response = refresh ? await this.opts.auth!.refreshOnce(refresh, () => this.opts.fetch(url, { ...init, headers })) : await this.opts.fetch(url, { ...init, headers });
    } catch (e) {
      if ((e as Error)?.name === 'AbortError') throw e;
      const code = errorCode(e);
      const words = describeNetworkError(e, target);
      if (code && NOT_CONNECTED.has(code)) {
        if (sameOrigin && this.initialized) this.opts.down(words);
        throw new NotSentError(words);
      }
      if (sameOrigin && this.initialized && method === 'POST') this.opts.down(words);
      if (sameOrigin && method === 'GET' && this.initialized && !this.fellBack) this.streamOpened(false);
      throw new Error(words, { cause: e });
    }
    if (!sameOrigin) return response;
    if (response.status === 401 && this.opts.auth) {
      // Sent with a token that another request has meanwhile refreshed: not processed, so sent
      // again with the new one (the SDK would refresh once more, spending the new refresh token).
      const sent = headers.get('authorization');
      const current = await this.opts.auth.accessToken();
      if (current && sent && sent !== `Bearer ${current}` && typeof init.body !== 'object' && !this.ownAuthorization) {
        await response.body?.cancel().catch(() => undefined);
        headers.set('authorization', `Bearer ${current}`);
        response = await this.opts.fetch(url, { ...init, headers });
      }
      // the SDK's auth runs next and may send the user to the browser (only while starting):
      // the loopback must listen before it builds the redirect
      if (response.status === 401 && this.opts.auth.interactive) await this.opts.auth.prepare();
    }
    if (!response.ok && !(method === 'GET' && response.status === 405)) {
      this.lastStatus = { status: response.status, said: errorBody(await response.clone().text().catch(() => '')) };
    }
    if (method === 'GET' && this.initialized && !this.fellBack) this.streamOpened(response.ok || response.status === 405);
    const hadSession = headers.has('mcp-session-id');
    if (response.status === 404 && hadSession && method !== 'DELETE') {
      // The server does not know the session (it restarted, or expired it): nothing was processed.
      await response.body?.cancel().catch(() => undefined);
      const words = 'the server no longer knows the session (HTTP 404): it restarted or ended it';
      this.opts.down(words);
      throw new NotSentError(words);
    }
    if (method === 'POST' && response.ok && response.body && response.status !== 202) {
      const type = response.headers.get('content-type') ?? '';
      if (/^text\/event-stream/i.test(type)) {
        const ids = requestIds(init.body);
        if (ids.length) return this.watched(response, ids);
      }
      // a plain JSON answer: bounded in size too (nothing to resume, nothing else to watch)
      if (/^application\/json/i.test(type)) return this.watched(response, []);
    }
    return response;
  }

  /**
   * The event stream (GET) was (re-)opened, or not. The SDK tries twice more after a break, then
   * gives up silently: the server's notifications would be lost from then on, so two failures in a
   * row mean the link is down (a fresh session gets a fresh stream).
   */
  private streamOpened(ok: boolean): void {
    this.streamFailures = ok ? 0 : this.streamFailures + 1;
    if (this.streamFailures >= 2) this.opts.down('the server\'s event stream was lost and could not be re-opened');
  }

  /**
   * A request's response stream, watched: if it breaks or ends before the request was answered
   * and the server gave no event ids (so the SDK cannot resume it), the request would wait
   * forever; the link is down instead, which fails it at once. Past `maxResponseBytes`, the same.
   */
  private watched(response: Response, ids: (string | number)[]): Response {
    let bytes = 0;
    let resumable = false;
    const max = this.opts.maxResponseBytes;
    const unanswered = () => !this.closed && !resumable && ids.some((id) => this.unanswered.has(id));
    // the SDK parses what it read a few microtasks later: look again once they have run
    const check = (how: string) => unanswered() && setImmediate(() => unanswered() && this.opts.down(how));
    // One pull-through layer over the body (cheaper than a TransformStream and its pipe).
    const source = response.body!.getReader();
    const body = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          let chunk: { done: boolean; value?: Uint8Array };
          try {
            chunk = (await source.read()) as { done: boolean; value?: Uint8Array };
          } catch (e) {
            // a broken source (the connection reset): the SDK's reader sees the error, we act on it
            controller.error(e);
            check(`the connection broke during a request: ${describeNetworkError(e, this.opts.url)}`);
            return;
          }
          const value = chunk.value;
          if (chunk.done || !value) {
            controller.close();
            check("the server ended a request's stream without answering it");
            return;
          }
          bytes += value.byteLength;
          if (bytes > max) {
            const mb = Math.round(max / 1048576);
            this.opts.down(`the server sent more than ${mb} MB in answer to one request`, `sent more than ${mb} MB in answer to one request; the connection was closed`);
            controller.error(new Error(`response larger than ${mb} MB`));
            void source.cancel().catch(() => undefined);
            return;
          }
          if (!resumable && hasEventId(value)) resumable = true;
          controller.enqueue(value);
        },
        cancel: (reason) => source.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  }
}
