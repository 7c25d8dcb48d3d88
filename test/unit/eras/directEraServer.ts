// A real SDK v2 HTTP server for the direct era tests, in a process of its own (so it can be killed
// or frozen mid-call): `createMcpHandler` behind `toNodeHandler`, modern-only (`legacy: 'reject'`)
// or dual (`legacy: 'stateless'`, SDK v2's default).
//
//   node directEraServer.js modern|dual   → prints {"url":"http://127.0.0.1:N/mcp","pid":P}
//
// Tools: echo {text}; slow {ms, steps} (progress each step, ends early on cancel and counts it);
// confirm {} (an elicitation, input_required in the 2026 era); ask {} (a sampling request);
// bump {} (publishes resources/updated for mem://counter); hang {} (never answers).
// Resource mem://counter; prompt greet {name}. GET /stats (outside /mcp) says what it saw: each
// request's Mcp-Method / Mcp-Name / Mcp-Session-Id headers and the cancelled calls.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMcpHandler, inputRequired, inputResponse, McpServer } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import * as z from 'zod';

const mode = process.argv[2] === 'dual' ? 'dual' : 'modern';
let counter = 0;
const seen: { method?: string; name?: string; session?: string; version?: string }[] = [];
let cancelled = 0;
let calls = 0;

function factory(): McpServer {
  const server = new McpServer({ name: `era-${mode}`, version: '1.0.0' }, { capabilities: { resources: { subscribe: true, listChanged: true } } });
  server.registerTool('echo', { inputSchema: { text: z.string() } }, ({ text }) => {
    calls++;
    return { content: [{ type: 'text', text }] };
  });
  server.registerTool('slow', { inputSchema: { ms: z.number(), steps: z.number().optional() } }, async ({ ms, steps = 1 }, ctx) => {
    calls++;
    const token = ctx.mcpReq._meta?.progressToken;
    for (let i = 1; i <= steps; i++) {
      const aborted = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => resolve(false), ms / steps);
        ctx.mcpReq.signal.addEventListener('abort', () => (clearTimeout(t), resolve(true)), { once: true });
      });
      if (aborted) {
        cancelled++;
        return { content: [{ type: 'text', text: 'cancelled' }] };
      }
      if (token !== undefined) await ctx.mcpReq.notify({ method: 'notifications/progress', params: { progressToken: token, progress: i, total: steps } });
    }
    return { content: [{ type: 'text', text: `slept ${ms}` }] };
  });
  server.registerTool('hang', {}, () => new Promise(() => undefined));
  server.registerTool('confirm', { inputSchema: {} }, (_args, ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'confirm');
    if (answer.kind !== 'elicit') {
      return inputRequired({
        inputRequests: { confirm: inputRequired.elicit({ message: 'Really?', requestedSchema: { type: 'object', properties: { ok: { type: 'boolean' } } } }) },
      });
    }
    return { content: [{ type: 'text' as const, text: `${answer.action}:${JSON.stringify(answer.content ?? {})}` }] };
  });
  server.registerTool('ask', { inputSchema: {} }, (_args, ctx) => {
    const answer = inputResponse(ctx.mcpReq.inputResponses, 'ask');
    if (answer.kind !== 'sampling') {
      return inputRequired({
        inputRequests: { ask: inputRequired.createMessage({ messages: [{ role: 'user', content: { type: 'text', text: 'hi?' } }], maxTokens: 5 }) },
      });
    }
    const c = answer.result.content;
    return { content: [{ type: 'text' as const, text: `model said ${!Array.isArray(c) && c.type === 'text' ? c.text : '?'}` }] };
  });
  server.registerTool('bump', {}, () => {
    counter++;
    handler.notify.resourceUpdated('mem://counter');
    return { content: [{ type: 'text', text: String(counter) }] };
  });
  server.registerResource('counter', 'mem://counter', { mimeType: 'text/plain' }, (uri) => ({ contents: [{ uri: uri.href, text: String(counter) }] }));
  server.registerPrompt('greet', { argsSchema: { name: z.string() } }, ({ name }) => ({
    messages: [{ role: 'user', content: { type: 'text', text: `Hello ${name}` } }],
  }));
  return server;
}

const handler = createMcpHandler(factory, { legacy: mode === 'dual' ? 'stateless' : 'reject', keepAliveMs: 0 });
const node = toNodeHandler(handler);
const http = createServer((req, res) => {
  if (req.url === '/stats') {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ seen, cancelled, calls, counter }));
    return;
  }
  if (req.method === 'POST') {
    const h = (name: string) => (req.headers[name] as string | undefined) ?? undefined;
    seen.push({ method: h('mcp-method'), name: h('mcp-name'), session: h('mcp-session-id'), version: h('mcp-protocol-version') });
  }
  void node(req, res);
});
http.listen(0, '127.0.0.1', () => {
  const { port } = http.address() as AddressInfo;
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${port}/mcp`, pid: process.pid })}\n`);
});
process.on('SIGTERM', () => process.exit(0));
