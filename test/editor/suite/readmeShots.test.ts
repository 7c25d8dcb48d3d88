// The README's screenshots, taken from a realistic session with the demo apps `npm start` sets up
// (test/demo/start.mjs): `demo-notes` (stdio, out/test/demo/servers/notes.js), `demo-remote` (the tasks
// server over Streamable HTTP, reached directly) and `demo-remote-proxy` (the same through mcp-remote).
// Each shot is also an assertion of what it is for: the rows, picks, output lines and terminal text that
// show the demo apps, their tools and the results. One producer per README image (CONTRIBUTING.md).
import * as assert from 'assert';
import { spawn, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pkg from '../../../package.json';
import type { McpPoolApi } from '../../../src/extension';
import { mcpPath } from '../../../src/contract/protocol';
import { Commands } from '../../../src/manifest/commands';
import type { CallOutcome, PromptResult } from '../../../src/pool';
import type { OpenedResource } from '../../../src/views/resourceDocuments';
import type { GroupNode, PoolTreeNode } from '../../../src/views/treeNodes';
import { REPO_ROOT } from '../../fixtures/paths';
import { screenshot, sleep, statusBarItem, treeRows, underHarness, waitFor, waitForUi, type UiFacts } from './ui';

const EXT_ID = `${pkg.publisher}.${pkg.name}`;
const trustedRun = process.env.EDITOR_TEST_TRUST !== 'untrusted';
const cfg = () => vscode.workspace.getConfiguration('mcpPool');
const NOTES_SERVER = path.join(REPO_ROOT, 'out/test/demo/servers/notes.js');
const TASKS_SERVER = path.join(REPO_ROOT, 'out/test/demo/servers/tasks-http.js');
const APPS = ['demo-notes', 'demo-remote', 'demo-remote-proxy'];

const textOf = (o: CallOutcome | undefined) =>
  (o?.result.content ?? [])
    .filter((c) => c.type === 'text')
    .map((c) => String(c.text))
    .join('\n');

/**
 * Starts the demo's tasks server on 127.0.0.1 as npm start does; resolves with its MCP URL.
 * `started` gets the process at once, so that it is stopped even if it never says where it listens.
 */
function startTasksServer(started: (child: ChildProcess) => void): Promise<string> {
  const child = spawn(process.execPath, [TASKS_SERVER, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  started(child);
  if (process.env.EDITOR_TEST_PIDS_FILE && child.pid) fs.appendFileSync(process.env.EDITOR_TEST_PIDS_FILE, `${child.pid}\n`);
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      try {
        resolve((JSON.parse(out.slice(0, nl)) as { url: string }).url);
      } catch {
        reject(new Error(`tasks-http.js said something else than where it listens: ${out.slice(0, nl)}`));
      }
    });
    child.on('exit', (code, signal) => reject(new Error(`tasks-http.js exited (${code ?? signal}) before listening: ${err}`)));
  });
}

function stopProcess(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

(trustedRun ? describe : describe.skip)('README screenshots from the demo apps', function () {
  this.timeout(60_000);
  let api: McpPoolApi;
  const tasks: { child?: ChildProcess; url: string } = { url: '' };
  let authDir: string;
  const clients: Client[] = [];
  const terminals: vscode.Terminal[] = [];

  const appNode = async (app: string): Promise<PoolTreeNode> => (await api.tree.getChildren()).find((n) => n.kind === 'app' && n.app === app)!;
  const group = async (app: string, name: GroupNode['group']): Promise<GroupNode> =>
    (await api.tree.getChildren(await appNode(app))).find((n): n is GroupNode => n.kind === 'group' && n.group === name)!;
  const expand = async (node: PoolTreeNode, expand: boolean | number = true) => api.tree.view.reveal(node, { expand, select: false, focus: false });
  const collapseAll = async () => {
    await vscode.commands.executeCommand('mcpPool.apps.focus');
    await vscode.commands.executeCommand('list.collapseAll');
  };
  const rowLabels = (facts: UiFacts) => treeRows(facts).map((r) => r.label);
  /** The panel (or the side bar) a few steps taller (wider) for one picture, and back to its size. */
  const resizePanel = async (how: 'increase' | 'decrease') => {
    await vscode.commands.executeCommand('workbench.action.terminal.focus');
    for (let i = 0; i < 3; i++) await vscode.commands.executeCommand(`workbench.action.${how}ViewSize`);
  };
  // (the side bar is widened by narrowing the editor part: resizing the focused side bar was not reliable)
  const widenSideBar = async (wider: boolean) => {
    await vscode.commands.executeCommand('workbench.action.focusActiveEditorGroup');
    for (let i = 0; i < 3; i++) await vscode.commands.executeCommand(`workbench.action.${wider ? 'decrease' : 'increase'}ViewWidth`);
  };
  let widened = false;

  before(async function () {
    if (!underHarness()) {
      console.log('    [skip] README screenshots: need the screenshots and UI facts only test/editor/run.mjs provides');
      return this.skip();
    }
    api = await vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!.activate();
    tasks.url = await startTasksServer((child) => (tasks.child = child));
    authDir = fs.mkdtempSync(path.join(os.tmpdir(), 'demo-mcp-auth-'));
    await cfg().update(
      'apps',
      {
        'demo-notes': { command: process.execPath, args: [NOTES_SERVER], description: 'a notebook: add, list and search notes' },
        'demo-remote': { url: tasks.url, description: 'a task list on a remote MCP server, reached directly: no process' },
        'demo-remote-proxy': {
          url: tasks.url,
          transport: 'mcp-remote',
          env: { MCP_REMOTE_CONFIG_DIR: authDir },
          description: 'the same task list through the bundled mcp-remote',
        },
      },
      vscode.ConfigurationTarget.Global,
    );
    await waitFor(() => APPS.every((a) => api.pool.names().includes(a)), 'the demo apps in the pool');
    // a clean window: what earlier suites left on screen is not part of the picture
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('mcpPool.apps.focus');
    await widenSideBar(true); // room for the rows' descriptions; narrowed again in after()
    widened = true;
  });

  after(async () => {
    // each step whatever the others did: the server stopped and the folder removed last, always
    const steps: (() => unknown)[] = [
      () => vscode.commands.executeCommand('workbench.action.closeQuickOpen'),
      () => vscode.commands.executeCommand('workbench.action.closeAllEditors'),
      () => terminals.length && resizePanel('decrease'), // while the terminal is there: focusing none would open one
      () => terminals.forEach((t) => t.dispose()),
      () => Promise.all(clients.map((c) => c.close().catch(() => undefined))),
      () => api && cfg().update('apps', undefined, vscode.ConfigurationTarget.Global),
      () => api && waitFor(() => api.pool.names().length === 0, 'the demo apps removed'),
      () => vscode.commands.executeCommand('workbench.action.closePanel'),
      () => widened && widenSideBar(false),
    ];
    const failures: unknown[] = [];
    try {
      for (const step of steps) await (async () => step())().catch((e: unknown) => failures.push(e));
    } finally {
      await stopProcess(tasks.child);
      if (authDir) fs.rmSync(authDir, { recursive: true, force: true });
    }
    if (failures.length) throw failures[0];
  });

  it('Invoke Tool from the palette: pick demo-notes, then search_notes, type the query; the result in its channel (screenshot readme-invoke)', async () => {
    const invoking = Promise.resolve(vscode.commands.executeCommand<CallOutcome | undefined>(Commands.invokeTool));
    const apps = await waitForUi('invoke-apps', (f) => (f.quickPick?.title === 'MCP Pool: Invoke Tool' ? f.quickPick : undefined), 'the app picker');
    for (const a of APPS)
      assert.ok(
        apps.items.some((i) => i.endsWith(a)),
        `the app picker lists ${a}: ${JSON.stringify(apps.items)}`,
      );
    await screenshot('invoke-apps-typed', { keys: { type: 'notes' } });
    await waitForUi('invoke-apps-filtered', (f) => f.quickPick?.items[0]?.endsWith('demo-notes'), 'demo-notes first');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    const toolsPick = await waitForUi(
      'readme-invoke',
      (f) => (['add_note', 'list_notes', 'search_notes'].every((t) => f.quickPick?.items.some((i) => i.startsWith(t))) ? f.quickPick : undefined),
      "demo-notes' tools in the picker",
    );
    assert.ok(
      toolsPick.rows.some((r) => /Finds the notes/.test(r.description + r.detail)),
      `each tool with its description: ${JSON.stringify(toolsPick.rows)}`,
    );
    await screenshot('invoke-tools-typed', { keys: { type: 'search' } });
    await waitForUi('invoke-tools-filtered', (f) => f.quickPick?.items[0]?.startsWith('search_notes'), 'search_notes first');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await waitForUi('invoke-argument', (f) => f.quickPick?.title.includes('demo-notes › search_notes'), 'the query asked');
    await screenshot('invoke-argument-typed', { keys: { type: 'release', press: ['Enter'] } });
    const out = await invoking;
    assert.match(textOf(out), /1\. Release checklist/);
  });

  it('tasks added and listed on the remote app; its tools in the sidebar, the call in its channel (screenshot readme-tools)', async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const [title, due] of [
      ['Ship the 0.2 release notes', '2026-12-09'],
      ['Review PR #87', '2026-12-08'],
    ])
      assert.match(textOf(await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'demo-remote', 'add_task', { title, due })), /Added \[ \]/);
    // the same server through mcp-remote sees them
    const open = await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'demo-remote-proxy', 'list_tasks', { status: 'open' });
    assert.match(textOf(open), /Review PR #87/);
    assert.ok(open.pid, 'demo-remote-proxy runs as a process (mcp-remote)');
    const done = await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'demo-remote', 'complete_task', { id: 1 });
    assert.match(textOf(done), /Done: \[x\] 1\. Review the pool eviction PR/);
    await collapseAll();
    await expand(await group('demo-remote', 'tools'));
    await vscode.commands.executeCommand(Commands.showOutput, 'demo-remote');
    const facts = await waitForUi(
      'readme-tools',
      (f) => (f.outputLines.some((l) => l.includes('Done: [x] 1.')) && rowLabels(f).includes('complete_task') ? f : undefined),
      "demo-remote's tools and the list in its channel",
    );
    const labels = rowLabels(facts);
    for (const t of [...APPS, 'list_tasks', 'add_task', 'complete_task']) assert.ok(labels.includes(t), `${t} on screen: ${JSON.stringify(labels)}`);
    assert.ok(!labels.some((l) => /echo|crash|fixture/.test(l)), `only the demo on screen: ${JSON.stringify(labels)}`);
    assert.strictEqual(facts.outputChannel, 'MCP Pool: demo-remote');
    assert.ok(statusBarItem(facts, { text: /MCP 3\/3/ }), JSON.stringify(facts.statusBar));
  });

  it("the notes' and the task board's resources and prompts: tasks://board open as a document, plan_my_day's messages in the output (screenshot readme-features)", async () => {
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'demo-notes', 'add_note', {
      title: 'Ship the 0.2 release notes',
      text: 'Highlights: the gateway, direct HTTP apps, VS Code’s own MCP lists the pooled apps.',
    });
    await collapseAll();
    for (const app of ['demo-notes', 'demo-remote']) {
      await expand(await appNode(app));
      for (const g of ['resources', 'prompts'] as const) await expand(await group(app, g));
    }
    const opened = await vscode.commands.executeCommand<OpenedResource>(Commands.openResource, 'demo-remote', 'tasks://board');
    assert.strictEqual(opened.kind, 'document');
    const board = vscode.workspace.textDocuments.find((d) => opened.kind === 'document' && d.uri.toString() === opened.uri);
    assert.match(board?.getText() ?? '', /- \[ \] \d+\. Review PR #87/);
    const plan = await vscode.commands.executeCommand<PromptResult>(Commands.getPrompt, 'demo-remote', 'plan_my_day', { hours: '4' });
    assert.match(JSON.stringify(plan.messages), /I have 4 hours today/);
    await vscode.commands.executeCommand(Commands.showOutput, 'demo-remote');
    await sleep(2000); // the tree's progress bar gone
    const facts = await waitForUi(
      'readme-features',
      (f) =>
        f.outputLines.some((l) => l.includes('Ship the 0.2 release notes')) &&
        rowLabels(f).includes('plan_my_day') &&
        !f.statusBar.some((t) => /Activating/.test(t))
          ? f
          : undefined,
      'the prompt in the output, the groups in the tree',
      { settleMs: 1500 },
    );
    const labels = rowLabels(facts);
    for (const l of ['Resources', 'Prompts', 'Release checklist', 'Ship the 0.2 release notes', 'summarize_notes', 'plan_my_day'])
      assert.ok(labels.includes(l), `${l} on screen: ${JSON.stringify(labels)}`);
    assert.ok(
      facts.editorTabs.some((t) => /board/i.test(t)),
      `the board open: ${JSON.stringify(facts.editorTabs)}`,
    );
  });

  it('the status bar menu: kill or restart each demo app (screenshot readme-status-menu)', async () => {
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await collapseAll();
    void vscode.commands.executeCommand(Commands.statusBarMenu);
    await waitForUi('status-menu-open', (f) => f.quickPick?.title === 'MCP Pool', 'the status bar menu');
    const menu = (await screenshot('readme-status-menu', { settleMs: 800 }))!.quickPick!;
    assert.ok(menu, 'the menu on screen');
    for (const a of APPS)
      assert.ok(menu.items.some((i) => i.endsWith(`Kill ${a}`)) && menu.items.some((i) => i.endsWith(`Restart ${a}`)), `${a}: ${JSON.stringify(menu.items)}`);
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
  });

  it('mcp-pool status and mcp-pool call typed in an integrated terminal, on the warm demo-notes process (screenshot readme-terminal)', async function () {
    if (process.platform === 'win32') this.skip();
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = api.pool.snapshot('demo-notes')!;
    assert.ok(before.pid, 'demo-notes is warm');
    const terminal = vscode.window.createTerminal({ name: 'mcp-pool', shellPath: '/bin/bash', shellArgs: ['--norc', '--noprofile', '-i'], env: { PS1: '$ ' } });
    terminals.push(terminal);
    terminal.show();
    await sleep(800);
    await resizePanel('increase');
    terminal.sendText('clear');
    terminal.sendText('mcp-pool status');
    await sleep(1500); // after its output, so the next line is not echoed early as type-ahead
    terminal.sendText('mcp-pool call demo-notes search_notes query=release');
    await waitFor(() => (api.pool.snapshot('demo-notes')!.calls > before.calls ? true : undefined), "the terminal's call reached the pool", 20_000);
    const after = api.pool.snapshot('demo-notes')!;
    assert.strictEqual(after.pid, before.pid, 'on the warm process');
    assert.strictEqual(after.starts, before.starts, 'no new process');
    await sleep(700);
    const facts = await screenshot('readme-terminal');
    assert.strictEqual(facts?.panelTitle, 'Terminal');
  });

  it("a client connected through the gateway is counted on demo-notes' row and in mcp-pool status (screenshot readme-gateway-clients)", async function () {
    if (process.platform === 'win32') this.skip(); // (it types in the terminal of the test before, which skips there)
    const [terminal] = terminals;
    assert.ok(terminal, 'the terminal of the test before');
    terminal.show();
    const endpoint = await waitFor(() => api.gateway.endpoint, 'the gateway listening');
    const client = new Client({ name: 'my-agent', version: '1.0.0' });
    clients.push(client);
    await client.connect(
      new StreamableHTTPClientTransport(new URL(endpoint.url + mcpPath('demo-notes')), {
        requestInit: { headers: { Authorization: `Bearer ${endpoint.token}` } },
      }),
    );
    const listed = await client.callTool({ name: 'list_notes', arguments: {} });
    assert.match(JSON.stringify(listed.content), /Release checklist/);
    await collapseAll();
    terminal.sendText('clear; mcp-pool status');
    await sleep(1500);
    const facts = await waitForUi(
      'readme-gateway-clients',
      (f) => (treeRows(f).some((r) => r.label === 'demo-notes' && /1 client/.test(r.description)) ? f : undefined),
      "demo-notes' row counting the client",
    );
    assert.ok(rowLabels(facts).includes('demo-remote'), JSON.stringify(rowLabels(facts)));
  });

  it("Use the Pool in… Claude Code: the project's .mcp.json entry that ran its own mcp-remote, as a diff with the question beside it (screenshot readme-use-pool)", async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, '.mcp.json');
    const own = ['-y', 'mcp-remote', tasks.url];
    const diffOpen = () =>
      vscode.window.tabGroups.all.flatMap((g) => g.tabs).some((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'mcp-pool-edit');
    await vscode.commands.executeCommand('workbench.action.closePanel');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    fs.writeFileSync(
      file,
      `${JSON.stringify({ mcpServers: { tasks: { type: 'stdio', command: 'npx', args: own }, playwright: { type: 'stdio', command: 'npx', args: ['@playwright/mcp@latest'] } } }, null, 2)}\n`,
    );
    try {
      const running = Promise.resolve(vscode.commands.executeCommand<unknown>(Commands.usePoolIn, 'claude-code', { file, apps: ['demo-remote'] }));
      await waitFor(() => diffOpen() || undefined, 'the diff open');
      const facts = await screenshot('readme-use-pool', { settleMs: 1200, notifications: true });
      if (facts) {
        assert.ok(
          facts.notifications?.some((n) => /Write "demo-remote" into Claude Code/.test(n)),
          JSON.stringify(facts.notifications),
        );
        // found on its own, and offered once
        assert.ok(
          facts.notifications?.some((n) => /this folder's \.mcp\.json's "tasks" starts a server of its own/.test(n)),
          JSON.stringify(facts.notifications),
        );
      }
      let settled = false;
      const outcome = running.finally(() => (settled = true));
      for (let i = 0; i < 40 && !settled; i++) {
        await vscode.commands.executeCommand('notifications.clearAll');
        await Promise.race([outcome, sleep(250)]);
      }
      assert.strictEqual(await outcome, undefined, 'dismissed: nothing written');
      assert.deepStrictEqual((JSON.parse(fs.readFileSync(file, 'utf8')) as { mcpServers: Record<string, { args: string[] }> }).mcpServers.tasks.args, own);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });
});
