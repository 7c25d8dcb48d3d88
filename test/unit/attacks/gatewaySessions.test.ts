// Sessions nobody closes: capped per app (the least recently active idle one makes room), and a
// session that never opened its event stream swept early — a raw client, and `mcp-pool stdio`
// killed before its stream opened. Real gateway, real sockets, the real CLI process.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../../fixtures/paths';
import { waitUntil } from '../../fixtures/processTable';
import { expectNoProcesses, stdioSpec } from '../helpers';
import { type Served, serve } from '../gateway/helpers';
import { mcpPost, rawSession } from './attackKit';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

describe('attacks: sessions that are never closed', function () {
  this.timeout(60_000);
  let s: Served;
  afterEach(async () => {
    await s.close();
    await expectNoProcesses();
  });

  it('caps sessions per app: the least recently active idle session makes room; when all are busy a new one is refused (503, naming the limit)', async () => {
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1' })], { gateway: { limits: { maxSessionsPerApp: 3 } } });
    const { url, token } = s.gateway;
    const [first, second] = [await rawSession(url, token), await rawSession(url, token)];
    await rawSession(url, token);
    // the second is used again: the first is now the least recently active
    await mcpPost(url, token, { jsonrpc: '2.0', id: 2, method: 'tools/list' }, second);
    await rawSession(url, token);
    assert.equal(s.gateway.clients('f').length, 3);
    assert.equal((await mcpPost(url, token, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, first)).status, 404, 'the oldest idle session made room');
    assert.equal((await mcpPost(url, token, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, second)).status, 200);
    // three clients holding their event streams: none is idle
    await s.close();
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1' })], { gateway: { limits: { maxSessionsPerApp: 3 } } });
    for (let i = 0; i < 3; i++) await s.connect('f', { name: `busy-${i}` });
    await waitUntil(() => s.gateway.counts.connections >= 3, 5000, 'their streams are open');
    const refused = await mcpPost(s.gateway.url, s.gateway.token, {
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'fourth', version: '1' } },
    });
    assert.equal(refused.status, 503, refused.body);
    assert.match(refused.body, /already has 3 gateway sessions, all in use \(the limit is 3 per app\)/);
  });

  it('ends a session that did nothing past its handshake once idle (sessionNoStreamIdleMs); a POST-only client that made requests keeps its session', async () => {
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1' })], { gateway: { limits: { sessionNoStreamIdleMs: 1000 } } });
    const { url, token } = s.gateway;
    const idle = await rawSession(url, token);
    const busy = await rawSession(url, token);
    const worked = await rawSession(url, token);
    assert.equal((await mcpPost(url, token, { jsonrpc: '2.0', id: 3, method: 'tools/list' }, worked)).status, 200);
    const t0 = Date.now();
    let gone: number | undefined;
    while (Date.now() - t0 < 3000) {
      const r = await mcpPost(url, token, { jsonrpc: '2.0', id: 9, method: 'tools/list' }, busy);
      assert.equal(r.status, 200, 'a POST-only client that keeps sending keeps its session');
      if (gone === undefined && s.gateway.clients('f').length === 2) gone = Date.now() - t0;
      await new Promise((r2) => setTimeout(r2, 300));
    }
    assert.ok(gone !== undefined && gone < 2500, `the idle session was ended (${gone} ms)`);
    assert.equal((await mcpPost(url, token, { jsonrpc: '2.0', id: 9, method: 'tools/list' }, idle)).status, 404);
    const later = await mcpPost(url, token, { jsonrpc: '2.0', id: 4, method: 'tools/list' }, worked);
    assert.equal(later.status, 200, 'a POST-only client that made a request and then went quiet keeps its session (sessionIdleMs)');
    console.log(
      `   a session that never opened its event stream: ended ${gone} ms after its last request (sessionNoStreamIdleMs 1 s here, 60 s by default, swept every 15 s)`,
    );
  });

  it('`mcp-pool stdio` killed before it opened its event stream: its session is swept (not kept 10 minutes)', async () => {
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1' })], { gateway: { limits: { sessionNoStreamIdleMs: 2000 } } });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MCP_POOL_')) env[k] = v;
    const relay = spawn(process.execPath, [CLI, 'stdio', 'f'], {
      env: { ...env, MCP_POOL_URL: s.gateway.url, MCP_POOL_TOKEN: s.gateway.token },
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    try {
      let out = '';
      relay.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
      relay.stdin.write(
        `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'relay-client', version: '1' } } })}\n`,
      );
      await waitUntil(() => out.includes('"id":1'), 15_000, 'the relay initialized');
      // killed before notifications/initialized: the relay never opened its event stream
      relay.kill('SIGKILL');
      const t0 = Date.now();
      assert.equal(s.gateway.clients('f').length, 1);
      await waitUntil(() => s.gateway.clients('f').length === 0, 10_000, "the dead relay's session was swept");
      console.log(
        `   mcp-pool stdio killed before its event stream: session swept after ${Date.now() - t0} ms (sessionNoStreamIdleMs 2 s here; by default within 60 + 15 s, was 10 min)`,
      );
    } finally {
      relay.kill('SIGKILL');
    }
  });
});
