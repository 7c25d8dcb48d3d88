// Clients of every protocol era through `mcp-pool stdio <app>` (node dist/cli.js, a real process)
// to the real gateway and pool: the relay is era-transparent — a 2026-07-28 client's server/discover,
// its enveloped requests, input_required rounds and subscriptions/listen pass as they are, and a
// modern request's notifications/cancelled closes its stream (the modern cancellation).
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO_ROOT } from '../../fixtures/paths';
import { waitUntil } from '../../fixtures/processTable';
import { expectNoProcesses, stdioSpec } from '../helpers';
import { type AnyClient, ERAS, firstText, MODERN, relayClient } from './erasHelpers';
import { type Served, serve } from './helpers';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

/* eslint-disable @typescript-eslint/no-explicit-any */
interface Any {
  listTools(): Promise<{ tools: { name: string }[] }>;
  callTool(params: { name: string; arguments?: Record<string, unknown> }, a?: any, b?: any): Promise<any>;
  readResource(params: { uri: string }): Promise<{ contents: any[] }>;
  getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<{ messages: any[] }>;
  setRequestHandler(schemaOrMethod: any, handler: any): void;
  setNotificationHandler(schemaOrMethod: any, handler: any): void;
  listen(filter: any): Promise<{ honoredFilter: unknown; close(): Promise<void> }>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */
const any = (c: AnyClient) => c.raw as unknown as Any;
const callWith = (c: AnyClient, params: { name: string; arguments?: Record<string, unknown> }, options: Record<string, unknown>) =>
  c.era === '1.x' ? any(c).callTool(params, undefined, options) : any(c).callTool(params, options);
const isModern = (c: AnyClient) => c.era === 'pinned' || c.era === 'auto';

describe('mcp-pool stdio: clients of every era through the relay (1.x; v2 legacy, auto, pinned 2026-07-28)', function () {
  this.timeout(60_000);
  let s: Served;
  let dir: string;
  let log: string;
  let env: Record<string, string>;
  const clients: AnyClient[] = [];
  const connect = async (era: AnyClient['era'], capabilities: Record<string, unknown> = {}) => {
    const c = await relayClient(era, CLI, env, 'f', { capabilities });
    clients.push(c);
    return c;
  };
  const calls = () => {
    try {
      return readFileSync(log, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { tool: string; cancelled?: boolean });
    } catch {
      return [];
    }
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-pool-test-eras-relay-'));
    log = join(dir, 'calls.jsonl');
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1', FIXTURE_CALL_LOG: log })], {
      hooks: { elicit: async () => ({ action: 'decline' }) },
    });
    env = {};
    for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MCP_POOL_')) env[k] = v;
    Object.assign(env, { MCP_POOL_DISCOVERY_DIR: join(dir, 'no-windows'), MCP_POOL_URL: s.gateway.url, MCP_POOL_TOKEN: s.gateway.token });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await s.close();
    await expectNoProcesses();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const era of ERAS) {
    it(`${era}: tools with progress, a resource, a prompt, an elicitation answered by the client; the tool runs once`, async () => {
      const c = await connect(era, { elicitation: { form: {} } });
      if (isModern(c)) assert.equal(c.version(), MODERN);
      const raw = any(c);
      assert.ok((await raw.listTools()).tools.some((t) => t.name === 'echo'));
      const seen: number[] = [];
      const r = await callWith(
        c,
        { name: 'progress', arguments: { steps: 3, delayMs: 100 } },
        { onprogress: (p: { progress: number }) => seen.push(p.progress) },
      );
      // (an SDK client over stdio drops progress that arrives in one read with the result: cli.test.ts says why)
      assert.ok(seen.length >= 1, 'progress reaches the client');
      assert.deepEqual(seen, [1, 2, 3].slice(0, seen.length), 'in order, with its own token');
      assert.match(firstText(r), /done/);
      assert.ok('text' in (await raw.readResource({ uri: 'fixture://text/hello' })).contents[0]);
      assert.ok((await raw.getPrompt({ name: 'greet', arguments: { name: 'Ada' } })).messages.length > 0);
      const answer = async () => ({ action: 'accept', content: { name: `relay-${era}` } });
      if (era === '1.x') {
        const { ElicitRequestSchema } = await import('@modelcontextprotocol/sdk/types.js');
        raw.setRequestHandler(ElicitRequestSchema, answer);
      } else raw.setRequestHandler('elicitation/create', answer);
      const calls0 = s.pool.snapshot('f')!.calls;
      const form = JSON.parse(firstText(await raw.callTool({ name: 'ask_form', arguments: {} })));
      assert.deepEqual(form.content, { name: `relay-${era}` });
      assert.equal(s.pool.snapshot('f')!.calls - calls0, 1, 'ran once');
    });
  }

  for (const era of ERAS) {
    it(`${era}: a cancelled call is cancelled on the server`, async () => {
      const c = await connect(era);
      const ctl = new AbortController();
      const call = callWith(c, { name: 'sleep', arguments: { ms: 20_000 } }, { signal: ctl.signal });
      await waitUntil(() => calls().some((e) => e.tool === 'sleep'), 10_000, 'the call reached the server');
      ctl.abort();
      await assert.rejects(call);
      await waitUntil(() => calls().some((e) => e.tool === 'sleep' && e.cancelled), 10_000, 'the server saw the call cancelled');
    });
  }

  it('pinned: subscriptions/listen through the relay hears resource updates; closing it lets the server go', async () => {
    const c = await connect('pinned');
    const raw = any(c);
    const updated: string[] = [];
    raw.setNotificationHandler('notifications/resources/updated', (n: { params: { uri: string } }) => void updated.push(n.params.uri));
    const sub = await raw.listen({ resourceSubscriptions: ['fixture://counter'] });
    assert.deepEqual(s.pool.snapshot('f')!.subscriptions, ['fixture://counter']);
    await raw.callTool({ name: 'touch_resource', arguments: { uri: 'fixture://counter' } });
    await waitUntil(() => updated.includes('fixture://counter'), 5000, 'the update came through the relay');
    await sub.close();
    await waitUntil(() => s.pool.snapshot('f')!.subscriptions?.length === 0, 5000, 'unsubscribed once the stream closed');
  });
});
