// The hosts' own CLIs read what "Use the Pool in…" writes, and reach the warm process through it:
// Claude Code's `claude mcp list` connects to the pooled app (initialize, tools/list) and Codex's
// app-server calls one of its tools, each through `mcp-pool stdio` and the real gateway, while the
// pool's process stays the one started before (no cold start, no second process). The entries are
// written by the same code the command runs (planRoutes → writeEdits) into a temporary HOME; the
// relay finds the window through the discovery folder in that HOME, as it would on a user's machine
// (Codex passes MCP servers only a short list of environment variables).
import * as assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { publish } from '../../src/contract/discovery';
import { writeLauncher } from '../../src/contract/launcher';
import { hostFiles, planRoutes, readHostText, writeEdits } from '../../src/hosts';
import { REPO_ROOT } from '../fixtures/paths';
import { expectNoProcesses, stdioSpec } from '../unit/helpers';
import { type Served, serve } from '../unit/gateway/helpers';
import { tempDir } from '../unit/tempDirs';

const CLIENTS = join(REPO_ROOT, '.cache', 'host-clients', 'node_modules', '.bin');
const run = promisify(execFile);

describe('host clients: their own CLIs reach the warm pool through what Use the Pool in… writes', function () {
  this.timeout(120_000);
  let s: Served | undefined;
  let unpublish: (() => void) | undefined;

  afterEach(async () => {
    unpublish?.();
    unpublish = undefined;
    await s?.close();
    s = undefined;
    await expectNoProcesses();
  });

  /** A temporary HOME with a window's gateway in its discovery folder, the launcher, and a warm app "notes". */
  async function machine() {
    const home = tempDir('host-clients-');
    s = await serve([stdioSpec('notes')]);
    unpublish = publish(
      { version: 1, pid: process.pid, url: s.gateway.url, token: s.gateway.token, folders: [], window: { name: 'test window', startedAt: Date.now() } },
      join(home, '.mcp-pool', 'windows'),
    );
    const launcher = writeLauncher(join(home, 'bin'), { node: process.execPath, cli: join(REPO_ROOT, 'dist', 'cli.js') });
    await s.pool.callTool('notes', 'echo', { text: 'warm' });
    const before = s.pool.snapshot('notes');
    assert.ok(before?.pid);
    const files = hostFiles({ home, platform: process.platform, env: {}, workspaceFolders: [] });
    const route = async (host: 'claude-code' | 'codex') => {
      const file = files.find((f) => f.host === host && f.scope === 'user');
      assert.ok(file);
      await writeEdits(await planRoutes(file, [{ entry: 'notes', app: 'notes' }], { launcher, read: readHostText }), undefined, {
        backupDir: join(home, '.mcp-pool', 'backups'),
      });
    };
    // only what a host passes on: no MCP_POOL_* from this process
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
      DISABLE_AUTOUPDATER: '1',
      DISABLE_TELEMETRY: '1',
      DISABLE_ERROR_REPORTING: '1',
    };
    return { home, env, route, pid: before.pid, served: s };
  }

  it('Claude Code: `claude mcp list` shows the pooled app connected, served by the process already running', async () => {
    const m = await machine();
    await m.route('claude-code');
    // newer Claude Code checks servers only in folders the user trusted
    const claudeJson = join(m.home, '.claude.json');
    const written = JSON.parse((await readHostText(claudeJson)) ?? '{}') as Record<string, unknown>;
    writeFileSync(claudeJson, JSON.stringify({ ...written, projects: { [m.home]: { hasTrustDialogAccepted: true } } }, null, 2));
    const t0 = Date.now();
    const { stdout } = await run(join(CLIENTS, 'claude'), ['mcp', 'list'], { env: m.env, cwd: m.home, timeout: 90_000 });
    console.log(`      claude mcp list: ${Date.now() - t0} ms`);
    const line = stdout.split('\n').find((l) => l.startsWith('notes:'));
    assert.ok(line, stdout);
    assert.match(line, /mcp-pool stdio notes - ✔ Connected/);
    const after = m.served.pool.snapshot('notes');
    assert.equal(after?.pid, m.pid, 'the same process');
    assert.equal(after?.starts, 1, 'no second start');
  });

  it('Codex: `codex mcp list` lists it, and the app-server calls a tool of the warm process through it', async () => {
    const m = await machine();
    await m.route('codex');
    const { stdout } = await run(join(CLIENTS, 'codex'), ['mcp', 'list', '--json'], { env: m.env, cwd: m.home, timeout: 60_000 });
    const listed = (JSON.parse(stdout) as { name: string; enabled: boolean; transport: { command: string; args: string[] } }[]).find((x) => x.name === 'notes');
    assert.ok(listed, stdout);
    assert.equal(listed.enabled, true);
    assert.deepEqual(listed.transport.args, ['stdio', 'notes']);
    const callsBefore = m.served.pool.snapshot('notes')?.calls ?? 0;
    const t0 = Date.now();
    const answer = await codexToolCall(join(CLIENTS, 'codex'), m.env, m.home, 'notes', 'echo', { text: 'from codex' });
    console.log(`      codex app-server tool call: ${Date.now() - t0} ms`);
    // the fixture's echo answers with the pid of the process that ran it
    assert.deepEqual((answer as { structuredContent?: unknown }).structuredContent, { text: 'from codex', name: 'notes', pid: m.pid });
    const after = m.served.pool.snapshot('notes');
    assert.equal(after?.pid, m.pid, 'the same process');
    assert.equal(after?.starts, 1, 'no second start');
    assert.equal(after?.calls, callsBefore + 1, 'the call ran on the pooled process');
  });
});

/** Codex's app-server (JSON lines over stdio): initialize, start a thread, call one MCP tool; the result. */
function codexToolCall(codex: string, env: Record<string, string>, cwd: string, server: string, tool: string, args: Record<string, unknown>): Promise<unknown> {
  mkdirSync(join(env.HOME, '.codex'), { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn(codex, ['app-server'], { env, cwd, stdio: ['pipe', 'pipe', 'ignore'] });
    const timer = setTimeout(() => finish(new Error('codex app-server did not answer in 60 s')), 60_000);
    let buffer = '';
    const send = (m: object) => child.stdin.write(`${JSON.stringify(m)}\n`);
    const finish = (result: Error | { value: unknown }) => {
      clearTimeout(timer);
      child.kill('SIGTERM');
      child.once('exit', () => (result instanceof Error ? reject(result) : resolve(result.value)));
    };
    child.on('error', (e) => finish(e));
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString('utf8');
      for (let i = buffer.indexOf('\n'); i >= 0; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        let m: { id?: number; result?: { thread?: { id: string } }; error?: { message: string } };
        try {
          m = JSON.parse(line) as typeof m;
        } catch {
          continue;
        }
        if (m.error) return finish(new Error(`codex app-server: ${m.error.message}`));
        if (m.id === 1) {
          send({ method: 'initialized' });
          send({ id: 2, method: 'thread/start', params: {} });
        } else if (m.id === 2) {
          send({ id: 3, method: 'mcpServer/tool/call', params: { threadId: m.result?.thread?.id, server, tool, arguments: args } });
        } else if (m.id === 3) return finish({ value: m.result });
      }
    });
    send({ id: 1, method: 'initialize', params: { clientInfo: { name: 'mcp-pool-test', version: '0.0.0' } } });
  });
}
