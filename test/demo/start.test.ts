// `npm start` (test/demo/start.mjs) end to end: the launcher prints a working URL, the demo apps it
// defines answer tool calls (straight through the pool, and through the workbench in headless
// Chromium), and Ctrl+C / SIGTERM, or even SIGKILL of the launcher, leaves no process behind.
//
// Needs code-server (npm run test:editor:setup) and Chromium (/usr/bin/chromium or CHROMIUM_BIN);
// without them the tests that need them skip. Run with: npm run test:start
// (= node esbuild.mjs && mocha --no-config --timeout 120000 out/test/demo/start.test.js).
// Screenshots: test/editor/shots/start-demo.png (the MCP Pool view) and start-demo-invoke.png.
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
const CODE_SERVER = path.resolve(process.env.CODE_SERVER_BIN || path.join(REPO_ROOT, '.vscode-test/code-server/node_modules/code-server/out/node/entry.js'));
const CHROMIUM = process.env.CHROMIUM_BIN || '/usr/bin/chromium';
const SHOTS = path.join(REPO_ROOT, 'test/editor/shots');
const haveCodeServer = fs.existsSync(CODE_SERVER);
const haveChromium = fs.existsSync(CHROMIUM);
const NO_CODE_SERVER = `code-server is not installed at ${CODE_SERVER}: run \`npm run test:editor:setup\` first`;

// playwright-core stays out of the esbuild bundle: loaded from node_modules at run time.
const playwright = (): typeof import('playwright-core') => createRequire(__filename)('playwright-core');

/** What `start.mjs --json` prints once ready. */
interface Ready {
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

interface Launched {
  child: ChildProcess;
  ready: Ready;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
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
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const { code } = await exitOf(child);
  return { code, stdout, stderr };
}

/** Starts the launcher in its own process group and waits for its JSON "ready" line. */
async function launch(args: string[] = []): Promise<Launched> {
  const t0 = Date.now();
  const child = spawn(process.execPath, [START, '--json', ...args], { detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = exitOf(child);
  const ready = await new Promise<Ready>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line from start.mjs in 60 s; stderr:\n${stderr}`)), 60_000);
    readline.createInterface({ input: child.stdout! }).once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as Ready);
      } catch {
        reject(new Error(`unexpected stdout line from start.mjs: ${line}`));
      }
    });
    void exited.then(({ code, signal }) => reject(new Error(`start.mjs exited (${code ?? signal}) before it was ready; stderr:\n${stderr}`)));
  });
  console.log(`      [info] URL ready ${ready.readyMs} ms after the launcher started (${Date.now() - t0} ms including node startup)`);
  return { child, ready, stderr: () => stderr, exited };
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
function processesOfLauncher(l: Launched): ProcessInfo[] {
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

  it('without code-server, names the command that installs it and exits 1', async () => {
    const r = await runStart([], { ...process.env, CODE_SERVER_BIN: path.join(os.tmpdir(), 'no-such-code-server', 'entry.js') });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /code-server is not installed/);
    assert.match(r.stderr, /npm run test:editor:setup/);
  });

  describe('a running demo, stopped with SIGTERM', function () {
    let l: Launched | undefined;
    let browser: Browser | undefined;
    let page: Page | undefined;
    let browserHome: string | undefined;
    let invoked = false;
    let stopped = false;

    before(async function () {
      if (!haveCodeServer) {
        console.log(`      [skip] ${NO_CODE_SERVER}`);
        return this.skip();
      }
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
      process.kill(launched.child.pid!, 'SIGTERM'); // the launcher only, as `kill <pid>` would
      const { code } = await launched.exited;
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
      if (!haveCodeServer) {
        console.log(`      [skip] ${NO_CODE_SERVER}`);
        return this.skip();
      }
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
      process.kill(launched.child.pid!, 'SIGKILL');
      await launched.exited;
      await expectAllGone(before, launched.ready.profile, 15_000);
      console.log(`      [info] ${before.length} processes, all gone ${Date.now() - t} ms after SIGKILL of the launcher`);
    });
  });
});
