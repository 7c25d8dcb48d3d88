// Misleading errors of the direct path, each against a real hostile server (hostileServer.ts) in a
// child process: a deadline that fired was told as "the server answered HTTP 23" (a DOMException's
// code), a 401 with a plain-text body as "Unexpected end of JSON input", a fetch at the descriptor
// limit as a TypeError ("fetch failed") instead of "too many open files".
import * as assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Pool } from '../../../src/pool';
import { DirectAuth } from '../../../src/pool/direct/directAuth';
import { DirectTransport } from '../../../src/pool/direct/directTransport';
import { MemorySignInStore, SignIns } from '../../../src/pool/direct/signIn';
import { expectCode, tempDir } from '../faults/faultKit';
import { directSpec, makePool } from '../helpers';
import { type Hostile, startHostile } from './directAttackKit';

describe('attacks: the direct path says what went wrong', function () {
  this.timeout(60_000);
  let hostile: Hostile | undefined;
  let pool: Pool | undefined;
  const fds: number[] = [];

  afterEach(async () => {
    while (fds.length) closeSync(fds.pop()!);
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await hostile?.close();
    hostile = undefined;
  });

  it('an OAuth document that trickles past its deadline: "did not arrive within", never "HTTP 23"', async () => {
    hostile = await startHostile('auth-trickle-prm');
    const signIns = new SignIns(new MemorySignInStore(), { HOME: tempDir('no-mcp-remote-') });
    const auth = new DirectAuth({ app: 't', key: 'k', signIns, clientName: 'test', onAuthUrl: () => undefined, note: () => undefined });
    const transport = new DirectTransport({
      url: new URL(hostile.url),
      headers: {},
      fetch: (url, init) => fetch(url, init),
      auth,
      maxResponseBytes: 16 * 1024 * 1024,
      authRequestMs: 1500,
      note: () => undefined,
      down: () => undefined,
    });
    const client = new Client({ name: 'test', version: '1' });
    const t0 = Date.now();
    try {
      await assert.rejects(client.connect(transport), (e: Error) => {
        console.log(`      said (${Date.now() - t0} ms): ${e.message}`);
        assert.doesNotMatch(e.message, /HTTP 23/);
        assert.match(e.message, /the server's OAuth protected-resource metadata did not arrive within 1500 ms \(from 127\.0\.0\.1:\d+\)/);
        return true;
      });
    } finally {
      await client.close().catch(() => undefined);
      signIns.dispose();
    }
  });

  it('a 401 with a plain-text body and no WWW-Authenticate: the status and the body, never "Unexpected end of JSON input"', async () => {
    hostile = await startHostile('auth-plain-401');
    pool = makePool({ livenessIntervalMs: 0 }, { signIns: { store: new MemorySignInStore(), mcpRemoteEnv: { HOME: tempDir('no-mcp-remote-') } } });
    await pool.configure([directSpec('p', hostile.url)]);
    const e = await expectCode(pool.callTool('p', 'echo', {}), 'start-failed', /HTTP 401 Unauthorized/);
    console.log(`      said: ${e.message}`);
    assert.match(e.message, /the authorization server \(127\.0\.0\.1:\d+\) answered HTTP 401 Unauthorized, in place of its registration answer/);
    assert.doesNotMatch(e.message, /Unexpected|SyntaxError|not valid JSON/);
  });

  it('out of file descriptors (EMFILE): "too many open files", never a TypeError', async () => {
    hostile = await startHostile('none');
    pool = makePool({ livenessIntervalMs: 0, crashLoopBaseMs: 10 });
    await pool.configure([directSpec('f', hostile.url)]);
    // every descriptor this process may have (bounded by its limit, closed in afterEach)
    for (let i = 0; i < 1_100_000; i++) {
      try {
        fds.push(openSync('/dev/null', 'r'));
      } catch (e) {
        assert.equal((e as NodeJS.ErrnoException).code, 'EMFILE');
        break;
      }
    }
    const call = pool.callTool('f', 'echo', {});
    const e = await expectCode(call, 'start-failed').finally(() => {
      while (fds.length) closeSync(fds.pop()!);
    });
    console.log(`      said (with ${fds.length} descriptors held): ${e.message}`);
    assert.match(e.message, /too many open files/);
    assert.doesNotMatch(e.message, /TypeError|fetch failed/);
  });
});
