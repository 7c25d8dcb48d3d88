// A direct app honours mcp-remote's `--protocol` in its args, as imported definitions carry it:
// `legacy` initializes at once (never server/discover, nothing remembered), a revision pins it
// (2026-07-28: the modern era or nothing; a 2025 revision: initialize offering only it), `auto`
// (the default) probes and remembers. Real pool, real SDK v2 servers (modern-only, dual) and a
// 2025 one (SDK 1.x) on 127.0.0.1.
import * as assert from 'node:assert/strict';
import type { Pool } from '../../../src/pool';
import { type HttpFixture, startHttpFixture } from '../../fixtures/http-server';
import { type EraHttpFixture, startEraHttpFixture } from '../../fixtures/modern/http';
import { directSpec, makePool } from '../helpers';

describe("eras: a direct app's --protocol (mcp-remote's flag, honoured without mcp-remote)", function () {
  this.timeout(30_000);
  let pool: Pool | undefined;
  let server: EraHttpFixture | undefined;
  let legacyServer: HttpFixture | undefined;

  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await server?.close();
    await legacyServer?.close();
    server = legacyServer = undefined;
  });

  const failure = async (p: Promise<unknown>): Promise<Error> =>
    p.then(
      () => assert.fail('the call succeeded'),
      (e: unknown) => e as Error,
    );

  it('--protocol legacy against a modern-only server: the start fails naming the era and the arg; no server/discover sent', async () => {
    server = await startEraHttpFixture({ legacy: 'reject' });
    pool = makePool();
    await pool.configure([directSpec('old', server.url, { args: ['--protocol', 'legacy'] })]);
    const err = await failure(pool.callTool('old', 'echo', { text: 'x' }));
    console.log(`      ${err.message.slice(0, 400)}`);
    assert.match(err.message, /--protocol legacy/);
    assert.match(err.message, /2025 era/);
    assert.match(err.message, /remove "--protocol"/);
    assert.equal(server.counts().methods['server/discover'], undefined, 'never asked server/discover');
    assert.equal(server.counts().tools.echo, undefined, 'the tool never ran');
  });

  it('--protocol 2026-07-28 against a dual server: negotiates 2026-07-28 (the snapshot says so)', async () => {
    server = await startEraHttpFixture({ legacy: 'stateless' });
    pool = makePool();
    await pool.configure([directSpec('pinned', server.url, { args: ['--protocol', '2026-07-28'] })]);
    const r = await pool.callTool('pinned', 'echo', { text: 'hi' });
    assert.equal(r.result.structuredContent?.era, 'modern');
    const snap = pool.snapshot('pinned')!;
    assert.equal(snap.protocolVersion, '2026-07-28');
    assert.equal(snap.protocolEra, 'modern');
  });

  it('--protocol legacy against a dual server: served as 2025, never server/discover, nothing remembered (an auto app on it still probes)', async () => {
    server = await startEraHttpFixture({ legacy: 'stateless' });
    pool = makePool();
    await pool.configure([directSpec('old', server.url, { args: ['--protocol', 'legacy'] })]);
    const r = await pool.callTool('old', 'echo', { text: 'hi' });
    assert.equal(r.result.structuredContent?.era, 'legacy');
    assert.equal(pool.snapshot('old')!.protocolEra, 'legacy');
    assert.equal(pool.snapshot('old')!.protocolVersion, '2025-11-25');
    assert.equal(server.counts().methods['server/discover'], undefined);
    await pool.configure([directSpec('old', server.url, { args: ['--protocol', 'legacy'] }), directSpec('auto', server.url)]);
    const a = await pool.callTool('auto', 'echo', { text: 'hi' });
    assert.equal(a.result.structuredContent?.era, 'modern', 'the auto app reached it as modern: no legacy verdict was remembered');
    assert.equal(server.counts().methods['server/discover'], 1, 'the auto app probed');
  });

  it('--protocol 2025-06-18 against a dual server: initialize offers that revision alone', async () => {
    server = await startEraHttpFixture({ legacy: 'stateless' });
    pool = makePool();
    await pool.configure([directSpec('old', server.url, { args: ['--protocol=2025-06-18'] })]);
    await pool.callTool('old', 'echo', { text: 'hi' });
    assert.equal(pool.snapshot('old')!.protocolVersion, '2025-06-18');
    assert.equal(pool.snapshot('old')!.protocolEra, 'legacy');
  });

  it('--protocol 2026-07-28 against a 2025 server (SDK 1.x): the start fails naming the pin; no initialize fallback', async () => {
    legacyServer = await startHttpFixture();
    pool = makePool();
    await pool.configure([directSpec('pinned', legacyServer.url, { args: ['--protocol', '2026-07-28'] })]);
    const err = await failure(pool.callTool('pinned', 'echo', { text: 'x' }));
    console.log(`      ${err.message.slice(0, 400)}`);
    assert.match(err.message, /--protocol 2026-07-28/);
    assert.match(err.message, /only 2026-07-28/);
  });
});
