// The era matrix of direct HTTP, at the link: the pool's HttpLink (SDK v2's transports inside)
// under an SDK v2 Client with `versionNegotiation: 'auto'`, against a 2025-era server (SDK 1.x,
// stateful Streamable HTTP), a modern-only SDK v2 server and a dual-era SDK v2 server, each a real
// server on 127.0.0.1 (the v2 ones in a process of their own, so they can be killed or frozen).
// Until McpSession speaks v2 (helper "session"), this is where the direct link meets both eras.
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client, SdkError, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { HttpLink } from '../../../src/pool/direct/httpLink';
import { type HttpFixture, startHttpFixture } from '../../fixtures/http-server';

interface EraServer {
  readonly url: string;
  readonly child?: ChildProcess;
  stats(): Promise<{ seen: { method?: string; name?: string; session?: string; version?: string }[]; cancelled: number; calls: number }>;
  close(): Promise<void>;
}

async function startEraServer(mode: 'modern' | 'dual'): Promise<EraServer> {
  const child = spawn(process.execPath, [join(__dirname, 'directEraServer.js'), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout });
    rl.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`era server exited (${code})`)));
  });
  const { url } = JSON.parse(line) as { url: string };
  return {
    url,
    child,
    stats: async () => (await fetch(new URL('/stats', url))).json() as never,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    },
  };
}

function legacyServer(fx: HttpFixture): EraServer {
  return { url: fx.url, stats: () => Promise.reject(new Error('no stats')), close: () => fx.close() };
}

function link(url: string, log: string[] = []): HttpLink {
  return new HttpLink({
    url,
    headers: {},
    fetch: (u, init) => fetch(u, init),
    logLines: 50,
    maxMessageBytes: 1024 * 1024,
    stopGraceMs: 1000,
    onLog: (line) => log.push(line),
  });
}

function textOf(r: { content?: unknown }): string {
  const c = (r.content ?? []) as { type: string; text?: string }[];
  return c.map((b) => b.text ?? '').join('\n');
}

async function connect(url: string, log: string[] = []): Promise<{ client: Client; link: HttpLink }> {
  const l = link(url, log);
  const client = new Client(
    { name: 'pool-era-test', version: '1.0.0' },
    { capabilities: { elicitation: { form: {} }, sampling: {} }, versionNegotiation: { mode: 'auto' } },
  );
  client.setRequestHandler('elicitation/create', () => ({ action: 'accept', content: { ok: true } }));
  client.setRequestHandler('sampling/createMessage', () => ({ role: 'assistant', model: 'm', content: { type: 'text', text: 'yes' } }));
  const { transport } = l.open();
  await client.connect(transport);
  l.established(() => undefined);
  return { client, link: l };
}

const ERAS = ['legacy', 'modern', 'dual'] as const;

describe("direct HTTP, both protocol eras (SDK v2 client over the pool's link)", function () {
  this.timeout(30_000);
  let server: EraServer | undefined;
  let client: Client | undefined;
  let l: HttpLink | undefined;

  afterEach(async () => {
    await client?.close().catch(() => undefined);
    await l?.close(() => Promise.resolve(), true).catch(() => undefined);
    await server?.close();
    client = l = server = undefined;
  });

  async function serve(era: (typeof ERAS)[number]): Promise<EraServer> {
    server = era === 'legacy' ? legacyServer(await startHttpFixture()) : await startEraServer(era);
    return server;
  }

  for (const era of ERAS) {
    it(`${era}: list + call; a modern server gets Mcp-Method / Mcp-Name and no session id`, async () => {
      const s = await serve(era);
      ({ client, link: l } = await connect(s.url));
      const expected = era === 'legacy' ? /^2025-/ : /^2026-07-28$/;
      assert.match(client.getNegotiatedProtocolVersion() ?? '', expected);
      const tools = await client.listTools();
      assert.ok(tools.tools.some((t) => t.name === 'echo'));
      const r = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
      assert.equal(textOf(r).split('\n')[0], 'hi');
      if (era !== 'legacy') {
        const { seen } = await s.stats();
        const call = seen.find((x) => x.method === 'tools/call');
        assert.ok(call, `a tools/call carried Mcp-Method (saw ${JSON.stringify(seen)})`);
        assert.equal(call.name, 'echo');
        assert.equal(call.version, '2026-07-28');
        assert.ok(
          seen.every((x) => x.session === undefined),
          'no session id in the 2026 era',
        );
      }
    });

    it(`${era}: progress reaches the caller, a cancel ends the call, a timeout fails it, the link stays up`, async () => {
      const s = await serve(era);
      ({ client, link: l } = await connect(s.url));
      const tool = era === 'legacy' ? 'progress' : 'slow';
      const args = era === 'legacy' ? { steps: 3, delayMs: 50 } : { ms: 150, steps: 3 };
      const progress: number[] = [];
      await client.callTool({ name: tool, arguments: args }, { onprogress: (p) => progress.push(p.progress) });
      assert.deepEqual(progress, [1, 2, 3]);
      const sleep = era === 'legacy' ? { name: 'sleep', arguments: { ms: 5000 } } : { name: 'slow', arguments: { ms: 5000 } };
      const ctl = new AbortController();
      const t0 = performance.now();
      const cancelled = client.callTool(sleep, { signal: ctl.signal });
      setTimeout(() => ctl.abort(new Error('user cancelled')), 200);
      await assert.rejects(cancelled);
      assert.ok(performance.now() - t0 < 2000, 'the cancel ended the call at once');
      await assert.rejects(client.callTool(sleep, { timeout: 300 }), (e: unknown) => e instanceof SdkError || /timed out/i.test(String(e)));
      if (era !== 'legacy') {
        // closing the request's stream is the 2026 cancellation: the server's handler saw its signal abort
        const deadline = Date.now() + 3000;
        while ((await s.stats()).cancelled < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
        assert.equal((await s.stats()).cancelled, 2, 'both the cancelled and the timed-out call were cancelled at the server');
      }
      assert.equal(await l.waitExit(0), undefined, 'the link is still up');
      const again = await client.callTool({ name: 'echo', arguments: { text: 'after' } });
      assert.equal(textOf(again).split('\n')[0], 'after');
    });
  }

  for (const era of ['modern', 'dual'] as const) {
    it(`${era}: resources read, updates over subscriptions/listen, prompts, elicitation and sampling (input_required)`, async () => {
      const s = await serve(era);
      ({ client, link: l } = await connect(s.url));
      const read = await client.readResource({ uri: 'mem://counter' });
      assert.equal((read.contents[0] as { text: string }).text, '0');
      const updates: string[] = [];
      client.setNotificationHandler('notifications/resources/updated', (n) => void updates.push(n.params.uri));
      const sub = await client.listen({ resourceSubscriptions: ['mem://counter'] });
      await client.callTool({ name: 'bump', arguments: {} });
      const deadline = Date.now() + 3000;
      while (updates.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      assert.deepEqual(updates, ['mem://counter']);
      const prompt = await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } });
      assert.equal((prompt.messages[0].content as { text: string }).text, 'Hello Ada');
      const confirmed = await client.callTool({ name: 'confirm', arguments: {} });
      assert.equal(textOf(confirmed), 'accept:{"ok":true}');
      const asked = await client.callTool({ name: 'ask', arguments: {} });
      assert.equal(textOf(asked), 'model said yes');
      await sub.close();
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(await l.waitExit(0), undefined, 'closing the subscription is no break of the link');
    });

    it(`${era}: the remote killed mid-call: the call fails and the link is down at once (≪ 5 s)`, async () => {
      const s = await serve(era);
      ({ client, link: l } = await connect(s.url));
      const sub = await client.listen({ toolsListChanged: true });
      const call = client.callTool({ name: 'slow', arguments: { ms: 10_000 } });
      await new Promise((r) => setTimeout(r, 200));
      const t0 = performance.now();
      s.child!.kill('SIGKILL');
      await assert.rejects(call);
      const down = await l.waitExit(5000);
      const ms = performance.now() - t0;
      assert.ok(down, 'the link went down');
      assert.match(down.reason ?? '', /connection lost/);
      assert.ok(ms < 5000, `noticed in ${Math.round(ms)} ms`);
      void sub.close().catch(() => undefined);
    });
  }

  it('figures: a warm call on a modern server through the link vs a v2 client held on the SDK transport; memory per connected link', async () => {
    const s = await serve('modern');
    ({ client, link: l } = await connect(s.url));
    const held = new Client({ name: 'held', version: '1.0.0' }, { versionNegotiation: { mode: 'auto' } });
    await held.connect(new StreamableHTTPClientTransport(new URL(s.url)));
    const extra: { client: Client; link: HttpLink }[] = [];
    try {
      const median = async (c: Client) => {
        const times: number[] = [];
        for (let i = 0; i < 40; i++) await c.callTool({ name: 'echo', arguments: { text: 'w' } });
        for (let i = 0; i < 300; i++) {
          const t0 = performance.now();
          await c.callTool({ name: 'echo', arguments: { text: 'w' } });
          times.push(performance.now() - t0);
        }
        return Math.round(times.sort((a, b) => a - b)[150] * 1000);
      };
      const viaLink = await median(client);
      const viaHeld = await median(held);
      globalThis.gc?.();
      const rss0 = process.memoryUsage().rss;
      for (let i = 0; i < 20; i++) {
        const c = await connect(s.url);
        await c.client.callTool({ name: 'echo', arguments: { text: 'w' } });
        extra.push(c);
      }
      globalThis.gc?.();
      const perApp = (process.memoryUsage().rss - rss0) / 20 / 1024 / 1024;
      console.log(
        `      warm call, modern server: link ${viaLink} µs, held v2 client ${viaHeld} µs (ratio ${(viaLink / viaHeld).toFixed(2)}); RSS per connected link ≈ ${perApp.toFixed(2)} MB`,
      );
      assert.ok(viaLink > 0 && viaHeld > 0);
    } finally {
      for (const c of extra) {
        await c.client.close().catch(() => undefined);
        await c.link.close(() => Promise.resolve(), true).catch(() => undefined);
      }
      await held.close();
    }
  });
});
