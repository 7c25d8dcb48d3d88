#!/usr/bin/env node
// The same editor suite (out/test/editor/suite/index.js) under @vscode/test-electron: downloads a desktop
// VS Code into .vscode-test/ and runs the suite in its extension host. For machines that can reach
// VS Code's download servers (a laptop, a public CI); this project's own machines cannot, and use
// test/editor/run.mjs (code-server) instead. Screenshot tests skip themselves here (no harness).
//
// Usage: node test/editor/electron.mjs [options]     (npm run test:electron builds first)
//   --version V       VS Code to download: stable (default), insiders, or e.g. 1.99.3 (= code-server 4.99.4's);
//                     env VSCODE_TEST_VERSION does the same
//   --ext DIR         extension development folder (default: repo root)
//   --tests PATH      module exporting run() (default: out/test/editor/suite/index)
//   --vsix FILE       install FILE into the run's extensions dir and test the INSTALLED copy
//   --workspace DIR   folder to open (default: a fresh temporary folder)
//   --grep REGEXP     only tests whose full title matches
//   --keep            keep the run's temporary user-data/extensions dirs
// @vscode/test-electron always passes --disable-workspace-trust, so there is no --untrusted here.
// On Linux without $DISPLAY the run re-executes itself under `xvfb-run -a` when that is installed
// (Debian package xvfb); Electron cannot start without a display.
// Exit code: 0 all tests passed, 1 some failed (or VS Code exited non-zero), 2 setup error.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import testElectron from '@vscode/test-electron';

const { runTests, downloadAndUnzipVSCode, resolveCliArgsFromVSCodeExecutablePath, TestRunFailedError } = testElectron;

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

const VALUE_OPTS = ['version', 'ext', 'tests', 'vsix', 'workspace', 'grep'];
const opts = {};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]);
    if (m && VALUE_OPTS.includes(m[1])) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) fail(`--${m[1]} needs a value`);
      opts[m[1]] = v;
    } else if (m && ['keep', 'help'].includes(m[1]) && m[2] === undefined) opts[m[1]] = true;
    else if (m && m[1] === 'untrusted')
      fail('--untrusted is not possible under @vscode/test-electron (it always passes --disable-workspace-trust); use test/editor/run.mjs --untrusted');
    else fail(`unknown argument ${argv[i]}`);
  }
}
function fail(msg) {
  console.error(`electron.mjs: ${msg}`);
  process.exit(2);
}
if (opts.help) {
  console.log(
    fs
      .readFileSync(fileURLToPath(import.meta.url), 'utf8')
      .split('\n')
      .slice(1)
      .filter((l) => l.startsWith('//'))
      .map((l) => l.replace(/^\/\/ ?/, ''))
      .join('\n'),
  );
  process.exit(0);
}

// Electron needs a display: on a headless Linux box go through xvfb-run (once).
if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY && !process.env.EDITOR_TEST_UNDER_XVFB) {
  if (spawnSync('sh', ['-c', 'command -v xvfb-run'], { stdio: 'ignore' }).status === 0) {
    console.error('electron.mjs: no $DISPLAY, re-running under xvfb-run -a');
    const r = spawnSync('xvfb-run', ['-a', process.execPath, fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
      stdio: 'inherit',
      env: { ...process.env, EDITOR_TEST_UNDER_XVFB: '1' },
    });
    process.exit(r.status ?? 2);
  }
  console.error('electron.mjs: warning: no $DISPLAY and no xvfb-run (apt-get install xvfb); VS Code will probably fail to start');
}

const version = opts.version ?? process.env.VSCODE_TEST_VERSION ?? 'stable';
const cachePath = path.join(root, '.vscode-test'); // test-electron keeps vscode-<platform>-<version>/ here
const extDir = path.resolve(opts.ext ?? root);
const testsPath = path.resolve(opts.tests ?? path.join(root, 'out/test/editor/suite/index')).replace(/\.js$/, '');
const vsix = opts.vsix && path.resolve(opts.vsix);
if (!fs.existsSync(`${testsPath}.js`)) fail(`tests module not found: ${testsPath}.js (build first: node esbuild.mjs)`);
if (vsix && !fs.existsSync(vsix)) fail(`no such .vsix: ${vsix}`);

// A fresh profile per run (test-electron's default would reuse .vscode-test/user-data and extensions).
const run = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-pool-electron-'));
const userDataDir = path.join(run, 'user-data');
const extensionsDir = path.join(run, 'extensions');
const workspace = path.resolve(opts.workspace ?? path.join(run, 'workspace'));
for (const d of [userDataDir, extensionsDir, workspace]) fs.mkdirSync(d, { recursive: true });
if (!opts.workspace) fs.writeFileSync(path.join(workspace, 'README.md'), '# test workspace\n');
fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
fs.writeFileSync(
  path.join(userDataDir, 'User/settings.json'),
  JSON.stringify(
    {
      'telemetry.telemetryLevel': 'off',
      'workbench.startupEditor': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'git.enabled': false,
    },
    null,
    2,
  ),
);
const profileArgs = [`--user-data-dir=${userDataDir}`, `--extensions-dir=${extensionsDir}`];
const resultFile = path.join(run, 'result.json');

let code = 2;
let launched = false; // keep the profile (logs) when VS Code ran and the run failed
try {
  const vscodeExecutablePath = await downloadAndUnzipVSCode({ version, cachePath });
  let extensionDevelopmentPath = extDir;
  if (vsix) {
    const [cli, ...cliArgs] = resolveCliArgsFromVSCodeExecutablePath(vscodeExecutablePath);
    const r = spawnSync(cli, [...cliArgs, ...profileArgs, '--install-extension', vsix, '--force'], {
      encoding: 'utf8',
      stdio: 'pipe',
      shell: process.platform === 'win32',
    });
    console.error(`electron.mjs: --install-extension ${path.basename(vsix)}: rc=${r.status} ${`${r.stdout}${r.stderr}`.trim()}`);
    if (r.status !== 0) throw new Error('vsix install failed');
    // extensionTestsPath only works in extension development mode: give it an empty stub dev extension.
    extensionDevelopmentPath = path.join(run, 'stub-dev-ext');
    fs.mkdirSync(extensionDevelopmentPath);
    fs.writeFileSync(
      path.join(extensionDevelopmentPath, 'package.json'),
      JSON.stringify({ name: 'test-stub', publisher: 'harness', version: '0.0.0', engines: { vscode: '*' } }),
    );
  }
  launched = true;
  code = await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath,
    extensionTestsPath: testsPath,
    launchArgs: [workspace, ...profileArgs, ...(vsix ? [] : ['--disable-extensions'])],
    extensionTestsEnv: {
      MCP_POOL_TEST: '1',
      EDITOR_TEST_RESULT_FILE: resultFile,
      EDITOR_TEST_TRUST: 'trusted', // test-electron passes --disable-workspace-trust
      EDITOR_TEST_WORKSPACE: workspace,
      ...(opts.grep ? { EDITOR_TEST_GREP: opts.grep } : {}),
      ...(vsix ? { EDITOR_TEST_VSIX: vsix } : {}),
    },
  });
} catch (e) {
  if (e instanceof TestRunFailedError) {
    code = 1;
    console.error(`electron.mjs: VS Code exited with ${e.code ?? e.signal}`);
  } else {
    code = 2;
    console.error('electron.mjs: error:', (e && e.stack) || e);
  }
}
if (fs.existsSync(resultFile)) {
  const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
  console.error(`electron.mjs: result: ${r.passes} passed, ${r.failed} failed, ${r.pending} pending`);
}
if (opts.keep || (launched && code !== 0)) console.error(`electron.mjs: state (user-data with logs) kept in ${run}`);
else fs.rmSync(run, { recursive: true, force: true });
process.exit(code);
