// Faults specific to remote apps, through the real bundled mcp-remote: the remote server is down,
// unreachable or hanging, answers 401/404/500, is slow; OAuth sign-in (the pool must report the
// URL and wait for the user); two apps with the same URL sharing mcp-remote's OAuth state.
// Every app gets a throw-away HOME (mcp-remote's token cache) and a fake browser on PATH.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import type { Pool, PoolEvent, RemoteAppSpec } from '../../../src/pool';
import { startHttpFixture, type HttpFixture, type HttpFixtureMode } from '../../fixtures/http-server';
import { collectEvents, makePool, remoteSpec, textOf } from '../helpers';
import { closedPort, expectCode, expectNoDescendants, fakeBrowser, ourDescendants, printFigures, serverProcesses, sleep, tempDir } from './faultKit';
import { startOAuthServer, type OAuthServer } from './oauthServer';

const figures: Record<string, unknown> = {};

/** A remote spec with its own HOME and a browser that only records launches. */
function isolated(name: string, url: string, extra: Partial<RemoteAppSpec> = {}) {
  const home = tempDir('pool-remote-home-');
  const browser = fakeBrowser();
  const env = { HOME: home, PATH: `${browser.bin}:${process.env.PATH ?? ''}`, BROWSER: browser.browser, ...extra.env };
  return { spec: remoteSpec(name, url, { ...extra, env }), home, browser };
}

function authDir(home: string): string {
  return join(home, '.mcp-auth', 'mcp-remote-v1');
}

function authFiles(home: string): string[] {
  const dir = authDir(home);
  return existsSync(dir) ? readdirSync(dir).sort() : [];
}

describe('faults: remote apps through mcp-remote', function () {
  this.timeout(90_000);
  let pool: Pool | undefined;
  const cleanups: (() => Promise<void> | void)[] = [];
  let t0 = Date.now();
  before(() => (t0 = Date.now()));

  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    for (const c of cleanups.splice(0).reverse()) await c();
    await expectNoDescendants(5000);
  });
  after(() => printFigures('mcp-remote', { ...figures, alive_at_end: ourDescendants().length, duration_s: (Date.now() - t0) / 1000 }));

  async function http(mode: HttpFixtureMode = 'ok', latencyMs = 0): Promise<HttpFixture> {
    const s = await startHttpFixture({ mode, latencyMs });
    cleanups.push(() => s.close());
    return s;
  }

  it('server down (nothing listening): start-failed with the reason, one spawn per request, then backoff; no process, no browser', async () => {
    const port = await closedPort();
    const { spec, browser } = isolated('down', `http://127.0.0.1:${port}/mcp`);
    pool = makePool({ crashLoopBaseMs: 30_000 });
    await pool.configure([spec]);
    const s = Date.now();
    const err = await expectCode(
      pool.callTool('down', 'echo', { text: 'x' }),
      'start-failed',
      /app "down" could not start: mcp-remote could not reach the remote server \(fetch failed\): its host does not resolve or does not answer; .*it exited during start \(exit code 1\)/,
    );
    figures.down_fail_ms = Date.now() - s;
    assert.ok(
      err.stderrTail.some((l) => /ECONNREFUSED|fetch failed/.test(l)),
      err.details,
    );
    assert.deepEqual(serverProcesses(pool), [], 'nothing left running');
    assert.equal(pool.snapshot('down')!.starts, 1);
    await expectCode(pool.callTool('down', 'echo', { text: 'x' }), 'start-failed');
    assert.equal(pool.snapshot('down')!.starts, 2);
    await expectCode(pool.callTool('down', 'echo', { text: 'x' }), 'backoff');
    assert.equal(pool.snapshot('down')!.starts, 2, 'held back: no spawn');
    assert.deepEqual(browser.launches(), []);
  });

  it('unreachable: a DNS failure fails fast; a host that accepts but never answers hits the start timeout and the tree is killed', async () => {
    const dns = isolated('nxdomain', 'https://mcp.unreachable.invalid/mcp');
    const sockets = new Set<Socket>();
    const hole: Server = createServer((sock) => {
      sockets.add(sock); // accept, read nothing, answer nothing
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    cleanups.push(() => {
      for (const s of sockets) s.destroy();
      return new Promise<void>((r) => hole.close(() => r()));
    });
    const blackhole = isolated('blackhole', `http://127.0.0.1:${(hole.address() as { port: number }).port}/mcp`);
    pool = makePool({ startTimeoutMs: 4000 });
    await pool.configure([dns.spec, blackhole.spec]);
    const s1 = Date.now();
    const e1 = await expectCode(pool.callTool('nxdomain', 'echo', { text: 'x' }), 'start-failed');
    figures.dns_fail_ms = Date.now() - s1;
    assert.match(e1.details, /ENOTFOUND|EAI_AGAIN|fetch failed|getaddrinfo/);
    const s2 = Date.now();
    let pid: number | undefined;
    const watch = setInterval(() => (pid ??= serverProcesses(pool)[0]), 50);
    await expectCode(pool.callTool('blackhole', 'echo', { text: 'x' }), 'start-failed', /did not complete the MCP handshake within 4 s/);
    clearInterval(watch);
    figures.blackhole_fail_ms = Date.now() - s2;
    assert.ok(pid, 'mcp-remote was running');
    assert.deepEqual(serverProcesses(pool), [], 'the hanging mcp-remote was killed');
    assert.equal(pool.snapshot('blackhole')!.status, 'failed', 'a start that timed out is a failed start');
    assert.deepEqual([...dns.browser.launches(), ...blackhole.browser.launches()], []);
  });

  it('401 without OAuth metadata: start-failed naming the 401, no browser, one start per request, no process left', async () => {
    const server = await http('401');
    const { spec, browser, home } = isolated('denied', server.url);
    pool = makePool({ crashLoopBaseMs: 30_000 });
    const events = collectEvents(pool);
    await pool.configure([spec]);
    const s = Date.now();
    const err = await expectCode(
      pool.callTool('denied', 'echo', { text: 'x' }),
      'start-failed',
      /the remote server answered HTTP 401, so mcp-remote exited during start \(exit code 1\); the server refused the credentials: check the app's headers/,
    );
    figures.http401_fail_ms = Date.now() - s;
    figures.http401_says = JSON.stringify(
      err.stderrTail
        .find((l) => /401/.test(l))
        ?.replace(/^\[\d+\]\s*/, '')
        .slice(0, 80),
    );
    assert.ok(
      err.stderrTail.some((l) => /Dynamic Client Registration rejected \(HTTP 401\)/.test(l)),
      err.details,
    );
    assert.equal(pool.snapshot('denied')!.starts, 1, 'one start attempt for one request');
    assert.deepEqual(serverProcesses(pool), []);
    await expectCode(pool.callTool('denied', 'echo', { text: 'x' }), 'start-failed');
    await expectCode(pool.callTool('denied', 'echo', { text: 'x' }), 'backoff');
    assert.equal(pool.snapshot('denied')!.starts, 2);
    assert.equal(pool.snapshot('denied')!.authUrl, undefined);
    assert.ok(!events.some((e) => e.type === 'authRequired'));
    assert.deepEqual(browser.launches(), [], 'no browser was launched');
    figures.http401_browser_launches = browser.launches().length;
    figures.http401_auth_files = authFiles(home).length;
  });

  it('404 and 500: start-failed with the status in the reason, no process left', async () => {
    const s404 = await http('404');
    const s500 = await http('500');
    pool = makePool();
    await pool.configure([isolated('nf', s404.url).spec, isolated('ise', s500.url).spec]);
    const e404 = await expectCode(
      pool.callTool('nf', 'echo', { text: 'x' }),
      'start-failed',
      /the remote server answered HTTP 404, so mcp-remote exited during start \(exit code 1\); no MCP endpoint there: check the app's URL/,
    );
    assert.ok(
      e404.stderrTail.some((l) => /Non-200 status code \(404\)/.test(l)),
      e404.details,
    );
    const e500 = await expectCode(
      pool.callTool('ise', 'echo', { text: 'x' }),
      'start-failed',
      /the remote server answered HTTP 500 Internal Server Error, so mcp-remote exited during start \(exit code 1\); the server itself failed/,
    );
    assert.ok(
      e500.stderrTail.some((l) => /Version negotiation failed: the server answered the probe with HTTP 500/.test(l)),
      e500.details,
    );
    assert.deepEqual(serverProcesses(pool), []);
    figures.http404_and_500 = 'start-failed';
  });

  it('slow server: a short call timeout fails clearly and keeps the (still answering) process; progress keeps a long call alive', async () => {
    const slow = await http('ok', 2000);
    const fast = await http('ok', 0);
    pool = makePool({ pingTimeoutMs: 3000 });
    const events = collectEvents(pool);
    await pool.configure([isolated('slow', slow.url).spec, isolated('steps', fast.url).spec]);
    await pool.warm('slow');
    const pid = pool.snapshot('slow')!.pid;
    const s = Date.now();
    await expectCode(pool.callTool('slow', 'echo', { text: 'x' }, { timeoutMs: 500 }), 'timeout', /call to "echo" on app "slow" timed out after 0\.5 s/);
    figures.slow_timeout_after_ms = Date.now() - s;
    await sleep(500); // the pool pings mcp-remote, which answers: the process is kept
    assert.equal(pool.snapshot('slow')!.pid, pid);
    assert.ok(!events.some((e) => e.type === 'stopped' && e.reason === 'hung'));
    const ok = await pool.callTool('slow', 'echo', { text: 'patience' });
    assert.equal(ok.pid, pid);
    assert.equal(textOf(ok.result.content).split('\n')[0], 'patience');

    // 8 steps of 250 ms with a 1 s timeout: fine with progress (each step resets it), a timeout without
    const progress: string[] = [];
    const withProgress = await pool.callTool(
      'steps',
      'progress',
      { steps: 8, delayMs: 250 },
      { timeoutMs: 1000, onProgress: (p) => progress.push(p.message ?? '') },
    );
    assert.equal(textOf(withProgress.result.content), 'done');
    figures.progress_notifications_through_mcp_remote = progress.length;
    assert.ok(progress.length >= 7, `progress arrived through mcp-remote: ${progress.join(', ')}`);
    await expectCode(pool.callTool('steps', 'progress', { steps: 8, delayMs: 250 }, { timeoutMs: 1000 }), 'timeout');
  });

  describe('OAuth (a real sign-in against a local authorization server)', () => {
    let oauth: OAuthServer;
    beforeEach(async () => {
      oauth = await startOAuthServer();
      cleanups.push(() => oauth.close());
    });

    /** Plays the user: opens the URL the pool reported (follows the redirect to mcp-remote's callback). */
    async function signIn(events: PoolEvent[], app: string, afterMs = 0): Promise<string> {
      const ev = await waitFor(events, (e) => e.type === 'authRequired' && e.app === app, 20_000);
      if (afterMs) await sleep(afterMs);
      const url = (ev as Extract<PoolEvent, { type: 'authRequired' }>).url;
      const res = await fetch(url);
      assert.equal(res.status, 200, `the callback page: ${await res.text()}`);
      return url;
    }

    it('reports the sign-in URL and waits for the user beyond the start timeout', async () => {
      const { spec, browser, home } = isolated('oauth', oauth.url);
      pool = makePool({ startTimeoutMs: 4000, authTimeoutMs: 60_000 });
      const events = collectEvents(pool);
      await pool.configure([spec]);
      const s = Date.now();
      const call = pool.callTool('oauth', 'echo', { text: 'signed in' });
      const url = await signIn(events, 'oauth', 5000); // the user takes longer than startTimeoutMs
      assert.match(url, /\/authorize\?response_type=code&client_id=client_/);
      assert.equal(pool.snapshot('oauth')!.authUrl === url || pool.snapshot('oauth')!.status !== 'starting', true);
      const r = await call;
      figures.oauth_first_call_ms = Date.now() - s;
      assert.equal(textOf(r.result.content).split('\n')[0], 'signed in');
      assert.equal(pool.snapshot('oauth')!.authUrl, undefined, 'cleared once started');
      assert.equal(oauth.stats.authorizations, 1);
      figures.oauth_browser_launches_by_mcp_remote = browser.launches().length;
      assert.ok(browser.launches().length <= 1);
      assert.deepEqual(
        authFiles(home).map((f) => f.replace(/^[0-9a-f]+_/, '')),
        ['client_info.json', 'tokens.json'],
      );
    });

    it('two apps with the same URL share one sign-in, work concurrently and keep the token cache consistent', async () => {
      const home = tempDir('pool-remote-home-');
      const browser = fakeBrowser();
      const env = { HOME: home, PATH: `${browser.bin}:${process.env.PATH ?? ''}`, BROWSER: browser.browser };
      pool = makePool({ startTimeoutMs: 20_000 });
      const p = pool;
      const events = collectEvents(p);
      await p.configure([remoteSpec('twin1', oauth.url, { env }), remoteSpec('twin2', oauth.url, { env })]);
      const first = [p.callTool('twin1', 'echo', { text: 'one' }), p.callTool('twin2', 'echo', { text: 'two' })];
      // one of them runs the sign-in and reports it; the other waits for the tokens it writes
      const ev = await waitFor(events, (e) => e.type === 'authRequired', 20_000);
      const res = await fetch((ev as Extract<PoolEvent, { type: 'authRequired' }>).url);
      assert.equal(res.status, 200);
      const [r1, r2] = await Promise.all(first);
      assert.notEqual(r1.pid, r2.pid, 'two mcp-remote processes');
      assert.equal(oauth.stats.authorizations, 1, 'one sign-in for both');

      // concurrent traffic on both
      const calls = await Promise.all(Array.from({ length: 40 }, (_, i) => p.callTool(i % 2 ? 'twin2' : 'twin1', 'add', { a: i, b: 1 })));
      calls.forEach((c, i) => assert.equal(textOf(c.result.content), String(i + 1)));

      // the shared cache: one client, one token set, valid JSON, a token the server issued
      const files = authFiles(home);
      const hashes = new Set(files.map((f) => f.split('_')[0]));
      assert.equal(hashes.size, 1, `one cache entry for one URL: ${files.join(', ')}`);
      const tokens = JSON.parse(
        readFileSync(
          join(
            authDir(home),
            files.find((f) => f.endsWith('_tokens.json'))!,
          ),
          'utf8',
        ),
      ) as { access_token: string };
      assert.ok(oauth.tokens.has(tokens.access_token), 'the cached token is one the server issued');
      JSON.parse(
        readFileSync(
          join(
            authDir(home),
            files.find((f) => f.endsWith('_client_info.json'))!,
          ),
          'utf8',
        ),
      );

      // restarts reuse the cached tokens: no new sign-in
      await Promise.all([p.restart('twin1'), p.restart('twin2')]);
      await Promise.all([p.callTool('twin1', 'echo', { text: 'a' }), p.callTool('twin2', 'echo', { text: 'b' })]);
      assert.equal(oauth.stats.authorizations, 1, 'no new sign-in after restarts');

      // a third app, same URL but other headers: its own cache entry and sign-in; the twins are unaffected
      await p.configure([
        remoteSpec('twin1', oauth.url, { env }),
        remoteSpec('twin2', oauth.url, { env }),
        remoteSpec('other', oauth.url, { env, headers: { 'X-Tenant': 'b' } }),
      ]);
      const other = p.callTool('other', 'echo', { text: 'c' });
      await signIn(events, 'other');
      await other;
      assert.equal(oauth.stats.authorizations, 2);
      assert.equal(new Set(authFiles(home).map((f) => f.split('_')[0])).size, 2);
      const again = await Promise.all([p.callTool('twin1', 'echo', { text: 'a' }), p.callTool('twin2', 'echo', { text: 'b' })]);
      assert.deepEqual(
        again.map((r) => r.coldStart),
        [false, false],
        'the twins kept running',
      );
      figures.same_url_apps = 2;
      figures.same_url_sign_ins = 1;
      figures.same_url_concurrent_calls_ok = calls.length;
      figures.same_url_browser_launches = browser.launches().length;
      figures.same_url_cache_files = authFiles(home).length;
    });
  });
});

async function waitFor(events: PoolEvent[], pred: (e: PoolEvent) => boolean, ms: number): Promise<PoolEvent> {
  const end = Date.now() + ms;
  for (;;) {
    const hit = events.find(pred);
    if (hit) return hit;
    if (Date.now() > end) throw new Error(`no such event within ${ms} ms; got: ${[...new Set(events.map((e) => e.type))].join(', ')}`);
    await sleep(25);
  }
}
