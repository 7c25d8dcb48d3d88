// The slot and eviction policy (src/pool/apps/slots.ts) and the app's state value it reads
// (appState.ts), on plain objects: no process, no pool. faults/slots.test.ts holds the same
// promises against real processes.
import * as assert from 'node:assert/strict';
import { type AppState, currentConnection, holdsSlot, statusOf } from '../../src/pool/apps/appState';
import { decideSlot, expired, isIdle, poolFull, slotUse, type Tenant } from '../../src/pool/apps/slots';

const conn = { id: 'c' };
const never = new Promise<typeof conn>(() => undefined);
const done = Promise.resolve();

const states = {
  stopped: { kind: 'stopped', crashed: false },
  crashed: { kind: 'stopped', crashed: true },
  stoppedDead: { kind: 'stopped', crashed: true, dead: conn },
  waiting: { kind: 'waiting', start: never, cancel: new AbortController() },
  waitingDead: { kind: 'waiting', start: never, cancel: new AbortController(), dead: conn },
  starting: { kind: 'starting', start: never },
  idle: { kind: 'running', conn, busy: false },
  busy: { kind: 'running', conn, busy: true },
  stopping: { kind: 'stopping', done, holdsSlot: true },
  stoppingWait: { kind: 'stopping', done, holdsSlot: false },
  ending: { kind: 'ending', hung: true },
} satisfies Record<string, AppState<typeof conn>>;

function app(name: string, state: AppState<unknown>, lastUsedAt = 0, inFlight = 0, idleTimeoutMs = 1000): Tenant {
  return { name, state, lastUsedAt, inFlight, idleTimeoutMs };
}

describe('app state (one value) and the slot policy, on plain objects', () => {
  it('each state has one status, one answer to "holds a slot?" and one current connection', () => {
    const table = Object.entries(states).map(([name, s]) => [name, statusOf(s), holdsSlot(s), currentConnection<unknown>(s) === conn]);
    assert.deepEqual(table, [
      ['stopped', 'stopped', false, false],
      ['crashed', 'crashed', false, false],
      ['stoppedDead', 'crashed', true, true],
      ['waiting', 'starting', false, false],
      ['waitingDead', 'starting', true, true],
      ['starting', 'starting', true, false],
      ['idle', 'idle', true, true],
      ['busy', 'busy', true, true],
      ['stopping', 'stopping', true, false],
      ['stoppingWait', 'stopping', false, false],
      ['ending', 'stopping', false, false],
    ]);
  });

  it('a start goes while slots are free; those waiting in line ahead of it count', () => {
    const others = [app('a', states.idle), app('b', states.stopped), app('c', states.waiting)];
    assert.deepEqual(decideSlot(0, others, 2), { grant: true });
    assert.deepEqual(decideSlot(1, others, 3), { grant: true });
    const second = decideSlot(1, others, 2);
    assert.equal(second.grant, false);
  });

  it('a full pool stops the least recently used idle apps, as many as the line needs, never a busy or starting one', () => {
    const a = app('a', states.idle, 300);
    const b = app('b', states.idle, 100);
    const c = app('c', states.busy, 50, 1);
    const d = app('d', states.starting, 10);
    const e = app('e', states.idle, 200, 1); // running, a request in flight not yet shown as busy
    const first = decideSlot(0, [a, b, c, d, e], 5);
    assert.ok(!first.grant);
    assert.deepEqual(
      first.evict.map((t) => t.name),
      ['b'],
    );
    assert.deepEqual(
      first.holders.map((t) => t.name),
      ['a', 'b', 'c', 'd', 'e'],
    );
    const third = decideSlot(2, [a, b, c, d, e], 5);
    assert.ok(!third.grant);
    assert.deepEqual(
      third.evict.map((t) => t.name),
      ['b', 'a'],
      'the least recently used first; only idle ones',
    );
  });

  it('stops already under way count towards what the line needs', () => {
    const others = [app('a', states.idle, 1), app('b', states.stopping), app('c', states.idle, 2)];
    const first = decideSlot(0, others, 3);
    assert.ok(!first.grant);
    assert.deepEqual(first.evict, [], 'the stop under way makes the room');
    const second = decideSlot(1, others, 3);
    assert.ok(!second.grant);
    assert.deepEqual(
      second.evict.map((t) => t.name),
      ['a'],
    );
  });

  it('a start waiting in line, an ending link and a stop that ended nothing hold no slot', () => {
    const others = [app('a', states.waiting), app('b', states.ending), app('c', states.stoppingWait), app('d', states.crashed)];
    assert.deepEqual(decideSlot(0, others, 1), { grant: true });
    assert.equal(decideSlot(0, [app('e', states.waitingDead)], 1).grant, false, 'unless the dead connection it replaces is not reported yet');
  });

  it('idle expiry: only idle apps, only past their own timeout, never with timeout 0', () => {
    const tenants = [
      app('old', states.idle, 0, 0, 1000),
      app('fresh', states.idle, 500, 0, 1000),
      app('forever', states.idle, 0, 0, 0),
      app('busy', states.busy, 0, 1, 1000),
      app('starting', states.starting, 0, 0, 1000),
      app('stopped', states.stopped, 0, 0, 1000),
    ];
    assert.deepEqual(
      expired(tenants, 1000).map((t) => t.name),
      ['old'],
    );
    assert.deepEqual(
      expired(tenants, 1500).map((t) => t.name),
      ['old', 'fresh'],
    );
    assert.equal(isIdle(app('x', states.idle, 0, 1)), false, 'a request in flight keeps it');
  });

  it('the pool-full error says what each slot is doing, and whether all were busy', () => {
    assert.equal(slotUse(app('a', states.busy, 0, 2)), 'busy (2 calls)');
    assert.equal(slotUse(app('a', states.starting)), 'starting');
    assert.equal(slotUse(app('a', states.stopping)), 'stopping');
    const limits = { maxSize: 2, acquireTimeoutMs: 30_000 };
    const busy = poolFull('new', [app('a', states.busy, 0, 1), app('b', states.busy, 0, 3)], 1, limits);
    assert.equal(busy.code, 'pool-full');
    assert.equal(
      busy.message,
      'cannot start "new": the pool is full (mcpPool.maxSize = 2) and every running app stayed busy for 30 s (a: busy (1 call), b: busy (3 calls); 1 start waited before it). Raise mcpPool.maxSize or stop an app.',
    );
    const mixed = poolFull('new', [app('a', states.busy, 0, 1), app('b', states.starting)], 0, limits);
    assert.match(mixed.message, /and no slot became free in 30 s \(a: busy \(1 call\), b: starting\)\./);
  });
});
