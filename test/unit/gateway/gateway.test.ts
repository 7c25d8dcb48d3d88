// The gateway against real parts: the pool with the real stdio fixture, SDK clients over real
// HTTP on 127.0.0.1, every protocol feature passed through, many clients on one process.
import * as assert from 'node:assert/strict';
import { CallToolResultSchema, LoggingMessageNotificationSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { processesMatching, waitUntil } from '../../fixtures/processTable';
import { expectNoProcesses, RUN_MARK, stdioSpec, textOf } from '../helpers';
import { type Served, serve } from './helpers';

describe('gateway: every protocol feature through the pool (real stdio server, SDK clients over HTTP)', function () {
  this.timeout(60_000);
  let s: Served;
  beforeEach(async () => {
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1' })], { gateway: { sessionGoneMs: 300 } });
  });
  afterEach(async () => {
    await s.close();
    await expectNoProcesses();
  });

  it("initializes under the app's name with its capabilities and instructions, and lists and calls its tools", async () => {
    const c = await s.connect('f');
    assert.deepEqual(c.getServerVersion(), { name: 'f', version: '1.0.0' }, "named after the app, with the server's version");
    const caps = c.getServerCapabilities()!;
    assert.ok(caps.tools && caps.resources?.subscribe && caps.prompts && caps.completions && caps.logging, JSON.stringify(caps));
    const { tools } = await c.listTools();
    assert.ok(tools.some((t) => t.name === 'echo'));
    const rich = tools.find((t) => t.name === 'rich')!;
    assert.equal(rich.title, 'Rich metadata');
    assert.equal(rich.annotations?.readOnlyHint, true);
    const r = await c.callTool({ name: 'echo', arguments: { text: 'hi' } });
    assert.equal(textOf(r.content as never).split('\n')[0], 'hi');
    assert.equal((r.structuredContent as { pid: number }).pid, s.pool.snapshot('f')!.pid);
  });

  it("relays progress with the client's own token, and results with their _meta", async () => {
    const c = await s.connect('f');
    const seen: number[] = [];
    const r = await c.callTool({ name: 'progress', arguments: { steps: 3, delayMs: 5 } }, CallToolResultSchema, { onprogress: (p) => seen.push(p.progress) });
    assert.deepEqual(seen, [1, 2, 3]);
    assert.match(textOf(r.content as never), /done/);
  });

  it('passes resources (list, templates, read text and blob, subscribe → updated), prompts, completions and logging', async () => {
    const c = await s.connect('f');
    const { resources } = await c.listResources();
    assert.ok(resources.some((r) => r.uri === 'fixture://text/hello'));
    const { resourceTemplates } = await c.listResourceTemplates();
    assert.ok(resourceTemplates.length >= 4);
    const text = await c.readResource({ uri: 'fixture://text/hello' });
    assert.ok('text' in text.contents[0]);
    const blob = await c.readResource({ uri: 'fixture://blob/pixel.png' });
    assert.ok('blob' in blob.contents[0]);
    const updated: string[] = [];
    c.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => void updated.push(n.params.uri));
    await c.subscribeResource({ uri: 'fixture://counter' });
    await c.callTool({ name: 'touch_resource', arguments: { uri: 'fixture://counter' } });
    await waitUntil(() => updated.length > 0, 5000, 'resources/updated reached the client');
    const { prompts } = await c.listPrompts();
    assert.ok(prompts.some((p) => p.name === 'greet'));
    const p = await c.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
    assert.ok(p.messages.length > 0);
    // the fixture's review prompt completes `language` from python, perl, php, typescript by prefix
    const done = await c.complete({ ref: { type: 'ref/prompt', name: 'review' }, argument: { name: 'language', value: 'p' } });
    assert.deepEqual(done.completion.values, ['python', 'perl', 'php'], 'the server\'s completions for "p", in its order');
    const one = await c.complete({ ref: { type: 'ref/prompt', name: 'review' }, argument: { name: 'language', value: 'ty' } });
    assert.deepEqual(one.completion.values, ['typescript']);
    const logs: string[] = [];
    c.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void logs.push(n.params.level));
    await c.setLoggingLevel('debug');
    await c.callTool({ name: 'log', arguments: { message: 'hello' } });
    await waitUntil(() => logs.length > 0, 5000, 'log messages reached the client');
  });

  it('log levels per client: the server sends the most verbose level anyone asked for, each client gets its own; a client leaving lowers it again', async () => {
    await s.pool.warm('f');
    await s.pool.setLogLevel('f', 'warning'); // the editor's channel
    const sent = async (c: Awaited<ReturnType<Served['connect']>>) => textOf((await c.callTool({ name: 'log', arguments: { message: 'm' } })).content as never);
    const verbose = await s.connect('f', { name: 'verbose' });
    const quiet = await s.connect('f', { name: 'quiet' });
    const got: Record<string, string[]> = { verbose: [], quiet: [] };
    verbose.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.verbose.push(n.params.level));
    quiet.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.quiet.push(n.params.level));
    assert.equal(await sent(quiet), 'warning,error,critical,alert,emergency', "the editor's level");
    await quiet.setLoggingLevel('error');
    await verbose.setLoggingLevel('debug');
    got.verbose.length = got.quiet.length = 0;
    assert.equal(await sent(quiet), 'debug,info,notice,warning,error,critical,alert,emergency', 'a client asked for debug: the server sends it all');
    await waitUntil(() => got.verbose.length === 8 && got.quiet.length === 4, 5000, `each client its own (${JSON.stringify(got)})`);
    assert.deepEqual(got.quiet, ['error', 'critical', 'alert', 'emergency']);
    assert.equal(s.pool.snapshot('f')!.logLevel, 'warning', "the editor's own level is unchanged");
    await verbose.close();
    await waitUntil(async () => (await sent(quiet)) === 'warning,error,critical,alert,emergency', 5000, "the verbose client gone: back to the editor's level");
  });

  it('serves many clients on one process: 10 clients × 100 concurrent calls, every answer to its own client', async () => {
    const clients = await Promise.all(Array.from({ length: 10 }, (_, i) => s.connect('f', { name: `client-${i}` })));
    assert.equal(s.gateway.clients('f').length, 10);
    const results = await Promise.all(
      clients.flatMap((c, i) =>
        Array.from({ length: 100 }, (_, j) =>
          c.callTool({ name: 'echo', arguments: { text: `${i}:${j}` } }).then((r) => ({ want: `${i}:${j}`, got: textOf(r.content as never).split('\n')[0] })),
        ),
      ),
    );
    assert.equal(results.length, 1000);
    assert.deepEqual(
      results.filter((r) => r.want !== r.got),
      [],
    );
    assert.equal(processesMatching(RUN_MARK).length, 1);
    assert.equal(s.pool.snapshot('f')!.starts, 1);
  });
});

describe('gateway: a server that offers tools only', function () {
  this.timeout(60_000);
  let s: Served;
  beforeEach(async () => {
    s = await serve([stdioSpec('plain')]);
  });
  afterEach(async () => {
    await s.close();
    await expectNoProcesses();
  });

  it('serves it (the session declares and handles only what the server offers)', async () => {
    const c = await s.connect('plain');
    const caps = c.getServerCapabilities()!;
    assert.ok(caps.tools, JSON.stringify(caps));
    assert.equal(caps.resources, undefined);
    assert.equal(caps.prompts, undefined);
    const r = await c.callTool({ name: 'echo', arguments: { text: 'plain' } });
    assert.equal((r.structuredContent as { pid: number }).pid, s.pool.snapshot('plain')!.pid);
  });
});
