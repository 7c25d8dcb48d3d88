// The era matrix over stdio, through the real pool: the same requests to a legacy server (the 1.x
// fixture, 2025 only), a modern-only server and a dual-era one (the SDK v2 era fixtures). The pool
// negotiates the era itself (server/discover, then initialize for a legacy server) and remembers
// it: a later start of a modern server sends nothing before its first request. What the server
// asks of the host (elicitation, sampling, roots) is answered by the pool's hooks in both eras:
// server→client requests in 2025, `input_required` results retried in 2026 (the tool runs once).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppSpec, ClientHooks, Pool, PoolEvent } from '../../../src/pool';
import { DUAL_STDIO_FIXTURE, MODERN_STDIO_FIXTURE, STDIO_FIXTURE } from '../../fixtures/paths';
import { waitUntil } from '../../fixtures/processTable';
import { collectEvents, expectNoProcesses, makePool, RUN_MARK, textOf } from '../helpers';
import { tempDir } from '../tempDirs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;

const ERAS = [
  { era: 'legacy', title: 'legacy (1.x fixture, 2025 only)', script: STDIO_FIXTURE, args: ['--features=1'], counts: false },
  { era: 'modern', title: 'modern-only (SDK v2, 2026-07-28 only)', script: MODERN_STDIO_FIXTURE, args: [], counts: true },
  { era: 'modern', title: 'dual-era (SDK v2): reached as modern', script: DUAL_STDIO_FIXTURE, args: [], counts: true },
] as const;

const ROOTS = [{ uri: 'file:///work/eras', name: 'eras' }];

function hooks(asked: string[]): ClientHooks {
  return {
    elicit: async (app, params) => {
      asked.push(`elicit:${app}:${params.message}`);
      return { action: 'accept', content: { name: 'Ann', count: 2 } };
    },
    elicitationModes: ['form'],
    sample: async (app) => {
      asked.push(`sample:${app}`);
      return { role: 'assistant', model: 'era-model', content: { type: 'text', text: 'a short summary' } };
    },
    roots: {
      list: (app) => {
        asked.push(`roots:${app}`);
        return ROOTS;
      },
      onDidChange: () => ({ dispose: () => undefined }),
    },
  };
}

const eventsOf = <T extends PoolEvent['type']>(events: PoolEvent[], type: T, from = 0) =>
  events.slice(from).filter((e): e is Extract<PoolEvent, { type: T }> => e.type === type);

for (const fx of ERAS) {
  describe(`era matrix over stdio: ${fx.title}`, function () {
    this.timeout(60_000);
    let pool: Pool;
    let events: PoolEvent[];
    let asked: string[];
    let dir: string;

    const spec = (extra: string[] = []): AppSpec => ({
      kind: 'stdio',
      name: 'e',
      command: process.execPath,
      args: [fx.script, RUN_MARK, ...fx.args, `--call-log=${join(dir, 'calls.jsonl')}`, `--stats-file=${join(dir, 'stats.json')}`, ...extra],
      env: {},
    });
    const calls = (tool: string): Report[] => {
      let lines: string[] = [];
      try {
        lines = readFileSync(join(dir, 'calls.jsonl'), 'utf8').split('\n').filter(Boolean);
      } catch {
        // no call yet
      }
      return lines.map((l) => JSON.parse(l) as Report).filter((c) => c.tool === tool);
    };
    /** The fixture's request counts (--stats-file), read once it is whole (it is rewritten after every message). */
    const stats = (): Promise<Report> =>
      waitUntil(
        () => {
          try {
            return JSON.parse(readFileSync(join(dir, 'stats.json'), 'utf8')) as Report;
          } catch {
            return undefined;
          }
        },
        2000,
        'the stats file',
      );
    const call = async (tool: string, args: Record<string, unknown> = {}) => (await pool.callTool('e', tool, args)).result;

    beforeEach(async () => {
      dir = tempDir('eras-');
      asked = [];
      pool = makePool({}, { clientHooks: hooks(asked) });
      events = collectEvents(pool);
      await pool.configure([spec()]);
    });
    afterEach(async () => {
      await pool.shutdown();
      pool.dispose();
      await expectNoProcesses();
    });

    it(`negotiates the ${fx.era} era and reports it`, async () => {
      const first = await pool.callTool('e', 'echo', { text: 'hi' });
      const r = first.result;
      console.log(`      figures: start (probe) ${eventsOf(events, 'started')[0]?.durationMs} ms, first call ${Math.round(first.durationMs)} ms`);
      assert.equal(textOf(r.content).split('\n')[0], 'hi');
      assert.equal(r.structuredContent?.text, 'hi');
      const snap = pool.snapshot('e')!;
      assert.equal(snap.protocolEra, fx.era);
      assert.equal(snap.protocolVersion, fx.era === 'modern' ? '2026-07-28' : '2025-11-25');
      if (fx.counts) assert.equal(r.structuredContent?.era, 'modern', 'the server served the call in the modern era');
    });

    it('lists tools whole (output schema) and calls them: progress, cancel, timeout, a tool error', async () => {
      const tools = await pool.listTools('e');
      const echo = tools.find((t) => t.name === 'echo');
      assert.ok(echo?.outputSchema, 'echo keeps its output schema');

      const progress: string[] = [];
      const p = await pool.callTool('e', 'progress', { steps: 3, delayMs: 20 }, { onProgress: (x) => progress.push(x.message ?? '') });
      assert.equal(textOf(p.result.content), 'done');
      assert.deepEqual(progress, ['step 1/3', 'step 2/3', 'step 3/3']);

      const ctl = new AbortController();
      const t0 = Date.now();
      const slept = pool.callTool('e', 'sleep', { ms: 20_000 }, { signal: ctl.signal });
      await waitUntil(() => calls('sleep').length > 0, 5000, 'the sleep call reached the server');
      ctl.abort();
      await assert.rejects(slept, (e: Error) => (assert.match(e.message, /cancel/i), true));
      assert.ok(Date.now() - t0 < 5000, 'the cancel ended the call at once');
      await waitUntil(() => calls('sleep').some((c) => c.args?.cancelled === true || c.cancelled === true), 5000, 'the server heard the cancel');

      await assert.rejects(
        pool.callTool('e', 'sleep', { ms: 20_000 }, { timeoutMs: 500 }),
        (e: Error) => (assert.match(e.message, /timed out|timeout|within/i), true),
      );

      const failed = await call('fail', { message: 'nope' });
      assert.equal(failed.isError, true);
      assert.equal(textOf(failed.content), 'nope');
    });

    it('resources: list, template, read, completion; a subscription brings resourceUpdated', async () => {
      const resources = await pool.listResources('e');
      assert.ok(
        resources.some((r) => r.uri === 'fixture://counter'),
        JSON.stringify(resources.map((r) => r.uri)),
      );
      const templates = await pool.listResourceTemplates('e');
      assert.ok(templates.some((t) => t.uriTemplate === 'fixture://files/{name}'));
      const hello = await pool.readResource('e', 'fixture://text/hello');
      assert.equal((hello.contents[0] as { text?: string }).text, 'Hello from the fixture');
      const done = await pool.complete('e', { type: 'ref/resource', uri: 'fixture://files/{name}' }, { name: 'name', value: 're' });
      assert.deepEqual([...done.values].sort(), ['readme.md', 'report.txt', 'results.csv']);

      await pool.subscribeResource('e', 'fixture://counter');
      const touched = await call('touch_resource', { uri: 'fixture://counter' });
      assert.match(textOf(touched.content), /\(notified\)/);
      const updated = await waitUntil(() => eventsOf(events, 'resourceUpdated')[0], 5000, 'resourceUpdated');
      assert.deepEqual(updated, { type: 'resourceUpdated', app: 'e', uri: 'fixture://counter' });
      assert.equal(
        ((await pool.readResource('e', 'fixture://counter')).contents[0] as { text?: string }).text,
        'touched 1 times',
        'a read after the update is fresh',
      );

      await pool.unsubscribeResource('e', 'fixture://counter');
      await call('touch_resource', { uri: 'fixture://counter' });
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(eventsOf(events, 'resourceUpdated').length, 1, 'nothing heard after unsubscribing');
    });

    it('a subscription and the log level survive a restart', async () => {
      await pool.subscribeResource('e', 'fixture://counter');
      await pool.setLogLevel('e', 'error');
      await pool.restart('e');
      await call('touch_resource', { uri: 'fixture://counter' });
      await waitUntil(() => eventsOf(events, 'resourceUpdated')[0], 5000, 'resourceUpdated after the restart');
      const from = events.length;
      await call('log', { message: 'after' });
      await waitUntil(() => eventsOf(events, 'log', from).length >= 4, 5000, 'log events after the restart');
      await new Promise((r) => setTimeout(r, 100));
      assert.deepEqual(
        eventsOf(events, 'log', from).map((e) => e.level),
        ['error', 'critical', 'alert', 'emergency'],
      );
    });

    it('prompts and their completions', async () => {
      const prompts = await pool.listPrompts('e');
      assert.ok(prompts.some((p) => p.name === 'greet'));
      const greet = await pool.getPrompt('e', 'greet', { name: 'Ann' });
      assert.match(JSON.stringify(greet.messages), /Ann/);
      const langs = await pool.complete('e', { type: 'ref/prompt', name: 'review' }, { name: 'language', value: 'p' });
      assert.deepEqual([...langs.values].sort(), ['perl', 'php', 'python']);
    });

    it('logging: setLogLevel makes the server send only what is at or above it', async () => {
      await pool.setLogLevel('e', 'warning');
      const from = events.length;
      await call('log', { message: 'hello' });
      await call('log', { message: 'end', level: 'emergency' });
      await waitUntil(() => eventsOf(events, 'log', from).some((e) => (e.data as Report).message === 'end'), 5000, 'the last log event');
      assert.deepEqual(
        eventsOf(events, 'log', from).map((e) => `${e.level}:${(e.data as Report).message}`),
        ['warning:hello', 'error:hello', 'critical:hello', 'alert:hello', 'emergency:hello', 'emergency:end'],
      );
    });

    it('elicitation (form), sampling and roots are answered by the pool hooks; each tool runs once', async () => {
      const form = await call('ask_form', { message: 'Who?' });
      assert.equal(form.structuredContent?.action, 'accept', JSON.stringify(form));
      assert.deepEqual(form.structuredContent?.content, { name: 'Ann', count: 2 });
      const sampled = await call('summarize', { text: 'a long text' });
      assert.equal(sampled.structuredContent?.model, 'era-model', JSON.stringify(sampled));
      assert.equal(sampled.structuredContent?.text, 'a short summary');
      const roots = await call('list_roots');
      assert.deepEqual(roots.structuredContent?.roots, ROOTS, JSON.stringify(roots));
      assert.deepEqual(asked, ['elicit:e:Who?', 'sample:e', 'roots:e']);
      if (fx.counts) for (const tool of ['ask_form', 'summarize', 'list_roots']) assert.equal(calls(tool).length, 1, `${tool} ran once`);
    });

    if (fx.counts)
      it('a second start with the verdict known sends nothing before the call; the first probed with server/discover', async () => {
        await call('echo', { text: 'one' });
        const first = (await stats()).methods as Record<string, number>;
        assert.equal(first['server/discover'], 1, JSON.stringify(first));
        assert.equal(first.initialize, undefined, JSON.stringify(first));
        await pool.stop('e');
        const t0 = performance.now();
        const again = await pool.callTool('e', 'request_counts', {});
        const coldMs = performance.now() - t0;
        console.log(`      figures: start with the verdict ${eventsOf(events, 'started')[1]?.durationMs} ms, first call ${Math.round(coldMs)} ms`);
        const methods = (again.result.structuredContent as Report).methods as Record<string, number>;
        assert.deepEqual(methods, { 'tools/call': 1 }, `the restarted server got only the call (cold ${Math.round(coldMs)} ms)`);
      });

    if (fx.counts)
      it("the tools listing is kept for the server's ttlMs, then listed again", async () => {
        await pool.configure([spec(['--tools-ttl-ms=400'])]);
        await pool.listTools('e');
        await pool.listTools('e');
        assert.equal((await stats()).methods['tools/list'], 1, 'within the ttl: from the listing held');
        await new Promise((r) => setTimeout(r, 500));
        await pool.listTools('e');
        assert.equal((await stats()).methods['tools/list'], 2, 'past the ttl: listed again');
      });
  });
}

describe('era negotiation over stdio: a modern server slower to start than the era probe waits', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    await expectNoProcesses();
  });

  it('the silent probe reads as legacy, initialize is refused (-32022): the start probes again, waiting longer, and reaches it as modern', async () => {
    pool = makePool({ pingTimeoutMs: 500 }); // the era probe waits pingTimeoutMs
    const events = collectEvents(pool);
    // the fixture starts reading 1.5 s after its process did (a server behind a slow launcher: npx, a cold cache)
    const late = 'setTimeout(() => require(process.argv[1]), 1500)';
    await pool.configure([{ kind: 'stdio', name: 'slow', command: process.execPath, args: ['-e', late, MODERN_STDIO_FIXTURE, RUN_MARK], env: {} }]);
    const r = await pool.callTool('slow', 'echo', { text: 'hi' });
    assert.equal((r.result.structuredContent as Report).era, 'modern');
    assert.equal(pool.snapshot('slow')!.protocolEra, 'modern');
    const lines = eventsOf(events, 'stderr').map((e) => e.line);
    assert.ok(
      lines.some((l) => /did not answer the era probe \(server\/discover\) within 0\.5 s, then refused the 2025 revision/.test(l)),
      lines.join('\n'),
    );
  });
});
