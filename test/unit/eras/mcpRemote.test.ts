// The era matrix through the real bundled mcp-remote: the real pool with a remote app (default
// arguments, so mcp-remote runs with --protocol auto) against a modern-only server (SDK v2,
// 2026-07-28 only), a dual-era server (SDK v2's default: 2025 clients served statelessly) and a
// legacy 2025 server (SDK 1.x). The pool speaks 2025 to mcp-remote; mcp-remote bridges the remote's
// era (input_required → classic server→client requests, subscriptions/listen → resources/subscribe,
// the log level per request). Every feature the pool offers, each asserted at the server too.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ClientHooks, Pool, PoolError, PoolEvent } from '../../../src/pool';
import { type HttpFixture, startHttpFixture } from '../../fixtures/http-server';
import { type EraHttpFixture, startEraHttpFixture } from '../../fixtures/modern/http';
import { processesMatching, waitUntil } from '../../fixtures/processTable';
import { collectEvents, makePool, remoteSpec, textOf } from '../helpers';
import { tempDir } from '../tempDirs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;

type Era = 'modern' | 'dual' | 'legacy';

/** One server under test, whichever SDK built it. */
interface Remote {
  readonly url: string;
  close(): Promise<void>;
  /** tools/call requests the server received (retries of an input_required call included). */
  toolCalls(): number | undefined;
  /** Times the server began running `tool` (an input_required tool: its first round only); undefined where it cannot tell. */
  executions(tool: string): number | undefined;
  /** HTTP requests by verb, where the server counts them. */
  http(): Record<string, number> | undefined;
  /** JSON-RPC messages received by method, where the server counts them. */
  methods?(): Record<string, number>;
}

function eraRemote(fx: EraHttpFixture, callLog: string): Remote {
  return {
    url: fx.url,
    close: () => fx.close(),
    toolCalls: () => Object.values(fx.counts().tools).reduce((a, b) => a + b, 0),
    executions: (tool) => calls(callLog).filter((c) => c.tool === tool && !c.args?.cancelled).length,
    http: () => fx.counts().http,
    methods: () => fx.counts().methods,
  };
}

function legacyRemote(fx: HttpFixture): Remote {
  // its client-feature tools count no calls (stats().toolCalls counts echo & co only)
  return { url: fx.url, close: () => fx.close(), toolCalls: () => undefined, executions: () => undefined, http: () => undefined };
}

function calls(callLog: string): Report[] {
  if (!existsSync(callLog)) return [];
  return readFileSync(callLog, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Report);
}

async function startRemote(era: Era, callLog: string): Promise<Remote> {
  if (era === 'legacy') return legacyRemote(await startHttpFixture());
  return eraRemote(await startEraHttpFixture({ legacy: era === 'modern' ? 'reject' : 'stateless', callLog }), callLog);
}

const TITLES: Record<Era, string> = {
  modern: 'a modern-only server (SDK v2, 2026-07-28 only)',
  dual: 'a dual-era server (SDK v2 createMcpHandler default)',
  legacy: 'a legacy server (SDK 1.x, 2025-11-25)',
};

const ROOTS = [{ uri: 'file:///work/one', name: 'one' }];

/** The host's answers, recording who asked what. */
function recordingHooks() {
  const asked: string[] = [];
  const hooks: ClientHooks = {
    elicit: async (app, params) => {
      asked.push(`elicit:${app}:${params.mode ?? 'form'}:${params.message}`);
      return { action: 'accept', content: { name: 'Ann', count: 2 } };
    },
    sample: async (app, params) => {
      asked.push(`sample:${app}:${params.messages.length}`);
      return { role: 'assistant', model: 'host-model', stopReason: 'endTurn', content: { type: 'text', text: 'a short summary' } };
    },
    roots: {
      list: (app) => {
        asked.push(`roots:${app}`);
        return ROOTS;
      },
      onDidChange: () => ({ dispose: () => undefined }),
    },
  };
  return { hooks, asked };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const figures: Record<string, number | string> = {};
after(() =>
  console.log(
    `      FIGURES eras through mcp-remote: ${Object.entries(figures)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ')}`,
  ),
);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const LATER_LEVELS = ['warning', 'error', 'critical', 'alert', 'emergency'];

for (const era of ['modern', 'dual', 'legacy'] as const) {
  describe(`eras through the bundled mcp-remote: ${TITLES[era]}`, function () {
    this.timeout(60_000);
    let remote: Remote;
    let pool: Pool | undefined;
    let callLog: string;

    beforeEach(async () => {
      callLog = join(tempDir('era-calls-'), 'calls.jsonl');
      remote = await startRemote(era, callLog);
    });
    afterEach(async () => {
      await pool?.shutdown();
      pool?.dispose();
      pool = undefined;
      await waitUntil(() => processesMatching(remote.url).length === 0, 5000, 'no mcp-remote left');
      await remote.close();
    });

    it('tools: list and call, progress reaches the caller, a cancelled call ends at once and reaches the server, the app stays usable', async () => {
      pool = makePool();
      await pool.configure([remoteSpec('r', remote.url)]);
      const tools = (await pool.listTools('r')).map((t) => t.name);
      for (const t of ['echo', 'add', 'sleep', 'progress', 'ask_form', 'summarize', 'list_roots', 'touch_resource', 'log'])
        assert.ok(tools.includes(t), `${t} in ${tools.join(',')}`);

      const echo = await pool.callTool('r', 'echo', { text: 'hello' });
      assert.equal(textOf(echo.result.content).split('\n')[0], 'hello');
      assert.equal((echo.result.structuredContent as Report).text, 'hello');
      // the era that served it, as the server saw it (the 1.x fixture has no era field)
      if (era !== 'legacy') assert.equal((echo.result.structuredContent as Report).era, 'modern', 'mcp-remote auto reached the server in the 2026 era');
      assert.equal(textOf((await pool.callTool('r', 'add', { a: 2, b: 3 })).result.content), '5');
      // the remote's revision, not the 2025 one the pool speaks with mcp-remote
      const snap = pool.snapshot('r')!;
      assert.deepEqual([snap.protocolVersion, snap.protocolEra], era === 'legacy' ? ['2025-11-25', 'legacy'] : ['2026-07-28', 'modern']);

      const progress: string[] = [];
      const done = await pool.callTool('r', 'progress', { steps: 5, delayMs: 60 }, { onProgress: (p) => progress.push(p.message ?? '') });
      assert.equal(textOf(done.result.content), 'done');
      assert.ok(progress.length >= 4, `progress through mcp-remote: ${progress.join(', ')}`);
      assert.deepEqual(progress.slice(-2), ['step 4/5', 'step 5/5']);

      // Cancelled at once for the caller; the server is told: a 2025 server by notifications/cancelled,
      // which mcp-remote 0.15.1 also forwards to a modern server (where the revision's cancellation is
      // closing the response stream, so the v2 server lets the call run on: its figure below).
      const ac = new AbortController();
      const s = Date.now();
      const sleeping = pool.callTool('r', 'sleep', { ms: 6000 }, { signal: ac.signal });
      setTimeout(() => ac.abort(), 400);
      await assert.rejects(sleeping, (e: PoolError) => e.code === 'cancelled');
      assert.ok(Date.now() - s < 3000, `cancelled in ${Date.now() - s} ms`);
      if (era !== 'legacy') {
        await waitUntil(() => remote.methods?.()['notifications/cancelled'], 5000, 'the cancellation reached the server');
        await sleep(500);
        figures[`${era}_server_stopped_cancelled_call`] = String(calls(callLog).some((c) => c.tool === 'sleep' && c.args?.cancelled === true));
      }
      const after = await pool.callTool('r', 'echo', { text: 'still here' });
      assert.equal(after.pid, echo.pid, 'the same mcp-remote process');
      assert.equal(after.coldStart, false);
    });

    it('resources (list, read, update notification), prompts and logging', async () => {
      pool = makePool();
      const events = collectEvents(pool);
      await pool.configure([remoteSpec('r', remote.url)]);
      const COUNTER = 'fixture://counter';
      const uris = (await pool.listResources('r')).map((r) => r.uri);
      assert.ok(uris.includes(COUNTER) && uris.includes('fixture://text/hello'), uris.join(','));
      const hello = await pool.readResource('r', 'fixture://text/hello');
      assert.equal((hello.contents[0] as Report).text, 'Hello from the fixture');
      assert.equal(((await pool.readResource('r', COUNTER)).contents[0] as Report).text, 'touched 0 times');

      // mcp-remote auto answers resources/subscribe itself and reopens its subscriptions/listen
      // stream with the URI ~2 s later (0.15.1: SUBSCRIPTION_REOPEN_DELAY_MS): an update in that
      // window is not heard. Touched until one is, every 400 ms (bounded).
      await pool.subscribeResource('r', COUNTER);
      const subscribedAt = Date.now();
      let touches = 0;
      const heard = () => events.some((e) => e.type === 'resourceUpdated' && e.uri === COUNTER);
      await waitUntil(
        async () => {
          if (heard()) return true;
          assert.ok(touches < 20, 'bounded');
          touches++;
          await pool!.callTool('r', 'touch_resource', { uri: COUNTER });
          await sleep(400);
          return heard();
        },
        10_000,
        'resourceUpdated through mcp-remote',
      );
      figures[`${era}_subscribe_to_first_update_ms`] = Date.now() - subscribedAt;
      figures[`${era}_touches_until_heard`] = touches;
      if (era === 'legacy') assert.equal(touches, 1, 'a 2025 server: the first update after subscribing is heard');
      assert.equal(((await pool.readResource('r', COUNTER)).contents[0] as Report).text, `touched ${touches} times`);

      const prompts = (await pool.listPrompts('r')).map((p) => p.name);
      assert.ok(prompts.includes('greet') && prompts.includes('review'), prompts.join(','));
      const greet = await pool.getPrompt('r', 'greet', { name: 'Ann' });
      assert.equal((greet.messages[0].content as Report).text, 'Hello, Ann!');

      // mcp-remote auto: logging/setLevel becomes the log level of each request to a modern server
      await pool.setLogLevel('r', 'warning');
      const from = events.length;
      await pool.callTool('r', 'log', { message: 'era-log' });
      const levels = () =>
        events
          .slice(from)
          .filter((e): e is Extract<PoolEvent, { type: 'log' }> => e.type === 'log' && (e.data as Report)?.message === 'era-log')
          .map((e) => e.level);
      await waitUntil(() => levels().length >= LATER_LEVELS.length, 5000, `log events at warning and above (${levels().join(',')})`);
      assert.deepEqual(levels(), LATER_LEVELS);
    });

    it("elicitation (form), sampling and roots are answered by the pool's hooks; each tool runs once", async () => {
      const { hooks, asked } = recordingHooks();
      pool = makePool({}, { clientHooks: hooks });
      await pool.configure([remoteSpec('r', remote.url)]);

      const form = (await pool.callTool('r', 'ask_form', { message: 'Who are you?' })).result.structuredContent as Report;
      assert.equal(form.action, 'accept', JSON.stringify(form));
      assert.deepEqual(form.content, { name: 'Ann', count: 2 });

      const summary = (await pool.callTool('r', 'summarize', { text: 'a long text' })).result.structuredContent as Report;
      assert.deepEqual([summary.role, summary.model, summary.text], ['assistant', 'host-model', 'a short summary'], JSON.stringify(summary));

      const roots = (await pool.callTool('r', 'list_roots', {})).result.structuredContent as Report;
      assert.deepEqual(roots.roots, ROOTS, JSON.stringify(roots));

      assert.deepEqual(asked, ['elicit:r:form:Who are you?', 'sample:r:1', 'roots:r'], 'each hook asked once, naming the app');
      for (const tool of ['ask_form', 'summarize', 'list_roots']) {
        const n = remote.executions(tool);
        if (n !== undefined) assert.equal(n, 1, `${tool} began once on the server`);
      }
      // a modern server sees each call twice (the input_required round and the retry with the answers); a 2025 one once
      if (era !== 'legacy') assert.equal(remote.toolCalls(), 6);
    });
  });
}

describe('eras through the bundled mcp-remote: cold starts, --protocol auto (default) vs legacy', function () {
  this.timeout(120_000);
  const remotes: Remote[] = [];
  let pool: Pool | undefined;
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    for (const r of remotes.splice(0)) {
      await waitUntil(() => processesMatching(r.url).length === 0, 5000, 'no mcp-remote left');
      await r.close();
    }
  });

  it('starts against each era; legacy mode against a modern-only server fails naming the era and what to do', async () => {
    const REPS = 3;
    for (const era of ['modern', 'dual', 'legacy'] as const) {
      const remote = await startRemote(era, join(tempDir('era-calls-'), 'calls.jsonl'));
      remotes.push(remote);
      for (const mode of ['auto', 'legacy'] as const) {
        const args = mode === 'auto' ? [] : ['--protocol', 'legacy'];
        const startMs: number[] = [];
        for (let i = 0; i < REPS; i++) {
          pool = makePool({ crashLoopBaseMs: 0 });
          await pool.configure([remoteSpec('r', remote.url, { args })]);
          const getsBefore = remote.http()?.GET ?? 0;
          const s = Date.now();
          if (era === 'modern' && mode === 'legacy') {
            const e = await pool.callTool('r', 'echo', { text: 'x' }).then(
              () => assert.fail('a 2025 client cannot reach a modern-only server'),
              (err: PoolError) => err,
            );
            assert.equal(e.code, 'start-failed');
            assert.match(
              e.message,
              /^app "r" could not start: the remote server answered HTTP 400 Bad Request, so mcp-remote exited during start \(exit code 1\); it does not speak MCP 2025-11-25 \(it supports 2026-07-28\): remove "--protocol" from the app's args/,
            );
            startMs.push(Date.now() - s);
          } else {
            const out = await pool.callTool('r', 'echo', { text: 'x' });
            assert.equal(out.coldStart, true);
            startMs.push(out.startMs ?? Date.now() - s);
            if (remote.http()) figures[`${era}_${mode}_GET_per_start`] = (remote.http()!.GET ?? 0) - getsBefore;
          }
          await pool.shutdown();
          pool.dispose();
          pool = undefined;
        }
        figures[`${era}_${mode}_cold_start_ms`] = median(startMs);
      }
    }
  });
});
