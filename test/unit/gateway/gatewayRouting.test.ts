// Server→client requests through the gateway: the pooled process asks (sampling, elicitation,
// roots) during a client's call; the answer comes from that client when it declared the capability,
// otherwise from the editor's own handlers (here the test's). Real stdio fixture, SDK clients over HTTP.
import * as assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import type { ClientHooks } from '../../../src/pool';
import { expectNoProcesses, stdioSpec } from '../helpers';
import { type Served, serve } from './helpers';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Report = Record<string, any>;
const report = (r: unknown) => (r as { structuredContent: Report }).structuredContent;

const editor: ClientHooks = {
  sample: async () => ({ role: 'assistant', model: 'editor-model', content: { type: 'text', text: 'from the editor' } }),
  elicit: async () => ({ action: 'accept', content: { name: 'editor', count: 1 } }),
  roots: { list: () => [{ uri: 'file:///editor-root', name: 'editor' }], onDidChange: () => ({ dispose: () => undefined }) },
};

function answersSampling(c: Client, text: string): void {
  c.setRequestHandler(CreateMessageRequestSchema, async (r) => ({
    role: 'assistant',
    model: 'client-model',
    content: { type: 'text', text: `${text}: ${JSON.stringify(r.params.messages[0].content)}` },
  }));
}

describe('gateway: what the server asks goes to the client it belongs to', function () {
  this.timeout(60_000);
  let s: Served;
  beforeEach(async () => {
    s = await serve([stdioSpec('f')], { hooks: editor });
  });
  afterEach(async () => {
    await s.close();
    await expectNoProcesses();
  });

  it("sampling: a client that declared it answers for its own call; one that did not gets the editor's answer", async () => {
    const capable = await s.connect('f', { name: 'capable', capabilities: { sampling: {} } });
    answersSampling(capable, 'client A');
    const plain = await s.connect('f', { name: 'plain' });
    const a = report(await capable.callTool({ name: 'summarize', arguments: { text: 'pool' } }));
    assert.equal(a.model, 'client-model');
    assert.match(a.text, /^client A: .*Summarize: pool/);
    const b = report(await plain.callTool({ name: 'summarize', arguments: { text: 'pool' } }));
    assert.equal(b.model, 'editor-model');
  });

  it('elicitation (form) and roots likewise; a URL-mode question goes to the editor when the client declared form only', async () => {
    const c = await s.connect('f', { name: 'forms', capabilities: { elicitation: { form: {} }, roots: {} } });
    c.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'client', count: 2 } }));
    c.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///client-root', name: 'client' }] }));
    const form = report(await c.callTool({ name: 'ask_form', arguments: {} }));
    assert.deepEqual(form.content, { name: 'client', count: 2 });
    const roots = report(await c.callTool({ name: 'list_roots', arguments: {} }));
    assert.deepEqual(
      roots.roots.map((r: { uri: string }) => r.uri),
      ['file:///client-root'],
    );
    const url = report(await c.callTool({ name: 'ask_url', arguments: { url: 'https://example.com/confirm' } }));
    assert.equal(url.action, 'accept', "answered by the editor (the test's hook accepts)");
  });

  it('two clients calling at once: nobody can tell whose call asked, so the editor answers', async () => {
    const a = await s.connect('f', { name: 'a', capabilities: { sampling: {} } });
    answersSampling(a, 'A');
    const b = await s.connect('f', { name: 'b', capabilities: { sampling: {} } });
    answersSampling(b, 'B');
    const slow = b.callTool({ name: 'sleep', arguments: { ms: 800 } });
    await new Promise((r) => setTimeout(r, 100));
    const r = report(await a.callTool({ name: 'summarize', arguments: { text: 'x' } }));
    assert.equal(r.model, 'editor-model');
    await slow;
  });
});
