// What MCP 2026-07-28 requires of a client's OAuth, for direct apps (SDK v2's client auth under the
// pool's provider), each against a real local authorization server (faults/oauthServer.ts) and the
// "user" played by a plain HTTP client: the authorization response's `iss` checked (RFC 9207),
// `application_type` in the dynamic registration, `resource` (RFC 8707) on every grant including
// the refresh, step-up on `403 insufficient_scope`, and a login stored by the code before the move
// (no issuer stamp) used as it is.
import * as assert from 'node:assert/strict';
import { clientMetadataUrlProblem, type Pool, type PoolEvent, type PoolSettings } from '../../src/pool';
import { MemorySignInStore, signInKey, type StoredSignIn } from '../../src/pool/direct/signIn';
import { sleep, tempDir } from './faults/faultKit';
import { type OAuthServer, type OAuthServerOptions, startOAuthServer } from './faults/oauthServer';
import { collectEvents, directSpec, makePool, textOf } from './helpers';

type AuthEvent = Extract<PoolEvent, { type: 'authRequired' }>;

async function waitForAuth(events: PoolEvent[], app: string, from = 0, ms = 15_000): Promise<AuthEvent> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = events.slice(from).find((e): e is AuthEvent => e.type === 'authRequired' && e.app === app);
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`no sign-in asked within ${ms} ms`);
    await sleep(20);
  }
}

/** The user approves in the browser: the redirect lands on the pool's loopback; its page and status. */
async function approve(url: string): Promise<{ status: number; page: string }> {
  const res = await fetch(url);
  return { status: res.status, page: await res.text() };
}

describe('direct apps: OAuth as MCP 2026-07-28 requires of a client', function () {
  this.timeout(60_000);
  let oauth: OAuthServer | undefined;
  let pool: Pool | undefined;
  let events: PoolEvent[];
  let store: MemorySignInStore;

  function start(reuse?: MemorySignInStore, settings: Partial<PoolSettings> = {}): Pool {
    store = reuse ?? new MemorySignInStore();
    pool = makePool({ livenessIntervalMs: 0, startTimeoutMs: 10_000, ...settings }, { signIns: { store, mcpRemoteEnv: { HOME: tempDir('no-mcp-remote-') } } });
    events = collectEvents(pool);
    return pool;
  }
  async function stopPool(): Promise<void> {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
  }
  afterEach(async () => {
    await stopPool();
    await oauth?.close();
    oauth = undefined;
  });

  async function signedIn(options: OAuthServerOptions = {}, settings: Partial<PoolSettings> = {}): Promise<Pool> {
    oauth = await startOAuthServer(options);
    const p = start(undefined, settings);
    await p.configure([directSpec('o', oauth.url)]);
    const call = p.callTool('o', 'echo', { text: 'in' });
    await approve((await waitForAuth(events, 'o')).url);
    assert.equal(textOf((await call).result.content).split('\n')[0], 'in');
    return p;
  }

  it("RFC 9207: an authorization response whose iss is another issuer's is refused before the code is redeemed; the right iss signs in", async () => {
    oauth = await startOAuthServer({ iss: 'wrong' });
    const p = start();
    await p.configure([directSpec('o', oauth.url)]);
    const call = p.callTool('o', 'echo', { text: 'x' });
    await approve((await waitForAuth(events, 'o')).url);
    await assert.rejects(call, /issuer|iss/i);
    assert.equal(oauth.stats.tokensIssued, 0, 'the code was never redeemed');
    assert.equal(oauth.tokenRequests.filter((f) => f.grant_type === 'authorization_code').length, 0, 'no token request at all');
    await stopPool();
    await oauth.close();
    await signedIn({ iss: 'right' });
    assert.equal(oauth.stats.tokensIssued, 1);
  });

  it('dynamic registration says application_type "native" (a loopback redirect)', async () => {
    await signedIn();
    assert.equal(oauth!.registrations.length, 1);
    assert.equal(oauth!.registrations[0].application_type, 'native');
  });

  it('resource (RFC 8707) is sent on every grant: the code exchange and the refresh', async () => {
    const p = await signedIn();
    oauth!.expireAccessTokens();
    await p.callTool('o', 'echo', { text: 'after refresh' });
    assert.equal(oauth!.stats.refreshes, 1);
    const grants = oauth!.tokenRequests.map((f) => [f.grant_type, f.resource]);
    assert.deepEqual(grants, [
      ['authorization_code', oauth!.url],
      ['refresh_token', oauth!.url],
    ]);
  });

  it('step-up: a 403 insufficient_scope makes the pool sign in again asking for the wider scope; the call then runs once', async () => {
    oauth = await startOAuthServer({ stepUpScope: 'tools:call' });
    const p = start();
    await p.configure([directSpec('o', oauth.url)]);
    // (the first call meets the sign-in, then the 403: nothing was run)
    const call = p.callTool('o', 'echo', { text: 'wide' });
    const first = await waitForAuth(events, 'o');
    assert.doesNotMatch(first.url, /scope=[^&]*tools%3Acall/);
    await approve(first.url);
    const from = events.indexOf(first) + 1;
    const second = await waitForAuth(events, 'o', from);
    assert.match(second.url, /scope=[^&]*tools%3Acall/, 'the second sign-in asks for the wider scope');
    await approve(second.url);
    const r = await call;
    assert.equal(textOf(r.result.content).split('\n')[0], 'wide');
    assert.equal(oauth.upstream().toolCalls, 1, 'the call ran once');
    assert.equal(oauth.stats.authorizations, 2);
    const saved = await store.get(signInKey(oauth.url, {}));
    assert.equal(saved?.stepUpScope, undefined, 'the step-up is over once granted');
  });

  it('a login stored by the code before the move (no issuer stamps) is used as it is: no sign-in, no registration', async () => {
    await signedIn();
    const key = signInKey(oauth!.url, {});
    const saved = (await store.get(key))!;
    // what the 1.x-based code stored: the SDK's objects without v2's issuer stamp
    const strip = <T extends object>(o: T | undefined) => {
      if (!o) return o;
      const { issuer: _issuer, ...rest } = o as T & { issuer?: string };
      return rest as T;
    };
    const old: StoredSignIn = { tokens: strip(saved.tokens), client: strip(saved.client), discovery: saved.discovery };
    assert.equal('issuer' in (old.client ?? {}), false);
    const before = { ...oauth!.stats };
    await stopPool();
    const oldStore = new MemorySignInStore();
    await oldStore.set(key, old);
    const p = start(oldStore);
    await p.configure([directSpec('o', oauth!.url)]);
    const r = await p.callTool('o', 'echo', { text: 'kept' });
    assert.equal(textOf(r.result.content).split('\n')[0], 'kept');
    assert.equal(oauth!.stats.authorizations, before.authorizations, 'no browser');
    assert.equal(oauth!.stats.registrations, before.registrations, 'no new registration');
    assert.equal(events.filter((e) => e.type === 'authRequired').length, 0);
  });

  describe('client ID metadata documents (setting mcpPool.oauthClientMetadataUrl)', () => {
    const DOC_URL = 'https://clients.example.com/mcp-pool/client.json';
    /** The document an organization publishes for the pool: the one docs/remotes.md shows. */
    const document = {
      client_id: DOC_URL,
      client_name: 'MCP Remote Pool',
      application_type: 'native',
      redirect_uris: ['http://127.0.0.1/oauth/callback', 'http://localhost/oauth/callback'],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
    const fetched: string[] = [];
    const cimd = { fetchDocument: async (url: string) => (fetched.push(url), url === DOC_URL ? document : undefined) };

    it('where the authorization server takes them: the URL is the client_id, nothing is registered; the code exchange and the refresh carry it', async () => {
      fetched.length = 0;
      const p = await signedIn({ cimd }, { oauthClientMetadataUrl: DOC_URL });
      assert.equal(oauth!.stats.registrations, 0, 'no dynamic registration');
      assert.equal(oauth!.stats.metadataDocuments, 1);
      assert.deepEqual(fetched, [DOC_URL]);
      oauth!.expireAccessTokens();
      await p.callTool('o', 'echo', { text: 'after refresh' });
      assert.deepEqual(
        oauth!.tokenRequests.map((f) => [f.grant_type, f.client_id]),
        [
          ['authorization_code', DOC_URL],
          ['refresh_token', DOC_URL],
        ],
      );
      // the sign-in is kept with that client: a new session of the editor signs in with no browser
      await stopPool();
      const before = { ...oauth!.stats };
      const again = start(store, { oauthClientMetadataUrl: DOC_URL });
      await again.configure([directSpec('o', oauth!.url)]);
      assert.equal(textOf((await again.callTool('o', 'echo', { text: 'kept' })).result.content).split('\n')[0], 'kept');
      assert.equal(oauth!.stats.authorizations, before.authorizations, 'no browser');
      assert.equal(oauth!.stats.registrations, 0);
    });

    it('the setting removed: a sign-in made with the document is not used as that client any more; the next sign-in registers', async () => {
      await signedIn({ cimd }, { oauthClientMetadataUrl: DOC_URL });
      assert.equal(oauth!.stats.registrations, 0);
      await stopPool();
      const again = start(store, { oauthClientMetadataUrl: '' });
      await again.configure([directSpec('o', oauth!.url)]);
      const call = again.callTool('o', 'echo', { text: 'reg' });
      oauth!.revoke(); // (the old tokens would still work; the point is which client signs in next)
      await approve((await waitForAuth(events, 'o')).url);
      assert.equal(textOf((await call).result.content).split('\n')[0], 'reg');
      assert.equal(oauth!.stats.registrations, 1, 'registered, not the document URL');
      assert.match(oauth!.tokenRequests.at(-1)?.client_id ?? '', /^client_/);
    });

    it('where it does not: the client registers as before, the setting notwithstanding', async () => {
      await signedIn({}, { oauthClientMetadataUrl: DOC_URL });
      assert.equal(oauth!.stats.registrations, 1);
      assert.match(oauth!.tokenRequests[0].client_id ?? '', /^client_/);
    });

    it('the setting must be an https URL with a path: anything else is named and ignored', () => {
      assert.equal(clientMetadataUrlProblem(DOC_URL), undefined);
      assert.match(clientMetadataUrlProblem('http://clients.example.com/c.json')!, /must be an https:\/\/ URL/);
      assert.match(clientMetadataUrlProblem('https://clients.example.com/')!, /must have a path/);
      assert.match(clientMetadataUrlProblem('https://u:p@clients.example.com/c.json')!, /credentials/);
      assert.match(clientMetadataUrlProblem('https://clients.example.com/c.json#x')!, /fragment/);
      assert.match(clientMetadataUrlProblem('clients.example.com/c.json')!, /not a URL/);
    });
  });
});
