// Fault: the editor shuts down while the pool is busy. pool.shutdown() with 20 calls in flight
// (some servers ignore SIGTERM and have children of their own, one app still starting):
// every call fails cleanly, every process is gone when shutdown resolves, within the stop grace.
import * as assert from 'node:assert/strict';
import type { Pool, PoolError } from '../../../src/pool';
import { isAlive, waitUntil } from '../../fixtures/processTable';
import { makePool, stdioSpec, textOf } from '../helpers';
import { ErrorTally, expectCode, expectNoDescendants, ourDescendants, printFigures, serverProcesses } from './faultKit';

describe('faults: shutdown under load', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;

  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    await expectNoDescendants(5000);
  });

  it('20 calls in flight and one start: each fails at once with stopped, none hangs, every process gone within the stop grace', async () => {
    const t0 = Date.now();
    const grace = 1000;
    pool = makePool({ stopGraceMs: grace, maxSize: 10 });
    const p = pool;
    await p.configure([
      stdioSpec('plain1'),
      stdioSpec('plain2'),
      stdioSpec('stubborn1', { FIXTURE_IGNORE_SIGTERM: '1' }),
      stdioSpec('stubborn2', { FIXTURE_IGNORE_SIGTERM: '1' }),
      stdioSpec('late'),
    ]);
    const running = ['plain1', 'plain2', 'stubborn1', 'stubborn2'];
    const grandchildren: number[] = [];
    for (const app of running) {
      await p.callTool(app, 'echo', { text: 'warm' });
      grandchildren.push(Number(textOf((await p.callTool(app, 'spawn_child', {})).result.content)));
    }
    const tree = serverProcesses(p);
    const reaper = p.watchdog?.pid;
    assert.equal(tree.length, 8, 'four servers with a child each');

    /** One call and what became of it: `at` is set when it settles. */
    interface Outcome {
      readonly call: string;
      readonly app: string;
      at?: number;
      error?: PoolError;
      ok?: boolean;
    }
    const outcomes: Outcome[] = [];
    const track = (call: string, app: string, promise: Promise<unknown>) => {
      const o: Outcome = { call, app };
      outcomes.push(o);
      void promise.then(
        () => Object.assign(o, { at: Date.now(), ok: true }),
        (e: PoolError) => Object.assign(o, { at: Date.now(), error: e }),
      );
    };
    for (let i = 0; i < 20; i++) track(`in-flight call ${i + 1}`, running[i % 4], p.callTool(running[i % 4], 'sleep', { ms: 30_000 }));
    await waitUntil(() => running.every((a) => p.snapshot(a)!.inFlight === 5), 10_000, '20 calls in flight');
    // and one app caught in the middle of its start
    track('the call that starts "late"', 'late', p.callTool('late', 'echo', { text: 'x' }));
    await waitUntil(() => p.snapshot('late')!.status === 'starting', 5000, 'late is starting');
    await new Promise((r) => setTimeout(r, 50));

    const s0 = Date.now();
    await p.shutdown();
    const took = Date.now() - s0;
    const aliveAtResolve = ourDescendants(reaper ? [reaper] : []);
    // No call hangs: each has settled by now (the sleeps would take 30 s), or within a moment.
    await waitUntil(
      () => {
        const pending = outcomes.filter((o) => o.at === undefined).map((o) => `${o.call} (${o.app})`);
        if (pending.length) throw new Error(`${pending.length} still pending after shutdown resolved: ${pending.join(', ')}`);
        return true;
      },
      2000,
      'every call to settle',
    );
    const inFlight = outcomes.filter((o) => o.app !== 'late');
    const failedWithin = Math.max(...inFlight.map((o) => o.at! - s0));
    const startingFailedAfter = outcomes.find((o) => o.app === 'late')!.at! - s0;

    // Each call fails with a code that says it was stopped, and a message naming its app.
    const tally = new ErrorTally();
    for (const o of outcomes) {
      assert.ok(!o.ok, `${o.call} (${o.app}) succeeded after shutdown began`);
      tally.add(o.error!.code);
      const expected =
        o.app === 'late' ? /^app "late" was stopped while starting$/ : new RegExp(`^call to "sleep" on app "${o.app}" ended: the app was stopped$`);
      assert.equal(o.error!.code, 'stopped', `${o.call} (${o.app}): ${o.error!.code}: ${o.error!.message}`);
      assert.match(o.error!.message, expected, `${o.call} (${o.app})`);
    }
    await expectCode(p.callTool('plain1', 'echo', { text: 'x' }), 'shutting-down', /the pool is shutting down/);
    for (const pid of [...tree, ...grandchildren]) assert.equal(isAlive(pid), false, `pid ${pid} survived the shutdown`);
    // the watchdog has nothing left to guard: it ends as soon as the pool lets it go
    await waitUntil(() => !reaper || !isAlive(reaper), 3000, 'the watchdog ended');
    assert.deepEqual(ourDescendants(), []);

    printFigures('shutdown', {
      in_flight: 20,
      starting: 1,
      errors: tally.toString(),
      in_flight_failed_within_ms: failedWithin,
      starting_failed_after_ms: startingFailedAfter,
      shutdown_ms: took,
      stop_grace_ms: grace,
      processes_before: tree.length,
      alive_when_shutdown_resolved: aliveAtResolve.length,
      duration_s: (Date.now() - t0) / 1000,
    });
    assert.deepEqual(aliveAtResolve, [], 'every process is gone when shutdown() resolves');
    // stdin closed → grace → SIGTERM → grace → SIGKILL: the stubborn ones need both graces, never more
    assert.ok(took <= 2 * grace + 1500, `shutdown took ${took} ms (grace ${grace} ms)`);
    assert.ok(failedWithin < 1000, `in-flight calls fail as soon as the stop begins (${failedWithin} ms)`);
    assert.ok(startingFailedAfter <= 2 * grace + 1500);
  });
});
