// A 2026-07-28 server's list changes reach the pool with no subscription, as a 2025 server's do:
// the era has no GET stream, so the app's session listens on `subscriptions/listen` for the list
// changes the server declares (from just after its first request). A change drops the cached
// tools listing even within its long `ttlMs`, the pool fires `toolsChanged`, and the next
// listTools shows the new tool; after a restart the new connection listens again. Real pool, real
// SDK v2 servers (modern-only) over stdio, direct HTTP, and through the real mcp-remote.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { AppSpec, Pool, PoolEvent } from '../../../src/pool';
import { type EraHttpFixture, startEraHttpFixture } from '../../fixtures/modern/http';
import { MODERN_STDIO_FIXTURE } from '../../fixtures/paths';
import { processesMatching, waitUntil } from '../../fixtures/processTable';
import { collectEvents, directSpec, expectNoProcesses, makePool, RUN_MARK, remoteSpec } from '../helpers';
import { tempDir } from '../tempDirs';

/** Far longer than any test: a listing is fetched again only because the server said it changed. */
const LONG_TTL_MS = 600_000;

interface Cell {
  readonly title: string;
  /** The app, and what the server saw so far (JSON-RPC messages by method; a stdio server's restart starts them afresh, so with its pid). */
  setup(): Promise<{ spec: AppSpec; methods: () => Record<string, number>; pid: () => number | undefined; close: () => Promise<void> }>;
}

const CELLS: readonly Cell[] = [
  {
    title: 'stdio (modern-only SDK v2 server)',
    setup: async () => {
      const stats = join(tempDir('listchg-'), 'stats.json');
      const spec: AppSpec = {
        kind: 'stdio',
        name: 'a',
        command: process.execPath,
        args: [MODERN_STDIO_FIXTURE, RUN_MARK, `--tools-ttl-ms=${LONG_TTL_MS}`, `--stats-file=${stats}`],
        env: {},
      };
      const read = () => {
        try {
          return JSON.parse(readFileSync(stats, 'utf8')) as { methods: Record<string, number>; pid: number };
        } catch {
          return undefined; // not written yet, or being rewritten
        }
      };
      return { spec, methods: () => read()?.methods ?? {}, pid: () => read()?.pid, close: () => expectNoProcesses() };
    },
  },
  {
    title: 'direct HTTP (modern-only SDK v2 server)',
    setup: async () => {
      const fx: EraHttpFixture = await startEraHttpFixture({ legacy: 'reject', toolsTtlMs: LONG_TTL_MS });
      return { spec: directSpec('a', fx.url), methods: () => fx.counts().methods, pid: () => fx.counts().pid, close: () => fx.close() };
    },
  },
  {
    title: 'through mcp-remote 0.15.1 (--protocol auto, the default; modern-only SDK v2 server)',
    setup: async () => {
      const fx: EraHttpFixture = await startEraHttpFixture({ legacy: 'reject', toolsTtlMs: LONG_TTL_MS });
      return {
        spec: remoteSpec('a', fx.url, { transport: 'mcp-remote' }),
        methods: () => fx.counts().methods,
        pid: () => fx.counts().pid,
        close: async () => {
          await waitUntil(() => processesMatching(fx.url).length === 0, 5000, 'no mcp-remote left');
          await fx.close();
        },
      };
    },
  },
];

const toolsChanged = (events: PoolEvent[], from: number) => events.slice(from).some((e) => e.type === 'toolsChanged' && e.app === 'a');
const names = async (pool: Pool) => (await pool.listTools('a')).map((t) => t.name);

for (const cell of CELLS) {
  describe(`a 2026-07-28 app hears its list changes with no subscription: ${cell.title}`, function () {
    this.timeout(60_000);
    let pool: Pool | undefined;
    let close: (() => Promise<void>) | undefined;

    afterEach(async () => {
      await pool?.shutdown();
      pool?.dispose();
      pool = undefined;
      await close?.();
      close = undefined;
    });

    it('tools/list_changed → toolsChanged, and the next listTools has the new tool within the old ttl; again after a restart', async () => {
      const s = await cell.setup();
      close = s.close;
      pool = makePool();
      const events = collectEvents(pool);
      await pool.configure([s.spec]);

      for (const [round, tool] of [
        [1, 'added_one'],
        [2, 'added_two'],
      ] as const) {
        const listens = () => `${s.pid()}:${s.methods()['subscriptions/listen'] ?? 0}`;
        const listensBefore = listens();
        const before = await names(pool);
        assert.ok(before.includes('echo') && !before.includes(tool), JSON.stringify(before));
        // the stream is opened after the connection's first request (the listing): the change is made once the server has it
        await waitUntil(
          () => listens() !== listensBefore && !listens().endsWith(':0'),
          5000,
          `a new subscriptions/listen stream (round ${round}; the server saw ${JSON.stringify(s.methods())})`,
        );
        await new Promise((r) => setTimeout(r, 150));
        const listed = s.methods()['tools/list'] ?? 0;
        const from = events.length;
        const t0 = performance.now();
        await pool.callTool('a', 'add_tool', { name: tool });
        await waitUntil(() => toolsChanged(events, from), 5000, `toolsChanged after add_tool (round ${round})`);
        const heardMs = performance.now() - t0;
        const after = await names(pool);
        console.log(`      round ${round}: toolsChanged ${Math.round(heardMs)} ms after add_tool was called; tools now ${after.length}`);
        assert.ok(
          after.includes(tool),
          `the new tool is listed (the ${LONG_TTL_MS / 1000} s ttl of the last listing notwithstanding): ${JSON.stringify(after)}`,
        );
        assert.ok((s.methods()['tools/list'] ?? 0) > listed, 'the tools were listed again at the server');
        if (round === 1) await pool.stop('a');
      }
    });
  });
}

describe('direct HTTP: a resource subscription joins the list-change stream', function () {
  this.timeout(30_000);
  let pool: Pool | undefined;
  let fx: EraHttpFixture | undefined;
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await fx?.close();
    fx = undefined;
  });

  it('one new stream with both (the old one closed without taking the link down); updates and list changes both heard', async () => {
    fx = await startEraHttpFixture({ legacy: 'reject', toolsTtlMs: LONG_TTL_MS });
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure([directSpec('a', fx.url)]);
    await names(pool);
    await waitUntil(() => fx!.counts().methods['subscriptions/listen'] === 1, 5000, 'the list-change stream');
    await pool.subscribeResource('a', 'fixture://counter');
    assert.equal(fx.counts().methods['subscriptions/listen'], 2, 'one new stream with the whole filter');
    let from = events.length;
    await pool.callTool('a', 'touch_resource', { uri: 'fixture://counter' });
    await waitUntil(() => events.slice(from).some((e) => e.type === 'resourceUpdated' && e.uri === 'fixture://counter'), 5000, 'resourceUpdated');
    from = events.length;
    await pool.callTool('a', 'add_tool', { name: 'with_sub' });
    await waitUntil(() => toolsChanged(events, from), 5000, 'toolsChanged on the shared stream');
    assert.ok(['idle', 'busy'].includes(pool.snapshot('a')!.status), 'the swap of streams did not take the link down');
    assert.equal(pool.snapshot('a')!.starts, 1);
  });
});

describe('the list-change stream, ended by the server, is opened again (bounded)', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;
  /** The modern stdio fixture behind a relay that ends its first `drop` listen streams (fixtures/modern/listenDropper.ts). */
  const DROPPER = join(dirname(MODERN_STDIO_FIXTURE), 'listenDropper.js');
  let stats: string;
  const spec = (drop: number): AppSpec => ({
    kind: 'stdio',
    name: 'a',
    command: process.execPath,
    args: [DROPPER, `--drop=${drop}`, MODERN_STDIO_FIXTURE, RUN_MARK, `--tools-ttl-ms=${LONG_TTL_MS}`, `--stats-file=${stats}`],
    env: {},
  });
  const listens = (): number => {
    try {
      return (JSON.parse(readFileSync(stats, 'utf8')) as { methods: Record<string, number> }).methods['subscriptions/listen'] ?? 0;
    } catch {
      return 0;
    }
  };
  const said = (events: PoolEvent[], re: RegExp) => events.filter((e) => e.type === 'stderr' && re.test(e.line)).length;

  beforeEach(() => {
    stats = join(tempDir('listdrop-'), 'stats.json');
  });
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await expectNoProcesses();
  });

  it('ended twice: opened a third time after growing pauses, and the change made then is heard', async () => {
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure([spec(2)]);
    await names(pool);
    const t0 = performance.now();
    await waitUntil(() => listens() >= 3, 15_000, 'the third subscriptions/listen stream');
    const reopenedMs = performance.now() - t0;
    await new Promise((r) => setTimeout(r, 150));
    const from = events.length;
    await pool.callTool('a', 'add_tool', { name: 'after_reopen' });
    await waitUntil(() => toolsChanged(events, from), 5000, 'toolsChanged on the reopened stream');
    assert.ok((await names(pool)).includes('after_reopen'));
    console.log(`      two ends → third stream ${Math.round(reopenedMs)} ms after the first listing (pauses 1 s, 2 s)`);
    assert.equal(said(events, /ended the subscriptions\/listen stream \(graceful\); opening it again/), 2);
    assert.ok(reopenedMs >= 3000, `the pauses grow (1 s, then 2 s): ${Math.round(reopenedMs)} ms`);
  });

  it('ended every time: given up after 4 streams in a row, said once in the log; a restart listens again', async () => {
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure([spec(1000)]);
    await names(pool);
    await waitUntil(() => said(events, /list changes and resource updates are not heard until the app restarts/) === 1, 20_000, 'the pool giving up');
    await new Promise((r) => setTimeout(r, 4000));
    assert.equal(listens(), 4, 'no more than 4 streams: no loop');
    await pool.stop('a');
    await names(pool);
    await waitUntil(() => listens() >= 1 && listens() < 4, 5000, 'the restarted app listening again');
  });
});
