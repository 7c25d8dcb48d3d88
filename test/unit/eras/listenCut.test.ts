// A direct app's list-change stream (2026-07-28 `subscriptions/listen`) cut in the middle, as a
// proxy or load balancer that ends long-lived responses does: the stream is opened again (bounded,
// listenStream.ts), the link stays up, and a change made after it is heard. Real pool, a real SDK v2
// modern-only HTTP server behind a real HTTP proxy on 127.0.0.1 that cuts the first listen streams
// (their sockets destroyed, no answer) once the server acknowledged them.
import * as assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Pool, PoolEvent } from '../../../src/pool';
import { type EraHttpFixture, startEraHttpFixture } from '../../fixtures/modern/http';
import { waitUntil } from '../../fixtures/processTable';
import { collectEvents, directSpec, makePool } from '../helpers';

/** A proxy to `target` that cuts the first `cuts` listen streams 300 ms after their first bytes: the socket dropped, or the response ended with no answer. */
async function cuttingProxy(target: string, cuts: number, how: 'drop' | 'end'): Promise<{ url: string; cut: () => number; close: () => Promise<void> }> {
  const to = new URL(target);
  let cut = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const listen = body.includes('"subscriptions/listen"');
      const up = httpRequest({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: { ...req.headers, host: to.host } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        if (listen && cut < cuts) {
          cut++;
          r.once('data', () =>
            setTimeout(() => {
              // the connection dropped (no answer, no clean end), or the response ended cleanly with no answer
              r.unpipe(res);
              r.destroy();
              if (how === 'drop') res.destroy();
              else res.end();
            }, 300),
          );
        }
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${to.pathname}`,
    cut: () => cut,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('direct HTTP: a list-change stream cut by the network is opened again; the link stays up', function () {
  this.timeout(30_000);
  let pool: Pool | undefined;
  let fx: EraHttpFixture | undefined;
  let proxy: Awaited<ReturnType<typeof cuttingProxy>> | undefined;
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await proxy?.close();
    await fx?.close();
    fx = proxy = undefined;
  });

  for (const how of ['drop', 'end'] as const)
    it(`${how === 'drop' ? 'dropped' : 'ended with no answer'} twice: a third stream, no restart, no call failed, and the change made then is heard`, async () => {
      fx = await startEraHttpFixture({ legacy: 'reject', toolsTtlMs: 600_000 });
      proxy = await cuttingProxy(fx.url, 2, how);
      pool = makePool();
      const events: PoolEvent[] = collectEvents(pool);
      await pool.configure([directSpec('a', proxy.url)]);
      await pool.listTools('a');
      await waitUntil(() => (fx!.counts().methods['subscriptions/listen'] ?? 0) >= 3, 10_000, `a third listen stream (cut ${proxy.cut()})`);
      assert.equal(proxy.cut(), 2);
      const snap = pool.snapshot('a')!;
      assert.equal(snap.starts, 1, 'the link was not taken down');
      assert.ok(['idle', 'busy'].includes(snap.status), snap.status);
      await new Promise((r) => setTimeout(r, 200));
      const from = events.length;
      await pool.callTool('a', 'add_tool', { name: 'after_cuts' });
      await waitUntil(() => events.slice(from).some((e) => e.type === 'toolsChanged' && e.app === 'a'), 5000, 'toolsChanged after the cuts');
      assert.ok((await pool.listTools('a')).some((t) => t.name === 'after_cuts'));
      assert.equal(pool.snapshot('a')!.starts, 1);
    });
});
