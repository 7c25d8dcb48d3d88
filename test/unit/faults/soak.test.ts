// Soak: 1000 mixed operations from a seeded PRNG against real processes (stdio fixtures and two
// remote apps through mcp-remote): calls, concurrent bursts, restarts, stops, outside SIGKILLs,
// injected crashes, call timeouts, idle evictions (short idle timeout, fast sweep), LRU evictions
// (maxSize below the number of apps), config changes (changed/removed/added specs), servers that
// start children of their own (grandchildren); then stopAll.
// Every error must be of a kind the operation can legitimately meet; nothing may be left running;
// the heap must not grow. Reproduce a run with SOAK_SEED=<seed> (the seed is in the figures).
import * as assert from 'node:assert/strict';
import { type AppSpec, type Pool, PoolError, type PoolErrorCode } from '../../../src/pool';
import { listProcesses } from '../../fixtures/processTable';
import { makePool, remoteSpec, stdioSpec } from '../helpers';
import {
  ErrorTally,
  expectNoDescendants,
  mb,
  measureMemory,
  printFigures,
  prng,
  serverProcesses,
  sleep,
  startHttpChild,
  tempDir,
  type HttpChild,
} from './faultKit';

const OPS = Number(process.env.SOAK_OPS ?? 1000);
const SEED = Number(process.env.SOAK_SEED ?? 20261123);
const WORKERS = 3;
/** Operations run before the memory baseline is taken (they count towards OPS). */
const WARMUP = Math.round(OPS / 10);
const STDIO_APPS = ['s0', 's1', 's2', 's3', 's4', 's5'];
const REMOTE_APPS = ['r0', 'r1'];
/** Short idle timeout (ms) for s4, s5: evicted by the sweep between uses. */
const SHORT_IDLE_MS = 400;

type OpKind = 'call' | 'burst' | 'crash' | 'kill' | 'restart' | 'stop' | 'config' | 'idle' | 'list' | 'timeout' | 'noise' | 'big' | 'warm' | 'child';

const WEIGHTS: [OpKind, number][] = [
  ['call', 34],
  ['burst', 12],
  ['crash', 4],
  ['kill', 6],
  ['restart', 4],
  ['stop', 3],
  ['config', 6],
  ['idle', 4],
  ['list', 6],
  ['timeout', 3],
  ['noise', 8],
  ['big', 2],
  ['warm', 5],
  ['child', 2],
];

/** Error codes each operation may legitimately end with, given everything else going on. */
const RACES: PoolErrorCode[] = ['crashed', 'stopped', 'backoff', 'unknown-app'];
const ALLOWED: Record<OpKind, PoolErrorCode[]> = {
  call: RACES,
  burst: RACES,
  crash: RACES,
  kill: [],
  restart: ['stopped', 'backoff', 'unknown-app'],
  stop: ['unknown-app'],
  config: [],
  idle: [],
  list: RACES,
  timeout: ['timeout', ...RACES],
  noise: RACES,
  big: RACES,
  warm: ['stopped', 'backoff', 'unknown-app'],
  child: RACES,
};
/** What each code's message must say (a 'protocol' error, or any other text, is a finding). */
const MESSAGES: Partial<Record<PoolErrorCode, RegExp>> = {
  crashed: /^app "\w+" died during (call to "\w+"|listing tools)( \((killed by SIG\w+|exit code \d+)\))?; the next call starts a fresh process$/,
  stopped:
    /^(app "\w+" was stopped while (?:starting|waiting for a free slot)|app "\w+" was stopped: its definition changed or was removed|(call to "\w+"|listing tools) on app "\w+" ended: the app was stopped)$/,
  backoff: /^app "\w+" failed \d+ times in a row; the next start is held back for \d+ s \(crash-loop guard\)\. Last error: .+\. Restart the app to try now\.$/,
  'unknown-app': /^no app named "\w+" is configured \(configured: [\w, ]+\)$/,
  timeout: /^call to "sleep" on app "s\d" timed out after 0\.2 s$/,
};

describe('faults: soak', function () {
  this.timeout(300_000);
  let pool: Pool | undefined;
  let http: HttpChild | undefined;

  after(async () => {
    await pool?.shutdown();
    pool?.dispose();
    await http?.close();
  });

  it(`${OPS} mixed operations: only expected errors, nothing left running, no heap growth`, async () => {
    const t0 = Date.now();
    // With --enable-source-maps (see .mocharc.json) the first stack trace formatted parses this
    // bundle's source map (~8 MB of heap, kept for good): do it now, not inside the measurement.
    void new Error('load the source map').stack;
    const rnd = prng(SEED);
    http = await startHttpChild();
    const home = tempDir('pool-soak-home-');
    pool = makePool({
      maxSize: 6,
      idleTimeoutMs: 3000,
      sweepIntervalMs: 100,
      stopGraceMs: 300,
      startTimeoutMs: 20_000,
      callTimeoutMs: 20_000,
      acquireTimeoutMs: 30_000,
      pingTimeoutMs: 2000,
      crashLoopBaseMs: 100,
      crashLoopMaxMs: 800,
    });
    const p = pool;

    let generation = 0;
    const specOf = (name: string): AppSpec => {
      const gen = { SOAK_GEN: String(generation) };
      if (name.startsWith('r')) return remoteSpec(name, http!.url, { env: { HOME: home, ...gen } });
      return stdioSpec(name, gen, name === 's4' || name === 's5' ? { idleTimeoutMs: SHORT_IDLE_MS } : {});
    };
    const configured = new Map<string, AppSpec>([...STDIO_APPS, ...REMOTE_APPS].map((n) => [n, specOf(n)]));
    const removed = new Set<string>();
    // starts of PooledApps replaced or dropped by configure (their snapshots go with them)
    let retiredStarts = 0;
    const events = new Map<string, number>();
    const stopReasons = new Map<string, number>();
    p.onEvent((e) => {
      events.set(e.type, (events.get(e.type) ?? 0) + 1);
      if (e.type === 'stopped') stopReasons.set(e.reason, (stopReasons.get(e.reason) ?? 0) + 1);
    });
    const configure = async () => {
      const before = new Map(p.snapshots().map((s) => [s.name, s.starts]));
      const result = await p.configure([...configured.values()]);
      for (const n of [...result.changed, ...result.removed]) retiredStarts += before.get(n) ?? 0;
      return result;
    };
    await configure();

    // every app once, then everything stopped: memory is compared in the same state (no process)
    await Promise.all([...configured.keys()].map((n) => p.callTool(n, 'echo', { text: 'warm' }).catch(() => undefined)));
    await p.stopAll();
    const memStart = await measureMemory();

    // the operation list is fixed by the seed; three workers run it, so operations overlap
    const kinds: OpKind[] = [];
    const total = WEIGHTS.reduce((n, [, w]) => n + w, 0);
    for (let i = 0; i < OPS; i++) {
      let r = rnd.next() * total;
      kinds.push(WEIGHTS.find(([, w]) => (r -= w) < 0)![0]);
    }
    const tally = new ErrorTally();
    const byOp = new Map<string, number>();
    const unexpected: string[] = [];
    let calls = 0;
    let okCalls = 0;
    let kills = 0;

    // a few hot apps and a tail of colder ones, as in real use: LRU evictions hit the cold ones
    const STDIO_WEIGHTS = [6, 5, 3, 2, 2, 2];
    const pickApp = (stdioOnly = false): string => {
      if (!stdioOnly && rnd.next() >= 0.85) return rnd.pick(REMOTE_APPS);
      let r = rnd.next() * STDIO_WEIGHTS.reduce((a, b) => a + b, 0);
      return STDIO_APPS[STDIO_WEIGHTS.findIndex((w) => (r -= w) < 0)];
    };
    const check = (op: OpKind, e: unknown) => {
      if (!(e instanceof PoolError)) {
        unexpected.push(`${op}: not a PoolError: ${e instanceof Error ? e.stack : String(e)}`);
        return;
      }
      tally.add(e.code);
      byOp.set(`${op}:${e.code}`, (byOp.get(`${op}:${e.code}`) ?? 0) + 1);
      if (!ALLOWED[op].includes(e.code)) unexpected.push(`${op}: unexpected ${e.code}: ${e.message}`);
      else if (MESSAGES[e.code] && !MESSAGES[e.code]!.test(e.message)) unexpected.push(`${op}: ${e.code} with an unexpected message: ${e.message}`);
    };
    const call = async (op: OpKind, app: string, tool: string, args: Record<string, unknown>, timeoutMs?: number) => {
      calls++;
      try {
        await p.callTool(app, tool, args, timeoutMs ? { timeoutMs } : undefined);
        okCalls++;
        if (op === 'crash') unexpected.push(`crash: the crash call on ${app} succeeded`);
        if (op === 'timeout') unexpected.push(`timeout: a 1.5 s sleep with a 0.2 s timeout succeeded on ${app}`);
      } catch (e) {
        check(op, e);
      }
    };
    const remoteTool = (): [string, Record<string, unknown>] => (rnd.next() < 0.5 ? ['echo', { text: 'r' }] : ['add', { a: 1, b: 2 }]);

    // each operation draws its parameters when it runs, from the same seeded sequence
    const run = async (op: OpKind): Promise<void> => {
      switch (op) {
        case 'call': {
          const app = pickApp();
          const [tool, args] = app.startsWith('r') ? remoteTool() : rnd.next() < 0.5 ? ['echo', { text: 'x' }] : ['add', { a: 2, b: 3 }];
          return call(op, app, tool, args);
        }
        case 'burst': {
          const n = rnd.int(2, 6);
          const jobs: Promise<void>[] = [];
          for (let i = 0; i < n; i++) {
            const app = pickApp();
            if (app.startsWith('r')) jobs.push(call(op, app, ...remoteTool()));
            else jobs.push(call(op, app, 'sleep', { ms: rnd.int(5, 80) }));
          }
          await Promise.all(jobs);
          return;
        }
        case 'crash':
          return call(op, pickApp(true), 'crash', {});
        case 'kill': {
          const app = pickApp();
          const pid = p.snapshot(app)?.pid;
          if (pid) {
            try {
              process.kill(pid, 'SIGKILL');
              kills++;
            } catch {
              // already gone
            }
          }
          return;
        }
        case 'restart':
          try {
            await p.restart(pickApp());
          } catch (e) {
            check(op, e);
          }
          return;
        case 'stop':
          try {
            await p.stop(pickApp(), 'user');
          } catch (e) {
            check(op, e);
          }
          return;
        case 'config': {
          const r = rnd.next();
          const cold = [...configured.keys()].filter((n) => n !== 's0' && n !== 's1');
          if (r < 0.3 && configured.size > 5) {
            const name = rnd.pick(cold);
            configured.delete(name);
            removed.add(name);
          } else if (r < 0.8 && removed.size > 0) {
            const name = rnd.pick([...removed]);
            removed.delete(name);
            generation++;
            configured.set(name, specOf(name));
          } else {
            const name = rnd.pick([...configured.keys()]);
            generation++;
            configured.set(name, specOf(name));
          }
          try {
            await configure();
          } catch (e) {
            check(op, e);
          }
          return;
        }
        case 'idle':
          await sleep(rnd.int(SHORT_IDLE_MS + 50, SHORT_IDLE_MS + 300));
          return;
        case 'list':
          calls++;
          try {
            await p.listTools(pickApp());
            okCalls++;
          } catch (e) {
            check(op, e);
          }
          return;
        case 'timeout':
          return call(op, pickApp(true), 'sleep', { ms: 1500 }, 200);
        case 'noise': {
          const app = pickApp(true);
          const r = rnd.next();
          if (r < 0.4) return call(op, app, 'garbage', { lines: rnd.int(1, 20) });
          if (r < 0.7) return call(op, app, 'invalid_jsonrpc', {});
          if (r < 0.85) return call(op, app, 'stderr_binary', {});
          return call(op, app, 'flood_stderr', { lines: rnd.int(10, 300) });
        }
        case 'big':
          return call(op, pickApp(true), 'big', { bytes: rnd.int(10_000, 400_000) });
        case 'child':
          // the server starts a child of its own: a grandchild of this process, to be ended with its tree
          return call(op, pickApp(true), 'spawn_child', {});
        case 'warm':
          try {
            await p.warm(pickApp());
          } catch (e) {
            check(op, e);
          }
          return;
      }
    };

    let next = 0;
    let maxProcesses = 0;
    const sampler = setInterval(() => (maxProcesses = Math.max(maxProcesses, serverProcesses(p, [http!.pid]).length)), 100);
    const runUntil = (end: number) =>
      Promise.all(
        Array.from({ length: WORKERS }, async () => {
          while (next < end) await run(kinds[next++]);
        }),
      );
    // the first WARMUP operations run every code path once (compiled code, lazily built
    // structures); the heap baseline is taken after them, with everything stopped again
    await runUntil(WARMUP);
    await p.stopAll();
    const memBefore = await measureMemory();
    await runUntil(kinds.length);
    clearInterval(sampler);
    const opsDone = next;

    const s0 = Date.now();
    await p.stopAll();
    const stopAllMs = Date.now() - s0;
    const aliveAtEnd = serverProcesses(p, [http.pid]);
    const leftovers = listProcesses()
      .filter((x) => aliveAtEnd.includes(x.pid))
      .map((x) => `${x.pid} ${x.state} ${x.cmdline.slice(0, 160)}`);
    const spawned = p.snapshots().reduce((n, s) => n + s.starts, 0) + retiredStarts;
    const memAfter = await measureMemory();
    await http.close();
    await p.shutdown(); // ends the pool's watchdog too

    const heapGrowth = mb(memAfter.heapUsed - memBefore.heapUsed);
    const rssGrowth = mb(memAfter.rss - memBefore.rss);
    const gcAvailable = memAfter.gc !== 'none (settled)';
    const perKind = new Map<string, number>();
    for (const k of kinds) perKind.set(k, (perKind.get(k) ?? 0) + 1);
    printFigures('soak', {
      seed: SEED,
      ops: opsDone,
      mix: `{${[...perKind.entries()].map(([k, v]) => `${k}: ${v}`).join(', ')}}`,
      tool_calls: calls,
      ok_calls: okCalls,
      errors: tally.toString(),
      unexpected_errors: unexpected.length,
      outside_kills: kills,
      stops: `{${[...stopReasons.entries()].map(([k, v]) => `${k}: ${v}`).join(', ')}}`,
      spawned,
      started_events: events.get('started') ?? 0,
      start_failed_events: events.get('startFailed') ?? 0,
      crashed_events: events.get('crashed') ?? 0,
      max_processes_seen: maxProcesses,
      alive_at_end: aliveAtEnd.length,
      stop_all_ms: stopAllMs,
      heap_mb_start: mb(memStart.heapUsed),
      heap_mb_before: mb(memBefore.heapUsed),
      heap_mb_after: mb(memAfter.heapUsed),
      heap_growth_mb: heapGrowth,
      heap_growth_incl_warmup_mb: mb(memAfter.heapUsed - memStart.heapUsed),
      rss_mb_start: mb(memStart.rss),
      rss_mb_before: mb(memBefore.rss),
      rss_mb_after: mb(memAfter.rss),
      rss_growth_mb: rssGrowth,
      gc: memAfter.gc,
      duration_s: (Date.now() - t0) / 1000,
    });
    printFigures('soak-errors-by-op', {
      errors: `{${[...byOp.entries()]
        .sort()
        .map(([k, v]) => `${k}: ${v}`)
        .join(', ')}}`,
    });
    if (leftovers.length) console.log(`      left running:\n        ${leftovers.join('\n        ')}`);
    if (unexpected.length) console.log(`      unexpected:\n        ${unexpected.slice(0, 20).join('\n        ')}`);
    await expectNoDescendants(5000);
    assert.equal(opsDone, OPS);
    assert.deepEqual(unexpected, [], 'every error is one the operation can meet');
    assert.deepEqual(aliveAtEnd, [], 'no process left after stopAll (children and grandchildren)');
    assert.ok(spawned >= (events.get('started') ?? 0), 'every start is counted');
    assert.ok((stopReasons.get('idle') ?? 0) > 0, 'idle evictions happened');
    assert.ok((stopReasons.get('lru') ?? 0) > 0, 'LRU evictions happened');
    assert.ok((stopReasons.get('config') ?? 0) + (stopReasons.get('removed') ?? 0) > 0, 'config changes stopped apps');
    assert.ok((events.get('crashed') ?? 0) > 0, 'crashes happened');
    // the pool's own memory: heapUsed after a full GC; without a GC only RSS can be compared
    const heapGrowthTotal = mb(memAfter.heapUsed - memStart.heapUsed);
    if (gcAvailable) {
      assert.ok(heapGrowthTotal <= 10, `heap grew by ${heapGrowthTotal} MB over the whole run`);
      assert.ok(heapGrowth <= 10, `heap grew by ${heapGrowth} MB after the warm-up`);
    } else {
      assert.ok(rssGrowth <= 10, `RSS grew by ${rssGrowth} MB (no GC available)`);
    }
  });

  it('calls, restarts and configures racing a config change leave no process the pool does not know', async () => {
    const t0 = Date.now();
    const racePool = makePool({ stopGraceMs: 300 });
    const pids = new Set<number>();
    racePool.onEvent((e) => e.type === 'started' && e.pid !== undefined && pids.add(e.pid));
    const tally = new ErrorTally();
    const settle = async (op: string, p: Promise<unknown>) => {
      try {
        await p;
        tally.add(`${op}:ok`);
      } catch (e) {
        assert.ok(e instanceof PoolError, String(e));
        assert.equal(e.code, 'stopped', e.message);
        tally.add(`${op}:${e.code}`);
      }
    };
    try {
      for (let i = 0; i < 10; i++) {
        await racePool.configure([stdioSpec('x', { GEN: String(i) })]);
        await racePool.callTool('x', 'echo', { text: 'before' });
        // the definition changes (and, every other round, a second change overlaps the first)
        // while a call, a restart and a warm-up arrive for the same app
        const changes = [racePool.configure([stdioSpec('x', { GEN: `${i}b` })])];
        const racing = [
          settle('call', racePool.callTool('x', 'echo', { text: 'during' })),
          settle('restart', racePool.restart('x')),
          settle('warm', racePool.warm('x')),
        ];
        if (i % 2) changes.push(racePool.configure([stdioSpec('x', { GEN: `${i}c` })]));
        await Promise.all([...changes, ...racing]);
      }
      await racePool.stopAll();
      const left = serverProcesses(racePool);
      printFigures('config-races', {
        rounds: 10,
        outcomes: tally.toString(),
        started: pids.size,
        alive_after_stop_all: left.length,
        duration_s: (Date.now() - t0) / 1000,
      });
      assert.deepEqual(left, [], 'every process the pool started is stopped by stopAll');
    } finally {
      await racePool.shutdown();
      racePool.dispose();
    }
  });
});
