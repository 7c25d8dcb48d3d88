/**
 * Proves the test fixtures are real MCP servers: the stdio fixture and the Streamable HTTP fixture
 * are driven with the SDK's own client transports, and the bundled mcp-remote (dist/mcp-remote/proxy.mjs,
 * built by `node esbuild.mjs`) is run for real against the HTTP fixture.
 *
 * Every test leaves no process behind: afterEach waits until this process has no descendants.
 */
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  ToolListChangedNotificationSchema,
  type CallToolResult,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { startHttpFixture, type HttpFixture } from '../fixtures/http-server';
import { BUNDLED_MCP_REMOTE, HTTP_FIXTURE, STDIO_FIXTURE } from '../fixtures/paths';
import { descendantsOf, isAlive, listProcesses, processesMatching, waitUntil } from '../fixtures/processTable';
import { tempDir } from './tempDirs';

const ALL_STDIO_TOOLS = [
  'add',
  'add_tool',
  'big',
  'close_stdin',
  'close_stdout',
  'crash',
  'echo',
  'exit',
  'fail',
  'flood_stderr',
  'garbage',
  'image',
  'invalid_jsonrpc',
  'progress',
  'say_stderr',
  'sleep',
  'spawn_child',
  'stderr_binary',
  'stray_response',
];

interface StdioConnection {
  client: Client;
  transport: StdioClientTransport;
  pid: number;
  stderr: () => Buffer;
  errors: Error[];
}

/** Cleanup steps registered by the running test, run (last first) in afterEach. */
let cleanups: (() => Promise<void> | void)[] = [];

function textOf(result: unknown, index = 0): string {
  const item = (result as CallToolResult).content[index];
  assert.equal(item.type, 'text');
  return (item as { text: string }).text;
}

function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && !k.startsWith('FIXTURE_') && k !== 'MCP_REMOTE_CONFIG_DIR') env[k] = v;
  }
  return { ...env, ...extra };
}

/** Spawns `command args` through the SDK's StdioClientTransport (stderr piped and collected) and connects a Client. */
async function connectStdio(
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 10_000,
): Promise<StdioConnection> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args,
    env: cleanEnv(env),
    stderr: 'pipe',
  });
  const chunks: Buffer[] = [];
  transport.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk));
  const client = new Client({ name: 'fixtures-test', version: '1.0.0' });
  const errors: Error[] = [];
  client.onerror = (error) => errors.push(error);
  cleanups.push(async () => {
    const pid = transport.pid;
    await client.close().catch(() => {});
    if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  await client.connect(transport, { timeout: timeoutMs });
  return { client, transport, pid: transport.pid!, stderr: () => Buffer.concat(chunks), errors };
}

async function startHttp(opts: Parameters<typeof startHttpFixture>[0] = {}): Promise<HttpFixture> {
  const fixture = await startHttpFixture(opts);
  cleanups.push(() => fixture.close());
  return fixture;
}

function readCallLog(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

describe('test fixtures', function () {
  this.timeout(15_000);

  afterEach(async function () {
    const steps = cleanups.reverse();
    cleanups = [];
    for (const step of steps) await step();
    await waitUntil(() => descendantsOf(process.pid).length === 0, 5_000, 'every child process to be gone').catch(
      (error: Error) => {
        const left = new Set(descendantsOf(process.pid));
        const detail = listProcesses()
          .filter((p) => left.has(p.pid))
          .map((p) => `${p.pid} ${p.cmdline}`);
        for (const pid of left) process.kill(pid, 'SIGKILL');
        throw new Error(`${error.message}; left: ${detail.join(' | ')}`);
      },
    );
  });

  describe('processTable', function () {
    it('sees this process, its parent and its command line', function () {
      const me = listProcesses().find((p) => p.pid === process.pid);
      assert.ok(me, 'this process is listed');
      assert.equal(me.ppid, process.ppid);
      assert.ok(me.cmdline.includes('mocha'), me.cmdline);
      assert.equal(isAlive(process.pid), true);
      assert.equal(isAlive(2 ** 22 + 12345), false);
      assert.ok(processesMatching('mocha').length > 0);
    });

    it('waitUntil resolves with the first truthy value and times out with a readable message', async function () {
      let n = 0;
      assert.equal(await waitUntil(() => (++n >= 3 ? 'yes' : ''), 1_000, 'three polls'), 'yes');
      await assert.rejects(waitUntil(() => false, 60, 'never'), /timed out after 60 ms waiting for never/);
    });
  });

  describe('stdio fixture (SDK StdioClientTransport)', function () {
    it('lists every tool, each with a description and an input schema', async function () {
      const { client } = await connectStdio([STDIO_FIXTURE]);
      assert.deepEqual(client.getServerVersion(), { name: 'fixture-stdio', version: '1.0.0' });
      const { tools } = await client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ALL_STDIO_TOOLS);
      for (const tool of tools) {
        assert.ok(tool.description, `${tool.name} has a description`);
        assert.equal(tool.inputSchema.type, 'object', `${tool.name} has an object input schema`);
      }
      const echo = tools.find((t) => t.name === 'echo')!;
      assert.ok(echo.outputSchema, 'echo declares an output schema');
    });

    it('echo returns the text, the pid and FIXTURE_NAME; add sums; calls are logged once', async function () {
      const log = join(tempDir('fixture-log-'), 'calls.jsonl');
      const { client, pid } = await connectStdio([STDIO_FIXTURE], { FIXTURE_NAME: 'alpha', FIXTURE_CALL_LOG: log });
      const echo = await client.callTool({ name: 'echo', arguments: { text: 'hello' } });
      assert.equal(textOf(echo, 0), 'hello');
      assert.deepEqual(JSON.parse(textOf(echo, 1)), { pid });
      assert.deepEqual(echo.structuredContent, { text: 'hello', pid, name: 'alpha' });

      const add = await client.callTool({ name: 'add', arguments: { a: 2, b: 40 } });
      assert.equal(textOf(add), '42');

      assert.deepEqual(readCallLog(log), [
        { tool: 'echo', args: { text: 'hello' }, pid },
        { tool: 'add', args: { a: 2, b: 40 }, pid },
      ]);
    });

    it('the switches also work as command-line flags', async function () {
      const { client } = await connectStdio([STDIO_FIXTURE, '--name=from-argv']);
      const echo = await client.callTool({ name: 'echo', arguments: { text: 'x' } });
      assert.equal((echo.structuredContent as { name: string }).name, 'from-argv');
    });

    it('progress reports each step to the caller (the last one may race the answer in the plain SDK transport)', async function () {
      const { client } = await connectStdio([STDIO_FIXTURE]);
      const seen: Progress[] = [];
      const result = await client.callTool({ name: 'progress', arguments: { steps: 3, delayMs: 10 } }, undefined, {
        onprogress: (p) => seen.push(p),
      });
      assert.equal(textOf(result), 'done');
      // The SDK runs notification handlers a microtask late but settles responses at once, so
      // when the last progress and the answer share a stdout chunk, StdioClientTransport drops
      // that progress. The pool's own transport does not (pool.test.ts asserts all three).
      const expected = [
        [1, 3, 'step 1/3'],
        [2, 3, 'step 2/3'],
        [3, 3, 'step 3/3'],
      ];
      const got = seen.map((p) => [p.progress, p.total, p.message]);
      assert.ok(got.length >= 2, JSON.stringify(got));
      assert.deepEqual(got, expected.slice(0, got.length));
    });

    it('fail returns isError; big returns 1 MB; image returns a PNG and a resource link', async function () {
      const { client } = await connectStdio([STDIO_FIXTURE]);
      const fail = await client.callTool({ name: 'fail', arguments: { message: 'nope' } });
      assert.equal(fail.isError, true);
      assert.equal(textOf(fail), 'nope');

      const big = await client.callTool({ name: 'big', arguments: { bytes: 1_000_000 } });
      assert.equal(textOf(big).length, 1_000_000);

      const image = (await client.callTool({ name: 'image', arguments: {} })) as CallToolResult;
      const [img, link] = image.content;
      assert.equal(img.type, 'image');
      assert.equal((img as { mimeType: string }).mimeType, 'image/png');
      const png = Buffer.from((img as { data: string }).data, 'base64');
      assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.equal(png.subarray(12, 16).toString('ascii'), 'IHDR');
      assert.equal(link.type, 'resource_link');
    });

    it('add_tool registers a tool at runtime and the server sends tools/list_changed', async function () {
      const { client } = await connectStdio([STDIO_FIXTURE]);
      let changed = 0;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        changed++;
      });
      const added = await client.callTool({ name: 'add_tool', arguments: { name: 'late_tool' } });
      assert.equal(textOf(added), 'added');
      await waitUntil(() => changed > 0, 2_000, 'notifications/tools/list_changed');
      const { tools } = await client.listTools();
      assert.ok(tools.some((t) => t.name === 'late_tool'));
      assert.equal(textOf(await client.callTool({ name: 'late_tool', arguments: {} })), 'dynamic late_tool');
      const again = await client.callTool({ name: 'add_tool', arguments: { name: 'late_tool' } });
      assert.equal(again.isError, true, 'adding the same tool twice is a tool error');
    });

    it('sleep stops when the request is cancelled and logs it', async function () {
      const log = join(tempDir('fixture-log-'), 'calls.jsonl');
      const { client, pid } = await connectStdio([STDIO_FIXTURE], { FIXTURE_CALL_LOG: log });
      assert.equal(textOf(await client.callTool({ name: 'sleep', arguments: { ms: 20 } })), 'slept 20');
      const abort = new AbortController();
      const call = client.callTool({ name: 'sleep', arguments: { ms: 60_000 } }, undefined, { signal: abort.signal });
      await waitUntil(() => readCallLog(log).length === 2, 2_000, 'the second sleep to start');
      abort.abort();
      // the SDK wraps the abort reason in an McpError
      await assert.rejects(call, { name: 'McpError', message: /AbortError: This operation was aborted/ });
      await waitUntil(() => readCallLog(log).some((e) => e.cancelled === true), 2_000, 'the cancellation to be logged');
      assert.deepEqual(readCallLog(log)[2], { tool: 'sleep', args: { ms: 60_000 }, cancelled: true, pid });
    });

    it('garbage and invalid_jsonrpc lines reach the client as errors, the real answer still arrives', async function () {
      const { client, errors } = await connectStdio([STDIO_FIXTURE]);
      assert.equal(textOf(await client.callTool({ name: 'garbage', arguments: { lines: 2 } })), 'ok');
      assert.equal(errors.length, 2, errors.map((e) => e.message).join('; '));
      assert.equal(textOf(await client.callTool({ name: 'invalid_jsonrpc', arguments: {} })), 'ok');
      assert.equal(errors.length, 3);
    });

    it('flood_stderr and stderr_binary write to stderr', async function () {
      const { client, stderr } = await connectStdio([STDIO_FIXTURE]);
      // 2000 lines (~200 KB) is more than a pipe buffer holds: it only completes because stderr is drained.
      assert.equal(textOf(await client.callTool({ name: 'flood_stderr', arguments: { lines: 2000 } })), 'flooded');
      assert.equal(textOf(await client.callTool({ name: 'stderr_binary', arguments: {} })), 'ok');
      await waitUntil(() => stderr().includes(Buffer.from([0xff, 0xfe, 0x80, 0x0a])), 2_000, 'the binary bytes');
      const lines = stderr().toString('latin1').split('\n');
      assert.equal(lines.filter((l) => l.startsWith('flood ')).length, 2000);
      assert.ok(lines.every((l) => !l.startsWith('flood ') || l.length === 95 || l.length === 96));
    });

    it('crash and exit end the process without answering', async function () {
      const first = await connectStdio([STDIO_FIXTURE]);
      await assert.rejects(first.client.callTool({ name: 'crash', arguments: {} }), /Connection closed/);
      await waitUntil(() => !isAlive(first.pid), 2_000, 'the crashed server to be gone');

      const second = await connectStdio([STDIO_FIXTURE]);
      await assert.rejects(second.client.callTool({ name: 'exit', arguments: { code: 5 } }), /Connection closed/);
      await waitUntil(() => !isAlive(second.pid), 2_000, 'the exited server to be gone');
    });

    it('close_stdout leaves the process running with nothing on stdout', async function () {
      const { client, pid } = await connectStdio([STDIO_FIXTURE]);
      await assert.rejects(client.callTool({ name: 'close_stdout', arguments: {} }, undefined, { timeout: 500 }), /timed out/i);
      assert.equal(isAlive(pid), true);
      assert.equal(readlinkSafe(`/proc/${pid}/fd/1`), process.platform === 'linux' ? '/dev/null' : undefined);
      process.kill(pid, 'SIGKILL');
      await waitUntil(() => !isAlive(pid), 2_000, 'the server to be gone');
    });

    it('spawn_child starts a grandchild under the server', async function () {
      const { client, pid } = await connectStdio([STDIO_FIXTURE]);
      const child = Number(textOf(await client.callTool({ name: 'spawn_child', arguments: {} })));
      assert.ok(isAlive(child));
      assert.ok(descendantsOf(process.pid).includes(child), 'the grandchild descends from the test process');
      assert.equal(listProcesses().find((p) => p.pid === child)?.ppid, pid);
      process.kill(child, 'SIGKILL');
      await waitUntil(() => !isAlive(child), 2_000, 'the grandchild to be gone');
    });

    it('FIXTURE_HANG_INIT never answers initialize', async function () {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [STDIO_FIXTURE],
        env: cleanEnv({ FIXTURE_HANG_INIT: '1' }),
        stderr: 'pipe',
      });
      const client = new Client({ name: 'fixtures-test', version: '1.0.0' });
      let pid: number | null = null;
      cleanups.push(async () => {
        if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
        await client.close().catch(() => {});
      });
      const connecting = client.connect(transport, { timeout: 400 });
      pid = await waitUntil(() => transport.pid, 2_000, 'the server to be spawned');
      // (The SDK closes the transport when initialize fails, which forgets the pid: keep our own.)
      await assert.rejects(connecting, /timed out/i);
      assert.ok(isAlive(pid), 'still running after initialize timed out');
    });

    it('FIXTURE_IGNORE_SIGTERM survives SIGTERM until SIGKILL', async function () {
      const child = spawn(process.execPath, [STDIO_FIXTURE, '--hang-init', '--ignore-sigterm'], {
        stdio: ['pipe', 'ignore', 'pipe'],
      });
      cleanups.push(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      let err = '';
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      await waitUntil(() => err.includes('hanging'), 5_000, 'the fixture to start');
      child.stdin.end();
      child.kill('SIGTERM');
      await waitUntil(() => err.includes('ignoring SIGTERM'), 2_000, 'SIGTERM to be ignored');
      assert.ok(isAlive(child.pid!));
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
    });

    it('FIXTURE_EXIT_AT_START and FIXTURE_STDERR_BANNER', function () {
      const banner = 'Please authorize this client by visiting: http://127.0.0.1:1/authorize';
      const run = spawnSync(process.execPath, [STDIO_FIXTURE], {
        env: cleanEnv({ FIXTURE_EXIT_AT_START: '7', FIXTURE_STDERR_BANNER: banner }),
        encoding: 'utf8',
        timeout: 5_000,
      });
      assert.equal(run.status, 7);
      assert.equal(run.stdout, '');
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines[0], banner);
      assert.match(lines[1], /exiting at start with code 7/);
    });
  });

  describe('HTTP fixture', function () {
    it('serves echo/add/fail/progress over Streamable HTTP with sessions, latency and stats', async function () {
      const fixture = await startHttp({ latencyMs: 150 });
      assert.match(fixture.url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
      const transport = new StreamableHTTPClientTransport(new URL(fixture.url), {
        requestInit: { headers: { Authorization: 'Bearer direct' } },
      });
      const client = new Client({ name: 'fixtures-test', version: '1.0.0' });
      cleanups.push(() => client.close());
      await client.connect(transport);
      assert.equal(client.getServerVersion()?.name, 'fixture-http');

      const started = Date.now();
      const echo = await client.callTool({ name: 'echo', arguments: { text: 'over http' } });
      assert.ok(Date.now() - started >= 140, 'latencyMs delays the call');
      assert.equal(textOf(echo), 'over http');
      assert.deepEqual(echo.structuredContent, { text: 'over http', pid: process.pid, name: 'fixture-http' });
      assert.equal(textOf(await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })), '3');
      assert.equal((await client.callTool({ name: 'fail', arguments: { message: 'bad' } })).isError, true);
      const seen: Progress[] = [];
      await client.callTool({ name: 'progress', arguments: { steps: 2 } }, undefined, { onprogress: (p) => seen.push(p) });
      assert.deepEqual(
        seen.map((p) => p.message),
        ['step 1/2', 'step 2/2'],
      );

      const stats = fixture.stats();
      assert.equal(stats.sessions, 1);
      assert.equal(stats.sessionsCreated, 1);
      assert.equal(stats.toolCalls, 4);
      assert.equal(stats.lastAuthorization, 'Bearer direct');
      assert.ok(stats.requests >= 6);

      await transport.terminateSession();
      assert.equal(fixture.stats().sessions, 0, 'DELETE ends the session');
    });

    it('close() ends open sessions and sockets, and stops listening', async function () {
      const fixture = await startHttpFixture();
      const client = new Client({ name: 'fixtures-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(fixture.url)));
      assert.equal(fixture.stats().sessions, 1);
      await fixture.close();
      assert.equal(fixture.stats().sessions, 0);
      await assert.rejects(fetch(fixture.url, { method: 'POST', body: '{}' }));
      await client.close();
    });

    it("modes '401', '404' and '500' answer every request with that status", async function () {
      const unauthorized = await startHttp({ mode: '401' });
      const res = await fetch(unauthorized.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream', Authorization: 'Bearer x' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
      });
      assert.equal(res.status, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer /);
      await res.arrayBuffer();
      assert.equal(unauthorized.stats().lastAuthorization, 'Bearer x');
      const wellKnown = await fetch(new URL('/.well-known/oauth-protected-resource', unauthorized.url));
      assert.equal(wellKnown.status, 404);
      await wellKnown.arrayBuffer();

      for (const mode of ['404', '500'] as const) {
        const fixture = await startHttp({ mode });
        const r = await fetch(fixture.url, { method: 'POST', body: '{}' });
        assert.equal(r.status, Number(mode));
        await r.arrayBuffer();
      }
    });

    it('runs standalone: prints {"url"} and exits cleanly on SIGTERM', async function () {
      const child = spawn(process.execPath, [HTTP_FIXTURE, '--port', '0', '--latency', '0'], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      cleanups.push(() => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      await waitUntil(() => out.includes('\n'), 5_000, 'the url line');
      const { url } = JSON.parse(out.split('\n')[0]) as { url: string };
      assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/mcp$/);

      const client = new Client({ name: 'fixtures-test', version: '1.0.0' });
      await client.connect(new StreamableHTTPClientTransport(new URL(url)));
      const echo = await client.callTool({ name: 'echo', arguments: { text: 'standalone' } });
      assert.equal((echo.structuredContent as { pid: number }).pid, child.pid);

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
      await client.close();
    });
  });

  describe('bundled mcp-remote against the HTTP fixture', function () {
    before(function () {
      if (!existsSync(BUNDLED_MCP_REMOTE)) throw new Error(`${BUNDLED_MCP_REMOTE} is missing: run node esbuild.mjs`);
    });

    it('proxies a tool call, passes --header and keeps its auth cache under $HOME', async function () {
      const fixture = await startHttp();
      const home = tempDir('mcp-remote-home-');
      const started = Date.now();
      const { client, stderr, pid } = await connectStdio(
        [BUNDLED_MCP_REMOTE, fixture.url, '--header', 'Authorization: Bearer through-mcp-remote'],
        { HOME: home },
      );
      const connectMs = Date.now() - started;

      const echo = await client.callTool({ name: 'echo', arguments: { text: 'via mcp-remote' } });
      assert.equal(textOf(echo), 'via mcp-remote');
      assert.deepEqual(echo.structuredContent, { text: 'via mcp-remote', pid: process.pid, name: 'fixture-http' });
      assert.equal(fixture.stats().lastAuthorization, 'Bearer through-mcp-remote');

      const log = stderr().toString('utf8');
      assert.match(log, new RegExp(`^\\[${pid}\\] `), 'every stderr line is prefixed with [pid]');
      assert.ok(log.includes('Proxy established successfully'), log);
      assert.ok(existsSync(join(home, '.mcp-auth', 'mcp-remote-v1')), 'auth cache lives under the temporary HOME');
      assert.ok(connectMs < 10_000, `connected in ${connectMs} ms`);

      await client.close();
      await waitUntil(() => !isAlive(pid), 3_000, 'mcp-remote to exit once stdin closes');
      assert.ok(stderr().toString('utf8').includes('Shutting down...'));
    });

    it('gives up and exits when the server answers 401 and registration is refused', async function () {
      const fixture = await startHttp({ mode: '401' });
      const home = tempDir('mcp-remote-home-');
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [BUNDLED_MCP_REMOTE, fixture.url],
        env: cleanEnv({ HOME: home }),
        stderr: 'pipe',
      });
      const chunks: Buffer[] = [];
      transport.stderr!.on('data', (chunk: Buffer) => chunks.push(chunk));
      const client = new Client({ name: 'fixtures-test', version: '1.0.0' });
      cleanups.push(async () => {
        const pid = transport.pid;
        await client.close().catch(() => {});
        if (pid && isAlive(pid)) process.kill(pid, 'SIGKILL');
      });
      await assert.rejects(client.connect(transport, { timeout: 10_000 }), /Connection closed/);
      const log = Buffer.concat(chunks).toString('utf8');
      assert.ok(log.includes('Dynamic Client Registration rejected (HTTP 401)'), log);
      assert.ok(!log.includes('Please authorize this client'), 'no browser sign-in was attempted');
    });
  });
});

function readlinkSafe(path: string): string | undefined {
  try {
    return readlinkSync(path);
  } catch {
    return undefined;
  }
}
