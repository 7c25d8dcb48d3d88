// What the pool writes to a server is bounded: a back-pressured write leaves no listener behind,
// and a server that stops reading its input does not get an ever-growing queue: past the bound
// its connection ends with a clear reason and the message goes to a fresh process (it was never
// written). Real processes.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { ChildProcessTransport } from '../../../src/pool/process/childTransport';
import type { Pool } from '../../../src/pool';
import { waitUntil } from '../../fixtures/processTable';
import { collectEvents, makePool, stdioSpec, textOf } from '../helpers';
import { poolSuiteHooks } from './faultKit';

describe('faults: bounded writes', function () {
  this.timeout(30_000);
  let pool: Pool | undefined;
  const figures: Record<string, unknown> = {};
  poolSuiteHooks('bounded-writes', figures, () => pool);

  it("200 back-pressured writes leave no listeners on the server's stdin", async () => {
    // A reader that starts late, so the pipe fills and most writes wait for 'drain'.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => process.stdin.resume(), 300)'], { stdio: ['pipe', 'pipe', 'pipe'] });
    try {
      const transport = new ChildProcessTransport(child, 64 * 1024 * 1024);
      await transport.start();
      const before = child.stdin.listenerCount('close') + child.stdin.listenerCount('drain');
      const big = 'x'.repeat(100 * 1024);
      await Promise.all(Array.from({ length: 200 }, (_, i) => transport.send({ jsonrpc: '2.0', method: 'notifications/message', params: { i, big } })));
      const after = child.stdin.listenerCount('close') + child.stdin.listenerCount('drain');
      assert.ok(after <= before, `listeners on stdin: ${before} before, ${after} after 200 writes`);
      figures.listeners_after_200_writes = after - before;
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a server that stopped reading: the queue is bounded, the reason is said, the next call goes to a fresh process', async () => {
    pool = makePool({ maxMessageBytes: 1024 * 1024, callTimeoutMs: 3000 });
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('deaf')]);
    assert.equal(textOf((await pool.callTool('deaf', 'stop_reading', {})).result.content), 'ok');
    const pid = pool.snapshot('deaf')!.pid!;
    await new Promise((r) => setTimeout(r, 200));
    // The first large call fills the pipe and the queue behind it (its bytes may be read some day: it waits).
    const stuck = pool.callTool('deaf', 'echo', { text: 'z'.repeat(900 * 1024) }).then(
      () => 'answered',
      (e: Error) => e.message,
    );
    await new Promise((r) => setTimeout(r, 200));
    // The second one would pass the bound: never written there, it is run by a fresh process.
    const text = 'y'.repeat(400 * 1024);
    const t0 = Date.now();
    const second = await pool.callTool('deaf', 'echo', { text });
    const ms = Date.now() - t0;
    assert.notEqual(second.pid, pid, 'answered by the process that does not read');
    assert.equal(textOf(second.result.content).split('\n')[0].length, text.length);
    assert.ok(ms < 3000, `took ${ms} ms`);
    await waitUntil(
      () => events.some((e) => e.type === 'stderr' && /the server stopped reading its input \(0\.9 MB queued for it\); it is restarted/.test(e.line)),
      3000,
      "the reason, in the app's log",
    );
    assert.ok(!events.some((e) => e.type === 'crashed' && e.app === 'deaf' && e.exit.code === 0), 'the fixture stayed up without reading');
    assert.match(await stuck, /deaf/, 'the stuck call ends too');
    figures.fresh_process_after_queue_bound_ms = ms;
  });
});
