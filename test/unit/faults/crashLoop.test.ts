// Fault: a server that dies at start every time. Under continuous requests the pool must retry a
// bounded number of times with growing backoff, show `crashed` with the reason and backoffUntil,
// burn no CPU while holding back, and recover once the server is fixed.
import * as assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Pool, PoolError } from '../../../src/pool';
import { collectEvents, makePool, stdioSpec } from '../helpers';
import { ErrorTally, expectCode, sleep, tempDir, poolSuiteHooks } from './faultKit';

const figures: Record<string, unknown> = {};
const WINDOW_MS = 5000;

/** Calls the app every `everyMs` for `ms`, tallying the outcomes. */
async function hammer(pool: Pool, app: string, ms: number, everyMs: number, tally: ErrorTally): Promise<number> {
  const end = Date.now() + ms;
  let requests = 0;
  while (Date.now() < end) {
    requests++;
    try {
      await pool.callTool(app, 'echo', { text: 'x' });
      tally.add('ok');
    } catch (e) {
      assert.ok(e instanceof PoolError);
      tally.add(e.code);
    }
    await sleep(everyMs);
  }
  return requests;
}

describe('faults: crash loop', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;
  poolSuiteHooks('crash-loop', figures, () => pool);

  it('dies at start every time: few spawns over 5 s of continuous requests, crashed with reason and backoffUntil, no CPU spin', async () => {
    // the default crash-loop settings (1 s doubling, 60 s cap), as a user gets them
    pool = makePool({ crashLoopBaseMs: 1000, crashLoopMaxMs: 60_000 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('loop', { FIXTURE_EXIT_AT_START: '3' })]);
    const tally = new ErrorTally();
    const cpu0 = process.cpuUsage();
    const w0 = Date.now();
    const requests = await hammer(pool, 'loop', WINDOW_MS, 20, tally);
    const wall = Date.now() - w0;
    const cpu = process.cpuUsage(cpu0);
    const snap = pool.snapshot('loop')!;
    const spawns = snap.starts;
    figures.requests_in_5s = requests;
    figures.spawns_in_5s = spawns;
    figures.outcomes = tally.toString();
    figures.cpu_pct_while_requesting = ((cpu.user + cpu.system) / 1000 / wall) * 100;
    assert.ok(spawns <= 5, `${spawns} spawns in 5 s`);
    assert.ok(spawns >= 3, `it does retry (${spawns} spawns)`);
    assert.equal(tally.counts.get('ok'), undefined);
    assert.equal(tally.counts.get('start-failed'), spawns, 'one start attempt per failed request, never more');
    assert.equal(tally.total - spawns, tally.counts.get('backoff'), 'every other request was held back without spawning');
    // each process that really ran printed its one line: one per start, and one more on the very
    // first start: a server that ends during the era probe (server/discover) may be one that exits
    // on any request before initialize, so that start tries initialize once on a fresh process and
    // remembers the server as 2025-era; later starts send initialize at once
    const ran = events.filter((e) => e.type === 'stderr' && /exiting at start with code 3/.test(e.line)).length;
    assert.equal(ran, spawns + 1, 'one process per start, plus one era retry on the first');
    assert.equal(snap.status, 'failed', 'it never started: a failed start, not a crash');
    assert.equal(snap.consecutiveFailures, spawns);
    assert.equal(snap.lastError, 'app "loop" could not start: server exited during start (exit code 3)');
    assert.equal(snap.exit?.code, 3);
    assert.ok(snap.backoffUntil && snap.backoffUntil > Date.now(), 'backoffUntil is in the snapshot');
    assert.ok(events.filter((e) => e.type === 'startFailed').length === spawns);
    await expectCode(
      pool.callTool('loop', 'echo', { text: 'x' }),
      'backoff',
      /^app "loop" failed \d+ times in a row; the next start is held back for \d+ s \(crash-loop guard\)\. Last error: app "loop" could not start: server exited during start \(exit code 3\)\. Restart the app to try now\.$/,
    );
    figures.backoff_left_s = Math.round((snap.backoffUntil - Date.now()) / 100) / 10;

    // while held back and idle, the pool does nothing: no spawn, no CPU
    const starts = snap.starts;
    // the whole test process is measured, other suites' leftovers included (a GC or a closing
    // socket of an earlier test can take a burst): a retry spin is steady, so it shows in every one
    // of four 500 ms windows, and the quietest window is the one that tells
    const windows: number[] = [];
    for (let i = 0; i < 4; i++) {
      const idle0 = process.cpuUsage();
      const i0 = Date.now();
      await sleep(500);
      const idleCpu = process.cpuUsage(idle0);
      windows.push(((idleCpu.user + idleCpu.system) / 1000 / (Date.now() - i0)) * 100);
    }
    const idlePct = Math.min(...windows);
    figures.cpu_pct_while_held_back_idle = windows.map((w) => w.toFixed(1)).join('/');
    assert.equal(pool.snapshot('loop')!.starts, starts, 'no start while nobody asks');
    assert.ok(idlePct < 25, `CPU ${windows.map((w) => w.toFixed(1)).join('%, ')}% in four windows while holding back`);
  });

  it('recovers when fixed: by reconfiguring, by restart after fixing, or on its own once the backoff ends', async () => {
    const dir = tempDir('pool-loop-');
    const flag = join(dir, 'broken');
    writeFileSync(flag, '');
    pool = makePool({ crashLoopBaseMs: 1000 });
    await pool.configure([
      stdioSpec('a', { FIXTURE_EXIT_AT_START: '1' }),
      stdioSpec('b', { FIXTURE_FAIL_IF_EXISTS: flag }),
      stdioSpec('c', { FIXTURE_FAIL_IF_EXISTS: flag }),
    ]);
    for (const app of ['a', 'b', 'c']) {
      await expectCode(pool.callTool(app, 'echo', { text: 'x' }), 'start-failed');
      await expectCode(pool.callTool(app, 'echo', { text: 'x' }), 'start-failed');
      await expectCode(pool.callTool(app, 'echo', { text: 'x' }), 'backoff');
      assert.equal(pool.snapshot(app)!.status, 'failed');
    }
    // a: the user fixes the definition → a new spec starts at once
    const r0 = Date.now();
    const result = await pool.configure([stdioSpec('a'), stdioSpec('b', { FIXTURE_FAIL_IF_EXISTS: flag }), stdioSpec('c', { FIXTURE_FAIL_IF_EXISTS: flag })]);
    assert.deepEqual(result.changed, ['a']);
    assert.equal((await pool.callTool('a', 'echo', { text: 'fixed' })).result.structuredContent?.text, 'fixed');
    figures.recover_by_reconfigure_ms = Date.now() - r0;
    // b: the cause goes away, the user restarts → works at once, backoff cleared
    rmSync(flag);
    const r1 = Date.now();
    await pool.restart('b');
    figures.recover_by_restart_ms = Date.now() - r1;
    assert.equal(pool.snapshot('b')!.status, 'idle');
    assert.equal(pool.snapshot('b')!.consecutiveFailures, 0);
    assert.equal(pool.snapshot('b')!.backoffUntil, undefined);
    // c: nobody restarts it; once the backoff has passed the next request starts it
    const until = pool.snapshot('c')!.backoffUntil!;
    // still in its backoff (unless a loaded box already spent it): refused without a start
    if (until - Date.now() > 250) await expectCode(pool.callTool('c', 'echo', { text: 'x' }), 'backoff');
    await sleep(Math.max(0, until - Date.now()) + 50);
    const r2 = Date.now();
    assert.equal((await pool.callTool('c', 'echo', { text: 'later' })).result.structuredContent?.text, 'later');
    figures.recover_after_backoff_ms = Date.now() - r2;
    assert.equal(pool.snapshot('c')!.consecutiveFailures, 0, 'a successful call ends the crash loop');
  });
});
