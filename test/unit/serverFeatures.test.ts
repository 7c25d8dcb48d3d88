// What servers offer beyond tools, through the pool: resources (lists, reads, subscriptions),
// resource templates, prompts, completions and logging. Every feature over real stdio (the stdio
// fixture with FIXTURE_FEATURES=1) and through the real bundled mcp-remote against the real HTTP
// fixture on 127.0.0.1; then what the pool does with a server that declares none of it.
import * as assert from 'node:assert/strict';
import { type Pool, PoolError, type PoolEvent, type AppSpec } from '../../src/pool';
import { FILES, LEVELS, tinyWav } from '../fixtures/featureServer';
import { type HttpFixture, startHttpFixture } from '../fixtures/http-server';
import { PLAIN_FIXTURE } from '../fixtures/paths';
import { PLAIN_INSTRUCTIONS } from '../fixtures/plain-server';
import { processesMatching, waitUntil } from '../fixtures/processTable';
import { tinyPng } from '../fixtures/tinyPng';
import { collectEvents, directSpec, expectNoProcesses, makePool, remoteSpec, RUN_MARK, stdioSpec, textOf } from './helpers';

const RESOURCES = ['fixture://text/hello', 'fixture://blob/pixel.png', 'fixture://counter', ...[1, 2, 3, 4, 5].map((n) => `fixture://notes/${n}`)];
const TEMPLATES = ['fixture://files/{name}', 'fixture://repos/{owner}/{repo}', 'fixture://days/{day}', 'fixture://users/{id}'];
const PROMPTS = ['greet', 'review', 'kitchen_sink', 'plain'];
const COUNTER = 'fixture://counter';

async function rejects(p: Promise<unknown>, code: string, message?: RegExp): Promise<PoolError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PoolError, `expected PoolError, got ${String(e)}`);
    assert.equal(e.code, code, e.message);
    if (message) assert.match(e.message, message);
    return e;
  }
  assert.fail(`expected rejection with ${code}`);
}

type Of<T extends PoolEvent['type']> = Extract<PoolEvent, { type: T }>;

/** The events of `type` after index `from`. */
function eventsOf<T extends PoolEvent['type']>(events: readonly PoolEvent[], type: T, from = 0): Of<T>[] {
  return events.slice(from).filter((e): e is Of<T> => e.type === type);
}

interface Transport {
  readonly title: string;
  spec(name: string): AppSpec;
  /** Command-line text that finds this transport's processes. */
  mark(): string;
}

let http: HttpFixture | undefined;
const TRANSPORTS: Transport[] = [
  { title: 'stdio', spec: (name) => stdioSpec(name, { FIXTURE_FEATURES: '1' }), mark: () => RUN_MARK },
  { title: 'mcp-remote → Streamable HTTP', spec: (name) => remoteSpec(name, http!.url), mark: () => http!.url },
  { title: 'direct Streamable HTTP (no process)', spec: (name) => directSpec(name, http!.url), mark: () => http!.url },
];

for (const transport of TRANSPORTS) {
  describe(`server features over ${transport.title} (real processes)`, function () {
    this.timeout(60_000);
    let pool: Pool;
    let events: PoolEvent[];

    before(async () => {
      if (transport.title !== 'stdio') http = await startHttpFixture();
    });
    after(async () => {
      await http?.close();
      http = undefined;
    });
    beforeEach(async () => {
      pool = makePool();
      events = collectEvents(pool);
      await pool.configure([transport.spec('f')]);
    });
    afterEach(async () => {
      await pool?.shutdown();
      pool?.dispose();
      await waitUntil(() => processesMatching(transport.mark()).length === 0, 5000, `no process left (${JSON.stringify(processesMatching(transport.mark()))})`);
    });

    it('shows what the server declares in the snapshot, and counts what was listed', async () => {
      assert.equal(pool.snapshot('f')!.capabilities, undefined, 'unknown before the first start');
      await pool.warm('f');
      const snap = pool.snapshot('f')!;
      assert.deepEqual(snap.capabilities, { tools: true, resources: true, subscribe: true, prompts: true, completions: true, logging: true });
      assert.deepEqual(snap.subscriptions, []);
      assert.equal(snap.resourceCount, undefined);
      await Promise.all([pool.listResources('f'), pool.listResourceTemplates('f'), pool.listPrompts('f')]);
      const listed = pool.snapshot('f')!;
      assert.deepEqual([listed.resourceCount, listed.resourceTemplateCount, listed.promptCount], [RESOURCES.length, TEMPLATES.length, PROMPTS.length]);
      await pool.stop('f');
      assert.ok(pool.snapshot('f')!.capabilities?.resources, 'what the server declared stays known while the app is stopped');
    });

    it('lists every resource across pages (cached) and reads text and blob contents whole', async () => {
      const list = await pool.listResources('f');
      assert.deepEqual(
        list.map((r) => r.uri),
        RESOURCES,
        'all three pages of three',
      );
      assert.deepEqual(list[1], { uri: 'fixture://blob/pixel.png', name: 'pixel', description: 'A 1x1 PNG, as a blob', mimeType: 'image/png' });
      assert.strictEqual(await pool.listResources('f'), list, 'cached until the server says the list changed');
      const hello = await pool.readResource('f', 'fixture://text/hello');
      assert.deepEqual(hello.contents, [{ uri: 'fixture://text/hello', mimeType: 'text/plain', text: 'Hello from the fixture' }]);
      const pixel = await pool.readResource('f', 'fixture://blob/pixel.png');
      assert.deepEqual(pixel.contents, [{ uri: 'fixture://blob/pixel.png', mimeType: 'image/png', blob: tinyPng() }]);
      const bytes = Buffer.from((pixel.contents[0] as { blob: string }).blob, 'base64');
      assert.deepEqual([...bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47], 'a PNG');
      await rejects(pool.readResource('f', 'fixture://nothing/here'), 'invalid-arguments', /Resource fixture:\/\/nothing\/here not found/);
    });

    it('lists resource templates across pages, reads through one, and completes their variables (with context)', async () => {
      const templates = await pool.listResourceTemplates('f');
      assert.deepEqual(
        templates.map((t) => t.uriTemplate),
        TEMPLATES,
      );
      const file = await pool.readResource('f', 'fixture://files/readme.md');
      assert.deepEqual(file.contents, [{ uri: 'fixture://files/readme.md', mimeType: 'text/plain', text: 'file: {"name":"readme.md"}' }]);
      const names = await pool.complete('f', { type: 'ref/resource', uri: 'fixture://files/{name}' }, { name: 'name', value: 're' });
      assert.deepEqual(names, { values: FILES.filter((f) => f.startsWith('re')), total: 3, hasMore: false });
      const bobs = await pool.complete('f', { type: 'ref/resource', uri: 'fixture://repos/{owner}/{repo}' }, { name: 'repo', value: '' }, { owner: 'bob' });
      assert.deepEqual(bobs.values, ['beacon', 'bridge']);
      const alices = await pool.complete(
        'f',
        { type: 'ref/resource', uri: 'fixture://repos/{owner}/{repo}' },
        { name: 'repo', value: 'au' },
        { owner: 'alice' },
      );
      assert.deepEqual(alices.values, ['aurora']);
    });

    it('lists prompts across pages and gets them with arguments, every message kind whole', async () => {
      const prompts = await pool.listPrompts('f');
      assert.deepEqual(
        prompts.map((p) => p.name),
        PROMPTS,
      );
      assert.deepEqual(prompts[1], {
        name: 'review',
        title: 'Code review',
        description: 'Asks for a review of code in a language',
        arguments: [
          { name: 'language', description: 'The language (completes)', required: true },
          { name: 'code', description: 'The code', required: false },
        ],
      });
      assert.deepEqual(prompts[3].arguments, [], 'a prompt without arguments lists none');
      const greet = await pool.getPrompt('f', 'greet', { name: 'Ada' });
      assert.deepEqual(greet.messages, [{ role: 'user', content: { type: 'text', text: 'Hello, Ada!' } }]);
      const sink = await pool.getPrompt('f', 'kitchen_sink', { topic: 'owls' });
      const png = tinyPng();
      assert.equal(sink.description, 'Everything about owls');
      assert.deepEqual(sink.messages, [
        { role: 'user', content: { type: 'text', text: 'Tell me about owls' } },
        { role: 'user', content: { type: 'image', data: png, mimeType: 'image/png' } },
        { role: 'assistant', content: { type: 'audio', data: tinyWav(), mimeType: 'audio/wav' } },
        { role: 'user', content: { type: 'resource', resource: { uri: 'fixture://text/hello', mimeType: 'text/plain', text: 'Hello from the fixture' } } },
        { role: 'user', content: { type: 'resource', resource: { uri: 'fixture://blob/pixel.png', mimeType: 'image/png', blob: png } } },
        {
          role: 'assistant',
          content: { type: 'resource_link', uri: 'fixture://counter', name: 'counter', mimeType: 'text/plain', description: 'A link to the counter' },
        },
      ]);
      await rejects(pool.getPrompt('f', 'greet', {}), 'invalid-arguments', /Invalid arguments for prompt greet/);
    });

    it('completes a prompt argument', async () => {
      const languages = await pool.complete('f', { type: 'ref/prompt', name: 'review' }, { name: 'language', value: 'p' });
      assert.deepEqual(languages, { values: ['python', 'perl', 'php'], total: 3, hasMore: false });
      const none = await pool.complete('f', { type: 'ref/prompt', name: 'review' }, { name: 'code', value: 'x' });
      assert.deepEqual(none.values, [], 'an argument without completions has none');
    });

    it('a subscription brings resourceUpdated events and the change reads back; unsubscribing ends it', async () => {
      assert.deepEqual((await pool.readResource('f', COUNTER)).contents, [{ uri: COUNTER, mimeType: 'text/plain', text: 'touched 0 times' }]);
      await pool.subscribeResource('f', COUNTER);
      assert.deepEqual(pool.snapshot('f')!.subscriptions, [COUNTER]);
      const touched = await pool.callTool('f', 'touch_resource', { uri: COUNTER });
      assert.equal(textOf(touched.result.content), `touched ${COUNTER} (notified)`);
      const updated = await waitUntil(() => eventsOf(events, 'resourceUpdated')[0], 5000, 'resourceUpdated');
      assert.deepEqual(updated, { type: 'resourceUpdated', app: 'f', uri: COUNTER });
      assert.deepEqual((await pool.readResource('f', COUNTER)).contents, [{ uri: COUNTER, mimeType: 'text/plain', text: 'touched 1 times' }]);

      await pool.unsubscribeResource('f', COUNTER);
      assert.deepEqual(pool.snapshot('f')!.subscriptions, []);
      assert.equal(textOf((await pool.callTool('f', 'resource_subscriptions', {})).result.content), '[]', 'the server was told');
      const again = await pool.callTool('f', 'touch_resource', { uri: COUNTER });
      assert.equal(textOf(again.result.content), `touched ${COUNTER}`, 'nothing notified');
    });

    it('list changes become events and drop the cached lists', async () => {
      const before = await pool.listResources('f');
      const prompts = await pool.listPrompts('f');
      await pool.callTool('f', 'add_resource', { name: 'extra' });
      await waitUntil(() => eventsOf(events, 'resourcesChanged').length > 0, 5000, 'resourcesChanged');
      assert.equal(pool.snapshot('f')!.resourceCount, undefined, 'the count is unknown again');
      const after = await pool.listResources('f');
      assert.notStrictEqual(after, before);
      assert.deepEqual(
        after.map((r) => r.uri),
        [...RESOURCES, 'fixture://added/extra'],
      );
      assert.deepEqual((await pool.readResource('f', 'fixture://added/extra')).contents, [
        { uri: 'fixture://added/extra', mimeType: 'text/plain', text: 'added extra' },
      ]);

      await pool.callTool('f', 'add_prompt', { name: 'late' });
      await waitUntil(() => eventsOf(events, 'promptsChanged').length > 0, 5000, 'promptsChanged');
      const later = await pool.listPrompts('f');
      assert.notStrictEqual(later, prompts);
      assert.deepEqual(
        later.map((p) => p.name),
        [...PROMPTS, 'late'],
      );
      assert.deepEqual((await pool.getPrompt('f', 'late')).messages, [{ role: 'user', content: { type: 'text', text: 'added prompt late' } }]);
      // the fixture notifies each change twice (unsolicited and in the call's context: featureServer.ts); over HTTP the first may be dropped
      for (const type of ['resourcesChanged', 'promptsChanged'] as const) {
        const seen = eventsOf(events, type);
        assert.ok(seen.length >= 1 && seen.length <= 2, JSON.stringify(seen));
        for (const e of seen) assert.deepEqual(e, { type, app: 'f' });
      }
    });

    it('log messages become events at every level; setLogLevel makes the server send only those at or above it', async () => {
      const sent = await pool.callTool('f', 'log', { message: 'hello' });
      assert.equal(textOf(sent.result.content), LEVELS.join(','));
      await waitUntil(() => eventsOf(events, 'log').length === LEVELS.length, 5000, `${LEVELS.length} log events`);
      assert.deepEqual(
        eventsOf(events, 'log'),
        LEVELS.map((level) => ({ type: 'log', app: 'f', level, logger: 'fixture', data: { message: 'hello', level } })),
      );

      await pool.setLogLevel('f', 'warning');
      assert.equal(pool.snapshot('f')!.logLevel, 'warning');
      const from = events.length;
      const filtered = await pool.callTool('f', 'log', { message: 'again', logger: 'svc' });
      assert.equal(textOf(filtered.result.content), 'warning,error,critical,alert,emergency', 'the server skipped what is below warning');
      await pool.callTool('f', 'log', { message: 'end', level: 'debug' }); // below the level: never sent
      await pool.callTool('f', 'log', { message: 'end', level: 'emergency' });
      await waitUntil(() => eventsOf(events, 'log', from).some((e) => (e.data as { message: string }).message === 'end'), 5000, 'the last log event');
      assert.deepEqual(
        eventsOf(events, 'log', from).map((e) => [e.level, e.logger, (e.data as { message: string }).message]),
        [...['warning', 'error', 'critical', 'alert', 'emergency'].map((l) => [l, 'svc', 'again']), ['emergency', 'fixture', 'end']],
      );
      await rejects(
        pool.setLogLevel('f', 'loud' as never),
        'invalid-arguments',
        /"loud" is no log level \(one of: debug, info, notice, warning, error, critical, alert, emergency\)/,
      );
      assert.equal(pool.snapshot('f')!.logLevel, 'warning');
    });

    it('masks secrets in log data and logger names before they leave the pool', async () => {
      const known = 'known-secret-value-42';
      pool.redactor.addSecret(known);
      const message = `using ${known}; api_key=abc123xyz; Authorization: Bearer eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl; ghp_0123456789abcdefghij0123`;
      await pool.callTool('f', 'log', { message, level: 'error', logger: 'svc password=hunter2' });
      await pool.callTool('f', 'log', { message, level: 'error', text: true });
      await waitUntil(() => eventsOf(events, 'log').length === 2, 5000, 'two log events');
      const [structured, plain] = eventsOf(events, 'log');
      const everything = JSON.stringify(eventsOf(events, 'log'));
      for (const secret of [known, 'abc123xyz', 'eyJhbGciOi', 'ghp_0123456789abcdefghij0123', 'hunter2'])
        assert.equal(everything.includes(secret), false, `${secret} leaked: ${everything}`);
      assert.equal(structured.logger, 'svc password=••••');
      // (a masked value takes the punctuation that follows it along: the redactor's patterns stop at spaces)
      const masked = 'using ••••; api_key=•••• Authorization: Bearer •••• ••••';
      assert.deepEqual(structured.data, { message: masked, level: 'error' });
      assert.equal(plain.data, masked, 'text data is masked too');
    });

    it('a restart (a new process or session) keeps the subscriptions and the log level', async () => {
      await pool.subscribeResource('f', COUNTER);
      await pool.setLogLevel('f', 'error');
      const first = pool.snapshot('f')!;
      await pool.restart('f');
      assert.equal(pool.snapshot('f')!.starts, first.starts + 1, 'started again');
      if (first.pid !== undefined) assert.notEqual(pool.snapshot('f')!.pid, first.pid, 'a new process');
      assert.equal(textOf((await pool.callTool('f', 'resource_subscriptions', {})).result.content), JSON.stringify([COUNTER]), 'subscribed again');
      const from = events.length;
      assert.equal(textOf((await pool.callTool('f', 'touch_resource', { uri: COUNTER })).result.content), `touched ${COUNTER} (notified)`);
      await waitUntil(() => eventsOf(events, 'resourceUpdated', from).length > 0, 5000, 'resourceUpdated after the restart');
      assert.equal(textOf((await pool.callTool('f', 'log', { message: 'x' })).result.content), 'error,critical,alert,emergency', 'the level was set again');
      assert.deepEqual(pool.snapshot('f')!.subscriptions, [COUNTER]);
      assert.equal(pool.snapshot('f')!.logLevel, 'error');
    });

    it('a stopped app remembers a log level for its next start, and is not started to unsubscribe', async () => {
      await pool.setLogLevel('f', 'critical');
      await pool.unsubscribeResource('f', COUNTER);
      assert.equal(pool.snapshot('f')!.status, 'stopped', 'nothing started');
      assert.equal(pool.snapshot('f')!.starts, 0);
      assert.equal(textOf((await pool.callTool('f', 'log', { message: 'x' })).result.content), 'critical,alert,emergency');
    });
  });
}

describe('server features: what the pool does around them (stdio, real processes)', function () {
  this.timeout(30_000);
  let pool: Pool;
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    await expectNoProcesses();
  });

  it('a server that declares none of them: every request fails at once with unsupported, naming what it declares', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('plain', {}, { args: [PLAIN_FIXTURE, RUN_MARK] })]);
    const says = /\(its server declares: tools\)$/;
    await rejects(pool.listResources('plain'), 'unsupported', /^app "plain" does not offer resources \(its server declares: tools\)$/);
    await rejects(pool.listResourceTemplates('plain'), 'unsupported', says);
    await rejects(pool.readResource('plain', 'fixture://text/hello'), 'unsupported', says);
    await rejects(pool.subscribeResource('plain', 'fixture://counter'), 'unsupported', /does not offer resource subscriptions \(its server declares: tools\)$/);
    await rejects(pool.listPrompts('plain'), 'unsupported', /does not offer prompts/);
    await rejects(pool.getPrompt('plain', 'greet', { name: 'x' }), 'unsupported', /does not offer prompts/);
    await rejects(pool.complete('plain', { type: 'ref/prompt', name: 'greet' }, { name: 'name', value: '' }), 'unsupported', /does not offer completions/);
    await rejects(pool.setLogLevel('plain', 'info'), 'unsupported', /does not offer logging \(its server declares: tools\)$/);
    const snap = pool.snapshot('plain')!;
    assert.deepEqual(snap.capabilities, { tools: true, resources: false, subscribe: false, prompts: false, completions: false, logging: false });
    assert.equal(snap.logLevel, undefined, 'a level the running server refused is not remembered');
    assert.deepEqual(snap.subscriptions, []);
    assert.equal(snap.starts, 1, 'one process for all of it');
    assert.equal(snap.status, 'idle', 'no harm done');
    assert.equal(textOf((await pool.callTool('plain', 'echo', { text: 'still fine' })).result.content), 'still fine');
  });

  it('a changed definition keeps the subscriptions and the log level of the app', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('f', { FIXTURE_FEATURES: '1' })]);
    await pool.subscribeResource('f', COUNTER);
    await pool.setLogLevel('f', 'alert');
    const result = await pool.configure([stdioSpec('f', { FIXTURE_FEATURES: '1', FIXTURE_NAME: 'changed' })]);
    assert.deepEqual(result.changed, ['f']);
    assert.deepEqual([pool.snapshot('f')!.subscriptions, pool.snapshot('f')!.logLevel], [[COUNTER], 'alert']);
    assert.equal(textOf((await pool.callTool('f', 'resource_subscriptions', {})).result.content), JSON.stringify([COUNTER]), 'the new process is subscribed');
    assert.equal(textOf((await pool.callTool('f', 'log', { message: 'x' })).result.content), 'alert,emergency');
  });

  it('reports the server instructions, masked', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('plain', {}, { args: [PLAIN_FIXTURE, RUN_MARK] })]);
    await pool.warm('plain');
    assert.equal(pool.snapshot('plain')!.instructions, PLAIN_INSTRUCTIONS.replace('plain-secret-123', '••••'));
  });

  it("an observer's listing is no use of the app; a cancelled request ends at once", async () => {
    pool = makePool();
    await pool.configure([stdioSpec('f', { FIXTURE_FEATURES: '1' })]);
    const mine = {};
    await pool.listResources('f', { startToken: mine });
    const used = pool.snapshot('f')!.lastUsedAt;
    await pool.listPrompts('f', { observe: true });
    await pool.listResourceTemplates('f', { observe: true });
    assert.equal(pool.snapshot('f')!.lastUsedAt, used, 'observing is no use');
    const aborted = new AbortController();
    aborted.abort();
    await rejects(pool.readResource('f', COUNTER, { signal: aborted.signal }), 'cancelled');
    await rejects(pool.listPrompts('f', { signal: aborted.signal }), 'cancelled');
    assert.equal(await pool.stopIfUnused('f', mine), true, 'the start is still only the token holder’s');
  });
});
