// Remote apps: the pool runs the real bundled mcp-remote against a real Streamable HTTP server on 127.0.0.1.
import * as assert from 'node:assert/strict';
import type { Pool, PoolError } from '../../src/pool';
import { type HttpFixture, startHttpFixture } from '../fixtures/http-server';
import { processesMatching, waitUntil } from '../fixtures/processTable';
import { collectEvents, makePool, remoteSpec, textOf } from './helpers';

describe('remote apps through the bundled mcp-remote', function () {
  this.timeout(60_000);
  let server: HttpFixture;
  let pool: Pool;

  beforeEach(async () => {
    server = await startHttpFixture();
  });
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    await waitUntil(() => processesMatching(server.url).length === 0, 5000, 'no mcp-remote left');
    await server.close();
  });

  it('starts once, then reuses the same mcp-remote process and HTTP session', async () => {
    pool = makePool();
    await pool.configure([remoteSpec('remote', server.url)]);
    const first = await pool.callTool('remote', 'echo', { text: 'hello' });
    const second = await pool.callTool('remote', 'add', { a: 2, b: 3 });
    assert.equal(first.coldStart, true);
    assert.equal(second.coldStart, false);
    assert.equal(first.pid, second.pid);
    assert.match(textOf(first.result.content), /hello/);
    assert.equal(textOf(second.result.content), '5');
    assert.equal(processesMatching(server.url).length, 1, 'one mcp-remote process');
    assert.equal(server.stats().toolCalls, 2);
    const snap = pool.snapshot('remote')!;
    assert.equal(snap.kind, 'remote');
    assert.equal(snap.target, server.url);
  });

  it('passes headers to the server but never shows their values in events or snapshots', async () => {
    pool = makePool();
    const events = collectEvents(pool);
    const token = 'sk-test-0123456789abcdefghijklmnop';
    await pool.configure([remoteSpec('auth', server.url, { headers: { Authorization: `Bearer ${token}` } })]);
    await pool.callTool('auth', 'echo', { text: 'x' });
    assert.equal(server.stats().lastAuthorization, `Bearer ${token}`);
    const everything = JSON.stringify(events) + JSON.stringify(pool.snapshots());
    assert.ok(
      events.some((e) => e.type === 'stderr'),
      'mcp-remote stderr is relayed',
    );
    assert.equal(everything.includes(token), false, 'token leaked into events/snapshots');
  });

  it("a server answering 500 fails the start with mcp-remote's reason and leaves no process", async () => {
    await server.close();
    server = await startHttpFixture({ mode: '500' });
    pool = makePool();
    await pool.configure([remoteSpec('broken', server.url)]);
    await assert.rejects(pool.callTool('broken', 'echo', { text: 'x' }), (e: PoolError) => {
      assert.equal(e.code, 'start-failed');
      // mcp-remote --protocol auto says it as a failed version negotiation, in a stack trace: the pool names the status
      assert.match(
        e.message,
        /could not start: the remote server answered HTTP 500 Internal Server Error, so mcp-remote exited during start \(exit code 1\); the server itself failed: check that it is up/,
      );
      assert.ok(
        e.stderrTail.some((l) => /HTTP 500/.test(l)),
        e.stderrTail.join('\n'),
      );
      return true;
    });
  });
});
