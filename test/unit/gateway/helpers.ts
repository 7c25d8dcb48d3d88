// A pool and its gateway for tests, and SDK clients that connect to it over real HTTP.
import { Client, type ClientOptions } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Gateway, type GatewayOptions } from '../../../src/gateway/gateway';
import { HookRouter } from '../../../src/gateway/hookRouter';
import { mcpPath } from '../../../src/contract/protocol';
import type { AppSpec, ClientHooks, Pool } from '../../../src/pool';
import { makePool } from '../helpers';

export interface Served {
  readonly pool: Pool;
  readonly gateway: Gateway;
  readonly clients: Client[];
  connect(app: string, opts?: { name?: string; capabilities?: ClientOptions['capabilities']; token?: string }): Promise<Client>;
  close(): Promise<void>;
}

export async function serve(
  specs: AppSpec[],
  opts: { hooks?: ClientHooks; settings?: Parameters<typeof makePool>[0]; gateway?: Partial<GatewayOptions> } = {},
): Promise<Served> {
  const router = new HookRouter(opts.hooks);
  const pool = makePool(opts.settings ?? {}, { clientHooks: router.hooks });
  await pool.configure(specs);
  const gateway = new Gateway({ pool, router, window: { name: 'test window', startedAt: Date.now() }, ...opts.gateway });
  await gateway.start();
  const clients: Client[] = [];
  return {
    pool,
    gateway,
    clients,
    async connect(app, o = {}) {
      const client = new Client({ name: o.name ?? 'test-client', version: '1.2.3' }, { capabilities: o.capabilities ?? {} });
      const transport = new StreamableHTTPClientTransport(new URL(gateway.url + mcpPath(app)), {
        requestInit: { headers: { Authorization: `Bearer ${o.token ?? gateway.token}` } },
      });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
      await gateway.close();
      gateway.dispose();
      await pool.shutdown();
      pool.dispose();
    },
  };
}
