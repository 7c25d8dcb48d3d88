// `npm start` (test/demo/start.mjs) end to end, in the browser editor (the default): the launcher refuses
// bad options, prints a working URL, the demo apps it defines answer tool calls (straight through the pool,
// and through the workbench in headless Chromium), and Ctrl+C / SIGTERM, or even SIGKILL of the launcher,
// leaves no process behind. The desktop editor (--desktop) is in startDesktop.test.ts.
//
// Needs code-server (npm start installs it, or npm run test:editor:setup) and Chromium (/usr/bin/chromium
// or CHROMIUM_BIN); without them the tests that need them skip, saying so. Run with: npm run test:start.
// TEST_START_VIA_NPM=1: launch the demo with `npm start -- --json` (builds, and installs code-server when it
// is missing) instead of `node test/demo/start.mjs --json`; TEST_START_EXPECT_INSTALL=1: the cache is
// empty, so that npm start must install code-server itself (what .ci/run does first on a clean clone).
// Screenshots: test/editor/shots/start-demo.png (the MCP Pool view) and start-demo-invoke.png.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { bundledLauncher, parseAppDefinitions, Pool, type AppSpec } from '../../src/pool';
import { BUNDLED_MCP_REMOTE, REAPER_SCRIPT, REPO_ROOT } from '../fixtures/paths';
import { waitUntil } from '../fixtures/processTable';
import {
  CODE_SERVER,
  describeProcs,
  EXPECT_INSTALL,
  expectAllGone,
  FLOOR,
  FLOOR_CODE_SERVER,
  NEWEST,
  haveCodeServer,
  launch,
  type Launched,
  NO_CODE_SERVER,
  processesOfLauncher,
  runStart,
  VIA_NPM,
} from './startKit';
import { CHROMIUM, haveChromium, invokeFromPalette, listVsCodeMcpServers, openWorkbench, reportFailure, screenshot, showPoolView } from './startWorkbench';

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
        try {
          process.kill(-l.child.pid!, 'SIGTERM');
        } catch {
          /* gone */
        }
        await Promise.race([l.exited, new Promise((r) => setTimeout(r, 10_000))]);
        for (const p of processesOfLauncher(l))
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
      }
    });

    it(
      EXPECT_INSTALL
        ? 'npm start installed code-server itself, saying what and how long'
        : "used the installed code-server (the newest version, npm start's default)",
      () => {
        const err = l!.stderr();
        if (EXPECT_INSTALL) {
          assert.ok(VIA_NPM, 'TEST_START_EXPECT_INSTALL needs TEST_START_VIA_NPM');
          assert.equal(installedBefore, false, `TEST_START_EXPECT_INSTALL: ${CODE_SERVER} existed before npm start`);
          assert.match(err, new RegExp(`code-server ${NEWEST.codeServer.replace(/\./g, '\\.')} \\(VS Code .*\\) is not installed yet: installing it once`));
          assert.match(err, /\[setup \+\d+s\] (apt: |code-server )/);
          assert.match(
            err,
            new RegExp(`installed code-server ${NEWEST.codeServer.replace(/\./g, '\\.')} \\(VS Code ${NEWEST.vscode.replace(/\./g, '\\.')}\\) in \\d+\\.\\ds`),
          );
          assert.doesNotMatch(err, /chromium/i, 'npm start must not install Chromium');
        } else {
          assert.doesNotMatch(err, /not installed yet/);
        }
        assert.ok(fs.existsSync(CODE_SERVER), `${CODE_SERVER} after npm start`);
        assert.equal(l!.ready.editor, 'browser');
        assert.equal(l!.ready.vscode, NEWEST.vscode);
      },
    );

    it('prints a URL on 127.0.0.1 that serves code-server and the workbench; the extension is the packaged .vsix, installed, and the banner says so', async () => {
      const { ready } = l!;
      const url = new URL(ready.url);
      assert.equal(url.hostname, '127.0.0.1');
      assert.equal(Number(url.port), ready.port);
      assert.equal(url.searchParams.get('folder'), ready.workspace);
      // the newest VS Code ignores an extension under development from the URL (outside its test-driver mode):
      // the packaged extension is installed into the throw-away profile instead
      assert.equal(url.searchParams.get('payload'), null);
      assert.equal(ready.extension, 'vsix');
      const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { publisher: string; name: string; version: string };
      assert.ok(
        fs.existsSync(path.join(ready.profile, 'extensions', `${pkg.publisher}.${pkg.name}-${pkg.version}`, 'package.json')),
        'installed into the profile',
      );
      const health = await fetch(`http://127.0.0.1:${ready.port}/healthz`);
      assert.equal(health.status, 200);
      const workbench = await fetch(ready.url);
      assert.equal(workbench.status, 200);
      assert.match(await workbench.text(), /workbench/i);
      // the banner on stderr names what to try, the trust setting, and Ctrl+C
      const banner = l!.stderr();
      assert.ok(banner.includes(`Open:  ${ready.url}`), banner);
      assert.ok(
        banner.includes(
          `VS Code ${NEWEST.vscode} in the browser with the extension installed from mcp-remote-pool.vsix (packaged from this checkout just now)`,
        ),
        banner,
      );
      for (const s of ['--disable-workspace-trust', 'MCP Pool: Invoke Tool', 'demo-notes', 'demo-remote', 'search_notes', 'Ctrl+C'])
        assert.ok(banner.includes(s), `banner lacks ${s}`);
      // the throw-away profile: a fresh temp copy of the demo workspace
      assert.ok(ready.profile.startsWith(os.tmpdir()), ready.profile);
      assert.ok(ready.workspace.startsWith(ready.profile));
      assert.ok(fs.existsSync(path.join(ready.workspace, 'README.md')));
    });

    it('the generated workspace settings define demo-notes, demo-remote and demo-remote-proxy, the demo servers (not the test fixtures), and each answers (no browser)', async () => {
      const { ready } = l!;
      const settings = JSON.parse(fs.readFileSync(ready.settingsFile, 'utf8')) as Record<string, unknown>;
      const { specs, problems } = parseAppDefinitions(settings['mcpPool.apps']);
      assert.deepEqual(problems, []);
      assert.deepEqual(specs.map((s) => s.name).sort(), ['demo-notes', 'demo-remote', 'demo-remote-proxy']);
      const transport = (name: string) => (specs.find((s) => s.name === name) as { transport?: string } | undefined)?.transport;
      const raw = settings['mcpPool.apps'] as Record<string, Record<string, unknown>>;
      assert.equal(raw['demo-remote'].transport, undefined, 'demo-remote uses the default transport');
      assert.equal(transport('demo-remote'), 'direct', 'the default transport reaches it directly');
      assert.equal(transport('demo-remote-proxy'), 'mcp-remote');
      for (const name of ['demo-remote', 'demo-remote-proxy']) {
        const remote = specs.find((s) => s.name === name);
        assert.equal(remote?.kind === 'remote' && remote.url, ready.mcpUrl);
      }
      const notes = specs.find((s) => s.name === 'demo-notes');
      assert.ok(notes?.kind === 'stdio' && notes.args.some((a) => a.endsWith('out/test/demo/servers/notes.js')), JSON.stringify(notes));
      // mcp-remote's token cache goes to the demo's temporary HOME, not ours
      const home = path.join(ready.profile, 'home');
      const pool = new Pool({
        launcher: bundledLauncher(BUNDLED_MCP_REMOTE),
        reaperScript: REAPER_SCRIPT,
        settings: { stopGraceMs: 1000, startTimeoutMs: 20_000 },
      });
      try {
        await pool.configure(specs.map((s): AppSpec => ({ ...s, env: { ...s.env, HOME: home } })));
        // a product's tools, not the fixtures' (echo, crash, flood_stderr…)
        const toolNames = async (app: string) => (await pool.listTools(app)).map((t) => t.name).sort();
        assert.deepEqual(await toolNames('demo-notes'), ['add_note', 'list_notes', 'search_notes']);
        assert.deepEqual(await toolNames('demo-remote'), ['add_task', 'complete_task', 'list_tasks']);
        const found = await pool.callTool('demo-notes', 'search_notes', { query: 'vsix' });
        assert.equal(found.result.isError ?? false, false);
        assert.deepEqual(
          (found.result.structuredContent as { notes: { title: string }[] }).notes.map((n) => n.title),
          ['Release checklist'],
        );
        for (const app of ['demo-remote', 'demo-remote-proxy']) {
          const out = await pool.callTool(app, 'list_tasks', { status: 'open' });
          assert.equal(out.result.isError ?? false, false);
          assert.equal((out.result.structuredContent as { tasks: unknown[] }).tasks.length, 3, app);
        }
      } finally {
        await pool.shutdown();
        pool.dispose();
      }
    });

    it('in the browser: the MCP Pool view lists the three demo apps (screenshot start-demo)', async function () {
      if (!haveChromium) {
        console.log(`      [skip] no Chromium at ${CHROMIUM} (set CHROMIUM_BIN)`);
        return this.skip();
      }
      browserHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-pool-demo-browser-'));
      const opened = await openWorkbench(l!.ready.url, browserHome);
      ({ browser, page } = opened);
      // the workspace README (what to try) opened as the start editor
      assert.deepEqual(opened.startTabs, ['[Preview] README.md']);
      const labels = await showPoolView(page);
      console.log(`      [info] tree: ${JSON.stringify(labels)}`);
      await screenshot(page, 'start-demo');
      const status = await page.locator('.part.statusbar .statusbar-item[id$="mcpPool.status"]').innerText();
      assert.match(status, /MCP \d\/3/);
    });

    it('in the browser: F1 → MCP Pool: Invoke Tool… on demo-notes, demo-remote and demo-remote-proxy, shows the result in the output', async function () {
      if (!page) return this.skip();
      await invokeFromPalette(page, 'demo-notes', 'search_notes', 'standup', '2. Standup');
      await invokeFromPalette(page, 'demo-remote', 'complete_task', '1', 'Done: [x] 1. Review the pool eviction PR');
      await invokeFromPalette(page, 'demo-remote-proxy', 'complete_task', '2', 'Done: [x] 2. Write the 0.2.0 release notes');
      invoked = true;
      await showPoolView(page);
      await screenshot(page, 'start-demo-invoke');
      const status = await page.locator('.part.statusbar .statusbar-item[id$="mcpPool.status"]').innerText();
      assert.match(status, /MCP 3\/3/);
    });

    it("in the browser: VS Code's own MCP lists the pooled apps (F1 → MCP: List Servers)", async function () {
      if (!page) return this.skip();
      // the rows of this extension's provider (its collection label, package.json mcpServerDefinitionProviders)
      const rows = await listVsCodeMcpServers(page, ['demo-notes', 'demo-remote', 'demo-remote-proxy'], 'MCP Remote Pool');
      assert.deepEqual(rows, ['demo-notes', 'demo-remote', 'demo-remote-proxy']);
    });

    it('SIGTERM stops everything: code-server, its extension host, every pool process, the HTTP server; the profile is deleted', async () => {
      const launched = l!;
      const before = processesOfLauncher(launched);
      const cmds = before.map((p) => p.cmdline);
      console.log(`      [info] ${before.length} processes before SIGTERM`);
      assert.ok(
        cmds.some((c) => c.includes('code-server/out/node/entry.js')),
        describeProcs(before),
      );
      assert.ok(
        cmds.some((c) => c.includes('out/test/demo/servers/tasks-http.js')),
        describeProcs(before),
      );
      if (invoked) {
        // started by the extension host for the browser session
        assert.ok(
          cmds.some((c) => c.includes('out/test/demo/servers/notes.js')),
          describeProcs(before),
        );
        assert.ok(
          cmds.some((c) => c.includes('dist/mcp-remote/proxy.mjs') && c.includes(launched.ready.mcpUrl)),
          describeProcs(before),
        );
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
        for (const p of processesOfLauncher(l))
          try {
            process.kill(p.pid, 'SIGKILL');
          } catch {
            /* gone */
          }
        fs.rmSync(l.ready.profile, { recursive: true, force: true }); // nobody else can: the launcher was killed
      }
    });

    it('the reapers end code-server, the extension host, the pool processes and the HTTP server within seconds', async function () {
      const launched = l!;
      if (haveChromium) {
        browserHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mcp-pool-demo-browser-'));
        ({ browser, page } = await openWorkbench(launched.ready.url, browserHome));
        await invokeFromPalette(page, 'demo-remote-proxy', 'complete_task', '3', 'Done: [x] 3. Try the demo on the newest VS Code');
      }
      const before = processesOfLauncher(launched);
      if (haveChromium)
        assert.ok(
          before.some((p) => p.cmdline.includes('dist/mcp-remote/proxy.mjs')),
          describeProcs(before),
        );
      const t = Date.now();
      process.kill(launched.ready.pid, 'SIGKILL'); // start.mjs (with npm start, npm then exits too)
      await launched.exited;
      await expectAllGone(before, launched.ready.profile, 15_000);
      console.log(`      [info] ${before.length} processes, all gone ${Date.now() - t} ms after SIGKILL of the launcher`);
    });
  });

  describe('--vscode floor', function () {
    it('runs VS Code 1.99 (the floor) with this checkout as the extension under development, and says so', async function () {
      if (!fs.existsSync(FLOOR_CODE_SERVER)) {
        console.log(`      [skip] the floor code-server is not installed (${FLOOR_CODE_SERVER}): npm run test:editor:setup`);
        return this.skip();
      }
      this.timeout(3 * 60_000);
      const l = await launch(['--vscode', 'floor']);
      try {
        const { ready } = l;
        assert.equal(ready.vscode, FLOOR.vscode);
        assert.equal(ready.extension, 'development');
        const payload = new Map(JSON.parse(new URL(ready.url).searchParams.get('payload')!) as [string, string][]);
        assert.equal(payload.get('extensionDevelopmentPath'), `vscode-remote://127.0.0.1:${ready.port}${REPO_ROOT}`);
        await waitUntil(() => /Ctrl\+C stops everything/.test(l.stderr()), 5000, 'the banner');
        assert.ok(
          l.stderr().includes(`VS Code ${FLOOR.vscode} in the browser with the extension from this checkout (as the extension under development)`),
          l.stderr(),
        );
        assert.doesNotMatch(l.stderr(), /packaged|mcp-remote-pool\.vsix/);
      } finally {
        const before = processesOfLauncher(l);
        process.kill(l.ready.pid, 'SIGTERM');
        await l.exited;
        await expectAllGone(before, l.ready.profile, 10_000);
      }
    });

    it('refuses --vscode with another value, and with --desktop', async () => {
      let r = await runStart(['--vscode', '1.2.3']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--vscode must be newest or floor, got 1\.2\.3/);
      r = await runStart(['--desktop', '--vscode', 'floor']);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, /--port, --host and --vscode are for the browser editor/);
    });
  });
});
