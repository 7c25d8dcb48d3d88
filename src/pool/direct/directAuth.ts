// OAuth for a direct app, through the SDK's client auth (discovery, dynamic registration, PKCE,
// refresh: `auth()` in the SDK's transports); this is the OAuthClientProvider it asks. It keeps the
// sign-in in the pool's SignIns (signIn.ts: the editor's secret storage, mcp-remote's login), sends the user to the browser only while the app is starting (a request in the
// middle of a session is refused instead, and the pool starts a fresh session that asks), and
// receives the redirect on a loopback listener that accepts only the states it handed out.
import { randomBytes } from 'node:crypto';
import type { OAuthClientInformationMixed, OAuthClientMetadata, OAuthClientProvider, OAuthDiscoveryState, OAuthTokens } from '@modelcontextprotocol/client';
import { CALLBACK_PATH, LoopbackRedirect, needsBothLoopbacks } from './loopback';
import type { SignIns, StoredSignIn } from './signIn';

/** Thrown from state(): the client must be registered again for this redirect; the sign-in is retried. */
export class RegisterAgain extends Error {
  constructor() {
    super('the client is registered again for a new redirect');
    this.name = 'RegisterAgain';
  }
}

function portOf(url: string): number | undefined {
  try {
    const u = new URL(url);
    return Number(u.port) || undefined;
  } catch {
    return undefined;
  }
}

/**
 * The address the user's browser reaches a loopback redirect at: in a remote window (SSH,
 * Codespaces, a code-server elsewhere) the editor forwards the port (`env.asExternalUri`); locally
 * it is the same address.
 */
export type ExternalRedirect = (local: string) => Promise<string>;

export interface DirectAuthOptions {
  readonly app: string;
  readonly key: string;
  readonly signIns: SignIns;
  readonly clientName: string;
  /**
   * An HTTPS URL where the client's metadata document is published (setting
   * mcpPool.oauthClientMetadataUrl): where an authorization server says it takes client ID metadata
   * documents, the URL is the client_id and nothing is registered (MCP 2026-07-28 prefers it to
   * dynamic registration); elsewhere the client registers as before.
   */
  readonly clientMetadataUrl?: string;
  /** The user is asked to sign in: open this URL (the pool reports it as for mcp-remote). */
  readonly onAuthUrl: (url: string) => void;
  /** A line for the app's log. */
  readonly note: (line: string) => void;
  readonly externalRedirect?: ExternalRedirect;
}

export class DirectAuth implements OAuthClientProvider {
  private readonly loopback: LoopbackRedirect;
  private readonly verifiers = new Map<string, string>();
  private lastState?: string;
  private callbackState?: string;
  private noted = false;
  /** Only while the app starts may the user be sent to the browser. */
  interactive = false;
  /** The redirect of the stored client registration, as it was registered. */
  private registeredRedirect?: string;
  /** The loopback's redirect as the browser reaches it, when that is another address (a forwarded port). */
  private forwarded?: string;
  /** A step-up's scope (see stepUpScope). */
  private stepUp?: string;
  /** Ends this app's browser sign-in for the apps that joined it. */
  private browsing?: () => void;
  /** Another app's browser sign-in this start joined. */
  private joined?: Promise<void>;

  constructor(private readonly opts: DirectAuthOptions) {
    this.loopback = new LoopbackRedirect(opts.app);
  }

  get redirectUrl(): string {
    const bound = this.loopback.url;
    if (!bound) return this.registeredRedirect ?? `http://127.0.0.1${CALLBACK_PATH}`;
    const registered = this.registeredRedirect;
    // a forwarded port: the browser comes back through the forward, whatever was registered
    if (this.forwarded) return this.forwarded;
    // the registration's own redirect (mcp-remote registers http://localhost:PORT/…) when its port is ours
    return registered && portOf(registered) === this.loopback.port ? registered : bound;
  }

  /** Read by the SDK's auth(): used only where the authorization server advertises client_id_metadata_document_supported. */
  get clientMetadataUrl(): string | undefined {
    // the document lists loopback redirects: through a forwarded port (a remote window) the browser
    // comes back elsewhere, so the client registers instead
    if (this.forwarded && !isLoopback(this.forwarded)) return undefined;
    return this.opts.clientMetadataUrl;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.opts.clientName,
      // (2026-07-28: a registering client says what it is; a loopback redirect makes it a native app)
      application_type: 'native',
      ...(this.stepUpScope ? { scope: this.stepUpScope } : {}),
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  /**
   * Before the SDK's auth while the app starts (the server answered 401; a browser sign-in may
   * follow): the loopback listens, on the port of the stored registration's redirect if it is free.
   * Nothing is dropped here: a refresh needs the registered client as it is.
   */
  async prepare(): Promise<void> {
    const stored = await this.load();
    this.registeredRedirect = stored?.client && 'redirect_uris' in stored.client ? stored.client.redirect_uris?.[0] : undefined;
    // (a `localhost` redirect: on both loopbacks, or not at all — a browser tries [::1] first)
    await this.loopback.listen(this.registeredRedirect ? portOf(this.registeredRedirect) : undefined, needsBothLoopbacks(this.registeredRedirect));
    this.forwarded = await this.forward();
  }

  /**
   * The loopback's address as the browser reaches it, if that is another one; the loopback itself
   * if asking fails. Asked for the loopback's root, the callback's path then put under what comes
   * back: a forwarder may answer with a base of its own (code-server: http://host/proxy/PORT/) and
   * drop the rest of the path.
   */
  private async forward(): Promise<string | undefined> {
    const bound = this.loopback.url;
    if (!bound || !this.opts.externalRedirect) return undefined;
    try {
      const base = await this.opts.externalRedirect(new URL('/', bound).href);
      const external = new URL(CALLBACK_PATH.slice(1), base.endsWith('/') ? base : `${base}/`).href;
      if (external === new URL(bound).href) return undefined;
      this.opts.note(`[auth] the browser comes back through a forwarded port: ${external}`);
      return external;
    } catch (e) {
      this.opts.note(`[auth] the redirect could not be forwarded (${(e as Error).message}); the browser must reach ${bound}`);
      return undefined;
    }
  }

  /**
   * Called by the SDK only on the way to the browser. If the stored registration names a redirect
   * this listener cannot be (its port is taken), the client is registered again first.
   */
  async state(): Promise<string> {
    if (this.registeredRedirect && this.registeredRedirect !== this.redirectUrl) {
      this.opts.note(`[auth] the registered redirect (port ${portOf(this.registeredRedirect) ?? '?'}) is not available; registering again`);
      this.registeredRedirect = undefined;
      await this.opts.signIns.update(this.opts.key, (old) => ({ ...old, client: undefined }));
      throw new RegisterAgain();
    }
    const state = randomBytes(16).toString('hex');
    this.lastState = state;
    this.loopback.expect(state);
    return state;
  }

  async clientInformation(): Promise<OAuthClientInformationMixed | undefined> {
    const client = (await this.load())?.client;
    // a client that was a metadata document's URL counts only while the setting still names it
    // (changed or removed: the next sign-in uses the new one, or registers)
    if (client && /^https:\/\//.test(client.client_id) && client.client_id !== this.opts.clientMetadataUrl) return undefined;
    return client;
  }

  async saveClientInformation(client: OAuthClientInformationMixed): Promise<void> {
    await this.opts.signIns.update(this.opts.key, (old) => ({ ...old, client }));
  }

  tokens(): Promise<OAuthTokens | undefined> {
    // (the SDK asks before every request: what memory holds is answered at once)
    const known = this.opts.signIns.known(this.opts.key);
    if (known === undefined || (known && !known.stepUpScope && (!known.importedFrom || this.noted))) return Promise.resolve(known?.tokens);
    return this.load().then((stored) =>
      // a step-up is pending: the tokens lack the scope the server wants, the start signs in again
      stored?.stepUpScope ? undefined : stored?.tokens,
    );
  }

  /** The access token requests are sent with now. */
  async accessToken(): Promise<string | undefined> {
    return (await this.tokens())?.access_token;
  }

  /** The scope a `403 insufficient_scope` asked for, while no sign-in has granted it yet. */
  get stepUpScope(): string | undefined {
    return this.stepUp;
  }

  async saveTokens(tokens: OAuthTokens): Promise<void> {
    const expires_at = typeof tokens.expires_in === 'number' ? Date.now() + tokens.expires_in * 1000 : undefined;
    this.stepUp = undefined;
    await this.opts.signIns.update(this.opts.key, (old) => ({ ...old, stepUpScope: undefined, tokens: { ...tokens, ...(expires_at ? { expires_at } : {}) } }));
  }

  redirectToAuthorization(url: URL): void {
    // outside a start the SDK's request fails as unauthorized, and a fresh start asks the user;
    // a step-up (403 insufficient_scope: the SDK asks again with the wider scope) is remembered
    // so that start asks for that scope
    if (!this.interactive) {
      const scope = url.searchParams.get('scope');
      if (scope && scope !== this.stepUp) {
        this.stepUp = scope;
        this.opts.note(`[auth] the server asks for more permission (scope "${scope.slice(0, 200)}"): the next start signs in again for it`);
        void this.opts.signIns.update(this.opts.key, (old) => ({ ...old, stepUpScope: scope })).catch(() => undefined);
      }
      return;
    }
    let done!: () => void;
    const mine = new Promise<void>((resolve) => (done = resolve));
    const other = this.opts.signIns.joinSignIn(this.opts.key, mine);
    if (other) {
      // another app with the same server is already in the browser: its sign-in is this one's too
      this.opts.note('[auth] another app with this server is signing in: waiting for it');
      this.joined = other;
      return;
    }
    this.browsing = done;
    this.opts.note('[auth] the server asks for a sign-in: waiting for the browser');
    this.opts.onAuthUrl(url.toString());
  }

  /** The sign-in of another app with the same server that this start waits for (then it sends again). */
  takeJoined(): Promise<void> | undefined {
    const joined = this.joined;
    this.joined = undefined;
    return joined;
  }

  saveCodeVerifier(verifier: string): void {
    if (this.lastState) this.verifiers.set(this.lastState, verifier);
  }

  codeVerifier(): string {
    const v = this.callbackState ? this.verifiers.get(this.callbackState) : undefined;
    if (!v) throw new Error('no sign-in is waiting for this answer');
    return v;
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'verifier') {
      this.verifiers.clear();
      return;
    }
    if (scope === 'all') {
      this.opts.note('[auth] the authorization server no longer knows this client: signing in again');
      await this.opts.signIns.delete(this.opts.key);
      return;
    }
    if (scope === 'tokens') this.opts.note('[auth] the saved sign-in was refused: signing in again');
    const field = scope === 'client' ? 'client' : scope === 'tokens' ? 'tokens' : 'discovery';
    await this.opts.signIns.update(this.opts.key, (old) => ({ ...old, [field]: undefined }));
  }

  async saveDiscoveryState(discovery: OAuthDiscoveryState): Promise<void> {
    await this.opts.signIns.update(this.opts.key, (old) => ({ ...old, discovery }));
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    return (await this.load())?.discovery;
  }

  /** See SignIns.refreshOnce. */
  refreshOnce(refreshToken: string, run: () => Promise<Response>): Promise<Response> {
    return this.opts.signIns.refreshOnce(refreshToken, run);
  }

  /** The code of the user's sign-in (and the issuer that answered), once the browser comes back (rejects if abandoned or refused). */
  async nextCode(signal?: AbortSignal): Promise<{ code: string; iss?: string }> {
    const { code, state, iss } = await this.loopback.next(signal);
    this.callbackState = state;
    return { code, iss };
  }

  /** This app's browser sign-in is over (done or not): apps that joined it go on. */
  signedIn(): void {
    this.browsing?.();
    this.browsing = undefined;
  }

  /** The start is over: no more callbacks are accepted. */
  settle(): void {
    this.interactive = false;
    this.signedIn();
    this.loopback.close();
  }

  private async load(): Promise<StoredSignIn | undefined> {
    const value = await this.opts.signIns.get(this.opts.key);
    if (value?.stepUpScope) this.stepUp = value.stepUpScope;
    if (value?.importedFrom && !this.noted) {
      this.noted = true;
      this.opts.note(`[auth] using the sign-in mcp-remote saved for this server (copied from ${value.importedFrom})`);
    }
    return value;
  }
}

function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === '127.0.0.1' || host === 'localhost' || host === '[::1]';
  } catch {
    return false;
  }
}
