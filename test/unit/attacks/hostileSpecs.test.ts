// Strings no process, environment or header can hold, given through the pool's API (where no
// settings validation ran) or resolved from a secret: a NUL in an env value, an argument, a header;
// a line break in a header; a non-string. Each start fails at once with the app and the field
// named, never the value (a secret), and nothing is spawned. Node itself would throw
// ERR_INVALID_ARG_VALUE "… Received 'sec\x00ret'", value included.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { commandLauncher, type AppSpec, type Pool } from '../../../src/pool';
import { collectEvents, directSpec, makePool, remoteSpec, stdioSpec } from '../helpers';
import { everythingSaid, expectCode, expectNoDescendants, printFigures, serverProcesses } from '../faults/faultKit';
import type { PoolError } from '../../../src/pool';

const figures: Record<string, unknown> = {};

describe('attacks: hostile strings through the pool API', function () {
  this.timeout(30_000);
  let pool: Pool | undefined;
  afterEach(async () => {
    await pool?.shutdown();
    pool?.dispose();
    pool = undefined;
    await expectNoDescendants(5000);
  });
  after(() => printFigures('hostile specs', figures));

  it('a NUL (or a line break in a header) in any field fails the start naming the app and field, never the value; nothing spawned', async () => {
    const head = `S3CRET${randomBytes(8).toString('hex')}`;
    const tail = `T41L${randomBytes(8).toString('hex')}`;
    const secret = `${head}\0${tail}`;
    const url = 'http://127.0.0.1:9/mcp';
    const cases: [AppSpec, RegExp][] = [
      [stdioSpec('envNul', { API_KEY: secret }), /^app "envNul": env\.API_KEY contains a NUL character, which an environment cannot hold$/],
      [stdioSpec('argNul', {}, { args: ['server.js', secret] }), /app "argNul": args\[1\] contains a NUL character, which no program can receive$/],
      [
        remoteSpec('headerNul', url, { headers: { Authorization: `Bearer ${secret}` } }),
        /app "headerNul": headers\.Authorization contains a line break, NUL or other control character/,
      ],
      [remoteSpec('headerCrlf', url, { headers: { 'X-Key': `${head}\r\nX-Evil: ${tail}` } }), /app "headerCrlf": headers\.X-Key contains a line break/],
      [remoteSpec('remoteEnv', url, { env: { TOKEN: secret } }), /app "remoteEnv": env\.TOKEN contains a NUL/],
      [directSpec('directHeader', url, { headers: { Authorization: secret } }), /app "directHeader": headers\.Authorization contains/],
      [{ ...stdioSpec('notString'), env: { N: 42 as unknown as string } }, /app "notString": env\.N must be a string$/],
      [{ ...stdioSpec('badEnvName'), env: { 'A=B': 'x' } }, /app "badEnvName": env: "A=B" is not a valid environment variable name$/],
    ];
    pool = makePool();
    const events = collectEvents(pool);
    await pool.configure(cases.map(([s]) => s));
    const errors: PoolError[] = [];
    const t0 = Date.now();
    for (const [spec, message] of cases) {
      const e = await expectCode(pool.callTool(spec.name, 'echo', { text: 'x' }), 'start-failed', message);
      errors.push(e);
    }
    figures.cases = cases.length;
    figures.all_refused_ms = Date.now() - t0;
    assert.deepEqual(serverProcesses(pool), [], 'nothing was spawned');
    const said = everythingSaid(events, pool.snapshots(), errors);
    const at = said.indexOf(head);
    assert.ok(!said.includes(head) && !said.includes(tail), `no value reached an error, event or snapshot: ${said.slice(Math.max(0, at - 200), at + 50)}`);
    assert.ok(!/ERR_INVALID_ARG_VALUE|Received '/.test(said), "Node's own message (with the value) never shows");
  });

  it("a NUL in the mcp-remote launcher's arguments or environment is named, not shown", async () => {
    const secret = `L4UNCH${randomBytes(8).toString('hex')}`;
    pool = makePool();
    await pool.setLauncher({ command: process.execPath, args: [`--x=${secret}\0`], env: { K: 'v' } });
    await pool.configure([remoteSpec('viaLauncher', 'http://127.0.0.1:9/mcp')]);
    const e = await expectCode(
      pool.callTool('viaLauncher', 'echo', { text: 'x' }),
      'start-failed',
      /the mcp-remote launcher \(setting mcpPool\.mcpRemoteCommand\) or one of its arguments contains a NUL/,
    );
    assert.ok(!`${e.message}${e.details}`.includes(secret));
    await pool.setLauncher(commandLauncher([process.execPath, '-e', '0']));
  });
});
