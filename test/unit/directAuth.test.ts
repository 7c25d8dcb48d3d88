// OAuth for direct apps, without mcp-remote: the SDK's client auth against a real local
// authorization server (registration, PKCE, code exchange, refresh, rotation, revocation), a real
// loopback redirect, the "user" played by a plain HTTP client following the authorization URL the
// pool reported; and a login made by the real mcp-remote, picked up from its cache without a browser.
import * as assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { type AddressInfo, connect, createServer, type Server } from 'node:net';
import { join } from 'node:path';
import type { Pool, PoolEvent } from '../../src/pool';
import { signInKey, MemorySignInStore } from '../../src/pool/direct/signIn';
import { LoopbackRedirect } from '../../src/pool/direct/loopback';
import { fakeBrowser, sleep, tempDir } from './faults/faultKit';
import { startOAuthServer, type OAuthServer } from './faults/oauthServer';
import { collectEvents, directSpec, makePool, ourProcesses, remoteSpec, textOf } from './helpers';

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

/** Plays the user in the browser: opens the URL, the server approves, the redirect lands on the pool's loopback. */
async function approve(url: string): Promise<string> {
  const res = await fetch(url);
  const page = await res.text();
  assert.equal(res.status, 200, page);
  return page;
}

describe('direct apps: OAuth without mcp-remote', function () {
  this.timeout(60_000);
  let oauth: OAuthServer | undefined;
  let pool: Pool | undefined;
  let events: PoolEvent[];
  let store: MemorySignInStore;

  function start(settings: Parameters<typeof makePool>[0] = {}, mcpRemoteEnv: NodeJS.ProcessEnv = { HOME: tempDir('no-mcp-remote-') }): Pool {
    store = new MemorySignInStore();
    pool = makePool({ livenessIntervalMs: 0, ...settings }, { signIns: { store, mcpRemoteEnv } });
    events = collectEvents(pool);
    return pool;
  }
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await oauth?.close();
    oauth = undefined;
  });

  it('signs in once in the browser (registration, PKCE, loopback redirect), waits for the user past the start timeout, and keeps the sign-in for restarts', async () => {
    oauth = await startOAuthServer();
    const p = start({ startTimeoutMs: 1000, authTimeoutMs: 30_000 });
    await p.configure([directSpec('o', oauth.url)]);
    const before = ourProcesses().length;
    const call = p.callTool('o', 'echo', { text: 'signed in' });
    const ask = await waitForAuth(events, 'o');
    assert.match(
      ask.url,
      /\/authorize\?response_type=code&client_id=client_[0-9a-f]+&code_challenge=[\w-]+&code_challenge_method=S256&redirect_uri=http%3A%2F%2F127\.0\.0\.1%3A\d+%2Foauth%2Fcallback&state=[0-9a-f]{32}/,
    );
    await sleep(1500); // the user takes longer than the start timeout
    assert.match(await approve(ask.url), /Signed in: o/);
    const r = await call;
    assert.equal(textOf(r.result.content).split('\n')[0], 'signed in');
    assert.deepEqual([oauth.stats.registrations, oauth.stats.authorizations, oauth.stats.tokensIssued], [1, 1, 1]);
    assert.equal(ourProcesses().length, before, 'no process');
    const saved = await store.get(signInKey(oauth.url, {}));
    assert.ok(saved?.tokens?.access_token && oauth.tokens.has(saved.tokens.access_token), 'the tokens are in the store');
    assert.ok(saved.client?.client_id);
    const said = JSON.stringify(events) + JSON.stringify(p.snapshots());
    assert.equal(said.includes(saved.tokens.access_token), false, 'the token is never shown');
    assert.equal(said.includes(saved.tokens.refresh_token!), false);
    await p.restart('o');
    await p.callTool('o', 'echo', { text: 'again' });
    assert.equal(oauth.stats.authorizations, 1, 'no new sign-in after a restart');
    assert.equal(events.filter((e) => e.type === 'authRequired').length, 1);
  });

  it('two apps with the same server starting at once share one browser sign-in', async () => {
    oauth = await startOAuthServer();
    const p = start();
    await p.configure([directSpec('a', oauth.url), directSpec('b', oauth.url)]);
    const calls = [p.callTool('a', 'echo', { text: 'one' }), p.callTool('b', 'echo', { text: 'two' })];
    const ask = await Promise.race([waitForAuth(events, 'a'), waitForAuth(events, 'b')]);
    await sleep(300); // the other has met its 401 by now, and waits
    assert.equal(events.filter((e) => e.type === 'authRequired').length, 1, 'one app asks');
    await approve(ask.url);
    const [ra, rb] = await Promise.all(calls);
    assert.deepEqual([textOf(ra.result.content).split('\n')[0], textOf(rb.result.content).split('\n')[0]], ['one', 'two']);
    assert.equal(oauth.stats.authorizations, 1);
    assert.equal(events.filter((e) => e.type === 'authRequired').length, 1);
  });

  it('an expired token is refreshed without the user; 10 calls meeting it at once make one refresh (rotating refresh tokens) and each runs once', async () => {
    oauth = await startOAuthServer({ rotateRefreshTokens: true });
    const p = start();
    await p.configure([directSpec('o', oauth.url)]);
    const first = p.callTool('o', 'echo', { text: 'x' });
    await approve((await waitForAuth(events, 'o')).url);
    await first;
    oauth.expireAccessTokens();
    const executed = oauth.upstream().toolCalls;
    const calls = await Promise.all(Array.from({ length: 10 }, (_, i) => p.callTool('o', 'add', { a: i, b: 1 })));
    calls.forEach((c, i) => assert.equal(textOf(c.result.content), String(i + 1)));
    assert.equal(oauth.upstream().toolCalls - executed, 10, 'each call executed once');
    assert.equal(oauth.stats.refreshes, 1, 'one refresh for ten calls');
    assert.equal(oauth.stats.refused, 0);
    assert.equal(oauth.stats.authorizations, 1, 'no browser');
    assert.equal(p.snapshot('o')!.starts, 1, 'the same session');
  });

  it('a server that only speaks legacy SSE and requires OAuth: the sign-in works on the fallback transport', async () => {
    oauth = await startOAuthServer({ mcp: 'sse' });
    const p = start();
    await p.configure([directSpec('old', oauth.url)]);
    const call = p.callTool('old', 'echo', { text: 'sse after sign-in' });
    await approve((await waitForAuth(events, 'old')).url);
    const r = await call;
    assert.equal(textOf(r.result.content).split('\n')[0], 'sse after sign-in');
    assert.equal(oauth.stats.authorizations, 1);
    const log = events
      .filter((e): e is Extract<PoolEvent, { type: 'stderr' }> => e.type === 'stderr')
      .map((e) => e.line)
      .join('\n');
    assert.match(log, /legacy SSE/);
  });

  it('a revoked sign-in: the next call is refused unprocessed, a fresh session asks the user again, and the call then runs once', async () => {
    oauth = await startOAuthServer();
    const p = start();
    await p.configure([directSpec('o', oauth.url)]);
    const first = p.callTool('o', 'echo', { text: 'x' });
    await approve((await waitForAuth(events, 'o')).url);
    await first;
    oauth.revoke();
    const executed = oauth.upstream().toolCalls;
    const from = events.length;
    const call = p.callTool('o', 'echo', { text: 'after revoke' });
    await approve((await waitForAuth(events, 'o', from)).url);
    const r = await call;
    assert.equal(textOf(r.result.content).split('\n')[0], 'after revoke');
    assert.equal(oauth.stats.authorizations, 2);
    assert.equal(oauth.upstream().toolCalls - executed, 1, 'executed once');
  });

  it('stopping the app while it waits for the user ends the sign-in: the start is cancelled, the loopback closed', async () => {
    oauth = await startOAuthServer();
    const p = start({ authTimeoutMs: 30_000 });
    await p.configure([directSpec('o', oauth.url)]);
    const call = p.callTool('o', 'echo', { text: 'x' });
    const ask = await waitForAuth(events, 'o');
    const port = Number(decodeURIComponent(new URL(ask.url).searchParams.get('redirect_uri')!).match(/:(\d+)\//)![1]);
    await p.stop('o');
    await assert.rejects(call, (e: Error & { code?: string }) => e.code === 'stopped');
    await assert.rejects(fetch(`http://127.0.0.1:${port}/oauth/callback?code=x&state=y`), 'nothing listens any more');
  });

  it('a login made through the real mcp-remote is used without a browser (its cache, keyed as mcp-remote keys it)', async () => {
    oauth = await startOAuthServer();
    const home = tempDir('mcp-remote-home-');
    const browser = fakeBrowser();
    const env = { HOME: home, PATH: `${browser.bin}:${process.env.PATH ?? ''}`, BROWSER: browser.browser };
    // 1. sign in through mcp-remote, as a user of the proxy did before
    const viaProxy = makePool();
    const proxyEvents = collectEvents(viaProxy);
    try {
      await viaProxy.configure([remoteSpec('old', oauth.url, { env })]);
      const call = viaProxy.callTool('old', 'echo', { text: 'x' });
      await approve((await waitForAuth(proxyEvents, 'old', 0, 30_000)).url);
      await call;
    } finally {
      await viaProxy.shutdown();
      viaProxy.dispose();
    }
    const files = readdirSync(join(home, '.mcp-auth', 'mcp-remote-v1'));
    assert.ok(files.includes(`${signInKey(oauth.url, {})}_tokens.json`), `mcp-remote keyed it as we do: ${files.join(', ')}`);
    // 2. the same server as a direct app: no sign-in
    const p = start({}, { HOME: home });
    await p.configure([directSpec('new', oauth.url)]);
    const r = await p.callTool('new', 'echo', { text: 'no browser' });
    assert.equal(textOf(r.result.content).split('\n')[0], 'no browser');
    assert.equal(events.filter((e) => e.type === 'authRequired').length, 0);
    assert.equal(oauth.stats.authorizations, 1, 'only the one through mcp-remote');
    const log = events.filter((e): e is Extract<PoolEvent, { type: 'stderr' }> => e.type === 'stderr').map((e) => e.line);
    assert.ok(
      log.some((l) => /using the sign-in mcp-remote saved for this server \(copied from .*mcp-remote-v1\)/.test(l)),
      log.join('\n'),
    );
    assert.ok((await store.get(signInKey(oauth.url, {})))?.tokens, 'copied into the store');
  });

  it('in a remote window the browser comes back through a forwarded port: the client is registered with that redirect and the sign-in completes through it; a forward that fails falls back to the loopback', async () => {
    oauth = await startOAuthServer();
    // what VS Code's asExternalUri does in a remote window: a port on the user's side, forwarded to
    // the loopback; answered as code-server answers, a base of its own (the path asked for dropped)
    const forwards: Server[] = [];
    let forwarded = 0;
    let failForward = false;
    const externalRedirect = async (local: string): Promise<string> => {
      if (failForward) throw new Error('no tunnel');
      const target = new URL(local);
      const fwd = createServer((sock) => {
        forwarded++;
        const up = connect(Number(target.port), '127.0.0.1');
        sock.pipe(up).pipe(sock);
        const end = () => (sock.destroy(), up.destroy());
        sock.on('error', end);
        up.on('error', end);
      });
      forwards.push(fwd);
      await new Promise<void>((r) => fwd.listen(0, '127.0.0.1', r));
      return `http://localhost:${(fwd.address() as AddressInfo).port}/proxy/${target.port}`;
    };
    try {
      store = new MemorySignInStore();
      pool = makePool({ livenessIntervalMs: 0 }, { signIns: { store, mcpRemoteEnv: { HOME: tempDir('no-mcp-remote-') }, externalRedirect } });
      events = collectEvents(pool);
      await pool.configure([directSpec('fw', oauth.url)]);
      const call = pool.callTool('fw', 'echo', { text: 'through the forward' });
      const ask = await waitForAuth(events, 'fw');
      const fwdPort = (forwards[0].address() as AddressInfo).port;
      const redirect = new URL(ask.url).searchParams.get('redirect_uri') ?? '';
      assert.match(redirect, new RegExp(`^http://localhost:${fwdPort}/proxy/\\d+/oauth/callback$`), ask.url);
      assert.match(await approve(ask.url), /Signed in: fw/);
      assert.equal(textOf((await call).result.content).split('\n')[0], 'through the forward');
      assert.ok(forwarded >= 1, 'the browser came back through the forwarded port');
      const saved = await store.get(signInKey(oauth.url, {}));
      assert.deepEqual((saved?.client as { redirect_uris?: string[] } | undefined)?.redirect_uris, [redirect]);

      // the sign-in is revoked and no forward can be made now: the loopback itself, registered again
      oauth.revoke();
      failForward = true;
      const again = pool.callTool('fw', 'echo', { text: 'no forward' });
      const ask2 = await waitForAuth(events, 'fw', events.indexOf(ask) + 1);
      assert.match(new URL(ask2.url).searchParams.get('redirect_uri') ?? '', /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
      assert.match(await approve(ask2.url), /Signed in: fw/);
      assert.equal(textOf((await again).result.content).split('\n')[0], 'no forward');
      assert.equal(oauth.stats.registrations, 2, 'registered again for the other redirect');
    } finally {
      for (const f of forwards) f.close();
    }
  });

  it("the loopback accepts only a state it handed out, and shows the authorization server's refusal", async () => {
    const lb = new LoopbackRedirect('demo');
    try {
      const port = await lb.listen();
      lb.expect('good');
      const next = lb.next();
      const forged = await fetch(`http://127.0.0.1:${port}/oauth/callback?code=evil&state=bad`);
      assert.equal(forged.status, 400);
      assert.match(await forged.text(), /not one the editor is waiting for/);
      const ok = await fetch(`http://127.0.0.1:${port}/oauth/callback?code=c1&state=good`);
      assert.equal(ok.status, 200);
      assert.deepEqual(await next, { code: 'c1', state: 'good' });
      const replay = await fetch(`http://127.0.0.1:${port}/oauth/callback?code=c1&state=good`);
      assert.equal(replay.status, 400, 'a state is used once');
      lb.expect('s2');
      const refused = assert.rejects(lb.next(), /authorization server said access_denied: The user said no/);
      const denied = await fetch(`http://127.0.0.1:${port}/oauth/callback?error=access_denied&error_description=The+user+said+no&state=s2`);
      assert.match(await denied.text(), /access_denied: The user said no/);
      await refused;
    } finally {
      lb.close();
    }
  });
});
