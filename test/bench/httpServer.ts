// The remote end of the benchmark: the Streamable HTTP fixture server, run as its own process
// (`node out/test/fixtures/http-server.js --port 0 --latency MS`) so its work does not share the
// benchmark's event loop — a remote server is somewhere else, too.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { HTTP_FIXTURE } from '../fixtures/paths';

export interface HttpServer {
  /** http://127.0.0.1:<port>/mcp */
  readonly url: string;
  readonly pid: number;
  /** A URL with a marker in its query string (ignored by the server), to find the processes started for it. */
  marked(marker: string): string;
  stop(): Promise<void>;
}

export async function startHttpServer(latencyMs: number): Promise<HttpServer> {
  if (!existsSync(HTTP_FIXTURE)) throw new Error(`HTTP fixture not built: ${HTTP_FIXTURE} (run node esbuild.mjs)`);
  const child: ChildProcess = spawn(process.execPath, [HTTP_FIXTURE, '--port', '0', '--latency', String(latencyMs)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stderr: string[] = [];
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`HTTP fixture did not start within 15 s: ${stderr.join('')}`)), 15_000);
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve((JSON.parse(line) as { url: string }).url);
      } catch {
        reject(new Error(`HTTP fixture printed ${line}`));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`HTTP fixture exited: ${stderr.join('')}`));
    });
  });
  return {
    url,
    pid: child.pid!,
    marked: (marker) => `${url}?bench=${encodeURIComponent(marker)}`,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const gone = await Promise.race([exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), 5000))]);
      if (!gone) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}
