// At the descriptor limit the pool's own spawns fail with "too many open files" and numbers, not a
// TypeError: a real pool host (fdLimitHost.ts) runs under `prlimit --nofile=N:N` (spawned as a
// program, no shell), uses up its descriptors, then calls a stdio app and a remote app (the real
// bundled mcp-remote, whose header goes through a file); once it frees them, both work again.
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';
import { RUN_MARK } from '../helpers';
import { expectNoDescendants, printFigures, tempDir } from '../faults/faultKit';

const PRLIMIT = '/usr/bin/prlimit';
const HOST = join(__dirname, 'fdLimitHost.js');
const LIMIT = 256;
const figures: Record<string, unknown> = {};

describe('attacks: the pool at its descriptor limit', function () {
  this.timeout(60_000);
  let host: ChildProcess | undefined;
  let server: HttpFixture | undefined;

  afterEach(async () => {
    if (host?.pid && host.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
    host = undefined;
    await server?.close();
    server = undefined;
    await expectNoDescendants(10_000);
  });
  after(() => printFigures('descriptor limit', figures));

  it(`a spawn out of descriptors says "too many open files" with the count and the limit; the pool recovers once they are freed (nofile=${LIMIT})`, async function () {
    if (process.platform !== 'linux' || !existsSync(PRLIMIT)) this.skip();
    server = await startHttpFixture();
    const t0 = Date.now();
    const child = spawn(PRLIMIT, [`--nofile=${LIMIT}:${LIMIT}`, process.execPath, HOST, RUN_MARK, server.url], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, POOL_TEST_HOME: tempDir('fd-home-') },
      shell: false,
    });
    host = child;
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    figures.host_run_s = (Date.now() - t0) / 1000;
    const line = out.split('\n').find((l) => l.startsWith('{'));
    assert.ok(line, `the host reported (exit ${code}): ${out} ${err}`);
    const r = JSON.parse(line) as { held: number; local: string; remote: string; localAfter: string; remoteAfter: string; crashed?: string };
    assert.equal(r.crashed, undefined, r.crashed);
    figures.descriptors_used_up = r.held;
    figures.says = JSON.stringify(r.local.replace(/^.*could not start "[^"]+": /, '').slice(0, 90));
    for (const said of [r.local, r.remote]) {
      assert.doesNotMatch(said, /TypeError|Cannot read prop/);
      assert.match(
        said,
        new RegExp(`could not start "[^"]+": too many open files \\(the process has \\d+ descriptors open of its limit of ${LIMIT}; raise \`ulimit -n\``),
        said,
      );
    }
    assert.equal(r.localAfter, 'ok', 'the stdio app starts once descriptors are free');
    assert.equal(r.remoteAfter, 'ok', 'the remote app starts once descriptors are free');
    assert.equal(code, 0);
  });
});
