// A Transport to a remote MCP server over HTTP with no process in between: the SDK's Streamable
// HTTP client transport, or its legacy SSE transport for servers that only speak that (chosen as
// mcp-remote's default `http-first` does: a 404 or 405 to the first POST, once, before a session
// exists). Around the SDK's transports, what the pool needs to keep its promises:
//  - which failures provably sent nothing (NotSentError: no connection was made, or the server
//    answered that it does not know the session), so a tool call is retried only then;
//  - when the link is down (the session is gone, a request's stream broke before its answer, the
//    event stream could not be re-opened): reported once through `down`;
//  - the app's headers go only to the MCP server's origin (never to an authorization server);
//  - a bound on everything read from the server and its authorization server (boundedBody.ts): a
//    request's response stream, the size of one event of the background event stream, the start
//    of an error's body, each OAuth document (size and deadline); and the flood budget the stdio
//    side applies (SendBudget): unsolicited messages and the background stream's bytes. A server
//    past a bound is stopped as flooding, with what it sent and the limit.
import {
  type JSONRPCMessage,
  SSEClientTransport,
  RegistrationRejectedError,
  SdkError,
  SdkErrorCode,
  SseError,
  StreamableHTTPClientTransport,
  type Transport,
  type TransportSendOptions,
  UnauthorizedError,
} from '@modelcontextprotocol/client';
import type { TransportStrategy } from '../types';
import { type DirectAuth, RegisterAgain } from './directAuth';
import { AnsweredOtherwise, describeNetworkError, describeStatus, errorBody, isNotConnected, refusedAsSent } from './httpFailure';
import { NotSentError } from '../link';
import { type BudgetBreach, describeBreach, SendBudget, type UnsolicitedKind } from '../sendBudget';
import { checkedResponse, EventSizes, readStart, withText } from './boundedBody';
import { authDocument, AuthRequests } from './authRequests';
import { StreamOpens } from './streamOpens';
import { clip, EVENT_STREAM, isJsonRpc, isListen, JSON_TYPE, resourceMetadataOf, statusOf, withChallengeScope } from './httpWire';
import { RequestSignals, requestIds, type ResponseWatch, watchEventStream, watchJsonResponse } from './responseWatch';

export { strategyOf } from './httpWire';
export { STREAM_OPENS_MAX, STREAM_OPENS_MS } from './streamOpens';

/** The fetch the transport uses: the host's (the editor's, with its proxy settings), or Node's. */
export type FetchLike = (url: string | URL, init?: RequestInit) => Promise<Response>;

export interface DirectTransportOptions {
  readonly url: URL;
  /** Sent with every request to the server's origin (values may be secrets: never logged). */
  readonly headers: Readonly<Record<string, string>>;
  readonly fetch: FetchLike;
  /** OAuth (the SDK's client auth asks it); without it, a 401 is an error naming what to do. */
  readonly auth?: DirectAuth;
  /** Largest response stream of one request, and largest event of the background event stream, in bytes (the app's maxMessageBytes). */
  readonly maxResponseBytes: number;
  /** The longest a request to an authorization server (and its answer) may take (default AUTH_REQUEST_MS). */
  readonly authRequestMs?: number;
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

/** The longest the background event stream is read (and its messages handed on) before the event loop gets a turn. */
const SLICE_MS = 8;
export class DirectTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private inner: StreamableHTTPClientTransport | SSEClientTransport;
  /** Messages are handed on one per microtask turn (see wire()). */
  private delivery: Promise<void> = Promise.resolve();
  /** When the event loop last had a turn while messages were handed on (see turn()). */
  private slice = 0;
  /** Messages waiting in `delivery`, or handed on less than a turn ago. */
  private queued = 0;
  private initialized = false;
  private closed = false;
  /** The transport the start settled on (later first requests do not choose again). */
  private chosen?: 'streamable-http' | 'sse';
  /** Requests sent and not answered yet. */
  private readonly unanswered = new Set<string | number>();
  private readonly fetch: FetchLike;
  /** The last error status from the server's origin, and what it said (for the start's error). */
  private lastStatus?: { status: number; said: string };
  /** The signals the session's requests are sent with (not the SDK's one for all). */
  private readonly signals = new RequestSignals();
  /** When the event stream (GET) was opened, within the last STREAM_OPENS_MS. */
  private readonly streamOpens = new StreamOpens();
  /** The protected-resource metadata a 401 of the server named (WWW-Authenticate's resource_metadata). */
  private resourceMetadata?: string;
  /** What the server may send that nobody asked for (the stdio side's budget and words). */
  private readonly budget = new SendBudget();
  /** Why the transport ended the link itself (the server flooded it); nothing more is sent or handed on. */
  private flooded?: string;
  /** An OAuth document went past its bound: the sign-in fails with it (the SDK would fall back to another discovery). */
  /** The OAuth requests (discovery, registration, tokens) of this start. */
  private readonly authRequests: AuthRequests;

  /** The app sets its own Authorization header (it wins over OAuth tokens). */
  private readonly ownAuthorization: boolean;
  /** The app's headers, as [name, value] pairs. */
  private readonly appHeaders: readonly [string, string][];

  constructor(private readonly opts: DirectTransportOptions) {
    this.appHeaders = Object.entries(opts.headers);
    this.ownAuthorization = this.appHeaders.some(([k]) => k.toLowerCase() === 'authorization');
    this.fetch = (url, init) => this.send0(url, init);
    this.authRequests = new AuthRequests({ fetch: opts.fetch, auth: opts.auth, requestMs: opts.authRequestMs });
    this.inner = this.streamable();
  }

  private streamable(): StreamableHTTPClientTransport {
    return new StreamableHTTPClientTransport(this.opts.url, { fetch: this.fetch, authProvider: this.opts.auth });
  }

  /** Streamable HTTP opens one request per message (closing it is the 2026 era's cancellation); legacy SSE does not. */
  get hasPerRequestStream(): boolean {
    return this.kind === 'streamable-http';
  }

  /** Which of the SDK's transports carries the session. */
  get kind(): 'streamable-http' | 'sse' {
    return this.inner instanceof SSEClientTransport ? 'sse' : 'streamable-http';
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
    if (id !== undefined) {
      this.unanswered.add(id);
      // 2026 era: the client closes a request's stream to cancel it (no notifications/cancelled)
      const stop = options?.requestSignal;
      if (stop) {
        if (stop.aborted) this.unanswered.delete(id);
        else stop.addEventListener('abort', () => this.unanswered.delete(id), { once: true });
      }
    }
    // a cancelled request (the caller gave up, or its timeout) gets no answer, and its stream may end without one
    else if ('method' in message && message.method === 'notifications/cancelled') {
      const cancelled = (message.params as { requestId?: unknown } | undefined)?.requestId;
      if (typeof cancelled === 'string' || typeof cancelled === 'number') this.unanswered.delete(cancelled);
    }
    try {
      // The start: the 2025 handshake (`initialize`), or in the 2026 era the first request (the
      // version probe `server/discover`, or with a remembered verdict the first real request):
      // where a sign-in happens and Streamable HTTP or legacy SSE is chosen.
      const method = 'method' in message ? message.method : undefined;
      if (method === 'initialize' || (!this.initialized && id !== undefined)) {
        await this.sendFirst(message, options, method === 'initialize');
        this.chosen = this.kind;
        this.initialized = true;
        return;
      }
      await (this.opts.auth ? this.sendAuthorized(message, options) : this.post(message, options));
    } catch (e) {
      if (id !== undefined) this.unanswered.delete(id);
      // only this request's own 401 proves it was not processed
      if (e instanceof UnauthorizedError || (statusOf(e) === 401 && this.opts.auth)) {
        // the sign-in stopped working (revoked, refresh refused): nothing was processed; a fresh
        // session starts, and that start asks the user
        const words = this.opts.auth?.stepUpScope
          ? 'the server asks for more permission than the sign-in gave (HTTP 403 insufficient_scope): the next start signs in again for it'
          : 'the server no longer accepts the sign-in (HTTP 401): the next start signs in again';
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
      await this.post(message, options);
    } catch (e) {
      if (!this.opts.auth || statusOf(e) !== 401) throw e;
      await this.post(message, options);
    }
  }

  /** A message, on whichever of the SDK's transports carries the session. */
  private post(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    return (this.inner as Transport).send(message, options);
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
    // Handing them on one per turn keeps the server's order; an answer with nothing before it still
    // to be handled (the common case: a call's answer alone) goes at once.
    t.onmessage = (m) => {
      if (this.flooded) return;
      const kind = this.unsolicited(m);
      if (kind) {
        const breach = this.budget.charge(kind, 0);
        if (breach) return this.breached(breach);
      }
      const answer = !('method' in m);
      // an answer (the SDK has validated the message): a cheap structural look, not its zod guards
      if (answer && 'id' in m && m.id !== undefined && m.id !== null) this.unanswered.delete(m.id);
      if (answer && this.queued === 0) return this.hand(m);
      this.queued++;
      // (counted down a turn after it was handed on: the SDK's handler of a notification has run by then)
      this.delivery = this.delivery
        .then(() => this.turn())
        .then(() => this.hand(m))
        .then(
          () => void this.queued--,
          () => void this.queued--,
        );
    };
    t.onerror = (e) => this.innerError(e);
    t.onclose = () => this.onclose?.();
  }

  /** What a message is, if the client did not ask for it (undefined for an answer to one of its requests). Before the answer is struck off. */
  private unsolicited(m: JSONRPCMessage): UnsolicitedKind | undefined {
    if ('method' in m) {
      if ('id' in m) return 'request';
      if (m.method !== 'notifications/progress') return 'notification';
      // (the SDK's progress token is the request's id)
      const token = (m.params as { progressToken?: unknown } | undefined)?.progressToken;
      return (typeof token === 'string' || typeof token === 'number') && this.unanswered.has(token) ? 'progress' : 'notification';
    }
    const id = 'id' in m ? m.id : undefined;
    return id !== undefined && id !== null && this.unanswered.has(id) ? undefined : 'stray-response';
  }

  private breached(breach: BudgetBreach): void {
    this.flood(describeBreach(breach));
  }

  /**
   * The server broke a bound of what it may send: the link is down with the reason (the app stops
   * as flooding), nothing more is handed on or sent, and every stream is aborted (the SDK's close).
   */
  private flood(violation: string): void {
    if (this.flooded || this.closed) return;
    this.flooded = violation;
    this.opts.down(`the server ${violation}`, violation);
    void this.inner.close().catch(() => undefined);
  }

  /** Handing messages on: the event loop gets a turn every SLICE_MS (a burst of notifications never holds it long). */
  private turn(): Promise<void> | undefined {
    const now = performance.now();
    if (now - this.slice <= SLICE_MS) return undefined;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        this.slice = performance.now();
        resolve();
      }),
    );
  }

  private hand(m: JSONRPCMessage): void {
    try {
      this.onmessage?.(m);
    } catch (e) {
      this.onerror?.(e instanceof Error ? e : new Error(String(e)));
    }
  }

  private innerError(e: Error): void {
    this.onerror?.(e);
    // SSE (legacy): the event stream carries every answer; once it breaks, the session is gone.
    // (the EventSource would reconnect by itself, into a new session the server never initialized)
    if (this.initialized && !this.closed && this.kind === 'sse' && e instanceof SseError) this.opts.down("the server's event stream ended");
  }

  /**
   * The first request: on Streamable HTTP and/or legacy SSE, as the strategy says (default: HTTP,
   * then SSE on a 404/405, once). A 2026-era first request (`handshake` false) that the server
   * refuses with a 4xx other than 401 fails with the SDK's own error: the client reads that as the
   * server's era (a 2025 server does not know `server/discover`) and falls back to `initialize`.
   */
  private async sendFirst(message: JSONRPCMessage, options: TransportSendOptions | undefined, handshake: boolean): Promise<void> {
    const auth = this.opts.auth;
    if (auth) auth.interactive = true;
    const strategy = this.chosen ?? this.opts.strategy ?? 'http-first';
    const eraAnswer = (e: unknown) => {
      const code = statusOf(e);
      return !handshake && code !== undefined && code >= 400 && code < 500 && code !== 401 && !(code === 404 || code === 405);
    };
    const viaHttp = () => this.signingIn(() => this.post(message, options));
    const viaSse = async () => {
      // a started SSE transport cannot start again (after a sign-in): a fresh one each time
      await this.signingIn(() => this.replaceInner(() => new SSEClientTransport(this.opts.url, { fetch: this.fetch, authProvider: this.opts.auth })));
      await this.signingIn(() => this.post(message, options));
    };
    const wrongEnd = (e: unknown) => statusOf(e) === 404 || statusOf(e) === 405;
    const failure = (e: unknown): Error => {
      if (!eraAnswer(e)) return this.startFailure(e);
      // (refused in the server's own words: this transport is the server's, the handshake follows on it)
      this.chosen = this.kind;
      return e as Error;
    };
    try {
      // (a 2025 handshake after a 2026 probe: on the transport the probe found)
      if (this.chosen) return await viaHttp().catch((e: unknown) => Promise.reject(failure(e)));
      if (strategy === 'sse-only') return await viaSse().catch((e: unknown) => Promise.reject(failure(e)));
      if (strategy === 'sse-first') {
        try {
          return await viaSse();
        } catch (e) {
          if (!wrongEnd(e)) throw failure(e);
          this.opts.note(`[http] the server answered ${statusOf(e)} to the legacy SSE stream; trying Streamable HTTP`);
          await this.replaceInner(() => this.streamable());
          return await viaHttp().catch((e2: unknown) => Promise.reject(failure(e2)));
        }
      }
      try {
        await viaHttp();
        return;
      } catch (e) {
        if (strategy === 'http-only' || !wrongEnd(e)) throw failure(e);
        const first = this.startFailure(e).message;
        this.opts.note(
          `[http] the server answered ${statusOf(e)} to a Streamable HTTP ${handshake ? 'initialize' : 'request'}; trying the legacy SSE transport`,
        );
        try {
          await viaSse();
        } catch (e2) {
          if (eraAnswer(e2)) throw failure(e2);
          const again = this.startFailure(e2);
          throw new Error(`neither Streamable HTTP (${first}) nor legacy SSE (${again.message}) works at this URL; is it the server's MCP endpoint?`, {
            cause: e2,
          });
        }
      }
    } finally {
      auth?.settle();
    }
  }

  /** The SDK transport that carries the session from now on, started (the one before is closed quietly). */
  private async replaceInner(make: () => StreamableHTTPClientTransport | SSEClientTransport): Promise<void> {
    const old = this.inner;
    old.onclose = old.onerror = old.onmessage = undefined;
    await old.close().catch(() => undefined);
    const next = make();
    this.inner = next;
    this.wire(next);
    await next.start();
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
          const { code, iss } = await auth.nextCode();
          // (the SDK checks `iss` against the issuer it sent the user to, RFC 9207, before it redeems the code)
          await this.inner.finishAuth(code, iss);
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
    const code = statusOf(e);
    if (code !== undefined) {
      const said = this.lastStatus?.status === code ? this.lastStatus.said : '';
      if (code === 401 && !this.opts.auth) {
        return new Error(
          `${describeStatus(code, said)}. Give the app an Authorization header (its value stored with "MCP Pool: Store Secret…"), or use "transport": "mcp-remote" to sign in in the browser`,
        );
      }
      const words = describeStatus(code, said);
      return refusedAsSent(code, words) ?? new Error(words);
    }
    // (an OAuth document past its bound: that is what failed, whatever the SDK made of it)
    // (never an empty reason: an error without a message is named by its kind)
    const message = this.authRequests.failure?.message || (e instanceof Error ? e.message || e.name : String(e)) || 'no reason given';
    if (this.lastStatus?.status === 401 && this.opts.auth && (this.authRequests.failure || !(e instanceof UnauthorizedError))) {
      // the server wants a sign-in and the SDK's OAuth (discovery, registration, token) failed
      return new (registrationRefused(e) ? AnsweredOtherwise : Error)(
        `${describeStatus(401, this.lastStatus.said)}, and signing in with OAuth failed (${message}). If the server takes a token instead, give the app an Authorization header (its value stored with "MCP Pool: Store Secret…")`,
        { cause: e },
      );
    }
    if (this.authRequests.failure) return new Error(`signing in with OAuth failed: ${message}`, { cause: e });
    // an answer the SDK could not take as MCP over HTTP (an unexpected content type, a handshake result it rejects)
    if (e instanceof SdkError && (e.code === SdkErrorCode.ClientHttpUnexpectedContent || e.code === SdkErrorCode.InvalidResult))
      return new AnsweredOtherwise(e.message, { cause: e });
    return e instanceof Error ? e : new Error(message);
  }

  /** Every HTTP request of the session passes here (the SDK's transports call it as their fetch). */
  private async send0(url: string | URL, init: RequestInit = {}): Promise<Response> {
    // a server that flooded the link gets nothing more (the SDK would re-open its event stream)
    if (this.flooded) throw new NotSentError(`the server ${this.flooded}`);
    const target = url instanceof URL ? url : new URL(url);
    // (the SDK's transports request the very URL they were given: no origin to work out then)
    const sameOrigin = target === this.opts.url || target.origin === this.opts.url.origin;
    // the SDK builds a fresh Headers for each request: added to in place
    const headers = init.headers instanceof Headers ? init.headers : new Headers(init.headers);
    // the app's headers win over what the SDK set (a configured Authorization over an OAuth token), as with mcp-remote
    if (sameOrigin) for (const [k, v] of this.appHeaders) headers.set(k, v);
    const method = (init.method ?? 'GET').toUpperCase();
    // The session's own requests go to the app's URL (with legacy SSE, its messages are POSTed to
    // the endpoint the server named, on its origin). Everything else, on any origin and any path,
    // is a request of the SDK's OAuth (discovery, registration, tokens): bounded in size and time.
    const session = target === this.opts.url || target.href === this.opts.url.href || (sameOrigin && method === 'POST' && isJsonRpc(init.body));
    if (!session) {
      const document =
        authDocument(target, method, init.body) ??
        (target.href === this.resourceMetadata
          ? "the server's OAuth protected-resource metadata"
          : sameOrigin
            ? 'an OAuth document from the server'
            : "the authorization server's answer");
      return this.authRequests.send(target, { ...init, headers }, document);
    }
    let signal = init.signal;
    // the session's requests get signals of their own, following the SDK's (a few requests share one)
    const own = signal ? this.signals.take(signal) : undefined;
    if (own) signal = own.signal;
    init = { ...init, headers, signal };
    let response: Response;
    try {
      response = await this.opts.fetch(url, init);
    } catch (e) {
      own?.release();
      if ((e as Error)?.name === 'AbortError') throw e;
      const words = describeNetworkError(e, target);
      if (isNotConnected(e)) {
        if (this.initialized) this.opts.down(words);
        throw new NotSentError(words);
      }
      if (this.initialized && method === 'POST') this.opts.down(words);
      if (method === 'GET' && this.initialized && this.kind !== 'sse') this.streamOpened(false);
      throw new Error(words, { cause: e });
    }
    let status = response.status;
    if (status === 401 && this.opts.auth) {
      // Sent with a token that another request has meanwhile refreshed: not processed, so sent
      // again with the new one (the SDK would refresh once more, spending the new refresh token).
      const sent = headers.get('authorization');
      const current = await this.opts.auth.accessToken();
      if (current && sent && sent !== `Bearer ${current}` && typeof init.body !== 'object' && !this.ownAuthorization) {
        await response.body?.cancel().catch(() => undefined);
        headers.set('authorization', `Bearer ${current}`);
        response = await this.opts.fetch(url, init);
        status = response.status;
      }
      // the SDK's auth runs next and may send the user to the browser (only while starting):
      // the loopback must listen before it builds the redirect
      if (status === 401 && this.opts.auth.interactive) await this.opts.auth.prepare();
      if (status === 401) this.resourceMetadata = resourceMetadataOf(response.headers.get('www-authenticate'), target) ?? this.resourceMetadata;
      // a step-up is pending: the sign-in this 401 leads to asks for the wider scope too
      const wider = this.opts.auth.stepUpScope;
      if (status === 401 && wider) response = withChallengeScope(response, wider);
    }
    // (each look at a fetch Response costs: the status is read once, the rest only where needed)
    const ok = status >= 200 && status < 300;
    if (!ok) {
      // an error's body: its start is all that is read (for the message), the rest is cancelled;
      // the SDK reads the same start for its own error
      const said = await readStart(response);
      response = withText(response, said);
      if (!(method === 'GET' && status === 405)) this.lastStatus = { status, said: errorBody(said) };
    }
    // The event stream (GET) answered 2xx with a body that is no event stream: the SDK would feed it
    // to its SSE parser whatever it is (which holds a line without end): it failed to open.
    const type = ok ? (response.headers.get('content-type') ?? '') : '';
    if (method === 'GET' && ok && status !== 202 && status !== 204 && response.body && !EVENT_STREAM.test(type)) {
      await response.body.cancel().catch(() => undefined);
      own?.release();
      if (this.initialized && this.kind !== 'sse') this.streamOpened(false);
      const words = `the server answered its event stream (GET) with ${type ? `Content-Type ${JSON.stringify(clip(type))}` : 'no Content-Type'}, not text/event-stream; no notifications from it`;
      this.opts.note(`[http] ${words}`);
      throw new Error(words);
    }
    if (method === 'GET' && this.initialized && this.kind !== 'sse') this.streamOpened(ok || status === 405, ok);
    if (this.flooded) {
      // (the stream was opened once too often)
      await response.body?.cancel().catch(() => undefined);
      own?.release();
      throw new NotSentError(`the server ${this.flooded}`);
    }
    if (status === 404 && method !== 'DELETE' && headers.has('mcp-session-id')) {
      // The server does not know the session (it restarted, or expired it): nothing was processed.
      own?.release();
      const words = 'the server no longer knows the session (HTTP 404): it restarted or ended it';
      this.opts.down(words);
      throw new NotSentError(words);
    }
    // nothing more to come (202 Accepted: the SDK drops the empty body); an error's body was read
    if (status === 202 || status === 204 || !ok) {
      own?.release();
      return response;
    }
    if (method === 'POST' && response.body) {
      if (EVENT_STREAM.test(type)) {
        const ids = requestIds(init.body);
        // the 2026 era's notification stream (one long-lived request): bounded as the GET stream is
        if (ids.length === 1 && isListen(init.body)) return this.watchBackground(response, this.listenEnded(ids[0], own?.release));
        if (ids.length) return watchEventStream(response, this.watch(ids, own?.release));
      }
      // a plain JSON answer: bounded in size too (nothing to resume, nothing else to watch)
      if (JSON_TYPE.test(type)) return watchJsonResponse(response, this.watch([], own?.release));
    }
    // the background event stream (GET; with legacy SSE, the stream that carries every answer):
    // tied to the session's signal (one, and the session ends with it), its events and bytes bounded
    if (method === 'GET' && response.body) return this.watchBackground(response, own?.release);
    return response;
  }

  /**
   * The background event stream, read through a check: one event may not grow past the app's
   * maxMessageBytes (an SSE parser holds it whole until it ends), and its bytes are charged to the
   * flood budget as they arrive (with legacy SSE, which carries the answers too: only while no
   * request waits for one). Its messages are charged as they are handed on (wire()).
   */
  private watchBackground(response: Response, onEnd?: () => void): Response {
    const sizes = new EventSizes();
    const max = this.opts.maxResponseBytes;
    const legacy = this.kind === 'sse';
    return checkedResponse(
      response,
      (chunk) => {
        if (this.flooded) return new Error(`the server ${this.flooded}`);
        if (sizes.take(chunk) > max) {
          const mb = Math.round(max / 1048576);
          this.flood(`sent one event of more than ${mb} MB on its event stream (limit: maxMessageBytes); the connection was closed`);
          return new Error(`the server's event stream sent one event of more than ${mb} MB`);
        }
        if (legacy && this.unanswered.size > 0) return undefined;
        const breach = this.budget.charge('notification', chunk.byteLength, 0);
        if (!breach) return undefined;
        this.breached(breach);
        return new Error(`the server ${this.flooded ?? describeBreach(breach)}`);
      },
      (e) => e,
      SLICE_MS,
      onEnd,
    );
  }

  /**
   * The `subscriptions/listen` stream ended. Unanswered (the server is gone, or dropped it): the
   * session's notifications would be lost from then on, so the link is down, as when the 2025 GET
   * stream cannot be re-opened (a fresh session listens again). Closed by the client, or answered
   * by the server (its way of ending a subscription): nothing to say.
   */
  private listenEnded(id: string | number, release?: () => void): () => void {
    return () => {
      release?.();
      setImmediate(() => {
        if (!this.closed && !this.flooded && this.unanswered.has(id)) this.opts.down("the server's notification stream (subscriptions/listen) ended");
      });
    };
  }

  /** The event stream (GET) was (re-)opened, or not (streamOpens.ts): too many opens flood, two failures in a row are a loss. */
  private streamOpened(ok: boolean, opened = false): void {
    const verdict = this.streamOpens.opened(ok, opened);
    if (verdict?.kind === 'flooding') this.flood(verdict.words);
    else if (verdict) this.opts.down(verdict.words);
  }

  /** The watch on a request's response (or a JSON answer, with no `ids`): a break while a request waits, or too much, takes the link down. */
  private watch(ids: (string | number)[], onEnd?: () => void): ResponseWatch {
    return {
      onEnd,
      maxBytes: this.opts.maxResponseBytes,
      awaited: () => !this.closed && ids.some((id) => this.unanswered.has(id)),
      onBroken: (how) => this.opts.down(how),
      onTooLarge: (mb) =>
        this.opts.down(
          `the server sent more than ${mb} MB in answer to one request`,
          `sent more than ${mb} MB in answer to one request; the connection was closed`,
        ),
      describe: (e) => describeNetworkError(e, this.opts.url),
    };
  }
}

/**
 * The authorization server refused to register the client as the pool's OAuth registers it
 * (mcp-remote registers differently): the only sign-in failure mcp-remote may get past. A sign-in
 * the user abandoned or the server refused, a network failure, a timeout or a malformed document
 * would meet mcp-remote too.
 */
function registrationRefused(e: unknown): boolean {
  for (let cur = e, i = 0; cur && i < 6; cur = (cur as { cause?: unknown }).cause, i++) if (cur instanceof RegistrationRejectedError) return true;
  return false;
}
