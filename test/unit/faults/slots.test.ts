// Slots never deadlock: starts wait in line and hold no slot while they wait, proceed as soon as
// a slot frees (first come, first served), a Kill of a waiting app returns at once and evicts
// nothing, and "every running app stayed busy" is said only when true. Real stdio servers.
import * as assert from 'node:assert/strict';
import type { Pool, PoolEvent } from '../../../src/pool';
import { waitUntil } from '../../fixtures/processTable';
import { collectEvents, makePool, ourProcesses, stdioSpec, textOf } from '../helpers';
import { expectCode, poolSuiteHooks, sleep } from './faultKit';

/** The most processes alive at once, from the pool's own started/stopped/crashed events. */
function maxAlive(events: readonly PoolEvent[]): number {
  let alive = 0;
  let max = 0;
  for (const e of events) {
    if (e.type === 'started') max = Math.max(max, ++alive);
    else if ((e.type === 'stopped' && e.reason !== 'unused') || e.type === 'crashed') alive = Math.max(0, alive - 1);
  }
  return max;
}

describe('faults: slots', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;
  const figures: Record<string, unknown> = {};
  poolSuiteHooks('slots', figures, () => pool);

  it('maxSize+2 cold starts at once: all succeed in turn, never more processes than maxSize, no 30 s wait', async () => {
    pool = makePool({ maxSize: 1, acquireTimeoutMs: 30_000 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('a'), stdioSpec('b'), stdioSpec('c')]);
    const t0 = Date.now();
    const results = await Promise.allSettled(['a', 'b', 'c'].map((app) => pool!.callTool(app, 'echo', { text: app })));
    const ms = Date.now() - t0;
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? textOf(r.value.result.content).split('\n')[0] : String(r.reason))),
      ['a', 'b', 'c'],
    );
    assert.equal(maxAlive(events), 1, 'more processes than maxSize at once');
    assert.ok(ms < 15_000, `took ${ms} ms: starts waited for each other`);
    figures.three_starts_max1_ms = ms;
  });

  it('waiting starts go first come, first served as slots free up', async () => {
    pool = makePool({ maxSize: 1, acquireTimeoutMs: 30_000 });
    const events = collectEvents(pool);
    await pool.configure(['hold', 'w1', 'w2', 'w3'].map((n) => stdioSpec(n)));
    const hold = pool.callTool('hold', 'sleep', { ms: 800 });
    await waitUntil(() => pool!.snapshot('hold')!.status === 'busy', 5000, 'hold busy');
    const waiters: Promise<unknown>[] = [];
    for (const w of ['w1', 'w2', 'w3']) {
      waiters.push(pool.callTool(w, 'echo', { text: w }));
      await sleep(50); // arrival order
    }
    await hold;
    await Promise.all(waiters);
    const order = events.flatMap((e) => (e.type === 'started' ? [e.app] : []));
    assert.deepEqual(order, ['hold', 'w1', 'w2', 'w3']);
  });

  it('Kill of an app waiting for a slot returns at once and evicts nothing', async () => {
    pool = makePool({ maxSize: 1, acquireTimeoutMs: 30_000 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('busy'), stdioSpec('waiter')]);
    const busy = pool.callTool('busy', 'sleep', { ms: 2000 });
    await waitUntil(() => pool!.snapshot('busy')!.status === 'busy', 5000, 'busy');
    const waiting = pool.callTool('waiter', 'echo', { text: 'x' });
    const failed = expectCode(waiting, 'stopped', /was stopped while waiting for a free slot/);
    await waitUntil(() => pool!.snapshot('waiter')!.status === 'starting', 5000, 'waiter in line');
    const t0 = Date.now();
    await pool.stop('waiter', 'user');
    const killMs = Date.now() - t0;
    await failed;
    assert.ok(killMs < 500, `kill of a waiting app took ${killMs} ms`);
    assert.equal(textOf((await busy).result.content), 'slept 2000', 'the busy app was not evicted');
    assert.ok(!events.some((e) => e.type === 'stopped' && e.reason === 'lru'), 'an app was evicted');
    assert.equal(pool.snapshot('waiter')!.status, 'stopped');
    assert.equal(pool.snapshot('waiter')!.starts, 0, 'the waiter never spawned');
    figures.kill_waiter_ms = killMs;
  });

  it('"every running app stayed busy" only when they did; otherwise the message says what the slots were doing', async () => {
    pool = makePool({ maxSize: 1, acquireTimeoutMs: 500 });
    await pool.configure([stdioSpec('a'), stdioSpec('b'), stdioSpec('c')]);
    const busy = pool.callTool('a', 'sleep', { ms: 1500 });
    await waitUntil(() => pool!.snapshot('a')!.status === 'busy', 5000, 'a busy');
    const e = await expectCode(pool.callTool('b', 'echo', { text: 'x' }), 'pool-full', /every running app stayed busy for 1 s \(a: busy \(1 call\)\)/);
    assert.match(e.message, /mcpPool\.maxSize = 1/);
    await busy;
  });

  it('a start blocked by a slow start is told so, not that apps stayed busy', async () => {
    pool = makePool({ maxSize: 1, acquireTimeoutMs: 500, startTimeoutMs: 3000 });
    await pool.configure([stdioSpec('slow', { FIXTURE_HANG_INIT: '1' }), stdioSpec('b')]);
    const slow = expectCode(pool.callTool('slow', 'echo', { text: 'x' }), 'start-failed');
    await waitUntil(() => pool!.snapshot('slow')!.pid !== undefined || pool!.snapshot('slow')!.starts === 1, 5000, 'slow is starting');
    const e = await expectCode(pool.callTool('b', 'echo', { text: 'x' }), 'pool-full');
    assert.match(e.message, /no slot became free in 1 s \(slow: starting\)/);
    assert.doesNotMatch(e.message, /stayed busy/);
    await slow;
  });

  it('idle apps are evicted only as many as the line needs', async () => {
    pool = makePool({ maxSize: 3, acquireTimeoutMs: 30_000 });
    const events = collectEvents(pool);
    await pool.configure(['i1', 'i2', 'i3', 'n1'].map((n) => stdioSpec(n)));
    for (const app of ['i1', 'i2', 'i3']) await pool.callTool(app, 'echo', { text: app });
    await pool.callTool('n1', 'echo', { text: 'new' });
    const evicted = events.flatMap((e) => (e.type === 'stopped' && e.reason === 'lru' ? [e.app] : []));
    assert.deepEqual(evicted, ['i1'], 'exactly the least recently used idle app');
    assert.equal(ourProcesses().length, 3);
  });
});
