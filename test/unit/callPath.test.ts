// The parts of a call's path that are made cheap for back-to-back calls (callClock.ts,
// responseWatch.ts): the call clocks share one timer, a session's requests share a signal a few at
// a time, and a request's ids are read from the end of its body. Each still does what it did when
// it cost a timer, a signal or a parse per call. The real thing, calls through a pool on real
// servers, is in pool.test.ts and direct.test.ts.
import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { CallClocks } from '../../src/pool/session/callClock';
import { REQUESTS_PER_SIGNAL, RequestSignals, requestIds } from '../../src/pool/direct/responseWatch';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** When `ctl` aborts, in ms after `t0` (NaN if it did not within `ms`). */
async function abortedAfter(ctl: AbortController, t0: number, ms: number): Promise<number> {
  if (ctl.signal.aborted) return 0;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(NaN), ms);
    ctl.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
  });
}

describe('call path: clocks, shared signals, request ids', function () {
  this.timeout(10_000);

  describe('call clocks (one timer for a session)', () => {
    it('each clock runs out on time, whichever order they start in, with the SDK\'s timeout error', async () => {
      const clocks = new CallClocks();
      const long = new AbortController();
      const short = new AbortController();
      const t0 = performance.now();
      const a = clocks.start(300, long);
      const b = clocks.start(80, short); // earlier than the timer already set: it is set again
      const [atShort, atLong] = await Promise.all([abortedAfter(short, t0, 2000), abortedAfter(long, t0, 2000)]);
      assert.ok(atShort >= 75 && atShort < 200, `80 ms clock ran out after ${atShort.toFixed(0)} ms`);
      assert.ok(atLong >= 295 && atLong < 450, `300 ms clock ran out after ${atLong.toFixed(0)} ms`);
      const reason = long.signal.reason as McpError;
      assert.ok(reason instanceof McpError);
      assert.equal(reason.code, ErrorCode.RequestTimeout);
      assert.deepEqual(reason.data, { timeout: 300 });
      a.dispose();
      b.dispose();
      clocks.dispose();
    });

    it('a sign of life gives the whole time again; a finished call leaves nothing to fire', async () => {
      const clocks = new CallClocks();
      const ctl = new AbortController();
      const t0 = performance.now();
      const clock = clocks.start(150, ctl);
      await sleep(100);
      clock.touch();
      await sleep(100);
      assert.equal(ctl.signal.aborted, false, 'ran out although touched 100 ms ago');
      const at = await abortedAfter(ctl, t0, 2000);
      assert.ok(at >= 245 && at < 400, `ran out ${at.toFixed(0)} ms after the start (touched at 100, 150 ms clock)`);

      const done = new AbortController();
      clocks.start(50, done).dispose();
      await sleep(120);
      assert.equal(done.signal.aborted, false, 'a disposed clock ran out');
      clocks.dispose();
    });

    it('clocks stand still while the host answers, and start over after', async () => {
      const clocks = new CallClocks();
      const ctl = new AbortController();
      const t0 = performance.now();
      clocks.start(100, ctl);
      await clocks.hold(() => sleep(250));
      assert.equal(ctl.signal.aborted, false, 'ran out while the host answered');
      const at = await abortedAfter(ctl, t0, 2000);
      assert.ok(at >= 345 && at < 500, `ran out ${at.toFixed(0)} ms after the start (held 250 ms, 100 ms clock)`);
      clocks.dispose();
    });
  });

  describe('request signals (shared by a few requests of a session)', () => {
    it(`at most ${REQUESTS_PER_SIGNAL} requests share a signal; the session's close aborts every signal still in use`, () => {
      const session = new AbortController();
      const signals = new RequestSignals();
      const taken = Array.from({ length: 2 * REQUESTS_PER_SIGNAL + 1 }, () => signals.take(session.signal));
      const distinct = new Set(taken.map((t) => t.signal));
      assert.equal(distinct.size, 3);
      // the first signal's requests are over: it no longer follows the session
      taken.slice(0, REQUESTS_PER_SIGNAL).forEach((t) => t.release());
      assert.equal(getEventListeners(session.signal, 'abort').length, 2, 'the two signals still in use follow the session');
      session.abort(new Error('closed'));
      assert.equal(taken[0].signal.aborted, false, 'a signal whose requests were over is left alone');
      assert.ok(taken[REQUESTS_PER_SIGNAL].signal.aborted && taken[2 * REQUESTS_PER_SIGNAL].signal.aborted);
      assert.equal((taken[2 * REQUESTS_PER_SIGNAL].signal.reason as Error).message, 'closed');
    });

    it('signals whose requests never end (an error body, an event stream) follow the session until it ends, with no warning', async () => {
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
      process.on('warning', onWarning);
      try {
        const session = new AbortController();
        const signals = new RequestSignals();
        const taken = Array.from({ length: 12 * REQUESTS_PER_SIGNAL }, () => signals.take(session.signal)); // none released
        await new Promise((r) => setImmediate(r));
        assert.equal(getEventListeners(session.signal, 'abort').length, 12);
        session.abort();
        assert.ok(taken.every((t) => t.signal.aborted));
        await new Promise((r) => setImmediate(r));
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListeners')), []);
    });

    it('a new session signal (the SDK started again) gets signals of its own; release is once only', () => {
      const first = new AbortController();
      const signals = new RequestSignals();
      const a = signals.take(first.signal);
      a.release();
      a.release(); // twice: counted once
      const b = signals.take(first.signal);
      assert.equal(b.signal, a.signal);
      const second = new AbortController();
      const c = signals.take(second.signal);
      assert.notEqual(c.signal, a.signal);
      b.release();
      assert.equal(getEventListeners(first.signal, 'abort').length, 0, 'the old session is no longer followed');
      const gone = new AbortController();
      gone.abort();
      assert.ok(signals.take(gone.signal).signal.aborted, 'a session already closed gives an aborted signal');
    });
  });

  describe('request ids', () => {
    it('reads the id the SDK puts last, and parses anything else', () => {
      assert.deepEqual(requestIds('{"method":"tools/call","params":{"name":"x","arguments":{"id":5}},"jsonrpc":"2.0","id":7}'), [7]);
      assert.deepEqual(requestIds('{"method":"tools/call","params":{},"jsonrpc":"2.0","id":"a\\"b"}'), ['a"b']);
      // a notification whose params end with an "id": no request id
      assert.deepEqual(requestIds('{"method":"notifications/x","jsonrpc":"2.0","params":{"id":5}}'), []);
      assert.deepEqual(requestIds('{"method":"notifications/x","jsonrpc":"2.0","params":{"id":"q"}}'), []);
      // another order, and a batch
      assert.deepEqual(requestIds('{"jsonrpc":"2.0","id":3,"method":"ping"}'), [3]);
      assert.deepEqual(requestIds('[{"jsonrpc":"2.0","id":1,"method":"a"},{"jsonrpc":"2.0","method":"n"},{"jsonrpc":"2.0","id":"z","method":"b"}]'), [1, 'z']);
      // answers and anything that is not a request body
      assert.deepEqual(requestIds('{"jsonrpc":"2.0","id":3,"result":{}}'), []);
      assert.deepEqual(requestIds('{"method":'), []);
      assert.deepEqual(requestIds(undefined), []);
    });
  });
});
