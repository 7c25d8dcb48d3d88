// `npm run test:one -- FILE` (scripts/testOne.mjs) runs exactly the file it is given: a real child
// process, mocha's JSON reporter, the count and the file of every test it ran. --no-build: npm test
// has built out/ already, and a build would delete out/test under the running suite.
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';

const SCRIPT = join(REPO_ROOT, 'scripts', 'testOne.mjs');

interface MochaJson {
  stats: { tests: number; passes: number; failures: number };
  tests: { title: string; fullTitle: string; file?: string }[];
}

function testOne(...args: string[]) {
  const r = spawnSync(process.execPath, [SCRIPT, '--no-build', ...args], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, INIT_CWD: REPO_ROOT },
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** mocha's JSON report: the reporter prints it on stdout, after anything the tests printed. */
function report(stdout: string): MochaJson {
  return JSON.parse(stdout.slice(stdout.indexOf('{\n'))) as MochaJson;
}

/** The tests in a built test file, as mocha itself counts them without running them (--dry-run). */
function countIn(outFile: string): number {
  const r = spawnSync(
    process.execPath,
    [join(REPO_ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js'), '--no-config', '--dry-run', '--reporter', 'json', outFile],
    {
      cwd: REPO_ROOT,
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
  assert.equal(r.status, 0, r.stderr);
  return report(r.stdout).stats.tests;
}

describe('npm run test:one (scripts/testOne.mjs)', function () {
  this.timeout(60_000);

  it('runs the three tests of the file it is given, and nothing else', () => {
    const r = testOne('test/fixtures/testOne/three.test.ts', '--reporter', 'json');
    assert.equal(r.status, 0, r.stderr);
    const json = report(r.stdout);
    assert.deepEqual(
      json.tests.map((t) => t.title),
      ['first of three', 'second of three', 'third of three'],
    );
    assert.equal(json.stats.tests, 3);
    assert.equal(json.stats.passes, 3);
  });

  it("runs a unit test file's own tests: as many as mocha counts in that file, all from it", () => {
    const file = 'out/test/unit/uriTemplate.test.js';
    const r = testOne('test/unit/uriTemplate.test.ts', '--reporter', 'json');
    assert.equal(r.status, 0, r.stderr);
    const json = report(r.stdout);
    assert.ok(json.stats.tests > 0);
    assert.equal(json.stats.tests, countIn(file));
    assert.equal(json.stats.failures, 0);
    assert.deepEqual([...new Set(json.tests.map((t) => t.file))], [join(REPO_ROOT, file)]);
  });

  it('refuses what is not a test file under test/, with exit code 2 and the usage', () => {
    for (const [arg, said] of [
      ['src/extension.ts', 'is not a test file under test/'],
      ['test/unit/noSuchFile.test.ts', 'no such file'],
      ['test/editor/suite/pool.test.ts', 'is an editor test'],
    ]) {
      const r = testOne(arg);
      assert.equal(r.status, 2, `${arg}: ${r.stderr}`);
      assert.match(r.stderr, new RegExp(said.replace(/\//g, '\\/')));
      assert.match(r.stderr, /usage: npm run test:one/);
    }
    assert.equal(testOne().status, 2);
  });
});
