// Run in a child process by direct.ts (a clean heap, nothing else measured before it):
//   node out/test/bench/directMemory.js <url> <apps> [--default-transport]
// Starts one warm direct app (with --default-transport: a remote app as a user's settings define it,
// `{ "url": … }`, whatever transport that defaults to; an app's processes, if any, are counted too) (code loaded, JIT warm), takes the RSS after a full GC, then warms
// `apps` more direct apps on the same server and takes it again. Prints {baseRss, afterRss,
// baseLive, afterLive (heap in use + external, after the same GC), apps, warm}.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { treeRss } from '../../src/pool';
import { defaultRemoteApp } from './modern';
import { directApp, makeBenchPool, pooledEcho } from './pooled';

/** Live JS memory: the heap in use and what it holds outside the heap (buffers). */
function liveBytes(): number {
  const m = process.memoryUsage();
  return m.heapUsed + m.external;
}

async function settledRss(): Promise<number> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  let last = Infinity;
  // until two readings agree within 256 KB (freed pages go back to the OS lazily)
  for (let i = 0; i < 10; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 150));
    const rss = process.memoryUsage().rss;
    if (Math.abs(rss - last) < 256 * 1024) return rss;
    last = rss;
  }
  return last;
}

async function main(): Promise<void> {
  const [url, n] = [process.argv[2], Number(process.argv[3] ?? 10)];
  const app = process.argv.includes('--default-transport') ? defaultRemoteApp : directApp;
  const pool = makeBenchPool({ maxSize: n + 5, livenessIntervalMs: 5000 });
  const specs = [app('base', url), ...Array.from({ length: n }, (_, i) => app(`app${i}`, url))];
  // the apps' own processes (an mcp-remote per app, when that is the transport)
  const processesRss = () => pool.snapshots().reduce((sum, s) => sum + (s.pid ? (treeRss(s.pid) ?? 0) : 0), 0);
  try {
    await pool.configure(specs.slice(0, 1));
    for (let i = 0; i < 50; i++) await pooledEcho(pool, 'base', `w${i}`);
    const baseRss = (await settledRss()) + processesRss();
    const baseLive = liveBytes();
    await pool.configure(specs);
    for (const s of specs.slice(1)) {
      await pool.listTools(s.name);
      for (let i = 0; i < 5; i++) await pooledEcho(pool, s.name, `w${i}`);
    }
    const afterRss = (await settledRss()) + processesRss();
    const afterLive = liveBytes();
    const warm = pool.snapshots().filter((s) => s.status === 'idle').length;
    process.stdout.write(JSON.stringify({ baseRss, afterRss, baseLive, afterLive, apps: n, warm }) + '\n');
  } finally {
    await pool.shutdown();
    pool.dispose();
  }
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`directMemory: ${(e as Error)?.stack ?? String(e)}\n`);
    process.exit(1);
  },
);
