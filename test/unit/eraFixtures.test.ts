// The era fixtures (test/fixtures/modern) speak what they claim: SDK v2 servers, modern-only or
// dual-era, over stdio and HTTP, checked with real SDK clients — a v2 client pinned to 2026-07-28
// and a 1.x client (the 2025-era client of the era matrix).
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, LOG_LEVEL_META_KEY } from '@modelcontextprotocol/client';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { Client as Client1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioClientTransport1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as StreamableHTTPClientTransport1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { type EraHttpFixture, startEraHttpFixture } from '../fixtures/modern/http';
import { DUAL_STDIO_FIXTURE, MODERN_HTTP_FIXTURE, MODERN_STDIO_FIXTURE } from '../fixtures/paths';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;
const PINNED = { mode: { pin: '2026-07-28' } } as const;
const CAPS = { elicitation: { form: {} }, sampling: {}, roots: {} };

const ANSWERS = {
  elicitation: { action: 'accept', content: { name: 'Ann', count: 2 } },
  sampling: { role: 'assistant', model: 'm1', content: { type: 'text', text: 'short' } },
  roots: { roots: [{ uri: 'file:///work', name: 'work' }] },
} as const;

/** A client's handlers for what the fixture asks: they answer, and record each ask. */
function answerAsks(client: Client | Client1, asked: string[]): void {
  const answer = (kind: keyof typeof ANSWERS) => async () => (asked.push(kind), structuredClone(ANSWERS[kind]) as never);
  if (client instanceof Client1) {
    client.setRequestHandler(ElicitRequestSchema, answer('elicitation'));
    client.setRequestHandler(CreateMessageRequestSchema, answer('sampling'));
    client.setRequestHandler(ListRootsRequestSchema, answer('roots'));
  } else {
    client.setRequestHandler('elicitation/create', answer('elicitation'));
    client.setRequestHandler('sampling/createMessage', answer('sampling'));
    client.setRequestHandler('roots/list', answer('roots'));
  }
}

describe('era fixtures (SDK v2 test servers, modern-only and dual)', function () {
  this.timeout(20_000);
  const closers: (() => Promise<unknown>)[] = [];
  const children: ChildProcess[] = [];
  let dir = '';

  before(() => (dir = mkdtempSync(join(tmpdir(), 'era-fixtures-'))));
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close().catch(() => undefined);
    for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  async function modernStdio(script: string, args: string[] = [], asked: string[] = []): Promise<Client> {
    const client = new Client({ name: 'era-test', version: '1.0.0' }, { capabilities: CAPS, versionNegotiation: PINNED });
    answerAsks(client, asked);
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [script, ...args], stderr: 'ignore' }));
    closers.push(() => client.close());
    return client;
  }
  async function legacyStdio(script: string, asked: string[] = []): Promise<Client1> {
    const client = new Client1({ name: 'era-test-2025', version: '1.0.0' }, { capabilities: CAPS });
    answerAsks(client, asked);
    closers.push(() => client.close());
    await client.connect(new StdioClientTransport1({ command: process.execPath, args: [script], stderr: 'ignore' }));
    return client;
  }
  async function modernHttp(url: string, headers: Record<string, string> = {}): Promise<Client> {
    const client = new Client({ name: 'era-test', version: '1.0.0' }, { capabilities: CAPS, versionNegotiation: PINNED });
    answerAsks(client, []);
    closers.push(() => client.close());
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } }));
    return client;
  }
  async function legacyHttp(url: string, asked: string[] = []): Promise<Client1> {
    const client = new Client1({ name: 'era-test-2025', version: '1.0.0' }, { capabilities: CAPS });
    answerAsks(client, asked);
    closers.push(() => client.close());
    await client.connect(new StreamableHTTPClientTransport1(new URL(url)));
    return client;
  }
  async function http(legacy: 'reject' | 'stateless' | 'stateful', extra: { token?: string } = {}): Promise<EraHttpFixture> {
    const fx = await startEraHttpFixture({ legacy, ...extra });
    closers.push(() => fx.close());
    return fx;
  }
  const call = async (client: Client | Client1, name: string, args: Record<string, unknown> = {}): Promise<Report> =>
    (await (client as Client).callTool({ name, arguments: args })).structuredContent as Report;

  describe('stdio', () => {
    it('modern-only: a client pinned to 2026-07-28 works; the session process got no request before the first call; tools/list carries the ttl hint', async () => {
      const client = await modernStdio(MODERN_STDIO_FIXTURE);
      const counts = await call(client, 'request_counts');
      assert.deepEqual(counts.methods, { 'tools/call': 1 }, 'the pinned stdio probe runs on a sibling process');
      const echo = await call(client, 'echo', { text: 'hi' });
      assert.equal(echo.era, 'modern');
      assert.equal(echo.text, 'hi');
      const tools = await client.listTools();
      assert.equal(tools.ttlMs, 60_000);
      assert.ok(tools.tools.find((t) => t.name === 'echo')?.outputSchema, 'echo has an outputSchema');
      await client.listTools();
      assert.equal((await call(client, 'request_counts')).methods['tools/list'], 1, 'the second listTools came from the client cache (ttl)');
    });

    it('modern-only: a 2025-era client (SDK 1.x) is refused with UnsupportedProtocolVersion (-32022)', async () => {
      await assert.rejects(legacyStdio(MODERN_STDIO_FIXTURE), (e: { code?: number; message: string }) => {
        assert.equal(e.code, -32022, e.message);
        return true;
      });
    });

    it('dual: a pinned client is served modern, a 1.x client legacy, and the legacy shim pushes real requests to it', async () => {
      assert.equal((await call(await modernStdio(DUAL_STDIO_FIXTURE), 'echo', { text: 'm' })).era, 'modern');
      const asked: string[] = [];
      const old = await legacyStdio(DUAL_STDIO_FIXTURE, asked);
      assert.equal((await call(old, 'echo', { text: 'l' })).era, 'legacy');
      assert.deepEqual(await call(old, 'ask_form'), { action: 'accept', content: { name: 'Ann', count: 2 } });
      assert.equal((await call(old, 'summarize', { text: 'long' })).text, 'short');
      assert.deepEqual((await call(old, 'list_roots')).roots, [{ uri: 'file:///work', name: 'work' }]);
      assert.deepEqual(asked, ['elicitation', 'sampling', 'roots']);
    });

    it('modern: inputRequired round trips through the v2 client handlers (one and two rounds)', async () => {
      const asked: string[] = [];
      const client = await modernStdio(MODERN_STDIO_FIXTURE, [], asked);
      assert.deepEqual(await call(client, 'ask_form'), { action: 'accept', content: { name: 'Ann', count: 2 } });
      assert.deepEqual(await call(client, 'summarize', { text: 'x' }), { role: 'assistant', model: 'm1', text: 'short' });
      assert.deepEqual(await call(client, 'ask_twice'), { name: 'Ann', text: 'short', rounds: 2 });
      assert.deepEqual(asked, ['elicitation', 'sampling', 'elicitation', 'sampling']);
    });

    it('modern: touch reaches a subscriptions/listen stream; progress arrives; slow stops when cancelled', async () => {
      const log = join(dir, 'calls.jsonl');
      const client = await modernStdio(MODERN_STDIO_FIXTURE, [`--call-log=${log}`]);
      const updated: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
      let toolsChanged = 0;
      client.setNotificationHandler('notifications/tools/list_changed', () => void toolsChanged++);
      const sub = await client.listen({ resourceSubscriptions: ['fixture://counter'], toolsListChanged: true });
      closers.push(() => sub.close());
      await client.callTool({ name: 'touch_resource', arguments: { uri: 'fixture://counter' } });
      await client.callTool({ name: 'add_tool', arguments: { name: 'extra' } });
      for (let i = 0; i < 50 && (updated.length === 0 || toolsChanged === 0); i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(updated, ['fixture://counter']);
      assert.equal(toolsChanged, 1, 'add_tool announces tools/list_changed on the listen stream');
      assert.ok((await client.listTools({}, { cacheMode: 'refresh' })).tools.some((t) => t.name === 'extra'));
      assert.equal(((await client.readResource({ uri: 'fixture://counter' })).contents[0] as { text: string }).text, 'touched 1 times');

      // (the SDK client drops a progress notification read together with its result: a client
      // stalled for the fixture's 20 ms pause before the answer, on a loaded CI box, sees none —
      // what is checked here is that the fixture sends them: up to 3 calls)
      let steps: number[] = [];
      for (let attempt = 0; attempt < 3 && steps.length < 3; attempt++) {
        const seen: number[] = (steps = []);
        await client.callTool({ name: 'progress', arguments: { steps: 3 } }, { onprogress: (p) => void seen.push(p.progress) });
      }
      assert.deepEqual(steps, [1, 2, 3]);

      const abort = new AbortController();
      const slow = client.callTool({ name: 'slow', arguments: { steps: 100, delayMs: 50 } }, { signal: abort.signal });
      setTimeout(() => abort.abort(), 150);
      await assert.rejects(slow);
      for (let i = 0; i < 50 && !readFileSync(log, 'utf8').includes('cancelled'); i++) await new Promise((r) => setTimeout(r, 20));
      const cancelled = readFileSync(log, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Report)
        .find((l) => l.args.cancelled);
      assert.ok(cancelled && cancelled.args.steps < 100, 'the server saw the cancellation and stopped');
    });

    it('prompts with completions, a template, the private resource, and log messages', async () => {
      const client = await modernStdio(MODERN_STDIO_FIXTURE);
      const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Bo' } });
      assert.deepEqual(prompt.messages[0].content, { type: 'text', text: 'Hello, Bo!' });
      const done = await client.complete({ ref: { type: 'ref/prompt', name: 'review' }, argument: { name: 'language', value: 'p' } });
      assert.deepEqual(done.completion.values, ['python', 'perl', 'php']);
      const file = await client.complete({ ref: { type: 'ref/resource', uri: 'fixture://files/{name}' }, argument: { name: 'name', value: 're' } });
      assert.deepEqual(file.completion.values, ['readme.md', 'report.txt', 'results.csv']);
      const read = await client.readResource({ uri: 'fixture://private/profile' });
      assert.equal(read.cacheScope, 'private');
      const messages: unknown[] = [];
      client.setNotificationHandler('notifications/message', (n) => void messages.push(n.params.data));
      await client.callTool({ name: 'log', arguments: { message: 'unheard', level: 'warning' } });
      await client.callTool({ name: 'log', arguments: { message: 'hello' }, _meta: { [LOG_LEVEL_META_KEY]: 'error' } });
      assert.deepEqual(
        messages.map((m) => (m as Report).level),
        ['error', 'critical', 'alert', 'emergency'],
        'modern: no log level in the request, no messages; with one, those at or above it',
      );
    });

    it('--exit-after=1 exits once the first answer is out; --hang-after=0 never answers a call but still answers tools/list', async () => {
      const stats = join(dir, 'stats.json');
      const exits = await modernStdio(MODERN_STDIO_FIXTURE, ['--exit-after=1', `--stats-file=${stats}`]);
      const closed = new Promise<void>((resolve) => (exits.onclose = () => resolve()));
      const last = await call(exits, 'echo', { text: 'last' });
      await closed;
      const counted = JSON.parse(readFileSync(stats, 'utf8')) as Report;
      assert.deepEqual(counted, { methods: { 'tools/call': 1 }, tools: { echo: 1 }, callsAnswered: 1, http: {}, pid: last.pid });

      const hangs = await modernStdio(MODERN_STDIO_FIXTURE, ['--hang-after=0']);
      assert.ok((await hangs.listTools()).tools.length > 0);
      await assert.rejects(hangs.callTool({ name: 'echo', arguments: { text: 'x' } }, { timeout: 300 }), /timed out/i);
    });
  });

  describe('HTTP', () => {
    it('modern-only (the standalone script): prints its URL; a pinned client works; a 1.x client gets HTTP 400 with -32022', async () => {
      const child = spawn(process.execPath, [MODERN_HTTP_FIXTURE], { stdio: ['ignore', 'pipe', 'ignore'] });
      children.push(child);
      const url = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(String(d)) as { url: string }).url)));
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      assert.equal((await call(await modernHttp(url), 'echo', { text: 'h' })).era, 'modern');
      await assert.rejects(legacyHttp(url), (e: { code?: number; message: string }) => {
        assert.equal(e.code, 400, e.message);
        assert.match(e.message, /-32022/);
        return true;
      });
    });

    it('dual (stateless): pinned → modern, 1.x → legacy without a session; its asks are refused, not hung', async () => {
      const fx = await http('stateless');
      assert.equal((await call(await modernHttp(fx.url), 'echo', { text: 'm' })).era, 'modern');
      const old = await legacyHttp(fx.url);
      assert.equal((await call(old, 'echo', { text: 'l' })).era, 'legacy');
      const ask = await old.callTool({ name: 'ask_form', arguments: {} });
      assert.equal(ask.isError, true);
      assert.match(JSON.stringify(ask.content), /per-request legacy serving cannot receive server-to-client requests/);
      assert.equal(fx.counts().methods['server/discover'], 1);
      assert.deepEqual(fx.errors(), [], 'a dual endpoint rejects nothing here');
    });

    it('dual (stateful): a 1.x client gets a 2025 session and real elicitation/sampling/roots requests', async () => {
      const fx = await http('stateful');
      const asked: string[] = [];
      const old = await legacyHttp(fx.url, asked);
      assert.equal(fx.sessions(), 1);
      assert.deepEqual(await call(old, 'ask_form'), { action: 'accept', content: { name: 'Ann', count: 2 } });
      assert.deepEqual(await call(old, 'ask_twice'), { name: 'Ann', text: 'short', rounds: 2 });
      assert.deepEqual(asked, ['elicitation', 'elicitation', 'sampling']);
      assert.equal((await call(await modernHttp(fx.url), 'echo', { text: 'm' })).era, 'modern');
    });

    it('--token: 401 without the bearer token, served with it; touch reaches a listen stream through the handler bus', async () => {
      const fx = await http('reject', { token: 'sekrit' });
      await assert.rejects(modernHttp(fx.url), /401/);
      assert.equal(fx.counts().http.POST, 1);
      const client = await modernHttp(fx.url, { Authorization: 'Bearer sekrit' });
      const updated: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', (n) => void updated.push(n.params.uri));
      const sub = await client.listen({ resourceSubscriptions: ['fixture://counter'] });
      closers.push(() => sub.close());
      let toolsChanged = 0;
      client.setNotificationHandler('notifications/tools/list_changed', () => void toolsChanged++);
      const tools = await client.listen({ toolsListChanged: true });
      closers.push(() => tools.close());
      await client.callTool({ name: 'touch', arguments: { uri: 'fixture://counter' } });
      await client.callTool({ name: 'add_tool', arguments: { name: 'extra' } });
      for (let i = 0; i < 50 && (updated.length === 0 || toolsChanged === 0); i++) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(updated, ['fixture://counter']);
      assert.equal(toolsChanged, 1, 'add_tool announces tools/list_changed once, through the handler bus');
      assert.ok(
        (await client.listTools({}, { cacheMode: 'refresh' })).tools.some((t) => t.name === 'extra'),
        'later instances have the added tool',
      );
    });

    it('in-process: --hang-after holds calls past n, --exit-after fires once the n-th answer is out; no exit/crash tools', async () => {
      const hangs = await startEraHttpFixture({ legacy: 'reject', hangAfter: 1 });
      closers.push(() => hangs.close());
      const client = await modernHttp(hangs.url);
      assert.equal((await call(client, 'echo', { text: 'one' })).text, 'one');
      await assert.rejects(client.callTool({ name: 'echo', arguments: { text: 'two' } }, { timeout: 300 }), /timed out/i);
      assert.ok(!(await client.listTools()).tools.some((t) => t.name === 'exit' || t.name === 'crash'));
      await assert.rejects(legacyHttp(hangs.url), /-32022/);
      assert.match(hangs.errors().join('\n'), /Rejected 2025-era request on a modern-only endpoint/);

      let exited = 0;
      const exits = await startEraHttpFixture({ legacy: 'stateless', exitAfter: 2, onExitAfter: () => void exited++ });
      closers.push(() => exits.close());
      const old = await legacyHttp(exits.url);
      await call(old, 'echo', { text: 'a' });
      assert.equal(exited, 0);
      await call(old, 'echo', { text: 'b' });
      for (let i = 0; i < 50 && exited === 0; i++) await new Promise((r) => setTimeout(r, 10));
      assert.equal(exited, 1);
      assert.equal(exits.counts().callsAnswered, 2);
    });
  });
});
