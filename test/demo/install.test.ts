// test/editor/setup.sh, the installer `npm start` runs when code-server is missing, where it cannot
// install Debian packages: as a user without root or sudo, with a sudo that cannot run, and on a system
// without apt-get. Each time it must stop with the exact command to run (or what to install), not with a
// shell error. The non-root cases run as the real user `nobody` (setpriv) when this runs as root.
// Debian packages that are in fact installed are made to look missing with a stand-in dpkg-query.
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';

const SETUP = path.join(REPO_ROOT, 'test/editor/setup.sh');
const START = path.join(REPO_ROOT, 'test/demo/start.mjs');
const BUILD_PKGS = 'g++ make python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev';
const isRoot = process.getuid?.() === 0;
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => fs.existsSync(p));

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Signs of a shell error rather than a message written for people. */
function assertNoShellError(stderr: string): void {
  assert.doesNotMatch(stderr, /line \d+:|command not found|unbound variable|syntax error|No such file or directory/, stderr);
}

describe("npm start's installer (test/editor/setup.sh) where it cannot install Debian packages", function () {
  this.timeout(60_000);
  let tmp: string;
  let bin: string;
  /** A copy of setup.sh (with the versions it reads) that `nobody` can read wherever this checkout is (e.g. in a 0700 mktemp -d). */
  let nonRootSetup: string;

  /**
   * A PATH of its own: every program of the usual bin folders (and node's), less `without`, plus stand-ins.
   * Folders are world-readable so `nobody` can use them.
   */
  function makePath(without: string[], standIns: Record<string, string> = {}): string {
    bin = fs.mkdtempSync(path.join(tmp, 'bin-'));
    fs.chmodSync(bin, 0o755);
    for (const dir of [path.dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin', '/usr/sbin', '/sbin']) {
      let names: string[];
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const name of names) {
        if (without.includes(name) || fs.existsSync(path.join(bin, name))) continue;
        try {
          fs.symlinkSync(path.join(dir, name), path.join(bin, name));
        } catch {
          /* a dangling or duplicate entry */
        }
      }
    }
    for (const [name, script] of Object.entries(standIns)) {
      fs.rmSync(path.join(bin, name), { force: true });
      fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    }
    return bin;
  }

  /** A cache folder `nobody` may write to. */
  function cacheDir(): string {
    const d = fs.mkdtempSync(path.join(tmp, 'cache-'));
    fs.chmodSync(d, 0o777);
    return d;
  }

  /** Runs setup.sh as a user without root: `nobody` through setpriv when we are root, else as ourselves. */
  function runAsNonRoot(args: string[], env: NodeJS.ProcessEnv): Promise<Result> {
    const cmd = ['bash', nonRootSetup, ...args];
    const clean = { PATH: env.PATH, HOME: tmp, LANG: 'C.UTF-8', EDITOR_TEST_CACHE: env.EDITOR_TEST_CACHE };
    if (!isRoot) return run(cmd[0], cmd.slice(1), clean);
    return run(
      setpriv!,
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--', '/usr/bin/env', ...Object.entries(clean).map(([k, v]) => `${k}=${v}`), ...cmd],
      clean,
    );
  }

  before(function () {
    if (isRoot && !setpriv) {
      console.log('      [skip] running as root without setpriv (util-linux): cannot become a non-root user');
      return this.skip();
    }
    if (spawnSync('sh', ['-c', 'command -v dpkg-query'], { stdio: 'ignore' }).status !== 0) {
      console.log('      [skip] not a Debian/Ubuntu system (no dpkg-query): only the "no apt-get" case applies, run below');
    }
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-pool-install-test-'));
    fs.chmodSync(tmp, 0o755);
    const editorDir = path.join(tmp, 'repo', 'test', 'editor');
    fs.mkdirSync(editorDir, { recursive: true, mode: 0o755 });
    for (const name of ['setup.sh', 'versions.json']) fs.copyFileSync(path.join(path.dirname(SETUP), name), path.join(editorDir, name));
    for (const d of [path.join(tmp, 'repo'), path.join(tmp, 'repo', 'test'), editorDir]) fs.chmodSync(d, 0o755);
    nonRootSetup = path.join(editorDir, 'setup.sh');
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('as a user without root and without sudo: exit 1 with the exact apt-get line to run as root', async function () {
    // every package looks missing; no sudo anywhere on PATH
    const PATH = makePath(['sudo'], { 'dpkg-query': 'exit 1' });
    const r = await runAsNonRoot(['--vscode', 'floor'], { PATH, EDITOR_TEST_CACHE: cacheDir() });
    console.log(`      [info] ${isRoot ? 'as nobody (setpriv)' : 'as this non-root user'}:\n        ${r.stderr.trim().split('\n').join('\n        ')}`);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`missing Debian packages: ${BUILD_PKGS.replace(/\+/g, '\\+')} ripgrep\\.`));
    assert.match(r.stderr, /Installing them needs root, and this is user \S+ without sudo\. Run this as root:/);
    assert.ok(r.stderr.includes(`\n      apt-get update && apt-get install -y ${BUILD_PKGS} ripgrep\n`), r.stderr);
    assert.doesNotMatch(r.stderr, /chromium/, "npm start's install never asks for Chromium");
    assertNoShellError(r.stderr);
    assert.equal(r.stdout, '');
  });

  it("the tests' setup (--chromium) names chromium too", async () => {
    const PATH = makePath(['sudo'], { 'dpkg-query': 'exit 1' });
    const r = await runAsNonRoot(['--vscode', 'both', '--chromium'], { PATH, EDITOR_TEST_CACHE: cacheDir() });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(`apt-get update && apt-get install -y ${BUILD_PKGS} ripgrep chromium\n`), r.stderr);
    assertNoShellError(r.stderr);
  });

  it('with a sudo that cannot run without a password: exit 1 with the command to run as root', async () => {
    const PATH = makePath([], { 'dpkg-query': 'exit 1', sudo: 'echo "sudo: a password is required" >&2; exit 1' });
    const r = await runAsNonRoot(['--vscode', 'floor', '--yes'], { PATH, EDITOR_TEST_CACHE: cacheDir() });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /running it through sudo/);
    assert.match(r.stderr, /sudo: a password is required/);
    assert.ok(r.stderr.includes(`Install the packages yourself, as root:\n      apt-get update && apt-get install -y ${BUILD_PKGS} ripgrep\n`), r.stderr);
    assertNoShellError(r.stderr.replace('sudo: a password is required', ''));
  });

  it('on a system without apt-get: exit 1 naming what to install and how to go on', async () => {
    const PATH = makePath(['apt-get', 'apt', 'dpkg-query', 'dpkg']);
    const r = await run('bash', [SETUP, '--vscode', 'floor'], { ...process.env, PATH, EDITOR_TEST_CACHE: cacheDir() });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /this setup installs Debian\/Ubuntu packages with apt-get, and this system has no apt-get/);
    assert.ok(r.stderr.includes(`      ${BUILD_PKGS} ripgrep\n`), r.stderr);
    assert.match(r.stderr, /a C\/C\+\+ compiler, make, Python 3, pkg-config, the Kerberos, X11, libxkbfile and libsecret development headers, ripgrep\)/);
    assert.match(r.stderr, /MCP_POOL_SETUP_NO_APT=1 npm start/);
    assertNoShellError(r.stderr);
  });

  it('npm start (start.mjs) runs this installer itself when code-server is missing, and ends with its message', async () => {
    const PATH = makePath(['apt-get', 'apt', 'dpkg-query', 'dpkg']);
    const env: NodeJS.ProcessEnv = { ...process.env, PATH, EDITOR_TEST_CACHE: cacheDir() };
    delete env.CODE_SERVER_BIN;
    const r = await run(process.execPath, [START], env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /\[start [\d.]+s\] code-server 4\.\d+\.\d+ \(VS Code 1\.\d+\.\d+\) is not installed yet: installing it once into /);
    assert.match(r.stderr, /this system has no apt-get/);
    assert.match(r.stderr, /start: installing code-server failed: see the \[setup\] lines above\. .*bash test\/editor\/setup\.sh --vscode newest/);
    assertNoShellError(r.stderr);
    assert.equal(r.stdout, '');
  });
});

// npm start's first run installs Debian packages only with a yes. A stand-in apt-get (a real program on
// PATH that records each call and then fails, so the run ends there) shows whether it ran at all.
describe('npm start asks before it installs Debian packages', function () {
  this.timeout(60_000);
  let tmp: string;
  let calls: string;
  let PATH: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-pool-consent-test-'));
    calls = path.join(tmp, 'apt-get.calls');
    const bin = path.join(tmp, 'bin');
    fs.mkdirSync(bin);
    const standIns: Record<string, string> = {
      'apt-get': `echo "apt-get $*" >> '${calls}'\ncase " $* " in *" install "*) echo 'E: stand-in apt-get, installs nothing' >&2; exit 100;; esac`,
      'dpkg-query': 'exit 1', // every package looks missing
      sudo: '[ "$1" = -n ] && shift\nexec "$@"', // as a non-root user: straight through to the stand-in
    };
    for (const [name, script] of Object.entries(standIns)) fs.writeFileSync(path.join(bin, name), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
    PATH = `${bin}${path.delimiter}${process.env.PATH}`;
  });
  after(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });
  const startEnv = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH, EDITOR_TEST_CACHE: fs.mkdtempSync(path.join(tmp, 'cache-')), ...extra };
    for (const k of ['CODE_SERVER_BIN', 'MCP_POOL_SETUP_YES', 'MCP_POOL_SETUP_NO_APT']) if (!(k in extra)) delete env[k];
    return env;
  };
  const aptCalls = () => (fs.existsSync(calls) ? fs.readFileSync(calls, 'utf8') : '');
  beforeEach(() => fs.rmSync(calls, { force: true }));

  it('without a terminal and without --yes: says what and why, does not run apt-get, exits 1 naming the flag', async () => {
    const r = await run(process.execPath, [START], startEnv()); // stdin: /dev/null, not a terminal
    assert.equal(aptCalls(), '', 'apt-get must not run');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`missing Debian packages: ${BUILD_PKGS.replace(/\+/g, '\\+')}`));
    assert.match(r.stderr, /code-server's native modules are compiled on this machine and need them/);
    assert.match(r.stderr, /not installing Debian packages without a yes: stdin is not a terminal/);
    assert.match(r.stderr, /npm start -- --yes/);
    assert.match(r.stderr, /MCP_POOL_SETUP_YES=1/);
    assertNoShellError(r.stderr);
    assert.equal(r.stdout, '');
  });

  it('with --yes: runs apt-get update and apt-get install -y with the missing packages', async () => {
    const r = await run(process.execPath, [START, '--yes'], startEnv());
    assert.equal(r.code, 1, r.stderr); // the stand-in fails
    assert.match(aptCalls(), /^apt-get update -q\napt-get install -y g\+\+ make python3 .*libsecret-1-dev/);
    assert.match(r.stderr, /going ahead \(--yes \/ MCP_POOL_SETUP_YES\)/);
    assert.match(r.stderr, /E: stand-in apt-get, installs nothing/);
  });

  /** start.mjs in a terminal: util-linux `script` gives it a pseudo-terminal, `typed` is what the user types. */
  const inTerminal = (typed: string, env: NodeJS.ProcessEnv): Promise<Result> =>
    new Promise((resolve) => {
      const cmd = `'${process.execPath}' '${START}'`;
      const child = spawn('script', ['-qec', cmd, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (/Install them now\? \[y\/N\]/.test(stdout) && !child.stdin.writableEnded) child.stdin.end(typed);
      });
      child.stderr.on('data', (d: Buffer) => (stdout += d.toString()));
      child.on('exit', (code) => resolve({ code, stdout, stderr: stdout }));
    });
  const haveScript = () => spawnSync('sh', ['-c', 'command -v script'], { stdio: 'ignore' }).status === 0;

  it('in a terminal, answered "n": asks, does not run apt-get, exits 1', async function () {
    if (!haveScript()) return this.skip();
    const r = await inTerminal('n\n', startEnv());
    assert.equal(aptCalls(), '', 'apt-get must not run');
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /Install them now\? \[y\/N\]/);
    assert.match(r.stderr, /not installing Debian packages \(answer: n\)/);
  });

  it('in a terminal, answered "y": runs apt-get', async function () {
    if (!haveScript()) return this.skip();
    const r = await inTerminal('y\n', startEnv());
    assert.match(aptCalls(), /^apt-get update -q\napt-get install -y /, r.stderr);
    assert.equal(r.code, 1, r.stderr); // the stand-in fails
  });

  it('with MCP_POOL_SETUP_YES=1 (what .ci/run sets): runs apt-get', async () => {
    const r = await run(process.execPath, [START], startEnv({ MCP_POOL_SETUP_YES: '1' }));
    assert.equal(r.code, 1, r.stderr);
    assert.match(aptCalls(), /^apt-get update -q\napt-get install -y /);
  });
});
