// The whole protocol in the real editor, the parts a server asks of the client: its log
// messages in the app's channel at the level the channel shows.
import * as assert from 'assert';
import * as vscode from 'vscode';
import pkg from '../../../package.json';
import type { McpPoolApi } from '../../../src/extension';
import { Commands } from '../../../src/manifest/commands';
import type { CallOutcome } from '../../../src/pool';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';
import { waitFor } from './ui';

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
