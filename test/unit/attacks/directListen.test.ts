// The 2026 era's notification stream (`subscriptions/listen`, one long-lived request) gets the
// bounds of the 2025 GET stream: one event no larger than maxMessageBytes, and its bytes and
// messages charged to the flood budget. A hostile server answers the listen request with an event
// that never ends, or with a flood of notifications; the link goes down as flooding, naming it,
// with the host's memory bounded. Before, the listen stream was read as one request's answer:
// an endless event grew until the whole answer passed maxMessageBytes, and a long-lived stream
// of small notifications was cut as "more than N MB in answer to one request".
import * as assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DirectTransport } from '../../../src/pool/direct/directTransport';

const MB = 1024 * 1024;

function hostile(kind: 'endless-event' | 'flood' | 'quiet'): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const msg = JSON.parse(body || '{}') as { id?: number; method?: string };
      if (msg.method !== 'subscriptions/listen') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ jsonrpc: '2.0', id: msg.id, result: {} }));
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const ack = { jsonrpc: '2.0', method: 'notifications/subscriptions/acknowledged', params: {} };
      res.write(`event: message\ndata: ${JSON.stringify(ack)}\n\n`);
      const chunk = 'x'.repeat(64 * 1024);
      const note =
        `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', method: 'notifications/resources/updated', params: { uri: 'mem://a' } })}\n\n`.repeat(200);
      const pump = () => {
        if (res.destroyed) return;
        if (kind === 'quiet') return;
        const ok = res.write(kind === 'endless-event' ? chunk : note);
        if (ok) setImmediate(pump);
        else res.once('drain', pump);
      };
      if (kind === 'endless-event') res.write('event: message\ndata: ');
      pump();
      res.on('error', () => undefined);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`, server })),
  );
}

function listenRequest(id: number) {
  return {
    jsonrpc: '2.0' as const,
    id,
    method: 'subscriptions/listen',
    params: { filter: { resourceSubscriptions: ['mem://a'] }, _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } },
  };
}

describe('attacks: the 2026 notification stream (subscriptions/listen) is bounded as the GET stream is', function () {
  this.timeout(30_000);
  let server: Server | undefined;
  let transport: DirectTransport | undefined;

  afterEach(async () => {
    await transport?.close().catch(() => undefined);
    server?.closeAllConnections();
    server?.close();
    server = transport = undefined;
  });

  async function run(kind: 'endless-event' | 'flood' | 'quiet', maxMessageBytes: number, ms: number) {
    const h = await hostile(kind);
    server = h.server;
    let down: { reason: string; violation?: string } | undefined;
    let messages = 0;
    const rss0 = process.memoryUsage().rss;
    let rssPeak = rss0;
    const t0 = performance.now();
    transport = new DirectTransport({
      url: new URL(h.url),
      headers: {},
      fetch: (u, init) => fetch(u, init),
      maxResponseBytes: maxMessageBytes,
      note: () => undefined,
      down: (reason, violation) => (down ??= { reason, violation }),
    });
    transport.onmessage = () => void messages++;
    await transport.start();
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } } });
    await transport.send(listenRequest(2));
    const end = Date.now() + ms;
    while (!down && Date.now() < end) {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
      await new Promise((r) => setTimeout(r, 20));
    }
    return { down, messages, ms: Math.round(performance.now() - t0), rssMb: Math.round((rssPeak - rss0) / MB) };
  }

  it('one event that never ends: down as flooding past maxMessageBytes, memory bounded', async () => {
    const r = await run('endless-event', 4 * MB, 15_000);
    console.log(`      endless listen event: stopped in ${r.ms} ms, host RSS +${r.rssMb} MB`);
    assert.ok(r.down, 'the link went down');
    assert.match(r.down.violation ?? '', /one event of more than 4 MB on its event stream/);
    assert.ok(r.rssMb < 120, `RSS grew by ${r.rssMb} MB`);
  });

  it('a flood of notifications: down as flooding (the stdio budget and words), not as one oversized answer', async () => {
    const r = await run('flood', 4 * MB, 15_000);
    console.log(`      listen flood: stopped in ${r.ms} ms after ${r.messages} messages, host RSS +${r.rssMb} MB`);
    assert.ok(r.down, 'the link went down');
    assert.match(r.down.violation ?? '', /flood|notifications|per second|budget/i);
    assert.doesNotMatch(r.down.violation ?? '', /in answer to one request/);
  });

  it('a quiet listen stream stays open (no bound reached, the link up)', async () => {
    const r = await run('quiet', 4 * MB, 1000);
    assert.equal(r.down, undefined);
  });
});
