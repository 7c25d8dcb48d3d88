// The gateway's cost: a warm call through the gateway (an SDK client over HTTP on 127.0.0.1, one
// session) against the same call on the pool directly, interleaved, on the stdio fixture (no remote
// latency to hide the hop); and 10 clients × 100 concurrent calls on one app through the gateway.
import { randomUUID } from 'node:crypto';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';
import { Gateway } from '../../src/gateway/gateway';
import { mcpPath } from '../../src/contract/protocol';
import type { Pool } from '../../src/pool';
import { processesMatching } from '../fixtures/processTable';
import { interleave } from './interleave';
import { pooledEcho, stdioApp } from './pooled';
import { msSince } from './stats';

export const GATEWAY_APP = 'gw';

export interface GatewayResult {
  /**
   * Per round (ms): the call on the pool, the same call through the gateway, and — the floor of any
   * MCP-over-HTTP hop — an echo on an SDK McpServer over the SDK's Streamable HTTP transport in this
   * process (SDK client → SDK server, nothing of ours).
   */
  readonly samples: { readonly direct: number[]; readonly viaGateway: number[]; readonly sdkHttp: number[] };
  readonly fanIn: {
    readonly clients: number;
    readonly callsPerClient: number;
    readonly wallMs: number;
    readonly errors: number;
    readonly misrouted: number;
    readonly pids: number;
    readonly processes: number;
  };
  readonly errors: string[];
}

async function connect(gateway: Gateway, name: string): Promise<Client> {
  const client = new Client({ name, version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(gateway.url + mcpPath(GATEWAY_APP)), { requestInit: { headers: { Authorization: `Bearer ${gateway.token}` } } }),
  );
  return client;
}

/** An SDK McpServer with an echo tool over the SDK's Streamable HTTP server transport, on 127.0.0.1. */
async function sdkHttpServer(): Promise<{ url: string; http: HttpServer }> {
  const transports = new Map<string, StreamableHTTPServerTransport>();
  const http = createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const c of req) chunks.push(c as Buffer);
      const body: unknown = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : undefined;
      const sid = req.headers['mcp-session-id'];
      let transport = typeof sid === 'string' ? transports.get(sid) : undefined;
      if (!transport) {
        const t: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
          sessionIdGenerator: randomUUID,
          onsessioninitialized: (id) => void transports.set(id, t),
        });
        transport = t;
        const server = new McpServer({ name: 'sdk-floor', version: '1.0.0' });
        server.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => ({ content: [{ type: 'text', text }] }));
        await server.connect(t);
      }
      await transport.handleRequest(req, res, body);
    })();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(http.address() as AddressInfo).port}/mcp`, http };
}

async function echoVia(client: Client, text: string): Promise<{ ms: number; text?: string; pid?: number }> {
  const t = process.hrtime.bigint();
  const r = await client.callTool({ name: 'echo', arguments: { text } });
  const ms = msSince(t);
  const first = (r.content as { text?: string }[])[0];
  return { ms, text: first?.text?.split('\n')[0], pid: (r.structuredContent as { pid?: number } | undefined)?.pid };
}

export async function measureGateway(pool: Pool, marker: string, rounds: number, warmup: number): Promise<GatewayResult> {
  await pool.configure([stdioApp(GATEWAY_APP, marker)]);
  const gateway = new Gateway({ pool, window: { name: 'bench', startedAt: Date.now() } });
  await gateway.start();
  const clients: Client[] = [];
  const floor = await sdkHttpServer();
  const floorClient = new Client({ name: 'bench-sdk-floor', version: '1' });
  try {
    const client = await connect(gateway, 'bench-hop');
    clients.push(client);
    await floorClient.connect(new StreamableHTTPClientTransport(new URL(floor.url)));
    await client.listTools();
    await floorClient.listTools();
    await pool.listTools(GATEWAY_APP);
    for (let i = 0; i < warmup; i++) {
      await pooledEcho(pool, GATEWAY_APP, `w${i}`);
      await echoVia(client, `w${i}`);
      await echoVia(floorClient, `w${i}`);
    }
    const { samples, errors } = await interleave(rounds, [
      { id: 'direct', run: async (i: number) => (await pooledEcho(pool, GATEWAY_APP, `d${i}`)).ms },
      {
        id: 'viaGateway',
        run: async (i: number) => {
          const r = await echoVia(client, `g${i}`);
          if (r.text !== `g${i}`) throw new Error(`gateway echo returned ${String(r.text)}`);
          return r.ms;
        },
      },
      {
        id: 'sdkHttp',
        run: async (i: number) => {
          const r = await echoVia(floorClient, `s${i}`);
          if (r.text !== `s${i}`) throw new Error(`SDK floor echo returned ${String(r.text)}`);
          return r.ms;
        },
      },
    ]);

    // fan-in: 10 clients, each 100 calls at once
    const N = 10;
    const M = 100;
    for (let i = 0; i < N; i++) clients.push(await connect(gateway, `bench-fan-${i}`));
    const fan = clients.slice(1);
    let failed = 0;
    let misrouted = 0;
    const pids = new Set<number>();
    const t = process.hrtime.bigint();
    await Promise.all(
      fan.flatMap((c, i) =>
        Array.from({ length: M }, async (_, j) => {
          try {
            const r = await echoVia(c, `${i}:${j}`);
            if (r.text !== `${i}:${j}`) misrouted++;
            if (r.pid !== undefined) pids.add(r.pid);
          } catch (e) {
            failed++;
            if (failed <= 3) errors.push(`fan-in: ${(e as Error).message}`);
          }
        }),
      ),
    );
    const wallMs = msSince(t);
    return {
      samples: { direct: samples.direct ?? [], viaGateway: samples.viaGateway ?? [], sdkHttp: samples.sdkHttp ?? [] },
      fanIn: { clients: N, callsPerClient: M, wallMs, errors: failed, misrouted, pids: pids.size, processes: processesMatching(marker).length },
      errors,
    };
  } finally {
    await floorClient.close().catch(() => undefined);
    floor.http.closeAllConnections();
    floor.http.close();
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await gateway.close();
    gateway.dispose();
  }
}
