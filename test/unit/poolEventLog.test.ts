// The pool log's "started" line: a process's pid for a stdio app, and "direct, no process" for a
// direct remote app (the pool speaks HTTP itself; there is no pid to show, not even -1). Real servers.
import * as assert from 'node:assert/strict';
import type { Pool, PoolEvent } from '../../src/pool';
import { startedLine } from '../../src/output/poolEventLog';
import { type HttpFixture, startHttpFixture } from '../fixtures/http-server';
import { collectEvents, directSpec, makePool, stdioSpec } from './helpers';

describe('pool log: started', function () {
  this.timeout(30_000);
  let server: HttpFixture | undefined;
  let pool: Pool | undefined;

  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await server?.close();
    server = undefined;
  });

  it('names the pid of a stdio app and says a direct app has no process', async () => {
    server = await startHttpFixture();
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure([stdioSpec('s'), directSpec('d', server.url)]);
    const s = await pool.callTool('s', 'echo', { text: 'hi' });
    await pool.callTool('d', 'echo', { text: 'hi' });
    const started = (app: string) => events.find((e): e is Extract<PoolEvent, { type: 'started' }> => e.type === 'started' && e.app === app)!;
    assert.equal(started('d').pid, undefined);
    assert.match(startedLine(started('d')), /^d: started \(direct, no process\) in \d+ ms$/);
    assert.equal(started('s').pid, s.pid);
    assert.match(startedLine(started('s')), new RegExp(`^s: started \\(pid ${s.pid}\\) in \\d+ ms$`));
  });
});
