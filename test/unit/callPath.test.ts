// The parts of a call's path that are made cheap for back-to-back calls (callClock.ts,
// responseWatch.ts): the call clocks share one timer, a session's requests share a signal a few at
// a time, and a request's ids are read from the end of its body. Each still does what it did when
// it cost a timer, a signal or a parse per call. The real thing, calls through a pool on real
// servers, is in pool.test.ts and direct.test.ts.
import * as assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { fromSdk } from '../../src/pool/session/mcpErrors';
import { CallClocks } from '../../src/pool/session/callClock';
import { REQUESTS_PER_SIGNAL, RequestSignals, requestIds } from '../../src/pool/direct/responseWatch';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** When `ctl` aborts, in ms after `t0`; fails if it does not within `ms`. */
async function abortedAfter(ctl: AbortController, t0: number, ms: number): Promise<number> {
  if (ctl.signal.aborted) return 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the clock did not run out within ${ms} ms`)), ms);
    ctl.signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve(performance.now() - t0);
    });
  });
}

describe('call path: clocks, shared signals, request ids', function () {
  this.timeout(10_000);

  // The clocks are checked by order and by lower bounds only: a clock never runs out before its
  // deadline (it compares with performance.now()), but how late a timer fires depends on the
  // machine's load, so the only upper bound is that it runs out at all (within 8 s).
  describe('call clocks (one timer for a session)', () => {
    it("a clock started second but due first runs out first; none before its time; with the SDK's timeout error", async () => {
      const clocks = new CallClocks();
      const long = new AbortController();
      const short = new AbortController();
      const order: string[] = [];
      long.signal.addEventListener('abort', () => order.push('1500 ms clock'));
      short.signal.addEventListener('abort', () => order.push('100 ms clock'));
      const t0 = performance.now();
      const a = clocks.start(1500, long);
      const b = clocks.start(100, short); // earlier than the timer already set: it is set again
      const [atShort, atLong] = await Promise.all([abortedAfter(short, t0, 8000), abortedAfter(long, t0, 8000)]);
      // 1.4 s apart: only a stall that long could make them run out in one turn of the timer
      assert.deepEqual(order, ['100 ms clock', '1500 ms clock'], 'the clock due first runs out first, though it started second');
      assert.ok(atShort >= 100, `100 ms clock ran out after ${atShort.toFixed(0)} ms`);
      assert.ok(atLong >= 1500, `1500 ms clock ran out after ${atLong.toFixed(0)} ms`);
      // the SDK v2 Client passes an SdkError reason on as it is; the session makes it the pool's McpError (mcpErrors.ts fromSdk)
      const reason = long.signal.reason as SdkError;
      assert.ok(reason instanceof SdkError);
      assert.equal(reason.code, SdkErrorCode.RequestTimeout);
      assert.deepEqual(reason.data, { timeout: 1500 });
      const pooled = fromSdk(reason) as McpError;
      assert.ok(pooled instanceof McpError);
      assert.equal(pooled.code, ErrorCode.RequestTimeout);
      assert.deepEqual(pooled.data, { timeout: 1500 });
      a.dispose();
      b.dispose();
      clocks.dispose();
    });

    it('a sign of life gives the whole time again; a finished call leaves nothing to fire', async () => {
      const clocks = new CallClocks();
      const ctl = new AbortController();
      const t0 = performance.now();
      const clock = clocks.start(300, ctl);
      // this sleep's timer runs before the clock's however late both are: the touch comes in time
      await sleep(150);
      assert.equal(ctl.signal.aborted, false, 'ran out before its time');
      const touchedAt = performance.now() - t0;
      clock.touch();
      const at = await abortedAfter(ctl, t0, 8000);
      assert.ok(at >= touchedAt + 300, `ran out ${at.toFixed(0)} ms after the start, touched at ${touchedAt.toFixed(0)} ms: not the whole 300 ms again`);

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
      let answeredAt = 0;
      await clocks.hold(async () => {
        await sleep(250); // its timer runs after the clock's: the clock is due while it stands still
        answeredAt = performance.now() - t0;
      });
      assert.equal(ctl.signal.aborted, false, 'ran out while the host answered');
      const at = await abortedAfter(ctl, t0, 8000);
      assert.ok(
        at >= answeredAt + 100,
        `ran out ${at.toFixed(0)} ms after the start, the host answered at ${answeredAt.toFixed(0)} ms: not the whole 100 ms after`,
      );
      clocks.dispose();
    });
  });

  describe('request signals (shared by a few requests of a session)', () => {
    it(`at most ${REQUESTS_PER_SIGNAL} requests share a signal; the session's close aborts every signal still in use`, () => {
      const session = new AbortController();
      const signals = new RequestSignals();
      assert.equal(signals.take(session.signal).signal, session.signal, "a signal's first request is sent with it as it is");
      const taken = Array.from({ length: 2 * REQUESTS_PER_SIGNAL + 1 }, () => signals.take(session.signal));
      const distinct = new Set(taken.map((t) => t.signal));
      assert.equal(distinct.size, 3);
      assert.ok(!distinct.has(session.signal));
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
        signals.take(session.signal); // the first: sent as it is
        const taken = Array.from({ length: 12 * REQUESTS_PER_SIGNAL }, () => signals.take(session.signal)); // none released
        await new Promise((r) => setImmediate(r));
        assert.equal(getEventListeners(session.signal, 'abort').length, 12);
        session.abort();
        assert.ok(taken.every((t) => t.signal.aborted));
        await new Promise((r) => setImmediate(r));
      } finally {
        process.off('warning', onWarning);
      }
      assert.deepEqual(
        warnings.filter((w) => w.startsWith('MaxListeners')),
        [],
      );
    });

    it('a new session signal (the SDK started again) gets signals of its own; release is once only', () => {
      const first = new AbortController();
      const signals = new RequestSignals();
      signals.take(first.signal).release(); // the first: sent as it is
      const a = signals.take(first.signal);
      a.release();
      a.release(); // twice: counted once
      const b = signals.take(first.signal);
      assert.equal(b.signal, a.signal);
      const second = new AbortController();
      signals.take(second.signal);
      const c = signals.take(second.signal);
      assert.notEqual(c.signal, a.signal);
      b.release();
      assert.equal(getEventListeners(first.signal, 'abort').length, 0, 'the old session is no longer followed');
      const gone = new AbortController();
      gone.abort();
      signals.take(gone.signal);
      assert.ok(signals.take(gone.signal).signal.aborted, 'a session already closed gives an aborted signal');
    });

    it('requests with signals of their own (the 2026 era: one per request) are sent with them: no controller, no listener of ours', () => {
      const signals = new RequestSignals();
      const own = Array.from({ length: 3 * REQUESTS_PER_SIGNAL }, () => new AbortController());
      const taken = own.map((c) => signals.take(c.signal));
      assert.ok(taken.every((t, i) => t.signal === own[i].signal));
      assert.ok(own.every((c) => getEventListeners(c.signal, 'abort').length === 0));
      own[5].abort();
      assert.ok(taken[5].signal.aborted && !taken[6].signal.aborted);
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
