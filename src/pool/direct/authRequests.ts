// The requests of the SDK's OAuth (discovery, registration, tokens) as a direct app makes them: each
// with a deadline of its own and an answer of at most AUTH_MAX_BYTES; past either bound the sign-in
// fails for the rest of the start, naming the document (the SDK would skip past a failed lookup).
import type { DirectAuth } from './directAuth';
import { describeNetworkError, describeStatus, isNotConnected } from './httpFailure';
import { NotSentError } from '../link';
import { cappedResponse, readStart, withText } from './boundedBody';
import type { FetchLike } from './directTransport';

/** The longest a request to an authorization server (and its answer) may take. */
export const AUTH_REQUEST_MS = 30_000;
/** The largest OAuth document (metadata, a registration or token answer: small JSON documents). */
export const AUTH_MAX_BYTES = 1024 * 1024;

/** What an OAuth request fetches, in words ("the authorization server's token answer"), or undefined when its path and body do not tell. */
export function authDocument(target: URL, method: string, body: unknown): string | undefined {
  const path = target.pathname;
  // (RFC 8414's path-aware discovery puts the well-known part first, OpenID's after the issuer's path)
  if (path.includes('/.well-known/')) {
    if (path.startsWith('/.well-known/oauth-protected-resource')) return "the server's OAuth protected-resource metadata";
    return "the authorization server's metadata";
  }
  if (method !== 'POST') return undefined;
  if (body instanceof URLSearchParams && body.has('grant_type')) return "the authorization server's token answer";
  if (typeof body === 'string' && body.startsWith('{') && !body.includes('"jsonrpc"') && body.includes('"redirect_uris"')) {
    return "the authorization server's registration answer";
  }
  return undefined;
}

export interface AuthRequestsOptions {
  readonly fetch: FetchLike;
  readonly auth?: DirectAuth;
  /** The deadline of one request (default AUTH_REQUEST_MS). */
  readonly requestMs?: number;
}

/** The OAuth requests of one start of a direct app. */
export class AuthRequests {
  /** Why the sign-in failed (sticks: every later OAuth request of the start fails with it). */
  failure?: Error;

  constructor(private readonly opts: AuthRequestsOptions) {}

  /**
   * A request of the SDK's OAuth (discovery, registration, a token): no signal of the session's, a
   * deadline of its own (so a stalled one cannot hold a start, or a shared refresh, for minutes),
   * and an answer of at most AUTH_MAX_BYTES. Past either bound the sign-in fails, naming the document.
   */
  async send(target: URL, init: RequestInit, document: string): Promise<Response> {
    if (this.failure) throw this.failure;
    const ms = this.opts.requestMs ?? AUTH_REQUEST_MS;
    const deadline = AbortSignal.timeout(ms);
    const signal = init.signal ? AbortSignal.any([init.signal, deadline]) : deadline;
    const late = () => new Error(`${document} did not arrive within ${seconds(ms)} (from ${target.host})`);
    const fail = (e: Error) => (this.failure ??= e);
    const bounded = (r: Response) =>
      cappedResponse(
        r,
        AUTH_MAX_BYTES,
        () => fail(new Error(`${document} was larger than ${Math.round(AUTH_MAX_BYTES / 1048576)} MB (from ${target.host}); the sign-in was stopped`)),
        (e) => (deadline.aborted ? fail(late()) : e),
      );
    const request = { ...init, signal };
    // A registration or token request refused with a body that is no OAuth error (plain text, HTML,
    // nothing): the status and the body's start, not the SDK's JSON parse error. (Discovery's
    // errors stay the SDK's: a 404 page there means "try the next place".)
    const answered = async (r: Response) => {
      if (r.ok || init.method !== 'POST') return bounded(r);
      const said = await readStart(r);
      if (isJsonObject(said)) return withText(r, said);
      throw fail(
        new Error(
          `${describeStatus(r.status, said).replace('the server', `the authorization server (${target.host})`)}, in place of ${document.replace(/^the authorization server's /, 'its ')}`,
        ),
      );
    };
    const refresh =
      this.opts.auth && init.body instanceof URLSearchParams && init.body.get('grant_type') === 'refresh_token' ? init.body.get('refresh_token') : null;
    try {
      // (one refresh per refresh token: the others get a copy of its answer, read whole — bounded first)
      return refresh
        ? await this.opts.auth!.refreshOnce(refresh, async () => answered(await this.opts.fetch(target, request)))
        : await answered(await this.opts.fetch(target, request));
    } catch (e) {
      if (e === this.failure) throw e;
      if (deadline.aborted) throw fail(late());
      if ((e as Error)?.name === 'AbortError') throw e;
      const words = describeNetworkError(e, target);
      if (isNotConnected(e)) throw new NotSentError(words);
      throw new Error(words, { cause: e });
    }
  }
}

function isJsonObject(text: string): boolean {
  try {
    const value = JSON.parse(text) as unknown;
    return typeof value === 'object' && value !== null;
  } catch {
    return false;
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
