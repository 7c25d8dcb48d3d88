// Shared tools of the attack tests: a hostile HTTP server in a child process (hostileServer.ts),
// and a watch on this process (the pool's host) during an attack: RSS before / peak / after,
// event-loop lag, time to detect.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { forcedGc, mb, sleep } from '../faults/faultKit';

export interface Hostile {
  readonly url: string;
  readonly origin: string;
  readonly pid: number;
  close(): Promise<void>;
}

/** The hostile server (`mode`: see hostileServer.ts) in a process of its own. */
export async function startHostile(mode: string): Promise<Hostile> {
  const child: ChildProcess = spawn(process.execPath, [join(__dirname, 'hostileServer.js'), mode], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve((JSON.parse(buf.split('\n')[0]) as { url: string }).url);
    });
    child.once('exit', (code) => reject(new Error(`hostile server exited (${code})`)));
  });
  return {
    url,
    origin: new URL(url).origin,
    pid: child.pid!,
    close: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await Promise.race([exited, sleep(3000)]);
    },
  };
}

export interface HostFigures {
  readonly rssBeforeMb: number;
  readonly rssPeakMb: number;
  readonly rssAfterMb: number;
  readonly lagP99Ms: number;
  readonly detectMs: number;
}

/** Watches this process from now: RSS sampled every 20 ms, the event loop's delay. */
export async function watchHost(): Promise<{ detected(): void; finish(): Promise<HostFigures> }> {
  const gc = forcedGc();
  gc?.();
  await sleep(50);
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const lag = monitorEventLoopDelay({ resolution: 10 });
  lag.enable();
  const t0 = performance.now();
  let detectMs = NaN;
  return {
    detected: () => {
      if (Number.isNaN(detectMs)) detectMs = performance.now() - t0;
      peak = Math.max(peak, process.memoryUsage().rss);
    },
    finish: async () => {
      lag.disable();
      clearInterval(timer);
      peak = Math.max(peak, process.memoryUsage().rss);
      gc?.();
      await sleep(200);
      gc?.();
      const after = process.memoryUsage().rss;
      return {
        rssBeforeMb: Math.round(mb(before)),
        rssPeakMb: Math.round(mb(peak)),
        rssAfterMb: Math.round(mb(after)),
        lagP99Ms: Math.round(lag.percentile(99) / 1e6),
        detectMs: Math.round(detectMs),
      };
    },
  };
}

export function describeFigures(f: HostFigures): string {
  return `host RSS ${f.rssBeforeMb}→${f.rssPeakMb}→${f.rssAfterMb} MB (before→peak→after), lag p99 ${f.lagP99Ms} ms, detected in ${(f.detectMs / 1000).toFixed(1)} s`;
}
