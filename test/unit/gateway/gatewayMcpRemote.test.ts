// The real mcp-remote as a client of the gateway: it speaks Streamable HTTP, with the token as a
// header — what a user gets who points an existing `npx mcp-remote <url>` configuration at the
// pool. Here a second pool runs it (bundled, with the header), so its calls cross two pools and
// reach the one warm process of the first.
import * as assert from 'node:assert/strict';
import { mcpPath } from '../../../src/contract/protocol';
import type { Pool } from '../../../src/pool';
import { expectNoProcesses, makePool, remoteSpec, stdioSpec, textOf } from '../helpers';
import { type Served, serve } from './helpers';

describe('gateway: the real mcp-remote as its client', function () {
  this.timeout(60_000);
  let s: Served;
  let outer: Pool;
  beforeEach(async () => {
    s = await serve([stdioSpec('f', { FIXTURE_FEATURES: '1' })]);
    outer = makePool();
    await outer.configure([remoteSpec('via', s.gateway.url + mcpPath('f'), { headers: { Authorization: `Bearer ${s.gateway.token}` } })]);
  });
  afterEach(async () => {
    await outer.shutdown();
    outer.dispose();
    await s.close();
    await expectNoProcesses();
  });

  it("lists and calls the pooled app's tools, reads its resources and gets its prompts — on the first pool's one process", async () => {
    const tools = await outer.listTools('via');
    assert.ok(tools.some((t) => t.name === 'echo'));
    const first = await outer.callTool('via', 'echo', { text: 'through mcp-remote' });
    assert.equal(textOf(first.result.content).split('\n')[0], 'through mcp-remote');
    assert.equal((first.result.structuredContent as { pid: number }).pid, s.pool.snapshot('f')!.pid);
    const read = await outer.readResource('via', 'fixture://text/hello');
    assert.ok(read.contents.length === 1);
    const prompt = await outer.getPrompt('via', 'greet', { name: 'Ada' });
    assert.ok(prompt.messages.length > 0);
    assert.equal(s.pool.snapshot('f')!.starts, 1);
    assert.ok(
      s.gateway.clients('f').some((c) => /^mcp-remote-pool \(via mcp-remote/.test(c.name)),
      `the outer pool's client name, as mcp-remote passes it on: ${JSON.stringify(s.gateway.clients('f'))}`,
    );
  });

  it('with a wrong token mcp-remote cannot start, and says why', async () => {
    const bad = makePool({ startTimeoutMs: 15_000 });
    try {
      await bad.configure([remoteSpec('bad', s.gateway.url + mcpPath('f'), { headers: { Authorization: 'Bearer wrong' } })]);
      await assert.rejects(bad.warm('bad'), (e: Error) => /could not start/.test(e.message));
    } finally {
      await bad.shutdown();
      bad.dispose();
    }
  });
});
