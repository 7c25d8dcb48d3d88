// The whole protocol in the real editor, the parts a server asks of the client: its log
// messages in the app's channel at the level the channel shows; a form (elicitation) answered
// with the keyboard in the browser; sampling through a real language model of the editor (the test
// model, VS Code 1.104+) after the user's consent, refused without it; the workspace as roots.
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

  it("a server's log messages show in its channel, at the level the channel is set to (Info: no debug)", async () => {
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'logs', 'log', { message: 'disk almost full', logger: 'storage' });
    await waitFor(() => api.pool.snapshot('logs')?.logLevel === 'info', 'the channel level (Info) sent to the server');
    await vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'logs', 'log', { message: 'after the level', logger: 'storage' });
    const lines = () => api.outputs.app('logs').lines.filter((l) => l.includes('after the level'));
    await waitFor(() => lines().some((l) => l.startsWith('[warn]')), 'a warning in the channel');
    const seen = lines();
    assert.ok(
      seen.some((l) => l.startsWith('[error] [log emergency] storage:')),
      JSON.stringify(seen),
    );
    assert.ok(
      seen.some((l) => l.startsWith('[info] [log] storage:')),
      JSON.stringify(seen),
    );
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
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().length === 0, 'apps removed');
    await http?.close();
  });

  it("a server's form (elicitation) is answered field by field in quick inputs naming the app (screenshot readme-elicitation)", async function () {
    if (!underHarness()) this.skip();
    const call = vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'asks', 'ask_form', { message: 'Who is calling?' });
    const first = await waitForUi('readme-elicitation', (f) => f.quickPick?.title.includes('asks for input') && f.quickPick, 'the question in a quick pick');
    assert.match(first.title, /MCP app "asks" asks for input/);
    assert.ok(first.items.some((i) => /Respond/.test(i)) && first.items.some((i) => /Decline/.test(i)), JSON.stringify(first.items));
    await screenshot('elicitation-respond', { keys: { press: ['Enter'] } }); // "Respond…" is the active item
    await waitForUi('elicitation-name', (f) => /asks for input \(1\/2\)/.test(f.quickPick?.title ?? ''), 'the first field (name)');
    await screenshot('readme-elicitation-field', { keys: { type: 'Ada' } }); // what a user sees while answering
    await screenshot('elicitation-name-typed', { keys: { press: ['Enter'] } });
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

  // Sampling: the fixture's `summarize` asks the client's model for "Summarize: <text>" with a system prompt,
  // a hint for a 'small-model' and at most 64 tokens. The model: test/editor/testModel (two models that
  // answer with what they were sent), which VS Code 1.104+ can load (registerLanguageModelChatProvider).
  const samplingHeard = (text: string) => `echo-small-model heard: user: You write one-line summaries. | user: Summarize: ${text}`;
  const summarize = (t: string) => vscode.commands.executeCommand<CallOutcome>(Commands.invokeTool, 'asks', 'summarize', { text: t });
  const sampled = (o: CallOutcome) =>
    JSON.parse(text(o)) as { role?: string; model?: string; stopReason?: string; text?: string; error?: { code?: number; message: string } };
  const consentShown = (name: string) =>
    waitForUi(name, (f) => f.quickPick?.title.includes('wants to use a language model') && f.quickPick, 'the sampling consent in a quick pick');
  const hasConsent = () => vscode.commands.executeCommand<boolean>(Commands.revokeSampling, 'asks'); // revokes it too: true = it was stored
  /** Skips (saying why) unless the editor has the test model; a provider API without the models fails. */
  async function needsTestModel(test: Mocha.Context): Promise<void> {
    if (!underHarness()) return skipBecause(test, 'drives the consent with the keyboard, which only test/editor/run.mjs provides');
    if (typeof (vscode.lm as { registerLanguageModelChatProvider?: unknown }).registerLanguageModelChatProvider !== 'function') {
      return skipBecause(
        test,
        `VS Code ${vscode.version} has no vscode.lm.registerLanguageModelChatProvider (finalized in 1.104), so no test model can be given to it`,
      );
    }
    const models = await vscode.lm.selectChatModels({ vendor: 'mcp-pool-test' });
    assert.deepStrictEqual(
      models.map((m) => m.id).sort(),
      ['echo-large', 'echo-small-model'],
      'the test model extension (test/editor/testModel) is loaded beside the extension',
    );
  }
  function skipBecause(test: Mocha.Context, why: string): never {
    console.log(`    [skip] "${test.test?.title ?? ''}": ${why}`);
    return test.skip();
  }

  it('with no language model in the editor, a sampling request is refused at once, nobody is asked', async function () {
    const models = await vscode.lm.selectChatModels();
    if (models.length) return skipBecause(this, `this editor has language models (${models.map((m) => m.id).join(', ')}): see the consent tests`);
    const said = sampled(await summarize('a long text')); // a question shown would hold the call until the test times out
    assert.ok(said.error, `the server's sampling request was answered: ${JSON.stringify(said)}`);
    assert.match(said.error.message, /no language model is available in the editor/);
    assert.strictEqual(await hasConsent(), false, 'no consent was stored');
  });

  it('sampling asks first, showing the request; Escape refuses it (-1) and nothing is remembered (screenshot readme-sampling-consent)', async function () {
    await needsTestModel(this);
    const call = summarize('a long text');
    const pick = await consentShown('readme-sampling-consent');
    assert.match(pick.title, /^MCP app "asks" wants to use a language model/);
    assert.deepStrictEqual(pick.items.slice(0, 3), ['Allow Once', 'Always Allow "asks"', 'Deny'], JSON.stringify(pick.rows));
    // the request itself, as the server sent it: system prompt, then the message
    assert.ok(
      pick.rows.some((r) => r.label === 'System' && r.detail === 'You write one-line summaries.'),
      JSON.stringify(pick.rows),
    );
    assert.ok(
      pick.rows.some((r) => r.label === 'User' && r.detail === 'Summarize: a long text'),
      JSON.stringify(pick.rows),
    );
    assert.ok(
      pick.rows.some((r) => /at most 64 tokens/.test(r.separator)),
      JSON.stringify(pick.rows),
    );
    // Enter on a message opens the whole request beside; the question stays open
    await screenshot('sampling-show-request', { keys: { press: ['ArrowDown', 'ArrowDown', 'ArrowDown', 'Enter'] } });
    const doc = await waitFor(
      () => vscode.workspace.textDocuments.find((d) => d.isUntitled && d.getText().startsWith('# What MCP app "asks" wants to send')),
      'the whole request in a document',
    );
    assert.strictEqual(doc.languageId, 'markdown');
    assert.match(doc.getText(), /## System\n\nYou write one-line summaries\.\n\n## User\n\nSummarize: a long text\n\nAt most 64 tokens/);
    await consentShown('sampling-still-asking');
    await screenshot('sampling-escape', { keys: { press: ['Escape'] } });
    const said = sampled(await call);
    assert.strictEqual(said.error?.code, -1, JSON.stringify(said));
    assert.match(said.error.message, /did not allow MCP app "asks" to use a language model/);
    assert.strictEqual(await hasConsent(), false, 'no consent was stored');
  });

  it("Allow Once: the request's messages reach the model the server hinted at, its answer comes back through the pool; not remembered", async function () {
    await needsTestModel(this);
    const call = summarize('the pool keeps servers warm');
    await consentShown('sampling-once');
    await screenshot('sampling-once-allowed', { keys: { press: ['Enter'] } }); // "Allow Once" is the active item
    const said = sampled(await call);
    // echo-small-model, not the first model (echo-large): the server's hint was followed
    assert.deepStrictEqual(said, {
      ...said,
      role: 'assistant',
      model: 'echo-small-model',
      stopReason: 'endTurn',
      text: samplingHeard('the pool keeps servers warm'),
    });
    assert.strictEqual(await hasConsent(), false, 'Allow Once stores nothing');
  });

  it('Always Allow: later requests reach the model without asking; after Revoke Language Model Access it asks again (Deny refuses)', async function () {
    await needsTestModel(this);
    const first = summarize('first');
    await consentShown('sampling-always');
    await screenshot('sampling-always-allowed', { keys: { press: ['ArrowDown', 'Enter'] } });
    assert.strictEqual(sampled(await first).text, samplingHeard('first'));
    // remembered: no question now (one would hold the call: fail after 15 s instead of hanging)
    const second = await Promise.race([summarize('second'), new Promise<undefined>((r) => setTimeout(r, 15_000, undefined))]);
    assert.ok(second, 'the second request was not answered within 15 s: the user was asked again');
    assert.strictEqual(sampled(second).text, samplingHeard('second'));
    assert.strictEqual(await hasConsent(), true, 'Always Allow was stored (and is revoked now)');
    const third = summarize('third');
    await consentShown('sampling-revoked');
    await screenshot('sampling-denied', { keys: { press: ['ArrowDown', 'ArrowDown', 'Enter'] } }); // Deny
    const said = sampled(await third);
    assert.strictEqual(said.error?.code, -1, JSON.stringify(said));
    assert.strictEqual(await hasConsent(), false);
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
    assert.deepStrictEqual(
      roots.map((r) => r.uri),
      folders,
    );
  });
});
