// What servers offer beyond tools, in the real editor: the groups in the Apps tree (and the flat
// tool list of a tools-only server), resources opened as read-only documents (a blob through a saved
// file, a template through its variables with the server's completions, a subscribed one refreshing
// on update), prompts through "Get Prompt…" (arguments with completions, messages in the channel, a
// Markdown document), and the links in results opened in one step. Servers are real: the stdio
// fixture with its features switched on, a plain one, and the HTTP fixture through mcp-remote.
import * as assert from 'assert';
import * as fs from 'fs';
import * as vscode from 'vscode';
import pkg from '../../../package.json';
import type { McpPoolApi } from '../../../src/extension';
import { Commands } from '../../../src/manifest/commands';
import type { CallOutcome, PromptResult } from '../../../src/pool';
import type { OpenedLink } from '../../../src/serverFeatures/resourceOpener';
import type { OpenedResource } from '../../../src/views/resourceDocuments';
import type { GroupNode, PoolTreeNode } from '../../../src/views/treeNodes';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';
import { STDIO_FIXTURE } from '../../fixtures/paths';
import { tinyPng } from '../../fixtures/tinyPng';
import { screenshot, treeRows, uiFactsOrSkip, underHarness, waitFor, waitForUi } from './ui';

const EXT_ID = `${pkg.publisher}.${pkg.name}`;
const trustedRun = process.env.EDITOR_TEST_TRUST !== 'untrusted';
const cfg = () => vscode.workspace.getConfiguration('mcpPool');

const feat = { command: process.execPath, args: [STDIO_FIXTURE, '--name=feat', '--features'] };
const plain = { command: process.execPath, args: [STDIO_FIXTURE, '--name=toolsonly'] };

function label(n: PoolTreeNode): string {
  switch (n.kind) {
    case 'group':
      return `${n.group}(${n.count})`;
    case 'tool':
      return n.tool;
    case 'resource':
      return `resource:${n.info.uri}`;
    case 'template':
      return `template:${n.info.uriTemplate}`;
    case 'prompt':
      return `prompt:${n.info.name}`;
    default:
      return n.kind;
  }
}

function openDocument(uri: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
}

/** Waits until the quick input shows an item `item` (by its label), then accepts the active one. */
async function acceptWhenShown(shot: string, item: string): Promise<void> {
  await waitForUi(shot, (f) => f.quickPick?.items.includes(item), `quick pick item "${item}"`);
  await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
}

(trustedRun ? describe : describe.skip)('What servers offer beyond tools, in a real editor', function () {
  this.timeout(60_000);
  let api: McpPoolApi;
  let http: HttpFixture;
  let appNode: (app: string) => Promise<PoolTreeNode>;

  before(async () => {
    api = await vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!.activate();
    http = await startHttpFixture();
    await cfg().update('apps', { feat, toolsonly: plain, featremote: { url: http.url } }, vscode.ConfigurationTarget.Global);
    await waitFor(() => ['feat', 'toolsonly', 'featremote'].every((a) => api.pool.names().includes(a)), 'apps configured');
    appNode = async (app) => (await api.tree.getChildren()).find((n) => n.app === app && n.kind === 'app')!;
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().length === 0, 'apps removed');
    await http?.close();
  });

  it('the tree shows the groups a feature-rich app declares (with counts), and the flat tool list of a tools-only app', async () => {
    // Neither app ever ran: expanding lists the tools (which starts it), then what it declares decides.
    assert.strictEqual(api.pool.snapshot('feat')!.capabilities, undefined);
    const groups = await api.tree.getChildren(await appNode('feat'));
    const toolCount = (await api.pool.listTools('feat')).length;
    assert.deepStrictEqual(groups.map(label), [`tools(${toolCount})`, 'resources(8 + 4 templates)', 'prompts(4)']);
    const tools = await api.tree.getChildren(await appNode('toolsonly'));
    assert.ok(
      tools.every((n) => n.kind === 'tool'),
      `flat tools: ${tools.map(label).join(', ')}`,
    );
    assert.ok(tools.some((n) => label(n) === 'echo'));

    const [, resources, prompts] = groups as GroupNode[];
    const rows = await api.tree.getChildren(resources);
    assert.deepStrictEqual(
      rows.map(label).filter((l) => l.startsWith('template:')),
      ['template:fixture://days/{day}', 'template:fixture://files/{name}', 'template:fixture://repos/{owner}/{repo}', 'template:fixture://users/{id}'],
    );
    assert.strictEqual(rows.filter((n) => n.kind === 'resource').length, 8);
    const hello = rows.find((n) => label(n) === 'resource:fixture://text/hello')!;
    const helloItem = api.tree.getTreeItem(hello);
    assert.strictEqual(helloItem.label, 'hello');
    assert.match(String(helloItem.description), /^text\/plain · A greeting, as text$/);
    assert.strictEqual(helloItem.command?.command, Commands.openResource);
    assert.deepStrictEqual((await api.tree.getChildren(prompts)).map(label), ['prompt:greet', 'prompt:kitchen_sink', 'prompt:plain', 'prompt:review']);
    assert.strictEqual(api.tree.getParent(hello)?.kind, 'group');

    // The app's hover says what it offers.
    const item = api.tree.resolveTreeItem(api.tree.getTreeItem(await appNode('feat')), await appNode('feat'));
    assert.match(
      (item.tooltip as vscode.MarkdownString).value,
      new RegExp(`\\*\\*Offers:\\*\\* ${toolCount} tools · 8 resources \\+ 4 templates \\(subscribable\\) · 4 prompts · completions · logging`),
    );
  });

  it('the groups are on screen once an app that never ran is expanded (screenshot features-tree)', async function () {
    if (!underHarness()) return uiFactsOrSkip(this, 'features-tree');
    await vscode.commands.executeCommand('mcpPool.apps.focus');
    await waitForUi('features-remote', (f) => treeRows(f).some((r) => r.label === 'featremote'), 'the apps on screen');
    await api.tree.view.reveal(await appNode('featremote'), { expand: true, select: false, focus: false });
    const rows = await waitForUi(
      'features-remote',
      (f) => {
        const r = treeRows(f);
        const at = r.findIndex((x) => x.label === 'featremote');
        return at >= 0 && r[at + 1]?.label === 'Tools' && r[at + 2]?.label === 'Resources' ? r : undefined;
      },
      'featremote expanded into groups',
      {},
      20_000,
    );
    assert.ok(
      rows.some((r) => r.label === 'Prompts'),
      JSON.stringify(rows),
    );
    const featNode = await appNode('feat');
    await api.tree.view.reveal(featNode, { expand: true });
    const [, resources, prompts] = (await api.tree.getChildren(featNode)) as GroupNode[];
    await api.tree.view.reveal(resources, { expand: true });
    await api.tree.view.reveal(prompts, { expand: true, select: true, focus: true });
    const facts = await waitForUi(
      'features-tree',
      (f) => (treeRows(f).some((r) => r.label === 'kitchen_sink') && treeRows(f).some((r) => r.label === 'hello') ? f : undefined),
      'resources and prompts on screen',
    );
    const shown = treeRows(facts);
    const group = shown.find((r) => r.label === 'Resources' && r.description === '8 + 4 templates');
    assert.ok(group, `the Resources row with its counts: ${JSON.stringify(shown)}`);
  });

  it('opens a text resource as a read-only document with its contents', async () => {
    const opened = await vscode.commands.executeCommand<OpenedResource>(Commands.openResource, 'feat', 'fixture://text/hello');
    assert.strictEqual(opened.kind, 'document');
    const doc = openDocument(opened.kind === 'document' ? opened.uri : '')!;
    assert.strictEqual(doc.getText(), 'Hello from the fixture');
    assert.strictEqual(doc.uri.scheme, 'mcp-pool-resource');
    const editor = vscode.window.activeTextEditor!;
    assert.strictEqual(editor.document, doc);
    assert.strictEqual(vscode.window.tabGroups.activeTabGroup.activeTab?.label, 'hello');
    // Read-only: typing into it changes nothing.
    await vscode.window.showTextDocument(doc, { preserveFocus: false });
    await vscode.commands.executeCommand('type', { text: 'typed ' });
    await new Promise((r) => setTimeout(r, 300));
    assert.strictEqual(doc.getText(), 'Hello from the fixture');
    assert.strictEqual(doc.isDirty, false);
  });

  it("opens a blob by saving it and showing the file with VS Code's viewer", async () => {
    const opened = await vscode.commands.executeCommand<OpenedResource>(Commands.openResource, 'feat', 'fixture://blob/pixel.png');
    assert.strictEqual(opened.kind, 'files');
    const [file] = opened.kind === 'files' ? opened.files : [];
    assert.match(file, /feat-pixel\.png-.*\.png$/);
    assert.deepStrictEqual(fs.readFileSync(file), Buffer.from(tinyPng(), 'base64'));
    await waitFor(() => {
      const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input as { uri?: vscode.Uri } | undefined;
      return input?.uri?.fsPath === file;
    }, 'the saved file in the active tab');
  });

  it('a subscribed open resource refreshes when the server says it changed', async () => {
    const opened = await vscode.commands.executeCommand<OpenedResource>(Commands.openResource, 'feat', 'fixture://counter');
    assert.ok(opened.kind === 'document' && opened.subscribed, JSON.stringify(opened));
    const doc = openDocument(opened.uri)!;
    assert.strictEqual(doc.getText(), 'touched 0 times');
    assert.ok(api.pool.snapshot('feat')!.subscriptions!.includes('fixture://counter'), JSON.stringify(api.pool.snapshot('feat')!.subscriptions));
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'feat', 'touch_resource', { uri: 'fixture://counter' });
    await waitFor(() => doc.getText() === 'touched 1 times', 'the document refreshed');
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'feat', 'touch_resource', { uri: 'fixture://counter' });
    await waitFor(() => doc.getText() === 'touched 2 times', 'refreshed again');
  });

  it("a template opens with the variables given, or asked for with the server's completions (a template row)", async function () {
    const given = await vscode.commands.executeCommand<OpenedResource>(Commands.openResource, 'feat', 'fixture://files/{name}', { name: 'notes.md' });
    assert.strictEqual(openDocument(given.kind === 'document' ? given.uri : '')?.getText(), 'file: {"name":"notes.md"}');
    if (!underHarness()) return uiFactsOrSkip(this, 'features-template');
    const [, resources] = (await api.tree.getChildren(await appNode('feat'))) as GroupNode[];
    const repo = (await api.tree.getChildren(resources)).find((n) => label(n) === 'template:fixture://repos/{owner}/{repo}')!;
    const item = api.tree.getTreeItem(repo);
    // A click on the row: owner completes to alice, bob; repo completes from the owner given.
    const opening = Promise.resolve(vscode.commands.executeCommand<OpenedResource>(item.command!.command, ...(item.command!.arguments ?? [])));
    await waitForUi('features-template', (f) => f.quickPick?.items.includes('bob') && f.quickPick.title.includes('(1/2)'), 'owner completions');
    await acceptWhenShown('features-template', 'alice');
    await waitForUi('features-template-2', (f) => f.quickPick?.title.includes('(2/2)') && f.quickPick.items.includes('aurora'), 'repo completions for alice');
    await acceptWhenShown('features-template-2', 'atlas');
    const opened = await opening;
    assert.strictEqual(openDocument(opened.kind === 'document' ? opened.uri : '')?.getText(), 'repo: {"owner":"alice","repo":"atlas"}');
  });

  it('Get Prompt with arguments writes every kind of message to the channel, with a hint for its links', async () => {
    const result = await vscode.commands.executeCommand<PromptResult>(Commands.getPrompt, 'feat', 'kitchen_sink', { topic: 'pools' });
    assert.strictEqual(result.messages.length, 6);
    const lines = api.outputs.app('feat').lines.join('\n');
    assert.match(lines, /→ prompt kitchen_sink \{"topic":"pools"\}/);
    assert.match(lines, /✔ prompt kitchen_sink · .* · 6 messages/);
    assert.match(lines, /Tell me about pools/);
    assert.match(lines, /image \(image\/png, 70 B\): .*feat-kitchen_sink-.*\.png/);
    assert.match(lines, /audio \(audio\/wav, 52 B\): .*\.wav/);
    assert.match(lines, /resource fixture:\/\/text\/hello \(text\/plain\):\nHello from the fixture/);
    assert.match(lines, /link counter: fixture:\/\/counter \(text\/plain\) — A link to the counter/);
    assert.match(lines, /↗ 3 resource links in this result: "MCP Pool: Open Resource from a Result…" opens them/);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(Commands.getPrompt, 'feat', 'greet', {})), /prompt "greet" of feat needs name/);
  });

  it('the links of a result open in one step: embedded contents as they are, a resource_link read from its app', async () => {
    // Newest result first; kitchen_sink's links in its order: embedded text, embedded blob, link.
    const embedded = await vscode.commands.executeCommand<OpenedLink>(Commands.openResourceLink, 0);
    assert.ok(embedded?.kind === 'document' && /embedded=/.test(decodeURIComponent(embedded.uri)), JSON.stringify(embedded));
    assert.strictEqual(openDocument(embedded.uri)?.getText(), 'Hello from the fixture');
    const blob = await vscode.commands.executeCommand<OpenedLink>(Commands.openResourceLink, 1);
    assert.ok(blob?.kind === 'files' && fs.readFileSync(blob.files[0]).equals(Buffer.from(tinyPng(), 'base64')), JSON.stringify(blob));
    const linked = await vscode.commands.executeCommand<OpenedLink>(Commands.openResourceLink, 2);
    assert.ok(linked?.kind === 'document', JSON.stringify(linked));
    assert.strictEqual(openDocument(linked.uri)?.getText(), 'touched 2 times', 'read from the app');
    // A tool result's links are remembered too, and the channel says so.
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'toolsonly', 'image', {});
    assert.ok(
      api.outputs.app('toolsonly').lines.some((l) => l.includes('↗ a resource link in this result')),
      'hint under the tool result',
    );
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand(Commands.openResourceLink, 99)), /no link number 99/);
  });

  it('the palette picker lists the latest links, newest first (screenshot features-links)', async function () {
    if (!underHarness()) return uiFactsOrSkip(this, 'features-links');
    const picking = Promise.resolve(vscode.commands.executeCommand(Commands.openResourceLink));
    const facts = await waitForUi('features-links', (f) => (f.quickPick?.items.length ? f.quickPick : undefined), 'the links picker');
    assert.match(facts.items[0], /pixel\.png/, `the tool result's link first: ${JSON.stringify(facts.items)}`);
    assert.ok(
      facts.items.some((i) => i.includes('counter')),
      JSON.stringify(facts.items),
    );
    await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
    assert.strictEqual(await picking, undefined);
  });

  it("Get Prompt asks each argument with the server's completions as picks, then shows the messages (screenshot features-prompt)", async function () {
    if (!underHarness()) return uiFactsOrSkip(this, 'features-prompt');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const before = api.outputs.app('feat').lines.length;
    const getting = Promise.resolve(vscode.commands.executeCommand<PromptResult>(Commands.getPrompt, 'feat', 'review'));
    await waitForUi(
      'features-prompt',
      (f) => f.quickPick?.title.includes('feat › review (1/2)') && ['python', 'perl', 'php', 'typescript'].every((l) => f.quickPick!.items.includes(l)),
      'language completions',
    );
    await acceptWhenShown('features-prompt', 'python');
    // `code` is optional: leaving it out is the first choice.
    await acceptWhenShown('features-prompt-2', 'Leave out');
    const result = await getting;
    assert.ok(result, 'the prompt was got');
    const lines = api.outputs.app('feat').lines.slice(before).join('\n');
    assert.match(lines, /→ prompt review \{"language":"python"\}/);
    assert.match(lines, /Please review this python code:\n\(none\)/);
    await screenshot('features-prompt-output', { notifications: true });
  });

  it('Get Prompt can open the messages as a Markdown document', async () => {
    await vscode.commands.executeCommand<PromptResult>(Commands.getPrompt, 'feat', 'greet', { name: 'Ada' }, { markdown: true });
    const doc = await waitFor(() => {
      const d = vscode.window.activeTextEditor?.document;
      return d?.languageId === 'markdown' && d.isUntitled ? d : undefined;
    }, 'an untitled Markdown document');
    assert.match(doc.getText(), /^# greet — feat\n\nArguments: `name` = Ada\n\n## user\n\nHello, Ada!\n$/);
  });

  it('a remote app (mcp-remote → HTTP) offers the same: its resource opens as a document', async () => {
    const opened = await vscode.commands.executeCommand<OpenedResource>(Commands.openResource, 'featremote', 'fixture://notes/3');
    assert.strictEqual(openDocument(opened.kind === 'document' ? opened.uri : '')?.getText(), 'note 3');
    const result = await vscode.commands.executeCommand<PromptResult>(Commands.getPrompt, 'featremote', 'greet', { name: 'remote' });
    assert.deepStrictEqual(
      result.messages.map((m) => m.content.text),
      ['Hello, remote!'],
    );
  });

  it("the groups, a resource open as a document, a prompt's messages in the output (screenshot features)", async function () {
    if (!underHarness()) return uiFactsOrSkip(this, 'features');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    await vscode.commands.executeCommand('mcpPool.apps.focus');
    for (const app of ['toolsonly', 'featremote']) await api.tree.view.reveal(await appNode(app), { expand: false, select: false, focus: false });
    await vscode.commands.executeCommand(Commands.openResource, 'featremote', 'fixture://files/{name}', { name: 'readme.md' });
    await vscode.commands.executeCommand<PromptResult>(Commands.getPrompt, 'featremote', 'kitchen_sink', { topic: 'warm pools' });
    await vscode.commands.executeCommand(Commands.showOutput, 'featremote');
    const facts = await waitForUi(
      'features',
      (f) => (f.outputLines.some((l) => l.includes('resource links in this result')) ? f : undefined),
      'the prompt in the output',
    );
    assert.ok(
      treeRows(facts).some((r) => r.label === 'Resources'),
      'the groups are on screen',
    );
  });
});
