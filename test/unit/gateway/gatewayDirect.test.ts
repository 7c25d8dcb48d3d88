// Direct apps and the gateway, both ways: the gateway serves a direct app (no process anywhere) like
// any other; and a direct app of a second pool can use the gateway as its server (bearer token as a
// header), its calls landing on the first pool's one warm process.
import * as assert from 'node:assert/strict';
import { mcpPath } from '../../../src/contract/protocol';
import { MemorySignInStore, type Pool, signInKey } from '../../../src/pool';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';
import { directSpec, makePool, stdioSpec, textOf } from '../helpers';
import { type Served, serve } from './helpers';

describe('gateway: direct apps', function () {
  this.timeout(30_000);
  let s: Served | undefined;
  let http: HttpFixture | undefined;
  let outer: Pool | undefined;
  afterEach(async () => {
    await outer?.shutdown();
    outer?.dispose();
    outer = undefined;
    await s?.close();
    s = undefined;
    await http?.close();
    http = undefined;
  });

  it('serves a direct app to an MCP client: its tools, progress, one session on the server', async () => {
    http = await startHttpFixture();
    s = await serve([directSpec('d', http.url)]);
    const client = await s.connect('d');
    const tools = await client.listTools();
    assert.ok(tools.tools.some((t) => t.name === 'echo'));
    const steps: number[] = [];
    const r = await client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, { onprogress: (p) => steps.push(p.progress) });
    assert.equal((r.content as { text: string }[])[0].text, 'done');
    assert.deepEqual(steps, [1, 2, 3]);
    assert.equal(http.stats().sessionsCreated, 1);
    assert.equal(s.pool.snapshot('d')!.pid, undefined);
  });

  it("a direct app whose server is the gateway: calls cross two pools to the first pool's one process; its own Authorization header wins over a stored OAuth token", async () => {
    s = await serve([stdioSpec('f')]);
    const url = s.gateway.url + mcpPath('f');
    const headers = { Authorization: `Bearer ${s.gateway.token}` };
    const store = new MemorySignInStore();
    await store.set(signInKey(url, headers), { tokens: { access_token: 'a-stale-oauth-token', token_type: 'Bearer' } });
    outer = makePool({}, { signIns: { store, mcpRemoteEnv: {} } });
    await outer.configure([directSpec('via', url, { headers })]);
    const first = await outer.callTool('via', 'echo', { text: 'direct through the gateway' });
    assert.equal(textOf(first.result.content).split('\n')[0], 'direct through the gateway');
    assert.equal((first.result.structuredContent as { pid: number }).pid, s.pool.snapshot('f')!.pid);
    assert.ok(
      s.gateway.clients('f').some((c) => /^mcp-remote-pool/.test(c.name)),
      JSON.stringify(s.gateway.clients('f')),
    );
  });
});
