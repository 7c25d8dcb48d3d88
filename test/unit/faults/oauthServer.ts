// A minimal OAuth 2.1 protected MCP server for the remote-app tests (mcp-remote and direct), on
// 127.0.0.1: protected-resource and authorization-server metadata, dynamic client registration, an
// /authorize endpoint that approves at once (302 back to the client's redirect_uri with a code and
// the state), a token endpoint that checks PKCE (S256) and single-use codes, refresh grants (with
// rotation: a refresh token works once, on option), short-lived tokens on option, revocation of
// everything issued, and /mcp, which answers 401 without a valid, unexpired bearer token and
// otherwise is proxied to a plain HTTP fixture (test/fixtures/http-server.ts). Counts what it does.
import { createHash, randomBytes } from 'node:crypto';
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';

export interface OAuthStats {
  registrations: number;
  authorizations: number;
  tokensIssued: number;
  /** refresh_token grants received (accepted or not). */
  refreshes: number;
  /** Token requests refused (bad code, PKCE mismatch, unknown or used refresh token). */
  refused: number;
  mcpUnauthorized: number;
  mcpAuthorized: number;
  /** Client ID metadata documents fetched and accepted (cimd). */
  metadataDocuments: number;
}

export interface OAuthServer {
  readonly url: string;
  readonly stats: OAuthStats;
  /** access token → client_id, for every token issued */
  readonly tokens: Map<string, string>;
  /** Every registration request's body and every token request's form, as received. */
  readonly registrations: Record<string, unknown>[];
  readonly tokenRequests: Record<string, string>[];
  /** What the MCP server behind it saw (tool calls executed, sessions). */
  upstream(): ReturnType<HttpFixture['stats']>;
  /** Every token and refresh token issued so far stops working (the user revoked the app). */
  revoke(): void;
  /** Every access token issued so far expires now (refresh tokens keep working). */
  expireAccessTokens(): void;
  close(): Promise<void>;
}

export interface OAuthServerOptions {
  /** The MCP server behind it: Streamable HTTP (default) or legacy SSE only (GET /mcp, POST /messages). */
  readonly mcp?: 'streamable' | 'sse';
  /** Seconds an access token lives (default 3600). */
  readonly expiresIn?: number;
  /** A refresh token works once; each refresh issues a new one (default false). */
  readonly rotateRefreshTokens?: boolean;
  /** RFC 9207: advertise `authorization_response_iss_parameter_supported` and add `iss` to the redirect (its own issuer, or another's: a mix-up). */
  readonly iss?: 'right' | 'wrong';
  /** A tools/call needs this scope: without it, 403 with `WWW-Authenticate: Bearer error="insufficient_scope"` (step-up). */
  readonly stepUpScope?: string;
  /**
   * Client ID metadata documents: advertise `client_id_metadata_document_supported`, and take an
   * https client_id by fetching its document (`fetchDocument`: the test's stand-in for the web,
   * which has no DNS here), checking that it names that client_id and the redirect_uri (a loopback
   * redirect on any port, RFC 8252 §7.3). Registration stays open beside it.
   */
  readonly cimd?: { readonly fetchDocument: (url: string) => Promise<Record<string, unknown> | undefined> };
}

function body(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function json(res: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
  res.end(JSON.stringify(value));
}

export async function startOAuthServer(opts: OAuthServerOptions = {}): Promise<OAuthServer> {
  const inner: HttpFixture = await startHttpFixture({ mode: opts.mcp === 'sse' ? 'sse' : 'ok' });
  const stats: OAuthStats = {
    registrations: 0,
    authorizations: 0,
    tokensIssued: 0,
    refreshes: 0,
    refused: 0,
    mcpUnauthorized: 0,
    mcpAuthorized: 0,
    metadataDocuments: 0,
  };
  const clients = new Set<string>();
  const codes = new Map<string, { clientId: string; redirectUri: string; challenge: string; scope: string }>();
  const scopes = new Map<string, string>();
  const registrations: Record<string, unknown>[] = [];
  const tokenRequests: Record<string, string>[] = [];
  const tokens = new Map<string, string>();
  const expiry = new Map<string, number>();
  const refresh = new Map<string, string>();
  const expiresIn = opts.expiresIn ?? 3600;
  let origin = '';

  const issue = (res: ServerResponse, clientId: string, scope = '') => {
    const access = `at_${randomBytes(16).toString('hex')}`;
    const rt = `rt_${randomBytes(16).toString('hex')}`;
    tokens.set(access, clientId);
    scopes.set(access, scope);
    scopes.set(rt, scope);
    expiry.set(access, Date.now() + expiresIn * 1000);
    refresh.set(rt, clientId);
    stats.tokensIssued++;
    json(res, 200, { access_token: access, token_type: 'Bearer', expires_in: expiresIn, refresh_token: rt, ...(scope ? { scope } : {}) });
  };
  const refuse = (res: ServerResponse, error: string) => {
    stats.refused++;
    json(res, 400, { error });
  };

  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', origin);
    const path = u.pathname;
    void (async () => {
      if (path === '/.well-known/oauth-protected-resource/mcp' || path === '/.well-known/oauth-protected-resource') {
        return json(res, 200, { resource: `${origin}/mcp`, authorization_servers: [origin], bearer_methods_supported: ['header'] });
      }
      if (path === '/.well-known/oauth-authorization-server' || path === '/.well-known/openid-configuration') {
        return json(res, 200, {
          issuer: origin,
          authorization_endpoint: `${origin}/authorize`,
          token_endpoint: `${origin}/token`,
          registration_endpoint: `${origin}/register`,
          response_types_supported: ['code'],
          grant_types_supported: ['authorization_code', 'refresh_token'],
          code_challenge_methods_supported: ['S256'],
          token_endpoint_auth_methods_supported: ['none'],
          ...(opts.iss ? { authorization_response_iss_parameter_supported: true } : {}),
          ...(opts.cimd ? { client_id_metadata_document_supported: true } : {}),
        });
      }
      if (path.startsWith('/.well-known/')) return json(res, 404, { error: 'not_found' });
      if (path === '/register' && req.method === 'POST') {
        const meta = JSON.parse(await body(req)) as Record<string, unknown>;
        registrations.push(meta);
        const clientId = `client_${randomBytes(8).toString('hex')}`;
        clients.add(clientId);
        stats.registrations++;
        return json(res, 201, { ...meta, client_id: clientId, client_id_issued_at: Math.floor(Date.now() / 1000), token_endpoint_auth_method: 'none' });
      }
      if (path === '/authorize') {
        const clientId = u.searchParams.get('client_id') ?? '';
        const redirectUri = u.searchParams.get('redirect_uri') ?? '';
        if (opts.cimd && clientId.startsWith('https://') && !clients.has(clientId)) {
          const doc = await opts.cimd.fetchDocument(clientId);
          const loopback = (u: string) => u.replace(/^(http:\/\/(?:127\.0\.0\.1|localhost|\[::1\])):\d+/, '$1');
          const listed =
            Array.isArray(doc?.redirect_uris) && (doc.redirect_uris as unknown[]).some((r) => typeof r === 'string' && loopback(r) === loopback(redirectUri));
          if (!doc || doc.client_id !== clientId || !listed)
            return json(res, 400, { error: 'invalid_client', error_description: 'client metadata document missing or not matching' });
          stats.metadataDocuments++;
          clients.add(clientId);
        }
        if (!clients.has(clientId) || !redirectUri) return json(res, 400, { error: 'invalid_request' });
        const challenge = u.searchParams.get('code_challenge') ?? '';
        if (!challenge || u.searchParams.get('code_challenge_method') !== 'S256')
          return json(res, 400, { error: 'invalid_request', error_description: 'PKCE S256 required' });
        stats.authorizations++;
        const code = `code_${randomBytes(8).toString('hex')}`;
        codes.set(code, { clientId, redirectUri, challenge, scope: u.searchParams.get('scope') ?? '' });
        const back = new URL(redirectUri);
        back.searchParams.set('code', code);
        if (opts.iss) back.searchParams.set('iss', opts.iss === 'right' ? origin : 'https://mix-up.example');
        const state = u.searchParams.get('state');
        if (state) back.searchParams.set('state', state);
        res.writeHead(302, { Location: back.toString() });
        return res.end();
      }
      if (path === '/token' && req.method === 'POST') {
        const form = new URLSearchParams(await body(req));
        tokenRequests.push(Object.fromEntries(form));
        if (form.get('grant_type') === 'authorization_code') {
          const grant = codes.get(form.get('code') ?? '');
          if (!grant) return refuse(res, 'invalid_grant');
          codes.delete(form.get('code')!);
          const verifier = form.get('code_verifier') ?? '';
          if (createHash('sha256').update(verifier).digest('base64url') !== grant.challenge) return refuse(res, 'invalid_grant');
          if (form.get('redirect_uri') !== grant.redirectUri) return refuse(res, 'invalid_grant');
          return issue(res, grant.clientId, grant.scope);
        }
        if (form.get('grant_type') === 'refresh_token') {
          stats.refreshes++;
          const rt = form.get('refresh_token') ?? '';
          const clientId = refresh.get(rt);
          if (!clientId) return refuse(res, 'invalid_grant');
          if (opts.rotateRefreshTokens) refresh.delete(rt);
          return issue(res, clientId, scopes.get(rt));
        }
        return json(res, 400, { error: 'unsupported_grant_type' });
      }
      if (path === '/mcp' || (opts.mcp === 'sse' && path === '/messages')) {
        const auth = req.headers.authorization ?? '';
        const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
        if (!tokens.has(token) || (expiry.get(token) ?? 0) <= Date.now()) {
          stats.mcpUnauthorized++;
          req.resume();
          return json(
            res,
            401,
            { error: 'invalid_token' },
            {
              'WWW-Authenticate': `Bearer error="invalid_token", resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
            },
          );
        }
        const granted = (scopes.get(token) ?? '').split(' ');
        const sent = opts.stepUpScope ? await body(req) : undefined;
        if (opts.stepUpScope && sent?.includes('"tools/call"') && !granted.includes(opts.stepUpScope)) {
          return json(
            res,
            403,
            { error: 'insufficient_scope' },
            {
              'WWW-Authenticate': `Bearer error="insufficient_scope", scope="${opts.stepUpScope}", resource_metadata="${origin}/.well-known/oauth-protected-resource/mcp"`,
            },
          );
        }
        stats.mcpAuthorized++;
        const headers = { ...req.headers };
        delete headers.host;
        delete headers.authorization;
        const upstream = request(new URL(req.url ?? '/', inner.url), { method: req.method, headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        upstream.on('error', () => {
          if (!res.headersSent) json(res, 502, { error: 'upstream' });
          else res.end();
        });
        if (sent !== undefined) upstream.end(sent);
        else req.pipe(upstream);
        return;
      }
      json(res, 404, { error: 'not_found' });
    })().catch((e: unknown) => {
      if (!res.headersSent) json(res, 500, { error: String(e) });
      else res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: `${origin}/mcp`,
    stats,
    tokens,
    registrations,
    tokenRequests,
    upstream: () => inner.stats(),
    revoke: () => {
      tokens.clear();
      refresh.clear();
    },
    expireAccessTokens: () => {
      for (const t of expiry.keys()) expiry.set(t, 0);
    },
    close: async () => {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await inner.close();
    },
  };
}
