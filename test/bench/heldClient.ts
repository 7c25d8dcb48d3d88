// The floor: an SDK `Client` held open by hand over one process (no pool in between).
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment, StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { msSince } from './stats';

export interface HeldClient {
  readonly pid: number;
  /** spawn + initialize + one tools/list, in ms. */
  readonly connectMs: number;
  /** One tools/call of `echo`; resolves to its duration in ms (hrtime). */
  echo(text: string): Promise<number>;
  close(): Promise<void>;
}

export async function openHeldClient(command: string, args: string[], env: Record<string, string>): Promise<HeldClient> {
  const transport = new StdioClientTransport({ command, args, env: { ...getDefaultEnvironment(), ...env }, stderr: 'pipe' });
  transport.stderr?.on('data', () => undefined); // drained, not kept
  const client = new Client({ name: 'mcp-pool-bench-held', version: '0.0.0' }, { capabilities: {} });
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
