// Fault: servers that misbehave on their pipes. Garbage and non-JSON-RPC lines on stdout, a 10 MB
// result, a server that closes stdout but keeps running, bytes on stderr that are not UTF-8.
// Each must end in a clear error or a success; the host stays up and nothing leaks.
import * as assert from 'node:assert/strict';
import type { Pool } from '../../../src/pool';
import { isAlive, waitUntil } from '../../fixtures/processTable';
import { collectEvents, makePool, stdioSpec, textOf } from '../helpers';
import { expectCode, poolSuiteHooks } from './faultKit';

const figures: Record<string, unknown> = {};

describe('faults: bad server output', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;
  poolSuiteHooks('bad-output', figures, () => pool);

  it('garbage lines and valid-JSON-not-JSON-RPC lines on stdout: calls still succeed on the same process', async () => {
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('noisy')]);
    const first = await pool.callTool('noisy', 'echo', { text: 'before' });
    for (let i = 0; i < 20; i++) {
      assert.equal(textOf((await pool.callTool('noisy', 'garbage', { lines: 50 })).result.content), 'ok');
      assert.equal(textOf((await pool.callTool('noisy', 'invalid_jsonrpc', {})).result.content), 'ok');
    }
    const last = await pool.callTool('noisy', 'echo', { text: 'after' });
    assert.equal(last.pid, first.pid, 'the same process served every call');
    const notes = events.filter((e) => e.type === 'stderr' && e.line.startsWith('[pool] server printed a line that is not JSON-RPC'));
    assert.equal(notes.length, 20 * 50 + 20, 'every bad line is noted once');
    assert.equal(pool.snapshot('noisy')!.errors, 0);
    figures.garbage_lines = 20 * 50 + 20;
    figures.garbage_call_errors = 0;
  });

  it('a 10 MB result arrives whole (maxMessageBytes is 64 MB)', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('big')]);
    const bytes = 10 * 1024 * 1024;
    const t = Date.now();
    const r = await pool.callTool('big', 'big', { bytes });
    figures.big_10mb_ms = Date.now() - t;
    const text = String(r.result.content[0].text);
    assert.equal(text.length, bytes);
    assert.ok(/^x+$/.test(text));
    assert.equal((await pool.callTool('big', 'echo', { text: 'still' })).pid, r.pid);
  });

  it('a result larger than maxMessageBytes fails its call at once with its own error; the process keeps serving', async () => {
    pool = makePool({ maxMessageBytes: 1024 * 1024, callTimeoutMs: 3000 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('huge')]);
    const first = await pool.callTool('huge', 'echo', { text: 'x' });
    const t = Date.now();
    const err = await expectCode(
      pool.callTool('huge', 'big', { bytes: 2 * 1024 * 1024 }),
      'protocol',
      /call to "big" on app "huge" failed: .*response of 2\.0 MB exceeds the limit of 1\.0 MB/,
    );
    figures.over_limit_error = err.code;
    const failedMs = Date.now() - t;
    figures.over_limit_ms = failedMs;
    assert.ok(failedMs < 2000, `the call failed after ${failedMs} ms (its timeout is 3 s)`);
    assert.ok(
      events.some(
        (e) => e.type === 'stderr' && /\[pool\] a message of 2\.0 MB from the server exceeds the limit of 1\.0 MB \(maxMessageBytes\); dropped/.test(e.line),
      ),
      'the drop is reported',
    );
    // the stream finds the next message boundary again: the same process answers the next call
    const next = await pool.callTool('huge', 'echo', { text: 'after' });
    assert.equal(next.result.structuredContent?.text, 'after');
    assert.equal(next.pid, first.pid);
  });

  it('a server that closes stdout but keeps running: noticed, tree killed, reported; the next call works', async () => {
    pool = makePool({ stopGraceMs: 500 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('mute')]);
    const first = await pool.callTool('mute', 'echo', { text: 'x' });
    const t = Date.now();
    const err = await expectCode(pool.callTool('mute', 'close_stdout', {}), 'crashed', /app "mute" died during call to "close_stdout"/);
    figures.close_stdout_error_ms = Date.now() - t;
    await waitUntil(() => !isAlive(first.pid!), 5000, 'the server with a closed stdout is gone');
    figures.close_stdout_killed_ms = Date.now() - t;
    assert.ok(
      err.stderrTail.some((l) => /stdout closed, still running/.test(l)),
      `its stderr explains: ${JSON.stringify(err.stderrTail)}`,
    );
    // the very next call gets a fresh process, even while the pool is still reporting the death
    const next = await pool.callTool('mute', 'echo', { text: 'y' });
    assert.notEqual(next.pid, first.pid);
    await waitUntil(() => events.some((e) => e.type === 'crashed' && e.app === 'mute'), 3000, 'crashed event');
    await new Promise((r) => setTimeout(r, 300));
    const snap = pool.snapshot('mute')!;
    assert.equal(snap.status, 'idle', 'the fresh process is not reported as crashed');
    assert.equal(snap.pid, next.pid);
  });

  it('a call right after a stdout close (while the old tree is being killed) starts a fresh process and succeeds', async () => {
    const p = (pool = makePool({ stopGraceMs: 500 }));
    await p.configure([stdioSpec('mute')]);
    let ok = 0;
    for (let i = 0; i < 5; i++) {
      const first = await p.callTool('mute', 'echo', { text: 'x' });
      const closing = p.callTool('mute', 'close_stdout', {});
      await expectCode(closing, 'crashed');
      const next = await p.callTool('mute', 'echo', { text: 'y' });
      assert.notEqual(next.pid, first.pid);
      await waitUntil(() => !isAlive(first.pid!), 5000, 'old tree gone');
      assert.equal(p.snapshot('mute')!.pid, next.pid);
      ok++;
    }
    figures.close_stdout_then_call_ok = `${ok}/5`;
  });

  it('bytes that are not UTF-8 on stderr: the call succeeds, the line is kept (with replacement characters)', async () => {
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('binary')]);
    for (let i = 0; i < 10; i++) assert.equal(textOf((await pool.callTool('binary', 'stderr_binary', {})).result.content), 'ok');
    // stderr is a pipe of its own: its last bytes may arrive after the last answer
    await waitUntil(() => events.filter((e) => e.type === 'stderr' && e.line.includes('\ufffd')).length === 10, 3000, '10 lines');
    assert.ok(pool.snapshot('binary')!.stderrTail.some((l) => l.includes('\ufffd')));
    assert.equal(pool.snapshot('binary')!.errors, 0);
    figures.non_utf8_stderr_calls_ok = 10;
  });
});
