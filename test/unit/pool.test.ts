// The pool against real child processes (the SDK-built stdio fixture server).
import * as assert from 'node:assert/strict';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { commandLauncher, type Pool, PoolError } from '../../src/pool';
import { STDIO_FIXTURE } from '../fixtures/paths';
import { isAlive, waitUntil } from '../fixtures/processTable';
import { collectEvents, expectNoProcesses, makePool, ourProcesses, RUN_MARK, stdioSpec, textOf } from './helpers';
import { tempDir } from './tempDirs';

function pidOf(structured: Readonly<Record<string, unknown>> | undefined): number {
  return Number(structured?.pid);
}

async function rejects(p: Promise<unknown>, code: string, message?: RegExp): Promise<PoolError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PoolError, `expected PoolError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected rejection with ${code}`);
}

describe('pool (real processes)', () => {
  let pool: Pool;
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    await expectNoProcesses();
  });

  it('reuses one process across calls (same pid, cold then warm)', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('a')]);
    const first = await pool.callTool('a', 'echo', { text: 'one' });
    const second = await pool.callTool('a', 'echo', { text: 'two' });
    assert.equal(first.coldStart, true);
    assert.equal(second.coldStart, false);
    assert.equal(pidOf(first.result.structuredContent), pidOf(second.result.structuredContent));
    assert.equal(first.pid, pidOf(first.result.structuredContent));
    const snap = pool.snapshot('a')!;
    assert.equal(snap.status, 'idle');
    assert.equal(snap.calls, 2);
    assert.equal(snap.starts, 1);
    assert.equal(snap.serverName, 'fixture-stdio');
    assert.ok(snap.createdAt! <= snap.lastUsedAt!);
    assert.equal(ourProcesses().length, 1);
  });

  it('50 concurrent first calls share one start (single flight)', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('a')]);
    const outcomes = await Promise.all(Array.from({ length: 50 }, (_, i) => pool.callTool('a', 'echo', { text: String(i) })));
    const pids = new Set(outcomes.map((o) => pidOf(o.result.structuredContent)));
    assert.equal(pids.size, 1);
    assert.equal(pool.snapshot('a')!.starts, 1);
    assert.equal(ourProcesses().length, 1);
    assert.deepEqual(
      outcomes.map((o) => textOf(o.result.content).split('\n')[0]),
      Array.from({ length: 50 }, (_, i) => String(i)),
    );
  });

  it('returns results whole: every content item, structuredContent, isError', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('a')]);
    const echo = await pool.callTool('a', 'echo', { text: 'hi' });
    assert.equal(echo.result.content.length, 2);
    assert.deepEqual(echo.result.structuredContent, { text: 'hi', pid: echo.pid, name: 'a' });
    const image = await pool.callTool('a', 'image', {});
    assert.deepEqual(
      image.result.content.map((c) => c.type),
      ['image', 'resource_link'],
    );
    assert.equal(image.result.content[0].mimeType, 'image/png');
    const failed = await pool.callTool('a', 'fail', { message: 'nope' });
    assert.equal(failed.result.isError, true);
    assert.match(textOf(failed.result.content), /nope/);
  });

  it('evicts idle apps on the sweep and leaves no process', async () => {
    pool = makePool({ sweepIntervalMs: 100 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('short', {}, { idleTimeoutMs: 300 }), stdioSpec('long')]);
    await pool.callTool('short', 'echo', { text: 'x' });
    await pool.callTool('long', 'echo', { text: 'x' });
    await waitUntil(() => pool.snapshot('short')!.status === 'stopped', 3000, 'short evicted');
    assert.equal(pool.snapshot('long')!.status, 'idle', 'the global 300 s timeout keeps the other app');
    assert.ok(events.some((e) => e.type === 'stopped' && e.app === 'short' && e.reason === 'idle'));
    assert.equal(ourProcesses().length, 1);
  });

  it('the sweep never evicts an app with calls in flight', async () => {
    pool = makePool({ idleTimeoutMs: 200 });
    await pool.configure([stdioSpec('a')]);
    const call = pool.callTool('a', 'sleep', { ms: 800 });
    await waitUntil(() => pool.snapshot('a')!.status === 'busy', 5000, 'busy');
    await new Promise((r) => setTimeout(r, 400));
    assert.deepEqual(await pool.sweep(), []);
    assert.equal(textOf((await call).result.content), 'slept 800');
    assert.deepEqual(await pool.sweep(Date.now() + 1000), ['a']);
  });

  it('at max size, starting one more evicts the least recently used idle app, skipping busy ones', async () => {
    pool = makePool({ maxSize: 2 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('a'), stdioSpec('b'), stdioSpec('c')]);
    await pool.callTool('a', 'echo', { text: 'oldest' });
    await pool.callTool('b', 'echo', { text: 'newer' });
    const busy = pool.callTool('a', 'sleep', { ms: 1500 }); // a is now the busy one
    await waitUntil(() => pool.snapshot('a')!.status === 'busy', 5000, 'a busy');
    await pool.callTool('c', 'echo', { text: 'third' });
    assert.equal(pool.snapshot('b')!.status, 'stopped', 'b (idle) was evicted');
    assert.ok(['busy', 'idle'].includes(pool.snapshot('a')!.status));
    assert.ok(events.some((e) => e.type === 'stopped' && e.app === 'b' && e.reason === 'lru'));
    assert.equal(textOf((await busy).result.content), 'slept 1500');
    assert.equal(ourProcesses().length, 2);
  });

  it('when every running app is busy, a new start waits (bounded) and then fails naming the limit', async () => {
    pool = makePool({ maxSize: 1, acquireTimeoutMs: 300 });
    await pool.configure([stdioSpec('a'), stdioSpec('b')]);
    const busy = pool.callTool('a', 'sleep', { ms: 1500 });
    await waitUntil(() => pool.snapshot('a')!.status === 'busy', 5000, 'a busy');
    await rejects(pool.callTool('b', 'echo', { text: 'x' }), 'pool-full', /mcpPool\.maxSize = 1/);
    await busy;
  });

  it('when every running app is busy, a start within the wait bound gets the slot once one is free', async () => {
    pool = makePool({ maxSize: 1, acquireTimeoutMs: 10_000 });
    await pool.configure([stdioSpec('a'), stdioSpec('b')]);
    const busy = pool.callTool('a', 'sleep', { ms: 600 });
    await waitUntil(() => pool.snapshot('a')!.status === 'busy', 5000, 'a busy');
    const b = await pool.callTool('b', 'echo', { text: 'x' });
    await busy;
    assert.equal(b.coldStart, true);
    assert.equal(pool.snapshot('a')!.status, 'stopped');
  });

  it('SIGKILL mid-call: a clear error at once, a fresh process on the next call', async () => {
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('a')]);
    const first = await pool.callTool('a', 'echo', { text: 'x' });
    const call = pool.callTool('a', 'sleep', { ms: 10_000 });
    await waitUntil(() => pool.snapshot('a')!.status === 'busy', 5000, 'busy');
    const t0 = Date.now();
    process.kill(first.pid!, 'SIGKILL');
    const err = await rejects(call, 'crashed', /died during call to "sleep" \(killed by SIGKILL\)/);
    assert.ok(Date.now() - t0 < 2000, 'noticed at once');
    assert.match(err.message, /next call starts a fresh process/);
    const snap = pool.snapshot('a')!;
    assert.equal(snap.status, 'crashed');
    assert.equal(snap.exit?.signal, 'SIGKILL');
    assert.ok(events.some((e) => e.type === 'crashed' && e.app === 'a'));
    const next = await pool.callTool('a', 'echo', { text: 'again' });
    assert.equal(next.coldStart, true);
    assert.notEqual(next.pid, first.pid);
    assert.equal(pool.snapshot('a')!.status, 'idle');
  });

  it('a process that dies while idle is noticed and replaced on the next call', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('a')]);
    const first = await pool.callTool('a', 'echo', { text: 'x' });
    process.kill(first.pid!, 'SIGKILL');
    await waitUntil(() => pool.snapshot('a')!.status === 'crashed', 3000, 'crash noticed');
    const next = await pool.callTool('a', 'echo', { text: 'y' });
    assert.notEqual(next.pid, first.pid);
  });

  it('a server that never answers initialize hits the start timeout and its process is gone', async () => {
    pool = makePool({ startTimeoutMs: 800 });
    await pool.configure([stdioSpec('hang', { FIXTURE_HANG_INIT: '1' })]);
    const err = await rejects(pool.callTool('hang', 'echo', { text: 'x' }), 'start-failed', /did not complete the MCP handshake within 0\.8 s/);
    assert.deepEqual(err.stderrTail, ['fixture-stdio: hanging, initialize will never be answered'], 'the error carries what the server said');
    assert.equal(ourProcesses().length, 0, 'the hung process was killed');
    assert.equal(pool.snapshot('hang')!.status, 'failed', 'a start that timed out is a failed start');
  });

  it('kill during a start ends it at once (not after the start timeout) and is not counted as a failure', async () => {
    pool = makePool({ startTimeoutMs: 20_000 });
    await pool.configure([stdioSpec('slow', { FIXTURE_HANG_INIT: '1' })]);
    // checked from the start: the call fails while stop() is still running
    const call = rejects(pool.callTool('slow', 'echo', { text: 'x' }), 'stopped', /^app "slow" was stopped while starting$/);
    await waitUntil(() => pool.snapshot('slow')!.status === 'starting' && ourProcesses().length === 1, 5000, 'starting');
    const t0 = Date.now();
    await pool.stop('slow');
    assert.ok(Date.now() - t0 < 5000, `stop took ${Date.now() - t0} ms`);
    await call;
    assert.equal(ourProcesses().length, 0);
    const snap = pool.snapshot('slow')!;
    assert.equal(snap.status, 'stopped');
    assert.equal(snap.consecutiveFailures, 0);
  });

  it('a failed start reports the exit and the last stderr lines', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('dies', { FIXTURE_EXIT_AT_START: '7' })]);
    const err = await rejects(pool.callTool('dies', 'echo', { text: 'x' }), 'start-failed', /exit code 7/);
    assert.ok(err.stderrTail.length > 0, 'stderr tail attached');
    assert.equal(pool.snapshot('dies')!.status, 'failed', 'it never started: no crash');
  });

  it('repeated start failures back off (crash-loop guard) and a restart clears it', async () => {
    pool = makePool({ crashLoopBaseMs: 5_000 });
    await pool.configure([stdioSpec('loop', { FIXTURE_EXIT_AT_START: '1' })]);
    await rejects(pool.callTool('loop', 'echo', { text: 'x' }), 'start-failed');
    await rejects(pool.callTool('loop', 'echo', { text: 'x' }), 'start-failed');
    const held = await rejects(pool.callTool('loop', 'echo', { text: 'x' }), 'backoff', /failed 2 times in a row.*held back for 5 s/);
    assert.match(held.message, /Restart the app/);
    const snap = pool.snapshot('loop')!;
    assert.equal(snap.starts, 2, 'no spawn while backing off');
    assert.ok(snap.backoffUntil! > Date.now());
    assert.equal(snap.consecutiveFailures, 2);
    await pool.stop('loop', 'user');
    assert.equal(pool.snapshot('loop')!.backoffUntil, undefined);
  });

  it('stops a wrapper (sh -c) together with the real server and its grandchildren', async function () {
    if (process.platform === 'win32') this.skip();
    pool = makePool();
    const inner = `'${process.execPath}' '${STDIO_FIXTURE}' ${RUN_MARK} --name=wrapped; true`;
    await pool.configure([{ kind: 'stdio', name: 'w', command: '/bin/sh', args: ['-c', inner, RUN_MARK], env: {} }]);
    const r = await pool.callTool('w', 'spawn_child', {});
    const grandchild = Number(textOf(r.result.content));
    const server = Number((await pool.callTool('w', 'echo', { text: 'x' })).result.structuredContent?.pid);
    const shell = pool.snapshot('w')!.pid!;
    assert.notEqual(shell, server, 'the shell stays in between');
    assert.ok(isAlive(grandchild) && isAlive(server) && isAlive(shell));
    await pool.stop('w');
    for (const pid of [shell, server, grandchild]) assert.equal(isAlive(pid), false, `pid ${pid} still alive`);
  });

  it('stop-all runs in parallel and leaves zero processes', async () => {
    pool = makePool({ stopGraceMs: 1500 });
    await pool.configure(['a', 'b', 'c', 'd'].map((n) => stdioSpec(n, { FIXTURE_IGNORE_SIGTERM: '1' })));
    await Promise.all(pool.names().map((n) => pool.callTool(n, 'spawn_child', {})));
    assert.equal(ourProcesses().length, 4);
    const t0 = Date.now();
    await pool.stopAll();
    const took = Date.now() - t0;
    assert.equal(ourProcesses().length, 0);
    assert.ok(took < 4 * 1500, `parallel: ${took} ms`);
    for (const s of pool.snapshots()) assert.equal(s.status, 'stopped');
  });

  it("detects mcp-remote's authorization prompt on a remote app's stderr: the first URL of a start, once", async () => {
    pool = makePool();
    const events = collectEvents(pool);
    const url = 'http://127.0.0.1:33333/authorize?client_id=abc';
    const other = 'http://127.0.0.1:33333/authorize?client_id=forged';
    // The fixture stands in for mcp-remote (the launcher) and prints the prompt twice, with two URLs.
    await pool.setLauncher(commandLauncher([process.execPath, STDIO_FIXTURE, RUN_MARK]));
    const banner = `Please authorize this client by visiting: ${url}\nPlease authorize this client by visiting: ${other}`;
    await pool.configure([{ kind: 'remote', name: 'auth', url: 'https://example.com/mcp', args: [], headers: {}, env: { FIXTURE_STDERR_BANNER: banner } }]);
    await pool.warm('auth');
    await waitUntil(() => pool.snapshot('auth')!.stderrTail.some((l) => l.includes('forged')), 3000, 'both prompts printed');
    assert.deepEqual(
      events.filter((e) => e.type === 'authRequired'),
      [{ type: 'authRequired', app: 'auth', url }],
    );
  });

  it('a stdio server that prints a sign-in prompt raises no authorization request', async () => {
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('fake', { FIXTURE_STDERR_BANNER: 'Please authorize this client by visiting: https://evil.example/a' })]);
    await pool.warm('fake');
    // (the line itself is masked in the tail: an env value that long counts as a secret)
    await waitUntil(() => pool.snapshot('fake')!.stderrTail.length > 0, 3000, 'prompt printed');
    assert.equal(events.filter((e) => e.type === 'authRequired').length, 0);
    assert.equal(pool.snapshot('fake')!.authUrl, undefined);
  });

  it('emits stderr lines as events and keeps a bounded tail (stderrLines; the snapshot shows at most 20)', async () => {
    /** The fixture's flood line number i (1-based), as the pool keeps it. */
    const flood = (i: number) => new RegExp(`^flood ${String(i - 1).padStart(8, '0')} `);
    const lastLines = async (stderrLines: number): Promise<readonly string[]> => {
      pool = makePool({ stderrLines });
      const events = collectEvents(pool);
      await pool.configure([stdioSpec('a')]);
      await pool.callTool('a', 'flood_stderr', { lines: 2000 });
      await waitUntil(() => events.filter((e) => e.type === 'stderr').length === 2000, 5000, '2000 stderr events');
      const ok = await pool.callTool('a', 'echo', { text: 'still fine' });
      assert.equal(ok.coldStart, false);
      const tail = pool.snapshot('a')!.stderrTail;
      await pool.shutdown();
      pool.dispose();
      return tail;
    };
    // a tail of 5 kept: the snapshot has the newest 5 lines, oldest first
    const five = await lastLines(5);
    assert.equal(five.length, 5, JSON.stringify(five));
    five.forEach((line, i) => assert.match(line, flood(1996 + i)));
    // 50 kept: the snapshot still shows only the newest 20
    const twenty = await lastLines(50);
    assert.equal(twenty.length, 20, JSON.stringify(twenty));
    twenty.forEach((line, i) => assert.match(line, flood(1981 + i)));
  });

  it('caches the tool list and refreshes it on tools/list_changed', async () => {
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('a')]);
    const before = await pool.listTools('a');
    assert.ok(before.some((t) => t.name === 'echo' && t.description && t.inputSchema.type === 'object'));
    assert.strictEqual(await pool.listTools('a'), before, 'cached');
    await pool.callTool('a', 'add_tool', { name: 'brand_new' });
    await waitUntil(() => events.some((e) => e.type === 'toolsChanged'), 3000, 'list_changed');
    const after = await pool.listTools('a');
    assert.ok(after.some((t) => t.name === 'brand_new'));
    assert.equal(pool.snapshot('a')!.toolCount, before.length + 1);
  });

  it('passes progress to the caller and cancels through AbortSignal (server sees notifications/cancelled)', async () => {
    pool = makePool();
    const log = join(tempDir('pool-log-'), 'calls.jsonl');
    await pool.configure([stdioSpec('a', { FIXTURE_CALL_LOG: log })]);
    const progress: string[] = [];
    await pool.callTool('a', 'progress', { steps: 3, delayMs: 10 }, { onProgress: (p) => progress.push(p.message ?? '') });
    assert.deepEqual(progress, ['step 1/3', 'step 2/3', 'step 3/3']);
    const ac = new AbortController();
    const call = pool.callTool('a', 'sleep', { ms: 10_000 }, { signal: ac.signal });
    await waitUntil(() => existsSync(log) && readFileSync(log, 'utf8').includes('"sleep"'), 3000, 'sleep started');
    ac.abort();
    await rejects(call, 'cancelled');
    await waitUntil(() => readFileSync(log, 'utf8').includes('"cancelled":true'), 3000, 'server saw the cancel');
    assert.equal(pool.snapshot('a')!.status, 'idle', 'the process survives a cancel');
  });

  it('a call timeout on a live server keeps the process; the error says how long it waited', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('a')]);
    const first = await pool.callTool('a', 'echo', { text: 'x' });
    await rejects(pool.callTool('a', 'sleep', { ms: 5000 }, { timeoutMs: 300 }), 'timeout', /^call to "sleep" on app "a" timed out after 0\.3 s$/);
    const again = await pool.callTool('a', 'echo', { text: 'y' });
    assert.equal(again.pid, first.pid, 'a slow-but-alive server is not restarted');
  });

  it('survives garbage and non-JSON-RPC lines on stdout', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('a')]);
    assert.equal(textOf((await pool.callTool('a', 'garbage', { lines: 5 })).result.content), 'ok');
    assert.equal(textOf((await pool.callTool('a', 'invalid_jsonrpc', {})).result.content), 'ok');
    assert.equal((await pool.callTool('a', 'echo', { text: 'z' })).coldStart, false);
  });

  it('restart gives a new process; settings changes restart only the changed app', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('a'), stdioSpec('b')]);
    const a1 = (await pool.callTool('a', 'echo', { text: 'x' })).pid;
    const b1 = (await pool.callTool('b', 'echo', { text: 'x' })).pid;
    await pool.restart('a');
    const a2 = pool.snapshot('a')!.pid;
    assert.ok(a2 && isAlive(a2), `restarted: running again (pid ${a2})`);
    assert.notEqual(a2, a1);
    const result = await pool.configure([stdioSpec('a'), stdioSpec('b', { CHANGED: '1' }), stdioSpec('c')]);
    assert.deepEqual(result, { added: ['c'], changed: ['b'], removed: [] });
    assert.equal(pool.snapshot('a')!.pid, a2, 'unchanged app keeps its process');
    assert.equal(isAlive(b1!), false, 'changed app was stopped');
    const removed = await pool.configure([stdioSpec('b', { CHANGED: '1' })]);
    assert.deepEqual(removed.removed.sort(), ['a', 'c']);
    assert.equal(isAlive(a2), false);
    await rejects(pool.callTool('a', 'echo', { text: 'x' }), 'unknown-app', /no app named "a" is configured \(configured: b\)/);
  });

  it('a missing command or cwd fails with a message naming the app and the field', async () => {
    pool = makePool();
    await pool.configure([
      { kind: 'stdio', name: 'nocmd', command: 'definitely-not-a-command-xyz', args: [], env: {} },
      { kind: 'stdio', name: 'nocwd', command: process.execPath, args: [], env: {}, cwd: '/does/not/exist' },
      stdioSpec('fine'),
    ]);
    await rejects(pool.callTool('nocmd', 'echo', {}), 'start-failed', /app "nocmd": command "definitely-not-a-command-xyz" was not found on PATH/);
    await rejects(pool.callTool('nocwd', 'echo', {}), 'start-failed', /app "nocwd": cwd "\/does\/not\/exist" does not exist/);
    assert.equal(pool.snapshot('nocmd')!.status, 'failed', 'a start that could not begin is a failed start');
    assert.equal((await pool.callTool('fine', 'echo', { text: 'ok' })).result.isError, false);
  });

  it('shutdown during a start discards the new process and refuses new work', async () => {
    pool = makePool({ startTimeoutMs: 20_000 });
    await pool.configure([stdioSpec('a', { FIXTURE_HANG_INIT: '1' })]);
    // checked from the start: the call fails while shutdown() is still running
    const call = rejects(pool.callTool('a', 'echo', { text: 'x' }), 'stopped', /^app "a" was stopped while starting$/);
    await waitUntil(() => pool.snapshot('a')!.status === 'starting' && ourProcesses().length === 1, 5000, 'the server spawned, handshake pending');
    await pool.shutdown();
    await call;
    assert.equal(ourProcesses().length, 0);
    await assert.rejects(pool.callTool('a', 'echo', {}), /shutting down/);
  });
});
