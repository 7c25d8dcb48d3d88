// Who started an app, and who used it since: an interactive invocation lists the tools with a
// token; if the user then cancels, the pool stops the app only if that invocation started it and
// nobody else used it meanwhile (another call, another listing, a prewarm, a restart). And the
// invocation's result says "cold start" exactly when it waited for a start. Real processes.
import * as assert from 'node:assert/strict';
import type { Pool } from '../../src/pool';
import { waitUntil } from '../fixtures/processTable';
import { expectNoProcesses, makePool, stdioSpec } from './helpers';

describe('start ownership (cancelled invocations stop only what they alone started)', () => {
  let pool: Pool;
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    await expectNoProcesses();
  });

  beforeEach(async () => {
    pool = makePool();
    await pool.configure([stdioSpec('a')]);
  });

  it('a listing that started the app, then nothing else: stopped again, and it knows it waited for the start', async () => {
    const mine = {};
    await pool.listTools('a', { startToken: mine });
    const info = pool.startInfo('a', mine);
    assert.equal(info.waited, true);
    assert.ok(info.startMs !== undefined && info.startMs > 0, `start took ${info.startMs} ms`);
    assert.equal(await pool.stopIfUnused('a', mine), true);
    assert.equal(pool.snapshot('a')!.status, 'stopped');
  });

  it('another call since the start: left running', async () => {
    const mine = {};
    await pool.listTools('a', { startToken: mine });
    await pool.callTool('a', 'echo', { text: 'someone else' });
    assert.equal(await pool.stopIfUnused('a', mine), false);
    assert.equal(pool.snapshot('a')!.status, 'idle');
  });

  it('another caller joined the same start (e.g. another extension listing the tools): left running', async () => {
    const mine = {};
    const theirs = {};
    await Promise.all([pool.listTools('a', { startToken: mine }), pool.listTools('a', { startToken: theirs })]);
    assert.equal(pool.startInfo('a', theirs).waited, true, 'the other caller waited for the start too');
    assert.equal(await pool.stopIfUnused('a', mine), false);
    assert.equal(await pool.stopIfUnused('a', theirs), false, 'and it did not start it either');
    assert.equal(pool.snapshot('a')!.status, 'idle');
  });

  it('a view re-reading the tool list of the running app is no use: still stopped again', async () => {
    const mine = {};
    await pool.listTools('a', { startToken: mine });
    await pool.listTools('a', { observe: true });
    assert.equal(await pool.stopIfUnused('a', mine), true);
  });

  it('a view re-reading the tools of an app that dies under it: the crash shows, nothing is started in its place', async () => {
    await pool.configure([stdioSpec('a')]);
    await pool.warm('a');
    const pid = pool.snapshot('a')!.pid!;
    // Stopped, it reads nothing. (A tool call cannot freeze it here: a first call lists the tools
    // before it, and the view would then read that listing instead of asking the server.)
    process.kill(pid, 'SIGSTOP');
    const listing = pool.listTools('a', { observe: true }).then(
      () => 'listed',
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 200)); // the request is written; the server does not read it
    process.kill(pid, 'SIGKILL');
    assert.match(String(await listing), /died during listing tools/);
    await waitUntil(() => pool.snapshot('a')!.status !== 'busy', 5000, 'the calls to end');
    const snap = pool.snapshot('a')!;
    assert.equal(snap.status, 'crashed');
    assert.equal(snap.starts, 1, 'no replacement started by the view');
  });

  it('an app someone else started (prewarm, Start): never stopped by the invocation; warm if it was already running', async () => {
    await pool.warm('a');
    const mine = {};
    await pool.listTools('a', { startToken: mine });
    assert.equal(pool.startInfo('a', mine).waited, false, 'it was running: no cold start to claim');
    assert.equal(await pool.stopIfUnused('a', mine), false);
    assert.equal(pool.snapshot('a')!.status, 'idle');
  });

  it("a restart after the invocation started it: the new process is not the invocation's to stop", async () => {
    const mine = {};
    await pool.listTools('a', { startToken: mine });
    const pid = pool.snapshot('a')!.pid;
    await pool.restart('a');
    await waitUntil(() => pool.snapshot('a')!.pid !== undefined && pool.snapshot('a')!.pid !== pid, 5000, 'restarted');
    assert.equal(await pool.stopIfUnused('a', mine), false);
    assert.equal(pool.snapshot('a')!.status, 'idle');
  });

  it('cancelled while the start is still under way: the start is ended', async () => {
    const mine = {};
    const listing = pool.listTools('a', { startToken: mine }).then(
      () => 'listed',
      (e: Error) => e.message,
    );
    await waitUntil(() => pool.snapshot('a')!.status === 'starting', 5000, 'starting');
    assert.equal(await pool.stopIfUnused('a', mine), true);
    assert.match(await listing, /was stopped while starting|listed/);
    assert.equal(pool.snapshot('a')!.status, 'stopped');
  });
});
