// A sign-in that reuses a registration made by mcp-remote (redirect `http://localhost:PORT/…`)
// against another local user listening on [::1]:PORT: a browser resolves localhost to ::1 first, so
// whoever listens there would receive the authorization code and state. The pool listens on both
// loopbacks for such a redirect, or, when [::1]:PORT is held by someone else, registers again with a
// 127.0.0.1 redirect; the hostile listener receives nothing. Real sockets: the authorization server
// (test/unit/faults/oauthServer.ts), the hostile listener on [::1], and a 'browser' that follows
// the authorization URL and tries [::1] before 127.0.0.1 for `localhost`, as browsers do.
import * as assert from 'node:assert/strict';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo, createServer, type Server } from 'node:net';
import type { Pool, PoolEvent } from '../../../src/pool';
import { MemorySignInStore, signInKey } from '../../../src/pool/direct/signIn';
import { sleep, tempDir } from '../faults/faultKit';
import { startOAuthServer, type OAuthServer } from '../faults/oauthServer';
import { collectEvents, directSpec, makePool, textOf } from '../helpers';

type AuthEvent = Extract<PoolEvent, { type: 'authRequired' }>;

function listen(server: Server | HttpServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
}

function close(server: Server | HttpServer | undefined): Promise<void> {
  if (!server?.listening) return Promise.resolve();
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Whether this machine has an IPv6 loopback to listen on. */
async function hasIpv6Loopback(): Promise<boolean> {
  const s = createServer();
  try {
    await listen(s, 0, '::1');
    return true;
  } catch {
    return false;
  } finally {
    await close(s);
  }
}

/** A port free on both 127.0.0.1 and ::1. */
async function portFreeOnBoth(): Promise<number> {
  for (let i = 0; i < 20; i++) {
    const v4 = createServer();
    await listen(v4, 0, '127.0.0.1');
    const port = (v4.address() as AddressInfo).port;
    const v6 = createServer();
    const free = await listen(v6, port, '::1').then(
      () => true,
      () => false,
    );
    await close(v6);
    await close(v4);
    if (free) return port;
  }
  throw new Error('no port free on both loopbacks');
}

/**
 * The user's browser: opens the authorization URL (the server approves at once and redirects), then
 * follows the redirect; for `localhost` it tries [::1] first and 127.0.0.1 only if nothing listens
 * there. Returns which address answered and the page.
 */
async function browse(url: string): Promise<{ address: string; status: number; page: string }> {
  const res = await fetch(url, { redirect: 'manual' });
  const location = res.headers.get('location');
  await res.text();
  assert.ok(location, `the authorization server redirected (HTTP ${res.status})`);
  const back = new URL(location);
  const addresses = back.hostname === 'localhost' ? ['[::1]', '127.0.0.1'] : [back.hostname];
  let last: unknown;
  for (const address of addresses) {
    const u = new URL(back);
    u.hostname = address;
    try {
      const answer = await fetch(u, { signal: AbortSignal.timeout(5000) });
      return { address, status: answer.status, page: await answer.text() };
    } catch (e) {
      last = e;
    }
  }
  throw new Error(`the redirect could not be opened: ${String(last)}`);
}

describe('attacks: a sign-in redirect to localhost lands only where the pool listens', function () {
  this.timeout(60_000);
  let oauth: OAuthServer | undefined;
  let pool: Pool | undefined;
  let hostile: HttpServer | undefined;
  let events: PoolEvent[];
  /** What the hostile listener on [::1] received (request lines). */
  let stolen: string[];

  before(async function () {
    if (!(await hasIpv6Loopback())) this.skip(); // no ::1 on this machine: nobody can listen there either
  });
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await oauth?.close();
    oauth = undefined;
    hostile?.closeAllConnections();
    await close(hostile);
    hostile = undefined;
  });

  /** A pool whose store holds mcp-remote's registration for this server: redirect http://localhost:PORT/oauth/callback. */
  async function poolWithLocalhostRegistration(port: number): Promise<{ p: Pool; redirect: string }> {
    oauth = await startOAuthServer();
    const redirect = `http://localhost:${port}/oauth/callback`;
    const reg = await fetch(new URL('/register', oauth.url), {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ client_name: 'mcp-remote', redirect_uris: [redirect], token_endpoint_auth_method: 'none' }),
    });
    const client = (await reg.json()) as { client_id: string; redirect_uris: string[] };
    const store = new MemorySignInStore();
    await store.set(signInKey(oauth.url, {}), { client });
    pool = makePool({ livenessIntervalMs: 0, authTimeoutMs: 30_000 }, { signIns: { store, mcpRemoteEnv: { HOME: tempDir('no-mcp-remote-') } } });
    events = collectEvents(pool);
    await pool.configure([directSpec('o', oauth.url)]);
    return { p: pool, redirect };
  }

  async function waitForAuth(ms = 15_000): Promise<AuthEvent> {
    const end = Date.now() + ms;
    for (;;) {
      const hit = events.find((e): e is AuthEvent => e.type === 'authRequired' && e.app === 'o');
      if (hit) return hit;
      if (Date.now() > end) throw new Error(`no sign-in asked within ${ms} ms`);
      await sleep(20);
    }
  }

  it('another user listens on [::1]:PORT: the pool registers again with a 127.0.0.1 redirect, and the listener receives nothing', async () => {
    const port = await portFreeOnBoth();
    stolen = [];
    hostile = createHttpServer((req, res) => {
      stolen.push(req.url ?? '');
      res.end('thanks for the code');
    });
    await listen(hostile, port, '::1');
    const { p } = await poolWithLocalhostRegistration(port);
    const call = p.callTool('o', 'echo', { text: 'safe' });
    call.catch(() => undefined);
    const ask = await waitForAuth();
    const redirectUri = new URL(ask.url).searchParams.get('redirect_uri') ?? '';
    const landed = await browse(ask.url);
    console.log(`      redirect_uri ${redirectUri}; the browser landed on ${landed.address}; the [::1] listener received ${stolen.length} request(s)`);
    assert.deepEqual(stolen, [], 'the hostile listener on [::1] received the code');
    assert.match(redirectUri, /^http:\/\/127\.0\.0\.1:\d+\/oauth\/callback$/);
    assert.match(landed.page, /Signed in: o/);
    assert.equal(textOf((await call).result.content).split('\n')[0], 'safe');
    assert.equal(oauth!.stats.registrations, 2, "mcp-remote's registration, then the pool's own for 127.0.0.1");
  });

  it('nobody else on [::1]:PORT: the pool listens on both loopbacks and keeps the localhost redirect; a browser trying ::1 first signs in', async () => {
    const port = await portFreeOnBoth();
    const { p, redirect } = await poolWithLocalhostRegistration(port);
    const call = p.callTool('o', 'echo', { text: 'via ::1' });
    call.catch(() => undefined);
    const ask = await waitForAuth();
    assert.equal(new URL(ask.url).searchParams.get('redirect_uri'), redirect);
    const landed = await browse(ask.url);
    console.log(`      redirect_uri ${redirect}; the browser landed on ${landed.address}`);
    assert.equal(landed.address, '[::1]', 'the pool listens on [::1] too');
    assert.match(landed.page, /Signed in: o/);
    assert.equal(textOf((await call).result.content).split('\n')[0], 'via ::1');
    assert.equal(oauth!.stats.registrations, 1, "mcp-remote's registration is reused");
  });
});
