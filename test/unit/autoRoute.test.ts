// mcpPool.remoteTransport "auto" (the default) reaches a remote app directly; where a direct start
// fails in a way mcp-remote may get past, the same start goes on through mcp-remote, and that is
// remembered for the server (apps/autoRoute.ts). Real parts: the real pool, the real bundled
// mcp-remote, a real MCP server (SDK 1.x HTTP fixture) behind a real HTTP gateway on 127.0.0.1 that
// refuses one client — the kind of web application firewall that blocks a user agent it does not
// know. The pool's direct requests carry that user agent (its fetch, as the editor's would carry
// its own); mcp-remote's do not.
import * as assert from 'node:assert/strict';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bundledLauncher, type EraVerdictStore, parseAppDefinitions, Pool, PoolError, type RemoteAppSpec, type ServerVerdict } from '../../src/pool';
import { EraMemory, ROUTE_VERDICT_MS, routeKey } from '../../src/pool/session/eraMemory';
import { type HttpFixture, startHttpFixture } from '../fixtures/http-server';
import { BUNDLED_MCP_REMOTE, REAPER_SCRIPT } from '../fixtures/paths';
import { collectEvents, expectNoProcesses } from './helpers';
import { tempDir } from './tempDirs';

const BLOCKED_AGENT = 'blocked-client/1.0';

interface Gate {
  readonly url: string;
  /** Requests refused, and requests let through, by who sent them. */
  readonly seen: { blocked: number; passed: number };
  /** Refuse everyone (the server itself refuses what the pool sends, whoever sends it). */
  refuseAll: boolean;
  close(): Promise<void>;
}

/** A gateway in front of `target` that answers 406 to requests with the blocked user agent. */
async function startGate(target: string): Promise<Gate> {
  const to = new URL(target);
  const gate = { seen: { blocked: 0, passed: 0 }, refuseAll: false } as Gate & { server?: Server };
  const server = createServer((req, res) => {
    if (gate.refuseAll || req.headers['user-agent'] === BLOCKED_AGENT) {
      gate.seen.blocked++;
      req.resume();
      res.writeHead(406, { 'content-type': 'text/plain' }).end('Not Acceptable: client not allowed by policy');
      return;
    }
    gate.seen.passed++;
    const up = httpRequest({ host: to.hostname, port: to.port, path: req.url, method: req.method, headers: { ...req.headers, host: to.host } }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return Object.assign(gate, {
    url: `http://127.0.0.1:${port}${to.pathname}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

/** What a user's `{ "url": … }` becomes under the default setting ("auto"). */
function userApp(name: string, url: string): RemoteAppSpec {
  const spec = parseAppDefinitions({ [name]: { url } }).specs[0];
  assert.ok(spec?.kind === 'remote' && spec.transport === 'direct' && spec.transportChoice, 'auto makes it direct');
  return spec;
}

/** The editor's global state, in memory (the real one needs the editor: eraStore.test.ts). */
function memoryStore(): EraVerdictStore & { saved: Record<string, ServerVerdict> } {
  const store = {
    saved: {} as Record<string, ServerVerdict>,
    load: () => store.saved,
    save: (all: Readonly<Record<string, ServerVerdict>>) => void (store.saved = JSON.parse(JSON.stringify(all))),
  };
  return store;
}

/** The echo tool's text (the fixture adds its pid in a second block). */
const echoed = (out: { result: { content: readonly { type: string; text?: unknown }[] } }) => out.result.content[0]?.text;

describe('remoteTransport "auto": mcp-remote where a direct start fails in a way it may get past', function () {
  this.timeout(90_000);
  let server: HttpFixture;
  let gate: Gate;
  const pools: Pool[] = [];
  const configDir = process.env.MCP_REMOTE_CONFIG_DIR;

  before(async () => {
    server = await startHttpFixture();
    gate = await startGate(server.url);
  });
  after(async () => {
    await gate?.close();
    await server?.close();
    if (configDir === undefined) delete process.env.MCP_REMOTE_CONFIG_DIR;
    else process.env.MCP_REMOTE_CONFIG_DIR = configDir;
  });
  beforeEach(() => {
    // mcp-remote's own files go to a directory of this test, never the user's ~/.mcp-auth
    process.env.MCP_REMOTE_CONFIG_DIR = tempDir('mcp-auth-');
  });
  afterEach(async () => {
    gate.refuseAll = false;
    for (const p of pools.splice(0)) {
      await p.shutdown();
      p.dispose();
    }
    await expectNoProcesses();
  });

  function pool(store: EraVerdictStore): Pool {
    const p = new Pool({
      launcher: bundledLauncher(BUNDLED_MCP_REMOTE),
      reaperScript: REAPER_SCRIPT,
      settings: { stopGraceMs: 1000, startTimeoutMs: 20_000, sweepIntervalMs: 60_000 },
      eraStore: store,
      // the host's fetch, with the user agent the gateway refuses
      fetch: (url, init) => {
        const headers = new Headers(init?.headers);
        headers.set('user-agent', BLOCKED_AGENT);
        return globalThis.fetch(url, { ...init, headers });
      },
    });
    pools.push(p);
    return p;
  }

  it('a refused direct start goes on through mcp-remote in the same call, said once, shown in the hover, remembered for the next start and the next session', async () => {
    const store = memoryStore();
    const p = pool(store);
    const events = collectEvents(p);
    await p.configure([userApp('jira', gate.url)]);
    const before = { ...gate.seen };
    const out = await p.callTool('jira', 'echo', { text: 'through' });
    assert.equal(echoed(out), 'through');
    assert.ok(gate.seen.blocked > before.blocked, 'the direct start was tried first, and refused');
    const snap = p.snapshot('jira')!;
    assert.equal(snap.transport, 'mcp-remote');
    assert.ok(snap.pid && snap.pid > 0, 'an mcp-remote process carries it');
    assert.match(
      snap.transportChoice ?? '',
      /^through mcp-remote: a direct start failed \(.*HTTP 406 Not Acceptable: .*client not allowed by policy\) and mcp-remote got through; direct is tried again after \d{4}-\d\d-\d\d \d\d:\d\d UTC$/,
    );
    const said = events.filter((e) => e.type === 'stderr' && e.line.startsWith('[pool] remoteTransport "auto"')).map((e) => (e as { line: string }).line);
    assert.equal(said.length, 3, said.join('\n'));
    assert.match(said[0], /: direct \(no process\)$/);
    assert.match(said[1], /the direct start failed \(.*406.*\); trying mcp-remote$/);
    assert.match(said[2], /: through mcp-remote: a direct start failed/);
    assert.equal(snap.consecutiveFailures, 0, 'the start did not fail');
    const verdict = store.saved[routeKey(gate.url, {})];
    assert.equal(verdict?.kind, 'mcp-remote');

    // stopped (idle, killed) and used again: straight through mcp-remote, nothing sent directly
    const blocked = gate.seen.blocked;
    await p.stop('jira');
    assert.equal(echoed(await p.callTool('jira', 'echo', { text: 'again' })), 'again');
    assert.equal(gate.seen.blocked, blocked, 'no direct attempt after it is remembered');
    assert.equal(p.snapshot('jira')!.transport, 'mcp-remote');

    // the next session of the editor (a new pool over the same global state): the same
    const next = pool(store);
    const nextEvents = collectEvents(next);
    await next.configure([userApp('jira', gate.url)]);
    assert.equal(next.snapshot('jira')!.transport, 'mcp-remote', 'the hover says so before any start');
    assert.equal(echoed(await next.callTool('jira', 'echo', { text: 'next' })), 'next');
    assert.equal(gate.seen.blocked, blocked, 'no direct attempt in the next session');
    const nextSaid = nextEvents.filter((e) => e.type === 'stderr' && e.line.startsWith('[pool] remoteTransport "auto"'));
    assert.equal(nextSaid.length, 1, 'said once: why it goes through mcp-remote');

    // Restart (the user's "try again"): directly first, then through mcp-remote once more
    await next.restart('jira');
    assert.ok(gate.seen.blocked > blocked, 'a restart tries directly again');
    assert.equal(next.snapshot('jira')!.transport, 'mcp-remote');
    assert.equal(store.saved[routeKey(gate.url, {})]?.kind, 'mcp-remote', 'remembered again');
  });

  it('past a day the next start tries directly again', () => {
    let now = 1_000_000;
    const memory = new EraMemory(undefined, () => now);
    const key = routeKey('https://mcp.example.com/mcp', {});
    memory.rememberRoute(key, 'the server answered HTTP 406');
    assert.equal(memory.route(key)?.reason, 'the server answered HTTP 406');
    assert.equal(memory.route(routeKey('https://mcp.example.com/mcp', { Authorization: 'Bearer x' })), undefined, 'per authorization context');
    assert.equal(memory.get(key), undefined, 'not an era verdict');
    now += ROUTE_VERDICT_MS + 1;
    assert.equal(memory.route(key), undefined);
  });

  it('when mcp-remote fails too: the start fails naming both, nothing is remembered, the app stays direct', async () => {
    gate.refuseAll = true;
    const store = memoryStore();
    const p = pool(store);
    await p.configure([userApp('jira', gate.url)]);
    await assert.rejects(p.callTool('jira', 'echo', { text: 'x' }), (e: unknown) => {
      assert.ok(e instanceof PoolError && e.code === 'start-failed', String(e));
      assert.match(e.message, /^app "jira" could not start: directly: .*HTTP 406.*; through mcp-remote: .+/);
      return true;
    });
    assert.deepEqual(Object.keys(store.saved), []);
    assert.equal(p.snapshot('jira')!.transport, 'direct');
    assert.equal(p.snapshot('jira')!.consecutiveFailures, 1, 'one failed start, not two');
  });

  it('not for an app whose URL carries a key (mcp-remote would have it on its command line)', async () => {
    const store = memoryStore();
    const p = pool(store);
    await p.configure([userApp('keyed', `${gate.url}?api_key=sk-live-0123456789abcdef`)]);
    await assert.rejects(p.callTool('keyed', 'echo', { text: 'x' }), /could not start: .*HTTP 406/);
    assert.equal(p.snapshot('keyed')!.transport, 'direct');
    assert.equal(p.snapshot('keyed')!.pid, undefined, 'no mcp-remote process');
    assert.deepEqual(Object.keys(store.saved), []);
  });

  it('not for what mcp-remote would meet too (nothing listening), nor for an app whose definition says direct', async () => {
    const store = memoryStore();
    const p = pool(store);
    const events = collectEvents(p);
    const closed = `http://127.0.0.1:${await freePort()}/mcp`;
    await p.configure([userApp('down', closed), { ...userApp('pinned', gate.url), transportChoice: undefined }]);
    await assert.rejects(p.callTool('down', 'echo', { text: 'x' }), /could not start: .*connection refused/);
    await assert.rejects(p.callTool('pinned', 'echo', { text: 'x' }), /could not start: .*HTTP 406/);
    assert.equal(events.filter((e) => e.type === 'stderr' && /trying mcp-remote/.test(e.line)).length, 0);
    assert.equal(p.snapshot('down')!.transport, 'direct');
    assert.equal(p.snapshot('pinned')!.transport, 'direct');
    assert.deepEqual(Object.keys(store.saved), []);
  });
});

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
