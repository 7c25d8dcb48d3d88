// What a new user saw go wrong, each checked in the real editor (issue: "two commands on a fresh
// machine"): hovers that never settle, a first call reported warm, a server left running after
// Escape, proxy chatter burying results, Kill All without a question, Start/Restart wording,
// commands that threw into VS Code, a settings warning that named the wrong value.
import * as assert from 'assert';
import * as vscode from 'vscode';
import pkg from '../../../package.json';
import { statusBarMenuItems } from '../../../src/commands/statusBarMenu';
import type { McpPoolApi } from '../../../src/extension';
import { Commands } from '../../../src/manifest/commands';
import type { CallOutcome } from '../../../src/pool';
import type { PoolTreeNode } from '../../../src/views/treeNodes';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';
import { STDIO_FIXTURE } from '../../fixtures/paths';
import { sleep, uiFactsOrSkip, waitFor } from './ui';

const EXT_ID = `${pkg.publisher}.${pkg.name}`;
const trustedRun = process.env.EDITOR_TEST_TRUST !== 'untrusted';
const cfg = () => vscode.workspace.getConfiguration('mcpPool');

(trustedRun ? describe : describe.skip)('What a new user saw go wrong', function () {
  this.timeout(60_000);
  let api: McpPoolApi;
  let http: HttpFixture;

  before(async () => {
    api = await vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!.activate();
    http = await startHttpFixture();
    await cfg().update(
      'apps',
      {
        nu: { command: process.execPath, args: [STDIO_FIXTURE, '--name=nu', '--stderr-banner=nu says hello on stderr'] },
        nuremote: { url: http.url, transport: 'mcp-remote' },
      },
      vscode.ConfigurationTarget.Global,
    );
    await waitFor(() => api.pool.names().includes('nu') && api.pool.names().includes('nuremote'), 'apps configured');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('maxSize', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().length === 0, 'apps removed');
    await http?.close();
  });

  it('the tree refreshes only rows whose text changed: no whole-tree refresh while the clock ticks', async () => {
    await vscode.commands.executeCommand('mcpPool.apps.focus');
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'nu', 'echo', { text: 'activity' });
    await sleep(500); // let the refresh for the call itself pass
    const events: (PoolTreeNode | PoolTreeNode[] | undefined | void)[] = [];
    const sub = api.tree.onDidChangeTreeData((e) => events.push(e));
    try {
      await sleep(3500); // three ticks of the per-second clock, right after activity
    } finally {
      sub.dispose();
    }
    assert.ok(api.tree.view.visible, 'the view was visible, so its clock was ticking');
    assert.deepStrictEqual(events, [], `refreshes while nothing changed: ${JSON.stringify(events)}`);

    // A change of one app refreshes that row only.
    const seen: (PoolTreeNode | PoolTreeNode[] | undefined | void)[] = [];
    const sub2 = api.tree.onDidChangeTreeData((e) => seen.push(e));
    try {
      await vscode.commands.executeCommand(Commands.killApp, 'nu');
      await waitFor(() => seen.length > 0, 'a refresh after the kill');
      await sleep(300);
    } finally {
      sub2.dispose();
    }
    for (const e of seen) {
      assert.ok(Array.isArray(e), `a whole-tree refresh for one app's change: ${JSON.stringify(seen)}`);
      assert.deepStrictEqual(
        e.map((n) => n.app),
        ['nu'],
      );
    }
  });

  it('a first call that had to start the app says "cold start", even when the start happened before the call', async () => {
    await vscode.commands.executeCommand(Commands.killApp, 'nu');
    // A click on a tool row: invokeTool(app, tool) with no arguments given is the interactive path;
    // finding the tool starts the app, and `image` takes no arguments, so nothing is asked.
    const outcome = await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'nu', 'image');
    assert.ok(outcome, 'the call ran');
    assert.strictEqual(outcome.coldStart, true, 'reported warm although this invocation started the app');
    assert.ok(outcome.startMs !== undefined && outcome.startMs > 0, `start time known: ${outcome.startMs}`);
    assert.match(api.outputs.app('nu').lines.join('\n'), /image · .* · cold start \(started in /);
    const again = await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'nu', 'image');
    assert.strictEqual(again.coldStart, false);
  });

  it('Escape after the tool picker started the app stops it again', async () => {
    await vscode.commands.executeCommand(Commands.killApp, 'nu');
    // The quick pick can close by itself as it opens on a loaded box (seen in CI on both versions,
    // as with the palette in the npm start test): the invocation then ends cancelled before the
    // test pressed Escape. That attempt is waited out and the invocation opened again, up to 3 times.
    for (let attempt = 1; ; attempt++) {
      const starts = api.pool.snapshot('nu')!.starts;
      let settled = false;
      const invocation = Promise.resolve(vscode.commands.executeCommand<CallOutcome | undefined>(Commands.invokeTool, 'nu')).finally(() => (settled = true));
      await waitFor(
        () => settled || (api.pool.snapshot('nu')!.status === 'idle' && api.pool.snapshot('nu')!.starts === starts + 1),
        'the picker started the app',
      ).catch((e: Error) => {
        const { status, starts: now, lastError } = api.pool.snapshot('nu')!;
        const log = api.outputs.pool.lines.slice(-8).join(' | ');
        throw new Error(`${e.message}: status ${status}, starts ${starts} → ${now}, last error ${lastError ?? 'none'}; pool log: ${log}`);
      });
      if (settled) {
        assert.strictEqual(await invocation, undefined, 'a picker that closed by itself cancels the invocation');
        await waitFor(() => api.pool.snapshot('nu')!.status === 'stopped', 'stopped after the picker closed by itself');
        if (attempt < 3) continue;
        assert.fail('the tool picker closed by itself three times in a row');
      }
      await sleep(300);
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      assert.strictEqual(await invocation, undefined, 'cancelled');
      await waitFor(() => api.pool.snapshot('nu')!.status === 'stopped', 'stopped again after Escape');
      assert.match(api.outputs.pool.lines.join('\n'), /nu: stopped \(started for an invocation that was then cancelled\)/);
      return;
    }
  });

  it("a remote app's channel shows results at the default level; mcp-remote's chatter is at debug, a stdio server's own stderr at info", async () => {
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'nu', 'echo', { text: 'x' });
    assert.ok(api.outputs.app('nu').lines.includes('[info] [stderr] nu says hello on stderr'), JSON.stringify(api.outputs.app('nu').lines.slice(0, 5)));
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'nuremote', 'echo', { text: 'result line' });
    const lines = api.outputs.app('nuremote').lines;
    const stderr = lines.filter((l) => l.includes('[stderr]'));
    assert.ok(stderr.length >= 3, `mcp-remote printed its usual lines: ${stderr.length}`);
    assert.deepStrictEqual(
      stderr.filter((l) => !l.startsWith('[debug]')),
      [],
      'stderr above debug level',
    );
    assert.ok(
      lines.some((l) => l.startsWith('[info]') && l.includes('result line')),
      'the result is at info',
    );
  });

  it('Kill All asks first (a modal naming what it stops) and stops nothing without a yes', async () => {
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'nu', 'echo', { text: 'x' });
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'nuremote', 'echo', { text: 'x' });
    const pids = ['nu', 'nuremote'].map((a) => api.pool.snapshot(a)!.pid!);
    const before = api.outputs.pool.lines.length;
    // An extension test host refuses modal dialogs (VS Code rejects them with their contents), so
    // the question shows up as that refusal: proof that Kill All asked instead of killing.
    const result = await vscode.commands.executeCommand<string[] | undefined>(Commands.killAll);
    assert.notDeepStrictEqual(result, ['nu', 'nuremote'], 'killed without asking');
    const asked = api.outputs.pool.lines.slice(before).join('\n');
    assert.match(asked, /Stop all 2 running MCP apps\?/, asked);
    assert.deepStrictEqual(
      ['nu', 'nuremote'].map((a) => api.pool.snapshot(a)!.pid),
      pids,
      'an app was stopped without a yes',
    );
    assert.deepStrictEqual((await vscode.commands.executeCommand<string[]>(Commands.killAll, { confirm: false })).sort(), ['nu', 'nuremote']);
  });

  it('a stopped app is "Start" everywhere, a running one "Restart"; the tree lists tools sorted', async () => {
    await vscode.commands.executeCommand(Commands.killAll, { confirm: false });
    const items = statusBarMenuItems(api.pool);
    const labels = items.map((i) => i.label);
    assert.ok(
      labels.some((l) => /Start nu$/.test(l)),
      JSON.stringify(labels),
    );
    assert.ok(!labels.some((l) => /Restart nu$/.test(l)), JSON.stringify(labels));
    assert.strictEqual(items.find((i) => /Start nu$/.test(i.label))!.command, Commands.startApp);
    assert.deepStrictEqual(await vscode.commands.executeCommand(Commands.startApp, 'nu'), ['nu']);
    assert.ok(statusBarMenuItems(api.pool).some((i) => /Restart nu$/.test(i.label)));
    const row = (await api.tree.getChildren()).find((n) => n.app === 'nu')!;
    await waitFor(async () => (await api.tree.getChildren(row)).length > 5, 'tools listed');
    const names = (await api.tree.getChildren(row)).map((n) => (n.kind === 'tool' ? n.tool : ''));
    assert.deepStrictEqual(
      names,
      [...names].sort((a, b) => a.localeCompare(b)),
    );
  });

  it('a command that fails is reported, never thrown into VS Code (setup and import commands too)', async () => {
    const before = api.outputs.pool.lines.length;
    // Store Secret with a name that is not a string used to throw a TypeError into VS Code.
    const result = await vscode.commands.executeCommand(Commands.storeSecret, 42, 'value');
    assert.strictEqual(result, undefined);
    assert.ok(
      api.outputs.pool.lines.slice(before).some((l) => l.startsWith('[error]')),
      'the failure is in the pool log',
    );
    // A programmatic invocation still rejects, so its caller learns why.
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(Commands.invokeTool, 'no-such-app', 'echo', { a: 1 })), /no app named "no-such-app"/);
  });

  it('a programmatic call that fails rejects to its caller and shows the user no notification', async function () {
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand(Commands.invokeTool, 'no-such-app-2', 'echo', { a: 1 })),
      /no app named "no-such-app-2"/,
    );
    assert.ok(
      api.outputs.pool.lines.some((l) => l.startsWith('[error]') && l.includes('no-such-app-2')),
      'logged',
    );
    const facts = await uiFactsOrSkip(this, 'programmatic-failure', { notifications: true });
    const shown = facts.notificationsDetailed.map((n) => n.message);
    assert.ok(!shown.some((m) => m.includes('no-such-app-2')), `a notification for a programmatic call: ${JSON.stringify(shown)}`);
    // the one from the palette-like failure above is there: the facts do see notifications
    assert.ok(
      shown.some((m) => /secretName|trim|not a function|MCP Pool/.test(m)),
      `notifications seen: ${JSON.stringify(shown)}`,
    );
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('an invalid number setting names the value it then uses (the default, not an earlier value)', async () => {
    await cfg().update('maxSize', 3, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.settings.maxSize === 3, 'maxSize 3 applied');
    await cfg().update('maxSize', 'lots', vscode.ConfigurationTarget.Global);
    const problem = await waitFor(() => api.config.state.problems.find((p) => p.field === 'mcpPool.maxSize'), 'maxSize problem');
    assert.match(problem.message, /using 10$/);
    assert.strictEqual(api.pool.settings.maxSize, 10, 'the pool does what the warning says');
  });
});
