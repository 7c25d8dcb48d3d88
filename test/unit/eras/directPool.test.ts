// Direct remote apps on the real pool against SDK v2 servers of each posture (modern-only, dual,
// stateful dual) in this process: the era is found by the pool's own session (server/discover, or
// initialize for a 2025 server), remembered per URL and authorization context, and a later app on
// the same server sends nothing before its call.
import * as assert from 'assert';
import { type ChildProcess, spawn } from 'node:child_process';
import type { Pool, RemoteAppSpec } from '../../../src/pool';
import { type EraHttpFixture, startEraHttpFixture } from '../../fixtures/modern/http';
import { MODERN_HTTP_FIXTURE } from '../../fixtures/paths';
import { waitUntil } from '../../fixtures/processTable';
import { makePool } from '../helpers';

/** The modern-only fixture in a process of its own (so it can be frozen or killed). */
async function modernServerProcess(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [MODERN_HTTP_FIXTURE], { stdio: ['ignore', 'pipe', 'ignore'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`the fixture exited (${code}) before printing its URL`)));
  });
  return { child, url };
}

const direct = (name: string, url: string, headers: Record<string, string> = {}): RemoteAppSpec => ({
  kind: 'remote',
  name,
  url,
  args: [],
  headers,
  env: {},
  transport: 'direct',
});

const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).flatMap(([k, v]) => (v - (before[k] ?? 0) > 0 ? [[k, v - (before[k] ?? 0)]] : [])));

describe('eras: direct apps on the pool', function () {
  this.timeout(30_000);
  let pool: Pool | undefined;
  let server: EraHttpFixture | undefined;

  const children: ChildProcess[] = [];
  afterEach(async () => {
    for (const c of children.splice(0)) {
      c.kill('SIGCONT');
      c.kill('SIGKILL');
    }
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await server?.close();
    server = undefined;
  });

  for (const legacy of ['reject', 'stateless', 'stateful'] as const) {
    const posture = legacy === 'reject' ? 'a modern-only server' : `a dual server (2025 served ${legacy})`;
    it(`${posture}: reached as 2026-07-28 with no setting; known afterwards: nothing before the call`, async () => {
      server = await startEraHttpFixture({ legacy });
      pool = makePool();
      await pool.configure([direct('first', server.url)]);
      const t0 = Date.now();
      const r = await pool.callTool('first', 'echo', { text: 'hello' });
      const coldMs = Date.now() - t0;
      assert.deepStrictEqual(
        { text: r.result.structuredContent?.text, era: r.result.structuredContent?.era },
        { text: 'hello', era: 'modern' },
        'served by the modern era',
      );
      assert.strictEqual(pool.snapshot('first')!.protocolVersion, '2026-07-28');
      assert.strictEqual(pool.snapshot('first')!.protocolEra, 'modern');

      await pool.configure([direct('first', server.url), direct('second', server.url)]);
      // the first app listens for list changes from just after its first call: that stream is its own
      await waitUntil(() => server!.counts().methods['subscriptions/listen'] === 1, 5000, "the first app's subscriptions/listen stream");
      const before = server.counts().methods;
      const t1 = Date.now();
      // (what the server had seen when it ran the call: the list-change stream opens just after it)
      const again = await pool.callTool('second', 'request_counts', {});
      const knownMs = Date.now() - t1;
      const seen = diff((again.result.structuredContent as { methods: Record<string, number> }).methods, before);
      assert.deepStrictEqual(seen, { 'tools/call': 1 }, 'another app on the server (the same authorization context) sends nothing before its call');

      // a restart of an app: a new connection, the verdict and the tools listing (within its ttl) known
      await waitUntil(() => server!.counts().methods['subscriptions/listen'] === 2, 5000, "the second app's subscriptions/listen stream");
      await pool.stop('first');
      const before2 = server.counts().methods;
      const t2 = Date.now();
      const restarted = await pool.callTool('first', 'request_counts', {});
      const restartMs = Date.now() - t2;
      const seen2 = diff((restarted.result.structuredContent as { methods: Record<string, number> }).methods, before2);
      console.log(
        `      ${posture}: first call ${coldMs} ms (probe + call); another app's first call ${knownMs} ms (${JSON.stringify(seen)}); after a restart ${restartMs} ms (${JSON.stringify(seen2)})`,
      );
      assert.deepStrictEqual(seen2, { 'tools/call': 1 }, 'a new connection of a known app sends nothing before its call');
    });
  }

  for (const fault of ['frozen', 'killed'] as const) {
    it(`a modern remote ${fault} mid-call: the call fails with the reason, well within the liveness bounds (no ping in this era)`, async () => {
      const { child, url } = await modernServerProcess();
      children.push(child);
      pool = makePool({ livenessIntervalMs: 1000, pingTimeoutMs: 1000 });
      await pool.configure([direct('far', url)]);
      await pool.callTool('far', 'echo', { text: 'warm' });
      assert.strictEqual(pool.snapshot('far')!.protocolVersion, '2026-07-28');
      const call = pool.callTool('far', 'sleep', { ms: 60_000 });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      child.kill(fault === 'frozen' ? 'SIGSTOP' : 'SIGKILL');
      const err = (await call.then(
        () => assert.fail('the call succeeded'),
        (e: unknown) => e,
      )) as Error;
      const ms = Date.now() - t0;
      console.log(`      ${fault}: the call failed after ${ms} ms: ${err.message.slice(0, 160)}`);
      // frozen: two missed liveness checks (1 s interval, 1 s timeout); killed: the connection breaks
      assert.ok(ms < 8000, `noticed in ${ms} ms`);
      assert.match(err.message, /unreachable|not answer|connection|closed|fetch failed|ECONNRESET|socket/i);
    });
  }

  it('a verdict is not reused across authorization contexts: other headers, another probe', async () => {
    server = await startEraHttpFixture({ legacy: 'reject' });
    pool = makePool();
    await pool.configure([direct('a', server.url, { 'X-Tenant': 'one' }), direct('b', server.url, { 'X-Tenant': 'two' })]);
    await pool.callTool('a', 'echo', { text: 'a' });
    const before = server.counts().methods;
    await pool.callTool('b', 'echo', { text: 'b' });
    const seen = diff(server.counts().methods, before);
    assert.strictEqual(seen['server/discover'], 1, `the other context probed once: ${JSON.stringify(seen)}`);
    assert.strictEqual(seen['tools/list'], 1, `and listed the tools itself (nothing cached is shared across contexts): ${JSON.stringify(seen)}`);
  });

  it('a 2025 server behind a direct app is reached with initialize, and remembered as such', async () => {
    // the stateful dual fixture answers server/discover; a 1.x-only server is covered by the direct
    // suite (test/unit/direct.test.ts); here: what the pool remembers does not stick to a wrong era
    server = await startEraHttpFixture({ legacy: 'stateful' });
    pool = makePool();
    await pool.configure([direct('d', server.url)]);
    await pool.callTool('d', 'echo', { text: 'x' });
    await pool.stop('d');
    const before = server.counts().methods;
    await pool.callTool('d', 'echo', { text: 'y' });
    const seen = diff(server.counts().methods, before);
    assert.strictEqual(seen['server/discover'] ?? 0, 0, `a restart probes nothing: ${JSON.stringify(seen)}`);
    assert.strictEqual(seen.initialize ?? 0, 0, 'and does not fall back to 2025');
  });
});
