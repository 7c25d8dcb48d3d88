// `mcp-pool` as a whole process (dist/cli.js on this Node) against a real Pool serving the stdio
// fixture and a real Gateway on 127.0.0.1: every subcommand, every exit code, no pool running, a
// wrong token, a stale terminal environment, several editor windows, `stdio` used by an SDK
// Client over StdioClientTransport, and `stdio --fallback` with no pool.
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { publish } from '../../../src/contract/discovery';
import { Gateway } from '../../../src/gateway/gateway';
import { EXIT } from '../../../src/contract/protocol';
import type { Pool } from '../../../src/pool';
import { REPO_ROOT, STDIO_FIXTURE } from '../../fixtures/paths';
import { isAlive, waitUntil } from '../../fixtures/processTable';
import { expectNoProcesses, makePool, RUN_MARK, stdioSpec } from '../helpers';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');

interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The environment of a process outside the editor: no pool variables, its own discovery folder. */
function bareEnv(discoveryDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MCP_POOL_')) env[k] = v;
  return { ...env, MCP_POOL_DISCOVERY_DIR: discoveryDir, ...extra };
}

const children = new Set<ChildProcess>();

function start(args: readonly string[], opts: { env: Record<string, string>; cwd?: string; input?: string }): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [CLI, ...args], { env: opts.env, cwd: opts.cwd ?? tmpdir(), stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end(opts.input ?? '');
  const done = new Promise<Run>((resolve) =>
    child.on('close', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, done };
}

/** One line on stderr, prefixed `mcp-pool:`, no stack trace. */
function oneLine(r: Run): string {
  const lines = r.stderr.trimEnd().split('\n');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
  assert.match(lines[0], /^mcp-pool: /);
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  return lines[0];
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
}

describe('mcp-pool CLI as a process (real pool, real gateway)', function () {
  this.timeout(60_000);
  let pool: Pool;
  let gateway: Gateway;
  let dir: string;
  let callLog: string;
  let emptyDiscovery: string;
  let env: Record<string, string>;
  const run = (args: readonly string[], opts: { env?: Record<string, string>; cwd?: string; input?: string } = {}) =>
    start(args, { env: opts.env ?? env, cwd: opts.cwd, input: opts.input }).done;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-pool-test-cli-'));
    callLog = join(dir, 'calls.jsonl');
    emptyDiscovery = join(dir, 'no-windows');
    pool = makePool();
    await pool.configure([stdioSpec('f', { FIXTURE_FEATURES: '1', FIXTURE_CALL_LOG: callLog })]);
    gateway = new Gateway({ pool, window: { name: 'cli test window', startedAt: Date.now() } });
    await gateway.start();
    // as in the editor's integrated terminals
    env = bareEnv(emptyDiscovery, { MCP_POOL_URL: gateway.url, MCP_POOL_TOKEN: gateway.token });
  });

  afterEach(() => {
    for (const c of children) c.kill('SIGKILL');
  });

  after(async () => {
    await gateway?.close();
    gateway?.dispose();
    await pool?.shutdown();
    pool?.dispose();
    await expectNoProcesses();
    rmSync(dir, { recursive: true, force: true });
  });

  it('status: the window and its apps, as text and as JSON', async () => {
    await pool.warm('f');
    const text = await run(['status']);
    assert.equal(text.code, EXIT.ok, text.stderr);
    assert.match(text.stdout, /^cli test window \(window started \d+ s ago\)\nAPP +STATE +PID/);
    assert.match(text.stdout, new RegExp(`\\nf +idle +${pool.snapshot('f')!.pid} `));
    const json = await run(['status', '--json']);
    assert.equal(json.code, EXIT.ok);
    const body = JSON.parse(json.stdout);
    assert.equal(body.window.name, 'cli test window');
    assert.deepEqual(
      body.apps.map((a: { name: string }) => a.name),
      ['f'],
    );
    // the revision its connection speaks (the stdio fixture is a 2025 server), in the JSON and the table
    assert.deepEqual([body.apps[0].protocolVersion, body.apps[0].protocolEra], ['2025-11-25', 'legacy']);
    assert.match(text.stdout, /\nAPP +STATE +PID +UPTIME +LAST USED +CALLS +PROTOCOL +CLIENTS\n/);
    assert.match(text.stdout, new RegExp(`\\nf +idle +${pool.snapshot('f')!.pid} .* 2025-11-25 +`));
  });

  it('tools: name(arguments) and description; --json the raw list', async () => {
    const r = await run(['tools', 'f']);
    assert.equal(r.code, EXIT.ok, r.stderr);
    assert.match(r.stdout, /^add\(a, b\) +Adds two numbers\.$/m);
    assert.match(r.stdout, /^echo\(text\) +Echoes text back/m);
    assert.match(r.stdout, /^exit\(code\?\) /m);
    const json = JSON.parse((await run(['tools', 'f', '--json'])).stdout);
    assert.ok(json.tools.some((t: { name: string; inputSchema: unknown }) => t.name === 'echo' && t.inputSchema));
  });

  it('call: on the warm process, arguments typed by the schema, the result as text', async () => {
    await pool.warm('f'); // its own warm process: the test does not rely on an earlier one
    const pid = pool.snapshot('f')!.pid;
    assert.ok(pid, 'f runs before the call');
    const echo = await run(['call', 'f', 'echo', 'text=42']);
    assert.equal(echo.code, EXIT.ok, echo.stderr);
    assert.equal(echo.stdout, `42\n{"pid":${pid}}\n`, `text=42 stays text for a string argument, and the call runs on the warm process (pid ${pid})`);
    const add = await run(['call', 'f', 'add', 'a=2', 'b=3.5']);
    assert.equal(add.stdout, '5.5\n', 'a and b are numbers');
    assert.equal(pool.snapshot('f')!.pid, pid, 'no new process');
  });

  it('call: --json ARGS, key:=JSON, arguments from stdin, and --json for the raw result', async () => {
    assert.equal((await run(['call', 'f', 'add', '--json', '{"a":1,"b":2}'])).stdout, '3\n');
    assert.equal((await run(['call', 'f', 'add', 'a:=10', 'b:=5'])).stdout, '15\n');
    assert.equal((await run(['call', 'f', 'add', '-'], { input: '{"a":4,"b":4}' })).stdout, '8\n');
    assert.equal((await run(['call', 'f', 'add', '-', 'b=1'], { input: '{"a":4,"b":4}' })).stdout, '5\n', 'words add to the JSON');
    const raw = await run(['call', 'f', 'echo', 'text=hi', '--json']);
    assert.equal(raw.code, EXIT.ok);
    const result = JSON.parse(raw.stdout);
    assert.deepEqual(result.structuredContent, { text: 'hi', pid: pool.snapshot('f')!.pid, name: 'f' });
  });

  it('call: images and links summarised', async () => {
    const r = await run(['call', 'f', 'image']);
    assert.equal(r.code, EXIT.ok, r.stderr);
    assert.match(r.stdout, /^\[image image\/png, \d+ B\]$/m);
    assert.match(r.stdout, /^\[link \S+/m);
  });

  it('call: exit 1 when the tool returns an error (on stderr), exit 2 for what does not parse, exit 3 for what the pool refuses', async () => {
    const failed = await run(['call', 'f', 'fail', 'message=boom']);
    assert.equal(failed.code, EXIT.toolError, 'a listed tool that returns an error: exit 1, not a usage error');
    assert.equal(failed.stdout, '');
    assert.match(failed.stderr, /boom/);

    const badValue = await run(['call', 'f', 'add', 'a=two', 'b=1']);
    assert.equal(badValue.code, EXIT.usage);
    assert.match(badValue.stderr, /^mcp-pool: add: a must be a number \(got "two"\)\nusage: mcp-pool call <app> <tool>/);
    const badJson = await run(['call', 'f', 'add', '-'], { input: '{nope' });
    assert.equal(badJson.code, EXIT.usage);
    assert.equal((await run(['frobnicate'])).code, EXIT.usage);

    // an unknown tool is a usage error however the arguments are given: seen in the list read for
    // the schema (x=1), or after the server's error answer (x:=1, x=abc, none; an SDK server says it as a tool error)
    for (const args of [['x=1'], ['x:=1'], ['x=abc'], []]) {
      const noTool = await run(['call', 'f', 'nosuch', ...args]);
      assert.equal(noTool.code, EXIT.usage, args.join(' '));
      assert.match(
        noTool.stderr,
        /^mcp-pool: app "f" has no tool "nosuch" \(tools: .*echo.*\)(; the server said: .*Tool nosuch not found.*)?\nusage: /,
        args.join(' '),
      );
    }
    const noApp = await run(['tools', 'nope']);
    assert.equal(noApp.code, EXIT.pool);
    assert.match(oneLine(noApp), /nope/);
  });

  it('call: progress lines on stderr with --progress (none without, stderr being a pipe)', async () => {
    const withProgress = await run(['call', 'f', 'progress', 'steps=3', 'delayMs=5', '--progress']);
    assert.equal(withProgress.code, EXIT.ok, withProgress.stderr);
    assert.equal(withProgress.stdout, 'done\n');
    assert.deepEqual(withProgress.stderr.trimEnd().split('\n'), ['… step 1/3 (1/3)', '… step 2/3 (2/3)', '… step 3/3 (3/3)']);
    const quiet = await run(['call', 'f', 'progress', 'steps=2']);
    assert.equal(quiet.stderr, '');
  });

  it('call: Ctrl+C closes the request and the server is told to cancel', async () => {
    const { child, done } = start(['call', 'f', 'sleep', 'ms=30000'], { env });
    await waitUntil(() => readFileSync(callLog, 'utf8').includes('"ms":30000'), 10_000, 'the sleep reached the server');
    child.kill('SIGINT');
    const r = await done;
    assert.equal(r.code, 130);
    assert.equal(r.stderr, 'mcp-pool: cancelled\n');
    await waitUntil(
      () =>
        readFileSync(callLog, 'utf8')
          .split('\n')
          .some((l) => l.includes('"cancelled":true') && l.includes('30000')),
      10_000,
      'the server saw the cancellation',
    );
  });

  it('resources, read, prompts, prompt', async () => {
    const resources = await run(['resources', 'f']);
    assert.equal(resources.code, EXIT.ok, resources.stderr);
    assert.match(resources.stdout, /^fixture:\/\/text\/hello +hello · text\/plain$/m);
    assert.match(resources.stdout, /^fixture:\/\/files\/\{name\} +template/m);
    assert.equal((await run(['read', 'f', 'fixture://text/hello'])).stdout, 'Hello from the fixture\n');
    assert.match((await run(['read', 'f', 'fixture://blob/pixel.png'])).stdout, /^\[blob fixture:\/\/blob\/pixel\.png image\/png, \d+ B\]\n$/);
    const read = JSON.parse((await run(['read', 'f', 'fixture://text/hello', '--json'])).stdout);
    assert.equal(read.contents[0].text, 'Hello from the fixture');
    const prompts = await run(['prompts', 'f']);
    assert.match(prompts.stdout, /^greet\(name\) +Greets someone$/m);
    assert.match(prompts.stdout, /^review\(language, code\?\)/m);
    assert.equal((await run(['prompt', 'f', 'greet', 'name=Ann'])).stdout, 'user: Hello, Ann!\n');
    // a required argument left out: the server rejects the arguments, the command line needs changing
    const missing = await run(['prompt', 'f', 'greet']);
    assert.equal(missing.code, EXIT.usage);
    oneLine(missing);
    // the server's error answer, said once ("MCP error -32602: MCP error -32602: …" before)
    const noResource = await run(['read', 'f', 'fixture://no-such-resource']);
    assert.match(noResource.stderr, /Resource fixture:\/\/no-such-resource not found/);
    for (const r of [missing, noResource]) assert.ok((r.stderr.match(/MCP error/g) ?? []).length <= 1, r.stderr);
  });

  it('help, help <command>, --version', async () => {
    const help = await run(['--help']);
    assert.equal(help.code, EXIT.ok);
    assert.match(help.stdout, /^mcp-pool — /);
    assert.match(help.stdout, /Exit codes: 0 ok · 1 the tool returned an error · 2 usage · 3 pool or connection error/);
    assert.match((await run(['help', 'call'])).stdout, /^mcp-pool call <app> <tool>/);
    assert.match((await run(['stdio', '--help'])).stdout, /--fallback CMD ARGS…/);
    const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
    assert.equal((await run(['--version'])).stdout, `${pkg.version}\n`);
  });

  it('no pool running: one line saying what to do, exit 3', async () => {
    const r = await run(['call', 'f', 'echo', 'text=x'], { env: bareEnv(emptyDiscovery) });
    assert.equal(r.code, EXIT.pool);
    assert.equal(
      oneLine(r),
      'mcp-pool: no MCP pool is running: open VS Code with the MCP Remote Pool extension (or enable it), or give `mcp-pool stdio` a --fallback command',
    );
  });

  it("a fallback command run while a pool is up (the window has no such app) gets neither the pool's token nor the launcher's ELECTRON_RUN_AS_NODE", async () => {
    const r = await run(['stdio', 'no-such-app', '--fallback', '/bin/sh', '-c', 'env'], { env: { ...env, ELECTRON_RUN_AS_NODE: '1', KEEP_ME: 'yes' } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^KEEP_ME=yes$/m, 'the rest of the environment is kept');
    assert.doesNotMatch(r.stdout, /MCP_POOL_TOKEN|MCP_POOL_URL|ELECTRON_RUN_AS_NODE/);
    assert.ok(!r.stdout.includes(gateway.token));
  });

  it('a wrong token: the pool cannot prove it holds it, so it is never sent; one line, exit 3', async () => {
    const r = await run(['status'], { env: { ...env, MCP_POOL_TOKEN: 'wrong' } });
    assert.equal(r.code, EXIT.pool);
    assert.match(oneLine(r), /did not prove it holds the token \(its answer is wrong\); MCP_POOL_TOKEN is from an earlier editor session/);
    assert.doesNotMatch(r.stderr, new RegExp(gateway.token));
  });

  it('a stale terminal environment (nothing listens): the discovery folder is asked instead', async () => {
    const discovery = join(dir, 'stale-env');
    const stale = { ...bareEnv(discovery), MCP_POOL_URL: `http://127.0.0.1:${await closedPort()}`, MCP_POOL_TOKEN: 'old' };
    const alone = await run(['status'], { env: stale });
    assert.equal(alone.code, EXIT.pool);
    assert.match(oneLine(alone), /does not answer: nothing listens there/);
    const unpublish = publish(
      { version: 1, pid: process.pid, url: gateway.url, token: gateway.token, folders: [], window: { name: 'cli test window', startedAt: Date.now() } },
      discovery,
    );
    try {
      const r = await run(['call', 'f', 'add', 'a=1', 'b=1'], { env: stale });
      assert.equal(r.code, EXIT.ok, r.stderr);
      assert.equal(r.stdout, '2\n');
    } finally {
      unpublish();
    }
  });

  describe('several editor windows (discovery folder)', () => {
    let second: Gateway;
    let discovery: string;
    let folderA: string;
    let folderB: string;
    const unpublish: (() => void)[] = [];

    before(async () => {
      second = new Gateway({ pool, window: { name: 'second window', startedAt: Date.now() } });
      await second.start();
      discovery = join(dir, 'windows');
      folderA = join(dir, 'project-a');
      folderB = join(dir, 'project-b');
      mkdirSync(join(folderA, 'src'), { recursive: true });
      mkdirSync(folderB, { recursive: true });
      // Each window's pid must be alive: this process for the first, our parent for the second.
      unpublish.push(
        publish(
          { version: 1, pid: process.pid, url: gateway.url, token: gateway.token, folders: [folderA], window: { name: 'cli test window', startedAt: 1 } },
          discovery,
        ),
      );
      unpublish.push(
        publish(
          { version: 1, pid: process.ppid, url: second.url, token: second.token, folders: [folderB], window: { name: 'second window', startedAt: 2 } },
          discovery,
        ),
      );
      // and one whose editor is gone: skipped and deleted
      writeFileSync(
        join(discovery, '999999999-dead.json'),
        JSON.stringify({ version: 1, pid: 999_999_999, url: 'http://127.0.0.1:1', token: 'x', folders: [folderA], window: { name: 'dead', startedAt: 3 } }),
      );
    });
    after(async () => {
      for (const u of unpublish) u();
      await second?.close();
      second?.dispose();
    });

    const windowOf = (r: Run) => JSON.parse(r.stdout).window.name as string;

    it('picks the window whose folder holds the current folder', async () => {
      const outside = bareEnv(discovery);
      assert.equal(windowOf(await run(['status', '--json'], { env: outside, cwd: join(folderA, 'src') })), 'cli test window');
      assert.equal(windowOf(await run(['status', '--json'], { env: outside, cwd: folderB })), 'second window');
      assert.equal(existsSync(join(discovery, '999999999-dead.json')), false, 'the dead window was deleted');
    });

    it('none matches: exit 3, the windows listed with their --pool', async () => {
      const r = await run(['status'], { env: bareEnv(discovery), cwd: dir });
      assert.equal(r.code, EXIT.pool);
      assert.match(
        r.stderr,
        /^mcp-pool: 2 editor windows run a pool and none has .* open; choose one with --pool:\n {2}--pool \d+ {2}second window \(.*project-b\)\n {2}--pool \d+ {2}cli test window/,
      );
      assert.doesNotMatch(r.stderr, /\n\s+at /);
    });

    it('--pool by pid or folder', async () => {
      assert.equal(windowOf(await run(['status', '--json', '--pool', String(process.ppid)], { env: bareEnv(discovery), cwd: dir })), 'second window');
      assert.equal(windowOf(await run(['--pool', folderA, 'status', '--json'], { env: bareEnv(discovery), cwd: dir })), 'cli test window');
      const none = await run(['status', '--pool', '/nowhere'], { env: bareEnv(discovery), cwd: dir });
      assert.equal(none.code, EXIT.pool);
      assert.match(none.stderr, /^mcp-pool: no editor window matches --pool \/nowhere; the running ones:/);
    });
  });

  describe('stdio relay used by an SDK client', () => {
    let client: Client | undefined;
    afterEach(async () => {
      await client?.close();
      client = undefined;
    });

    it('lists tools, calls with progress, reads a resource, on the warm process; shows as a client of the app', async () => {
      await pool.warm('f');
      const pid = pool.snapshot('f')!.pid;
      const transport = new StdioClientTransport({ command: process.execPath, args: [CLI, 'stdio', 'f'], env, stderr: 'pipe' });
      let stderr = '';
      transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      client = new Client({ name: 'cli-relay-test', version: '1.2.3' });
      await client.connect(transport);
      const tools = await client.listTools();
      assert.ok(
        tools.tools.some((t) => t.name === 'echo'),
        stderr,
      );
      const progress: { progress: number; total?: number; message?: string }[] = [];
      // steps 100 ms apart, so at least the first arrives in a read of its own (see below)
      const result = await client.callTool({ name: 'progress', arguments: { steps: 3, delayMs: 100 } }, undefined, { onprogress: (p) => progress.push(p) });
      assert.deepEqual(result.content, [{ type: 'text', text: 'done' }]);
      // The SDK client handles a notification a microtask later than a response: when the last
      // progress and the result arrive in one read, it drops those progress notifications (the raw test below
      // shows the relay writes all of them, in order).
      assert.ok(progress.length >= 1, 'progress reaches the client');
      assert.deepEqual(
        progress.map((p) => p.message),
        ['step 1/3', 'step 2/3', 'step 3/3'].slice(0, progress.length),
      );
      const echo = await client.callTool({ name: 'echo', arguments: { text: 'via relay' } });
      assert.equal((echo.structuredContent as { pid: number }).pid, pid, 'the warm process');
      const read = await client.readResource({ uri: 'fixture://text/hello' });
      assert.equal((read.contents[0] as { text: string }).text, 'Hello from the fixture');
      assert.deepEqual(
        gateway.clients('f').map((c) => c.name),
        ['cli-relay-test'],
      );
      const status = JSON.parse((await run(['status', '--json'])).stdout);
      assert.deepEqual(status.apps[0].clients, [{ name: 'cli-relay-test', version: '1.2.3' }]);
      const relayPid = transport.pid!;
      await client.close();
      client = undefined;
      await waitUntil(() => gateway.clients('f').length === 0, 5000, 'the session ended with the client');
      await waitUntil(() => !isAlive(relayPid), 5000, 'the relay exited');
    });

    it('relays raw JSON-RPC in order: every progress notification before its result', async () => {
      const { child, done } = start(['stdio', 'f'], { env, input: undefined });
      const lines: Record<string, unknown>[] = [];
      let buf = '';
      child.stdout!.on('data', (d: string) => {
        buf += d;
        for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
          lines.push(JSON.parse(buf.slice(0, nl)));
          buf = buf.slice(nl + 1);
        }
      });
      // start() ended stdin; a raw session needs it open: use a fresh process with its own pipe
      await done;
      const relay = spawn(process.execPath, [CLI, 'stdio', 'f'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
      children.add(relay);
      const got: Record<string, unknown>[] = [];
      let rest = '';
      relay.stdout.setEncoding('utf8').on('data', (d: string) => {
        rest += d;
        for (let nl = rest.indexOf('\n'); nl >= 0; nl = rest.indexOf('\n')) {
          got.push(JSON.parse(rest.slice(0, nl)));
          rest = rest.slice(nl + 1);
        }
      });
      const send = (m: object) => relay.stdin.write(`${JSON.stringify(m)}\n`);
      send({
        jsonrpc: '2.0',
        id: 1,
        method: 'initialize',
        params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
      });
      await waitUntil(() => got.some((m) => m.id === 1), 10_000, 'initialize answered');
      send({ jsonrpc: '2.0', method: 'notifications/initialized' });
      send({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'progress', arguments: { steps: 3, delayMs: 0 }, _meta: { progressToken: 'p' } } });
      await waitUntil(() => got.some((m) => m.id === 2), 10_000, 'the call answered');
      const after = got.slice(1).map((m) => (m.method === 'notifications/progress' ? (m.params as { message: string }).message : `result ${m.id as number}`));
      assert.deepEqual(after, ['step 1/3', 'step 2/3', 'step 3/3', 'result 2']);
      const exited = new Promise<number | null>((r) => relay.on('close', (code) => r(code)));
      relay.stdin.end();
      assert.equal(await exited, EXIT.ok);
      children.delete(relay);
      assert.deepEqual(lines, [], 'a relay whose stdin is closed at once says nothing');
    });

    it('the pool goes away mid-session: a call in flight gets an error, the relay exits', async () => {
      const gone = new Gateway({ pool, window: { name: 'closing window', startedAt: Date.now() } });
      await gone.start();
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'stdio', 'f'],
        env: { ...env, MCP_POOL_URL: gone.url, MCP_POOL_TOKEN: gone.token },
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      const closed = new Promise<void>((r) => (transport.onclose = () => r()));
      client = new Client({ name: 'cli-gone-test', version: '1.0.0' });
      await client.connect(transport);
      await client.listTools();
      const relayPid = transport.pid!;
      const inFlight = client.callTool({ name: 'sleep', arguments: { ms: 20_000 } }).then(
        () => 'answered',
        (e: Error) => e.message,
      );
      await waitUntil(() => readFileSync(callLog, 'utf8').includes('"ms":20000'), 10_000, 'the sleep reached the server');
      await gone.close();
      gone.dispose();
      assert.match(await inFlight, /mcp-pool/);
      await waitUntil(() => !isAlive(relayPid), 10_000, 'the relay exited');
      await closed;
      assert.match(stderr, /mcp-pool stdio f: /);
      client = undefined;
    });

    it('no pool and no fallback: exit 3 with one line', async () => {
      const r = await run(['stdio', 'f'], { env: bareEnv(emptyDiscovery) });
      assert.equal(r.code, EXIT.pool);
      oneLine(r);
      const unknown = await run(['stdio', 'nope']);
      assert.equal(unknown.code, EXIT.pool);
      assert.match(oneLine(unknown), /cli test window has no app "nope" \(apps: f\)/);
    });

    it('--fallback with no pool: runs the command instead (a stdio server), and the client works', async () => {
      const transport = new StdioClientTransport({
        command: process.execPath,
        args: [CLI, 'stdio', 'f', '--fallback', process.execPath, STDIO_FIXTURE, RUN_MARK, '--name=fallback'],
        env: bareEnv(emptyDiscovery),
        stderr: 'pipe',
      });
      let stderr = '';
      transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
      client = new Client({ name: 'cli-fallback-test', version: '1.0.0' });
      await client.connect(transport);
      const echo = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
      const sc = echo.structuredContent as { name: string; pid: number };
      assert.equal(sc.name, 'fallback');
      assert.notEqual(sc.pid, pool.snapshot('f')!.pid);
      assert.match(stderr, /^mcp-pool: no MCP pool is running: .*; running the fallback: /);
      const relayPid = transport.pid!;
      await client.close();
      client = undefined;
      await waitUntil(() => !isAlive(relayPid) && !isAlive(sc.pid), 5000, 'the relay and its fallback exited');
    });

    it('--fallback when the pool has no such app', async () => {
      const r = await run(['stdio', 'nope', '--fallback', process.execPath, '-e', 'process.exit(7)']);
      assert.equal(r.code, 7, "the fallback's exit code");
      assert.match(r.stderr, /has no app "nope".*running the fallback/);
      const missing = await run(['stdio', 'nope', '--fallback', 'mcp-pool-test-no-such-command']);
      assert.equal(missing.code, EXIT.pool);
      assert.match(missing.stderr, /the fallback command mcp-pool-test-no-such-command could not start: not found/);
    });
  });
});
