// Fault: the remote server dies, or stops answering, while a call through mcp-remote is in
// flight. Without a liveness check the call waited its whole timeout (here 60 s) while the app
// looked healthy. While calls are in flight the pool pings through the proxy: a ping the proxy
// cannot forward, or two pings without an answer, fail every call in flight at once with
// `unreachable` and the proxy's reason, retire the proxy (not as hung), and the next call starts
// a fresh one. A healthy remote's long call and a stdio server's long synchronous work survive it.
import * as assert from 'node:assert/strict';
import type { Pool, PoolEvent } from '../../../src/pool';
import { type HttpFixture, startHttpFixture } from '../../fixtures/http-server';
import { waitUntil } from '../../fixtures/processTable';
import { collectEvents, makePool, remoteSpec, stdioSpec, textOf } from '../helpers';
import { expectCode, poolSuiteHooks, serverProcesses, sleep } from './faultKit';

const LIVENESS = { callTimeoutMs: 60_000, livenessIntervalMs: 1000, pingTimeoutMs: 1000 };

const stops = (events: readonly PoolEvent[], reason: string) => events.filter((e) => e.type === 'stopped' && e.reason === reason).length;

describe('faults: the remote server goes away while a call is in flight', function () {
  this.timeout(90_000); // longer than the call timeout: without the check, a call fails as a timeout after 60 s
  let pool: Pool | undefined;
  let fixtures: HttpFixture[] = [];
  const figures: Record<string, unknown> = {};
  poolSuiteHooks('remote-mid-call', figures, () => pool);
  afterEach(async () => {
    await Promise.all(fixtures.map((f) => f.close()));
    fixtures = [];
  });

  const serve = async (port?: number) => {
    const fx = await startHttpFixture({ port });
    fixtures.push(fx);
    return fx;
  };

  /** A 30 s sleep on remote app "r", once the server has received it. */
  async function longCallInFlight(fx: HttpFixture, p: Pool): Promise<{ call: Promise<unknown> }> {
    const before = fx.stats().toolCalls;
    const call = p.callTool('r', 'sleep', { ms: 30_000 });
    call.catch(() => undefined); // awaited by the test; no unhandled rejection meanwhile
    await waitUntil(() => fx.stats().toolCalls > before, 10_000, 'the sleep reached the server');
    return { call }; // wrapped: an async function would wait for a promise it returns
  }

  /** After the fault: the proxy was retired as unreachable (never killed as hung), and a fresh one works once the server is back. */
  async function recovers(p: Pool, events: readonly PoolEvent[], port: number, oldPid: number | undefined): Promise<number> {
    await waitUntil(() => stops(events, 'unreachable') === 1, 10_000, 'the proxy retired as unreachable');
    await waitUntil(() => oldPid === undefined || !serverProcesses(p).includes(oldPid), 10_000, 'the old proxy gone');
    assert.equal(stops(events, 'hung'), 0, 'killed as hung');
    await serve(port);
    const t0 = Date.now();
    const again = await p.callTool('r', 'echo', { text: 'back' });
    assert.equal(textOf(again.result.content).split('\n')[0], 'back');
    assert.equal(again.coldStart, true);
    assert.notEqual(again.pid, oldPid, 'a fresh proxy');
    return Date.now() - t0;
  }

  it('the remote dies mid-call: the call fails with unreachable within seconds, the proxy is retired, the next call gets a fresh one', async () => {
    const fx = await serve();
    pool = makePool(LIVENESS);
    const events = collectEvents(pool);
    await pool.configure([remoteSpec('r', fx.url)]);
    const first = await pool.callTool('r', 'echo', { text: 'up' });
    const { call: inFlight } = await longCallInFlight(fx, pool);
    await fx.crash();
    const t0 = Date.now();
    const err = await expectCode(
      inFlight,
      'unreachable',
      /^call to "sleep" on app "r" failed: the remote server became unreachable during the call: .+; the next call starts a fresh connection$/,
    );
    const ms = Date.now() - t0;
    assert.ok(ms < 5000, `failed ${ms} ms after the remote died (call timeout 60 s, liveness every 1 s)`);
    assert.ok(err.reason, "carries the proxy's reason");
    figures.died_error_ms = ms;
    figures.died_reason = JSON.stringify(err.reason).slice(0, 80);
    figures.died_recover_ms = await recovers(pool, events, fx.port, first.pid);
  });

  it('the remote freezes mid-call (sockets open, no answer): two missed pings fail the call with unreachable, nothing is killed as hung', async () => {
    const fx = await serve();
    pool = makePool(LIVENESS);
    const events = collectEvents(pool);
    await pool.configure([remoteSpec('r', fx.url)]);
    const first = await pool.callTool('r', 'echo', { text: 'up' });
    const { call: inFlight } = await longCallInFlight(fx, pool);
    fx.freeze();
    const t0 = Date.now();
    const err = await expectCode(
      inFlight,
      'unreachable',
      /^call to "sleep" on app "r" failed: the remote server became unreachable during the call: no answer to 2 pings in a row \(1 s each\); the next call starts a fresh connection$/,
    );
    const ms = Date.now() - t0;
    // at most: the wait for the next ping (1 s) + two pings of 1 s, plus scheduling slack
    assert.ok(ms < 6000, `failed ${ms} ms after the remote froze (call timeout 60 s)`);
    assert.equal(pool.snapshot('r')!.lastError, err.message);
    await fx.close();
    figures.frozen_error_ms = ms;
    figures.frozen_recover_ms = await recovers(pool, events, fx.port, first.pid);
  });

  it('several calls in flight when the remote dies: each fails once with unreachable, none is retried', async () => {
    const fx = await serve();
    pool = makePool(LIVENESS);
    await pool.configure([remoteSpec('r', fx.url)]);
    await pool.callTool('r', 'echo', { text: 'up' });
    const before = fx.stats().toolCalls;
    const calls = [1, 2, 3].map((i) => pool!.callTool('r', 'sleep', { ms: 30_000 + i }));
    for (const c of calls) c.catch(() => undefined);
    await waitUntil(() => fx.stats().toolCalls === before + 3, 10_000, 'three sleeps reached the server');
    await fx.crash();
    const t0 = Date.now();
    const errs = await Promise.all(calls.map((c) => expectCode(c, 'unreachable')));
    assert.ok(Date.now() - t0 < 5000);
    assert.equal(new Set(errs).size, 3);
    assert.equal(pool.snapshot('r')!.inFlight, 0);
    assert.equal(pool.snapshot('r')!.errors, 3, 'one error per call');
    // none is sent again: the server back on the same port receives only the next call
    const back = await serve(fx.port);
    await sleep(500);
    assert.equal(back.stats().toolCalls, 0, 'a failed call was retried');
    await pool.callTool('r', 'echo', { text: 'next' });
    assert.equal(back.stats().toolCalls, 1);
  });

  it('a cancel during the pings wins cleanly: the call ends as cancelled, the app stays up', async () => {
    const fx = await serve();
    pool = makePool({ ...LIVENESS, livenessIntervalMs: 200 });
    const events = collectEvents(pool);
    await pool.configure([remoteSpec('r', fx.url)]);
    const first = await pool.callTool('r', 'echo', { text: 'up' });
    const ac = new AbortController();
    const call = pool.callTool('r', 'sleep', { ms: 30_000 }, { signal: ac.signal });
    await sleep(1500); // several pings answered meanwhile
    ac.abort();
    await expectCode(call, 'cancelled');
    const after = await pool.callTool('r', 'echo', { text: 'still' });
    assert.equal(after.pid, first.pid, 'the same proxy');
    assert.equal(stops(events, 'unreachable') + stops(events, 'hung'), 0);
  });

  it("a healthy remote's long call is not failed by the liveness check (the pings reach the remote)", async () => {
    const fx = await serve();
    pool = makePool({ ...LIVENESS, livenessIntervalMs: 500 });
    const events = collectEvents(pool);
    await pool.configure([remoteSpec('r', fx.url)]);
    const first = await pool.callTool('r', 'echo', { text: 'up' });
    const requests = fx.stats().requests;
    const out = await pool.callTool('r', 'sleep', { ms: 8000 });
    assert.equal(textOf(out.result.content), 'slept 8000');
    assert.equal(out.pid, first.pid);
    const pings = fx.stats().requests - requests - 1;
    assert.ok(pings >= 10, `${pings} pings reached the remote during the 8 s call`);
    // no ping while nothing is in flight
    const idle = fx.stats().requests;
    await sleep(1500);
    assert.equal(fx.stats().requests, idle, 'pinged while idle');
    assert.equal(events.filter((e) => e.type === 'stopped').length, 0);
    figures.healthy_pings_in_8s = pings;
  });

  it('a stdio server busy with long synchronous work survives missed pings (it is not killed mid-call)', async () => {
    pool = makePool({ callTimeoutMs: 60_000, livenessIntervalMs: 300, pingTimeoutMs: 300 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('s', { FIXTURE_FAULT_TOOLS: '1' })]);
    const first = await pool.callTool('s', 'echo', { text: 'up' });
    const out = await pool.callTool('s', 'block', { ms: 4000 });
    assert.equal(textOf(out.result.content), 'blocked 4000');
    assert.equal(out.pid, first.pid);
    const slept = await pool.callTool('s', 'sleep', { ms: 1500 }); // answered pings meanwhile
    assert.equal(slept.pid, first.pid);
    assert.equal(events.filter((e) => e.type === 'stopped' || e.type === 'crashed').length, 0);
    assert.equal(pool.snapshot('s')!.errors, 0);
  });
});
