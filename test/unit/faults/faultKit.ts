// Shared tools of the fault tests (test/unit/faults/*.test.ts): error bookkeeping, figures,
// memory with a forced GC, a fake browser that records launches, the HTTP fixture as a child process.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { type Pool, PoolError, type PoolErrorCode, type PoolEvent } from '../../../src/pool';
import { HTTP_FIXTURE } from '../../fixtures/paths';
import { descendantsOf, isAlive, waitUntil } from '../../fixtures/processTable';
import { tempDir } from '../tempDirs';

export { tempDir };

/** Deterministic PRNG (mulberry32): the same seed gives the same sequence of operations. */
export function prng(seed: number): { next(): number; int(lo: number, hi: number): number; pick<T>(xs: readonly T[]): T } {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
  };
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The PoolError a promise rejects with; fails the test if it resolves or throws something else. */
export async function poolError(p: Promise<unknown>): Promise<PoolError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof PoolError, `expected a PoolError, got ${e instanceof Error ? e.stack : String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

export async function expectCode(p: Promise<unknown>, codes: PoolErrorCode | PoolErrorCode[], message?: RegExp): Promise<PoolError> {
  const e = await poolError(p);
  const allowed = Array.isArray(codes) ? codes : [codes];
  assert.ok(allowed.includes(e.code), `expected ${allowed.join('|')}, got ${e.code}: ${e.message}`);
  if (message) assert.match(e.message, message);
  return e;
}

/** Error counts by PoolError code, printed as {crashed: 3, stopped: 1}. */
export class ErrorTally {
  readonly counts = new Map<string, number>();
  add(code: string): void {
    this.counts.set(code, (this.counts.get(code) ?? 0) + 1);
  }
  get total(): number {
    let n = 0;
    for (const v of this.counts.values()) n += v;
    return n;
  }
  toString(): string {
    const parts = [...this.counts.entries()].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k}: ${v}`);
    return `{${parts.join(', ')}}`;
  }
}

/** Prints one line `FIGURES <theme>: k=v k=v ...` (docs/reliability.md quotes these). */
export function printFigures(theme: string, figures: Record<string, unknown>): void {
  const parts = Object.entries(figures).map(([k, v]) => `${k}=${typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(2) : String(v)}`);
  console.log(`      FIGURES ${theme}: ${parts.join(' ')}`);
}

// ---- memory -------------------------------------------------------------------------------

type Gc = () => void;
let gcFn: Gc | undefined | null = null;
let gcHow: MemorySample['gc'] = 'none (settled)';

/**
 * A full garbage collection: `global.gc` when node runs with --expose-gc, otherwise the same
 * function obtained at run time (V8 flag + a fresh context). Undefined if neither works.
 */
export function forcedGc(): Gc | undefined {
  if (gcFn !== null) return gcFn;
  const exposed = (globalThis as { gc?: Gc }).gc;
  if (typeof exposed === 'function') {
    gcHow = 'global.gc (--expose-gc)';
    return (gcFn = exposed);
  }
  try {
    v8.setFlagsFromString('--expose-gc');
    const fn = vm.runInNewContext('gc') as unknown;
    gcFn = typeof fn === 'function' ? (fn as Gc) : undefined;
    if (gcFn) gcHow = 'gc (v8 flag set at run time)';
  } catch {
    gcFn = undefined;
  }
  return gcFn;
}

export interface MemorySample {
  readonly heapUsed: number;
  readonly rss: number;
  readonly gc: 'global.gc (--expose-gc)' | 'gc (v8 flag set at run time)' | 'none (settled)';
}

/** Heap and RSS after a forced GC (or, without one, after letting the process settle). */
export async function measureMemory(): Promise<MemorySample> {
  const gc = forcedGc();
  if (gc) {
    for (let i = 0; i < 3; i++) {
      gc();
      await sleep(50);
    }
  } else {
    await sleep(1000);
  }
  const m = process.memoryUsage();
  return { heapUsed: m.heapUsed, rss: m.rss, gc: gcHow };
}

export const mb = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 100) / 100;

// ---- processes ----------------------------------------------------------------------------

/** Live descendants of this test process (children, grandchildren, ...) except the ones in `except`. */
export function ourDescendants(except: readonly number[] = []): number[] {
  return descendantsOf(process.pid).filter((p) => !except.includes(p));
}

/**
 * The server processes a pool runs (its children and theirs): our descendants minus the pool's
 * watchdog (dist/reaper.js, which lives until shutdown) and minus `except`.
 */
export function serverProcesses(pool: Pool | undefined, except: readonly number[] = []): number[] {
  const reaper = pool?.watchdog?.pid;
  return ourDescendants(reaper ? [reaper, ...except] : except);
}

export async function expectNoDescendants(timeoutMs: number, except: readonly number[] = []): Promise<void> {
  await waitUntil(() => ourDescendants(except).length === 0, timeoutMs, `no descendant process left (found ${JSON.stringify(ourDescendants(except))})`);
}

export async function expectGone(pids: readonly number[], timeoutMs: number): Promise<void> {
  await waitUntil(() => pids.every((p) => !isAlive(p)), timeoutMs, `pids ${pids.filter(isAlive).join(', ')} gone`);
}

/** The HTTP fixture in a process of its own (its sessions then don't weigh on this process's heap). */
export interface HttpChild {
  readonly url: string;
  readonly pid: number;
  close(): Promise<void>;
}

export async function startHttpChild(args: string[] = []): Promise<HttpChild> {
  const child: ChildProcess = spawn(process.execPath, [HTTP_FIXTURE, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const line = buf.split('\n')[0];
      if (buf.includes('\n')) resolve(JSON.parse(line).url as string);
    });
    child.once('exit', (code) => reject(new Error(`http fixture exited (${code})`)));
  });
  return {
    url,
    pid: child.pid!,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(3000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A free TCP port on 127.0.0.1 with nothing listening on it (a remote server that is down). */
export async function closedPort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/**
 * A directory of fake browser launchers (xdg-open, gio, x-www-browser, sensible-browser, open,
 * and a BROWSER program) that only append their arguments to `log`. Put `bin` first on PATH and
 * BROWSER=`browser` in the child's env; `launches()` then tells whether anything tried to open a URL.
 */
export function fakeBrowser(): { bin: string; browser: string; log: string; launches(): string[] } {
  const bin = tempDir('pool-fake-browser-');
  const log = join(bin, 'launches.log');
  const script = `#!/bin/sh\nprintf '%s %s\\n' "$(basename "$0")" "$*" >> '${log}'\nexit 0\n`;
  for (const name of ['xdg-open', 'gio', 'x-www-browser', 'sensible-browser', 'open', 'www-browser', 'browser']) {
    writeFileSync(join(bin, name), script);
    chmodSync(join(bin, name), 0o755);
  }
  return {
    bin,
    browser: join(bin, 'browser'),
    log,
    launches: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
  };
}

/** Every event, snapshot and error text the pool produced, as one string to search for secrets. */
export function everythingSaid(events: readonly PoolEvent[], snapshots: readonly unknown[], errors: readonly PoolError[]): string {
  return [
    JSON.stringify(events),
    JSON.stringify(snapshots),
    ...errors.map((e) => `${e.message}\n${e.details}\n${JSON.stringify(e.stderrTail)}\n${e.stack ?? ''}`),
  ].join('\n');
}

/** Appended JSON lines of FIXTURE_CALL_LOG. */
export function readCallLog(path: string): { tool: string; args: Record<string, unknown>; pid: number; cancelled?: boolean }[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
}

/**
 * The hooks every single-pool fault suite needs: after each test the pool is shut down and no
 * descendant may be left; after the suite its figures are printed with the duration.
 */
export function poolSuiteHooks(theme: string, figures: Record<string, unknown>, pool: () => Pool | undefined, opts: { aliveAtEnd?: boolean } = {}): void {
  let t0 = Date.now();
  before(() => (t0 = Date.now()));
  afterEach(async () => {
    await pool()?.shutdown();
    pool()?.dispose();
    await expectNoDescendants(5000);
  });
  after(() =>
    printFigures(theme, {
      ...figures,
      ...(opts.aliveAtEnd === false ? {} : { alive_at_end: ourDescendants().length }),
      duration_s: (Date.now() - t0) / 1000,
    }),
  );
}
