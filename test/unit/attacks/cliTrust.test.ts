// The `mcp-pool` CLI trusts a pool only once it proves it holds the token, with real parts: a
// real pool and gateway write a discovery entry, the gateway stops, a hostile HTTP listener takes
// its port (recording every byte) and the entry's pid is a live process that is no pool; the real
// CLI (dist/cli.js) must send it neither the token nor a call's arguments. Discovery entries that
// are not the user's own 0600 regular files naming a loopback URL are skipped; so is an entry whose
// pid now belongs to another process. MCP_POOL_URL must be loopback. Text from servers is printed
// with its control characters shown, not acted on. The launcher's fallback gets no token, its
// folder takes no umask, its temporary file is not predictable; the discovery folder is never a link.
import * as assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, request as httpRequest } from 'node:http';
import { createServer as createTcpServer, type Server as TcpServer, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { callApi } from '../../../src/cli/api';
import { ProvenAgent } from '../../../src/cli/poolProof';
import type { PoolTarget } from '../../../src/cli/poolLookup';
import { processStartTime, publish, scanEntries } from '../../../src/contract/discovery';
import { writeLauncher } from '../../../src/contract/launcher';
import { proofOf, PROOF_HEADER, PROOF_PATH } from '../../../src/contract/proof';
import { EXIT } from '../../../src/contract/protocol';
import { Gateway } from '../../../src/gateway/gateway';
import type { Pool } from '../../../src/pool';
import { REPO_ROOT } from '../../fixtures/paths';
import { waitUntil } from '../../fixtures/processTable';
import { expectNoProcesses, makePool, stdioSpec } from '../helpers';
import { tempDir } from '../tempDirs';

const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const posixOnly = process.platform === 'win32' ? describe.skip : describe;

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

const children = new Set<ChildProcess>();

/** A process outside the editor: no pool variables, its own discovery folder. */
function bareEnv(discovery: string, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MCP_POOL_')) env[k] = v;
  return { ...env, MCP_POOL_DISCOVERY_DIR: discovery, ...extra };
}

/** Runs a program (never through a shell) to its end. */
function runProgram(command: string, args: readonly string[], env: Record<string, string>, cwd = tmpdir()): Promise<Run> {
  const child = spawn(command, args, { env, cwd, stdio: ['pipe', 'pipe', 'pipe'] });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin.end();
  return new Promise((resolve) =>
    child.on('close', (code) => {
      children.delete(child);
      resolve({ code, stdout, stderr });
    }),
  );
}

const cli = (args: readonly string[], env: Record<string, string>) => runProgram(process.execPath, [CLI, ...args], env);

/** A live process that is no pool (so a pid check alone passes). */
function bystander(): ChildProcess {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e3)'], { stdio: 'ignore' });
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}

/**
 * A hostile HTTP listener: records every byte it receives and answers every request with a forged
 * "result" (which the old CLI printed) and a forged "proof".
 */
class Impostor {
  readonly received: Buffer[] = [];
  private readonly server: TcpServer;
  private readonly sockets = new Set<Socket>();
  requests = 0;

  constructor() {
    const forged = `${JSON.stringify({ proof: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', result: { content: [{ type: 'text', text: 'FORGED RESULT' }] } })}\n`;
    this.server = createTcpServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      socket.on('error', () => undefined);
      let head = '';
      socket.on('data', (d: Buffer) => {
        this.received.push(d);
        head += d.toString('latin1');
        while (head.includes('\r\n\r\n')) {
          head = head.slice(head.indexOf('\r\n\r\n') + 4);
          this.requests++;
          socket.write(`HTTP/1.1 200 OK\r\ncontent-type: application/x-ndjson\r\ncontent-length: ${Buffer.byteLength(forged)}\r\n\r\n${forged}`);
        }
      });
    });
  }

  listen(port: number, host = '127.0.0.1'): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  get bytes(): string {
    return Buffer.concat(this.received).toString('latin1');
  }

  close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

/** The one JSON file in a discovery folder, rewritten by `edit`. */
function editEntry(dir: string, edit: (e: Record<string, unknown>) => void): string {
  const [name] = readdirSync(dir).filter((n) => n.endsWith('.json'));
  const file = join(dir, name);
  const entry = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  edit(entry);
  writeFileSync(file, JSON.stringify(entry), { mode: 0o600 });
  return file;
}

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('attack: a stale discovery entry whose port another program took (real pool, gateway, CLI)', function () {
  this.timeout(60_000);
  let pool: Pool;
  let gateway: Gateway | undefined;
  let impostor: Impostor | undefined;
  let discovery: string;
  let token: string;
  let port: number;
  const SECRET_ARG = `secret-argument-${Date.now()}`;

  beforeEach(async () => {
    discovery = join(tempDir('trust-'), 'windows');
    pool = makePool();
    await pool.configure([stdioSpec('f')]);
    gateway = new Gateway({ pool, window: { name: 'closed window', startedAt: Date.now() } });
    await gateway.start();
    token = gateway.token;
    port = Number(new URL(gateway.url).port);
    // as the editor does (gatewayService.ts): this process's pid, url, token
    publish({ version: 1, pid: process.pid, url: gateway.url, token, folders: [], window: { name: 'closed window', startedAt: Date.now() } }, discovery);
    // the window's gateway goes away without removing its entry (a crash), another program takes its port
    await gateway.close();
    gateway.dispose();
    gateway = undefined;
    impostor = new Impostor();
    await impostor.listen(port);
  });

  afterEach(async () => {
    await impostor?.close();
    impostor = undefined;
    await gateway?.close();
    gateway?.dispose();
    await pool?.shutdown();
    pool?.dispose();
    await expectNoProcesses();
  });

  const assertNothingSent = (what: string) => {
    const bytes = impostor!.bytes;
    assert.ok(!bytes.includes(token), `${what}: the token reached the impostor`);
    assert.ok(!bytes.includes(SECRET_ARG), `${what}: the call's arguments reached the impostor`);
    assert.doesNotMatch(bytes, /authorization/i, `${what}: an Authorization header reached the impostor`);
  };

  it('the pid is alive and its start time matches (what a pid check cannot tell): every command asks for the proof, sends nothing else, exits 3', async () => {
    const live = bystander();
    await waitUntil(() => processStartTime(live.pid!) !== undefined || process.platform !== 'linux', 5000, 'the bystander runs');
    // the entry names a live process that is no pool, with that process's own start time
    editEntry(discovery, (e) => {
      e.pid = live.pid;
      const start = processStartTime(live.pid!);
      if (start) e.startTime = start;
      else delete e.startTime;
    });
    const env = bareEnv(discovery);
    const commands = [
      ['call', 'f', 'echo', `text=${SECRET_ARG}`],
      ['call', 'f', 'add', 'a:=1', `b:=${JSON.stringify(SECRET_ARG)}`],
      ['tools', 'f'],
      ['status'],
      ['read', 'f', SECRET_ARG],
      ['prompt', 'f', 'p', `x=${SECRET_ARG}`],
    ];
    for (const args of commands) {
      const r = await cli(args, env);
      assert.equal(r.code, EXIT.pool, `${args.join(' ')}: ${r.stderr}`);
      assert.equal(r.stdout, '', `${args.join(' ')} printed nothing of the impostor's`);
      assert.doesNotMatch(r.stderr, /FORGED/);
      assert.match(
        r.stderr,
        new RegExp(
          `^mcp-pool: the pool at http://127\\.0\\.0\\.1:${port} \\(from closed window \\(pid ${live.pid}\\)\\) did not prove it holds the token \\(its answer is wrong\\); the entry is stale or another program took its port\\. Nothing else was sent to it\\n$`,
        ),
      );
      assertNothingSent(args.join(' '));
    }
    assert.equal(impostor!.requests, commands.length, 'one request per command: the proof, and nothing after it');
    assert.match(impostor!.bytes, new RegExp(`GET ${PROOF_PATH} HTTP/1\\.1\\r\\n`));
    console.log(
      `      ${commands.length} commands against the impostor: ${impostor!.received.reduce((n, b) => n + b.length, 0)} bytes received, none of them the token or an argument`,
    );
  });

  it('`mcp-pool stdio`: the relay sends nothing but the proof request; with --fallback the fallback runs instead', async () => {
    const live = bystander();
    editEntry(discovery, (e) => {
      e.pid = live.pid;
      const start = processStartTime(live.pid!);
      if (start) e.startTime = start;
    });
    const env = bareEnv(discovery);
    const r = await cli(['stdio', 'f'], env);
    assert.equal(r.code, EXIT.pool, r.stderr);
    assert.match(r.stderr, /did not prove it holds the token/);
    const fb = await cli(['stdio', 'f', '--fallback', process.execPath, '-e', 'process.exit(7)'], env);
    assert.equal(fb.code, 7, fb.stderr);
    assert.match(fb.stderr, /did not prove it holds the token.*running the fallback/);
    assertNothingSent('stdio');
  });

  it('the pid was reused by another process (start time differs): the entry is stale, skipped and deleted; nothing is sent', async function () {
    if (process.platform !== 'linux') this.skip();
    const live = bystander();
    await waitUntil(() => processStartTime(live.pid!), 5000, 'the bystander runs');
    // same entry, start time of the process that wrote it, pid now another live process's
    const file = editEntry(discovery, (e) => {
      assert.equal(typeof e.startTime, 'string', 'publish records the start time');
      assert.equal(typeof e.nonce, 'string', 'publish records a nonce');
      e.pid = live.pid;
    });
    const r = await cli(['call', 'f', 'echo', `text=${SECRET_ARG}`], bareEnv(discovery));
    assert.equal(r.code, EXIT.pool);
    assert.match(r.stderr, /^mcp-pool: no MCP pool is running: .*\(1 discovery entry was not used: .*: its pid \d+ now belongs to another process/);
    assert.equal(existsSync(file), false, 'the stale entry was deleted');
    assert.equal(impostor!.received.length, 0, 'not even a connection');
  });

  it("a terminal's stale MCP_POOL_URL whose port another program took: the token is not sent, exit 3", async () => {
    const r = await cli(
      ['call', 'f', 'echo', `text=${SECRET_ARG}`],
      bareEnv(join(discovery, 'none'), { MCP_POOL_URL: `http://127.0.0.1:${port}`, MCP_POOL_TOKEN: token }),
    );
    assert.equal(r.code, EXIT.pool);
    assert.match(
      r.stderr,
      /^mcp-pool: the pool at .* \(from MCP_POOL_URL\) did not prove it holds the token .*MCP_POOL_TOKEN is from an earlier editor session/,
    );
    assertNothingSent('stale MCP_POOL_URL');
  });
});

describe('attack: the window closes mid-session and another program takes its port (real `mcp-pool stdio` relay, SDK client)', function () {
  this.timeout(60_000);
  let pool: Pool;
  let gateway: Gateway | undefined;
  let impostor: Impostor | undefined;
  let client: Client | undefined;

  afterEach(async () => {
    await client?.close().catch(() => undefined);
    await impostor?.close();
    await gateway?.close();
    gateway?.dispose();
    await pool?.shutdown();
    pool?.dispose();
    await expectNoProcesses();
  });

  it('measured: a call through the relay (each of its connections proven once)', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('f')]);
    gateway = new Gateway({ pool, window: { name: 'w', startedAt: Date.now() } });
    await gateway.start();
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'stdio', 'f'],
      env: bareEnv(join(tmpdir(), 'mcp-pool-no-such-discovery'), { MCP_POOL_URL: gateway.url, MCP_POOL_TOKEN: gateway.token }),
      stderr: 'pipe',
    });
    client = new Client({ name: 'trust-test', version: '1' });
    await client.connect(transport);
    await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } });
    const times: number[] = [];
    for (let i = 0; i < 60; i++) {
      const t = process.hrtime.bigint();
      await client.callTool({ name: 'add', arguments: { a: i, b: 1 } });
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    times.sort((a, b) => a - b);
    console.log(
      `      a call through \`mcp-pool stdio\` (connections proven once, kept alive): median ${times[30].toFixed(2)} ms, p90 ${times[54].toFixed(2)} ms (60 calls)`,
    );
    assert.ok(times[30] < 500);
  });

  it('each new connection of the relay proves the pool holds the token: neither the token nor the next call reach the impostor; the relay ends', async () => {
    pool = makePool();
    await pool.configure([stdioSpec('f')]);
    gateway = new Gateway({ pool, window: { name: 'w', startedAt: Date.now() } });
    await gateway.start();
    const token = gateway.token;
    const port = Number(new URL(gateway.url).port);
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI, 'stdio', 'f'],
      env: bareEnv(join(tmpdir(), 'mcp-pool-no-such-discovery'), { MCP_POOL_URL: gateway.url, MCP_POOL_TOKEN: token }),
      stderr: 'pipe',
    });
    let stderr = '';
    transport.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => (transport.onclose = () => resolve(null)));
    client = new Client({ name: 'trust-test', version: '1' });
    await client.connect(transport);
    assert.equal((await client.callTool({ name: 'add', arguments: { a: 1, b: 2 } })).isError ?? false, false, 'works on the real pool');
    // the window closes; at once another program takes its port
    await gateway.close();
    gateway.dispose();
    gateway = undefined;
    impostor = new Impostor();
    await impostor.listen(port);
    const secret = `mid-session-secret-${Date.now()}`;
    await client.callTool({ name: 'echo', arguments: { text: secret } }).then(
      (r) => assert.ok(r.isError || !JSON.stringify(r).includes('FORGED'), 'no forged result'),
      () => undefined,
    );
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    const bytes = impostor.bytes;
    assert.ok(!bytes.includes(token), `the token reached the impostor: ${bytes}\n---\n${stderr}`);
    assert.ok(!bytes.includes(secret), "the call's arguments reached the impostor");
    assert.doesNotMatch(bytes, /authorization/i);
    assert.match(stderr, /did not prove it holds the token/, stderr);
    console.log(`      relay after its window closed: ${impostor.requests} request(s) to the impostor (the proof), ${bytes.length} bytes, no token`);
  });
});

describe('discovery entries that are not trusted are skipped (real gateway behind each)', function () {
  this.timeout(60_000);
  let pool: Pool;
  let gateway: Gateway;

  before(async () => {
    pool = makePool();
    await pool.configure([stdioSpec('f')]);
    gateway = new Gateway({ pool, window: { name: 'w', startedAt: Date.now() } });
    await gateway.start();
  });
  after(async () => {
    await gateway?.close();
    gateway?.dispose();
    await pool?.shutdown();
    pool?.dispose();
    await expectNoProcesses();
  });

  const entry = (url = gateway.url) => ({
    version: 1 as const,
    pid: process.pid,
    url,
    token: gateway.token,
    folders: [],
    window: { name: 'w', startedAt: Date.now() },
  });

  it('a good entry is used (the control)', async () => {
    const dir = join(tempDir('trust-'), 'windows');
    publish(entry(), dir);
    const r = await cli(['status', '--json'], bareEnv(dir));
    assert.equal(r.code, EXIT.ok, r.stderr);
    assert.equal(statSync(dir).mode & 0o777, 0o700);
  });

  const skippedWith = async (dir: string, reason: RegExp) => {
    const r = await cli(['status'], bareEnv(dir));
    assert.equal(r.code, EXIT.pool, `the entry was used: ${r.stdout}`);
    assert.match(r.stderr, /^mcp-pool: no MCP pool is running: /);
    assert.match(r.stderr, reason);
    assert.ok(!r.stderr.includes(gateway.token));
    const debug = await cli(['status'], bareEnv(dir, { MCP_POOL_DEBUG: '1' }));
    assert.match(debug.stderr, /^mcp-pool: skipped the discovery entry .*\.json: /m);
  };

  it('mode 0644 (others could read the token)', async () => {
    const dir = join(tempDir('trust-'), 'windows');
    publish(entry(), dir);
    chmodSync(
      editEntry(dir, () => undefined),
      0o644,
    );
    await skippedWith(dir, /its mode is 0644: it must be 0600/);
  });

  it('owned by another user', async function () {
    if (process.getuid?.() !== 0) this.skip(); // only root can give a file away
    const dir = join(tempDir('trust-'), 'windows');
    publish(entry(), dir);
    chownSync(
      editEntry(dir, () => undefined),
      65534,
      65534,
    );
    await skippedWith(dir, /owned by uid 65534, not by you \(uid 0\)/);
  });

  it('a symbolic link to an entry', async () => {
    const base = tempDir('trust-');
    const real = join(base, 'real');
    publish(entry(), real);
    const dir = join(base, 'windows');
    mkdirSync(dir, { mode: 0o700 });
    const [name] = readdirSync(real);
    symlinkSync(join(real, name), join(dir, name));
    await skippedWith(dir, /a symbolic link, not a file/);
  });

  it("an entry of a newer version (a window running a newer MCP Remote Pool): skipped, and left for that version's CLI", async () => {
    const dir = join(tempDir('trust-'), 'windows');
    publish(entry(), dir);
    const file = editEntry(dir, (e) => (e.version = 2));
    await skippedWith(dir, /written by a newer MCP Remote Pool \(entry version 2\)/);
    assert.ok(existsSync(file), 'not deleted');
  });

  it('a URL that is not loopback', async () => {
    const dir = join(tempDir('trust-'), 'windows');
    publish(entry(`http://example.invalid:${new URL(gateway.url).port}`), dir);
    await skippedWith(dir, /its URL is not http:\/\/127\.0\.0\.1:PORT/);
  });

  it('MCP_POOL_URL that is not loopback: a clear error, nothing is sent', async () => {
    const external = Object.values(networkInterfaces())
      .flat()
      .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;
    const impostor = new Impostor();
    try {
      let url = 'http://example.invalid:1';
      if (external) {
        await impostor.listen(0, external);
        url = `http://${external}:${impostor.port}`;
      }
      const r = await cli(['status'], bareEnv(join(tempDir('trust-'), 'none'), { MCP_POOL_URL: `${url}/path?q=1`, MCP_POOL_TOKEN: gateway.token }));
      assert.equal(r.code, EXIT.pool);
      assert.match(r.stderr, /^mcp-pool: MCP_POOL_URL is http:\/\/\S+: it must be http:\/\/127\.0\.0\.1:PORT, where the pool's gateway listens/);
      assert.doesNotMatch(r.stderr, /path\?q=1/);
      assert.equal(impostor.received.length, 0, 'not even a connection');
    } finally {
      await impostor.close();
    }
  });
});

describe('MCP_POOL_URL on [::1], where the gateway does not listen', function () {
  this.timeout(30_000);
  it('is refused before anything is sent: a listener there (another local user) could relay the proof to the real gateway and get the token', async function () {
    const impostor = new Impostor();
    try {
      await impostor.listen(0, '::1');
    } catch {
      return this.skip(); // no IPv6 loopback on this machine
    }
    try {
      for (const host of [`[::1]:${impostor.port}`, `localhost:${impostor.port}`]) {
        const r = await cli(
          ['call', 'f', 'echo', 'text=SECRET-ARGUMENT'],
          bareEnv(join(tempDir('trust-'), 'none'), { MCP_POOL_URL: `http://${host}`, MCP_POOL_TOKEN: 'a-token' }),
        );
        assert.equal(r.code, EXIT.pool, r.stderr);
        assert.match(r.stderr, /it must be http:\/\/127\.0\.0\.1:PORT/);
      }
      assert.equal(impostor.received.length, 0, 'not even a connection');
    } finally {
      await impostor.close();
    }
  });
});

describe('a window still running an older MCP Remote Pool (no proof route)', function () {
  this.timeout(30_000);
  it('is named as such (reload that window), not only as a possible impostor, and gets neither token nor argument', async () => {
    // what an older gateway's guard answers a request without the token
    const seen: string[] = [];
    const old = createHttpServer((req, res) => {
      seen.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'unauthorized', message: 'missing or wrong token' } }));
    });
    await new Promise<void>((r) => old.listen(0, '127.0.0.1', r));
    try {
      const port = (old.address() as { port: number }).port;
      const r = await cli(
        ['call', 'f', 'echo', 'text=SECRET-ARGUMENT'],
        bareEnv(join(tempDir('trust-'), 'none'), { MCP_POOL_URL: `http://127.0.0.1:${port}`, MCP_POOL_TOKEN: 'a-token' }),
      );
      assert.equal(r.code, EXIT.pool, r.stderr);
      assert.match(r.stderr, /answered HTTP 401 to the proof, as an editor window with an older MCP Remote Pool does: reload that window/);
      assert.deepEqual(seen, [`GET ${PROOF_PATH} `], 'only the proof request, without the token');
    } finally {
      await new Promise((r) => old.close(r));
    }
  });
});

describe("the gateway's proof route", function () {
  this.timeout(30_000);
  let pool: Pool;
  let gateway: Gateway;

  before(async () => {
    pool = makePool();
    gateway = new Gateway({ pool, window: { name: 'w', startedAt: Date.now() } });
    await gateway.start();
  });
  after(async () => {
    await gateway?.close();
    gateway?.dispose();
    await pool?.shutdown();
    pool?.dispose();
  });

  const ask = (headers: Record<string, string>, method = 'GET', path = PROOF_PATH) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = httpRequest(`${gateway.url}${path}`, { method, headers }, (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });

  it('answers HMAC-SHA256(token, prefix + challenge) without the token, for that challenge only', async () => {
    const c1 = 'a'.repeat(43);
    const c2 = 'b'.repeat(43);
    const r1 = await ask({ [PROOF_HEADER]: c1 });
    assert.equal(r1.status, 200, r1.body);
    assert.equal(JSON.parse(r1.body).proof, proofOf(gateway.token, c1));
    assert.notEqual(JSON.parse((await ask({ [PROOF_HEADER]: c2 })).body).proof, JSON.parse(r1.body).proof);
    assert.ok(!r1.body.includes(gateway.token));
  });

  it('is no oracle for anything else: challenges bounded, GET only, Host and Origin checked; other routes still need the token', async () => {
    for (const bad of ['short', 'x'.repeat(129), 'has space in it and is long enough', '../../etc/passwd/aaaaaaaaaaaaaaaaa']) {
      assert.equal((await ask({ [PROOF_HEADER]: bad })).status, 400, bad);
    }
    assert.equal((await ask({})).status, 400, 'no challenge');
    assert.equal((await ask({ [PROOF_HEADER]: 'a'.repeat(43) }, 'POST')).status, 405);
    assert.equal((await ask({ [PROOF_HEADER]: 'a'.repeat(43), host: 'evil.example' })).status, 403);
    assert.equal((await ask({ [PROOF_HEADER]: 'a'.repeat(43), origin: 'https://evil.example' })).status, 403);
    assert.equal((await ask({ [PROOF_HEADER]: 'a'.repeat(43) }, 'GET', '/v1/pool')).status, 401);
    assert.equal((await ask({ [PROOF_HEADER]: 'a'.repeat(43) }, 'GET', `${PROOF_PATH}/../pool`)).status, 401);
  });

  it('costs one round trip per connection (a command uses one); measured', async () => {
    const target: PoolTarget = { url: gateway.url, token: gateway.token, source: 'test', fromEnv: false };
    const get = (agent: ProvenAgent) =>
      new Promise<number>((resolve, reject) => {
        const t0 = process.hrtime.bigint();
        const req = httpRequest(`${gateway.url}/v1/pool`, { agent, headers: { authorization: `Bearer ${gateway.token}` } }, (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve(Number(process.hrtime.bigint() - t0) / 1e6) : reject(new Error(`HTTP ${res.statusCode}`))));
        });
        req.on('error', reject);
        req.end();
      });
    const first: number[] = [];
    const next: number[] = [];
    for (let i = 0; i < 30; i++) {
      // a fresh agent: a new connection, proven, then a request on it; then another request on the same connection
      const agent = new ProvenAgent(target);
      first.push(await get(agent));
      next.push(await get(agent));
      assert.equal(Object.values(agent.sockets).flat().length + Object.values(agent.freeSockets).flat().length, 1, 'one connection');
      agent.destroy();
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const proof = median(first) - median(next);
    console.log(
      `      first request on a new connection (connect + proof + request): median ${median(first).toFixed(2)} ms; the next on it: ${median(next).toFixed(2)} ms; the proof ≈ ${proof.toFixed(2)} ms (30 connections)`,
    );
    assert.ok(median(first) < 200, `the first request takes ${median(first)} ms`);
    // a whole CLI run for scale (starting Node dominates)
    const env = bareEnv(join(tmpdir(), 'mcp-pool-no-such-discovery'), { MCP_POOL_URL: gateway.url, MCP_POOL_TOKEN: gateway.token });
    const runs: number[] = [];
    for (let i = 0; i < 7; i++) {
      const t = process.hrtime.bigint();
      assert.equal((await cli(['status'], env)).code, EXIT.ok);
      runs.push(Number(process.hrtime.bigint() - t) / 1e6);
    }
    runs.sort((a, b) => a - b);
    console.log(`      a whole \`mcp-pool status\` run (proof + request, Node start included): median ${runs[3].toFixed(0)} ms`);
    await assert.rejects(callApi({ ...target, token: 'not-the-token' }, 'GET', '/v1/pool'), /did not prove it holds the token \(its answer is wrong\)/);
  });
});

describe('text from servers is shown, not acted on by the terminal (real CLI, real server)', function () {
  this.timeout(60_000);
  let pool: Pool;
  let gateway: Gateway;
  let env: Record<string, string>;

  before(async () => {
    pool = makePool();
    await pool.configure([stdioSpec('f')]);
    gateway = new Gateway({ pool, window: { name: 'w', startedAt: Date.now() } });
    await gateway.start();
    env = bareEnv(join(tmpdir(), 'mcp-pool-no-such-discovery'), { MCP_POOL_URL: gateway.url, MCP_POOL_TOKEN: gateway.token });
  });
  after(async () => {
    await gateway?.close();
    gateway?.dispose();
    await pool?.shutdown();
    pool?.dispose();
    await expectNoProcesses();
  });

  // OSC 52 (write the clipboard), OSC 0 (window title), CSI (clear screen, cursor), C0 BEL/BS/CR, DEL, C1 CSI, bidi overrides
  const hostile = 'ok\x1b]52;c;ZXZpbA==\x07 \x1b]0;pwned\x07 \x1b[2J\x1b[H \b\r \x7f \u009b31m \u202eevil\u202c \u2066x\u2069 tab\tend\nline2';
  // eslint-disable-next-line no-control-regex
  const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

  it('a tool result as text: every control character shown as an escape; \\n and \\t kept', async () => {
    const r = await cli(['call', 'f', 'echo', `text=${hostile}`], env);
    assert.equal(r.code, EXIT.ok, r.stderr);
    assert.doesNotMatch(r.stdout, UNSAFE);
    assert.ok(
      r.stdout.startsWith(
        'ok\\x1b]52;c;ZXZpbA==\\x07 \\x1b]0;pwned\\x07 \\x1b[2J\\x1b[H \\x08\\x0d \\x7f \\x9b31m \\u202eevil\\u202c \\u2066x\\u2069 tab\tend\nline2\n',
      ),
      r.stdout,
    );
  });

  it('a tool error (stderr) too', async () => {
    const r = await cli(['call', 'f', 'fail', `message=${hostile}`], env);
    assert.equal(r.code, EXIT.toolError);
    assert.doesNotMatch(r.stderr, UNSAFE);
    assert.match(r.stderr, /\\x1b\]52;c;/);
  });

  it('--json stays JSON with the same value, nothing a terminal acts on', async () => {
    const r = await cli(['call', 'f', 'echo', `text=${hostile}`, '--json'], env);
    assert.equal(r.code, EXIT.ok, r.stderr);
    assert.doesNotMatch(r.stdout.replace(/\n/g, ''), UNSAFE);
    assert.equal(JSON.parse(r.stdout).content[0].text, hostile);
  });
});

posixOnly('the launcher and the folders it and discovery write', function () {
  this.timeout(30_000);
  let umask: number | undefined;
  afterEach(() => {
    if (umask !== undefined) process.umask(umask);
    umask = undefined;
  });

  it("the launcher's own fallback (the CLI it names is gone) runs without MCP_POOL_TOKEN and MCP_POOL_URL, under sh and bash", async () => {
    const dir = tempDir('launcher-');
    const file = writeLauncher(join(dir, 'bin'), { node: process.execPath, cli: join(dir, 'gone', 'cli.js') });
    for (const shell of ['/bin/sh', '/bin/bash'].filter((s) => existsSync(s))) {
      const r = await runProgram(shell, [file, 'stdio', 'x', '--fallback', '/usr/bin/env'], {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        MCP_POOL_TOKEN: 'launcher-secret-token',
        MCP_POOL_URL: 'http://127.0.0.1:9',
        ELECTRON_RUN_AS_NODE: '1',
        KEEP_ME: 'yes',
      });
      assert.equal(r.code, 0, `${shell}: ${r.stderr}`);
      assert.match(r.stdout, /^KEEP_ME=yes$/m, `${shell}: the rest of the environment is kept`);
      assert.doesNotMatch(r.stdout, /MCP_POOL_TOKEN|MCP_POOL_URL|ELECTRON_RUN_AS_NODE|launcher-secret-token/, shell);
    }
  });

  it('its folder is 0755 whatever the umask (000, 002), and one writable by others is made 0755', () => {
    for (const mask of [0o000, 0o002]) {
      const bin = join(tempDir('launcher-'), 'bin');
      umask = process.umask(mask);
      writeLauncher(bin, { node: process.execPath, cli: '/x/cli.js' });
      process.umask(umask);
      umask = undefined;
      assert.equal(statSync(bin).mode & 0o777, 0o755, `umask ${mask.toString(8)}`);
      assert.equal(statSync(join(bin, 'mcp-pool')).mode & 0o777, 0o755);
    }
    const bin = join(tempDir('launcher-'), 'bin');
    mkdirSync(bin);
    chmodSync(bin, 0o777);
    writeLauncher(bin, { node: process.execPath, cli: '/x/cli.js' });
    assert.equal(statSync(bin).mode & 0o777, 0o755);
  });

  it("its folder as a symbolic link, or not the user's: refused with a clear error; the target is left as it was", function () {
    const base = tempDir('launcher-');
    const target = join(base, 'elsewhere');
    mkdirSync(target);
    chmodSync(target, 0o777);
    symlinkSync(target, join(base, 'bin'));
    assert.throws(
      () => writeLauncher(join(base, 'bin'), { node: process.execPath, cli: '/x/cli.js' }),
      /the mcp-pool launcher's folder .*bin is a symbolic link: refusing to use it/,
    );
    assert.equal(statSync(target).mode & 0o777, 0o777, 'not chmod-ed through the link');
    assert.deepEqual(readdirSync(target), []);
    if (process.getuid?.() === 0) {
      const other = join(base, 'other');
      mkdirSync(other);
      chownSync(other, 65534, 65534);
      assert.throws(() => writeLauncher(other, { node: process.execPath, cli: '/x/cli.js' }), /belongs to uid 65534, not to you/);
    }
  });

  it('its temporary file is not predictable: a link planted at the old name is not written through', () => {
    const base = tempDir('launcher-');
    const bin = join(base, 'bin');
    mkdirSync(bin, { mode: 0o755 });
    const victim = join(base, 'victim');
    writeFileSync(victim, 'untouched');
    // the name the old code used (<file>.<pid>.tmp), planted before the write
    symlinkSync(victim, join(bin, `mcp-pool.${process.pid}.tmp`));
    writeLauncher(bin, { node: process.execPath, cli: '/x/cli.js' });
    assert.equal(readFileSync(victim, 'utf8'), 'untouched');
    assert.match(readFileSync(join(bin, 'mcp-pool'), 'utf8'), /^#!\/bin\/sh/);
    assert.deepEqual(
      readdirSync(bin).filter((n) => n.endsWith('.tmp') && n !== `mcp-pool.${process.pid}.tmp`),
      [],
      'no temporary file left',
    );
  });

  it('the discovery folder as a symbolic link: refused, its target keeps its mode and gets no token', () => {
    const base = tempDir('discovery-');
    const target = join(base, 'shared');
    mkdirSync(target);
    chmodSync(target, 0o755);
    symlinkSync(target, join(base, 'windows'));
    const entry = { version: 1 as const, pid: process.pid, url: 'http://127.0.0.1:1', token: 'tok', folders: [], window: { name: 'w', startedAt: 1 } };
    assert.throws(() => publish(entry, join(base, 'windows')), /the discovery folder .*windows is a symbolic link: refusing to use it/);
    assert.equal(statSync(target).mode & 0o777, 0o755, 'not chmod-ed through the link');
    assert.deepEqual(readdirSync(target), []);
    assert.deepEqual(scanEntries(join(base, 'windows')).entries, [], 'nor read through it');
    if (process.getuid?.() === 0) {
      const other = join(base, 'other');
      mkdirSync(other, { mode: 0o700 });
      chownSync(other, 65534, 65534);
      assert.throws(() => publish(entry, other), /the discovery folder .*other belongs to uid 65534, not to you/);
      assert.deepEqual(readdirSync(other), []);
    }
    // a folder of the user's, made group-writable: put back to 0700
    const own = join(base, 'own');
    mkdirSync(own);
    chmodSync(own, 0o777);
    publish(entry, own)();
    assert.equal(statSync(own).mode & 0o777, 0o700);
  });
});
