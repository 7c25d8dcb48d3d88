// What servers ask of the host (roots, elicitation, sampling), tool metadata kept whole, and tools
// called as tasks — against real processes: the stdio fixture spoken to directly, and the HTTP
// fixture through the real bundled mcp-remote. The hooks are the test's own functions: they stand
// for the host's handlers (the editor's UI comes later). The fixture tools report what the server saw.
import * as assert from 'node:assert/strict';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { AppSpec, ClientHooks, Pool, PoolError, Root, TaskStatusUpdate } from '../../src/pool';
import { RICH_ICONS, RICH_META, RICH_RESULT_META } from '../fixtures/clientFeatureTools';
import { type HttpFixture, startHttpFixture } from '../fixtures/http-server';
import { processesMatching, waitUntil } from '../fixtures/processTable';
import { directSpec, expectNoProcesses, makePool, remoteSpec, stdioSpec, textOf } from './helpers';

// What a fixture tool reports (structured content): its shape differs per tool.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;

const ALL_CAPABILITIES = { roots: { listChanged: true }, elicitation: { form: {}, url: {} }, sampling: {} };

/** Resolves once `signal` aborts, with the time it took. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener('abort', () => resolve(), { once: true })));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A roots hook the test can change; it records who asked. */
function rootsHook(initial: Root[]) {
  let roots = initial;
  const listeners = new Set<() => void>();
  const askedBy: string[] = [];
  return {
    askedBy,
    set(next: Root[]) {
      roots = next;
      for (const l of listeners) l();
    },
    hook: {
      list: (app: string) => {
        askedBy.push(app);
        return roots;
      },
      onDidChange(listener: () => void) {
        listeners.add(listener);
        return { dispose: () => listeners.delete(listener) };
      },
    },
  };
}

const TITLES = { stdio: 'stdio', 'mcp-remote': 'the bundled mcp-remote (HTTP fixture)', direct: 'direct HTTP from the pool (HTTP fixture)' } as const;
for (const via of ['stdio', 'mcp-remote', 'direct'] as const) {
  describe(`client features over ${TITLES[via]}`, function () {
    this.timeout(60_000);
    let http: HttpFixture | undefined;
    let pool: Pool | undefined;

    const spec = (name: string): AppSpec => (via === 'stdio' ? stdioSpec(name) : via === 'direct' ? directSpec(name, http!.url) : remoteSpec(name, http!.url));
    async function poolWith(hooks: ClientHooks | undefined, settings: Parameters<typeof makePool>[0] = {}, names = ['a']): Promise<Pool> {
      await pool?.shutdown();
      pool?.dispose();
      pool = makePool(settings, { clientHooks: hooks });
      await pool.configure(names.map(spec));
      return pool;
    }
    async function call(tool: string, args: Record<string, unknown> = {}, app = 'a'): Promise<Report> {
      const outcome = await pool!.callTool(app, tool, args);
      return outcome.result.structuredContent as Report;
    }

    beforeEach(async () => {
      if (via !== 'stdio') http = await startHttpFixture();
    });
    afterEach(async () => {
      await pool?.shutdown();
      pool?.dispose();
      pool = undefined;
      if (via === 'stdio') await expectNoProcesses();
      else {
        await waitUntil(() => processesMatching(http!.url).length === 0, 5000, 'no mcp-remote left');
        await http!.close();
      }
    });

    describe('capabilities', () => {
      it('declares none without hooks; sampling, elicitation and roots requests are refused at once, naming what is missing', async () => {
        await poolWith(undefined);
        const info = await call('client_info');
        assert.deepEqual(info.capabilities, {});
        assert.match(info.clientInfo.name, /^mcp-remote-pool/);
        for (const [tool, args, feature] of [
          ['summarize', { text: 'x' }, 'sampling'],
          ['ask_form', {}, 'elicitation'],
          ['ask_url', { url: 'https://example.invalid/' }, 'elicitation'],
          ['list_roots', {}, 'roots'],
        ] as const) {
          const r = await call(tool, args);
          assert.equal(r.error?.code, ErrorCode.MethodNotFound, `${tool}: ${JSON.stringify(r)}`);
          assert.match(r.error.message, new RegExp(`does not provide ${feature}`), tool);
          assert.ok(r.elapsedMs < 1000, `${tool} answered in ${r.elapsedMs} ms`);
        }
      });

      it('declares each capability only with its hook (sampling alone; elicitation in form mode alone; all three)', async () => {
        const sampleOnly: ClientHooks = { sample: async () => ({ role: 'assistant', model: 'm', content: { type: 'text', text: 't' } }) };
        await poolWith(sampleOnly);
        assert.deepEqual((await call('client_info')).capabilities, { sampling: {} });

        await poolWith({ elicit: async () => ({ action: 'decline' }), elicitationModes: ['form'] });
        assert.deepEqual((await call('client_info')).capabilities, { elicitation: { form: {} } });
        // URL mode was not declared: the SDK's client refuses it at once
        const url = await call('ask_url', { url: 'https://example.invalid/' });
        assert.equal(url.error?.code, ErrorCode.InvalidParams, JSON.stringify(url));

        await poolWith({ ...sampleOnly, elicit: async () => ({ action: 'decline' }), roots: rootsHook([]).hook });
        assert.deepEqual((await call('client_info')).capabilities, ALL_CAPABILITIES);
      });
    });

    describe('roots', () => {
      it('answers roots/list with the host roots, naming the app; a change is sent to every running app', async () => {
        const roots = rootsHook([{ uri: 'file:///work/one', name: 'one' }]);
        await poolWith({ roots: roots.hook }, {}, ['a', 'b']);
        const first = await call('list_roots');
        assert.deepEqual(first.roots, [{ uri: 'file:///work/one', name: 'one' }]);
        assert.equal(first.listChanged, 0);
        await call('list_roots', {}, 'b');
        assert.deepEqual(roots.askedBy, ['a', 'b']);

        roots.set([{ uri: 'file:///work/one', name: 'one' }, { uri: 'file:///work/two' }]);
        for (const app of ['a', 'b']) {
          const after = await waitUntil(
            async () => {
              const r = await call('list_roots', {}, app);
              return r.listChanged === 1 && r;
            },
            5000,
            `${app} heard roots/list_changed`,
          );
          assert.deepEqual(after.roots, [{ uri: 'file:///work/one', name: 'one' }, { uri: 'file:///work/two' }]);
        }
      });
    });

    describe('elicitation', () => {
      it('form mode: accept (with content), decline and cancel reach the tool; the hook gets the app, message and schema', async () => {
        const seen: { app: string; mode?: string; message: string; schema?: unknown }[] = [];
        await poolWith({
          elicit: async (app, params) => {
            seen.push({ app, mode: params.mode, message: params.message, schema: params.mode === 'url' ? undefined : params.requestedSchema });
            if (params.message === 'accept') return { action: 'accept', content: { name: 'Ann', count: 2 } };
            return { action: params.message as 'decline' | 'cancel' };
          },
        });
        assert.deepEqual(await call('ask_form', { message: 'accept' }).then((r) => [r.action, r.content]), ['accept', { name: 'Ann', count: 2 }]);
        assert.equal((await call('ask_form', { message: 'decline' })).action, 'decline');
        assert.equal((await call('ask_form', { message: 'cancel' })).action, 'cancel');
        assert.deepEqual(
          seen.map((s) => [s.app, s.mode, s.message]),
          [
            ['a', 'form', 'accept'],
            ['a', 'form', 'decline'],
            ['a', 'form', 'cancel'],
          ],
        );
        assert.deepEqual((seen[0].schema as { required: string[] }).required, ['name']);
      });

      it("URL mode: the hook gets the URL and the elicitation id; the server's completion notification reaches the host", async () => {
        const urls: { app: string; url: string; id: string }[] = [];
        const completed: { app: string; id: string }[] = [];
        await poolWith({
          elicit: async (app, params) => {
            if (params.mode === 'url') urls.push({ app, url: params.url, id: params.elicitationId });
            return { action: 'accept' };
          },
          elicitationComplete: (app, id) => completed.push({ app, id }),
        });
        const r = await call('ask_url', { url: 'https://example.invalid/consent?state=7' });
        assert.equal(r.action, 'accept');
        assert.deepEqual(urls, [{ app: 'a', url: 'https://example.invalid/consent?state=7', id: r.elicitationId }]);
        await waitUntil(() => completed.length === 1, 5000, 'notifications/elicitation/complete');
        assert.deepEqual(completed, [{ app: 'a', id: r.elicitationId }]);
      });

      it("the hook's signal aborts when the server cancels its request, and when the app stops", async () => {
        const signals: AbortSignal[] = [];
        await poolWith({
          elicit: (_app, params, signal) => {
            signals.push(signal);
            if (params.message === 'first') return Promise.resolve({ action: 'decline' });
            return new Promise(() => undefined); // the user never answers
          },
        });
        // SDK 1.32.2 ignores notifications/cancelled for request id 0 (typescript-sdk #2283): the
        // server's first request has that id, so the question that is cancelled is its second.
        assert.equal((await call('ask_form', { message: 'first' })).action, 'decline');
        // the server gives up after 300 ms and sends notifications/cancelled
        const r = await call('ask_form', { timeoutMs: 300 });
        assert.equal(r.error?.code, ErrorCode.RequestTimeout, JSON.stringify(r));
        await waitUntil(() => signals[1]?.aborted, 3000, 'the hook is told the server cancelled');

        const pending = pool!.callTool('a', 'ask_form', {}).then(
          () => assert.fail('the call should fail'),
          (e: PoolError) => e,
        );
        await waitUntil(() => signals.length === 3, 5000, 'third question asked');
        const t0 = Date.now();
        await pool!.stop('a');
        await aborted(signals[2]);
        assert.ok(Date.now() - t0 < 5000);
        assert.equal((await pending).code, 'stopped');
      });

      it("the call's timeout stands still while the host answers; a hook that never answers is given up after hookTimeoutMs", async () => {
        let delay = 1200;
        let lastSignal: AbortSignal | undefined;
        await poolWith(
          {
            elicit: async (_app, _params, signal) => {
              lastSignal = signal;
              await sleep(delay);
              return { action: 'accept', content: { name: 'slow' } };
            },
          },
          { callTimeoutMs: 600, hookTimeoutMs: 2500 },
        );
        // 1.2 s of the user's time on a call that may take 0.6 s
        assert.equal((await call('ask_form')).action, 'accept');
        delay = 60_000;
        const t0 = Date.now();
        const r = await call('ask_form');
        assert.equal(r.error?.code, ErrorCode.RequestTimeout, JSON.stringify(r));
        assert.match(r.error.message, /did not answer elicitation\/create within 2\.5 s/);
        assert.ok(Date.now() - t0 < 5000);
        assert.equal(lastSignal?.aborted, true);
      });

      if (via === 'stdio')
        it("a prompt's and a resource read's timeout stands still while the host answers too", async () => {
          await poolWith(
            {
              elicit: async () => {
                await sleep(1000);
                return { action: 'accept', content: { name: 'patient' } };
              },
            },
            { callTimeoutMs: 500 },
            [],
          );
          await pool!.configure([stdioSpec('a', { FIXTURE_FEATURES: '1' })]);
          // 1 s of the user's time on requests that may take 0.5 s
          const prompt = await pool!.getPrompt('a', 'ask_name');
          assert.match(JSON.stringify(prompt.messages), /patient/);
          const read = await pool!.readResource('a', 'fixture://asked');
          assert.match(JSON.stringify(read.contents), /patient/);
        });
    });

    describe('sampling', () => {
      it("the hook answers the server's createMessage, named the app and given the request whole", async () => {
        const asked: { app: string; params: Report }[] = [];
        await poolWith({
          sample: async (app, params) => {
            asked.push({ app, params });
            return { role: 'assistant', model: 'host-model-1', stopReason: 'endTurn', content: { type: 'text', text: 'A short summary.' } };
          },
        });
        const r = await call('summarize', { text: 'a long text' });
        assert.deepEqual([r.role, r.model, r.stopReason, r.text], ['assistant', 'host-model-1', 'endTurn', 'A short summary.']);
        assert.equal(asked.length, 1);
        assert.equal(asked[0].app, 'a');
        assert.deepEqual(asked[0].params.messages, [{ role: 'user', content: { type: 'text', text: 'Summarize: a long text' } }]);
        assert.equal(asked[0].params.systemPrompt, 'You write one-line summaries.');
        assert.equal(asked[0].params.maxTokens, 64);
        assert.deepEqual(asked[0].params.modelPreferences, { hints: [{ name: 'small-model' }], speedPriority: 0.8 });
      });

      it("a hook that rejects: the server's tool sees the error at once (an McpError's code kept, any other error as InternalError)", async () => {
        let how: 'user' | 'crash' = 'user';
        await poolWith({
          sample: async () => {
            if (how === 'user') throw new McpError(-1, 'User rejected sampling request');
            throw new Error('model unavailable');
          },
        });
        const rejected = await call('summarize', { text: 'x' });
        assert.equal(rejected.error?.code, -1);
        assert.match(rejected.error.message, /User rejected sampling request/);
        assert.ok(rejected.elapsedMs < 1000);
        how = 'crash';
        const failed = await call('summarize', { text: 'x' });
        assert.equal(failed.error?.code, ErrorCode.InternalError);
        assert.match(failed.error.message, /the host could not answer sampling\/createMessage: model unavailable/);
      });
    });

    describe('tool metadata', () => {
      it("keeps title, icons, annotations, output schema, execution and _meta as sent, and a result's _meta", async () => {
        await poolWith(undefined);
        const tools = await pool!.listTools('a');
        const rich = tools.find((t) => t.name === 'rich')!;
        assert.equal(rich.title, 'Rich metadata');
        assert.deepEqual(rich.icons, RICH_ICONS);
        assert.deepEqual(rich.annotations, {
          title: 'Rich (annotation title)',
          readOnlyHint: true,
          destructiveHint: false,
          idempotentHint: true,
          openWorldHint: false,
        });
        assert.deepEqual(rich._meta, RICH_META);
        assert.deepEqual(rich.execution, { taskSupport: 'forbidden' });
        assert.deepEqual((rich.outputSchema as { required: string[] }).required, ['doubled', 'note']);
        assert.deepEqual(tools.find((t) => t.name === 'slow_task')!.execution, { taskSupport: 'required' });
        assert.deepEqual(tools.find((t) => t.name === 'quick_task')!.execution, { taskSupport: 'optional' });

        const { result } = await pool!.callTool('a', 'rich', { n: 21 });
        assert.deepEqual(result.structuredContent, { doubled: 42, note: 'doubled' });
        assert.deepEqual(result._meta, RICH_RESULT_META);
        assert.equal(textOf(result.content), '42');
      });

      it('checks a first call against the output schema (the pool lists the tools before it): a mismatch is a protocol error', async () => {
        await poolWith(undefined);
        await assert.rejects(pool!.callTool('a', 'rich', { n: 1, invalid: true }), (e: PoolError) => {
          assert.equal(e.code, 'protocol', e.message);
          assert.match(e.message, /returned a result that does not match the tool's output schema: .*note/);
          return true;
        });
        assert.equal((await call('rich', { n: 2 })).doubled, 4, 'the connection is fine');
      });
    });

    describe('tasks', () => {
      it('a task-required tool runs as a task: its result, progress and every new status', async () => {
        await poolWith(undefined);
        const progress: { progress: number; total?: number; message?: string }[] = [];
        const statuses: TaskStatusUpdate[] = [];
        const { result } = await pool!.callTool(
          'a',
          'slow_task',
          { steps: 3, delayMs: 80 },
          { onProgress: (p) => progress.push(p), onStatus: (s) => statuses.push(s) },
        );
        assert.equal(textOf(result.content), 'done 3');
        const taskId = statuses[0]?.taskId;
        assert.ok(taskId, 'a task was created');
        assert.deepEqual(result._meta, { 'io.modelcontextprotocol/related-task': { taskId }, 'example.com/steps': 3 });
        assert.deepEqual(
          progress,
          [1, 2, 3].map((i) => ({ progress: i, total: 3, message: `step ${i}/3` })),
        );
        assert.equal(statuses[0].status, 'working');
        assert.equal(statuses.at(-1)!.status, 'completed');
        assert.ok(
          statuses.some((s) => s.statusMessage === 'step 1/3'),
          JSON.stringify(statuses),
        );
        assert.ok(statuses.every((s) => s.taskId === taskId));
        assert.deepEqual((await call('task_log')).tasks, [{ taskId, tool: 'slow_task', outcome: 'completed', steps: 3 }]);
      });

      it('cancelling the call cancels the task on the server, at once', async () => {
        await poolWith(undefined);
        const ctl = new AbortController();
        let abortedAt = 0;
        const cancelAtStep2 = (p: { progress: number }) => {
          if (p.progress !== 2) return;
          abortedAt = Date.now();
          ctl.abort();
        };
        const call1 = pool!.callTool('a', 'slow_task', { steps: 200, delayMs: 50 }, { signal: ctl.signal, onProgress: cancelAtStep2 });
        await assert.rejects(call1, (e: PoolError) => e.code === 'cancelled');
        assert.ok(Date.now() - abortedAt < 200, `cancelled in ${Date.now() - abortedAt} ms`);
        const log = await waitUntil(
          async () => {
            const tasks = (await call('task_log')).tasks as { outcome: string; steps: number }[];
            return tasks[0]?.outcome === 'cancelled' && tasks;
          },
          5000,
          'the task cancelled on the server',
        );
        assert.ok(log[0].steps < 10, `stopped after ${log[0].steps} steps`);
      });

      it('a call that times out cancels its task too; a new status counts as progress', async () => {
        await poolWith(undefined, { callTimeoutMs: 400 });
        // a status every 150 ms keeps a 400 ms call going
        const fine = await pool!.callTool('a', 'slow_task', { steps: 5, delayMs: 150 });
        assert.equal(textOf(fine.result.content), 'done 5');
        await assert.rejects(pool!.callTool('a', 'slow_task', { steps: 5, delayMs: 2000 }), (e: PoolError) => e.code === 'timeout');
        await waitUntil(
          async () => {
            const tasks = (await call('task_log')).tasks as { outcome: string }[];
            return tasks[1]?.outcome === 'cancelled';
          },
          5000,
          'the timed-out task cancelled on the server',
        );
      });

      it('a task that fails gives its error result', async () => {
        await poolWith(undefined);
        const { result } = await pool!.callTool('a', 'slow_task', { steps: 2, delayMs: 20, fail: true });
        assert.equal(result.isError, true);
        assert.equal(textOf(result.content), 'failed after 2 steps');
      });

      it('an optional-task tool is called normally (no task asked for)', async () => {
        await poolWith(undefined);
        const statuses: TaskStatusUpdate[] = [];
        const { result } = await pool!.callTool('a', 'quick_task', { text: 'q' }, { onStatus: (s) => statuses.push(s) });
        assert.equal(textOf(result.content), 'quick q');
        assert.deepEqual(statuses, []);
      });
    });
  });
}

describe('client features: one pool, both transports', function () {
  this.timeout(60_000);
  it('a hook is named the app that asks', async () => {
    const http = await startHttpFixture();
    const pool = makePool({}, { clientHooks: { sample: async (app) => ({ role: 'assistant', model: app, content: { type: 'text', text: `for ${app}` } }) } });
    try {
      await pool.configure([stdioSpec('local'), remoteSpec('remote', http.url)]);
      for (const app of ['local', 'remote']) {
        const { result } = await pool.callTool(app, 'summarize', { text: 'x' });
        assert.equal((result.structuredContent as Report).model, app);
      }
    } finally {
      await pool.shutdown();
      pool.dispose();
      await waitUntil(() => processesMatching(http.url).length === 0, 5000, 'no mcp-remote left');
      await http.close();
      await expectNoProcesses();
    }
  });
});
