// Clients of every protocol era against the real gateway (a real Pool serving the real stdio
// fixture, a real Gateway on 127.0.0.1): the 1.x SDK client, SDK v2 clients in 'legacy', 'auto' and
// pinned-2026-07-28 negotiation. Tools (progress, cancel), resources (read, listen/subscribe →
// updates), prompts, completions, elicitation (input_required for modern clients, a real request
// for legacy ones), sampling; a modern probe that does not start a stopped app; one request id
// sent by a legacy and a modern client at once.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema, ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Client as V2Client } from '@modelcontextprotocol/client';
import { processesMatching, waitUntil } from '../../fixtures/processTable';
import { expectNoProcesses, RUN_MARK, stdioSpec } from '../helpers';
import { tempDir } from '../tempDirs';
import { type AnyClient, ERAS, firstText, httpClient, MODERN } from './erasHelpers';
import { type Served, serve } from './helpers';

/** The methods both SDKs' clients share, loosely typed (each test uses them the same way in every era). */
/* eslint-disable @typescript-eslint/no-explicit-any */
interface Any {
  getServerVersion(): { name: string } | undefined;
  listTools(): Promise<{ tools: { name: string }[] }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }, schema?: any, options?: any): Promise<any>;
  readResource(params: { uri: string }): Promise<{ contents: any[] }>;
  getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<{ messages: any[] }>;
  complete(params: any): Promise<{ completion: { values: string[] } }>;
  subscribeResource(params: { uri: string }): Promise<unknown>;
  unsubscribeResource(params: { uri: string }): Promise<unknown>;
  setRequestHandler(schemaOrMethod: any, handler: any): void;
  setNotificationHandler(schemaOrMethod: any, handler: any): void;
  request(req: any, schemaOrOptions?: any, options?: any): Promise<any>;
  listen(filter: any): Promise<{ honoredFilter: unknown; close(): Promise<void> }>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
const any = (c: AnyClient) => c.raw as unknown as Any;
/** A tool call with request options (1.x takes a result schema before them, v2 does not). */
const callWith = (c: AnyClient, params: { name: string; arguments?: Record<string, unknown> }, options: Record<string, unknown>) =>
  c.era === '1.x' ? any(c).callTool(params, undefined, options) : any(c).callTool(params, options);
const isModern = (c: AnyClient) => c.era === 'pinned' || c.era === 'auto';

function callLog(path: string): { tool: string; args: Record<string, unknown>; cancelled?: boolean }[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l));
  } catch {
    return [];
  }
}

describe('gateway: clients of every era (1.x; v2 legacy, auto, pinned 2026-07-28) on one pooled app', function () {
  this.timeout(60_000);
  let s: Served;
  let log: string;
  const clients: AnyClient[] = [];
  const connect = async (era: AnyClient['era'], o: Parameters<typeof httpClient>[4] = {}) => {
    const c = await httpClient(era, s.gateway.url, s.gateway.token, 'f', o);
    clients.push(c);
    return c;
  };

  beforeEach(async () => {
    log = join(tempDir('eras-'), 'calls.jsonl');
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1', FIXTURE_CALL_LOG: log })], {
      hooks: {
        elicit: async () => ({ action: 'decline' }),
        sample: async () => ({ role: 'assistant', model: 'editor-model', content: { type: 'text', text: 'from the editor' } }),
        roots: { list: () => [{ uri: 'file:///editor-root', name: 'editor' }], onDidChange: () => ({ dispose: () => undefined }) },
      },
    });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await s.close();
    await expectNoProcesses();
  });

  for (const era of ERAS) {
    it(`${era}: connects in its era and uses tools (progress), resources, prompts and completions`, async () => {
      const c = await connect(era);
      if (isModern(c)) assert.equal(c.version(), MODERN, 'a modern-capable client speaks 2026-07-28 to the gateway');
      else assert.equal(c.version(), '2025-11-25');
      const raw = any(c);
      assert.equal(raw.getServerVersion()?.name, 'f', 'named after the app, in every era');
      const { tools } = await raw.listTools();
      assert.ok(tools.some((t) => t.name === 'echo'));
      const seen: number[] = [];
      const r = await callWith(
        c,
        { name: 'progress', arguments: { steps: 3, delayMs: 5 } },
        { onprogress: (p: { progress: number }) => seen.push(p.progress) },
      );
      assert.deepEqual(seen, [1, 2, 3], 'progress with the client own token');
      assert.match(firstText(r), /done/);
      const text = await raw.readResource({ uri: 'fixture://text/hello' });
      assert.ok('text' in text.contents[0]);
      const p = await raw.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
      assert.ok(p.messages.length > 0);
      const done = await raw.complete({ ref: { type: 'ref/prompt', name: 'review' }, argument: { name: 'language', value: 'p' } });
      assert.deepEqual(done.completion.values, ['python', 'perl', 'php']);
      if (isModern(c))
        assert.ok(
          c.sent.every((b) => !b.includes('"initialize"')),
          'a modern client never initializes',
        );
    });
  }

  for (const era of ERAS) {
    it(`${era}: a cancelled call is cancelled on the server (modern: by closing its stream)`, async () => {
      const c = await connect(era);
      const ctl = new AbortController();
      const call = callWith(c, { name: 'sleep', arguments: { ms: 20_000 } }, { signal: ctl.signal });
      await waitUntil(() => callLog(log).some((e) => e.tool === 'sleep'), 10_000, 'the call reached the server');
      ctl.abort();
      await assert.rejects(call);
      await waitUntil(() => callLog(log).some((e) => e.tool === 'sleep' && e.cancelled), 10_000, 'the server saw the call cancelled');
      await waitUntil(() => s.pool.snapshot('f')!.inFlight === 0, 5000, 'nothing left in flight');
    });
  }

  for (const era of ERAS) {
    it(`${era}: elicitation, sampling and roots reach the client (modern: input_required and a retry; legacy: a real request); the tool runs once`, async () => {
      const c = await connect(era, { capabilities: { elicitation: { form: {} }, sampling: {}, roots: {} } });
      const raw = any(c);
      const asked: string[] = [];
      const elicit = async (req: { params: { message?: string } }) => {
        asked.push(`elicit:${req.params.message ?? ''}`);
        return { action: 'accept' as const, content: { name: `client-${c.era}`, count: 2 } };
      };
      const sample = async () => {
        asked.push('sample');
        return { role: 'assistant' as const, model: `model-${c.era}`, content: { type: 'text' as const, text: 'short' } };
      };
      const roots = async () => {
        asked.push('roots');
        return { roots: [{ uri: `file:///root-${c.era}`, name: c.era }] };
      };
      if (c.era === '1.x') {
        raw.setRequestHandler(ElicitRequestSchema, elicit);
        raw.setRequestHandler(CreateMessageRequestSchema, sample);
        raw.setRequestHandler(ListRootsRequestSchema, roots);
      } else {
        raw.setRequestHandler('elicitation/create', elicit);
        raw.setRequestHandler('sampling/createMessage', sample);
        raw.setRequestHandler('roots/list', roots);
      }
      const calls0 = s.pool.snapshot('f')!.calls;
      const form = JSON.parse(firstText(await raw.callTool({ name: 'ask_form', arguments: {} })));
      assert.deepEqual(form.content, { name: `client-${c.era}`, count: 2 }, 'answered by this client, not the editor');
      const sampled = JSON.parse(firstText(await raw.callTool({ name: 'summarize', arguments: { text: 'x' } })));
      assert.equal(sampled.model, `model-${c.era}`);
      const listed = JSON.parse(firstText(await raw.callTool({ name: 'list_roots', arguments: {} })));
      assert.deepEqual(
        listed.roots.map((r: { uri: string }) => r.uri),
        [`file:///root-${c.era}`],
      );
      assert.deepEqual(asked, ['elicit:Who are you?', 'sample', 'roots']);
      assert.equal(s.pool.snapshot('f')!.calls - calls0, 3, 'each tool ran once on the server (a retry resumes, never re-sends)');
      const inputRequired = c.received.filter((b) => b.includes('"input_required"')).length;
      if (isModern(c)) assert.equal(inputRequired, 3, 'each question came back as input_required');
      else assert.equal(inputRequired, 0);
      assert.equal(s.gateway.counts.parked, 0, 'no call left waiting');
    });
  }

  it('pinned: a forged, reused or foreign requestState is refused, and nothing runs again', async () => {
    const c = await connect('pinned', { capabilities: { elicitation: { form: {} } } });
    const raw = any(c);
    raw.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { name: 'n' } }));
    await raw.callTool({ name: 'ask_form', arguments: {} });
    const first = c.received.find((b) => b.includes('"input_required"'))!;
    const state = /"requestState":"([^"]+)"/.exec(first)![1];
    assert.ok(Buffer.from(state, 'base64url').length >= 32, 'an unguessable state');
    const calls0 = s.pool.snapshot('f')!.calls;
    for (const requestState of [state, 'forged']) {
      await assert.rejects(
        raw.request({
          method: 'tools/call',
          params: { name: 'ask_form', arguments: {}, requestState, inputResponses: { q1: { action: 'accept', content: { name: 'x' } } } },
        }),
        /Invalid or expired requestState/,
      );
    }
    assert.equal(s.pool.snapshot('f')!.calls, calls0, 'no call was sent to the server');
  });

  it('pinned: subscriptions/listen gets list changes and resource updates; the server is subscribed once and let go when the stream closes', async () => {
    const c = await connect('pinned');
    const raw = any(c);
    const updated: string[] = [];
    raw.setNotificationHandler('notifications/resources/updated', (n: { params: { uri: string } }) => void updated.push(n.params.uri));
    let toolsChanged = 0;
    raw.setNotificationHandler('notifications/tools/list_changed', () => void toolsChanged++);
    const legacy = await connect('1.x');
    const legacyUpdates: string[] = [];
    any(legacy).setNotificationHandler(ResourceUpdatedNotificationSchema, (n: { params: { uri: string } }) => void legacyUpdates.push(n.params.uri));
    await any(legacy).subscribeResource({ uri: 'fixture://counter' });
    const sub = await raw.listen({ toolsListChanged: true, resourceSubscriptions: ['fixture://counter'] });
    assert.deepEqual(sub.honoredFilter, { toolsListChanged: true, resourceSubscriptions: ['fixture://counter'] });
    assert.deepEqual(s.pool.snapshot('f')!.subscriptions, ['fixture://counter'], 'one subscription on the server for two clients');
    await raw.callTool({ name: 'touch_resource', arguments: { uri: 'fixture://counter' } });
    await waitUntil(() => updated.length > 0 && legacyUpdates.length > 0, 5000, 'both clients heard the update');
    await raw.callTool({ name: 'add_tool', arguments: { name: 'added_by_eras' } });
    await waitUntil(() => toolsChanged > 0, 5000, 'the listen stream got tools/list_changed');
    await sub.close();
    await any(legacy).unsubscribeResource({ uri: 'fixture://counter' });
    await waitUntil(() => s.pool.snapshot('f')!.subscriptions?.length === 0, 5000, 'the server was let go once nobody listens');
  });

  it('a modern probe (server/discover) of a stopped app whose capabilities are known starts nothing; one never started is started', async () => {
    const probe = async () => {
      const c = await connect('pinned');
      assert.equal(c.version(), MODERN);
      const d = (c.raw as V2Client).getDiscoverResult()!;
      assert.equal((c.raw as V2Client).getServerVersion()?.name, 'f');
      assert.ok(d.capabilities.tools && d.capabilities.resources?.subscribe && d.capabilities.prompts);
      await c.close();
    };
    assert.equal(s.pool.snapshot('f')!.starts, 0);
    await probe();
    assert.equal(s.pool.snapshot('f')!.starts, 1, 'capabilities unknown in this session: the first probe starts the app');
    await s.pool.stop('f');
    await waitUntil(() => processesMatching(RUN_MARK).length === 0, 10_000, 'the app stopped');
    for (let i = 0; i < 3; i++) await probe();
    const snap = s.pool.snapshot('f')!;
    assert.equal(snap.starts, 1, 'no start for a probe');
    assert.notEqual(snap.status, 'running');
    assert.deepEqual(processesMatching(RUN_MARK), [], 'no process spawned');
    assert.deepEqual(s.gateway.clients('f'), [], 'and no session thrown away');
  });

  it('a legacy and a modern client send the same request id at the same moment: each gets its own answer', async () => {
    const url = `${s.gateway.url}/apps/f/mcp`;
    const auth = { authorization: `Bearer ${s.gateway.token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const post = (headers: Record<string, string>, body: unknown) =>
      fetch(url, { method: 'POST', headers: { ...auth, ...headers }, body: JSON.stringify(body) });
    const init = await post(
      {},
      {
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-legacy', version: '1' } },
      },
    );
    const sid = init.headers.get('mcp-session-id')!;
    await init.text();
    await (await post({ 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' }, { jsonrpc: '2.0', method: 'notifications/initialized' })).text();
    const envelope = {
      'io.modelcontextprotocol/protocolVersion': MODERN,
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': { name: 'raw-modern', version: '1' },
    };
    const answer = async (res: Response) => {
      const text = await res.text();
      const data = text.startsWith('{')
        ? text
        : /^data: (.*)$/m.exec(
            text
              .split('\n\n')
              .filter((f) => f.includes('"result"'))
              .pop() ?? '',
          )?.[1];
      return JSON.parse(data!) as { id: number; result: { content: { text: string }[] } };
    };
    for (let round = 0; round < 5; round++) {
      const [legacy, modern] = await Promise.all([
        post(
          { 'mcp-session-id': sid, 'mcp-protocol-version': '2025-11-25' },
          { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'sleep', arguments: { ms: 120 } } },
        ).then(answer),
        post(
          { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'sleep' },
          { jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'sleep', arguments: { ms: 80 }, _meta: envelope } },
        ).then(answer),
      ]);
      assert.equal(legacy.id, 7);
      assert.equal(modern.id, 7);
      assert.equal(legacy.result.content[0].text, 'slept 120');
      assert.equal(modern.result.content[0].text, 'slept 80');
    }
  });

  /** Posts one 2026-07-28 request by hand (headers and envelope as a pinned client sends them); returns every JSON-RPC message of the answer. */
  const modernPost = async (id: number, method: string, name: string, params: Record<string, unknown>, meta: Record<string, unknown> = {}) => {
    const res = await fetch(`${s.gateway.url}/apps/f/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${s.gateway.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN,
        'mcp-method': method,
        'mcp-name': name,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id,
        method,
        params: {
          ...params,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
            'io.modelcontextprotocol/clientInfo': { name: 'raw-modern', version: '1' },
            ...meta,
          },
        },
      }),
    });
    const text = await res.text();
    if (text.startsWith('{')) return [JSON.parse(text)] as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    return text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6))) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it("pinned: the log level in a request's _meta gets it the app's log lines at that level while it runs; the server is asked for it meanwhile", async () => {
    const logged = await modernPost(3, 'tools/call', 'log', { name: 'log', arguments: { message: 'm' } }, { 'io.modelcontextprotocol/logLevel': 'error' });
    const levels = logged.filter((m) => m.method === 'notifications/message').map((m) => m.params.level as string);
    assert.deepEqual(levels, ['error', 'critical', 'alert', 'emergency'], 'only what its level lets through');
    const answer = logged.find((m) => m.id === 3)!;
    assert.equal(answer.result.content[0].text, 'error,critical,alert,emergency', 'the shared server was asked for that level during the call');
    const quiet = await modernPost(4, 'tools/call', 'log', { name: 'log', arguments: { message: 'm' } });
    assert.deepEqual(
      quiet.filter((m) => m.method === 'notifications/message'),
      [],
      'a request without a level gets no log lines',
    );
    await waitUntil(() => s.pool.snapshot('f')!.logLevel === undefined, 5000, "the request's level no longer counts once it ended");
  });

  it('pinned: a call waiting for its client (input_required) expires: its upstream call is cancelled, nothing is left waiting', async () => {
    await s.close();
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1', FIXTURE_CALL_LOG: log })], {
      hooks: { elicit: async () => ({ action: 'decline' }) },
      gateway: { limits: { inputRequiredTtlMs: 300 } },
    });
    const asked = await modernPost(5, 'tools/call', 'ask_form', { name: 'ask_form', arguments: {} });
    assert.equal(asked[0].result.resultType, 'input_required');
    assert.equal(asked[0].result.inputRequests.q1.method, 'elicitation/create');
    assert.equal(s.gateway.counts.parked, 1);
    await waitUntil(() => s.gateway.counts.parked === 0 && s.pool.snapshot('f')!.inFlight === 0, 5000, 'the parked call expired and its upstream call ended');
    const late = await modernPost(6, 'tools/call', 'ask_form', {
      name: 'ask_form',
      arguments: {},
      requestState: asked[0].result.requestState,
      inputResponses: { q1: { action: 'accept', content: { name: 'late' } } },
    });
    assert.match(late[0].error.message, /Invalid or expired requestState/);
  });

  it("pinned: a call past the pool's timeout fails with the pool's timeout error, and the server is told", async () => {
    await s.close();
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1', FIXTURE_CALL_LOG: log })], { settings: { callTimeoutMs: 400 } });
    const c = await connect('pinned');
    await assert.rejects(any(c).callTool({ name: 'sleep', arguments: { ms: 10_000 } }), (e: Error & { data?: { pool?: string } }) => {
      assert.equal(e.data?.pool, 'timeout', e.message);
      return true;
    });
    await waitUntil(() => callLog(log).some((e) => e.tool === 'sleep' && e.cancelled), 10_000, 'the server saw the call cancelled');
  });

  it('pinned: listen streams are bounded per app (maxSessionsPerApp)', async () => {
    await s.close();
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1' })], { gateway: { limits: { maxSessionsPerApp: 1 } } });
    const a = await connect('pinned');
    const b = await connect('pinned');
    const first = await any(a).listen({ toolsListChanged: true });
    await assert.rejects(any(b).listen({ toolsListChanged: true }), /Subscription limit reached/);
    await first.close();
    await waitUntil(
      async () =>
        any(b)
          .listen({ toolsListChanged: true })
          .then((sub) => sub.close().then(() => true))
          .catch(() => false),
      5000,
      'room again once the first stream closed',
    );
  });

  it('figures: the gateway hop of a modern call and of a legacy one (µs, median of 300 interleaved rounds)', async function () {
    this.timeout(120_000);
    const legacy = await connect('1.x');
    const v2legacy = await connect('legacy');
    const modern = await connect('pinned');
    await s.pool.warm('f');
    const args = { name: 'echo', arguments: { text: 'x' } };
    const times: Record<'pool' | 'legacy' | 'v2legacy' | 'modern', number[]> = { pool: [], legacy: [], v2legacy: [], modern: [] };
    const time = async (what: keyof typeof times, op: () => Promise<unknown>) => {
      const t0 = process.hrtime.bigint();
      await op();
      times[what].push(Number(process.hrtime.bigint() - t0) / 1000);
    };
    for (let i = 0; i < 50; i++) await Promise.all([any(legacy).callTool(args), any(modern).callTool(args)]); // warm-up
    for (let i = 0; i < 300; i++) {
      await time('pool', () => s.pool.callTool('f', 'echo', { text: 'x' }));
      await time('legacy', () => any(legacy).callTool(args));
      await time('v2legacy', () => any(v2legacy).callTool(args));
      await time('modern', () => any(modern).callTool(args));
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const m = { pool: median(times.pool), legacy: median(times.legacy), v2legacy: median(times.v2legacy), modern: median(times.modern) };
    console.log(
      `      figures: call on the pool ${m.pool.toFixed(0)} µs; through the gateway: legacy (1.x client, session) ${m.legacy.toFixed(0)} µs = hop ${(m.legacy - m.pool).toFixed(0)} µs; ` +
        `v2 client in legacy mode ${m.v2legacy.toFixed(0)} µs = hop ${(m.v2legacy - m.pool).toFixed(0)} µs; ` +
        `modern (v2 pinned, a Server per request) ${m.modern.toFixed(0)} µs = hop ${(m.modern - m.pool).toFixed(0)} µs`,
    );
    assert.ok(m.modern < 50_000, 'a modern call stays in the milliseconds');
  });

  it('modern requests pass the same Guard: no token → 401, a foreign Origin → 403, a missing Mcp-Method header → refused', async () => {
    const url = `${s.gateway.url}/apps/f/mcp`;
    const envelope = { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {} };
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope } });
    const base = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': MODERN,
      'mcp-method': 'tools/list',
    };
    const noToken = await fetch(url, { method: 'POST', headers: base, body });
    assert.equal(noToken.status, 401);
    const origin = await fetch(url, { method: 'POST', headers: { ...base, authorization: `Bearer ${s.gateway.token}`, origin: 'https://evil.example' }, body });
    assert.equal(origin.status, 403);
    const { 'mcp-method': _m, ...noMethod } = base;
    const missing = await fetch(url, { method: 'POST', headers: { ...noMethod, authorization: `Bearer ${s.gateway.token}` }, body });
    assert.equal(missing.status, 400, await missing.text());
    const ok = await fetch(url, { method: 'POST', headers: { ...base, authorization: `Bearer ${s.gateway.token}` }, body });
    assert.equal(ok.status, 200);
    assert.match(await ok.text(), /"echo"/);
  });
});
