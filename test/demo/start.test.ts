// `npm start` (test/demo/start.mjs) end to end: the launcher prints a working URL, the demo apps it
// defines answer tool calls (straight through the pool, and through the workbench in headless
// Chromium), and Ctrl+C / SIGTERM, or even SIGKILL of the launcher, leaves no process behind.
// The desktop editor (--desktop) with a fake `code` on PATH that records what it was asked to open.
//
// Needs code-server (npm start installs it, or npm run test:editor:setup) and Chromium (/usr/bin/chromium
// or CHROMIUM_BIN); without them the tests that need them skip, saying so. Run with: npm run test:start.
// TEST_START_VIA_NPM=1: launch the demo with `npm start -- --json` (builds, and installs code-server when it
// is missing) instead of `node test/demo/start.mjs --json`; TEST_START_EXPECT_INSTALL=1: the cache is
// empty, so that npm start must install code-server itself (what .ci/run does first on a clean clone).
// Screenshots: test/editor/shots/start-demo.png (the MCP Pool view) and start-demo-invoke.png.
import type * as PlaywrightCore from 'playwright-core';
import * as assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import type { Browser, Page } from 'playwright-core';
import { bundledLauncher, parseAppDefinitions, Pool, type AppSpec } from '../../src/pool';
import { BUNDLED_MCP_REMOTE, REAPER_SCRIPT, REPO_ROOT } from '../fixtures/paths';
import { descendantsOf, isAlive, listProcesses, waitUntil, type ProcessInfo } from '../fixtures/processTable';

const START = path.join(REPO_ROOT, 'test/demo/start.mjs');
const FLOOR = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test/editor/versions.json'), 'utf8')) as Record<string, { codeServer: string; vscode: string }>).floor;
const CACHE = path.resolve(process.env.EDITOR_TEST_CACHE || path.join(REPO_ROOT, '.vscode-test'));
/** What tells start.mjs that code-server is installed: setup.sh's setup.json, or CODE_SERVER_BIN. */
const CODE_SERVER = path.resolve(process.env.CODE_SERVER_BIN || path.join(CACHE, `code-server-${FLOOR.codeServer}`, 'setup.json'));
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'test/editor/shots');
const VIA_NPM = !!process.env.TEST_START_VIA_NPM;
const EXPECT_INSTALL = !!process.env.TEST_START_EXPECT_INSTALL;
/** npm start installs code-server itself; with plain `node start.mjs` the tests need it installed already. */
const haveCodeServer = () => VIA_NPM || fs.existsSync(CODE_SERVER);
const haveChromium = fs.existsSync(CHROMIUM);
const NO_CODE_SERVER = `code-server is not installed (${CODE_SERVER}): run \`npm start\` once, or \`npm run test:editor:setup\`, or set TEST_START_VIA_NPM=1`;

// playwright-core stays out of the esbuild bundle: loaded from node_modules at run time.
const playwright = (): typeof PlaywrightCore => createRequire(__filename)('playwright-core') as typeof PlaywrightCore;

/** What `start.mjs --json` prints once ready (browser editor). */
interface Ready {
  editor: 'browser';
  vscode: string;
  url: string;
  host: string;
  port: number;
  workspace: string;
  settingsFile: string;
  mcpUrl: string;
  profile: string;
  pid: number;
  codeServerPgid: number;
  httpServerPgid: number;
  readyMs: number;
}

interface Launched<R = Ready> {
  child: ChildProcess;
  ready: R;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every writer of the launcher's stderr is gone (with npm start: start.mjs too, not only npm). */
  stderrClosed: Promise<void>;
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve({ code: child.exitCode, signal: child.signalCode });
    else child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Runs start.mjs to the end (for the cases where it refuses to start). */
async function runStart(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [START, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const { code } = await exitOf(child);
  return { code, stdout, stderr };
}

/**
 * Starts the launcher in its own process group and waits for its JSON "ready" line: `node start.mjs --json`,
 * or with TEST_START_VIA_NPM `npm start -- --json` (which builds first, and installs code-server when missing;
 * npm's own lines on stdout are skipped). stderr is passed through, so an install's progress shows live.
 */
async function launch<R = Ready>(args: string[] = [], env: NodeJS.ProcessEnv = process.env, viaNpm = VIA_NPM): Promise<Launched<R>> {
  const t0 = Date.now();
  const child = viaNpm
    ? spawn('npm', ['start', '--', '--json', ...args], { cwd: REPO_ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'], env })
    : spawn(process.execPath, [START, '--json', ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  let stderr = '';
  const stderrClosed = new Promise<void>((r) => child.stderr.on('close', r));
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
    if (viaNpm) for (const line of String(d).split('\n')) if (/^\[(setup|start) /.test(line)) console.log(`      ${line}`);
  });
  const exited = exitOf(child);
  const waitMs = viaNpm ? (EXPECT_INSTALL ? 20 : 3) * 60_000 : 60_000;
  const ready = await new Promise<R>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line from the launcher in ${waitMs / 1000} s; stderr:\n${stderr}`)), waitMs);
    const lines = readline.createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      if (viaNpm && !line.startsWith('{')) return; // "> mcp-remote-pool@… start" and the like
      clearTimeout(timer);
      lines.removeAllListeners('line');
      try {
        resolve(JSON.parse(line) as R);
      } catch {
        reject(new Error(`unexpected stdout line from start.mjs: ${line}`));
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`the launcher exited (${code ?? signal}) before it was ready; stderr:\n${stderr}`)));
  });
  console.log(`      [info] ready ${(ready as { readyMs: number }).readyMs} ms after start.mjs started (${Date.now() - t0} ms since ${viaNpm ? '`npm start`' : '`node start.mjs`'})`);
  return { child, ready, stderr: () => stderr, exited, stderrClosed };
}

/** Live processes whose environment marks them as part of this demo run (see start.mjs). */
function processesOfRun(profile: string): ProcessInfo[] {
  const marks = [`MCP_POOL_DEMO_RUN=${profile}`, `HOME=${path.join(profile, 'home')}`].map((m) => Buffer.from(`\0${m}\0`));
  return listProcesses().filter((p) => {
    if (p.pid === process.pid || p.state === 'Z') return false;
    try {
      const environ = Buffer.concat([Buffer.from([0]), fs.readFileSync(`/proc/${p.pid}/environ`)]);
      return marks.some((m) => environ.includes(m));
    } catch {
      return false;
    }
  });
}

/** Every live process of the launcher: its descendants and anything carrying the run's marks. */
function processesOfLauncher(l: Launched<{ profile: string }>): ProcessInfo[] {
  const byPid = new Map(listProcesses().map((p) => [p.pid, p]));
  const pids = new Set([l.child.pid!, ...descendantsOf(l.child.pid!), ...processesOfRun(l.ready.profile).map((p) => p.pid)]);
  return [...pids].map((pid) => byPid.get(pid)).filter((p): p is ProcessInfo => !!p && p.state !== 'Z');
}

const describeProcs = (ps: readonly ProcessInfo[]) => ps.map((p) => `${p.pid} ${p.cmdline.slice(0, 160)}`).join('\n  ');

/** Waits until none of `before` is alive and nothing carries the run's marks. */
async function expectAllGone(before: readonly ProcessInfo[], profile: string, ms = 10_000): Promise<void> {
  const left = () => [...before.filter((p) => isAlive(p.pid)), ...processesOfRun(profile)];
  await waitUntil(() => left().length === 0, ms, `every process of the demo to end; still alive:\n  ${describeProcs(left())}`).catch((e: Error) => {
    for (const p of left()) try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
    throw new Error(`${e.message}\n  ${describeProcs(left())}`);
  });
}

// ---- the workbench in headless Chromium --------------------------------------------------------

async function openWorkbench(url: string, browserHome: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await playwright().chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    env: { ...process.env, HOME: browserHome, XDG_CONFIG_HOME: path.join(browserHome, '.config'), XDG_CACHE_HOME: path.join(browserHome, '.cache') },
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const page = await browser.newPage({ viewport: { width: 1400, height: 850 } });
  await page.goto(url, { timeout: 60_000 });
  await page.locator('.monaco-workbench .part.statusbar').waitFor({ timeout: 60_000 });
  // Focus changes, for the failure report: a quick pick closes when it loses focus.
  await page.evaluate(`(() => {
    const log = (window.__focusLog = []);
    window.__focusChangedAt = performance.now();
    const d = (e) => (e ? e.tagName + '.' + [...(e.classList || [])].slice(0, 3).join('.') + (e.closest && e.closest('.quick-input-widget') ? '[quick-input]' : '') : 'none');
    const add = (what) => { window.__focusChangedAt = performance.now(); log.push(Math.round(window.__focusChangedAt) + ' ' + what); };
    document.addEventListener('focusin', (e) => add('focus ' + d(e.target)), true);
    document.addEventListener('focusout', (e) => add('blur ' + d(e.target) + ' -> ' + d(e.relatedTarget)), true);
    window.addEventListener('blur', () => add('window blur, active ' + d(document.activeElement)));
  })()`);
  // The extension is active (onStartupFinished) once its status bar item shows: "MCP 0/2".
  await page.locator('.part.statusbar .statusbar-item[id$="mcpPool.status"]').filter({ hasText: /MCP \d+\/2/ }).waitFor({ timeout: 60_000 });
  // The workspace README opens as the start editor, in the Markdown preview: a webview that takes the
  // focus (several times) while it loads, which would close a quick pick opened meanwhile. Let it settle.
  await page.locator('.part.editor .tabs-container .tab', { hasText: 'README.md' }).waitFor({ timeout: 20_000 });
  await page.locator('iframe.webview.ready').first().waitFor({ state: 'attached', timeout: 20_000 });
  await waitUntil(async () => Number(await page.evaluate('performance.now() - window.__focusChangedAt')) > 1500, 20_000, 'the focus to settle');
  return { browser, page };
}

const quickInput = (page: Page) => page.locator('.quick-input-widget');
const quickRow = (page: Page, label: string | RegExp) =>
  quickInput(page).locator('.monaco-list-row').filter({ has: page.locator('.label-name', { hasText: label }) }).first();
/** A label that is exactly `name`, after an optional $(icon) (rendered as an empty span). */
const exactly = (name: string) => new RegExp(`^\\s*${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`);

/** F1, a command by its title, Enter. */
async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = quickInput(page).locator('.quick-input-box input');
  await input.waitFor({ state: 'visible', timeout: 10_000 });
  await input.fill(`>${title}`);
  await quickRow(page, title).waitFor({ timeout: 10_000 });
  await page.keyboard.press('Enter');
}

/** The rendered lines of the output panel's editor (Monaco renders only the visible ones, in any DOM order). */
async function outputText(page: Page): Promise<string> {
  const lines = await page.locator('.part.panel .monaco-editor .view-lines .view-line').allTextContents();
  return lines.map((l) => l.replace(/\u00a0/g, ' ')).join('\n');
}

/** F1 → MCP Pool: Invoke Tool… → app → echo → text → Enter; waits for the text in the output panel. */
async function invokeEchoFromPalette(page: Page, app: string, text: string): Promise<void> {
  await runCommand(page, 'MCP Pool: Invoke Tool…');
  await quickInput(page).locator('.quick-input-title', { hasText: 'MCP Pool: Invoke Tool' }).waitFor({ timeout: 10_000 });
  await quickRow(page, exactly(app)).click({ timeout: 10_000 });
  // the tool picker shows at once ("starting demo-stdio…") and fills in when the app is up
  await quickInput(page).locator('.quick-input-title', { hasText: `${app}: invoke a tool` }).waitFor({ timeout: 10_000 });
  await quickRow(page, exactly('echo')).click({ timeout: 30_000 });
  // one argument (text): an input box titled "<app> › echo (1/1)"
  await quickInput(page).locator('.quick-input-title', { hasText: `${app} › echo` }).waitFor({ timeout: 10_000 });
  await quickInput(page).locator('.quick-input-box input').fill(text);
  await page.keyboard.press('Enter');
  await waitUntil(async () => (await outputText(page)).includes(text), 30_000, `"${text}" in the output panel`);
}

async function treeLabels(page: Page): Promise<string[]> {
  return page.locator('.part.sidebar .monaco-list-row .label-name').allInnerTexts();
}

/** Clicks the MCP Pool activity bar entry and waits for both demo apps in its tree. */
async function showPoolView(page: Page): Promise<string[]> {
  const sidebarTitle = page.locator('.part.sidebar .title-label');
  if (!/MCP POOL/i.test((await sidebarTitle.innerText().catch(() => '')) ?? '')) {
    await page.locator('.part.activitybar .action-item .action-label[aria-label="MCP Pool"]').click({ timeout: 10_000 });
  }
  return waitUntil(async () => {
    const labels = await treeLabels(page);
    return labels.includes('demo-stdio') && labels.includes('demo-remote') && labels;
  }, 20_000, 'demo-stdio and demo-remote in the MCP Pool view');
}

async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SHOTS, { recursive: true });
  const file = path.join(SHOTS, `${name}.png`);
  await page.waitForTimeout(300);
  await page.screenshot({ path: file });
  console.log(`      [info] screenshot ${path.relative(process.cwd(), file)}`);
  return file;
}

/** After a failed browser test: a screenshot and the last focus changes (see openWorkbench). */
async function reportFailure(page: Page): Promise<void> {
  await screenshot(page, 'start-demo-failure').catch(() => {});
  const focus = (await page.evaluate('window.__focusLog').catch(() => [])) as string[];
  console.log(`      [info] last focus changes in the workbench:\n        ${focus.slice(-20).join('\n        ')}`);
}

// ---- tests ------------------------------------------------------------------------------------

describe('npm start (test/demo/start.mjs)', function () {
  this.timeout(120_000);

  it('refuses a non-loopback --host unless --i-know-this-is-public', async () => {
    const r = await runStart(['--host', '0.0.0.0']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /refusing to listen on 0\.0\.0\.0/);
    assert.match(r.stderr, /--i-know-this-is-public/);
    assert.equal(r.stdout, '');
  });

  it('with CODE_SERVER_BIN pointing nowhere, says so, installs nothing and exits 1', async () => {
    const r = await runStart([], { ...process.env, CODE_SERVER_BIN: path.join(os.tmpdir(), 'no-such-code-server', 'entry.js') });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /CODE_SERVER_BIN=.*no-such-code-server.* does not exist/);
    assert.doesNotMatch(r.stderr, /\[setup/);
  });

  it('refuses an unknown --editor', async () => {
    const r = await runStart(['--editor', 'vim']);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--editor must be browser or desktop, got vim/);
  });

  describe('a running demo, stopped with SIGTERM', function () {
    let l: Launched | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    let browserHome: string | undefined;
    let invoked = false;
    let stopped = false;

    let installedBefore = false;
    before(async function () {
      if (!haveCodeServer()) {
        console.log(`      [skip] ${NO_CODE_SERVER}`);
        return this.skip();
      }
      installedBefore = fs.existsSync(CODE_SERVER);
      this.timeout((EXPECT_INSTALL ? 22 : 5) * 60_000);
      l = await launch();
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && page) await reportFailure(page);
    });

    after(async () => {
      await browser?.close().catch(() => {});
      if (browserHome) fs.rmSync(browserHome, { recursive: true, force: true });
      if (l && !stopped) {
        // a test failed before the SIGTERM test: end it all
        try { process.kill(-l.child.pid!, 'SIGTERM'); } catch { /* gone */ }
        await Promise.race([l.exited, new Promise((r) => setTimeout(r, 10_000))]);
        for (const p of processesOfLauncher(l)) try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
      }
    });

    it(EXPECT_INSTALL ? 'npm start installed code-server itself, saying what and how long' : 'used the installed code-server (the floor version)', () => {
      const err = l!.stderr();
      if (EXPECT_INSTALL) {
        assert.ok(VIA_NPM, 'TEST_START_EXPECT_INSTALL needs TEST_START_VIA_NPM');
        assert.equal(installedBefore, false, `TEST_START_EXPECT_INSTALL: ${CODE_SERVER} existed before npm start`);
        assert.match(err, new RegExp(`code-server ${FLOOR.codeServer.replace(/\./g, '\\.')} \\(VS Code .*\\) is not installed yet: installing it once`));
        assert.match(err, /\[setup \+\d+s\] (apt: |code-server )/);
        assert.match(err, new RegExp(`installed code-server ${FLOOR.codeServer.replace(/\./g, '\\.')} \\(VS Code ${FLOOR.vscode.replace(/\./g, '\\.')}\\) in \\d+\\.\\ds`));
        assert.doesNotMatch(err, /chromium/i, 'npm start must not install Chromium');
      } else {
        assert.doesNotMatch(err, /not installed yet/);
      }
      assert.ok(fs.existsSync(CODE_SERVER), `${CODE_SERVER} after npm start`);
      assert.equal(l!.ready.editor, 'browser');
      assert.equal(l!.ready.vscode, FLOOR.vscode);
    });

    it('prints a URL on 127.0.0.1 that serves code-server and the workbench, with this checkout as the extension', async () => {
      const { ready } = l!;
      const url = new URL(ready.url);
      assert.equal(url.hostname, '127.0.0.1');
      assert.equal(Number(url.port), ready.port);
      assert.equal(url.searchParams.get('folder'), ready.workspace);
      const payload = new Map(JSON.parse(url.searchParams.get('payload')!) as [string, string][]);
      assert.equal(payload.get('extensionDevelopmentPath'), `vscode-remote://127.0.0.1:${ready.port}${REPO_ROOT}`);
      const health = await fetch(`http://127.0.0.1:${ready.port}/healthz`);
      assert.equal(health.status, 200);
      const workbench = await fetch(ready.url);
      assert.equal(workbench.status, 200);
      assert.match(await workbench.text(), /workbench/i);
      // the banner on stderr names what to try, the trust setting, and Ctrl+C
      const banner = l!.stderr();
      assert.ok(banner.includes(`Open:  ${ready.url}`), banner);
      for (const s of ['--disable-workspace-trust', 'MCP Pool: Invoke Tool', 'demo-stdio', 'demo-remote', 'Ctrl+C']) assert.ok(banner.includes(s), `banner lacks ${s}`);
      // the throw-away profile: a fresh temp copy of the demo workspace
      assert.ok(ready.profile.startsWith(os.tmpdir()), ready.profile);
      assert.ok(ready.workspace.startsWith(ready.profile));
      assert.ok(fs.existsSync(path.join(ready.workspace, 'README.md')));
    });

    it('the generated workspace settings define demo-stdio and demo-remote, and both answer echo (no browser)', async () => {
      const { ready } = l!;
      const settings = JSON.parse(fs.readFileSync(ready.settingsFile, 'utf8')) as Record<string, unknown>;
      const { specs, problems } = parseAppDefinitions(settings['mcpPool.apps']);
      assert.deepEqual(problems, []);
      assert.deepEqual(specs.map((s) => s.name).sort(), ['demo-remote', 'demo-stdio']);
      const remote = specs.find((s) => s.kind === 'remote');
      assert.equal(remote?.kind === 'remote' && remote.url, ready.mcpUrl);
      // mcp-remote's token cache goes to the demo's temporary HOME, not ours
      const home = path.join(ready.profile, 'home');
      const pool = new Pool({
        launcher: bundledLauncher(BUNDLED_MCP_REMOTE),
        reaperScript: REAPER_SCRIPT,
        settings: { stopGraceMs: 1000, startTimeoutMs: 20_000 },
      });
      try {
        await pool.configure(specs.map((s): AppSpec => ({ ...s, env: { ...s.env, HOME: home } })));
        for (const [app, name] of [['demo-stdio', 'demo-stdio'], ['demo-remote', 'fixture-http']]) {
          const out = await pool.callTool(app, 'echo', { text: `hello ${app}` });
          assert.equal(out.result.isError ?? false, false);
          assert.equal(out.result.content[0]?.type === 'text' && out.result.content[0].text, `hello ${app}`);
          assert.equal((out.result.structuredContent as { name?: string }).name, name);
        }
      } finally {
        await pool.shutdown();
        pool.dispose();
      }
    });

    it('in the browser: the MCP Pool view lists both demo apps (screenshot start-demo)', async function () {
      if (!haveChromium) {
        console.log(`      [skip] no Chromium at ${CHROMIUM} (set CHROMIUM_BIN)`);
        return this.skip();
      }
      browserHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-pool-demo-browser-'));
      ({ browser, page } = await openWorkbench(l!.ready.url, browserHome));
      const labels = await showPoolView(page);
      console.log(`      [info] tree: ${JSON.stringify(labels)}`);
      await screenshot(page, 'start-demo');
      // the workspace README (what to try) opens as the start editor
      assert.equal(await page.locator('.part.editor .tabs-container .tab', { hasText: 'README.md' }).count(), 1);
      const status = await page.locator('.part.statusbar .statusbar-item[id$="mcpPool.status"]').innerText();
      assert.match(status, /MCP \d\/2/);
    });

    it('in the browser: F1 → MCP Pool: Invoke Tool… → echo on demo-stdio, then demo-remote, shows the text in the output', async function () {
      if (!page) return this.skip();
      await invokeEchoFromPalette(page, 'demo-stdio', 'hello from the demo palette');
      await invokeEchoFromPalette(page, 'demo-remote', 'hello through mcp-remote');
      invoked = true;
      await showPoolView(page);
      await screenshot(page, 'start-demo-invoke');
      const status = await page.locator('.part.statusbar .statusbar-item[id$="mcpPool.status"]').innerText();
      assert.match(status, /MCP 2\/2/);
    });

    it('SIGTERM stops everything: code-server, its extension host, every pool process, the HTTP server; the profile is deleted', async () => {
      const launched = l!;
      const before = processesOfLauncher(launched);
      const cmds = before.map((p) => p.cmdline);
      console.log(`      [info] ${before.length} processes before SIGTERM`);
      assert.ok(cmds.some((c) => c.includes('code-server/out/node/entry.js')), describeProcs(before));
      assert.ok(cmds.some((c) => c.includes('out/test/fixtures/http-server.js')), describeProcs(before));
      if (invoked) {
        // started by the extension host for the browser session
        assert.ok(cmds.some((c) => c.includes('out/test/fixtures/stdio-server.js') && c.includes('--name=demo-stdio')), describeProcs(before));
        assert.ok(cmds.some((c) => c.includes('dist/mcp-remote/proxy.mjs') && c.includes(launched.ready.mcpUrl)), describeProcs(before));
      }
      const t = Date.now();
      process.kill(launched.ready.pid, 'SIGTERM'); // the launcher (start.mjs) only, as `kill <pid>` would
      const { code } = await launched.exited; // with npm start: npm exits with start.mjs's code
      await launched.stderrClosed;
      stopped = true;
      console.log(`      [info] launcher exited ${code} ${Date.now() - t} ms after SIGTERM`);
      assert.equal(code, 0, launched.stderr());
      // the launcher waits for all of it before it exits: only a moment's slack for the last exit to land
      await expectAllGone(before, launched.ready.profile, 1000);
      assert.equal(fs.existsSync(launched.ready.profile), false, 'the temporary profile is deleted');
      assert.match(launched.stderr(), /nothing left running/);
    });
  });

  describe('a running demo whose launcher is SIGKILLed', function () {
    let l: Launched | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    let browserHome: string | undefined;

    before(async function () {
      if (!haveCodeServer()) {
        console.log(`      [skip] ${NO_CODE_SERVER}`);
        return this.skip();
      }
      this.timeout(5 * 60_000);
      l = await launch(['--keep-profile']);
    });

    afterEach(async function () {
      if (this.currentTest?.state === 'failed' && page) await reportFailure(page);
    });

    after(async () => {
      await browser?.close().catch(() => {});
      if (browserHome) fs.rmSync(browserHome, { recursive: true, force: true });
      if (l) {
        for (const p of processesOfLauncher(l)) try { process.kill(p.pid, 'SIGKILL'); } catch { /* gone */ }
        fs.rmSync(l.ready.profile, { recursive: true, force: true }); // nobody else can: the launcher was killed
      }
    });

    it('the reapers end code-server, the extension host, the pool processes and the HTTP server within seconds', async function () {
      const launched = l!;
      if (haveChromium) {
        browserHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-pool-demo-browser-'));
        ({ browser, page } = await openWorkbench(launched.ready.url, browserHome));
        await invokeEchoFromPalette(page, 'demo-remote', 'about to be killed');
      }
      const before = processesOfLauncher(launched);
      if (haveChromium) assert.ok(before.some((p) => p.cmdline.includes('dist/mcp-remote/proxy.mjs')), describeProcs(before));
      const t = Date.now();
      process.kill(launched.ready.pid, 'SIGKILL'); // start.mjs (with npm start, npm then exits too)
      await launched.exited;
      await expectAllGone(before, launched.ready.profile, 15_000);
      console.log(`      [info] ${before.length} processes, all gone ${Date.now() - t} ms after SIGKILL of the launcher`);
    });
  });

  describe('--desktop: the demo in the user\'s own VS Code (a fake `code` on PATH)', function () {
    /** What start.mjs --desktop --json prints once `code` is started. */
    interface DesktopReady {
      editor: 'desktop';
      code: string;
      codeArgs: string[];
      userDataDir: string;
      extensionsDir: string;
      workspace: string;
      settingsFile: string;
      mcpUrl: string;
      profile: string;
      pid: number;
      readyMs: number;
    }
    let bin: string;
    let record: string;

    before(() => {
      // A stand-in for VS Code's `code` command: records its arguments and the run's mark, starts a detached
      // "VS Code" (a process in a session of its own, as the real CLI starts Electron), and with --wait stays
      // until it is stopped, or "the window is closed" after FAKE_CODE_CLOSE_AFTER seconds.
      bin = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-pool-fake-code-'));
      record = path.join(bin, 'record');
      fs.writeFileSync(path.join(bin, 'code'), [
        '#!/bin/sh',
        `printf '%s\\n' "$@" > '${record}.args'`,
        `printf '%s\\n' "$MCP_POOL_DEMO_RUN" > '${record}.mark'`,
        `setsid sleep 300 & echo $! > '${record}.electron'`, // inherits the environment, so the mark
        'if [ -n "$FAKE_CODE_CLOSE_AFTER" ]; then sleep "$FAKE_CODE_CLOSE_AFTER"; kill $(cat ' + `'${record}.electron'` + '); exit 0; fi',
        'exec sleep 300',
        '',
      ].join('\n'), { mode: 0o755 });
    });
    after(() => fs.rmSync(bin, { recursive: true, force: true }));
    afterEach(() => { for (const f of ['args', 'mark', 'electron']) fs.rmSync(`${record}.${f}`, { force: true }); });

    const withFakeCode = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({ ...process.env, PATH: `${bin}${path.delimiter}${process.env.PATH}`, ...extra });
    const recorded = async () => waitUntil(() => fs.existsSync(`${record}.electron`) && fs.readFileSync(`${record}.args`, 'utf8').trim().split('\n'), 10_000, 'the fake code to run');

    it('opens the demo workspace in a new window with a throw-away profile and this checkout as the extension under development', async () => {
      const l = await launch<DesktopReady>(['--desktop'], withFakeCode(), false);
      try {
        const { ready } = l;
        assert.equal(ready.editor, 'desktop');
        assert.equal(ready.code, path.join(bin, 'code'));
        const args = await recorded();
        assert.deepEqual(args, ready.codeArgs);
        const value = (flag: string) => args[args.indexOf(flag) + 1];
        // throw-away profile dirs inside the run's temporary folder (deleted on exit)
        assert.ok(ready.profile.startsWith(os.tmpdir()), ready.profile);
        assert.equal(value('--user-data-dir'), ready.userDataDir);
        assert.equal(value('--extensions-dir'), ready.extensionsDir);
        for (const d of [ready.userDataDir, ready.extensionsDir]) {
          assert.ok(d.startsWith(`${ready.profile}${path.sep}`), d);
          assert.ok(fs.statSync(d).isDirectory(), d);
        }
        assert.ok(!args.some((a) => a.startsWith(os.homedir()) && !a.startsWith(ready.profile)), `nothing in the real home: ${args.join(' ')}`);
        assert.ok(args.includes(`--extensionDevelopmentPath=${REPO_ROOT}`), args.join(' '));
        for (const f of ['--new-window', '--wait', '--disable-workspace-trust']) assert.ok(args.includes(f), `${f} missing: ${args.join(' ')}`);
        // the demo workspace, last, with both demo apps; quiet user settings in the throw-away profile
        assert.equal(args[args.length - 1], ready.workspace);
        assert.ok(ready.workspace.startsWith(ready.profile));
        const settings = JSON.parse(fs.readFileSync(ready.settingsFile, 'utf8')) as Record<string, Record<string, unknown>>;
        assert.deepEqual(Object.keys(settings['mcpPool.apps']).sort(), ['demo-remote', 'demo-stdio']);
        const user = JSON.parse(fs.readFileSync(path.join(ready.userDataDir, 'User/settings.json'), 'utf8')) as Record<string, unknown>;
        assert.equal(user['telemetry.telemetryLevel'], 'off');
        assert.equal(fs.readFileSync(`${record}.mark`, 'utf8').trim(), ready.profile, 'the editor carries the run\'s mark');
        const banner = l.stderr();
        assert.match(banner, /opening a new window of your VS Code/);
        assert.match(banner, /Closing that window or Ctrl\+C here stops everything/);
        // the demo HTTP server answers; code-server is not involved
        assert.equal((await fetch(ready.mcpUrl, { method: 'GET' })).status < 500, true);
        const before = processesOfLauncher(l);
        assert.ok(!before.some((p) => p.cmdline.includes('code-server')), describeProcs(before));
        const electron = Number(fs.readFileSync(`${record}.electron`, 'utf8'));
        assert.ok(isAlive(electron));

        process.kill(ready.pid, 'SIGTERM');
        const { code } = await l.exited;
        await l.stderrClosed;
        assert.equal(code, 0, l.stderr());
        await expectAllGone([...before, ...listProcesses().filter((p) => p.pid === electron)], ready.profile, 1000);
        assert.equal(isAlive(electron), false, 'the detached "VS Code" is gone');
        assert.equal(fs.existsSync(ready.profile), false, 'the temporary profile is deleted');
        assert.match(l.stderr(), /nothing left running/);
      } finally {
        try { process.kill(-l.child.pid!, 'SIGKILL'); } catch { /* gone */ }
      }
    });

    it('closing the VS Code window ends the demo: exit 0, nothing left, profile deleted', async () => {
      const l = await launch<DesktopReady>(['--editor', 'desktop'], withFakeCode({ FAKE_CODE_CLOSE_AFTER: '2' }), false);
      await recorded();
      const before = processesOfLauncher(l);
      const { code } = await l.exited;
      await l.stderrClosed;
      assert.equal(code, 0, l.stderr());
      assert.match(l.stderr(), /the VS Code window was closed: stopping/);
      assert.match(l.stderr(), /nothing left running/);
      await expectAllGone(before, l.ready.profile, 1000);
      assert.equal(fs.existsSync(l.ready.profile), false);
    });

    it('--desktop without `code` on PATH says what is missing and exits 1', async function () {
      const dirs = [path.dirname(process.execPath), '/usr/bin', '/bin'];
      if (dirs.some((d) => fs.existsSync(path.join(d, 'code')))) {
        console.log('      [skip] a real `code` is installed in /usr/bin, /bin or next to node');
        return this.skip();
      }
      const r = await runStart(['--desktop'], { ...process.env, PATH: dirs.join(path.delimiter) });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /--editor desktop needs VS Code's `code` command on PATH, and there is none/);
      assert.equal(r.stdout, '');
    });

    it('the browser editor stays the default, with a hint when `code` is on PATH', async () => {
      const r = await runStart([], withFakeCode({ CODE_SERVER_BIN: path.join(os.tmpdir(), 'no-such-code-server', 'entry.js') }));
      assert.equal(r.code, 1, r.stderr); // (no code-server here: it stops right after the hint)
      assert.match(r.stderr, /hint: a desktop VS Code is installed \(.*\/code\): `npm start -- --desktop` opens the demo there/);
      assert.equal(fs.existsSync(`${record}.args`), false, 'code was not run');
    });
  });
});
