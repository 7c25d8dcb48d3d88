// `npm start -- --desktop` (test/demo/start.mjs): the demo in the user's own VS Code, with a fake `code` on
// PATH that records what it was asked to open: a new window with a throw-away profile and this checkout as
// the extension under development; closing it or SIGTERM ends the demo and leaves nothing behind; without
// `code` on PATH the launcher says what is missing; the browser editor stays the default, with a hint.
// Needs neither code-server nor Chromium. Run with: npm run test:start. The browser editor is in startBrowser.test.ts.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT } from '../fixtures/paths';
import { isAlive, listProcesses, waitUntil } from '../fixtures/processTable';
import { describeProcs, expectAllGone, launch, processesOfLauncher, runStart } from './startKit';

describe('npm start (test/demo/start.mjs)', function () {
  this.timeout(120_000);

  describe("--desktop: the demo in the user's own VS Code (a fake `code` on PATH)", function () {
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
      fs.writeFileSync(
        path.join(bin, 'code'),
        [
          '#!/bin/sh',
          `printf '%s\\n' "$@" > '${record}.args'`,
          `printf '%s\\n' "$MCP_POOL_DEMO_RUN" > '${record}.mark'`,
          `setsid sleep 300 & echo $! > '${record}.electron'`, // inherits the environment, so the mark
          'if [ -n "$FAKE_CODE_CLOSE_AFTER" ]; then sleep "$FAKE_CODE_CLOSE_AFTER"; kill $(cat ' + `'${record}.electron'` + '); exit 0; fi',
          'exec sleep 300',
          '',
        ].join('\n'),
        { mode: 0o755 },
      );
    });
    after(() => fs.rmSync(bin, { recursive: true, force: true }));
    afterEach(() => {
      for (const f of ['args', 'mark', 'electron']) fs.rmSync(`${record}.${f}`, { force: true });
    });

    const withFakeCode = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      ...extra,
    });
    const recorded = async () =>
      waitUntil(() => fs.existsSync(`${record}.electron`) && fs.readFileSync(`${record}.args`, 'utf8').trim().split('\n'), 10_000, 'the fake code to run');

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
        assert.deepEqual(Object.keys(settings['mcpPool.apps']).sort(), ['demo-notes', 'demo-remote', 'demo-remote-proxy']);
        const user = JSON.parse(fs.readFileSync(path.join(ready.userDataDir, 'User/settings.json'), 'utf8')) as Record<string, unknown>;
        assert.equal(user['telemetry.telemetryLevel'], 'off');
        assert.equal(fs.readFileSync(`${record}.mark`, 'utf8').trim(), ready.profile, "the editor carries the run's mark");
        // the banner goes to stderr, which may arrive after the ready line on stdout
        await waitUntil(() => /Closing that window or Ctrl\+C here stops everything/.test(l.stderr()), 5000, 'the desktop banner');
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
        try {
          process.kill(-l.child.pid!, 'SIGKILL');
        } catch {
          /* gone */
        }
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
