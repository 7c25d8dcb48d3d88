// The whole protocol in the real editor, the parts a server asks of the client: its log
// messages in the app's channel at the level the channel shows; a form (elicitation) answered
// with the keyboard in the browser; sampling refused without consent; the workspace as roots.
import * as assert from 'assert';
import * as vscode from 'vscode';
import pkg from '../../../package.json';
import type { McpPoolApi } from '../../../src/extension';
import { Commands } from '../../../src/manifest/commands';
import type { CallOutcome } from '../../../src/pool';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';
import { screenshot, underHarness, waitFor, waitForUi } from './ui';

const EXT_ID = `${pkg.publisher}.${pkg.name}`;
const trustedRun = process.env.EDITOR_TEST_TRUST !== 'untrusted';
const cfg = () => vscode.workspace.getConfiguration('mcpPool');

(trustedRun ? describe : describe.skip)('What servers ask of the editor', function () {
  this.timeout(60_000);
  let api: McpPoolApi;
  let http: HttpFixture;

  before(async () => {
    api = await vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!.activate();
    http = await startHttpFixture();
    await cfg().update('apps', { logs: { url: http.url } }, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().includes('logs'), 'app configured');
  });

  after(async () => {
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().length === 0, 'apps removed');
    await http?.close();
  });

  it('a server\'s log messages show in its channel, at the level the channel is set to (Info: no debug)', async () => {
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'logs', 'log', { message: 'disk almost full', logger: 'storage' });
    await waitFor(() => api.pool.snapshot('logs')?.logLevel === 'info', 'the channel level (Info) sent to the server');
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'logs', 'log', { message: 'after the level', logger: 'storage' });
    const lines = () => api.outputs.app('logs').lines.filter((l) => l.includes('after the level'));
    await waitFor(() => lines().some((l) => l.startsWith('[warn]')), 'a warning in the channel');
    const seen = lines();
    assert.ok(seen.some((l) => l.startsWith('[error] [log emergency] storage:')), JSON.stringify(seen));
    assert.ok(seen.some((l) => l.startsWith('[info] [log] storage:')), JSON.stringify(seen));
    assert.ok(!seen.some((l) => l.includes('"level":"debug"')), `the server sent debug although the channel shows Info: ${JSON.stringify(seen)}`);
  });
});

(trustedRun ? describe : describe.skip)('What servers ask of the user, answered in the editor', function () {
  this.timeout(90_000);
  let api: McpPoolApi;
  let http: HttpFixture;
  const text = (o: CallOutcome) => o.result.content.map((c) => (typeof c.text === 'string' ? c.text : '')).join('\n');

  before(async () => {
    api = await vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!.activate();
    http = await startHttpFixture();
    await cfg().update('apps', { asks: { url: http.url } }, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().includes('asks'), 'app configured');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().length === 0, 'apps removed');
    await http?.close();
  });

  it('a server\'s form (elicitation) is answered field by field in quick inputs naming the app (screenshot elicitation)', async function () {
    if (!underHarness()) this.skip();
    const call = vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'asks', 'ask_form', { message: 'Who is calling?' });
    const first = await waitForUi('elicitation', (f) => f.quickPick?.title.includes('asks for input') && f.quickPick, 'the question in a quick pick');
    assert.match(first.title, /MCP app "asks" asks for input/);
    assert.ok(first.items.some((i) => /Respond/.test(i)) && first.items.some((i) => /Decline/.test(i)), JSON.stringify(first.items));
    await screenshot('elicitation-respond', { keys: { press: ['Enter'] } }); // "Respond…" is the active item
    await waitForUi('elicitation-name', (f) => /asks for input \(1\/2\)/.test(f.quickPick?.title ?? ''), 'the first field (name)');
    await screenshot('elicitation-name-typed', { keys: { type: 'Ada', press: ['Enter'] } });
    await waitForUi('elicitation-count', (f) => /asks for input \(2\/2\)/.test(f.quickPick?.title ?? ''), 'the second field (count)');
    await screenshot('elicitation-count-typed', { keys: { type: '3', press: ['Enter'] } });
    const answer = JSON.parse(text(await call)) as { action: string; content?: Record<string, unknown> };
    assert.deepStrictEqual({ action: answer.action, content: answer.content }, { action: 'accept', content: { name: 'Ada', count: 3 } });
  });

  it('Escape on the question cancels: the server hears "cancel"', async function () {
    if (!underHarness()) this.skip();
    const call = vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'asks', 'ask_form', {});
    await waitForUi('elicitation-again', (f) => f.quickPick?.title.includes('asks for input'), 'the question');
    await screenshot('elicitation-escape', { keys: { press: ['Escape'] } });
    assert.strictEqual((JSON.parse(text(await call)) as { action: string }).action, 'cancel');
  });

  it('a sampling request without the user\'s consent is refused, and nothing is remembered', async () => {
    const out = await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'asks', 'summarize', { text: 'a long text' });
    const said = JSON.parse(text(out)) as { error?: { code?: number; message: string } };
    assert.ok(said.error, `the server's sampling request was answered: ${text(out)}`);
    assert.strictEqual(said.error.code, -1, JSON.stringify(said));
    assert.match(said.error.message, /did not allow MCP app "asks" to use a language model/);
    assert.strictEqual(await vscode.commands.executeCommand<boolean>(Commands.revokeSampling, 'asks'), false, 'no consent was stored');
  });

  it('a tool that must run as a task runs from the editor, its status reported as progress', async () => {
    const out = await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'asks', 'slow_task', { steps: 3, delayMs: 100 });
    assert.strictEqual(text(out), 'done 3');
    // the result's _meta kept (the SDK adds the task it belongs to)
    assert.strictEqual(out.result._meta?.['example.com/steps'], 3, JSON.stringify(out.result._meta));
  });

  it('roots: the server sees the workspace folders', async () => {
    const out = await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'asks', 'list_roots', {});
    const { roots } = JSON.parse(text(out)) as { roots: { uri: string }[] };
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString());
    assert.ok(folders.length > 0, 'the suite opens a folder');
    assert.deepStrictEqual(roots.map((r) => r.uri), folders);
  });
});
