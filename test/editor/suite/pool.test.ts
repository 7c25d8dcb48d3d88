// The real extension inside a real VS Code: settings → pool → tree, status bar, commands, output.
// Servers are real: the SDK stdio fixture and the bundled mcp-remote → a Streamable HTTP server on 127.0.0.1.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import pkg from '../../../package.json';
import type { McpPoolApi } from '../../../src/extension';
import type { CallOutcome } from '../../../src/pool';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';
import { STDIO_FIXTURE } from '../../fixtures/paths';
import { descendantsOf, isAlive } from '../../fixtures/processTable';
import { screenshot, treeRows, statusBarItem, uiFactsOrSkip, waitFor } from './ui';

const EXT_ID = `${pkg.publisher}.${pkg.name}`;
const trustedRun = process.env.EDITOR_TEST_TRUST !== 'untrusted';
const cfg = () => vscode.workspace.getConfiguration('mcpPool');

/** Every pid the pool starts (and its children), for the harness to check after the editor is gone. */
function recordPids(api: McpPoolApi): void {
  const file = process.env.EDITOR_TEST_PIDS_FILE;
  api.pool.onEvent((e) => {
    if (e.type !== 'started' || !file || e.pid === undefined) return; // a direct app has no process
    const pid = e.pid;
    const pids = [pid, ...descendantsOf(pid)];
    fs.appendFileSync(file, `${pids.join('\n')}\n`);
    setTimeout(() => fs.appendFileSync(file, `${descendantsOf(pid).join('\n')}\n`), 1000);
  });
}

function stdioApp(extra: Record<string, unknown> = {}) {
  return { command: process.execPath, args: [STDIO_FIXTURE, '--name=editor'], ...extra };
}

/** Screenshot once a quick pick is open; returns what it showed. */
async function waitForQuickPick(name: string): Promise<unknown> {
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 250));
    const facts = await screenshot(name);
    const qp = (facts as unknown as { quickPick?: { visible?: boolean } } | undefined)?.quickPick;
    if (qp && qp.visible !== false && JSON.stringify(qp).length > 20) return qp;
  }
  throw new Error(`no quick pick for ${name}`);
}

const textOf = (o: CallOutcome) =>
  o.result.content
    .filter((c) => c.type === 'text')
    .map((c) => String(c.text))
    .join('\n');

(trustedRun ? describe : describe.skip)('MCP Pool in a real editor', function () {
  this.timeout(60_000);
  let api: McpPoolApi;
  let http: HttpFixture;

  before(async () => {
    const ext = vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!;
    api = await ext.activate();
    recordPids(api);
    http = await startHttpFixture();
  });

  after(async () => {
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
    await http?.close();
  });

  it('activates cheaply: no process is spawned, activation time is reported', () => {
    console.log(`    [measure] activate() took ${api.activationMs.toFixed(1)} ms`);
    assert.ok(api.pool.snapshots().every((s) => s.pid === undefined && s.starts === 0));
    assert.ok(api.activationMs < 2000, `activation took ${api.activationMs} ms`);
  });

  it('registers every contributed command', async () => {
    const all = await vscode.commands.getCommands(true);
    for (const c of pkg.contributes.commands) assert.ok(all.includes(c.command), `${c.command} missing`);
  });

  it('shows the welcome view with its buttons while no app is configured (screenshot welcome)', async function () {
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().length === 0, 'no apps');
    await vscode.commands.executeCommand('mcpPool.apps.focus');
    const facts = await uiFactsOrSkip(this, 'welcome');
    for (const label of ['Add App', 'Import Servers…', 'Open Settings'])
      assert.ok(facts.welcome.includes(label), `welcome lacks "${label}": ${JSON.stringify(facts.welcome)}`);
  });

  it('picks up apps from settings and shows them stopped', async () => {
    await cfg().update('apps', { files: stdioApp(), remote: { url: http.url, transport: 'mcp-remote' } }, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().length === 2, 'two apps configured');
    const rows = await waitFor(() => {
      const r = api.tree.rows();
      return r.length === 2 ? r : undefined;
    }, 'two tree rows');
    assert.deepStrictEqual(rows.map((r) => r.label).sort(), ['files', 'remote']);
    assert.ok(
      rows.every((r) => /stopped/.test(String(r.description))),
      JSON.stringify(rows),
    );
    assert.match(api.statusBar.text, /MCP 0\/2/);
  });

  it("invokes a tool on a stdio app end to end: cold then warm, result in the app's output channel", async () => {
    const first = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'files', 'echo', { text: 'hello from the palette' });
    assert.ok(first, 'no outcome');
    assert.strictEqual(first.coldStart, true);
    assert.match(textOf(first), /hello from the palette/);
    const second = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'files', 'add', { a: 40, b: 2 });
    assert.strictEqual(second.coldStart, false);
    assert.strictEqual(second.pid, first.pid);
    assert.strictEqual(textOf(second), '42');
    const lines = api.outputs.app('files').lines.join('\n');
    assert.match(lines, /echo/);
    assert.match(lines, /hello from the palette/);
    assert.match(lines, /cold start/i);
    assert.match(lines, /warm/i);
  });

  it('invokes a tool on a remote app through the bundled mcp-remote to a local HTTP server', async () => {
    const out = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'remote', 'echo', { text: 'over http' });
    assert.match(textOf(out), /over http/);
    assert.ok(http.stats().toolCalls >= 1);
    const again = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'remote', 'echo', { text: 'again' });
    assert.strictEqual(again.pid, out.pid);
    assert.strictEqual(again.coldStart, false);
  });

  it('the tree and the status bar item report both apps idle', async () => {
    const rows = await waitFor(() => {
      const r = api.tree.rows();
      return r.every((x) => /idle/.test(String(x.description))) ? r : undefined;
    }, 'both idle');
    assert.strictEqual(rows.length, 2);
    await waitFor(() => /MCP 2\/2/.test(api.statusBar.text), 'status bar 2/2');
  });

  it('the rendered tree, status bar and output show the same (screenshots sidebar, output)', async function () {
    await vscode.commands.executeCommand('mcpPool.apps.focus');
    const facts = await uiFactsOrSkip(this, 'sidebar');
    const labels = treeRows(facts).map((r) => r.label);
    assert.ok(labels.includes('files') && labels.includes('remote'), JSON.stringify(labels));
    assert.ok(statusBarItem(facts, { text: /MCP 2\/2/ }), JSON.stringify(facts.statusBar));
    await vscode.commands.executeCommand('mcpPool.showOutput', 'files');
    const out = await uiFactsOrSkip(this, 'output');
    assert.ok(
      out.outputLines.some((l) => l.includes('hello from the palette')),
      `output panel shows the result: ${JSON.stringify(out.outputLines)}`,
    );
  });

  it('tools expanded, the status bar menu, the invoke picker (screenshots tools, status-menu, invoke)', async function () {
    if (!process.env.EDITOR_TEST_SHOTS_DIR) this.skip();
    const [files] = (await api.tree.getChildren()).filter((n) => api.tree.getTreeItem(n).label === 'files');
    await api.tree.view.reveal(files, { expand: true, select: true, focus: true });
    await waitFor(async () => (await api.tree.getChildren(files)).length > 3, 'tools listed');
    const tools = await screenshot('tools');
    assert.ok(tools && treeRows(tools).some((r) => r.label === 'echo'), 'tool rows visible');
    void vscode.commands.executeCommand('mcpPool.statusBarMenu');
    const menu = await waitForQuickPick('status-menu');
    assert.ok(/Kill/.test(JSON.stringify(menu)), 'status bar menu offers kill');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    void vscode.commands.executeCommand('mcpPool.invokeTool').then(undefined, () => undefined);
    const pick = await waitForQuickPick('invoke');
    assert.ok(/files/.test(JSON.stringify(pick)) && /remote/.test(JSON.stringify(pick)), 'invoke picker lists the apps');
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('expanding an app lists its tools', async () => {
    const [files] = (await api.tree.getChildren()).filter((n) => api.tree.getTreeItem(n).label === 'files');
    const tools = await api.tree.getChildren(files);
    const names = tools.map((t) => (t.kind === 'tool' ? t.tool : t.kind));
    assert.ok(names.includes('echo') && names.includes('sleep'), names.join(','));
    const echo = api.tree.getTreeItem(tools[names.indexOf('echo')]);
    assert.strictEqual(echo.command?.command, 'mcpPool.invokeTool');
  });

  it('kill and restart from commands act on the real process', async () => {
    const pid = api.pool.snapshot('files')!.pid!;
    await vscode.commands.executeCommand('mcpPool.killApp', 'files');
    assert.strictEqual(isAlive(pid), false, 'process still running after kill');
    assert.strictEqual(api.pool.snapshot('files')!.status, 'stopped');
    await waitFor(() => /MCP 1\/2/.test(api.statusBar.text), 'status bar 1/2');
    await vscode.commands.executeCommand('mcpPool.restartApp', 'files');
    const next = api.pool.snapshot('files')!;
    assert.strictEqual(next.status, 'idle');
    assert.notStrictEqual(next.pid, pid);
  });

  it('a crash shows in the tree and as a warning on the status bar', async () => {
    const pid = api.pool.snapshot('files')!.pid!;
    process.kill(pid, 'SIGKILL');
    await waitFor(() => api.pool.snapshot('files')!.status === 'crashed', 'crashed');
    await waitFor(() => api.tree.rows().find((r) => r.label === 'files' && /crashed/.test(String(r.description))), 'crashed row');
    await waitFor(() => api.statusBar.backgroundId === 'statusBarItem.warningBackground', 'warning background');
  });

  it('the crashed app is on screen (screenshot crashed)', async function () {
    const facts = await uiFactsOrSkip(this, 'crashed');
    const row = treeRows(facts).find((r) => r.label === 'files');
    assert.ok(row, `crashed row visible: ${JSON.stringify(treeRows(facts))}`);
    assert.match(row.description, /crashed/, JSON.stringify(row));
  });

  it('after a crash, the next call recovers with a cold start', async () => {
    const out = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'files', 'echo', { text: 'back' });
    assert.strictEqual(out.coldStart, true);
    assert.ok(api.pool.snapshot('files')!.status === 'idle');
  });

  it('a settings change restarts only the app whose definition changed', async () => {
    const filesPid = api.pool.snapshot('files')!.pid!;
    const remotePid = api.pool.snapshot('remote')!.pid!;
    await cfg().update(
      'apps',
      { files: stdioApp({ env: { CHANGED: '1' } }), remote: { url: http.url, transport: 'mcp-remote' } },
      vscode.ConfigurationTarget.Global,
    );
    await waitFor(() => api.pool.snapshot('files')!.status === 'stopped', 'files stopped by the change');
    assert.strictEqual(isAlive(filesPid), false);
    assert.strictEqual(api.pool.snapshot('remote')!.pid, remotePid, 'remote kept its process');
    assert.ok(isAlive(remotePid));
  });

  it('bad settings give a clear message naming the app and field, and the other apps keep working', async () => {
    await cfg().update(
      'apps',
      { files: stdioApp(), remote: { url: http.url, transport: 'mcp-remote' }, broken: { url: 'ftp://nope' } },
      vscode.ConfigurationTarget.Global,
    );
    await waitFor(() => api.config.state.problems.some((p) => p.app === 'broken'), 'problem reported');
    const p = api.config.state.problems.find((x) => x.app === 'broken')!;
    assert.strictEqual(p.field, 'url');
    assert.match(p.message, /scheme "ftp:" is not supported/);
    assert.ok(api.tree.rows().some((r) => r.label === 'broken' && r.contextValue === 'app.invalid'));
    const out = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'remote', 'add', { a: 1, b: 1 });
    assert.strictEqual(textOf(out), '2');
  });

  it('secrets from SecretStorage reach the server as headers and never appear in any output', async () => {
    const token = 'tok-editor-suite-0123456789abcdef';
    await vscode.commands.executeCommand('mcpPool.storeSecret', 'suite-token', token);
    await cfg().update(
      'apps',
      { files: stdioApp(), remote: { url: http.url, transport: 'mcp-remote', headers: { Authorization: 'Bearer ${secret:suite-token}' } } },
      vscode.ConfigurationTarget.Global,
    );
    await waitFor(
      () => api.pool.spec('remote')?.kind === 'remote' && Object.keys((api.pool.spec('remote') as { headers: object }).headers).length === 1,
      'header applied',
    );
    await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'remote', 'echo', { text: `token is ${token}` });
    assert.strictEqual(http.stats().lastAuthorization, `Bearer ${token}`);
    const everything = [api.outputs.pool.lines, api.outputs.app('remote').lines, api.outputs.app('files').lines].flat().join('\n');
    assert.ok(everything.length > 0);
    assert.ok(!everything.includes(token), 'token leaked into an output channel');
  });

  it('imports servers from a Claude Desktop config end to end', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-'));
    const file = path.join(dir, 'claude_desktop_config.json');
    fs.writeFileSync(
      file,
      JSON.stringify({
        mcpServers: { imported: { command: 'npx', args: ['-y', 'mcp-remote', http.url] }, other: { command: process.execPath, args: [STDIO_FIXTURE] } },
      }),
    );
    const result = await vscode.commands.executeCommand<{ imported: string[] }>('mcpPool.importServers', {
      sources: [{ path: file, format: 'claude', scope: 'user' }],
      only: true,
      choose: ['imported'],
      target: 'user',
    });
    assert.deepStrictEqual(result.imported, ['imported']);
    const apps = cfg().inspect<Record<string, { url?: string }>>('apps')!.globalValue!;
    assert.strictEqual(apps.imported.url, http.url, 'npx mcp-remote <url> became a remote app');
    assert.strictEqual(apps.other, undefined, 'only the chosen server was written');
    await waitFor(() => api.pool.names().includes('imported'), 'imported app in the pool');
    const out = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'imported', 'echo', { text: 'imported works' });
    assert.match(textOf(out), /imported works/);
  });

  it('kill all leaves no process of the pool running', async () => {
    const pids = api.pool
      .snapshots()
      .map((s) => s.pid)
      .filter((p): p is number => p !== undefined);
    assert.ok(pids.length >= 1);
    const tree = pids.flatMap((p) => [p, ...descendantsOf(p)]);
    await vscode.commands.executeCommand('mcpPool.killAll', { confirm: false });
    for (const p of tree) assert.strictEqual(isAlive(p), false, `pid ${p} alive after kill all`);
    await waitFor(() => /MCP 0\//.test(api.statusBar.text), 'status bar 0/N');
  });

  it('leaves a warm app running for the harness to check that deactivate() stops it', async () => {
    await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'files', 'spawn_child', {});
    assert.ok(api.pool.snapshot('files')!.pid);
  });
});

(trustedRun ? describe.skip : describe)('MCP Pool in an untrusted workspace', function () {
  this.timeout(30_000);
  it('never starts apps defined in workspace settings, and says why (screenshot untrusted)', async function () {
    assert.strictEqual(vscode.workspace.isTrusted, false);
    const api = await vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!.activate();
    recordPids(api);
    await cfg().update('apps', { sneaky: stdioApp() }, vscode.ConfigurationTarget.Workspace);
    await waitFor(() => api.config.state.blocked.includes('sneaky'), 'sneaky blocked');
    assert.deepStrictEqual(api.pool.names(), []);
    const row = api.tree.rows().find((r) => r.label === 'sneaky');
    assert.ok(row && row.contextValue === 'app.blocked', JSON.stringify(api.tree.rows()));
    await assert.rejects(Promise.resolve(api.pool.callTool('sneaky', 'echo', {})), /no app named "sneaky"/);
    await vscode.commands.executeCommand('mcpPool.apps.focus');
    const facts = await uiFactsOrSkip(this, 'untrusted');
    const shown = treeRows(facts).find((r) => r.label === 'sneaky');
    assert.ok(shown, `the blocked app is listed on screen: ${JSON.stringify(treeRows(facts))}`);
    assert.ok(
      api.pool.snapshots().every((s) => s.starts === 0),
      '0 processes spawned',
    );
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Workspace);
  });

  it("does not let workspace settings choose how the user's remote apps run (mcpPool.remoteTransport)", async () => {
    const api = await vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!.activate();
    await cfg().update('remoteTransport', 'mcp-remote', vscode.ConfigurationTarget.Workspace);
    await cfg().update('apps', { userremote: { url: 'http://127.0.0.1:9/mcp' } }, vscode.ConfigurationTarget.Global);
    try {
      const spec = await waitFor(() => api.pool.spec('userremote'), 'the user app configured');
      assert.strictEqual(spec.kind, 'remote');
      assert.strictEqual(spec.kind === 'remote' && spec.transport, 'direct', 'the workspace value ("mcp-remote") is ignored while untrusted');
      assert.strictEqual(api.pool.snapshot('userremote')!.starts, 0);
    } finally {
      await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
      await cfg().update('remoteTransport', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
