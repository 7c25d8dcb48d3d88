// Liveness in both eras, through the real pool. A modern (2026-07-28) connection has no ping: the
// pool asks with server/discover, which a modern server must answer. Through mcp-remote
// --protocol auto the proxy answers ping itself (it says nothing about the remote) but forwards
// server/discover: the pool asks that, so a frozen or dead remote is still noticed mid-call.
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppSpec, Pool, PoolError, PoolEvent } from '../../../src/pool';
import { MODERN_HTTP_FIXTURE, MODERN_STDIO_FIXTURE } from '../../fixtures/paths';
import { isAlive, waitUntil } from '../../fixtures/processTable';
import { collectEvents, expectNoProcesses, makePool, RUN_MARK, remoteSpec } from '../helpers';
import { tempDir } from '../tempDirs';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;

const FAST = { livenessIntervalMs: 500, pingTimeoutMs: 1000 };
const stops = (events: readonly PoolEvent[], reason: string) => events.filter((e) => e.type === 'stopped' && e.reason === reason).length;

async function failure(p: Promise<unknown>): Promise<{ error: PoolError; ms: number }> {
  const t0 = Date.now();
  try {
    await p;
  } catch (e) {
    return { error: e as PoolError, ms: Date.now() - t0 };
  }
  throw new Error('the call succeeded');
}

describe('liveness in both eras', function () {
  this.timeout(90_000);
  let pool: Pool | undefined;
  let dir: string;
  const children: ChildProcess[] = [];
  const figures: Record<string, number> = {};

  beforeEach(() => (dir = tempDir('eras-live-')));
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    for (const c of children.splice(0)) {
      if (c.pid !== undefined && isAlive(c.pid)) {
        c.kill('SIGCONT');
        c.kill('SIGKILL');
      }
    }
    await expectNoProcesses();
  });
  after(() => console.log(`      figures: ${JSON.stringify(figures)}`));

  const modernStdio = (extra: string[] = []): AppSpec => ({
    kind: 'stdio',
    name: 'm',
    command: process.execPath,
    args: [MODERN_STDIO_FIXTURE, RUN_MARK, `--stats-file=${join(dir, 'stats.json')}`, ...extra],
    env: {},
  });
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

  /** The modern HTTP fixture as a process of its own (so the test can freeze it), with its URL. */
  async function modernHttp(): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(process.execPath, [MODERN_HTTP_FIXTURE, RUN_MARK], { stdio: ['ignore', 'pipe', 'ignore'] });
    children.push(child);
    const url = await new Promise<string>((resolve, reject) => {
      child.once('exit', () => reject(new Error('the HTTP fixture exited')));
      child.stdout.once('data', (d: Buffer) => resolve((JSON.parse(String(d).split('\n')[0]) as { url: string }).url));
    });
    return { child, url };
  }

  it('modern stdio: liveness asks server/discover while a call is in flight; a server that answers it is not killed as hung when a call times out', async () => {
    pool = makePool({ ...FAST, callTimeoutMs: 3000 });
    const events = collectEvents(pool);
    await pool.configure([modernStdio(['--hang-after=1'])]);
    const first = await pool.callTool('m', 'echo', { text: 'up' });
    assert.equal(pool.snapshot('m')!.protocolEra, 'modern');
    const before = ((await stats()).methods['server/discover'] as number | undefined) ?? 0;
    const { error, ms } = await failure(pool.callTool('m', 'echo', { text: 'never answered' }));
    assert.equal(error.code, 'timeout', error.message);
    figures.modern_hang_after_timeout_ms = ms;
    const asked = ((await stats()).methods['server/discover'] as number) - before;
    assert.ok(asked >= 3, `server/discover asked ${asked} times during a 3 s call (every 0.5 s)`);
    await new Promise((r) => setTimeout(r, 1500)); // the hung check (after the timeout) has had its answer
    assert.equal(stops(events, 'hung'), 0, 'a server that answers server/discover is not hung');
    assert.equal(pool.snapshot('m')!.pid, first.pid, 'the same process serves on');
  });

  it('modern stdio frozen mid-call (SIGSTOP): the call times out, server/discover is not answered either, the tree is killed as hung', async () => {
    pool = makePool({ ...FAST, callTimeoutMs: 2000 });
    const events = collectEvents(pool);
    await pool.configure([modernStdio()]);
    const first = await pool.callTool('m', 'echo', { text: 'up' });
    const call = pool.callTool('m', 'sleep', { ms: 30_000 });
    await new Promise((r) => setTimeout(r, 200));
    process.kill(first.pid!, 'SIGSTOP');
    const { error, ms } = await failure(call);
    assert.equal(error.code, 'timeout', error.message);
    await waitUntil(() => stops(events, 'hung') === 1, 5000, 'killed as hung');
    assert.match(pool.snapshot('m')!.lastError ?? '', /^hung: no answer to .* nor to a ping/);
    figures.modern_frozen_hung_ms = ms;
  });

  it('modern stdio killed mid-call: the call fails at once with the exit', async () => {
    pool = makePool({ ...FAST, callTimeoutMs: 60_000 });
    await pool.configure([modernStdio()]);
    const first = await pool.callTool('m', 'echo', { text: 'up' });
    const call = pool.callTool('m', 'sleep', { ms: 30_000 });
    await new Promise((r) => setTimeout(r, 200));
    const t0 = Date.now();
    process.kill(first.pid!, 'SIGKILL');
    const { error } = await failure(call);
    const ms = Date.now() - t0;
    assert.equal(error.code, 'crashed', error.message);
    assert.ok(ms < 5000, `failed ${ms} ms after the kill`);
    figures.modern_killed_ms = ms;
  });

  for (const fault of ['frozen', 'dead'] as const)
    it(`through mcp-remote --protocol auto, the modern HTTP remote ${fault} mid-call: the call fails as unreachable (server/discover reaches the remote; ping would not)`, async () => {
      const { child, url } = await modernHttp();
      pool = makePool({ ...FAST, callTimeoutMs: 60_000 });
      const events = collectEvents(pool);
      await pool.configure([remoteSpec('r', url, { args: ['--protocol', 'auto'] })]);
      const up = await pool.callTool('r', 'echo', { text: 'up' });
      assert.equal((up.result.structuredContent as Report).era, 'modern', 'the remote served the call in the modern era');
      const call = pool.callTool('r', 'sleep', { ms: 30_000 });
      await new Promise((r) => setTimeout(r, 300));
      const t0 = Date.now();
      child.kill(fault === 'frozen' ? 'SIGSTOP' : 'SIGKILL');
      const { error } = await failure(call);
      const ms = Date.now() - t0;
      assert.equal(error.code, 'unreachable', error.message);
      assert.match(
        error.message,
        fault === 'frozen' ? /no answer to 2 pings in a row/ : /unreachable during the call|could not reach the server: .*fetch failed/,
      );
      // at most: the wait for the next check (0.5 s) + two of 1 s, plus slack on a loaded box
      assert.ok(ms < (fault === 'frozen' ? 6000 : 4000), `failed ${ms} ms after the remote was ${fault} (call timeout 60 s)`);
      await waitUntil(() => stops(events, 'unreachable') === 1, 10_000, 'the proxy retired as unreachable');
      assert.equal(stops(events, 'hung'), 0);
      figures[`remote_auto_${fault}_ms`] = ms;
    });
});
