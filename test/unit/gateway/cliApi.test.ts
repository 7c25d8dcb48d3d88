// The CLI's plain-HTTP API of the gateway (protocol.ts), with real HTTP requests against a pool
// running the real stdio fixture: status, tools, a call streamed as NDJSON with progress, errors
// as { error: { code, message } }, and a call cancelled by its connection closing.
import * as assert from 'node:assert/strict';
import { request } from 'node:http';
import { waitUntil } from '../../fixtures/processTable';
import { expectNoProcesses, stdioSpec } from '../helpers';
import { type Served, serve } from './helpers';

function api(s: Served, method: string, path: string, body?: unknown, onRequest?: (abort: () => void) => void): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      s.gateway.url + path,
      { method, headers: { authorization: `Bearer ${s.gateway.token}`, 'content-type': 'application/json' } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
    onRequest?.(() => req.destroy());
  });
}

describe("gateway: the CLI's API", function () {
  this.timeout(60_000);
  let s: Served;
  beforeEach(async () => {
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1' })], { gateway: { blocked: () => [{ name: 'ws-app', reason: 'untrusted workspace' }] } });
  });
  afterEach(async () => {
    await s.close();
    await expectNoProcesses();
  });

  it('status names the window, the apps and the blocked ones; tools start the app', async () => {
    const before = JSON.parse((await api(s, 'GET', '/v1/pool')).text);
    assert.equal(before.window.name, 'test window');
    assert.deepEqual(
      before.apps.map((a: { name: string; status: string }) => [a.name, a.status]),
      [['f', 'stopped']],
    );
    assert.deepEqual(before.blocked, [{ name: 'ws-app', reason: 'untrusted workspace' }]);
    const tools = JSON.parse((await api(s, 'GET', '/v1/apps/f/tools')).text);
    assert.ok(tools.tools.some((t: { name: string }) => t.name === 'echo'));
    const after = JSON.parse((await api(s, 'GET', '/v1/pool')).text);
    assert.equal(after.apps[0].status, 'idle');
    assert.equal(typeof after.apps[0].pid, 'number');
  });

  it("a call streams progress lines, then its result; errors are one JSON object with the pool's code", async () => {
    const r = await api(s, 'POST', '/v1/apps/f/call', { tool: 'progress', arguments: { steps: 2, delayMs: 5 } });
    const lines = r.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.slice(0, -1).map((l) => l.progress.progress),
      [1, 2],
    );
    assert.match(JSON.stringify(lines.at(-1).result.content), /done/);
    const unknown = await api(s, 'GET', '/v1/apps/nope/tools');
    assert.equal(unknown.status, 404);
    assert.equal(JSON.parse(unknown.text).error.code, 'unknown-app');
    const bad = await api(s, 'POST', '/v1/apps/f/call', { arguments: {} });
    assert.equal(bad.status, 400);
    const read = JSON.parse((await api(s, 'POST', '/v1/apps/f/read', { uri: 'fixture://text/hello' })).text);
    assert.equal(read.contents.length, 1);
    const prompt = JSON.parse((await api(s, 'POST', '/v1/apps/f/prompt', { name: 'greet', arguments: { name: 'Ada' } })).text);
    assert.ok(prompt.messages.length > 0);
  });

  it('a call whose connection closes (Ctrl+C on the CLI) is cancelled in the pool', async () => {
    await api(s, 'GET', '/v1/apps/f/tools');
    let abort = () => {};
    const done = api(s, 'POST', '/v1/apps/f/call', { tool: 'sleep', arguments: { ms: 30_000 } }, (a) => (abort = a)).catch(() => undefined);
    await waitUntil(() => s.pool.snapshot('f')!.inFlight === 1, 5000, 'the call is in flight');
    abort();
    await waitUntil(() => s.pool.snapshot('f')!.inFlight === 0, 5000, 'the call was cancelled');
    await done;
  });
});
