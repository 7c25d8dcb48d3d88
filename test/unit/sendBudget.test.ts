// The budget of what a server may send unasked (src/pool/process/sendBudget.ts), on a simulated clock:
// bursts pass, a sustained rate above the limit is a breach within the time the buckets allow,
// progress for a call in flight costs a tenth, and a breach says what was sent in words.
import * as assert from 'node:assert/strict';
import { type BudgetBreach, describeBreach, SEND_LIMITS, SendBudget, type UnsolicitedKind } from '../../src/pool/sendBudget';

/** A budget on a clock the test moves. */
function clocked(): { budget: SendBudget; advance: (ms: number) => void } {
  let t = 1_000;
  return { budget: new SendBudget(SEND_LIMITS, () => t), advance: (ms) => (t += ms) };
}

/** Sends `perSecond` messages of `kind` for at most `seconds`, spread evenly; the breach and when it came. */
function sustain(kind: UnsolicitedKind, perSecond: number, seconds: number, bytes = 100): { breach?: BudgetBreach; atMs: number } {
  const { budget, advance } = clocked();
  const step = 1000 / perSecond;
  for (let i = 0, ms = 0; i < perSecond * seconds; i++, ms += step) {
    advance(step);
    const breach = budget.charge(kind, bytes);
    if (breach) return { breach, atMs: ms };
  }
  return { atMs: seconds * 1000 };
}

describe('send budget', () => {
  it('a burst of 10,000 messages passes; the next one is a breach', () => {
    const { budget } = clocked();
    for (let i = 0; i < SEND_LIMITS.messageBurst; i++) assert.equal(budget.charge('notification', 100), undefined, `message ${i}`);
    const breach = budget.charge('notification', 100);
    assert.ok(breach);
    assert.equal(breach.by, 'messages');
    assert.equal(breach.messages, SEND_LIMITS.messageBurst + 1);
  });

  it('a sustained rate under the limit never breaches; one above it does, when the burst is spent', () => {
    assert.equal(sustain('notification', 1_900, 60).breach, undefined);
    assert.equal(sustain('garbage', 1_000, 60).breach, undefined);
    // 4,000/s against a refill of 2,000/s: the 10,000 of the burst are gone after 5 s
    const over = sustain('stray-response', 4_000, 60);
    assert.ok(over.breach);
    assert.ok(Math.abs(over.atMs - 5_000) < 100, `breach after ${over.atMs} ms`);
    assert.ok(Math.abs(over.breach.ms - 5_000) < 100, `the flood is counted from its start: ${over.breach.ms} ms`);
  });

  it('progress for a call in flight costs a tenth: 2,000 steps at once pass, a progress flood does not', () => {
    const { budget } = clocked();
    for (let i = 0; i < 50_000; i++) assert.equal(budget.charge('progress', 150), undefined);
    assert.ok(sustain('progress', 40_000, 30).breach, 'a flood of progress is still a flood');
    assert.equal(sustain('progress', 15_000, 30).breach, undefined);
  });

  it('bytes: a 30 MB log record passes, 4 MB/s passes, bytes without a line break at 20 MB/s are a breach after ≈ 2 s', () => {
    const { budget, advance } = clocked();
    assert.equal(budget.charge('notification', 30 * 1024 * 1024), undefined);
    advance(10_000);
    assert.equal(sustain('unterminated', 100, 60, 40 * 1024).breach, undefined, '4 MB/s');
    const fast = sustain('unterminated', 100, 60, 200 * 1024);
    assert.ok(fast.breach);
    assert.equal(fast.breach.by, 'bytes');
    assert.equal(fast.breach.messages, 0, 'bytes without a line break are no messages');
    assert.ok(fast.atMs > 1_800 && fast.atMs < 2_300, `breach after ${fast.atMs} ms`);
  });

  it('a quiet spell forgives: the count starts again once both buckets are full', () => {
    const { budget, advance } = clocked();
    for (let i = 0; i < 9_000; i++) budget.charge('notification', 100);
    advance(5_000);
    for (let i = 0; i < 10_000; i++) assert.equal(budget.charge('request', 100), undefined);
    const breach = budget.charge('request', 100);
    assert.ok(breach);
    assert.equal(breach.messages, 10_001, 'only the second flood is counted');
    assert.deepEqual([...breach.kinds.keys()], ['request']);
  });

  it('a breach in words: how much, how fast, the limit, of what kind, what to check', () => {
    const { budget, advance } = clocked();
    let breach: BudgetBreach | undefined;
    for (let i = 0; !breach && i < 20_000; i++) {
      advance(0.05);
      breach = budget.charge(i % 10 ? 'notification' : 'garbage', 100);
    }
    assert.equal(
      describeBreach(breach!),
      // 20,000/s against a refill of 2,000/s: the burst of 10,000 lasts 11,112 messages
      "sent 11,112 unsolicited messages in 556 ms (limit 2,000/s, bursts of 10,000: 10,000 notifications, 1,112 lines that are not JSON-RPC); stopped — check the server's logging and what it notifies",
    );
    const bytes = sustain('unterminated', 100, 60, 1024 * 1024).breach!;
    assert.match(
      describeBreach(bytes),
      /^sent 3[34]\.0 MB of unsolicited output in 3\d\d ms \(limit 4 MB\/s, bursts of 32 MB: 3[34]\.0 MB without a line break\); stopped — the server writes to stdout without line breaks$/,
    );
  });
});
