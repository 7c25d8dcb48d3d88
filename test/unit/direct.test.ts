// Remote apps reached directly: the pool's own process speaks Streamable HTTP (or legacy SSE) to a
// real SDK server on 127.0.0.1 — no mcp-remote, no process. The pool's promises hold as for a process:
// single-flight start, reuse, the session ended on stop (DELETE), a server restart or a dropped
// connection noticed and recovered, no double execution, clear errors.
import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import type { Pool, PoolEvent } from '../../src/pool';
import { type HttpFixture, startHttpFixture } from '../fixtures/http-server';
import { startEraHttpFixture } from '../fixtures/modern/http';
import { waitUntil } from '../fixtures/processTable';
import { closedPort, expectCode } from './faults/faultKit';
import { commandLauncher, parseAppDefinitions } from '../../src/pool';
import { BUNDLED_MCP_REMOTE } from '../fixtures/paths';
import { collectEvents, directSpec, makePool, ourProcesses, remoteSpec, textOf } from './helpers';

function childPids(): number[] {
  return ourProcesses().map((p) => p.pid);
}

describe('direct remote apps (HTTP from the pool, no process)', function () {
  this.timeout(30_000);
  let server: HttpFixture | undefined;
  let pool: Pool | undefined;
  let events: PoolEvent[];
  const before = new Set<number>();

  beforeEach(() => {
    before.clear();
    childPids().forEach((p) => before.add(p));
  });
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await server?.close();
    server = undefined;
  });

  function start(settings: Parameters<typeof makePool>[0] = {}): Pool {
    pool = makePool({ livenessIntervalMs: 500, pingTimeoutMs: 1000, ...settings });
    events = collectEvents(pool);
    return pool;
  }

  it('starts once (one initialize), reuses the session, spawns no process, and ends the session on stop', async () => {
    server = await startHttpFixture();
    const p = start();
    await p.configure([directSpec('d', server.url)]);
    const [a, b] = await Promise.all([p.callTool('d', 'echo', { text: 'one' }), p.callTool('d', 'echo', { text: 'two' })]);
    const c = await p.callTool('d', 'add', { a: 2, b: 3 });
    assert.equal(textOf(a.result.content).split('\n')[0], 'one');
    assert.equal(textOf(b.result.content).split('\n')[0], 'two');
    assert.equal(textOf(c.result.content), '5');
    assert.equal([a, b].filter((r) => r.coldStart).length, 2, 'both waited for the one start');
    assert.equal(c.coldStart, false);
    assert.equal(server.stats().sessionsCreated, 1);
    assert.equal(server.stats().sessions, 1);
    assert.equal(a.pid, undefined);
    assert.deepEqual(
      childPids().filter((x) => !before.has(x)),
      [],
      'no process started',
    );
    const snap = p.snapshot('d')!;
    assert.equal(snap.transport, 'direct');
    assert.equal(snap.pid, undefined);
    assert.equal(snap.status, 'idle');
    assert.equal(snap.serverName, 'fixture-http');
    await p.stop('d');
    assert.equal(server.stats().sessions, 0, 'the session was ended on the server (DELETE)');
    assert.equal(p.snapshot('d')!.status, 'stopped');
  });

  it('sends the headers to the server and never shows them in events or snapshots', async () => {
    server = await startHttpFixture();
    const p = start();
    const token = 'sk-direct-0123456789abcdefghijklmnop';
    await p.configure([directSpec('h', server.url, { headers: { Authorization: `Bearer ${token}` } })]);
    await p.callTool('h', 'echo', { text: 'x' });
    assert.equal(server.stats().lastAuthorization, `Bearer ${token}`);
    assert.equal((JSON.stringify(events) + JSON.stringify(p.snapshots())).includes(token), false);
  });

  it('progress reaches the caller; a cancel ends the call at once and keeps the session', async () => {
    server = await startHttpFixture();
    const p = start();
    await p.configure([directSpec('d', server.url)]);
    const steps: number[] = [];
    const r = await p.callTool('d', 'progress', { steps: 3, delayMs: 10 }, { onProgress: (e) => steps.push(e.progress) });
    assert.equal(textOf(r.result.content), 'done');
    assert.deepEqual(steps, [1, 2, 3]);
    const ac = new AbortController();
    const t0 = Date.now();
    const call = p.callTool('d', 'sleep', { ms: 10_000 }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 200);
    await expectCode(call, 'cancelled');
    assert.ok(Date.now() - t0 < 2000, `cancelled in ${Date.now() - t0} ms`);
    // a cancelled request gets no answer (the spec): its stream is no longer watched for one
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(p.snapshot('d')!.status, 'idle', 'the session stays');
    assert.equal(textOf((await p.callTool('d', 'add', { a: 1, b: 2 })).result.content), '3');
    assert.equal(server.stats().sessionsCreated, 1, 'the same session');
  });

  it('a server that only speaks legacy SSE: the first POST answers 405, the app falls back once and works', async () => {
    server = await startHttpFixture({ mode: 'sse' });
    const p = start();
    await p.configure([directSpec('old', server.url)]);
    const r = await p.callTool('old', 'echo', { text: 'over sse' });
    assert.equal(textOf(r.result.content).split('\n')[0], 'over sse');
    const steps: number[] = [];
    await p.callTool('old', 'progress', { steps: 2 }, { onProgress: (e) => steps.push(e.progress) });
    assert.deepEqual(steps, [1, 2]);
    assert.equal(server.stats().sessionsCreated, 1);
    const log = events
      .filter((e) => e.type === 'stderr')
      .map((e) => (e as { line: string }).line)
      .join('\n');
    assert.match(log, /answered 405 .*legacy SSE/);
    await p.stop('old');
    await waitUntil(() => server!.stats().sessions === 0, 3000, 'the SSE session ends with its stream');
  });

  it("mcp-remote's --transport (as imported definitions carry it) chooses the transport of a direct app too", async () => {
    server = await startHttpFixture({ mode: 'sse' });
    const p = start();
    await p.configure([
      directSpec('sse', server.url, { args: ['--transport', 'sse-only'] }),
      directSpec('http', server.url, { args: ['--transport', 'http-only'] }),
    ]);
    const r = await p.callTool('sse', 'echo', { text: 'straight to sse' });
    assert.equal(textOf(r.result.content).split('\n')[0], 'straight to sse');
    const log = events
      .filter((e) => e.type === 'stderr')
      .map((e) => (e as { line: string }).line)
      .join('\n');
    assert.doesNotMatch(log, /answered 405/, 'no Streamable HTTP attempt first');
    await expectCode(p.callTool('http', 'echo', { text: 'x' }), 'start-failed', /HTTP 405 Method Not Allowed/);
  });

  it('nothing listening: start-failed naming the refused connection, one start per call, then backoff', async () => {
    const port = await closedPort();
    const p = start({ crashLoopBaseMs: 5000 });
    await p.configure([directSpec('down', `http://127.0.0.1:${port}/mcp`)]);
    const refused = new RegExp(`could not start: MCP handshake failed: connection refused by 127\\.0\\.0\\.1:${port} \\(nothing listening\\)$`);
    await expectCode(p.callTool('down', 'echo', { text: 'x' }), 'start-failed', refused);
    await expectCode(p.callTool('down', 'echo', { text: 'x' }), 'start-failed', refused);
    await expectCode(p.callTool('down', 'echo', { text: 'x' }), 'backoff', /held back/);
    const snap = p.snapshot('down')!;
    assert.equal(snap.starts, 2);
    // nothing ran: a failed start (red in the status bar), not a stopped app, with the reason kept
    assert.equal(snap.status, 'failed');
    assert.match(snap.lastError ?? '', /connection refused by 127\.0\.0\.1/);
  });

  it("a failed start shows its own reason, not an earlier drop's; the user's Kill clears it", async () => {
    server = await startHttpFixture();
    const p = start({ crashLoopBaseMs: 50, livenessIntervalMs: 0 });
    await p.configure([directSpec('gone', server.url)]);
    await p.callTool('gone', 'echo', { text: 'x' });
    await server.close();
    server = undefined;
    await p.callTool('gone', 'echo', { text: 'dropped' }).catch(() => undefined);
    await waitUntil(
      async () => {
        await new Promise((r) => setTimeout(r, 100));
        await p.callTool('gone', 'echo', { text: 'again' }).catch(() => undefined);
        return p.snapshot('gone')!.status === 'failed';
      },
      10_000,
      'a start refused',
    );
    const failed = p.snapshot('gone')!;
    assert.match(failed.lastError ?? '', /connection refused/);
    assert.equal(failed.exit, undefined, `no exit of this start to show (was: ${JSON.stringify(failed.exit)})`);
    await p.stop('gone', 'user');
    assert.equal(p.snapshot('gone')!.status, 'stopped', 'seen and dismissed by the user');
  });

  it('HTTP errors at the start say the status; 401 says how to give a token', async () => {
    server = await startHttpFixture({ mode: '500' });
    const p = start();
    await p.configure([directSpec('e500', server.url)]);
    await expectCode(p.callTool('e500', 'echo', { text: 'x' }), 'start-failed', /HTTP 500 Internal Server Error/);
    await server.close();
    server = await startHttpFixture({ mode: '401' });
    await p.configure([directSpec('e401', server.url)]);
    await expectCode(
      p.callTool('e401', 'echo', { text: 'x' }),
      'start-failed',
      /HTTP 401 Unauthorized: fixture requires authorization, and signing in with OAuth failed .*give the app an Authorization header/,
    );
    await server.close();
    server = await startHttpFixture({ mode: '404' });
    await p.configure([directSpec('e404', server.url)]);
    await expectCode(p.callTool('e404', 'echo', { text: 'x' }), 'start-failed', /neither Streamable HTTP \(.*HTTP 404.*\) nor legacy SSE .* MCP endpoint/);
  });

  it('the server restarts between calls: the next call is refused as an unknown session (404), re-initializes and runs once', async () => {
    server = await startHttpFixture();
    const port = server.port;
    const p = start();
    await p.configure([directSpec('r', server.url)]);
    await p.callTool('r', 'echo', { text: 'before' });
    await server.crash();
    await new Promise((r) => setTimeout(r, 200)); // a restart takes a moment (the old sockets are seen closed)
    server = await startHttpFixture({ port });
    const r = await p.callTool('r', 'echo', { text: 'after' });
    assert.equal(textOf(r.result.content).split('\n')[0], 'after');
    assert.equal(server.stats().toolCalls, 1, 'executed once on the new server');
    assert.equal(server.stats().sessionsCreated, 1);
    assert.equal(p.snapshot('r')!.starts, 2);
  });

  it('the connection drops mid-call: the call fails at once with the reason (not resent), the next call reconnects', async () => {
    server = await startHttpFixture();
    const port = server.port;
    const p = start();
    await p.configure([directSpec('m', server.url)]);
    await p.callTool('m', 'echo', { text: 'warm' });
    const t0 = Date.now();
    const call = p.callTool('m', 'sleep', { ms: 20_000 });
    await waitUntil(() => server!.stats().toolCalls === 2, 3000, 'the call reached the server');
    await server.crash();
    const err = await expectCode(call, 'crashed', /connection lost: the connection broke during a request.*fresh connection/);
    assert.ok(Date.now() - t0 < 3000, `failed after ${Date.now() - t0} ms`);
    assert.ok(err);
    server = await startHttpFixture({ port });
    const r = await p.callTool('m', 'echo', { text: 'again' });
    assert.equal(textOf(r.result.content).split('\n')[0], 'again');
    assert.equal(server.stats().toolCalls, 1);
  });

  it("a request's event stream ends without its answer (a proxy cutting it): the call fails at once, not after its timeout; the next call gets a fresh session", async () => {
    server = await startHttpFixture();
    const p = start({ callTimeoutMs: 20_000, livenessIntervalMs: 10_000 });
    await p.configure([directSpec('h', server.url)]);
    await p.callTool('h', 'echo', { text: 'warm' });
    const t0 = Date.now();
    await expectCode(p.callTool('h', 'hangup', {}), 'crashed', /connection lost: the server ended a request's stream without answering it.*fresh connection/);
    assert.ok(Date.now() - t0 < 3000, `failed after ${Date.now() - t0} ms`);
    assert.equal(server.stats().toolCalls, 2, 'not sent again');
    const r = await p.callTool('h', 'echo', { text: 'again' });
    assert.equal(textOf(r.result.content).split('\n')[0], 'again');
    assert.equal(server.stats().sessionsCreated, 2);
  });

  it('an answer larger than maxMessageBytes ends the session with the reason; smaller answers pass; the next call gets a fresh session', async () => {
    server = await startHttpFixture();
    const p = start({ maxMessageBytes: 1024 * 1024 });
    await p.configure([directSpec('big', server.url)]);
    const fits = 'x'.repeat(200_000); // echoed twice (text and structured): 400 kB
    assert.equal(textOf((await p.callTool('big', 'echo', { text: fits })).result.content).split('\n')[0], fits);
    await expectCode(p.callTool('big', 'echo', { text: 'y'.repeat(700_000) }), 'flooding', /more than 1 MB in answer to one request/);
    assert.ok(
      events.some((e) => e.type === 'stopped' && e.app === 'big' && /more than 1 MB/.test(JSON.stringify(e))),
      JSON.stringify(events.filter((e) => e.type !== 'state')),
    );
    const r = await p.callTool('big', 'echo', { text: 'small' });
    assert.equal(textOf(r.result.content).split('\n')[0], 'small');
    assert.equal(server.stats().sessionsCreated, 2);
  });

  it('a plain JSON answer (a 2026-07-28 server answers with one) is bounded the same: whole below maxMessageBytes, multi-byte characters intact; past it the session ends with the reason', async () => {
    const modern = await startEraHttpFixture({ legacy: 'reject' });
    try {
      const p = start({ maxMessageBytes: 1024 * 1024 });
      await p.configure([directSpec('big', modern.url)]);
      const fits = 'é€𝄞'.repeat(20_000); // 180 kB of 2-, 3- and 4-byte characters, echoed twice
      const r = await p.callTool('big', 'echo', { text: fits });
      assert.equal(r.result.structuredContent?.text, fits);
      await expectCode(p.callTool('big', 'echo', { text: 'y'.repeat(700_000) }), 'flooding', /more than 1 MB in answer to one request/);
      assert.equal((await p.callTool('big', 'echo', { text: 'small' })).result.structuredContent?.text, 'small');
      assert.equal(p.snapshot('big')!.starts, 2, 'a fresh session after the flood');
    } finally {
      await pool?.shutdown();
      await modern.close();
    }
  });

  it('an answer split across many reads arrives whole: 2-, 3- and 4-byte characters cut between chunks (≈ 700 kB)', async () => {
    server = await startHttpFixture();
    const p = start();
    await p.configure([directSpec('utf8', server.url)]);
    const text = 'é€😀'.repeat(40_000); // 9 bytes of UTF-8 each: a chunk boundary almost always cuts one
    const r = await p.callTool('utf8', 'echo', { text });
    const back = textOf(r.result.content).split('\n')[0];
    assert.equal(back.length, text.length);
    assert.ok(back === text, 'the text came back changed');
    assert.ok(!back.includes('\uFFFD'));
  });

  it('a busy session leaves no listeners behind: 10 × 30 calls, each signal shared by at most 32 requests, no MaxListenersExceededWarning', async () => {
    // The SDK hands every request of a session the same AbortSignal and undici leaves a listener
    // on it per request until a garbage collection: on a busy session, thousands and a warning.
    server = await startHttpFixture();
    const seen: { signal: AbortSignal; listeners: number }[] = [];
    const fetch = (url: string | URL, init?: RequestInit) => {
      if (init?.method === 'POST' && init.signal) seen.push({ signal: init.signal, listeners: getEventListeners(init.signal, 'abort').length });
      return globalThis.fetch(url, init);
    };
    pool = makePool({ livenessIntervalMs: 0 }, { fetch });
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
    process.on('warning', onWarning);
    try {
      await pool.configure([directSpec('busy', server.url)]);
      for (let round = 0; round < 30; round++) {
        await Promise.all(Array.from({ length: 10 }, (_, i) => pool!.callTool('busy', 'echo', { text: `${round}.${i}` })));
      }
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', onWarning);
    }
    assert.deepEqual(
      warnings.filter((w) => w.startsWith('MaxListeners')),
      [],
    );
    assert.ok(seen.length >= 300, `${seen.length} POSTs`);
    const uses = new Map<AbortSignal, number>();
    for (const s of seen) uses.set(s.signal, (uses.get(s.signal) ?? 0) + 1);
    assert.ok(Math.max(...uses.values()) <= 32, `a signal shared by ${Math.max(...uses.values())} requests`);
    assert.ok(uses.size >= Math.ceil(seen.length / 32), `${uses.size} signals for ${seen.length} requests`);
    assert.ok(Math.max(...seen.map((s) => s.listeners)) < 32, `${Math.max(...seen.map((s) => s.listeners))} listeners on a signal handed to fetch`);
    assert.equal(server.stats().sessionsCreated, 1);
  });

  it('a stop aborts every request in flight, on every signal its requests were sent with (40 calls, two signals)', async () => {
    server = await startHttpFixture();
    const inFlight: AbortSignal[] = [];
    const fetch = (url: string | URL, init?: RequestInit) => {
      if (init?.method === 'POST' && init.signal && typeof init.body === 'string' && init.body.includes('"sleep"')) inFlight.push(init.signal);
      return globalThis.fetch(url, init);
    };
    pool = makePool({ livenessIntervalMs: 0 }, { fetch });
    await pool.configure([directSpec('s', server.url)]);
    await pool.callTool('s', 'echo', { text: 'warm' });
    const calls = Array.from({ length: 40 }, () =>
      pool!.callTool('s', 'sleep', { ms: 20_000 }).then(
        () => 'answered',
        (e: Error) => e.message,
      ),
    );
    await waitUntil(() => inFlight.length === 40, 5000, 'all 40 requests sent');
    assert.ok(new Set(inFlight).size >= 2, 'the 40 requests went out on more than one signal');
    const t0 = Date.now();
    await pool.stop('s');
    const outcomes = await Promise.all(calls);
    assert.ok(Date.now() - t0 < 5000, `stopped in ${Date.now() - t0} ms`);
    assert.deepEqual(
      outcomes.filter((o) => o === 'answered'),
      [],
    );
    assert.deepEqual(
      [...new Set(inFlight)].filter((s) => !s.aborted),
      [],
      'every signal of the session aborted',
    );
  });

  it('a frozen server mid-call: the liveness pings fail the call as unreachable; the next call gets a fresh session', async () => {
    server = await startHttpFixture();
    const p = start();
    await p.configure([directSpec('f', server.url)]);
    await p.callTool('f', 'echo', { text: 'warm' });
    const call = p.callTool('f', 'sleep', { ms: 1000 });
    await waitUntil(() => server!.stats().toolCalls === 2, 3000, 'the call reached the server');
    server.freeze();
    const t0 = Date.now();
    await expectCode(call, 'unreachable', /became unreachable/);
    assert.ok(Date.now() - t0 < 5000, `${Date.now() - t0} ms`);
  });

  it('a slow server: the call timeout fails the call clearly and keeps the session', async () => {
    server = await startHttpFixture();
    const p = start({ callTimeoutMs: 300 });
    await p.configure([directSpec('s', server.url)]);
    await expectCode(p.callTool('s', 'sleep', { ms: 2000 }), 'timeout', /timed out after 0\.3 s/);
    await waitUntil(() => p.snapshot('s')!.inFlight === 0, 2000, 'call ended');
    const r = await p.callTool('s', 'add', { a: 1, b: 1 });
    assert.equal(textOf(r.result.content), '2');
    assert.equal(server.stats().sessionsCreated, 1);
  });

  it('idle eviction ends the session on the server; maxSize counts direct apps', async () => {
    server = await startHttpFixture();
    const p = start({ idleTimeoutMs: 300, sweepIntervalMs: 100, maxSize: 1 });
    await p.configure([directSpec('a', server.url), directSpec('b', server.url)]);
    await p.callTool('a', 'echo', { text: 'x' });
    assert.equal(server.stats().sessions, 1);
    await p.callTool('b', 'echo', { text: 'y' }); // the one slot: a (idle) makes room
    assert.equal(p.snapshot('a')!.status, 'stopped');
    assert.equal(server.stats().sessions, 1);
    await waitUntil(() => p.snapshot('b')!.status === 'stopped', 3000, 'b evicted when idle');
    await waitUntil(() => server!.stats().sessions === 0, 2000, 'its session ended');
  });

  it('a hung server (no answer to a call nor to a ping) ends the session and says so, not "process tree killed"', async () => {
    server = await startHttpFixture();
    // no liveness pings during the call: the call timeout, then one ping, decide (as for a stdio server)
    const p = start({ livenessIntervalMs: 0, callTimeoutMs: 600, pingTimeoutMs: 400, stopGraceMs: 300 });
    await p.configure([directSpec('h', server.url)]);
    await p.callTool('h', 'echo', { text: 'x' });
    server.freeze();
    await expectCode(p.callTool('h', 'echo', { text: 'y' }), 'timeout', /timed out after 0\.6 s/);
    await waitUntil(() => events.some((e) => e.type === 'stopped' && e.app === 'h' && e.reason === 'hung'), 5000, 'stopped(hung)');
    const snap = p.snapshot('h')!;
    assert.equal(snap.status, 'crashed');
    assert.match(snap.lastError ?? '', /^hung: no answer to call to "echo" within 0\.6 s, nor to a ping; its connection closed$/);
    assert.doesNotMatch(snap.lastError ?? '', /process/);
  });

  it('a new mcp-remote launcher restarts the apps that run mcp-remote, never a direct app (it does not use it)', async () => {
    server = await startHttpFixture();
    const p = start();
    await p.configure([directSpec('d', server.url), remoteSpec('r', server.url)]);
    await p.callTool('d', 'echo', { text: 'x' });
    const viaProxy = await p.callTool('r', 'echo', { text: 'x' });
    const sessions = server.stats().sessionsCreated;
    const restarted = await p.setLauncher(commandLauncher([process.execPath, BUNDLED_MCP_REMOTE]));
    assert.deepEqual(restarted, ['r']);
    assert.equal(p.snapshot('r')!.status, 'stopped', 'the mcp-remote app was stopped, to start with the new launcher');
    assert.equal(p.snapshot('d')!.status, 'idle', 'the direct app kept running');
    const again = await p.callTool('d', 'echo', { text: 'y' });
    assert.equal(again.coldStart, false);
    assert.equal(p.snapshot('d')!.starts, 1);
    assert.equal(server.stats().sessionsCreated, sessions, 'no new session for the direct app');
    const proxyAgain = await p.callTool('r', 'echo', { text: 'y' });
    assert.equal(proxyAgain.coldStart, true);
    assert.notEqual(proxyAgain.pid, viaProxy.pid);
  });

  it('remoteTransport "auto" (the default): a plain remote app runs direct, says so once in its log, and the snapshot (hover) says why', async () => {
    server = await startHttpFixture();
    const p = start();
    const { specs } = parseAppDefinitions({ a: { url: server.url, allowHttp: true } });
    await p.configure(specs);
    const r = await p.callTool('a', 'echo', { text: 'auto' });
    assert.equal(r.pid, undefined, 'no process');
    await p.restart('a');
    await p.callTool('a', 'echo', { text: 'again' });
    const snap = p.snapshot('a')!;
    assert.equal(snap.transport, 'direct');
    assert.equal(snap.transportChoice, 'direct (no process)');
    const said = events.filter((e) => e.type === 'stderr' && e.app === 'a' && e.line.includes('remoteTransport "auto"'));
    assert.equal(said.length, 1, 'said once, not at every start');
  });

  it('switching remoteTransport from "auto" to "direct" for an app that already runs direct restarts nothing (a call in flight finishes)', async () => {
    server = await startHttpFixture();
    const p = start();
    await p.configure(parseAppDefinitions({ a: { url: server.url, allowHttp: true } }).specs);
    await p.callTool('a', 'echo', { text: 'warm' });
    const slow = p.callTool('a', 'sleep', { ms: 300 });
    const result = await p.configure(parseAppDefinitions({ a: { url: server.url, allowHttp: true } }, { remoteTransport: 'direct' }).specs);
    assert.deepEqual(result.changed, [], 'the app runs the same: not a change');
    assert.match(JSON.stringify((await slow).result.content), /slept|300/);
    assert.equal(p.snapshot('a')!.starts, 1);
    assert.equal(p.snapshot('a')!.transportChoice, undefined, 'the hover no longer says "auto" chose it');
  });
});
