// The liveness check on its own (src/pool/session/liveness.ts), with FAKE pings and FAKE requests: the
// races between a verdict, a result and a cancel need exact timing that real processes cannot
// give. The fake request behaves as the SDK's does: an abort rejects it with an McpError -32001
// made from the abort reason. The real thing, through mcp-remote to a real HTTP server, is in
// faults/remoteMidCall.test.ts.
import * as assert from 'node:assert/strict';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { Liveness, ServerLost } from '../../src/pool/session/liveness';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const ownTimeout = () => new McpError(ErrorCode.RequestTimeout, 'Request timed out', { timeout: 1 });
const unforwarded = () => new McpError(ErrorCode.RequestTimeout, 'mcp-remote: fetch failed');

/** A fake request: settles when told to, or rejects like the SDK when its signal aborts. */
function fakeRequest(signal: AbortSignal): { promise: Promise<string>; resolve(v: string): void; reject(e: unknown): void } {
  let resolve!: (v: string) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<string>((res, rej) => {
    resolve = res;
    reject = rej;
    signal.addEventListener('abort', () => rej(new McpError(ErrorCode.RequestTimeout, String(signal.reason))), { once: true });
  });
  return { promise, resolve, reject };
}

type PingAnswer = 'ok' | 'method-not-found' | 'unforwarded' | 'silent';

/** A liveness check whose fake pings answer as `answer()` says; counts pings and verdicts. */
function harness(opts: { missesToFail?: number; intervalMs?: number; pingTimeoutMs?: number; answer?: () => PingAnswer } = {}) {
  const state = { pings: 0, lost: [] as ServerLost[], answer: opts.answer ?? ((): PingAnswer => 'ok') };
  const timing = { livenessIntervalMs: opts.intervalMs ?? 20, pingTimeoutMs: opts.pingTimeoutMs ?? 20 };
  const liveness = new Liveness({
    timing: () => timing,
    missesToFail: opts.missesToFail ?? 2,
    ping: async (ms) => {
      state.pings++;
      const a = state.answer();
      if (a === 'ok') return {};
      if (a === 'method-not-found') throw new McpError(ErrorCode.MethodNotFound, 'Method not found');
      if (a === 'unforwarded') throw unforwarded();
      await sleep(ms);
      throw ownTimeout();
    },
    onLost: (lost) => state.lost.push(lost),
  });
  return { liveness, state, timing };
}

async function settled<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown }> {
  try {
    return { value: await p };
  } catch (error) {
    return { error };
  }
}

describe('liveness check (fakes)', () => {
  it('pings only while a call is in flight, and stops when it ends', async () => {
    const { liveness, state } = harness();
    await sleep(80);
    assert.equal(state.pings, 0, 'pinged with nothing in flight');
    let req!: ReturnType<typeof fakeRequest>;
    const call = liveness.watch(undefined, (s) => (req = fakeRequest(s)).promise);
    await sleep(110);
    assert.ok(state.pings >= 3, `${state.pings} pings in 110 ms at 20 ms`);
    req.resolve('done');
    assert.equal(await call, 'done');
    const after = state.pings;
    await sleep(80);
    assert.equal(state.pings, after, 'pinged after the call ended');
    liveness.dispose();
  });

  it('the first ping of a busy period waits a whole interval from its start, whatever the call before left', async () => {
    // back-to-back calls keep one timer between them; a call that starts just before it fires
    // must still get its whole interval before the server is asked whether it is alive
    const { liveness, state } = harness({ intervalMs: 150 });
    let a!: ReturnType<typeof fakeRequest>;
    const first = liveness.watch(undefined, (s) => (a = fakeRequest(s)).promise);
    await sleep(120);
    a.resolve('a');
    await first;
    let b!: ReturnType<typeof fakeRequest>;
    const started = performance.now();
    const pingedAt: number[] = [];
    const count = setInterval(() => {
      if (state.pings > pingedAt.length) pingedAt.push(performance.now() - started);
    }, 2);
    const second = liveness.watch(undefined, (s) => (b = fakeRequest(s)).promise);
    await sleep(200);
    b.resolve('b');
    await second;
    clearInterval(count);
    assert.equal(state.pings, 1, `pings: ${JSON.stringify(pingedAt)}`);
    assert.ok(pingedAt[0] >= 140, `first ping ${pingedAt[0].toFixed(0)} ms into the call (interval 150 ms)`);
    liveness.dispose();
  });

  it('an interval of 0 turns it off; dispose stops the pings of calls still in flight', async () => {
    const off = harness({ intervalMs: 0 });
    let req!: ReturnType<typeof fakeRequest>;
    const call = off.liveness.watch(undefined, (s) => (req = fakeRequest(s)).promise);
    await sleep(60);
    assert.equal(off.state.pings, 0);
    req.resolve('x');
    await call;

    const on = harness();
    const pending = on.liveness.watch(undefined, (s) => (req = fakeRequest(s)).promise);
    await sleep(50);
    on.liveness.dispose();
    const n = on.state.pings;
    await sleep(80);
    assert.equal(on.state.pings, n, 'pinged after dispose');
    req.resolve('y');
    assert.equal(await pending, 'y');
  });

  it('an error answer (method not found) is an answer: alive, nothing failed', async () => {
    const { liveness, state } = harness({ answer: () => 'method-not-found' });
    let req!: ReturnType<typeof fakeRequest>;
    const call = liveness.watch(undefined, (s) => (req = fakeRequest(s)).promise);
    await sleep(100);
    assert.ok(state.pings >= 3);
    req.resolve('fine');
    assert.equal(await call, 'fine');
    assert.equal(state.lost.length, 0);
  });

  it('"could not forward" fails every call in flight at once, each once, with the proxy\'s reason, and reports it once', async () => {
    const { liveness, state } = harness({ answer: () => 'unforwarded' });
    const calls = [1, 2, 3].map(() => settled(liveness.watch(undefined, (s) => fakeRequest(s).promise)));
    const results = await Promise.all(calls);
    for (const r of results) {
      assert.ok(r.error instanceof ServerLost);
      assert.equal(r.error.reason, 'MCP error -32001: mcp-remote: fetch failed');
    }
    assert.equal(state.lost.length, 1);
    assert.equal(state.pings, 1, 'no ping after the verdict');
  });

  it('remote: one missed ping is forgiven, two in a row fail the calls (the second ping goes out at once)', async () => {
    let n = 0;
    const { liveness, state } = harness({ pingTimeoutMs: 100, answer: () => (++n === 2 || n >= 4 ? 'silent' : 'ok') });
    const t0 = Date.now();
    const r = await settled(liveness.watch(undefined, (s) => fakeRequest(s).promise));
    assert.ok(r.error instanceof ServerLost);
    assert.equal(r.error.reason, 'no answer to 2 pings in a row (0.1 s each)');
    assert.equal(state.pings, 5, 'ok, miss, ok (count starts over), miss, miss');
    assert.ok(Date.now() - t0 < 1000);
  });

  it('stdio (missesToFail 0): a missed ping fails nothing, and no further ping goes out until the calls are over', async () => {
    const { liveness, state } = harness({ missesToFail: 0, answer: () => 'silent' });
    let req!: ReturnType<typeof fakeRequest>;
    const call = liveness.watch(undefined, (s) => (req = fakeRequest(s)).promise);
    await sleep(200);
    assert.equal(state.pings, 1, 'one ping, then quiet');
    req.resolve('done');
    assert.equal(await call, 'done');
    assert.equal(state.lost.length, 0);
    // a new busy period pings again
    state.answer = () => 'ok';
    const again = liveness.watch(undefined, (s) => (req = fakeRequest(s)).promise);
    await sleep(70);
    assert.ok(state.pings >= 2);
    req.resolve('again');
    await again;
  });

  it('a result that arrived in the same tick as the verdict is kept; a cancel before the verdict stays a cancel', async () => {
    let answerNow!: () => void;
    // the fake ping is slow, so the test decides when the verdict lands
    const gate = new Promise<void>((r) => (answerNow = r));
    const slow = new Liveness({
      timing: () => ({ livenessIntervalMs: 10, pingTimeoutMs: 1000 }),
      missesToFail: 2,
      ping: async () => {
        await gate;
        throw unforwarded();
      },
      onLost: () => undefined,
    });
    let done!: ReturnType<typeof fakeRequest>;
    const finished = slow.watch(undefined, (s) => (done = fakeRequest(s)).promise);
    const user = new AbortController();
    const cancelled = settled(slow.watch(user.signal, (s) => fakeRequest(s).promise));
    const failed = settled(slow.watch(undefined, (s) => fakeRequest(s).promise));
    await sleep(30); // the ping is out
    user.abort(new Error('user cancel'));
    done.resolve('result'); // the result and the verdict race: the result settled first
    answerNow();
    assert.equal(await finished, 'result');
    const c = await cancelled;
    assert.ok(c.error instanceof McpError && !(c.error instanceof ServerLost), 'the cancel is reported as the cancel');
    assert.ok((await failed).error instanceof ServerLost);
  });

  it('a cancel after the verdict changes nothing: the call reports the verdict', async () => {
    const { liveness } = harness({ answer: () => 'unforwarded' });
    const user = new AbortController();
    const r = liveness.watch(user.signal, (s) => fakeRequest(s).promise);
    const out = settled(r);
    await sleep(40);
    user.abort(new Error('late cancel'));
    assert.ok((await out).error instanceof ServerLost);
  });
});
