// Errors tell the truth: when the remote server goes away under a running mcp-remote, the proxy
// answers each request at once with JSON-RPC -32001, the same code as the SDK's own timeouts.
// The pool tells the two apart (the SDK's timeouts carry data.timeout): the call fails at once
// with what mcp-remote said (not "timed out after 120 s"), the proxy is not killed as hung, and
// the next call starts a fresh proxy (a new session) that works once the server is back.
import * as assert from 'node:assert/strict';
import type { Pool } from '../../../src/pool';
import { startHttpFixture } from '../../fixtures/http-server';
import { waitUntil } from '../../fixtures/processTable';
import { collectEvents, makePool, remoteSpec, textOf } from '../helpers';
import { expectCode, poolSuiteHooks } from './faultKit';

describe('faults: the remote server goes away under mcp-remote', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;
  const figures: Record<string, unknown> = {};
  poolSuiteHooks('remote-down', figures, () => pool);

  it("fails the call at once with the proxy's reason, kills nothing as hung, and recovers with a fresh proxy", async () => {
    const fx = await startHttpFixture();
    const port = fx.port;
    pool = makePool({ callTimeoutMs: 20_000 });
    const events = collectEvents(pool);
    await pool.configure([remoteSpec('r', fx.url)]);
    const first = await pool.callTool('r', 'echo', { text: 'up' });
    await fx.close();
    const t0 = Date.now();
    const err = await expectCode(
      pool.callTool('r', 'echo', { text: 'down' }),
      'unreachable',
      /^call to "echo" on app "r" could not reach the server: .+; the next call starts a fresh connection$/,
    );
    const ms = Date.now() - t0;
    assert.doesNotMatch(err.message, /timed out/);
    assert.ok(ms < 10_000, `failed after ${ms} ms (call timeout 20 s)`);
    await waitUntil(() => events.some((e) => e.type === 'stopped' && e.app === 'r' && e.reason === 'unreachable'), 10_000, 'the proxy retired');
    assert.ok(!events.some((e) => e.type === 'stopped' && e.reason === 'hung'), 'killed as hung');
    const back = await startHttpFixture({ port });
    try {
      const again = await pool.callTool('r', 'echo', { text: 'back' });
      assert.equal(textOf(again.result.content).split('\n')[0], 'back');
      assert.notEqual(again.pid, first.pid, 'a fresh proxy');
    } finally {
      await back.close();
    }
    figures.unforwarded_error_ms = ms;
    figures.reason = JSON.stringify(err.reason ?? '').slice(0, 80);
  });
});
