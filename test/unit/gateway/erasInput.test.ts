// A server that asks its client for something (elicitation) while a prompts/get or a resources/read
// runs, through the real gateway: a 2026-07-28 client gets `input_required` and retries with its
// answer, a 2025 client gets a real request on its session — as for tools/call — against upstream
// apps of both eras (the 1.x stdio fixture, a 2025 server asking with real requests; the SDK v2
// modern-only stdio fixture, asking with `input_required`). The upstream request runs once: the
// client's retry resumes it. A parked request its client never retries expires and leaves nothing.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { CreateMessageRequestSchema, ElicitRequestSchema, ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { createMcpHandler, inputRequired, inputResponse, McpServer } from '@modelcontextprotocol/server';
import type { AppSpec } from '../../../src/pool';
import { type EraHttpFixture, startEraHttpFixture } from '../../fixtures/modern/http';
import { MODERN_STDIO_FIXTURE, REPO_ROOT } from '../../fixtures/paths';
import { waitUntil } from '../../fixtures/processTable';
import { directSpec, expectNoProcesses, RUN_MARK, stdioSpec } from '../helpers';
import { tempDir } from '../tempDirs';
import { type AnyClient, ERAS, httpClient, MODERN, relayClient } from './erasHelpers';
import { type Served, serve } from './helpers';

/* eslint-disable @typescript-eslint/no-explicit-any */
interface Asking {
  setRequestHandler(schemaOrMethod: any, handler: any): void;
  getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<{ messages: { content: { type: string; text?: string } }[] }>;
  readResource(params: { uri: string }): Promise<{ contents: { text?: string }[] }>;
}
/* eslint-enable @typescript-eslint/no-explicit-any */

const isModern = (c: AnyClient) => c.era === 'pinned' || c.era === 'auto';

/** Answers the client's elicitation requests with the name `client-<era>`, recording each question. */
function answerAs(c: AnyClient, asked: string[]): Asking {
  const raw = c.raw as unknown as Asking;
  const elicit = async (req: { params: { message?: string } }) => {
    asked.push(req.params.message ?? '');
    return { action: 'accept' as const, content: { name: `client-${c.era}` } };
  };
  if (c.era === '1.x') raw.setRequestHandler(ElicitRequestSchema, elicit);
  else raw.setRequestHandler('elicitation/create', elicit);
  return raw;
}

function lines(path: string): Record<string, unknown>[] {
  try {
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, unknown>);
  } catch {
    return [];
  }
}

/**
 * A small modern-only SDK v2 HTTP server (in this process) whose prompt `sampled` asks its client to
 * sample and whose resource `mem://roots` asks for its roots, both with input_required; `firstRounds`
 * counts the runs that asked (a retry with answers is no new run).
 */
async function samplingServer(): Promise<{ url: string; firstRounds: string[]; close(): Promise<void> }> {
  const firstRounds: string[] = [];
  const handler = createMcpHandler(
    () => {
      const server = new McpServer({ name: 'asking', version: '1.0.0' });
      server.registerPrompt('sampled', {}, (ctx) => {
        const answer = inputResponse(ctx.mcpReq.inputResponses, 's');
        if (answer.kind !== 'sampling') {
          firstRounds.push('sampled');
          return inputRequired({
            inputRequests: { s: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'hi?' } }], maxTokens: 5 }) },
          });
        }
        const c = answer.result.content;
        return {
          messages: [
            { role: 'assistant', content: { type: 'text', text: `${answer.result.model}: ${!Array.isArray(c) && c.type === 'text' ? c.text : '?'}` } },
          ],
        };
      });
      server.registerResource('roots', 'mem://roots', { mimeType: 'text/plain' }, (uri, ctx) => {
        const answer = inputResponse(ctx.mcpReq.inputResponses, 'r');
        if (answer.kind !== 'roots') {
          firstRounds.push('roots');
          return inputRequired({ inputRequests: { r: inputRequired.listRoots() } });
        }
        return { contents: [{ uri: uri.href, mimeType: 'text/plain', text: answer.roots.map((r) => r.uri).join(',') }] };
      });
      return server;
    },
    { legacy: 'reject' },
  );
  const node = toNodeHandler(handler);
  const http: HttpServer = createServer((req, res) => void node(req, res));
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/mcp`,
    firstRounds,
    close: async () => {
      await handler.close().catch(() => undefined);
      http.closeAllConnections();
      await new Promise<void>((resolve) => http.close(() => resolve()));
    },
  };
}

describe('gateway: prompts/get and resources/read that ask the client (input_required / a real request), every client era, upstreams of both eras', function () {
  this.timeout(60_000);
  let s: Served | undefined;
  let web: EraHttpFixture | undefined;
  let log: string;
  const clients: AnyClient[] = [];
  /**
   * Upstream apps: `old` the 1.x stdio fixture (2025, real server→client requests), `new` the SDK v2
   * modern-only stdio fixture, `web` the same served modern-only over HTTP and reached directly
   * (both asking with input_required).
   */
  const specs = (): AppSpec[] => [
    stdioSpec('old', { FIXTURE_FEATURES: '1', FIXTURE_CALL_LOG: log }),
    { kind: 'stdio', name: 'new', command: process.execPath, args: [MODERN_STDIO_FIXTURE, RUN_MARK, `--call-log=${log}`], env: {} },
    directSpec('web', web!.url),
  ];
  const start = async (ttlMs?: number) => {
    web = await startEraHttpFixture({ legacy: 'reject', callLog: log, inProcess: true });
    s = await serve(specs(), {
      // the editor's own answer: a request routed to it instead of the asking client shows as "decline"
      hooks: { elicit: async () => ({ action: 'decline' }) },
      ...(ttlMs !== undefined ? { gateway: { limits: { inputRequiredTtlMs: ttlMs } } } : {}),
    });
    return s;
  };

  beforeEach(() => {
    log = join(tempDir('eras-input-'), 'calls.jsonl');
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
    await s?.close();
    s = undefined;
    await web?.close();
    web = undefined;
    await expectNoProcesses();
  });

  const UPSTREAM = { old: '2025 (1.x) stdio', new: 'modern (SDK v2) stdio', web: 'modern (SDK v2) direct HTTP' } as const;
  for (const app of ['old', 'new', 'web'] as const) {
    for (const era of ERAS) {
      it(`${era} client, ${UPSTREAM[app]} upstream: prompts/get and resources/read get the client's own answer; each ran once upstream`, async () => {
        const served = await start();
        const c = await httpClient(era, served.gateway.url, served.gateway.token, app, { capabilities: { elicitation: { form: {} } } });
        clients.push(c);
        const asked: string[] = [];
        const raw = answerAs(c, asked);

        const prompt = await raw.getPrompt({ name: 'ask_name', arguments: {} });
        assert.equal(prompt.messages[0].content.text, `asked #1: accept client-${era}`, 'the answer of this client reached the server; its first run');
        const read = await raw.readResource({ uri: 'fixture://asked' });
        assert.equal(read.contents[0].text, `asked #1: accept client-${era}`);
        assert.deepEqual(asked, ['Name for ask_name?', 'Name for fixture://asked?']);

        const inputRequired = c.received.filter((b) => b.includes('"input_required"')).length;
        if (isModern(c)) {
          assert.equal(c.version(), MODERN);
          assert.equal(inputRequired, 2, 'each question came back as input_required');
        } else assert.equal(inputRequired, 0, 'a 2025 client is asked with a real request');
        assert.equal(served.gateway.counts.parked, 0, 'nothing left waiting');
        if (app !== 'old')
          assert.deepEqual(
            lines(log).map((l) => l.tool),
            ['ask_name', 'fixture://asked'],
            'one first round of each upstream (a retry resumes it, never sends it again)',
          );
        await waitUntil(() => served.pool.snapshot(app)!.inFlight === 0, 5000, 'nothing in flight');
      });
    }
  }

  /** One 2026-07-28 request by hand, as a pinned client sends it; returns every JSON-RPC message of the answer. */
  const modernPost = async (served: Served, app: string, id: number, method: string, name: string, params: Record<string, unknown>) => {
    const res = await fetch(`${served.gateway.url}/apps/${app}/mcp`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${served.gateway.token}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': MODERN,
        'mcp-method': method,
        'mcp-name': name,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id,
        method,
        params: {
          ...params,
          _meta: {
            'io.modelcontextprotocol/protocolVersion': MODERN,
            'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
            'io.modelcontextprotocol/clientInfo': { name: 'raw-modern', version: '1' },
          },
        },
      }),
    });
    const text = await res.text();
    if (text.startsWith('{')) return [JSON.parse(text)] as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
    return text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map((l) => JSON.parse(l.slice(6))) as Record<string, any>[]; // eslint-disable-line @typescript-eslint/no-explicit-any
  };

  it('pinned: a prompts/get waiting for its client (input_required) expires: the upstream request is cancelled, nothing is left', async () => {
    const served = await start(300);
    const asked = await modernPost(served, 'old', 5, 'prompts/get', 'ask_name', { name: 'ask_name', arguments: {} });
    const result = asked.find((m) => m.id === 5)!.result;
    assert.equal(result.resultType, 'input_required');
    assert.equal(result.inputRequests.q1.method, 'elicitation/create');
    assert.equal(result.inputRequests.q1.params.message, 'Name for ask_name?');
    assert.equal(served.gateway.counts.parked, 1);
    await waitUntil(
      () => served.gateway.counts.parked === 0 && served.pool.snapshot('old')!.inFlight === 0,
      5000,
      'the parked prompt expired and its upstream request ended',
    );
    await waitUntil(() => lines(log).some((l) => l.asked === 'ask_name' && l.cancelled === true), 5000, 'the server saw its request cancelled');
    const late = await modernPost(served, 'old', 6, 'prompts/get', 'ask_name', {
      name: 'ask_name',
      arguments: {},
      requestState: result.requestState,
      inputResponses: { q1: { action: 'accept', content: { name: 'late' } } },
    });
    assert.match(late[0].error.message, /Invalid or expired requestState/);
  });

  it("pinned: a prompt's requestState resumes only that prompt (not a read, a tool call or another prompt); its right retry gets the answer to a prompt that ran once", async () => {
    const served = await start();
    const asked = await modernPost(served, 'new', 7, 'prompts/get', 'ask_name', { name: 'ask_name', arguments: {} });
    const { requestState } = asked.find((m) => m.id === 7)!.result;
    const answers = { q1: { action: 'accept', content: { name: 'raw' } } };
    const foreign = [
      await modernPost(served, 'new', 8, 'resources/read', 'fixture://asked', { uri: 'fixture://asked', requestState, inputResponses: answers }),
      await modernPost(served, 'new', 9, 'tools/call', 'ask_name', { name: 'ask_name', arguments: {}, requestState, inputResponses: answers }),
      await modernPost(served, 'new', 10, 'prompts/get', 'greet', { name: 'greet', arguments: { name: 'x' }, requestState, inputResponses: answers }),
    ];
    for (const answer of foreign) assert.match(answer[0].error.message, /Invalid or expired requestState/);
    const done = await modernPost(served, 'new', 11, 'prompts/get', 'ask_name', { name: 'ask_name', arguments: {}, requestState, inputResponses: answers });
    assert.equal(done.find((m) => m.id === 11)!.result.messages[0].content.text, 'asked #1: accept raw');
    assert.deepEqual(
      lines(log).map((l) => l.tool),
      ['ask_name'],
      'the prompt ran once upstream, nothing else ran',
    );
    assert.equal(served.gateway.counts.parked, 0);
  });

  it("pinned: while a client's prompt waits for it, a question of someone else's tool call (the editor's) is not routed to that client", async () => {
    const served = await start();
    const asked = await modernPost(served, 'old', 12, 'prompts/get', 'ask_name', { name: 'ask_name', arguments: {} });
    const { requestState } = asked.find((m) => m.id === 12)!.result;
    assert.equal(served.gateway.counts.parked, 1);
    // the editor's own call asks too: its question goes to the editor's hook (decline), not onto the parked prompt
    const editor = await served.pool.callTool('old', 'ask_form', { message: 'Editor?' });
    const text = (editor.result.content as { type: string; text?: string }[])[0].text ?? '';
    assert.equal(JSON.parse(text).action, 'decline');
    const done = await modernPost(served, 'old', 13, 'prompts/get', 'ask_name', {
      name: 'ask_name',
      arguments: {},
      requestState,
      inputResponses: { q1: { action: 'accept', content: { name: 'raw' } } },
    });
    assert.equal(done.find((m) => m.id === 13)!.result.messages[0].content.text, 'asked #1: accept raw');
  });

  for (const era of ['1.x', 'pinned'] as const) {
    it(`${era} client through mcp-pool stdio: a prompts/get and a resources/read that ask get the client's answer`, async () => {
      const served = await start();
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('MCP_POOL_')) env[k] = v;
      const dir = tempDir('eras-input-relay-');
      Object.assign(env, { MCP_POOL_DISCOVERY_DIR: join(dir, 'no-windows'), MCP_POOL_URL: served.gateway.url, MCP_POOL_TOKEN: served.gateway.token });
      const c = await relayClient(era, join(REPO_ROOT, 'dist', 'cli.js'), env, 'old', { capabilities: { elicitation: { form: {} } } });
      clients.push(c);
      const asked: string[] = [];
      const raw = answerAs(c, asked);
      assert.equal((await raw.getPrompt({ name: 'ask_name', arguments: {} })).messages[0].content.text, `asked #1: accept client-${era}`);
      assert.equal((await raw.readResource({ uri: 'fixture://asked' })).contents[0].text, `asked #1: accept client-${era}`);
      assert.equal(asked.length, 2);
      assert.equal(served.gateway.counts.parked, 0);
    });
  }

  for (const era of ['1.x', 'pinned'] as const) {
    it(`${era} client, modern direct upstream: a prompt that asks for sampling and a read that asks for roots get this client's answers; each ran once`, async () => {
      const asking = await samplingServer();
      try {
        s = await serve([directSpec('ask', asking.url)], {
          hooks: {
            sample: async () => ({ role: 'assistant', model: 'editor-model', content: { type: 'text', text: 'from the editor' } }),
            roots: { list: () => [{ uri: 'file:///editor-root', name: 'editor' }], onDidChange: () => ({ dispose: () => undefined }) },
          },
        });
        const c = await httpClient(era, s.gateway.url, s.gateway.token, 'ask', { capabilities: { sampling: {}, roots: {} } });
        clients.push(c);
        const raw = c.raw as unknown as Asking;
        const sample = async () => ({ role: 'assistant' as const, model: `model-${era}`, content: { type: 'text' as const, text: 'short' } });
        const roots = async () => ({ roots: [{ uri: `file:///root-${era}`, name: era }] });
        if (era === '1.x') {
          raw.setRequestHandler(CreateMessageRequestSchema, sample);
          raw.setRequestHandler(ListRootsRequestSchema, roots);
        } else {
          raw.setRequestHandler('sampling/createMessage', sample);
          raw.setRequestHandler('roots/list', roots);
        }
        assert.equal((await raw.getPrompt({ name: 'sampled' })).messages[0].content.text, `model-${era}: short`);
        assert.equal((await raw.readResource({ uri: 'mem://roots' })).contents[0].text, `file:///root-${era}`);
        assert.deepEqual(asking.firstRounds, ['sampled', 'roots'], 'each ran once upstream');
        assert.equal(c.received.filter((b) => b.includes('"input_required"')).length, era === 'pinned' ? 2 : 0);
        assert.equal(s.gateway.counts.parked, 0);
      } finally {
        await Promise.all(clients.splice(0).map((c) => c.close().catch(() => undefined)));
        await s?.close();
        s = undefined;
        await asking.close();
      }
    });
  }
});
