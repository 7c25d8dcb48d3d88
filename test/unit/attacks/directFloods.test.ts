// A direct app (the pool speaking HTTP to a remote MCP server, no process in between) against a
// hostile server in a child process: every byte the pool's host reads from it has a bound. The
// background event stream (GET) that floods with notifications, sends one line or one event that
// never ends; a tool call answered with an endless event stream; an error status whose body never
// ends; OAuth documents (protected-resource metadata, authorization-server metadata, the
// registration and token answers) that never end. Each fails fast, with what was too big, while
// this process (the pool's host) stays within a stated bound; the figures are printed.
import * as assert from 'node:assert/strict';
import type { Pool, PoolEvent } from '../../../src/pool';
import { MemorySignInStore } from '../../../src/pool/direct/signIn';
import { expectCode, printFigures, sleep, tempDir } from '../faults/faultKit';
import { collectEvents, directSpec, makePool } from '../helpers';
import { describeFigures, type Hostile, type HostFigures, startHostile, watchHost } from './directAttackKit';

const MB = 1024 * 1024;
/** The app's maxMessageBytes in these tests (the largest event a server may send). */
const MAX_MESSAGE = 16 * MB;
/** What an attack may add to the host's RSS at its peak (unbounded, each of them passed 1 GB). */
const RSS_BOUND_MB = 120;
/** Detection within (generous on a shared 2-core box; measured figures are printed). */
const DETECT_MS = 10_000;

type Stopped = Extract<PoolEvent, { type: 'stopped' }>;

async function waitStopped(events: PoolEvent[], app: string, ms: number): Promise<Stopped | undefined> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const hit = events.find((e): e is Stopped => e.type === 'stopped' && e.app === app && e.reason !== 'user');
    if (hit) return hit;
    await sleep(10);
  }
  return undefined;
}

describe('attacks: a direct app reads a bounded amount from a hostile server', function () {
  this.timeout(60_000);
  let hostile: Hostile | undefined;
  let pool: Pool | undefined;
  let events: PoolEvent[];

  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await hostile?.close();
    hostile = undefined;
  });

  function start(withSignIn = false): Pool {
    const options = withSignIn ? { signIns: { store: new MemorySignInStore(), mcpRemoteEnv: { HOME: tempDir('no-mcp-remote-') } } } : {};
    pool = makePool({ maxMessageBytes: MAX_MESSAGE, livenessIntervalMs: 0, startTimeoutMs: 20_000, callTimeoutMs: 20_000 }, options);
    events = collectEvents(pool);
    return pool;
  }

  function report(theme: string, f: HostFigures, extra: Record<string, unknown> = {}): void {
    console.log(`      ${theme}: ${describeFigures(f)}`);
    printFigures(theme, { ...f, ...extra });
    assert.ok(f.detectMs < DETECT_MS, `detected in ${f.detectMs} ms`);
    assert.ok(f.rssPeakMb - f.rssBeforeMb < RSS_BOUND_MB, `RSS grew by ${f.rssPeakMb - f.rssBeforeMb} MB`);
  }

  const streams: [mode: string, what: string, expected: RegExp][] = [
    [
      'get-notifications',
      'notifications as fast as the socket takes them',
      /sent [\d,]+ unsolicited messages in .* \(limit 2,000\/s, bursts of 10,000: [\d,]+ notifications\); stopped/,
    ],
    ['get-line', 'one line that never ends', /sent one event of more than 16 MB on its event stream/],
    ['get-event', 'one event (short lines, no blank line) that never ends', /sent one event of more than 16 MB on its event stream/],
  ];
  for (const [mode, what, expected] of streams) {
    it(`the event stream (GET) sends ${what}: the app stops as flooding, naming it`, async () => {
      hostile = await startHostile(mode);
      const p = start();
      await p.configure([directSpec('h', hostile.url)]);
      const watch = await watchHost();
      await p.callTool('h', 'echo', {}).catch(() => undefined); // the stream opens with the session
      const stopped = await waitStopped(events, 'h', DETECT_MS + 5_000);
      watch.detected();
      const f = await watch.finish();
      console.log(`      ${mode}: ${describeFigures(f)}`);
      assert.ok(stopped, `the app was not stopped (status ${p.snapshot('h')?.status})`);
      assert.equal(stopped.reason, 'flooding');
      assert.match(stopped.detail ?? '', expected);
      report(`direct GET stream: ${mode}`, f);
      console.log(`      said: ${stopped.detail}`);
    });
  }

  it('the event stream (GET) is answered 200 application/octet-stream, bytes without a newline that never end: refused, the app keeps working', async () => {
    hostile = await startHostile('get-plain');
    const p = start();
    await p.configure([directSpec('h', hostile.url)]);
    const watch = await watchHost();
    await p.callTool('h', 'echo', {}); // the stream opens with the session
    // unbounded, the SDK's SSE parser held the endless line: ≈ 100 MB a second
    const end = Date.now() + 15_000;
    const said = () => events.find((e) => e.type === 'stderr' && e.app === 'h' && /not text\/event-stream/.test(e.line));
    const rssCap = process.memoryUsage().rss + 400 * MB; // (a host that is not bounded stops the wait early)
    while (!said() && Date.now() < end && process.memoryUsage().rss < rssCap) await sleep(20);
    watch.detected();
    await sleep(3000);
    await p.callTool('h', 'echo', {});
    const f = await watch.finish();
    const line = said();
    assert.ok(line && line.type === 'stderr', "the app's log says why the stream was refused");
    assert.match(line.line, /the server answered its event stream \(GET\) with Content-Type "application\/octet-stream", not text\/event-stream/);
    assert.equal(p.snapshot('h')?.status, 'idle');
    report('direct GET stream: not an event stream', f);
    console.log(`      said: ${line.line}`);
  });

  it('the event stream (GET) sends `retry: 0` and ends, every time: the app stops as flooding, naming the re-opens', async () => {
    hostile = await startHostile('get-retry0');
    const p = start();
    await p.configure([directSpec('h', hostile.url)]);
    const watch = await watchHost();
    const cpu = process.cpuUsage();
    await p.callTool('h', 'echo', {}).catch(() => undefined);
    const stopped = await waitStopped(events, 'h', DETECT_MS + 5_000);
    watch.detected();
    const used = process.cpuUsage(cpu);
    const f = await watch.finish();
    assert.ok(stopped, `the app was not stopped (status ${p.snapshot('h')?.status})`);
    assert.equal(stopped.reason, 'flooding');
    assert.match(stopped.detail ?? '', /re-opened its event stream 61 times in [\d.]+ s \(limit: 60 in 10 s\)/);
    report('direct GET stream: retry 0', f, { cpuMs: Math.round((used.user + used.system) / 1000) });
    console.log(`      said: ${stopped.detail}`);
  });

  it('a healthy event stream (GET) that ends every 1.5 s is re-opened and left alone', async () => {
    hostile = await startHostile('get-reconnect');
    const p = start();
    await p.configure([directSpec('h', hostile.url)]);
    await p.callTool('h', 'echo', {});
    await sleep(8000);
    assert.equal(await waitStopped(events, 'h', 10), undefined);
    assert.equal(p.snapshot('h')?.status, 'idle');
    await p.callTool('h', 'echo', {});
    // one session all along: the stream's re-opens did not take the link down
    assert.equal(events.filter((e) => e.type === 'started' && e.app === 'h').length, 1);
  });

  it('a tool call answered with an event stream whose one event never ends: the call fails as flooding', async () => {
    hostile = await startHostile('post-event');
    const p = start();
    await p.configure([directSpec('h', hostile.url)]);
    await p.warm('h');
    const watch = await watchHost();
    const e = await expectCode(p.callTool('h', 'echo', {}), 'flooding', /16 MB/);
    watch.detected();
    report('direct POST stream: one endless event', await watch.finish());
    console.log(`      said: ${e.message}`);
  });

  it('a tool call answered with an event stream of small events that never ends: the call fails as flooding (per-request cap)', async () => {
    hostile = await startHostile('post-total');
    const p = start();
    await p.configure([directSpec('h', hostile.url)]);
    await p.warm('h');
    const watch = await watchHost();
    const e = await expectCode(p.callTool('h', 'echo', {}), 'flooding', /more than 16 MB in answer to one request/);
    watch.detected();
    report('direct POST stream: endless small events', await watch.finish());
    console.log(`      said: ${e.message}`);
  });

  it('an error status whose body never ends: the start fails at once naming the status and the start of the body', async () => {
    hostile = await startHostile('error-body');
    const p = start();
    await p.configure([directSpec('h', hostile.url)]);
    const watch = await watchHost();
    const e = await expectCode(p.callTool('h', 'echo', {}), 'start-failed', /the server answered HTTP 500 Internal Server Error: internal trouble: x{20}/);
    watch.detected();
    report('direct error body', await watch.finish());
    assert.ok(e.message.length < 2000, `the message is short (${e.message.length} characters)`);
  });

  const documents: [mode: string, name: RegExp][] = [
    ['auth-prm', /the server's OAuth protected-resource metadata was larger than 1 MB/],
    ['auth-prm-elsewhere', /signing in with OAuth failed \(the server's OAuth protected-resource metadata was larger than 1 MB/],
    ['auth-asm-path', /the authorization server's metadata was larger than 1 MB/],
    ['auth-asm', /the authorization server's metadata was larger than 1 MB/],
    ['auth-register', /the authorization server's registration answer was larger than 1 MB/],
    ['auth-token', /the authorization server's token answer was larger than 1 MB/],
  ];
  for (const [mode, name] of documents) {
    it(`OAuth: an endless ${mode.slice(5)} document fails the sign-in, naming the document`, async () => {
      hostile = await startHostile(mode);
      const p = start(true);
      await p.configure([directSpec('h', hostile.url)]);
      const watch = await watchHost();
      const call = p.callTool('h', 'echo', {});
      if (mode === 'auth-token') {
        // play the user: follow the authorization URL; the code lands on the pool's loopback
        const end = Date.now() + 15_000;
        let ask: Extract<PoolEvent, { type: 'authRequired' }> | undefined;
        while (!ask && Date.now() < end) {
          ask = events.find((x): x is Extract<PoolEvent, { type: 'authRequired' }> => x.type === 'authRequired');
          await sleep(20);
        }
        assert.ok(ask, 'the pool asked for a sign-in');
        await (await fetch(ask.url)).text();
      }
      const e = await expectCode(call, 'start-failed', name);
      watch.detected();
      report(`direct OAuth: endless ${mode.slice(5)}`, await watch.finish());
      console.log(`      said: ${e.message}`);
    });
  }
});
