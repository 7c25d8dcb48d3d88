// `mcp-pool` at the terminal: a whole `mcp-pool call <app> echo text=…` process (dist/cli.js on
// this Node, pool found through MCP_POOL_URL / MCP_POOL_TOKEN as in the editor's terminals,
// answered by the gateway from a warm pooled process) and a bare `node -e 0`, the floor of any
// Node CLI. Each sample is wall time from spawn until the process has exited (hrtime).
// And what every stdio client configured with `mcp-pool stdio <app>` pays per command or agent
// session (TASAK, Claude Code, Codex…): a whole relay session driven by an SDK client, beside the
// same session with the least server SDK v2 makes (the floor of anything built on the SDK).
import { spawn } from 'node:child_process';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { join } from 'node:path';
import { ECHO_V2_FIXTURE, REPO_ROOT } from '../fixtures/paths';
import type { Step } from './interleave';
import { msSince } from './stats';

export const CLI_SCRIPT = join(REPO_ROOT, 'dist', 'cli.js');

interface Exited {
  readonly ms: number;
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

function timed(args: readonly string[], env: NodeJS.ProcessEnv): Promise<Exited> {
  return new Promise((resolve, reject) => {
    const t = process.hrtime.bigint();
    const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: msSince(t), code, stdout, stderr }));
  });
}

/** The environment of an editor terminal: the gateway's URL and token. */
export function terminalEnv(url: string, token: string): NodeJS.ProcessEnv {
  return { ...process.env, MCP_POOL_URL: url, MCP_POOL_TOKEN: token };
}

/** One whole `mcp-pool call <app> echo text=<marker>`; checks it printed the text and exited 0. */
export function cliCallStep(env: NodeJS.ProcessEnv, app: string, id = 'cli'): Step {
  return {
    id,
    async run(i) {
      const text = `cli-${i}`;
      const r = await timed([CLI_SCRIPT, 'call', app, 'echo', `text=${text}`], env);
      if (r.code !== 0 || !r.stdout.startsWith(`${text}\n`)) throw new Error(`mcp-pool call exited ${r.code}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
      return r.ms;
    },
  };
}

/**
 * One whole session of a stdio MCP server as a stdio MCP client runs it: spawn, initialize,
 * tools/list, tools/call (echo), close, until the server process has exited.
 */
function stdioSessionStep(id: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv): Step {
  return {
    id,
    async run(i) {
      const text = `${id}-${i}`;
      const t = process.hrtime.bigint();
      const transport = new StdioClientTransport({ command, args: [...args], env: env as Record<string, string>, stderr: 'pipe' });
      const exited = new Promise<void>((resolve) => {
        transport.onclose = () => resolve();
      });
      const client = new Client({ name: 'bench-relay', version: '1' });
      try {
        await client.connect(transport);
        const { tools } = await client.listTools();
        if (!tools.some((tool) => tool.name === 'echo')) throw new Error(`${id} listed no echo tool (${tools.map((tool) => tool.name).join(', ')})`);
        const r = await client.callTool({ name: 'echo', arguments: { text } });
        if ((r.content as { text?: string }[])[0]?.text !== text) throw new Error(`${id} returned something else`);
      } finally {
        await client.close();
        await exited;
      }
      return msSince(t);
    },
  };
}

/** One whole `mcp-pool stdio <app>` session (what every client configured with it pays per session). */
export function relayOneShotStep(env: NodeJS.ProcessEnv, app: string, id = 'relay'): Step {
  return stdioSessionStep(id, process.execPath, [CLI_SCRIPT, 'stdio', app], env);
}

/** The relay's floor: the same session with the least SDK v2 stdio server (test/fixtures/echo-stdio-v2.ts). */
export function relayFloorStep(id = 'relayFloor'): Step {
  return stdioSessionStep(id, process.execPath, [ECHO_V2_FIXTURE], process.env);
}

/** A bare `node -e 0`. */
export function nodeStartStep(id = 'nodeStart'): Step {
  return {
    id,
    async run() {
      const r = await timed(['-e', '0'], process.env);
      if (r.code !== 0) throw new Error(`node -e 0 exited ${r.code}`);
      return r.ms;
    },
  };
}
