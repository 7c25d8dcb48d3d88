// A remote MCP server of the 2026-07-28 revision only (built with SDK v2: no initialize, no
// session), configured as a user would ({ "url": … }, every setting at its default), used in the
// real editor like any other: a tool invoked from the palette (app, tool, argument typed), a
// resource opened as a document, a form the server asks for answered field by field; the hover
// says which revision the app speaks.
import * as assert from 'assert';
import * as vscode from 'vscode';
import pkg from '../../../package.json';
import type { McpPoolApi } from '../../../src/extension';
import { Commands } from '../../../src/manifest/commands';
import type { CallOutcome } from '../../../src/pool';
import type { OpenedResource } from '../../../src/views/resourceDocuments';
import { type EraHttpFixture, startEraHttpFixture } from '../../fixtures/modern/http';
import { screenshot, underHarness, waitFor, waitForUi } from './ui';

const EXT_ID = `${pkg.publisher}.${pkg.name}`;
const trustedRun = process.env.EDITOR_TEST_TRUST !== 'untrusted';
const cfg = () => vscode.workspace.getConfiguration('mcpPool');
const text = (o: CallOutcome) => o.result.content.map((c) => (typeof c.text === 'string' ? c.text : '')).join('\n');

(trustedRun ? describe : describe.skip)('A 2026-07-28 server in a real editor', function () {
  this.timeout(60_000);
  let api: McpPoolApi;
  let server: EraHttpFixture;

  before(async () => {
    api = await vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!.activate();
    server = await startEraHttpFixture({ legacy: 'reject' });
    await cfg().update('apps', { modern: { url: server.url } }, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().includes('modern'), 'app configured');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().length === 0, 'apps removed');
    await server?.close();
  });

  it('a tool invoked from the palette: the tool picked, its argument typed, the result in the channel; the hover names the revision', async function () {
    if (!underHarness()) this.skip();
    const invoking = Promise.resolve(vscode.commands.executeCommand<CallOutcome | undefined>(Commands.invokeTool, 'modern'));
    await waitForUi('modern-tools', (f) => f.quickPick?.items.some((i) => i.startsWith('echo')), 'the tool picker listing echo');
    await screenshot('modern-tools-typed', { keys: { type: 'echo' } });
    await waitForUi('modern-tools-filtered', (f) => f.quickPick?.items[0]?.startsWith('echo'), 'echo first');
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    await waitForUi('modern-argument', (f) => f.quickPick?.title.includes('modern › echo (1/1)'), 'the text argument asked');
    await screenshot('modern-argument-typed', { keys: { type: 'from the palette', press: ['Enter'] } });
    const out = await invoking;
    assert.ok(out, 'the call ran');
    assert.match(text(out), /from the palette/);
    assert.deepStrictEqual(
      { era: out.result.structuredContent?.era, pid: out.pid },
      { era: 'modern', pid: undefined },
      'served by the 2026-07-28 era, directly (no process)',
    );
    await waitFor(() => api.outputs.app('modern').lines.some((l) => l.includes('from the palette')), 'the result in the app channel');
    assert.strictEqual(api.pool.snapshot('modern')!.protocolVersion, '2026-07-28');
    const node = (await api.tree.getChildren()).find((n) => n.app === 'modern' && n.kind === 'app')!;
    const item = api.tree.resolveTreeItem(api.tree.getTreeItem(node), node);
    const hover = (item.tooltip as vscode.MarkdownString).value;
    assert.match(hover, /\*\*Protocol:\*\* MCP 2026\\?-07\\?-28/, `the hover names the revision (Markdown-escaped): ${hover}`);
  });

  it('its resource opens as a document', async () => {
    const opened = await vscode.commands.executeCommand<OpenedResource>(Commands.openResource, 'modern', 'fixture://text/hello');
    assert.strictEqual(opened.kind, 'document');
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === (opened.kind === 'document' ? opened.uri : ''));
    assert.strictEqual(doc?.getText(), 'Hello from the fixture');
  });

  it('a form the server asks for (input_required) is answered field by field; the tool runs once', async function () {
    if (!underHarness()) this.skip();
    const before = server.counts().tools.ask_form ?? 0;
    const call = Promise.resolve(vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'modern', 'ask_form', { message: 'Who is calling?' }));
    await waitForUi('modern-elicitation', (f) => f.quickPick?.title.includes('asks for input') && f.quickPick, 'the question in a quick pick');
    await screenshot('modern-elicitation-respond', { keys: { press: ['Enter'] } });
    await waitForUi('modern-elicitation-name', (f) => /asks for input \(1\/2\)/.test(f.quickPick?.title ?? ''), 'the first field (name)');
    await screenshot('modern-elicitation-name-typed', { keys: { type: 'Ada', press: ['Enter'] } });
    await waitForUi('modern-elicitation-count', (f) => /asks for input \(2\/2\)/.test(f.quickPick?.title ?? ''), 'the second field (count)');
    await screenshot('modern-elicitation-count-typed', { keys: { type: '3', press: ['Enter'] } });
    const answer = JSON.parse(text(await call)) as { action: string; content?: Record<string, unknown> };
    assert.deepStrictEqual({ action: answer.action, content: answer.content }, { action: 'accept', content: { name: 'Ada', count: 3 } });
    // the request and its retry with the answers: the server started the tool once (its call log)
    assert.strictEqual((server.counts().tools.ask_form ?? 0) - before, 2, 'one request, one retry with the answers');
  });
});
