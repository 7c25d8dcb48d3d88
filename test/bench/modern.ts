// MCP 2026-07-28 ("modern") remotes, side by side in one run, against the SDK v2 modern-only HTTP
// fixture (test/fixtures/modern/, its own process):
//  - warm calls, interleaved: a direct app on the pool vs an SDK v2 client pinned to 2026-07-28 and
//    held in this process on the same server (the floor: the same HTTP stack, nothing of ours);
//  - round trips of a new connection to a known modern server: a fresh app started after the pool
//    has met the server once sends 0 requests before the call itself (counted at the server);
//  - memory per warm remote app with default settings (no `transport`, no mcpPool.remoteTransport:
//    what a user gets), in a fresh process (directMemory.ts), next to one mcp-remote process.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { parseAppDefinitions, type Pool, type RemoteAppSpec } from '../../src/pool';
import { MODERN_HTTP_FIXTURE } from '../fixtures/paths';
import { interleave } from './interleave';
import { directApp, makeBenchPool, pooledEcho } from './pooled';
import { msSince } from './stats';

export const MODERN_VERSION = '2026-07-28';

export interface ModernResult {
  /** Warm call per round (ms): a direct app on a modern server, a v2 client held in-process. */
  readonly warm: { readonly direct: number[]; readonly heldInProcess: number[] };
  /** The era the pool's app negotiated (its snapshot), and the held client's. */
  readonly protocolVersion?: string;
  /** A fresh app on a server the pool has met: requests the server saw from it before the call. */
  readonly cold: { readonly requestsBeforeCall: number; readonly methods: Record<string, number>; readonly ms: number };
  /** Memory per warm remote app with default settings (RSS growth of a fresh process, after a GC). */
  readonly memory: { readonly apps: number; readonly perAppBytes: number; readonly livePerAppBytes: number; readonly transport: string };
  readonly errors: string[];
}

interface Counts {
  methods: Record<string, number>;
}

/** The modern-only fixture in its own process; resolves once it printed its URL. */
async function startModernServer(): Promise<{ url: string; stats: () => Promise<Counts>; stop: () => Promise<void>; child: ChildProcess }> {
  const child = spawn(process.execPath, [MODERN_HTTP_FIXTURE, '--name=bench-modern'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error('the modern HTTP fixture did not print its URL within 15 s')), 15_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { url: string }).url);
      }
    });
    child.once('exit', (code) => reject(new Error(`the modern HTTP fixture exited (${code}) before printing its URL`)));
  });
  child.stderr.resume();
  const statsUrl = new URL('/stats', url).toString();
  return {
    url,
    child,
    stats: async () => (await (await fetch(statsUrl)).json()) as Counts,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

const total = (m: Record<string, number>) => Object.values(m).reduce((s, n) => s + n, 0);
const diff = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(Object.entries(after).flatMap(([k, v]) => (v - (before[k] ?? 0) > 0 ? [[k, v - (before[k] ?? 0)]] : [])));

/** A remote app exactly as a user's settings define it: `{ "url": … }`, defaults for the rest. */
export function defaultRemoteApp(name: string, url: string): RemoteAppSpec {
  const parsed = parseAppDefinitions({ [name]: { url } });
  const spec = parsed.specs[0];
  if (!spec || spec.kind !== 'remote') throw new Error(`a remote app from { url } did not parse: ${JSON.stringify(parsed.problems)}`);
  return spec;
}

function memoryProbe(url: string, apps: number): { baseRss: number; afterRss: number; baseLive: number; afterLive: number; apps: number; warm: number } {
  const out = execFileSync(process.execPath, [join(__dirname, 'directMemory.js'), url, String(apps), '--default-transport'], {
    encoding: 'utf8',
    timeout: 180_000,
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

export async function measureModern(rounds: number, warmup: number): Promise<ModernResult> {
  const errors: string[] = [];
  const server = await startModernServer();
  const pool: Pool = makeBenchPool();
  const held = new Client({ name: 'bench-held-modern', version: '1' }, { versionNegotiation: { mode: { pin: MODERN_VERSION } } });
  try {
    // ---- warm: direct app vs a v2 client held in this process ----
    await pool.configure([directApp('modern', server.url)]);
    await held.connect(new StreamableHTTPClientTransport(new URL(server.url)));
    await held.listTools();
    await pool.listTools('modern');
    const protocolVersion = pool.snapshot('modern')?.protocolVersion;
    if (protocolVersion !== MODERN_VERSION) errors.push(`modern: the direct app negotiated ${protocolVersion ?? 'no version'}, not ${MODERN_VERSION}`);
    const heldEcho = async (text: string) => {
      const t = process.hrtime.bigint();
      const r = await held.callTool({ name: 'echo', arguments: { text } });
      const ms = msSince(t);
      if ((r.content as { text?: string }[])[0]?.text !== text) throw new Error('held echo returned something else');
      return ms;
    };
    for (let i = 0; i < warmup; i++) {
      await pooledEcho(pool, 'modern', `w${i}`);
      await heldEcho(`w${i}`);
    }
    const warm = await interleave(rounds, [
      { id: 'direct', run: async (i: number) => (await pooledEcho(pool, 'modern', `d${i}`)).ms },
      { id: 'heldInProcess', run: (i: number) => heldEcho(`h${i}`) },
    ]);
    errors.push(...warm.errors.map((e) => `modern warm: ${e}`));

    // ---- cold round trips: a fresh app on the server the pool has met ----
    await pool.configure([directApp('modern', server.url), directApp('modern-2', server.url)]);
    const before = (await server.stats()).methods;
    const t = process.hrtime.bigint();
    const first = await pooledEcho(pool, 'modern-2', 'cold');
    const ms = msSince(t);
    if (!first.cold) errors.push('modern cold: the first call of a fresh app was not cold');
    const methods = diff((await server.stats()).methods, before);
    // (the app's list-change stream, subscriptions/listen, is opened once the call is answered, not before it: test/unit/eras/directPool.test.ts checks the order)
    const requestsBeforeCall = total(methods) - (methods['tools/call'] ?? 0) - (methods['subscriptions/listen'] ?? 0);

    // ---- memory per warm remote app, default settings ----
    const mem = memoryProbe(server.url, 10);
    if (mem.warm !== mem.apps + 1) errors.push(`modern memory: expected ${mem.apps + 1} warm apps, saw ${mem.warm}`);
    return {
      warm: { direct: warm.samples.direct ?? [], heldInProcess: warm.samples.heldInProcess ?? [] },
      protocolVersion,
      cold: { requestsBeforeCall, methods, ms },
      memory: {
        apps: mem.apps,
        perAppBytes: (mem.afterRss - mem.baseRss) / mem.apps,
        livePerAppBytes: (mem.afterLive - mem.baseLive) / mem.apps,
        transport: defaultRemoteApp('probe', server.url).transport ?? 'mcp-remote',
      },
      errors,
    };
  } finally {
    await held.close().catch(() => undefined);
    await pool.shutdown();
    pool.dispose();
    await server.stop();
  }
}
