// Who may talk to the gateway, and what it does with clients that misbehave or go away: real
// HTTP requests (node:http, so Host and Origin can be forged as a browser or a rebinding page
// would) and real SDK clients against a pool with the real stdio fixture.
import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { connect } from 'node:net';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { mcpPath } from '../../../src/contract/protocol';
import { waitUntil } from '../../fixtures/processTable';
import { expectNoProcesses, stdioSpec, textOf } from '../helpers';
import { type Served, serve } from './helpers';

const INIT = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
});

function post(url: string, headers: Record<string, string>, body = INIT): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('gateway: who may connect, and clients that cancel or go away', function () {
  this.timeout(60_000);
  let s: Served;
  beforeEach(async () => {
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1' })], { gateway: { sessionGoneMs: 300 } });
  });
  afterEach(async () => {
    await s.close();
    await expectNoProcesses();
  });

  it("refuses a missing or wrong token (401), a foreign Host (DNS rebinding) or a web page's Origin (403), before starting anything", async () => {
    const url = s.gateway.url + mcpPath('f');
    const good = { authorization: `Bearer ${s.gateway.token}` };
    assert.equal((await post(url, {})).status, 401);
    assert.equal((await post(url, { authorization: 'Bearer nope' })).status, 401);
    assert.equal((await post(url, { authorization: `Bearer ${s.gateway.token}x` })).status, 401);
    assert.equal((await post(url, { authorization: s.gateway.token })).status, 401, 'the scheme is required');
    assert.equal((await post(url, { ...good, host: 'evil.example:80' })).status, 403);
    assert.equal((await post(url, { ...good, host: `attacker.example:${new URL(url).port}` })).status, 403);
    assert.equal((await post(url, { ...good, origin: 'https://evil.example' })).status, 403);
    assert.equal((await post(url, { ...good, origin: 'null' })).status, 403);
    const refused = await post(s.gateway.url + '/v1/pool', {});
    assert.equal(refused.status, 401);
    assert.ok(!refused.body.includes(s.gateway.token), 'the token is never echoed');
    assert.equal(s.pool.snapshot('f')!.starts, 0, 'no refused request started the app');
    // and the same request with the token is served
    const ok = await post(url, good);
    assert.equal(ok.status, 200, ok.body);
    const localhost = await post(url.replace('127.0.0.1', 'localhost'), good).catch(() => undefined);
    if (localhost) assert.equal(localhost.status, 200, 'localhost:PORT names the gateway too');
  });

  it('answers an unknown app with 404 naming the apps, and an unknown session with 404 (the client initializes again)', async () => {
    const good = { authorization: `Bearer ${s.gateway.token}` };
    const unknown = await post(s.gateway.url + mcpPath('nope'), good);
    assert.equal(unknown.status, 404);
    assert.match(JSON.parse(unknown.body).error.message, /no app named "nope".*apps: f/);
    const gone = await post(
      s.gateway.url + mcpPath('f'),
      { ...good, 'mcp-session-id': 'not-a-session' },
      JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    );
    assert.equal(gone.status, 404);
  });

  it('answers a body over the limit with 413 (before reading the rest), and a bad app name encoding with 400', async () => {
    const good = { authorization: `Bearer ${s.gateway.token}` };
    const big = await post(
      s.gateway.url + mcpPath('f'),
      good,
      JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { pad: 'x'.repeat(5 * 1024 * 1024) } }),
    ).catch((e: Error) => ({ status: -1, body: e.message }));
    assert.equal(big.status, 413, big.body);
    const bad = await post(s.gateway.url + '/apps/%E0/mcp', good);
    assert.equal(bad.status, 400, bad.body);
    const badApi = await post(s.gateway.url + '/v1/apps/%E0/call', good, '{}');
    assert.equal(badApi.status, 400, badApi.body);
  });

  it("passes the server's own error answers on as they are (code, its words, data)", async () => {
    const c = await s.connect('f');
    const e = await c.readResource({ uri: 'fixture://no-such-resource' }).then(
      () => undefined,
      (err: unknown) => err as { code: number; message: string },
    );
    assert.ok(e, 'the read failed');
    assert.equal(e.code, -32602, "the server's code, not an internal error");
    // the SDK server's own message (which the SDK frames as "MCP error -32602: …" on the wire), without the pool's framing
    assert.match(e.message, /Resource fixture:\/\/no-such-resource not found$/);
    assert.doesNotMatch(e.message, /app "f"|failed:|rejected the arguments/);
    assert.equal(e.message.match(/MCP error/g)?.length ?? 0, 1, `framed once: ${e.message}`);
  });

  it('closes the event stream of a client that stopped reading it, instead of queueing without end', async () => {
    await s.close();
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1' })], { gateway: { sessionGoneMs: 300, stalledStreamMs: 1000 } });
    const reader = await s.connect('f', { name: 'reader' });
    // a raw session whose GET stream is never read
    const init = await new Promise<{ sid: string }>((resolve, reject) => {
      const req = request(
        s.gateway.url + mcpPath('f'),
        {
          method: 'POST',
          headers: { authorization: `Bearer ${s.gateway.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve({ sid: String(res.headers['mcp-session-id']) }));
        },
      );
      req.on('error', reject);
      req.end(INIT);
    });
    await post(
      s.gateway.url + mcpPath('f'),
      { authorization: `Bearer ${s.gateway.token}`, 'mcp-session-id': init.sid, 'mcp-protocol-version': '2025-06-18' },
      JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
    );
    // the stream opened on a raw socket that is never read (paused at once: the kernel's buffers fill, then the gateway's)
    const port = Number(new URL(s.gateway.url).port);
    const sock = connect(port, '127.0.0.1', () => {
      sock.write(
        `GET ${mcpPath('f')} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer ${s.gateway.token}\r\nMcp-Session-Id: ${init.sid}\r\nMcp-Protocol-Version: 2025-06-18\r\nAccept: text/event-stream\r\n\r\n`,
      );
    });
    sock.pause();
    sock.on('error', () => undefined);
    await waitUntil(() => s.gateway.clients('f').length === 2, 5000, 'both sessions open');
    // log messages go to every session: the stalled one queues them
    const payload = 'x'.repeat(60_000);
    for (let i = 0; i < 60 && s.gateway.clients('f').length === 2; i++) await reader.callTool({ name: 'log', arguments: { message: payload, text: true } });
    // (a socket that is not read does not notice its end either: the gateway's side is what counts)
    await waitUntil(() => s.gateway.clients('f').length === 1, 10_000, 'the stalled stream was closed and its session ended');
    sock.destroy();
  });

  it("a client's cancel reaches the server (the call ends early); other clients' calls go on", async () => {
    const a = await s.connect('f', { name: 'a' });
    const b = await s.connect('f', { name: 'b' });
    const ctl = new AbortController();
    const t0 = Date.now();
    const cancelled = a.callTool({ name: 'sleep', arguments: { ms: 20_000 } }, CallToolResultSchema, { signal: ctl.signal }).then(
      () => 'resolved',
      () => 'rejected',
    );
    const other = b.callTool({ name: 'sleep', arguments: { ms: 600 } });
    await waitUntil(() => s.pool.snapshot('f')!.inFlight === 2, 5000, 'both calls in flight');
    ctl.abort();
    assert.equal(await cancelled, 'rejected');
    await waitUntil(() => s.pool.snapshot('f')!.inFlight <= 1, 5000, 'the cancelled call ended in the pool');
    assert.ok(Date.now() - t0 < 5000);
    const r = await other;
    assert.ok(!r.isError, JSON.stringify(r));
  });

  it('a client that disconnects mid-call has its call cancelled in the pool; its session ends', async () => {
    const a = await s.connect('f', { name: 'leaver' });
    assert.deepEqual(
      s.gateway.clients('f').map((c) => c.name),
      ['leaver'],
    );
    void a.callTool({ name: 'sleep', arguments: { ms: 30_000 } }).catch(() => undefined);
    await waitUntil(() => s.pool.snapshot('f')!.inFlight === 1, 5000, 'the call is in flight');
    await a.close();
    await waitUntil(() => s.pool.snapshot('f')!.inFlight === 0, 5000, "the pool's call was cancelled when the client went away");
    // the process stays warm for the next client
    const b = await s.connect('f', { name: 'next' });
    const r = await b.callTool({ name: 'echo', arguments: { text: 'still warm' } });
    assert.match(textOf(r.content as never), /still warm/);
    assert.equal(s.pool.snapshot('f')!.starts, 1);
  });

  it('counts subscriptions per client: the server is unsubscribed only when the last client lets go', async () => {
    const a = await s.connect('f', { name: 'a' });
    const b = await s.connect('f', { name: 'b' });
    const subscribed = async () => JSON.parse(textOf((await a.callTool({ name: 'resource_subscriptions', arguments: {} })).content as never)) as string[];
    await a.subscribeResource({ uri: 'fixture://counter' });
    await b.subscribeResource({ uri: 'fixture://counter' });
    await a.unsubscribeResource({ uri: 'fixture://counter' });
    assert.deepEqual(await subscribed(), ['fixture://counter'], 'b still holds it');
    await b.close();
    await waitUntil(() => s.gateway.clients('f').length === 1, 5000, 'b closed without ending its session: gone once its stream stayed closed');
    assert.deepEqual(await subscribed(), [], 'the server was unsubscribed');
  });

  it('a session the client ends (HTTP DELETE) is gone from the clients', async () => {
    const a = await s.connect('f', { name: 'deleter' });
    assert.equal(s.gateway.clients('f').length, 1);
    const t = a.transport as { terminateSession?: () => Promise<void> };
    await t.terminateSession!();
    await waitUntil(() => s.gateway.clients('f').length === 0, 5000, 'session removed');
  });
});
