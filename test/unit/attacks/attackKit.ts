// Attacks on the gateway from real sockets on 127.0.0.1: a gateway host in its own process (so
// its descriptors and memory can be counted, and it can run under a descriptor limit), authorised
// calls through it, and callers without the token that trickle what they send.
import { type ChildProcess, spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from '../../fixtures/paths';
import { RUN_MARK } from '../helpers';

const GATEWAY_HOST = join(REPO_ROOT, 'out/test/fixtures/gateway-host.js');

export interface HostStats {
  rss: number;
  /** Bytes in Buffers (what sockets hold queued, among others). */
  buffers: number;
  lagP99Ms: number;
  lagMaxMs: number;
  counts: Record<string, number>;
  sessions: number;
}

export interface Host {
  readonly url: string;
  readonly port: number;
  readonly token: string;
  readonly pid: number;
  readonly child: ChildProcess;
  /** The host's stderr so far (the gateway's log lines). */
  log(): string;
  /** Open descriptors of the host (/proc/PID/fd). */
  fds(): number;
  stats(): Promise<HostStats>;
  close(): Promise<void>;
}

/** A gateway host; with `nofile`, run under `prlimit --nofile=N:N` (no shell). */
export async function startHost(opts: { limits?: object; options?: object; nofile?: number } = {}): Promise<Host> {
  const env = { ...process.env, GATEWAY_HOST_LIMITS: JSON.stringify(opts.limits ?? {}), GATEWAY_HOST_OPTIONS: JSON.stringify(opts.options ?? {}) };
  const args = [GATEWAY_HOST, RUN_MARK];
  const child =
    opts.nofile === undefined
      ? spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'pipe'] })
      : spawn('/usr/bin/prlimit', [`--nofile=${opts.nofile}:${opts.nofile}`, process.execPath, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const lines = createInterface({ input: child.stdout });
  const waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  lines.on('line', (line) => waiting.shift()?.resolve(line));
  child.once('exit', (code, signal) => {
    for (const w of waiting.splice(0)) w.reject(new Error(`the gateway host exited (${code ?? signal}); its stderr:\n${stderr}`));
  });
  const next = () =>
    new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the gateway host did not answer; its stderr:\n${stderr}`)), 20_000);
      waiting.push({
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  const hello = JSON.parse(await next()) as { url: string; token: string; pid: number };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    ...hello,
    port: Number(new URL(hello.url).port),
    child,
    log: () => stderr,
    fds: () => readdirSync(`/proc/${hello.pid}/fd`).length,
    async stats() {
      child.stdin.write('stats\n');
      return JSON.parse(await next()) as HostStats;
    },
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.stdin.end();
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/** An authorised CLI call (echo) on a new connection; resolves with the echoed text or rejects with what failed. */
export function authorisedCall(host: Host, text: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${host.url}/v1/apps/f/call`,
      { method: 'POST', agent: false, headers: { authorization: `Bearer ${host.token}`, 'content-type': 'application/json' }, timeout: timeoutMs },
      (res) => {
        let body = '';
        res.setEncoding('utf8').on('data', (d: string) => (body += d));
        res.on('end', () => {
          const last = JSON.parse(body.trim().split('\n').pop()!) as { result?: { content: { text: string }[] }; error?: { message: string } };
          if (res.statusCode !== 200 || !last.result) return reject(new Error(`HTTP ${res.statusCode}: ${body}`));
          resolve(last.result.content[0].text.split('\n')[0]);
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(JSON.stringify({ tool: 'echo', arguments: { text } }));
  });
}

/** How a caller without the token holds its socket: headers that never end, or a refused request whose body trickles. */
export type Trickle = 'headers' | 'body';

export interface Attacker {
  readonly sockets: Socket[];
  /** When each socket closed (ms after it opened), by index; undefined while open. */
  readonly closedAfter: (number | undefined)[];
  open(): number;
  stop(): void;
}

/**
 * Opens `count` sockets to the gateway (at most `perBatch` at once, `pauseMs` between batches),
 * each trickling one byte every `everyMs`, without the token. Every socket is destroyed by stop().
 */
export async function slowLoris(
  port: number,
  count: number,
  how: (i: number) => Trickle,
  opts: { perBatch?: number; pauseMs?: number; everyMs?: number } = {},
): Promise<Attacker> {
  const perBatch = opts.perBatch ?? 100;
  const sockets: Socket[] = [];
  const closedAfter: (number | undefined)[] = [];
  const timers = new Set<NodeJS.Timeout>();
  for (let start = 0; start < count; start += perBatch) {
    const batch: Promise<void>[] = [];
    for (let i = start; i < Math.min(count, start + perBatch); i++) {
      const kind = how(i);
      const opened = Date.now();
      const s = connect(port, '127.0.0.1');
      sockets.push(s);
      closedAfter.push(undefined);
      s.on('error', () => undefined);
      s.resume();
      s.on('close', () => (closedAfter[i] = Date.now() - opened));
      batch.push(
        new Promise<void>((resolve) => {
          s.once('close', () => resolve());
          s.once('connect', () => {
            resolve();
            s.write(
              kind === 'headers'
                ? `POST /v1/apps/f/call HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `
                : `POST /v1/apps/f/call HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{`,
            );
            const t = setInterval(() => (s.destroyed ? clearInterval(t) : s.write('a')), opts.everyMs ?? 500);
            timers.add(t);
          });
        }),
      );
    }
    await Promise.all(batch);
    if (opts.pauseMs) await new Promise((r) => setTimeout(r, opts.pauseMs));
  }
  return {
    sockets,
    closedAfter,
    open: () => sockets.filter((s) => !s.destroyed && !s.closed).length,
    stop() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
    },
  };
}

export const MB = 1024 * 1024;

const INIT = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } },
};

/** One MCP POST over raw HTTP, its answer read whole: status, session id, body. */
export function mcpPost(url: string, token: string, message: object, sid?: string): Promise<{ status: number; sid?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': '2025-06-18',
    };
    if (sid) headers['mcp-session-id'] = sid;
    const req = request(`${url}/apps/f/mcp`, { method: 'POST', agent: false, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, sid: res.headers['mcp-session-id'] as string | undefined, body }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(JSON.stringify(message));
  });
}

/** A raw MCP session (initialize, then initialized), without an event stream; its id. */
export async function rawSession(url: string, token: string): Promise<string> {
  const init = await mcpPost(url, token, INIT);
  if (init.status !== 200 || !init.sid) throw new Error(`initialize: HTTP ${init.status}: ${init.body}`);
  await mcpPost(url, token, { jsonrpc: '2.0', method: 'notifications/initialized' }, init.sid);
  return init.sid;
}

/** Raw HTTP on a socket that is never read (paused at once): what the gateway sends it piles up. */
export function unreadRequest(port: number, head: string, body = ''): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => {
      s.write(`${head}\r\nHost: 127.0.0.1:${port}\r\n${body ? `Content-Length: ${Buffer.byteLength(body)}\r\n` : ''}\r\n${body}`);
      resolve(s);
    });
    s.pause();
    s.on('error', reject);
  });
}
