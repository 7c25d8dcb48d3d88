// Fault: the server is SIGKILLed from outside while a tool call is in flight, 100 times.
// Every killed call must fail at once with a clear 'crashed' error, the next call must work on a
// fresh process, and no call may ever run twice (the fixture logs every call it receives).
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { type Pool, PoolError } from '../../../src/pool';
import { isAlive, waitUntil } from '../../fixtures/processTable';
import { makePool, stdioSpec } from '../helpers';
import { ErrorTally, expectCode, expectNoDescendants, printFigures, readCallLog, serverProcesses, tempDir } from './faultKit';

const APPS = 4;
const KILLS_PER_APP = 25;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

describe('faults: SIGKILL mid-call ×100', function () {
  this.timeout(120_000);
  let pool: Pool | undefined;

  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    await expectNoDescendants(5000);
  });

  it('100 kills: 100 clear crashed errors, 100 recoveries, no call executed twice', async () => {
    const t0 = Date.now();
    const dir = tempDir('pool-crash-');
    const logs = Array.from({ length: APPS }, (_, i) => join(dir, `calls-${i}.jsonl`));
    pool = makePool({ maxSize: APPS });
    const p = pool;
    await p.configure(logs.map((log, i) => stdioSpec(`k${i}`, { FIXTURE_CALL_LOG: log })));
    const tally = new ErrorTally();
    const detectMs: number[] = [];
    const recoverMs: number[] = [];
    let recoveries = 0;

    await Promise.all(
      logs.map(async (log, i) => {
        const app = `k${i}`;
        await p.callTool(app, 'echo', { text: `${app}-warm` });
        for (let k = 0; k < KILLS_PER_APP; k++) {
          const ms = 600_000 + i * 1000 + k; // a unique sleep length identifies this call in the log
          const call = p.callTool(app, 'sleep', { ms });
          // the call has reached the server: it is in flight
          const entry = await waitUntil(() => readCallLog(log).find((e) => e.tool === 'sleep' && e.args.ms === ms), 10_000, `sleep ${ms} received`);
          const killedAt = Date.now();
          process.kill(entry.pid, 'SIGKILL');
          const err = await expectCode(call, 'crashed', /app "k\d" died during call to "sleep" \(killed by SIGKILL\); the next call starts a fresh process/);
          detectMs.push(Date.now() - killedAt);
          tally.add(err.code);
          const r0 = Date.now();
          const next = await p.callTool(app, 'echo', { text: `${app}-${k}` });
          recoverMs.push(Date.now() - r0);
          assert.equal(next.coldStart, true);
          assert.notEqual(next.pid, entry.pid);
          assert.equal(next.result.structuredContent?.text, `${app}-${k}`);
          recoveries++;
        }
      }),
    );

    // every call reached a server exactly once: no retry ever re-sent a call that was in flight
    let duplicates = 0;
    let sleeps = 0;
    let echos = 0;
    for (const log of logs) {
      const seen = new Map<string, number>();
      for (const e of readCallLog(log)) {
        const key = `${e.tool}:${JSON.stringify(e.args)}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (e.tool === 'sleep') sleeps++;
        if (e.tool === 'echo') echos++;
      }
      for (const n of seen.values()) if (n > 1) duplicates += n - 1;
    }
    const snaps = p.snapshots();
    const starts = snaps.reduce((n, s) => n + s.starts, 0);
    for (const s of snaps) {
      assert.equal(s.status, 'idle', `${s.name} is serving again`);
      assert.equal(s.consecutiveFailures, 0, 'a crash after a successful call never counts as a crash loop');
    }
    await p.stopAll();
    const alive = serverProcesses(p).length;
    printFigures('crash-mid-call', {
      kills: APPS * KILLS_PER_APP,
      errors: tally.toString(),
      recoveries,
      calls_logged_sleep: sleeps,
      calls_logged_echo: echos,
      executed_twice: duplicates,
      spawned: starts,
      detect_ms_p50: percentile(detectMs, 50),
      detect_ms_max: Math.max(...detectMs),
      recover_ms_p50: percentile(recoverMs, 50),
      recover_ms_max: Math.max(...recoverMs),
      alive_at_end: alive,
      duration_s: (Date.now() - t0) / 1000,
    });
    assert.equal(tally.counts.get('crashed'), APPS * KILLS_PER_APP);
    assert.equal(tally.total, APPS * KILLS_PER_APP);
    assert.equal(recoveries, APPS * KILLS_PER_APP);
    assert.equal(duplicates, 0, 'a call was executed twice');
    assert.equal(sleeps, APPS * KILLS_PER_APP);
    assert.equal(echos, APPS * (KILLS_PER_APP + 1));
    assert.equal(starts, APPS * (KILLS_PER_APP + 1), 'one start per kill (plus the first)');
    assert.equal(alive, 0);
  });

  it('calls fired at a server that just died (before the pool noticed): each fails as crashed or succeeds, never protocol, never twice', async () => {
    const t0 = Date.now();
    pool = makePool({ crashLoopBaseMs: 50, crashLoopMaxMs: 200 });
    const p = pool;
    const log = join(tempDir('pool-race-'), 'calls.jsonl');
    await p.configure([stdioSpec('r', { FIXTURE_CALL_LOG: log })]);
    const tally = new ErrorTally();
    const unexpected: string[] = [];
    let n = 0;
    for (let i = 0; i < 30; i++) {
      const { pid } = await p.callTool('r', 'echo', { text: `warm-${i}` });
      process.kill(pid!, 'SIGKILL');
      await waitUntil(() => !isAlive(pid!), 2000, 'dead');
      // the kernel has closed its pipes; the pool has not processed that yet
      const burst = Array.from({ length: 4 }, () => p.callTool('r', 'echo', { text: `race-${n++}` }));
      for (const r of await Promise.allSettled(burst)) {
        if (r.status === 'fulfilled') tally.add('ok');
        else if (r.reason instanceof PoolError && r.reason.code === 'crashed') tally.add('crashed');
        else unexpected.push(r.reason instanceof PoolError ? `${r.reason.code}: ${r.reason.message}` : String(r.reason));
      }
      await waitUntil(() => p.snapshot('r')!.status !== 'starting', 5000, 'settled');
    }
    const seen = new Map<string, number>();
    for (const e of readCallLog(log)) seen.set(String(e.args.text), (seen.get(String(e.args.text)) ?? 0) + 1);
    const twice = [...seen.values()].filter((c) => c > 1).length;
    printFigures('calls-racing-a-kill', {
      kills: 30,
      calls: 120,
      outcomes: tally.toString(),
      unexpected: unexpected.length,
      executed_twice: twice,
      duration_s: (Date.now() - t0) / 1000,
    });
    assert.deepEqual(unexpected, []);
    assert.equal(twice, 0);
  });
});
