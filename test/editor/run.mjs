#!/usr/bin/env node
// Runs the extension's mocha suite (test/editor/suite) inside a REAL VS Code, offline:
// code-server's remote Node extension host, with the real web workbench rendered by Debian's
// headless Chromium (driven by playwright-core). Install the pieces once with test/editor/setup.sh.
//
// Usage: node test/editor/run.mjs [options]          (npm run test:editor builds first)
//   --vscode WHICH            floor, newest, both (the default: one run per version, one after the other),
//                             or a code-server version (e.g. 4.100.3); see test/editor/versions.json.
//                             Every line of a run names its VS Code version ("[VS Code 1.139.1] 2 failing").
//   --ext DIR                 extension development folder (default: repo root) -> extensionDevelopmentPath
//                             (test/editor/testModel, a deterministic language model for the sampling tests,
//                             is always loaded beside it: see devExtensions below)
//   --tests PATH              module exporting run() (default: out/test/editor/suite/index) -> extensionTestsPath
//   --vsix FILE               install FILE into a fresh extensions dir and test the INSTALLED copy
//                             (the development path becomes an empty stub extension)
//   --workspace DIR           folder to open (default: a fresh temporary folder with a README.md)
//   --settings FILE           JSON object merged into the user settings.json written for the run
//   --workspace-settings FILE JSON object written to <workspace>/.vscode/settings.json
//                             (an existing file there is put back afterwards)
//   --trust                   workspace trust off, everything trusted (the default)
//   --untrusted               workspace trust on (security.workspace.trust.enabled, no --disable-workspace-trust):
//                             the folder opens in Restricted Mode (see test/editor/README.md)
//   --grep REGEXP             only tests whose full title matches
//   --shots DIR               where screenshots requested by tests go (default: test/editor/shots/vscode-<version>)
//   --timeout SEC             whole run, start to result (default: 180)
//   --keep                    keep the run's temporary state (logs, profile) even when green
//   --verbose                 print the workbench's log lines and the harness's URL
// Environment: CODE_SERVER_BIN (code-server's out/node/entry.js, run by CODE_SERVER_NODE or this Node;
// default: the copy setup.sh installs under .vscode-test/code-server-<version>, with the Node it was built
// with), EDITOR_TEST_CACHE (default .vscode-test), CHROMIUM_BIN (default /usr/bin/chromium),
// EDITOR_TEST_TMP (parent of the per-run temporary folder; default: the OS temp dir).
// Exit code: 0 all tests passed, 1 some failed, 2 harness error or timeout (no result), 130 interrupted.
//
// The extension host sees: MCP_POOL_TEST=1, EDITOR_TEST_SHOTS_DIR, EDITOR_TEST_RESULT_FILE,
// EDITOR_TEST_OUTPUT_FILE, EDITOR_TEST_GREP, EDITOR_TEST_TRUST (trusted|untrusted),
// EDITOR_TEST_VSIX (the .vsix path, when testing an installed copy), EDITOR_TEST_WORKSPACE.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import {
  PROFILE_DIRS,
  baseUserSettings,
  commonArgs,
  endGroup as endProcessGroup,
  freePort,
  installedCodeServer,
  isolatedEnv,
  liveProcesses,
  makeRunDirs,
  processesWithEnv,
  resolveVersion,
  setupCommand,
  startCodeServer,
  waitHealthy as waitCodeServerHealthy,
  workbenchUrl,
  writeConfigYaml,
  writeUserSettings,
} from './codeServer.mjs';
import { statusBarTooltips, uiFacts } from './uiFacts.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');

// ---- options ---------------------------------------------------------------------------------
const VALUE_OPTS = ['vscode', 'ext', 'tests', 'vsix', 'workspace', 'settings', 'workspace-settings', 'grep', 'shots', 'timeout'];
const FLAG_OPTS = ['trust', 'untrusted', 'keep', 'verbose', 'help'];
const opts = {};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(a);
    const name = m?.[1];
    if (name && VALUE_OPTS.includes(name)) {
      const v = m[2] ?? argv[++i];
      if (v === undefined) usage(`--${name} needs a value`);
      opts[name] = v;
    } else if (name && FLAG_OPTS.includes(name) && m[2] === undefined) {
      opts[name] = true;
    } else usage(`unknown argument ${a}`);
  }
}
function usage(problem) {
  const lines = fs
    .readFileSync(fileURLToPath(import.meta.url), 'utf8')
    .split('\n')
    .slice(1);
  const text = lines
    .slice(
      0,
      lines.findIndex((l) => !l.startsWith('//')),
    )
    .map((l) => l.replace(/^\/\/ ?/, ''))
    .join('\n');
  if (problem) {
    console.error(`run.mjs: ${problem}\n\n${text}`);
    process.exit(2);
  }
  console.log(text);
  process.exit(0);
}
if (opts.help) usage();
if (opts.trust && opts.untrusted) usage('--trust and --untrusted exclude each other');

// ---- several VS Code versions: one run of this script per version, one after the other ----------
const wanted = (opts.vscode ?? 'both').split(',').flatMap((v) => (v === 'both' || v === 'all' ? ['floor', 'newest'] : [v.trim()]));
if (wanted.length > 1) await runEach(wanted);

/** Runs this script once per version (same arguments), then prints one line per version and the total. */
async function runEach(versions) {
  const argv = process.argv.slice(2);
  const rest = argv.filter((a, i) => !(a === '--vscode' || a.startsWith('--vscode=') || argv[i - 1] === '--vscode'));
  const results = [];
  let interrupted = false;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(sig, () => {
      interrupted = true;
    }); // the child gets it too
  for (const v of versions) {
    let version;
    try {
      version = resolveVersion(v);
    } catch (e) {
      usage(e.message);
    }
    const summaryFile = path.join(os.tmpdir(), `mcp-pool-et-summary-${process.pid}-${results.length}.json`);
    const child = spawn(process.execPath, [fileURLToPath(import.meta.url), ...rest, '--vscode', v], {
      stdio: 'inherit',
      env: { ...process.env, EDITOR_TEST_SUMMARY_FILE: summaryFile },
    });
    const code = await new Promise((r) => child.on('exit', (c, s) => r(c ?? (s ? 130 : 2))));
    let summary;
    try {
      summary = JSON.parse(fs.readFileSync(summaryFile, 'utf8'));
      fs.rmSync(summaryFile);
    } catch {
      /* no result */
    }
    results.push({ version, code, summary });
    if (interrupted || code === 130) break;
  }
  console.log('');
  for (const { version, code, summary } of results) {
    const vscode = summary?.vscode && !summary.vscode.startsWith('code-server') ? summary.vscode : version.vscode;
    const label = vscode ? `[VS Code ${vscode}]` : `[code-server ${version.codeServer}]`;
    const counts = summary ? `${summary.passes} passed, ${summary.failed} failed, ${summary.pending} skipped` : 'no result';
    const failed = !summary ? 'failed' : summary.failed ? `${summary.failed} failing` : summary.passes + summary.pending === 0 ? 'no tests ran' : 'failed';
    console.log(
      `${label} ${code === 0 ? 'passed' : code === 1 ? `FAILED: ${failed}` : `ERROR (exit ${code})`} (${counts}; code-server ${summary?.codeServer || version.codeServer})`,
    );
  }
  const sum = (k) => results.reduce((n, r) => n + (r.summary?.[k] ?? 0), 0);
  console.log(`editor: ${sum('passes')} passed, ${sum('failed')} failed, ${sum('pending')} skipped`); // plain summary line for CI
  process.exit(results.length < versions.length ? 130 : Math.max(...results.map((r) => r.code)));
}

let VERSION;
try {
  VERSION = resolveVersion(wanted[0]);
} catch (e) {
  usage(e.message);
}
const installed = installedCodeServer(VERSION);
const VSCODE = installed?.vscode || VERSION.vscode || `code-server-${VERSION.codeServer}`;
const TAG = installed?.vscode || VERSION.vscode ? `[VS Code ${VSCODE}]` : `[code-server ${VERSION.codeServer}]`;
if (!installed) {
  console.error(
    `run.mjs: ${TAG} code-server ${VERSION.codeServer} is not installed ${process.env.CODE_SERVER_BIN ? `at CODE_SERVER_BIN=${process.env.CODE_SERVER_BIN}` : `in ${VERSION.dir}`}: ` +
      `run \`npm run test:editor:setup\` (both versions and Chromium) or \`${setupCommand(VERSION, { chromium: true })}\``,
  );
  writeSummary({ failed: 0, passes: 0, pending: 0, error: 'not installed' });
  process.exit(2);
}
const CODE_SERVER = installed.entry;
const CODE_SERVER_NODE = installed.node;

/** For the multi-version parent (runEach). */
function writeSummary(r) {
  const f = process.env.EDITOR_TEST_SUMMARY_FILE;
  if (f) fs.writeFileSync(f, JSON.stringify({ ...r, vscode: VSCODE, codeServer: installed?.codeServer || VERSION.codeServer }));
}
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const extDir = path.resolve(opts.ext ?? root);
// A second development extension: language models through the finalized provider API (VS Code 1.104+),
// which answer with what they were sent; on older versions it registers nothing. See testModel/extension.js.
const testModelDir = path.join(here, 'testModel');
const testsPath = path.resolve(opts.tests ?? path.join(root, 'out/test/editor/suite/index')).replace(/\.js$/, '');
const vsix = opts.vsix && path.resolve(opts.vsix);
const shotsDir = path.resolve(opts.shots ?? path.join(here, 'shots', `vscode-${VSCODE}`));
const timeoutMs = Number(opts.timeout ?? '180') * 1000;
const untrusted = !!opts.untrusted;
const { verbose, keep } = opts;
const readJson = (file, what) => {
  try {
    const v = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!v || typeof v !== 'object' || Array.isArray(v)) throw new Error('not a JSON object');
    return v;
  } catch (e) {
    console.error(`run.mjs: ${what} ${file}: ${e.message}`);
    process.exit(2);
  }
};
const extraSettings = opts.settings ? readJson(path.resolve(opts.settings), '--settings') : {};
const workspaceSettings = opts['workspace-settings'] ? readJson(path.resolve(opts['workspace-settings']), '--workspace-settings') : undefined;

const t0 = Date.now();
const ts = () => `${((Date.now() - t0) / 1000).toFixed(1)}s`;
const log = (...a) => console.error(`[editor-test ${VSCODE} ${ts()}]`, ...a);

if (!fs.existsSync(CHROMIUM)) {
  console.error(
    `run.mjs: ${TAG} chromium not found at ${CHROMIUM}: run \`npm run test:editor:setup\` (bash test/editor/setup.sh --vscode both --chromium) or set CHROMIUM_BIN`,
  );
  process.exit(2);
}
if (!fs.existsSync(`${testsPath}.js`)) {
  console.error(`run.mjs: tests module not found: ${testsPath}.js (build first: node esbuild.mjs)`);
  process.exit(2);
}
if (vsix && !fs.existsSync(vsix)) {
  console.error(`run.mjs: no such .vsix: ${vsix}`);
  process.exit(2);
}
if (!vsix && !fs.existsSync(path.join(extDir, 'package.json'))) {
  console.error(`run.mjs: no package.json in --ext ${extDir}`);
  process.exit(2);
}
if (opts.workspace && !fs.statSync(opts.workspace, { throwIfNoEntry: false })?.isDirectory()) {
  console.error(`run.mjs: --workspace ${opts.workspace} is not a folder`);
  process.exit(2);
}

// ---- per-run state: everything code-server, the extension host and Chromium write stays here ----
// (kept short: VS Code puts unix sockets under TMPDIR, and socket paths are limited to ~107 bytes)
const { run, dirs } = makeRunDirs('mcp-pool-et-', [...PROFILE_DIRS, 'browserProfile'], process.env.EDITOR_TEST_TMP || os.tmpdir());
const workspace = path.resolve(opts.workspace ?? dirs.workspace);
if (workspace === dirs.workspace) fs.writeFileSync(path.join(workspace, 'README.md'), '# test workspace\n');
fs.mkdirSync(shotsDir, { recursive: true });

// Workspace settings (restored afterwards when the folder is not ours).
let restoreWorkspaceSettings = () => {};
if (workspaceSettings) {
  const vsDir = path.join(workspace, '.vscode');
  const file = path.join(vsDir, 'settings.json');
  const hadDir = fs.existsSync(vsDir);
  const before = fs.existsSync(file) ? fs.readFileSync(file) : undefined;
  fs.mkdirSync(vsDir, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(workspaceSettings, null, 2));
  if (workspace !== dirs.workspace) {
    restoreWorkspaceSettings = () => {
      if (before !== undefined) fs.writeFileSync(file, before);
      else {
        fs.rmSync(file, { force: true });
        if (!hadDir) fs.rmSync(vsDir, { recursive: true, force: true });
      }
    };
  }
}

// User settings live server-side in <user-data-dir>/User/settings.json for code-server.
writeUserSettings(dirs.userData, { ...baseUserSettings({ trustEnabled: untrusted }), ...extraSettings });
const configYaml = writeConfigYaml(path.join(run, 'config.yaml'));

const resultFile = path.join(run, 'result.json');
const chromiumPgidFile = path.join(run, 'chromium.pgid');
const outputFile = path.join(dirs.logs, 'mocha-output.txt');
process.env.TMPDIR = dirs.tmp; // playwright's artifacts too
// HOME, XDG_* and TMPDIR in the run's folders: keeps code-server (config.yaml, coder-logs, heartbeat),
// terminals (shell history) and Chromium (~/.config/chromium, ~/.cache/dconf, ~/.pki) out of the real home.
const childEnv = isolatedEnv(dirs, {
  EDITOR_TEST_RUN: run, // marks every process of this run (see strays())
  // code-server 4.133+ ignores the payload's extensionDevelopmentPath/extensionTestsPath without it (harmless
  // before). Side effect: notification toasts only show in the Notifications Center (see suite/ui.ts).
  VSCODE_OPTIONS: 'enable-smoke-test-driver',
  // seen by the extension host (it inherits the server's environment):
  MCP_POOL_TEST: '1',
  EDITOR_TEST_RESULT_FILE: resultFile,
  // the suite appends the pid of every process the pool starts; none may outlive the editor
  EDITOR_TEST_PIDS_FILE: path.join(run, 'pool-pids.txt'),
  EDITOR_TEST_OUTPUT_FILE: outputFile,
  EDITOR_TEST_SHOTS_DIR: shotsDir,
  EDITOR_TEST_TRUST: untrusted ? 'untrusted' : 'trusted',
  EDITOR_TEST_WORKSPACE: workspace,
  ...(opts.grep ? { EDITOR_TEST_GREP: opts.grep } : {}),
  ...(vsix ? { EDITOR_TEST_VSIX: vsix } : {}),
});
const csDirs = { configFile: configYaml, userDataDir: dirs.userData, extensionsDir: dirs.extensions };
const csCommon = commonArgs(csDirs);

let server,
  browser,
  finished = false;

const waitHealthy = (port, ms) => waitCodeServerHealthy(port, server, ms, `${dirs.logs}/code-server.log`);
const endGroup = (pgid, what, graceMs) => endProcessGroup(pgid, graceMs, () => log(`${what} needed SIGKILL`));
// Anything started during the run inherits EDITOR_TEST_RUN=<run dir> in its environment, also processes
// that left the process groups (e.g. spawned detached by the extension): find them by that marker.
const strays = () => processesWithEnv([`EDITOR_TEST_RUN=${run}`]);

async function teardown() {
  if (browser) {
    await Promise.race([browser.close().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    browser = undefined;
  }
  // Chromium: playwright closed it above; whatever is left of its process group (see chromium.sh) goes now.
  const chromiumPgid = Number(fs.existsSync(chromiumPgidFile) && fs.readFileSync(chromiumPgidFile, 'utf8'));
  if (chromiumPgid > 1) await endGroup(chromiumPgid, 'chromium', 2000);
  // code-server: SIGTERM to the whole group (even if its leader, the reaper, is already gone) lets the
  // extension host shut down and deactivate() the extension (~1 s); SIGKILL after 5 s.
  if (server) await endGroup(server.pid, 'code-server', 5000);
  const left = strays();
  if (left.length) {
    log(
      `WARNING: ${left.length} process(es) from this run outlived their process group (detached?), killing: ${left.map(([p, , c]) => `${p} ${c}`).join(', ')}`,
    );
    for (const [pid] of left)
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  }
  try {
    restoreWorkspaceSettings();
  } catch (e) {
    log('could not restore workspace settings', e);
  }
  return poolOrphans();
}

/** Processes the pool started (recorded by the suite) that are still running after the editor is gone. */
function poolOrphans() {
  const file = path.join(run, 'pool-pids.txt');
  if (!fs.existsSync(file)) return 0;
  const recorded = new Set(fs.readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number));
  const alive = liveProcesses().filter(([pid]) => recorded.has(pid));
  if (alive.length) {
    log(`FAIL: ${alive.length} pool process(es) outlived the editor: ${alive.map(([p, , c]) => `${p} ${c}`).join(', ')}`);
    for (const [pid] of alive)
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  } else {
    log(`no pool process outlived the editor (${recorded.size} recorded)`);
  }
  return alive.length;
}

async function finish(code, why) {
  if (finished) return;
  finished = true;
  if (why || code !== 0) log(`finishing: exit ${code}${why ? ` (${why})` : ''}`);
  if ((await teardown()) > 0 && code === 0) code = 1; // something outlived the editor: that is a failure
  if (keep || code !== 0) log(`logs and state kept in ${run}`);
  else fs.rmSync(run, { recursive: true, force: true });
  log(`done in ${ts()}, exit ${code}`);
  if (code === 2 || code === 130) {
    console.log(`${TAG} ${code === 2 ? 'ERROR: no result (harness error or timeout, see above)' : 'interrupted'}`);
    if (!fs.existsSync(process.env.EDITOR_TEST_SUMMARY_FILE || '/nonexistent'))
      writeSummary({ failed: 0, passes: 0, pending: 0, error: why || `exit ${code}` });
  }
  process.exit(code);
}
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => finish(130, sig));
process.on('uncaughtException', (e) => {
  log('uncaught', e);
  finish(2, 'uncaught exception');
});
process.on('unhandledRejection', (e) => {
  log('unhandled rejection', e);
  finish(2, 'unhandled rejection');
});

try {
  let devPath = extDir;
  if (vsix) {
    const t = Date.now();
    const r = spawnSync(CODE_SERVER_NODE, [CODE_SERVER, ...csCommon, '--install-extension', vsix, '--force'], {
      env: childEnv,
      encoding: 'utf8',
      timeout: 120000,
    });
    log(
      `--install-extension ${path.basename(vsix)}: rc=${r.status} in ${Date.now() - t}ms: ${`${r.stdout}${r.stderr}`.trim().split('\n').slice(-2).join(' | ')}`,
    );
    if (r.status !== 0) throw new Error('vsix install failed');
    // extensionTestsPath only works in "extension development" mode, so give it an empty stub dev extension.
    devPath = path.join(run, 'stub-dev-ext');
    fs.mkdirSync(devPath, { recursive: true });
    fs.writeFileSync(
      path.join(devPath, 'package.json'),
      JSON.stringify({ name: 'test-stub', publisher: 'harness', version: '0.0.0', engines: { vscode: '*' } }),
    );
  }

  /**
   * One extensionDevelopmentPath carrying several extensions: the workbench keeps only the last value of
   * each payload key (it reads the payload into a Map), but a development folder without a package.json
   * is scanned as a folder of extensions. So: a folder of symlinks, the extension (or the .vsix stub) and
   * the test model. (The extension's own paths stay real: extensionPath resolves through the link.)
   */
  function devExtensions(main) {
    const dir = path.join(run, 'dev-extensions');
    fs.mkdirSync(dir, { recursive: true });
    fs.symlinkSync(main, path.join(dir, 'under-test'), 'dir');
    fs.symlinkSync(testModelDir, path.join(dir, 'test-model'), 'dir');
    return dir;
  }

  const port = await freePort();
  const host = `127.0.0.1:${port}`;
  // code-server runs in its own process group led by a tiny sh "reaper": if this harness dies without
  // tearing down (even SIGKILL), the reaper notices within 1 s and kills the whole group.
  server = startCodeServer({
    entry: CODE_SERVER,
    node: CODE_SERVER_NODE,
    port,
    ...csDirs,
    workspace,
    workspaceTrust: untrusted,
    env: childEnv,
    logFile: path.join(dirs.logs, 'code-server.log'),
  });
  server.on('exit', (c, s) => {
    if (!finished) log(`code-server exited unexpectedly (${c ?? s})`);
  });
  await waitHealthy(port, 30000);
  log(
    `code-server ${installed.codeServer} (VS Code ${VSCODE}) ${verbose ? `${CODE_SERVER} on ${CODE_SERVER_NODE} ` : ''}up on ${host} (pgid ${server.pid}); workspace ${workspace}; ${untrusted ? 'workspace trust ON (--untrusted)' : 'workspace trust disabled'}${vsix ? `; testing installed ${path.basename(vsix)}` : ''}`,
  );

  // Chromium gets the same reaper treatment: playwright starts it through this wrapper, which becomes the
  // leader of a process group of its own (playwright spawns detached) and records its pid; a watcher in the
  // group kills the whole group once this harness or Chromium is gone (playwright's own cleanup only runs
  // on an orderly exit of this process).
  const wrapper = path.join(run, 'chromium.sh');
  fs.writeFileSync(
    wrapper,
    [
      '#!/bin/sh',
      `echo $$ > '${chromiumPgidFile}'`,
      `'${CHROMIUM}' "$@" & ch=$!`,
      `( while kill -0 ${process.pid} 2>/dev/null && kill -0 $ch 2>/dev/null; do sleep 1; done; kill -KILL 0 ) &`,
      "trap 'kill -TERM $ch 2>/dev/null' TERM INT",
      'wait $ch; rc=$?',
      'while kill -0 $ch 2>/dev/null; do wait $ch; rc=$?; done', // a trapped signal cuts wait short
      "trap '' TERM; kill -TERM 0", // ends the watcher and whatever Chromium left in the group, not this shell
      'exit $rc',
      '',
    ].join('\n'),
    { mode: 0o755 },
  );
  // Persistent context = our own throw-away profile dir (playwright refuses --user-data-dir in args).
  const context = (browser = await chromium.launchPersistentContext(dirs.browserProfile, {
    executablePath: wrapper,
    headless: true,
    viewport: { width: 1400, height: 850 },
    env: childEnv,
    handleSIGINT: false,
    handleSIGTERM: false,
    handleSIGHUP: false, // our finish() tears everything down
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  }));
  const page = context.pages()[0] || (await context.newPage());
  const consoleLog = fs.createWriteStream(path.join(dirs.logs, 'browser-console.log'));
  page.on('console', (m) => consoleLog.write(`[${m.type()}] ${m.text()}\n`));
  page.on('pageerror', (e) => consoleLog.write(`[pageerror] ${e.stack || e}\n`));

  // The workbench calls window.codeAutomationExit(code, logs) once the extensionTestsPath run() settles
  // (code 0 = resolved, 1 = rejected/threw); logs = the workbench's own log files.
  let settle;
  const done = new Promise((resolve) => {
    settle = resolve;
  });
  await page.exposeFunction('codeAutomationExit', async (code, logs) => {
    for (const l of logs || []) {
      const f = path.join(dirs.logs, 'workbench', l.relativePath);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, l.contents);
    }
    settle(code);
  });
  page.on('crash', () => settle('page crashed'));
  server.on('exit', () => settle('code-server died'));

  let shotChain = Promise.resolve();
  const OUT_MARK = '\u241E';
  const SHOT = /__EDITOR_TEST_SCREENSHOT__:(\{.*\}|[\w.-]+)/;
  let printedLines = 0;
  const workbenchProblems = [];
  await page.exposeFunction('codeAutomationLog', (level, msg) => {
    const text = Array.isArray(msg) ? msg.join(' ') : String(msg);
    // In test mode every console.* call of the extension host is routed to the log service -> here.
    const m = SHOT.exec(text);
    if (m) {
      let req;
      try {
        req = m[1].startsWith('{') ? JSON.parse(m[1]) : { name: m[1] };
      } catch {
        req = { name: 'bad-request' };
      }
      const name = String(req.name).replace(/[^\w.-]/g, '_');
      shotChain = shotChain
        .then(async () => {
          const png = path.join(shotsDir, `${name}.png`);
          // What a user types first (keys.type), then the keys pressed (keys.press), then the screenshot.
          if (req.keys?.type) await page.keyboard.type(String(req.keys.type), { delay: 10 });
          for (const key of req.keys?.press ?? []) await page.keyboard.press(String(key));
          await page.waitForTimeout(req.settleMs ?? 300); // let the UI paint
          const facts = await uiFacts(page);
          await page.screenshot({ path: `${png}.tmp.png` });
          if (req.tooltips) {
            const t = req.tooltips;
            await statusBarTooltips(page, facts, (item) => (t === true ? !item.id.startsWith('status.') : item.id.startsWith(String(t))));
          }
          fs.writeFileSync(path.join(shotsDir, `${name}.json`), JSON.stringify(facts, null, 2));
          fs.renameSync(`${png}.tmp.png`, png); // last: tests poll for the .png
          log(`screenshot ${path.relative(process.cwd(), png)}`);
        })
        .catch((e) => log('screenshot failed', e));
      return;
    }
    const i = text.indexOf(OUT_MARK); // console output of the test run, see suite/index.ts
    if (i >= 0) {
      process.stdout.write(`${text.slice(i + OUT_MARK.length)}\n`);
      printedLines++;
      return;
    }
    if (level === 'error' || level === 'warn') workbenchProblems.push(`[${level}] ${text}`);
    if (verbose) log(`[workbench ${level}] ${text}`);
  });

  const url = workbenchUrl({
    port,
    folder: workspace,
    payload: [
      ['extensionDevelopmentPath', devExtensions(devPath)], // -> vscode-remote://<host><path>
      ['extensionTestsPath', testsPath],
      ['skipWelcome', 'true'],
    ],
  });
  log(`opening the workbench${verbose ? ` ${url}` : ''}`);
  let timer;
  const timeout = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), Math.max(0, timeoutMs - (Date.now() - t0)));
  });
  await page.goto(url, { timeout: timeoutMs });

  const code = await Promise.race([done, timeout]);
  clearTimeout(timer);
  if (finished) await new Promise(() => {}); // interrupted: finish() is tearing down and exits
  await shotChain;
  // Backup for the console bridge: if nothing came through it, print mocha's output from the file.
  if (printedLines === 0 && fs.existsSync(outputFile)) process.stdout.write(fs.readFileSync(outputFile, 'utf8'));
  const problems = () => {
    if (!verbose && workbenchProblems.length) log(`workbench errors/warnings (last 10):\n  ${workbenchProblems.slice(-10).join('\n  ')}`);
  };
  if (typeof code !== 'number') {
    await page.screenshot({ path: path.join(shotsDir, 'failure.png') }).catch(() => {});
    log(`NO RESULT: ${code === 'timeout' ? `timeout after ${timeoutMs / 1000}s` : code} (screenshot ${path.join(shotsDir, 'failure.png')})`);
    problems();
    await finish(2, String(code));
  }
  if (code !== 0) problems();
  if (fs.existsSync(resultFile)) {
    const r = JSON.parse(fs.readFileSync(resultFile, 'utf8'));
    log(
      `result from extension host pid ${r.pid}, ${r.durationMs} ms${vsix ? `, installed ${path.basename(vsix)}` : ''}${untrusted ? ', untrusted workspace' : ''}`,
    );
    writeSummary(r);
    console.log(
      `${TAG} ${r.failed ? `${r.failed} failing` : r.passes + r.pending === 0 ? 'no tests ran' : 'passed'}: ${r.passes} passed, ${r.failed} failed, ${r.pending} skipped (code-server ${installed.codeServer}${vsix ? ', installed .vsix' : ''}${untrusted ? ', untrusted' : ''})`,
    );
    for (const f of r.failures ?? []) console.log(`${TAG} failing: ${f.title}`);
    if (!process.env.EDITOR_TEST_SUMMARY_FILE) console.log(`editor: ${r.passes} passed, ${r.failed} failed, ${r.pending} skipped`); // plain summary line for CI
  } else if (code !== 0) log('the suite wrote no result file: run() failed before mocha ran (see the logs)');
  await finish(code === 0 ? 0 : 1);
} catch (e) {
  if (finished) await new Promise(() => {}); // interrupted: errors from the teardown race are expected
  log('harness error:', (e && e.stack) || e);
  await finish(2, 'harness error');
}
