// Shared helpers for pool tests: a pool wired to the real bundled mcp-remote, fixture specs,
// and a guard that checks the OS process table for leftovers.
import { randomUUID } from 'node:crypto';
import { bundledLauncher, Pool, type PoolOptions, type PoolSettings, type StdioAppSpec, type RemoteAppSpec, type PoolEvent } from '../../src/pool';
import { BUNDLED_MCP_REMOTE, REAPER_SCRIPT, STDIO_FIXTURE } from '../fixtures/paths';
import { processesMatching, waitUntil } from '../fixtures/processTable';
import { tempDir } from './tempDirs';

/** Unique marker put on every fixture command line of one test run, to find its processes. */
export const RUN_MARK = `--mark=pooltest-${randomUUID().slice(0, 8)}`;

export function stdioSpec(name: string, env: Record<string, string> = {}, extra: Partial<StdioAppSpec> = {}): StdioAppSpec {
  return { kind: 'stdio', name, command: process.execPath, args: [STDIO_FIXTURE, RUN_MARK, `--name=${name}`], env, ...extra };
}

/** A remote app; unless `extra.env` says otherwise, mcp-remote gets a throw-away HOME (its token cache) for this test. */
export function remoteSpec(name: string, url: string, extra: Partial<RemoteAppSpec> = {}): RemoteAppSpec {
  const { env = { HOME: tempDir('home-') }, ...rest } = extra;
  return { kind: 'remote', name, url, args: [], headers: {}, env, ...rest };
}

/** A remote app reached directly over HTTP from the pool's process (no mcp-remote). */
export function directSpec(name: string, url: string, extra: Partial<RemoteAppSpec> = {}): RemoteAppSpec {
  return { kind: 'remote', name, url, args: [], headers: {}, env: {}, transport: 'direct', ...extra };
}

export function makePool(settings: Partial<PoolSettings> = {}, options: Pick<PoolOptions, 'clientHooks' | 'signIns' | 'fetch'> = {}): Pool {
  return new Pool({
    launcher: bundledLauncher(BUNDLED_MCP_REMOTE),
    reaperScript: REAPER_SCRIPT,
    settings: { stopGraceMs: 1000, startTimeoutMs: 15000, sweepIntervalMs: 60_000, crashLoopBaseMs: 500, ...settings },
    ...options,
  });
}

/** Processes of this test run still in the OS process table. */
export function ourProcesses(): { pid: number; cmdline: string }[] {
  return processesMatching(RUN_MARK);
}

export async function expectNoProcesses(timeoutMs = 5000): Promise<void> {
  await waitUntil(() => ourProcesses().length === 0, timeoutMs, `no processes left (found: ${JSON.stringify(ourProcesses())})`);
}

export function collectEvents(pool: Pool): PoolEvent[] {
  const events: PoolEvent[] = [];
  pool.onEvent((e) => events.push(e));
  return events;
}

export function textOf(content: readonly { type: string; text?: unknown }[]): string {
  return content
    .filter((c) => c.type === 'text')
    .map((c) => String(c.text))
    .join('\n');
}
