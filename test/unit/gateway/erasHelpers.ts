// Clients of every protocol era for the gateway tests: the 1.x SDK client (a 2025-era client), and
// SDK v2 clients with versionNegotiation 'legacy', 'auto' and pinned to 2026-07-28 — over HTTP to
// the gateway, or over stdio through `mcp-pool stdio`. Each counts what its transport sent and got.
import { Client as V1Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as V1Http } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as V2Client, type ClientOptions, StreamableHTTPClientTransport as V2Http } from '@modelcontextprotocol/client';
import { StdioClientTransport as V2Stdio } from '@modelcontextprotocol/client/stdio';
import { mcpPath } from '../../../src/contract/protocol';

export const MODERN = '2026-07-28';
export type Era = '1.x' | 'legacy' | 'auto' | 'pinned';
export const ERAS: readonly Era[] = ['1.x', 'legacy', 'auto', 'pinned'];

/** What a test can ask of a client of any era (the shapes the two SDKs share). */
export interface AnyClient {
  readonly era: Era;
  readonly raw: V1Client | V2Client;
  /** The protocol version the connection speaks. */
  readonly version: () => string | undefined;
  /** Request bodies the client's transport posted (HTTP only), and response bodies it read. */
  readonly sent: string[];
  readonly received: string[];
  close(): Promise<void>;
}

export interface EraOptions {
  readonly name?: string;
  readonly capabilities?: ClientOptions['capabilities'];
}

/** Reads what a fetch sends and gets (bodies of both ways), passing everything through. */
function recordingFetch(sent: string[], received: string[]): typeof fetch {
  return async (input, init) => {
    if (typeof init?.body === 'string') sent.push(init.body);
    const res = await fetch(input, init);
    if (!res.body || !res.headers.get('content-type')?.includes('json')) return res;
    const text = await res.text();
    received.push(text);
    return new Response(text, { status: res.status, statusText: res.statusText, headers: res.headers });
  };
}

function v2Options(era: Era, o: EraOptions): ClientOptions {
  const mode = era === 'pinned' ? { pin: MODERN } : era === 'auto' ? 'auto' : 'legacy';
  return { capabilities: o.capabilities ?? {}, versionNegotiation: { mode } };
}

export async function httpClient(era: Era, url: string, token: string, app: string, o: EraOptions = {}): Promise<AnyClient> {
  const sent: string[] = [];
  const received: string[] = [];
  const endpoint = new URL(url + mcpPath(app));
  const headers = { Authorization: `Bearer ${token}` };
  const name = o.name ?? `eras-${era}`;
  if (era === '1.x') {
    const c = new V1Client({ name, version: '1.0.0' }, { capabilities: o.capabilities ?? {} });
    await c.connect(new V1Http(endpoint, { requestInit: { headers }, fetch: recordingFetch(sent, received) }));
    return { era, raw: c, version: () => '2025-11-25', sent, received, close: () => c.close() };
  }
  const c = new V2Client({ name, version: '2.0.0' }, v2Options(era, o));
  await c.connect(new V2Http(endpoint, { requestInit: { headers }, fetch: recordingFetch(sent, received) }));
  return { era, raw: c, version: () => c.getNegotiatedProtocolVersion(), sent, received, close: () => c.close() };
}

/** A v2 client (or the 1.x one) over stdio through `mcp-pool stdio <app>` (node dist/cli.js). */
export async function relayClient(
  era: Era,
  cli: string,
  env: Record<string, string>,
  app: string,
  o: EraOptions = {},
): Promise<AnyClient & { stderr: () => string }> {
  let stderr = '';
  const name = o.name ?? `relay-${era}`;
  if (era === '1.x') {
    const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
    const t = new StdioClientTransport({ command: process.execPath, args: [cli, 'stdio', app], env, stderr: 'pipe' });
    t.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    const c = new V1Client({ name, version: '1.0.0' }, { capabilities: o.capabilities ?? {} });
    await c.connect(t);
    return { era, raw: c, version: () => '2025-11-25', sent: [], received: [], close: () => c.close(), stderr: () => stderr };
  }
  const t = new V2Stdio({ command: process.execPath, args: [cli, 'stdio', app], env, stderr: 'pipe' });
  t.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const c = new V2Client({ name, version: '2.0.0' }, v2Options(era, o));
  await c.connect(t);
  return { era, raw: c, version: () => c.getNegotiatedProtocolVersion(), sent: [], received: [], close: () => c.close(), stderr: () => stderr };
}

/** Text of a tool result's first text item. */
export function firstText(r: unknown): string {
  const content = (r as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.find((c) => c.type === 'text')?.text ?? '';
}
