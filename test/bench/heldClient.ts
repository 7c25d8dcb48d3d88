// The floor: an SDK `Client` held open by hand over one process (no pool in between). By default
// the SDK the pool itself runs on (v2, `@modelcontextprotocol/client`, in its default `legacy`
// negotiation: what the pool speaks to mcp-remote and to a server it knows is 2025-era); `1.x`
// opens the SDK before it (`@modelcontextprotocol/sdk`), a diagnostic of what the SDK's own move costs.
import { Client as V2Client } from '@modelcontextprotocol/client';
import { getDefaultEnvironment as v2Environment, StdioClientTransport as V2Stdio } from '@modelcontextprotocol/client/stdio';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { msSince } from './stats';

export type HeldSdk = 'v2' | '1.x';

export interface HeldClient {
  readonly pid: number;
  /** spawn + initialize + one tools/list, in ms. */
  readonly connectMs: number;
  /** One tools/call of `echo`; resolves to its duration in ms (hrtime). */
  echo(text: string): Promise<number>;
  close(): Promise<void>;
}

interface EchoClient {
  connect(t: unknown): Promise<void>;
  listTools(): Promise<unknown>;
  callTool(p: { name: string; arguments: Record<string, unknown> }): Promise<{ content?: unknown; isError?: boolean }>;
  close(): Promise<void>;
}

export async function openHeldClient(command: string, args: string[], env: Record<string, string>, sdk: HeldSdk = 'v2'): Promise<HeldClient> {
  const info = { name: 'mcp-pool-bench-held', version: '0.0.0' };
  const transport =
    sdk === 'v2'
      ? new V2Stdio({ command, args, env: { ...v2Environment(), ...env }, stderr: 'pipe' })
      : new StdioClientTransport({ command, args, env: { ...getDefaultEnvironment(), ...env }, stderr: 'pipe' });
  transport.stderr?.on('data', () => undefined); // drained, not kept
  const client = (sdk === 'v2' ? new V2Client(info, { capabilities: {} }) : new Client(info, { capabilities: {} })) as unknown as EchoClient;
  const t0 = process.hrtime.bigint();
  await client.connect(transport);
  // Listed once, as the pool does for a command that shows the tools: both sides then validate
  // echo's structured output against its schema on every call.
  await client.listTools();
  const connectMs = msSince(t0);
  return {
    pid: transport.pid!,
    connectMs,
    async echo(text) {
      const t = process.hrtime.bigint();
      const result = await client.callTool({ name: 'echo', arguments: { text } });
      const ms = msSince(t);
      const content = result.content as { text?: string }[];
      if (result.isError || content[0]?.text !== text) throw new Error(`held echo returned ${JSON.stringify(result.content)}`);
      return ms;
    },
    close: () => client.close(),
  };
}
