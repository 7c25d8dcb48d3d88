// Fault: hung servers. One never answers `initialize` (start timeout), one freezes its event loop
// in the middle of a call and ignores SIGTERM (call timeout → ping → the tree is killed).
import * as assert from 'node:assert/strict';
import type { Pool, PoolEvent } from '../../../src/pool';
import { STDIO_FIXTURE } from '../../fixtures/paths';
import { isAlive, waitUntil } from '../../fixtures/processTable';
import { collectEvents, makePool, RUN_MARK, stdioSpec, textOf } from '../helpers';
import { expectCode, expectGone, serverProcesses, sleep, poolSuiteHooks } from './faultKit';

const figures: Record<string, unknown> = {};

describe('faults: hung servers', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;
  poolSuiteHooks('hung', figures, () => pool, { aliveAtEnd: false });

  it('never answers initialize: the start timeout fires, the whole tree is killed, the snapshot says why', async function () {
    if (process.platform === 'win32') this.skip();
    pool = makePool({ startTimeoutMs: 3000, stopGraceMs: 500 });
    const events = collectEvents(pool);
    // the server (exec'd by sh, so it keeps the pid) has a child of its own that must die too
    const script = `'${process.execPath}' -e 'setInterval(()=>{},1000)' -- ${RUN_MARK} & exec '${process.execPath}' '${STDIO_FIXTURE}' --hang-init ${RUN_MARK}`;
    await pool.configure([{ kind: 'stdio', name: 'mute', command: '/bin/sh', args: ['-c', script], env: { FIXTURE_IGNORE_SIGTERM: '1' } }]);
    const seen = new Set<number>();
    const watch = setInterval(() => serverProcesses(pool).forEach((p) => seen.add(p)), 20);
    const start = Date.now();
    const err = await expectCode(
      pool.callTool('mute', 'echo', { text: 'x' }),
      'start-failed',
      /app "mute" could not start: server did not complete the MCP handshake within 3 s/,
    );
    const took = Date.now() - start;
    clearInterval(watch);
    assert.ok(seen.size >= 2, `saw the server and its child (${[...seen].join(', ')})`);
    assert.deepEqual(serverProcesses(pool), [], 'the whole tree is gone when the error arrives');
    for (const pid of seen) assert.equal(isAlive(pid), false);
    assert.ok(
      err.stderrTail.some((l) => /hanging, initialize will never be answered/.test(l)),
      'the error carries the stderr tail',
    );
    const snap = pool.snapshot('mute')!;
    assert.equal(snap.status, 'failed', 'a start that timed out is a failed start');
    assert.match(snap.lastError ?? '', /server did not complete the MCP handshake within 3 s/);
    assert.equal(snap.pid, undefined);
    assert.ok(events.some((e) => e.type === 'startFailed' && /handshake/.test(e.error)));
    figures.init_timeout_ms = 3000;
    figures.init_fail_after_ms = took;
    figures.init_tree_size = seen.size;
  });

  it('freezes during a call and ignores SIGTERM: call timeout, failed ping, tree killed, lastError says hung', async () => {
    const grace = 400;
    pool = makePool({ callTimeoutMs: 800, pingTimeoutMs: 500, stopGraceMs: grace });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('frozen', { FIXTURE_FAULT_TOOLS: '1', FIXTURE_IGNORE_SIGTERM: '1' })]);
    const server = (await pool.callTool('frozen', 'echo', { text: 'x' })).pid!;
    const grandchild = Number(textOf((await pool.callTool('frozen', 'spawn_child', {})).result.content));
    assert.ok(isAlive(grandchild));
    const start = Date.now();
    await expectCode(pool.callTool('frozen', 'freeze', {}), 'timeout', /call to "freeze" on app "frozen" timed out after 0\.8 s/);
    const timedOutAfter = Date.now() - start;
    const stopped = await waitUntil(
      () => events.find((e): e is Extract<PoolEvent, { type: 'stopped' }> => e.type === 'stopped' && e.reason === 'hung'),
      10_000,
      'stopped(hung)',
    );
    const killedAfter = Date.now() - start;
    assert.equal(stopped.app, 'frozen');
    await expectGone([server, grandchild], 2000);
    const snap = pool.snapshot('frozen')!;
    assert.equal(snap.status, 'crashed');
    assert.match(snap.lastError ?? '', /^hung: no answer to call to "freeze" within 0\.8 s, nor to a ping; process tree killed$/);
    assert.equal(snap.pid, undefined);
    // and it serves again, on a fresh process
    const again = await pool.callTool('frozen', 'echo', { text: 'back' });
    assert.equal(again.coldStart, true);
    assert.notEqual(again.pid, server);
    assert.equal(pool.snapshot('frozen')!.status, 'idle');
    figures.call_timeout_ms = 800;
    figures.call_timeout_fired_ms = timedOutAfter;
    figures.hung_tree_killed_ms = killedAfter;
  });

  it('a call made while the hung tree is being killed gets a fresh process and the app stays healthy', async () => {
    const grace = 600;
    pool = makePool({ callTimeoutMs: 500, pingTimeoutMs: 300, stopGraceMs: grace, idleTimeoutMs: 0 });
    await pool.configure([stdioSpec('frozen', { FIXTURE_FAULT_TOOLS: '1', FIXTURE_IGNORE_SIGTERM: '1' })]);
    const server = (await pool.callTool('frozen', 'echo', { text: 'x' })).pid!;
    await expectCode(pool.callTool('frozen', 'freeze', {}), 'timeout');
    // the pool is now pinging, then killing the frozen tree (SIGKILL at once: it ignored a call and a ping)
    await waitUntil(() => ['stopping', 'crashed'].includes(pool!.snapshot('frozen')!.status), 5000, 'hung tree being killed');
    const fresh = await pool.callTool('frozen', 'echo', { text: 'meanwhile' });
    assert.equal(fresh.result.structuredContent?.text, 'meanwhile');
    assert.notEqual(fresh.pid, server);
    await expectGone([server], 5000);
    await sleep(100);
    const snap = pool.snapshot('frozen')!;
    assert.equal(snap.status, 'idle', 'the replacement process is not reported as crashed');
    assert.equal(snap.pid, fresh.pid);
    assert.match(snap.lastError ?? '', /^hung:/);
    // an idle app can be evicted again (a stale 'crashed' status would pin it in the pool)
    assert.deepEqual(await pool.sweep(Date.now() + 10 * 60_000), []);
    pool.updateSettings({ idleTimeoutMs: 1 });
    assert.deepEqual(await pool.sweep(Date.now() + 1000), ['frozen']);
    assert.equal(isAlive(fresh.pid!), false);
  });

  it('a server killed while the pool pings it after a timeout is reported as crashed, not hung', async () => {
    pool = makePool({ pingTimeoutMs: 5000 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('dies')]);
    const { pid } = await pool.callTool('dies', 'echo', { text: 'x' });
    await expectCode(pool.callTool('dies', 'sleep', { ms: 10_000 }, { timeoutMs: 300 }), 'timeout');
    process.kill(pid!, 'SIGKILL'); // the ping the pool just sent will never be answered
    await waitUntil(() => events.some((e) => e.type === 'crashed' || (e.type === 'stopped' && e.reason === 'hung')), 5000, 'a verdict');
    await sleep(300);
    const snap = pool.snapshot('dies')!;
    assert.ok(!events.some((e) => e.type === 'stopped' && e.reason === 'hung'), `reported as hung: ${snap.lastError}`);
    assert.equal(snap.status, 'crashed');
    assert.match(snap.lastError ?? '', /crashed \(killed by SIGKILL\)/);
    assert.equal(snap.exit?.signal, 'SIGKILL');
  });
});
