// "One process per command", what MCP tools do today: spawn mcp-remote, initialize, list tools,
// call one tool, close — with the SDK `Client` over `StdioClientTransport`, once per command.
// Every run is checked against the OS process table afterwards: npx wraps mcp-remote in
// npm → sh → node, and a tree that outlives the close is killed and counted.
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { processesMatching } from '../fixtures/processTable';
import { msSince } from './stats';

export const NPX_PACKAGE = 'mcp-remote@0.15.1';

/** How one kind of one-shot starts mcp-remote for a URL. */
export interface OneShotLauncher {
  readonly command: string;
  readonly args: (url: string) => string[];
  readonly env: Record<string, string>;
}

export interface OneShotTiming {
  /** spawn + MCP initialize (what a cold start costs before any work). */
  readonly connectMs: number;
  readonly listMs: number;
  readonly callMs: number;
  /** client.close() until the direct child is gone. */
  readonly closeMs: number;
  /** connect + list + call: when the command has its answer. */
  readonly toResultMs: number;
  /** The whole command: connect + list + call + close. */
  readonly totalMs: number;
  /** Processes of this run still alive after the close (killed by the benchmark). */
  readonly leftoversKilled: number;
}

/** `npx -y mcp-remote@0.15.1 <url>` with the user's npm cache and config, but a throw-away HOME for mcp-remote. */
export function npxLauncher(home: string, opts: { preferOffline?: boolean } = {}): OneShotLauncher {
  const env: Record<string, string> = {
    ...getDefaultEnvironment(),
    HOME: home,
    // HOME is throw-away (mcp-remote's token cache); keep npm's own cache and config where they are.
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
    npm_config_userconfig: process.env.npm_config_userconfig ?? join(homedir(), '.npmrc'),
    npm_config_update_notifier: 'false',
    npm_config_fund: 'false',
    npm_config_audit: 'false',
  };
  if (opts.preferOffline) env.npm_config_prefer_offline = 'true';
  return { command: 'npx', args: (url) => ['-y', NPX_PACKAGE, url], env };
}

/** The bundled mcp-remote on this Node runtime: `process.execPath dist/mcp-remote/proxy.mjs <url>`. */
export function bundledOneShotLauncher(proxyScript: string, home: string): OneShotLauncher {
  return { command: process.execPath, args: (url) => [proxyScript, url], env: { ...getDefaultEnvironment(), HOME: home } };
}

/**
 * One command in a fresh process. `url` must carry a marker unique to this run (see
 * HttpServer.marked) so its processes can be found in the process table afterwards.
 */
export async function runOneShot(launcher: OneShotLauncher, url: string, marker: string): Promise<OneShotTiming> {
  const transport = new StdioClientTransport({
    command: launcher.command,
    args: launcher.args(url),
    env: launcher.env,
    stderr: 'pipe',
  });
  const stderr: string[] = [];
  transport.stderr?.on('data', (d: Buffer) => {
    stderr.push(d.toString());
    if (stderr.length > 50) stderr.shift();
  });
  const client = new Client({ name: 'mcp-pool-bench-oneshot', version: '0.0.0' }, { capabilities: {} });
  let closed = false;
  try {
    const t0 = process.hrtime.bigint();
    await client.connect(transport);
    const connectMs = msSince(t0);
    const t1 = process.hrtime.bigint();
    const tools = await client.listTools();
    const listMs = msSince(t1);
    if (!tools.tools.some((t) => t.name === 'echo')) throw new Error('echo tool not listed');
    const t2 = process.hrtime.bigint();
    const result = await client.callTool({ name: 'echo', arguments: { text: marker } });
    const callMs = msSince(t2);
    checkEcho(result, marker);
    const toResultMs = msSince(t0);
    const t3 = process.hrtime.bigint();
    await client.close();
    closed = true;
    const closeMs = msSince(t3);
    const totalMs = msSince(t0);
    const leftoversKilled = await reapLeftovers(marker);
    return { connectMs, listMs, callMs, closeMs, toResultMs, totalMs, leftoversKilled };
  } catch (e) {
    if (!closed) await client.close().catch(() => undefined);
    await reapLeftovers(marker);
    const tail = stderr.join('').trim().split('\n').slice(-5).join('\n  ');
    throw new Error(`one-shot ${launcher.command} failed: ${(e as Error).message}${tail ? `\n  stderr: ${tail}` : ''}`, { cause: e });
  }
}

export function checkEcho(result: unknown, text: string): void {
  const r = result as { isError?: boolean; content?: { type: string; text?: string }[] };
  if (r.isError) throw new Error(`echo returned an error: ${JSON.stringify(r.content)}`);
  if (r.content?.[0]?.text !== text) throw new Error(`echo returned ${JSON.stringify(r.content)}`);
}

/**
 * Waits (up to `graceMs`) for every process whose command line holds `marker` to end; kills what
 * is left. Returns how many had to be killed.
 */
export async function reapLeftovers(marker: string, graceMs = 3000): Promise<number> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const left = processesMatching(marker);
    if (left.length === 0) return 0;
    if (Date.now() >= deadline) {
      for (const p of left) {
        try {
          process.kill(p.pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
      return left.length;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
