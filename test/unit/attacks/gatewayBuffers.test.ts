// What the gateway holds for clients that do not read (real sockets paused on 127.0.0.1, the real
// gateway in a host process whose memory is measured): an event stream whose client stopped
// reading while the server logs, answers that are never read, and sessions that are never closed.
import * as assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { waitUntil } from '../../fixtures/processTable';
import { expectNoProcesses } from '../helpers';
import { type Host, MB, mcpPost, rawSession, startHost, unreadRequest } from './attackKit';

describe('attacks: what the gateway holds for clients that do not read', function () {
  this.timeout(120_000);
  let host: Host | undefined;
  const sockets: Socket[] = [];
  let client: Client | undefined;
  afterEach(async () => {
    for (const s of sockets.splice(0)) s.destroy();
    await client?.close().catch(() => undefined);
    client = undefined;
    await host?.close();
    host = undefined;
    await expectNoProcesses();
  });

  /** Samples the host's RSS (or its Buffers) every 200 ms while `work` runs: its peak. */
  async function peakRss(h: Host, work: () => Promise<void>, what: 'rss' | 'buffers' = 'rss', peaks?: { buffers: number }): Promise<number> {
    let peak = 0;
    let done = false;
    const sampling = (async () => {
      while (!done) {
        const st = await h.stats();
        peak = Math.max(peak, st[what]);
        if (peaks) peaks.buffers = Math.max(peaks.buffers, st.buffers);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    try {
      await work();
    } finally {
      done = true;
      await sampling;
    }
    return Math.max(peak, (await h.stats())[what]);
  }

  it('closes an event stream whose client stopped reading once 8 MB wait on it (the server keeps logging)', async () => {
    host = await startHost();
    const h = host;
    client = new Client({ name: 'reader', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.url}/apps/f/mcp`), { requestInit: { headers: { authorization: `Bearer ${h.token}` } } }),
    );
    const sid = await rawSession(h.url, h.token);
    sockets.push(
      await unreadRequest(
        h.port,
        `GET /apps/f/mcp HTTP/1.1\r\nAuthorization: Bearer ${h.token}\r\nMcp-Session-Id: ${sid}\r\nMcp-Protocol-Version: 2025-06-18\r\nAccept: text/event-stream`,
      ),
    );
    await waitUntil(async () => (await h.stats()).sessions === 2, 5000, 'both sessions open');
    const rss0 = (await h.stats()).rss;
    const fds0 = h.fds();
    const t0 = Date.now();
    let sent = 0;
    let closedAt: number | undefined;
    // every log message goes to every session's event stream: 8 levels × 250 KB per call, 2 MB every
    // 500 ms (under the pool's own flood limit of 4 MB/s), up to 40 MB in all
    const message = 'x'.repeat(250 * 1024);
    const peak = await peakRss(h, async () => {
      for (let i = 0; i < 20 && closedAt === undefined; i++) {
        await client!.callTool({ name: 'log', arguments: { message, text: true } });
        sent += 8 * message.length;
        await new Promise((r) => setTimeout(r, 500));
        // the host closed the stream's connection (a paused socket does not notice; the host's descriptors do)
        if (h.fds() < fds0) closedAt = Date.now() - t0;
      }
    });
    const stats = await h.stats();
    console.log(
      `   an event stream not read while the server logged: closed after ${closedAt ?? '—'} ms and ${(sent / MB).toFixed(0)} MB sent (counted ${stats.counts.streamsOverCap}); host RSS ${(rss0 / MB).toFixed(0)} → peak ${(peak / MB).toFixed(0)} MB; log: "${/gateway: closed the event stream[^\n]*/.exec(h.log())?.[0] ?? ''}"`,
    );
    assert.ok(closedAt !== undefined && closedAt < 15_000, 'the stream was closed long before the stalled-stream deadline (30 s)');
    assert.ok(stats.counts.streamsOverCap >= 1, 'the stream was closed over its cap');
    assert.ok(peak - rss0 < 80 * MB, `the host grew ${((peak - rss0) / MB).toFixed(0)} MB`);
    assert.match(h.log(), /limit 8\.0 MB per event stream/);
  });

  it('counts what waits on an event stream exactly: after 2,000 messages with non-ASCII text read by a live client, 0 bytes are counted as waiting (no credit against the 8 MB cap)', async () => {
    host = await startHost();
    const h = host;
    client = new Client({ name: 'reader', version: '1' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${h.url}/apps/f/mcp`), { requestInit: { headers: { authorization: `Bearer ${h.token}` } } }),
    );
    let got = 0;
    client.setNotificationHandler(LoggingMessageNotificationSchema, () => void got++);
    await client.setLoggingLevel('debug');
    // (log messages go on the event stream: wait until it carries them)
    await waitUntil(
      async () => {
        await client!.callTool({ name: 'log', arguments: { message: 'ready?', text: true } });
        return got > 0;
      },
      10_000,
      'the client opened its event stream',
    );
    got = 0;
    for (let i = 0; i < 250; i++) await client.callTool({ name: 'log', arguments: { message: `é→✓ ${i} ünïcödé 🙂`, text: true } });
    await waitUntil(() => got >= 2000, 20_000, 'the client read every message');
    await waitUntil(async () => (await h.stats()).counts.streamBacklog === 0, 5000, 'nothing counted as waiting');
    const backlog = (await h.stats()).counts.streamBacklog;
    console.log(`   ${got} messages read on an event stream: ${backlog} bytes counted as waiting`);
    assert.equal(backlog, 0);
  });

  it('drops answers of a client that does not read them beyond 96 MB, and closes the rest after the stalled-stream deadline', async () => {
    host = await startHost({ options: { stalledStreamMs: 4000 } });
    const h = host;
    const sid = await rawSession(h.url, h.token);
    const { rss: rss0, buffers: buffers0 } = await h.stats();
    const peaks = { buffers: 0 };
    const t0 = Date.now();
    // 40 calls answered with 8 MB each (320 MB), on 40 sockets that are never read
    const peak = await peakRss(
      h,
      async () => {
        for (let i = 0; i < 40; i++) {
          const body = JSON.stringify({ jsonrpc: '2.0', id: 100 + i, method: 'tools/call', params: { name: 'big', arguments: { bytes: 8 * MB } } });
          sockets.push(
            await unreadRequest(
              h.port,
              `POST /apps/f/mcp HTTP/1.1\r\nAuthorization: Bearer ${h.token}\r\nMcp-Session-Id: ${sid}\r\nMcp-Protocol-Version: 2025-06-18\r\nContent-Type: application/json\r\nAccept: application/json, text/event-stream`,
              body,
            ),
          );
        }
        await waitUntil(async () => (await h.stats()).counts.answersOverCap + (await h.stats()).counts.stalled >= 40, 90_000, 'every answer dropped or closed');
      },
      'rss',
      peaks,
    );
    const closedIn = Date.now() - t0;
    const stats = await h.stats();
    await waitUntil(async () => (await h.stats()).counts.connections <= 1, 5000, 'the unread connections are closed');
    const after = (await h.stats()).rss;
    console.log(
      `   40 unread answers of 8 MB (one session): ${stats.counts.answersOverCap} dropped over the 96 MB per-client cap, ${stats.counts.stalled} closed after the stalled deadline (4 s here, 30 s by default), all within ${(closedIn / 1000).toFixed(1)} s; host Buffers ${(buffers0 / MB).toFixed(0)} → peak ${(peaks.buffers / MB).toFixed(0)} MB, RSS ${(rss0 / MB).toFixed(0)} → peak ${(peak / MB).toFixed(0)} → ${(after / MB).toFixed(0)} MB after (garbage of the 320 MB read from the server, not held)`,
    );
    assert.ok(stats.counts.answersOverCap >= 1, 'answers over the cap were dropped');
    assert.ok(stats.counts.stalled >= 1, 'the answers held were closed at the deadline');
    assert.ok(peaks.buffers - buffers0 < 200 * MB, `the host held ${((peaks.buffers - buffers0) / MB).toFixed(0)} MB of Buffers for 320 MB of unread answers`);
    assert.ok(peak - rss0 < 450 * MB, `the host grew ${((peak - rss0) / MB).toFixed(0)} MB`);
    // the session is still usable by a client that reads
    const ok = await mcpPost(h.url, h.token, { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { text: 'still here' } } }, sid);
    assert.match(ok.body, /still here/);
  });
});
