// Direct remote apps in a real editor: no mcp-remote, no process — the extension host speaks HTTP to
// the server itself, through the editor's own fetch (VS Code replaces it with one that honours the
// proxy settings). The server requires OAuth (a real local authorization server): the sign-in is
// asked as for mcp-remote, played here by a plain HTTP client following the URL; Sign Out makes the
// next use sign in again; the remoteTransport setting switches apps without their own transport.
import * as assert from 'assert';
import * as vscode from 'vscode';
import pkg from '../../../package.json';
import type { McpPoolApi } from '../../../src/extension';
import type { CallOutcome } from '../../../src/pool';
import { startForwardProxy } from '../../fixtures/forwardProxy';
import { startHttpFixture, type HttpFixture } from '../../fixtures/http-server';
import { startOAuthServer, type OAuthServer } from '../../unit/faults/oauthServer';
import { screenshot, waitFor } from './ui';

const EXT_ID = `${pkg.publisher}.${pkg.name}`;
const trustedRun = process.env.EDITOR_TEST_TRUST !== 'untrusted';
const cfg = () => vscode.workspace.getConfiguration('mcpPool');
const textOf = (o: CallOutcome) =>
  o.result.content
    .filter((c) => c.type === 'text')
    .map((c) => String(c.text))
    .join('\n');

(trustedRun ? describe : describe.skip)('direct remote apps in a real editor (no mcp-remote)', function () {
  this.timeout(60_000);
  let api: McpPoolApi;
  let oauth: OAuthServer;
  let http: HttpFixture;

  before(async () => {
    api = await vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!.activate();
    oauth = await startOAuthServer();
    http = await startHttpFixture();
  });
  after(async () => {
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('remoteTransport', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('notifications.clearAll');
    await oauth?.close();
    await http?.close();
  });

  /** Plays the user: the pool asked for a sign-in; the browser follows the URL and lands on the pool's loopback. */
  async function signIn(app: string): Promise<void> {
    const url = await waitFor(() => api.pool.snapshot(app)?.authUrl, `${app} asks for a sign-in`, 20_000);
    const res = await fetch(url);
    assert.strictEqual(res.status, 200, `${await res.text()} (redirect_uri ${new URL(url).searchParams.get('redirect_uri')}, landed on ${res.url})`);
  }

  it('signs in with OAuth through the editor (no process), calls tools, and Sign Out makes the next use sign in again (screenshot readme-direct-signin)', async () => {
    await cfg().update('apps', { tracker: { url: oauth.url, transport: 'direct' } }, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().includes('tracker'), 'app configured');
    const call = vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'tracker', 'echo', { text: 'signed in from the editor' });
    await waitFor(() => api.pool.snapshot('tracker')?.authUrl, 'a sign-in is asked');
    await vscode.commands.executeCommand('mcpPool.apps.focus');
    const facts = await screenshot('readme-direct-signin', { notifications: true });
    if (facts)
      assert.ok(
        facts.notifications.some((n) => /tracker needs authorization/.test(n)),
        JSON.stringify(facts.notifications),
      );
    await signIn('tracker');
    const out = await call;
    assert.match(textOf(out), /signed in from the editor/);
    assert.strictEqual(out.pid, undefined, 'no process');
    const snap = api.pool.snapshot('tracker')!;
    assert.strictEqual(snap.transport, 'direct');
    assert.strictEqual(snap.pid, undefined);
    const again = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'tracker', 'add', { a: 2, b: 3 });
    assert.strictEqual(textOf(again), '5');
    assert.strictEqual(again.coldStart, false);
    assert.strictEqual(oauth.stats.authorizations, 1);
    const row = await waitFor(() => api.tree.rows().find((r) => r.label === 'tracker' && /idle/.test(String(r.description))), 'the row is idle');
    assert.ok(row);

    assert.strictEqual(await vscode.commands.executeCommand('mcpPool.signOut', 'tracker'), 'tracker');
    assert.strictEqual(api.pool.snapshot('tracker')!.status, 'stopped');
    const afterSignOut = vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'tracker', 'echo', { text: 'signed in again' });
    await signIn('tracker');
    assert.match(textOf(await afterSignOut), /signed in again/);
    assert.strictEqual(oauth.stats.authorizations, 2, 'signed in again after Sign Out');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it("honours the editor's proxy setting (http.proxy): a server only the proxy can reach works through it; without, the start says the host did not resolve", async () => {
    // VS Code sends loopback addresses past any proxy: the app's host is a name nothing resolves,
    // which the test proxy (CONNECT tunnels and absolute URIs) maps to the local server
    const upstream = new URL(http.url);
    const at = (host: string) => `http://${host}:${upstream.port}${upstream.pathname}`;
    const proxy = await startForwardProxy({ host: '127.0.0.1', port: Number(upstream.port) });
    const httpCfg = () => vscode.workspace.getConfiguration('http');
    try {
      await cfg().update('apps', { nowhere: { url: at('mcp-nowhere.invalid'), transport: 'direct', allowHttp: true } }, vscode.ConfigurationTarget.Global);
      await waitFor(() => api.pool.names().includes('nowhere'), 'app configured');
      await assert.rejects(api.pool.callTool('nowhere', 'echo', { text: 'x' }), /mcp-nowhere\.invalid could not be resolved/);

      await httpCfg().update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
      await cfg().update('apps', { behind: { url: at('mcp-upstream.invalid'), transport: 'direct', allowHttp: true } }, vscode.ConfigurationTarget.Global);
      await waitFor(() => api.pool.names().includes('behind'), 'app configured');
      const out = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'behind', 'echo', { text: 'through the proxy of the editor' });
      assert.match(textOf(out), /through the proxy of the editor/);
      assert.strictEqual(out.pid, undefined, 'no process');
      assert.ok(
        proxy.asked.some((a) => a.includes(`mcp-upstream.invalid:${upstream.port}`)),
        `the proxy was asked for ${JSON.stringify(proxy.asked)}`,
      );
      const again = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'behind', 'add', { a: 20, b: 22 });
      assert.strictEqual(textOf(again), '42');
    } finally {
      await httpCfg().update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
      await proxy.close();
    }
  });

  it('mcpPool.remoteTransport "direct" switches remote apps that do not choose, and back', async () => {
    await cfg().update('apps', { plain: { url: http.url }, proxied: { url: http.url, transport: 'mcp-remote' } }, vscode.ConfigurationTarget.Global);
    await cfg().update('remoteTransport', 'direct', vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.snapshot('plain')?.transport === 'direct', 'plain is direct');
    assert.strictEqual(api.pool.snapshot('proxied')!.transport, 'mcp-remote');
    const out = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'plain', 'echo', { text: 'direct by default' });
    assert.match(textOf(out), /direct by default/);
    assert.strictEqual(out.pid, undefined);
    // (the default is "auto" now, which is direct for this app: back to mcp-remote by name)
    await cfg().update('remoteTransport', 'mcp-remote', vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.snapshot('plain')?.transport === 'mcp-remote', 'back to mcp-remote');
    const proxied = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', 'plain', 'echo', { text: 'through the proxy' });
    assert.ok(proxied.pid, 'an mcp-remote process');
  });
});
