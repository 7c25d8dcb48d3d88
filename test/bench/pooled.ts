// The pool side of the benchmark: pools wired like the extension (bundled mcp-remote on this
// Node runtime), app specs for the HTTP and stdio fixtures, and one timed pooled command.
//
// A pooled "command" is one `pool.callTool(app, 'echo', {text})`. The pool lists tools once per
// process and serves tools/list from that cache afterwards, so a command that lists and calls
// costs the same call plus a cache hit (measured separately in the overhead profile).
import { bundledLauncher, Pool, type PoolSettings, type RemoteAppSpec, type StdioAppSpec } from '../../src/pool';
import { BUNDLED_MCP_REMOTE, STDIO_FIXTURE } from '../fixtures/paths';
import { msSince } from './stats';

export function makeBenchPool(settings: Partial<PoolSettings> = {}): Pool {
  return new Pool({
    launcher: bundledLauncher(BUNDLED_MCP_REMOTE),
    // never evicted for idleness while the benchmark runs
    settings: { idleTimeoutMs: 0, sweepIntervalMs: 600_000, stopGraceMs: 1000, startTimeoutMs: 30_000, ...settings },
  });
}

export function remoteApp(name: string, url: string, home: string): RemoteAppSpec {
  return { kind: 'remote', name, url, args: [], headers: {}, env: { HOME: home } };
}

/** A remote app the pool reaches directly over HTTP (no mcp-remote). */
export function directApp(name: string, url: string): RemoteAppSpec {
  return { kind: 'remote', name, url, args: [], headers: {}, env: {}, transport: 'direct' };
}

export function stdioApp(name: string, marker: string): StdioAppSpec {
  return { kind: 'stdio', name, command: process.execPath, args: [STDIO_FIXTURE, marker, `--name=${name}`], env: {} };
}

export interface PooledCall {
  readonly ms: number;
  readonly pid?: number;
  readonly cold: boolean;
}

/** One pooled command, timed with hrtime around the whole Pool API call. */
export async function pooledEcho(pool: Pool, app: string, text: string): Promise<PooledCall> {
  const t = process.hrtime.bigint();
  const outcome = await pool.callTool(app, 'echo', { text });
  const ms = msSince(t);
  const first = outcome.result.content[0] as { text?: string } | undefined;
  if (outcome.result.isError || first?.text !== text) throw new Error(`pooled echo returned ${JSON.stringify(outcome.result.content)}`);
  return { ms, pid: outcome.pid, cold: outcome.coldStart };
}
