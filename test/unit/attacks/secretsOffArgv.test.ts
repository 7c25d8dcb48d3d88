// Secrets never on a command line: any local user reads /proc/PID/cmdline (`ps`). A remote app's
// header values — from `headers` or written as `--header Name:Value` in its `args` — and an inline
// `--static-oauth-client-info` reach the real bundled mcp-remote through a 0600 file that is gone
// once the handshake is done; the real HTTP server on 127.0.0.1 still receives the exact value.
// Every process the pool starts (mcp-remote, its descendants, the watchdog) is looked at, from
// before the spawn until the first call answered.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { join } from 'node:path';
import { waitUntil } from '../../fixtures/processTable';
import type { Pool } from '../../../src/pool';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';
import { makePool, remoteSpec, textOf } from '../helpers';
import { expectNoDescendants, ourDescendants, printFigures, tempDir } from '../faults/faultKit';

const figures: Record<string, unknown> = {};

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  } catch {
    return '';
  }
}

/** Every command line of our descendants, read every 10 ms until stop(); what each secret was found in. */
function watchCommandLines(secrets: readonly string[]): { stop(): { seen: number; leaks: string[] } } {
  const seen = new Set<number>();
  const leaks: string[] = [];
  const look = () => {
    for (const pid of ourDescendants()) {
      seen.add(pid);
      const line = cmdline(pid);
      for (const s of secrets) if (line.includes(s)) leaks.push(`pid ${pid}: ${line.split('\0').join(' ')}`);
    }
  };
  look();
  const timer = setInterval(look, 10);
  return {
    stop() {
      clearInterval(timer);
      look();
      return { seen: seen.size, leaks };
    },
  };
}

describe('attacks: secrets on command lines', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;
  let server: HttpFixture | undefined;
  let savedTmp: string | undefined;
  let tmp = '';

  beforeEach(() => {
    // the pool writes its secret files under the system temp folder: one of our own here, to look into
    savedTmp = process.env.TMPDIR;
    tmp = tempDir('pool-secret-tmp-');
    process.env.TMPDIR = tmp;
  });
  afterEach(async () => {
    if (savedTmp === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = savedTmp;
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await server?.close();
    server = undefined;
    await expectNoDescendants(5000);
  });
  after(() => printFigures('secrets off argv', figures));

  /** Secret files and folders under our temp folder, with their modes. */
  function secretFiles(): string[] {
    const out: string[] = [];
    for (const d of readdirSync(tmp).filter((n) => n.startsWith('mcp-pool-secrets-'))) {
      out.push(`${d} ${(statSync(join(tmp, d)).mode & 0o777).toString(8)}`);
      for (const f of existsSync(join(tmp, d)) ? readdirSync(join(tmp, d)) : []) out.push(`${d}/${f} ${(statSync(join(tmp, d, f)).mode & 0o777).toString(8)}`);
    }
    return out;
  }

  it('header values from "headers" and from "--header" in args reach the server exactly, and no command line holds them', async function () {
    if (process.platform !== 'linux') this.skip();
    server = await startHttpFixture();
    const fromHeaders = `Bearer hdr-${randomBytes(12).toString('hex')} tail;=,"x"`;
    const fromArgs = `Bearer arg-${randomBytes(12).toString('hex')}`;
    const clientSecret = `cs-${randomBytes(12).toString('hex')}`;
    const expandedToken = `env-${randomBytes(12).toString('hex')}`;
    pool = makePool();
    await pool.configure([
      remoteSpec('fromHeaders', server.url, { headers: { Authorization: fromHeaders, 'X-Tenant': 'blue' } }),
      remoteSpec('fromArgs', server.url, {
        args: ['--header', `Authorization:${fromArgs}`, '--static-oauth-client-info', JSON.stringify({ client_id: 'c', client_secret: clientSecret })],
      }),
      // `${NAME}` from the app's env is still expanded by mcp-remote, as before
      remoteSpec('expanded', server.url, {
        headers: { Authorization: 'Bearer ${POOL_TEST_TOKEN}' },
        env: { HOME: tempDir('home-'), POOL_TEST_TOKEN: expandedToken },
      }),
    ]);
    const secrets = [fromHeaders, fromHeaders.slice(7, 30), fromArgs.slice(7), clientSecret];
    const modes = new Set<string>();
    const sampler = setInterval(() => secretFiles().forEach((l) => modes.add(l.replace(/^mcp-pool-secrets-\w+/, 'DIR'))), 5);
    const watch = watchCommandLines(secrets);
    try {
      const t0 = Date.now();
      const r1 = await pool.callTool('fromHeaders', 'echo', { text: 'a' });
      assert.equal(textOf(r1.result.content).split('\n')[0], 'a');
      assert.equal(server.stats().lastAuthorization, fromHeaders, 'the exact header value reached the server');
      const r2 = await pool.callTool('fromArgs', 'echo', { text: 'b' });
      assert.equal(textOf(r2.result.content).split('\n')[0], 'b');
      assert.equal(server.stats().lastAuthorization, fromArgs);
      await pool.callTool('expanded', 'echo', { text: 'c' });
      assert.equal(server.stats().lastAuthorization, `Bearer ${expandedToken}`);
      figures.three_starts_and_calls_ms = Date.now() - t0;
    } finally {
      clearInterval(sampler);
    }
    const { seen, leaks } = watch.stop();
    figures.processes_watched = seen;
    figures.command_lines_with_a_secret = leaks.length;
    assert.deepEqual(leaks, [], 'no command line held a secret');
    assert.ok(seen >= 4, `mcp-remote ×3 and the watchdog were watched (${seen})`);
    // the files while they lived: a private folder, owner-only files; gone once the handshakes are done
    figures.secret_file_modes = [...modes].sort().join(', ');
    for (const m of modes) assert.match(m, /^DIR( 700|\/(headers|client-info\.json) 600)$/, m);
    assert.deepEqual(secretFiles(), [], 'no secret file left once the apps are running');
    // and the processes still running show none either
    for (const s of pool.snapshots()) if (s.pid) for (const sec of secrets) assert.ok(!cmdline(s.pid).includes(sec));
  });

  it("a host killed mid-start leaves no secret file: the watchdog removes it with the host's processes", async function () {
    if (process.platform !== 'linux') this.skip();
    const sockets = new Set<Socket>();
    const hole = createServer((sock) => {
      sockets.add(sock); // accept, answer nothing: the start hangs with the file in place
      sock.on('error', () => undefined);
    });
    await new Promise<void>((r) => hole.listen(0, '127.0.0.1', r));
    const host = spawn(process.execPath, [join(__dirname, 'secretHost.js'), `http://127.0.0.1:${(hole.address() as AddressInfo).port}/mcp`], {
      stdio: 'ignore',
      env: { ...process.env, TMPDIR: tmp, POOL_TEST_HOME: tempDir('home-') },
    });
    try {
      await waitUntil(() => secretFiles().some((l) => l.includes('/headers')), 15_000, 'the secret file written');
      await waitUntil(() => ourDescendants().some((p) => cmdline(p).includes('proxy')), 15_000, 'mcp-remote running');
      host.kill('SIGKILL');
      const t0 = Date.now();
      await waitUntil(() => secretFiles().length === 0, 10_000, `secret files removed (left: ${secretFiles().join(', ')})`);
      figures.secret_file_removed_after_host_kill_ms = Date.now() - t0;
    } finally {
      if (host.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => hole.close(() => r()));
    }
  });

  it('a start that fails removes its secret files too', async function () {
    if (process.platform !== 'linux') this.skip();
    server = await startHttpFixture({ mode: '404' });
    pool = makePool();
    await pool.configure([remoteSpec('nf', server.url, { headers: { Authorization: 'Bearer nope' } })]);
    await assert.rejects(pool.callTool('nf', 'echo', { text: 'x' }));
    assert.deepEqual(secretFiles(), []);
  });
});
