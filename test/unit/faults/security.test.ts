// Security: processes are spawned without a shell (shell syntax in names, paths, arguments and
// environment arrives verbatim and runs nothing), and secrets given in headers or env never show
// up in what the pool reports (events, snapshots, error messages and their stderr tails).
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commandLauncher, Pool, type PoolError, type RemoteAppSpec, type StdioAppSpec } from '../../../src/pool';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';
import { STDIO_FIXTURE } from '../../fixtures/paths';
import { collectEvents, makePool, remoteSpec, RUN_MARK, stdioSpec, textOf } from '../helpers';
import { everythingSaid, expectCode, expectNoDescendants, ourDescendants, printFigures, tempDir } from './faultKit';

const figures: Record<string, unknown> = {};

describe('faults: security', function () {
  this.timeout(60_000);
  const pools: Pool[] = [];
  const servers: HttpFixture[] = [];
  let t0 = Date.now();
  before(() => (t0 = Date.now()));

  afterEach(async () => {
    for (const p of pools.splice(0)) {
      await p.shutdown();
      p.dispose();
    }
    for (const s of servers.splice(0)) await s.close();
    await expectNoDescendants(5000);
  });
  after(() => printFigures('security', { ...figures, alive_at_end: ourDescendants().length, duration_s: (Date.now() - t0) / 1000 }));

  it('never spawns through a shell: shell syntax in name, command path, cwd, args and env arrives verbatim and runs nothing', async () => {
    const base = tempDir('pool-sec-');
    const tag = `pwned-${randomBytes(4).toString('hex')}`;
    const abs = (n: number) => join(base, `${tag}-${n}`);
    // relative markers land in whatever directory a shell would run in: the cwd below, or ours
    const evilDir = join(base, `dir with spaces 'single' "double" $(touch ${tag}-r1) \`touch ${tag}-r2\` ; touch ${tag}-r3 & | > <`);
    mkdirSync(evilDir);
    const evilCommand = join(evilDir, `node ; $(touch ${tag}-r4) \`touch ${tag}-r5\` 'x' "y"`);
    symlinkSync(process.execPath, evilCommand);
    const nasty = [
      `; touch ${abs(1)}`,
      `$(touch ${abs(2)})`,
      `\`touch ${abs(3)}\``,
      `&& touch ${abs(4)} || touch ${abs(5)}`,
      `| tee ${abs(6)}`,
      `> ${abs(7)}`,
      `'single quoted' "double quoted" \\"escaped\\"`,
      'spaces   inside  ',
      '',
      '$HOME ~ * ?',
      'line one\nline two',
      'ünïcødé ✓ \u00a0',
      `\${IFS}touch\${IFS}${abs(8)}`,
    ];
    const name = `evil; $(touch ${abs(9)}) \`touch ${abs(10)}\` 'q' "dq" & | >`;
    const envValue = `$(touch ${abs(11)}); \`touch ${abs(12)}\` && touch ${abs(13)}`;
    const spec: StdioAppSpec = {
      kind: 'stdio',
      name,
      command: evilCommand,
      args: [STDIO_FIXTURE, RUN_MARK, ...nasty],
      env: { FIXTURE_FAULT_TOOLS: '1', FAULT_INJECT: envValue },
      cwd: evilDir,
    };
    const pool = makePool();
    pools.push(pool);
    await pool.configure([spec]);
    const r = await pool.callTool(name, 'argv', {});
    const info = r.result.structuredContent as { argv: string[]; cwd: string; env: Record<string, string> };
    assert.deepEqual(info.argv.slice(1), [STDIO_FIXTURE, RUN_MARK, ...nasty], 'every argument arrived verbatim');
    assert.equal(realpathSync(info.cwd), realpathSync(evilDir));
    assert.deepEqual(info.env, { FAULT_INJECT: envValue });
    assert.equal(pool.snapshot(name)!.name, name);
    const echoed = await pool.callTool(name, 'echo', { text: nasty.join(' ') });
    assert.equal(echoed.result.structuredContent?.text, nasty.join(' '));

    // the remote path too: mcp-remote's command line is built from the URL and the headers
    const server = await startHttpFixture();
    servers.push(server);
    const header = `Bearer $(touch ${abs(14)}); \`touch ${abs(15)}\` | touch ${abs(16)}`;
    await pool.configure([spec, remoteSpec('remote', `${server.url}?q=$(touch%20${tag}-r6)`, { headers: { Authorization: header } })]);
    await pool.callTool('remote', 'echo', { text: 'x' });
    assert.equal(server.stats().lastAuthorization, header, 'the header value arrived verbatim');

    await pool.stopAll();
    const created = [
      ...Array.from({ length: 16 }, (_, i) => abs(i + 1)).filter((p) => existsSync(p)),
      ...[base, evilDir, process.cwd(), tmpdir()].flatMap((d) => readdirSync(d).filter((f) => f.startsWith(tag))),
    ];
    figures.injection_strings = nasty.length + 4;
    figures.files_created_by_injection = created.length;
    assert.deepEqual(created, [], 'no injected command ran');
  });

  it('secrets from headers and env never appear in events, snapshots or errors', async () => {
    const token = () => `tok${randomBytes(20).toString('hex')}`; // no well-known shape: only the pool's secret list can hide it
    const T = { bearer: token(), apiKey: token(), envToken: token(), envFail: token(), launcher: token() };
    const errors: PoolError[] = [];
    const keep = async (p: Promise<unknown>, code: PoolError['code']) => errors.push(await expectCode(p, code));

    const ok = await startHttpFixture();
    const denied = await startHttpFixture({ mode: '401' });
    servers.push(ok, denied);
    const headers = { Authorization: `Bearer ${T.bearer}`, 'X-Api-Key': T.apiKey };
    const pool = makePool({ crashLoopBaseMs: 60_000 });
    pools.push(pool);
    const live = collectEvents(pool);
    const specs: (StdioAppSpec | RemoteAppSpec)[] = [
      remoteSpec('remote-ok', ok.url, { headers }),
      remoteSpec('remote-401', denied.url, { headers }),
      // a server that logs its token on stderr, then crashes in a call
      stdioSpec('stdio-talks', { SERVICE_TOKEN: T.envToken, FIXTURE_STDERR_BANNER: `connecting with token ${T.envToken} now` }),
      // a server that prints its token and dies at start
      stdioSpec('stdio-fails', { API_TOKEN: T.envFail, FIXTURE_STDERR_BANNER: `auth ${T.envFail} rejected`, FIXTURE_EXIT_AT_START: '1' }),
    ];
    await pool.configure(specs);
    const r = await pool.callTool('remote-ok', 'echo', { text: 'hello' });
    assert.equal(textOf(r.result.content).split('\n')[0], 'hello');
    assert.equal(ok.stats().lastAuthorization, `Bearer ${T.bearer}`, 'the token did reach the server');
    await keep(pool.callTool('remote-401', 'echo', { text: 'x' }), 'start-failed');
    await pool.callTool('stdio-talks', 'echo', { text: 'x' });
    await keep(pool.callTool('stdio-talks', 'crash', {}), 'crashed');
    await keep(pool.callTool('stdio-fails', 'echo', { text: 'x' }), 'start-failed');
    await keep(pool.callTool('stdio-fails', 'echo', { text: 'x' }), 'start-failed');
    await keep(pool.callTool('stdio-fails', 'echo', { text: 'x' }), 'backoff');

    // a launcher (e.g. a custom mcpRemoteCommand) that prints its whole command line and fails
    const noisy = new Pool({
      launcher: commandLauncher(['/bin/sh', '-c', 'echo "launcher failed: $*" >&2; exit 2', 'wrapper']),
      settings: { stopGraceMs: 500 },
    });
    pools.push(noisy);
    const noisyEvents = collectEvents(noisy);
    await noisy.configure([remoteSpec('wrapped', ok.url, { headers: { Authorization: `Bearer ${T.launcher}`, 'X-Api-Key': T.launcher } })]);
    await keep(noisy.callTool('wrapped', 'echo', { text: 'x' }), 'start-failed');

    const snapshots = [...pool.snapshots(), ...noisy.snapshots()];
    const all = everythingSaid([...live, ...noisyEvents], snapshots, errors);
    // the texts are there, masked: the test looked at the right place
    const masked = [...live, ...noisyEvents].filter((e) => e.type === 'stderr' && e.line.includes('••••')).length;
    assert.ok(masked >= 3, `masked stderr lines: ${masked}`);
    assert.ok(errors.some((e) => e.stderrTail.some((l) => /auth •••• rejected/.test(l))));
    // header values are not on the launcher's command line at all: it names a file (test/unit/attacks/secretsOffArgv.test.ts)
    assert.ok(errors.some((e) => e.stderrTail.some((l) => /launcher failed: \S+ .*--header-file \S+\/headers( --protocol auto)?$/.test(l))));
    for (const [k, v] of Object.entries(T)) {
      const i = all.indexOf(v);
      if (i >= 0) console.log('LEAK', k, JSON.stringify(all.slice(Math.max(0, i - 300), i + 100)));
    }
    const leaks = Object.entries(T)
      .filter(([, v]) => all.includes(v))
      .map(([k]) => k);
    figures.secrets = Object.keys(T).length;
    figures.events_checked = live.length + noisyEvents.length;
    figures.errors_checked = errors.length;
    figures.masked_stderr_lines = masked;
    figures.leaks = leaks.length;
    assert.deepEqual(leaks, [], `secrets leaked: ${leaks.join(', ')}`);
  });
});
