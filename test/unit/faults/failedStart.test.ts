// A start that never completed is a failed start, not a crash: the real bundled mcp-remote against a
// host that does not resolve (.invalid) exits during start. The app's status is `failed` (a crash is
// a running server's death), its error carries mcp-remote's own reason (getaddrinfo ENOTFOUND <host>),
// and the crash-loop backoff still holds back the third start.
import * as assert from 'node:assert/strict';
import type { Pool } from '../../../src/pool';
import { collectEvents, makePool, remoteSpec } from '../helpers';
import { expectCode, expectNoDescendants, fakeBrowser, serverProcesses, tempDir } from './faultKit';

describe('faults: a start that never completed', function () {
  this.timeout(60_000);
  let pool: Pool | undefined;

  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await expectNoDescendants(5000);
  });

  it('mcp-remote to a host that does not resolve: status failed (not crashed), ENOTFOUND in the error, backoff kept', async () => {
    const browser = fakeBrowser();
    const env = { HOME: tempDir('pool-remote-home-'), PATH: `${browser.bin}:${process.env.PATH ?? ''}`, BROWSER: browser.browser };
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure([remoteSpec('nxdomain', 'https://mcp.unreachable.invalid/mcp', { env })]);
    const err = await expectCode(pool.callTool('nxdomain', 'echo', { text: 'x' }), 'start-failed');
    assert.match(err.message, /getaddrinfo (ENOTFOUND|EAI_AGAIN) mcp\.unreachable\.invalid/, err.message);
    const snap = pool.snapshot('nxdomain')!;
    assert.equal(snap.status, 'failed');
    assert.equal(snap.exit?.code, 1);
    assert.match(snap.lastError ?? '', /ENOTFOUND|EAI_AGAIN/);
    assert.deepEqual(
      events.filter((e) => e.type === 'crashed'),
      [],
      'no crash event',
    );
    assert.deepEqual(serverProcesses(pool), []);
    await expectCode(pool.callTool('nxdomain', 'echo', { text: 'x' }), 'start-failed');
    assert.equal(pool.snapshot('nxdomain')!.status, 'failed');
    await expectCode(pool.callTool('nxdomain', 'echo', { text: 'x' }), 'backoff');
    assert.equal(pool.snapshot('nxdomain')!.starts, 2, 'held back: no third spawn');
    assert.deepEqual(browser.launches(), []);
  });
});
