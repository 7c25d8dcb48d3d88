// The gateway in a real editor: the exported API's endpoint used by a real SDK client over HTTP,
// VS Code's own MCP client calling a pooled app (VS Code ≥ 1.100), an integrated terminal with the
// gateway's environment and the `mcp-pool` launcher on PATH, the tree counting the clients, and the
// setting that turns it all off. Servers are real: the SDK stdio fixture.
import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import pkg from '../../../package.json';
import type { McpPoolApi } from '../../../src/extension';
import { discoveryDir, liveEntries } from '../../../src/contract/discovery';
import { ENV_TOKEN, ENV_URL, mcpPath } from '../../../src/contract/protocol';
import type { CallOutcome } from '../../../src/pool';
import { STDIO_FIXTURE } from '../../fixtures/paths';
import { sleep, treeRows, uiFactsOrSkip, underHarness, waitFor, waitForUi } from './ui';

const EXT_ID = `${pkg.publisher}.${pkg.name}`;
const trustedRun = process.env.EDITOR_TEST_TRUST !== 'untrusted';
const cfg = () => vscode.workspace.getConfiguration('mcpPool');
const APP = 'gw';

/** The parts of VS Code's language model tool API this test uses (in @types/vscode 1.99 too, but typed loosely here). */
interface LmTools {
  readonly tools: readonly { readonly name: string }[];
  invokeTool(name: string, options: { input: object; toolInvocationToken: undefined }): Thenable<{ content: unknown[] }>;
}

(trustedRun ? describe : describe.skip)('The gateway in a real editor', function () {
  this.timeout(90_000);
  let api: McpPoolApi;
  const clients: Client[] = [];

  async function connect(name: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const endpoint = api.gateway.endpoint!;
    const client = new Client({ name, version: '9.9.9' });
    const transport = new StreamableHTTPClientTransport(new URL(endpoint.url + mcpPath(APP)), {
      requestInit: { headers: { Authorization: `Bearer ${endpoint.token}` } },
    });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  }

  before(async () => {
    api = await vscode.extensions.getExtension<McpPoolApi>(EXT_ID)!.activate();
    await cfg().update('apps', { [APP]: { command: process.execPath, args: [STDIO_FIXTURE, '--name=gateway'] } }, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.pool.names().includes(APP), 'the app in the pool');
    await waitFor(() => api.gateway.endpoint, 'the gateway listening');
  });

  after(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await cfg().update('gateway.enabled', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('apps', undefined, vscode.ConfigurationTarget.Global);
    // the next suite starts from an empty tree (its welcome view is on screen again)
    await waitFor(() => api.tree.rows().length === 0, 'an empty tree');
    await sleep(500);
  });

  it('listens on 127.0.0.1 after activation, and publishes this window in the discovery folder', () => {
    console.log(`    [measure] activate() took ${api.activationMs.toFixed(1)} ms (the gateway listens after it returned)`);
    const { url, token } = api.gateway.endpoint!;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const entry = liveEntries(discoveryDir()).find((e) => e.pid === process.pid);
    assert.ok(entry, `no discovery entry for pid ${process.pid} in ${discoveryDir()}`);
    assert.strictEqual(entry.url, url);
    assert.strictEqual(entry.token, token);
    assert.deepStrictEqual(
      entry.folders,
      (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath),
    );
  });

  it("a real SDK client calls the pooled app through the gateway, on the pool's own process; the tree and status bar count it (screenshot gateway-clients)", async function () {
    const warm = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', APP, 'echo', { text: 'warm' });
    const { client, transport } = await connect('suite-client');
    const r = await client.callTool({ name: 'echo', arguments: { text: 'through the gateway' } });
    assert.strictEqual((r.structuredContent as { pid: number }).pid, warm.pid, "the gateway used the pool's warm process");
    assert.strictEqual(api.pool.snapshot(APP)!.starts, 1);
    assert.deepStrictEqual(
      api.gateway.clients(APP).map((c) => c.name),
      ['suite-client'],
    );
    await waitFor(() => api.tree.rows().find((row) => row.label === APP && /· 1 client$/.test(row.description)), 'the row counts the client');
    await waitFor(() => /gw: .*1 client: suite-client 9\.9\.9/.test(api.statusBar.tooltipText), 'the status bar names the client');
    await vscode.commands.executeCommand('mcpPool.apps.focus');
    if (!underHarness()) await uiFactsOrSkip(this, 'gateway-clients');
    // the workbench renders the row a moment after the tree fired its change: wait for it, bounded
    await waitForUi(
      'gateway-clients',
      (facts) => treeRows(facts).find((x) => x.label === APP && /1 client/.test(x.description)),
      'the rendered row to show the client',
    );
    await transport.terminateSession();
    await client.close();
    await waitFor(
      () => api.gateway.clients(APP).length === 0 && api.tree.rows().find((x) => x.label === APP && !/client/.test(x.description)),
      'the client gone from the row',
    );
  });

  it('an integrated terminal gets MCP_POOL_URL, MCP_POOL_TOKEN and the mcp-pool launcher on PATH', async function () {
    if (process.platform === 'win32') this.skip();
    assert.ok(api.launcher, 'a launcher was written');
    const launcher = fs.readFileSync(api.launcher, 'utf8');
    const extensionPath = vscode.extensions.getExtension(EXT_ID)!.extensionPath;
    assert.ok(launcher.includes(`node='${process.execPath}'`), launcher);
    assert.ok(launcher.includes(`cli='${path.join(extensionPath, 'dist', 'cli.js')}'`), launcher);
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'gw-term-')), 'env.txt');
    const script = `env > '${out}.tmp'; command -v mcp-pool >> '${out}.tmp'; mcp-pool call ${APP} echo text=from-terminal >> '${out}.tmp' 2>&1; echo "exit=$?" >> '${out}.tmp'; mv '${out}.tmp' '${out}'`;
    const terminal = vscode.window.createTerminal({ name: 'gateway env', shellPath: '/bin/sh', shellArgs: ['-c', script] });
    try {
      const text = await waitFor(() => (fs.existsSync(out) ? fs.readFileSync(out, 'utf8') : undefined), 'the terminal wrote its environment', 20_000);
      const env = Object.fromEntries(
        text
          .split('\n')
          .filter((l) => /^\w+=/.test(l))
          .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
      );
      const { url, token } = api.gateway.endpoint!;
      assert.strictEqual(env[ENV_URL], url);
      assert.strictEqual(env[ENV_TOKEN], token);
      assert.strictEqual(env.PATH.split(path.delimiter)[0], path.dirname(api.launcher));
      assert.ok(text.includes(`\n${api.launcher}\n`), `mcp-pool resolves to the launcher: ${text.slice(-600)}`);
      // the terminal's `mcp-pool call` ran on the pool's warm process (echo reports its pid)
      assert.match(text, /from-terminal/, text.slice(-600));
      assert.match(text, /exit=0/, text.slice(-600));
      assert.match(text, new RegExp(`"pid":${api.pool.snapshot(APP)!.pid}\\b`), text.slice(-600));
    } finally {
      terminal.dispose();
    }
  });

  it('the terminal flow: mcp-pool status and mcp-pool call typed in an integrated terminal, on the warm process (screenshot terminal)', async function () {
    if (process.platform === 'win32') this.skip();
    await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', APP, 'echo', { text: 'warm' });
    const before = api.pool.snapshot(APP)!;
    const terminal = vscode.window.createTerminal({ name: 'mcp-pool', shellPath: '/bin/bash', shellArgs: ['--norc', '--noprofile', '-i'], env: { PS1: '$ ' } });
    try {
      terminal.show();
      await sleep(800);
      terminal.sendText('clear');
      terminal.sendText('mcp-pool status');
      // (after its output, so the next line is not echoed early as type-ahead)
      await sleep(1500);
      terminal.sendText(`mcp-pool call ${APP} echo text="hello from the terminal"`);
      // typed as a user would: the call is seen by the pool, on the process that was already warm
      await waitFor(() => (api.pool.snapshot(APP)!.calls > before.calls ? true : undefined), "the terminal's call reached the pool", 20_000);
      const after = api.pool.snapshot(APP)!;
      assert.strictEqual(after.pid, before.pid);
      assert.strictEqual(after.starts, before.starts, 'no new process');
      await sleep(700);
      await uiFactsOrSkip(this, 'terminal');
    } finally {
      terminal.dispose();
    }
  });

  it("VS Code's own MCP lists the pooled tools and calls them on the warm process (VS Code ≥ 1.100)", async function () {
    if (!api.vscodeMcp) {
      console.log(`    [skip] "${this.test?.title}": VS Code ${vscode.version} has no lm.registerMcpServerDefinitionProvider (it came in 1.100)`);
      return this.skip();
    }
    const lm = vscode.lm as unknown as LmTools;
    assert.ok(api.vscodeMcp.registered);
    await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', APP, 'echo', { text: 'warm' });
    const before = api.pool.snapshot(APP)!;
    assert.ok(before.pid, 'the app is warm');
    // VS Code names a server's tools after the name the server gives at initialize (the gateway gives
    // the app's), older versions after the definition's label: the app's name either way
    const names = [`mcp_${APP}_echo`];
    const t0 = Date.now();
    let attempts = 0;
    const tool = await waitFor(
      async () => {
        attempts++;
        // a start in the first seconds of the extension host can do nothing: retried until the tools appear
        // (by the server's id; from the third attempt, all servers, in case this VS Code spells ids otherwise)
        await Promise.race([
          vscode.commands.executeCommand('workbench.mcp.startServer', attempts < 3 ? `${EXT_ID}/${APP}` : '*', { waitForLiveTools: true }),
          sleep(5000),
        ]);
        return lm.tools.find((t) => names.includes(t.name))?.name;
      },
      `${names.join(' or ')} in vscode.lm.tools`,
      45_000,
    ).catch((e: Error) => {
      throw new Error(
        `${e.message} (its MCP tools: ${
          lm.tools
            .filter((t) => t.name.startsWith('mcp_'))
            .map((t) => t.name)
            .join(', ') || 'none'
        })`,
      );
    });
    console.log(`    [measure] VS Code's MCP saw the pooled tools (${tool}) ${Date.now() - t0} ms after the first startServer (${attempts} attempt(s))`);
    const result = await lm.invokeTool(tool, { input: { text: 'from VS Code MCP' }, toolInvocationToken: undefined });
    const text = result.content
      .map((p) => (p as { value?: unknown }).value)
      .filter((v) => typeof v === 'string')
      .join('\n');
    assert.match(text, /from VS Code MCP/);
    // the fixture answers with its pid (as text, and in structured content, which VS Code may give instead)
    const pid = /"pid":\s*(\d+)/.exec(text);
    assert.ok(pid, `no pid in the result: ${text}`);
    assert.strictEqual(Number(pid[1]), before.pid, "ran on the pool's process");
    const after = api.pool.snapshot(APP)!;
    assert.strictEqual(after.pid, before.pid);
    assert.strictEqual(after.starts, before.starts, 'no new process');
    assert.ok(api.gateway.clients(APP).length >= 1, 'VS Code is a client of the gateway');
    console.log(`    [info] VS Code's MCP client calls itself ${JSON.stringify(api.gateway.clients(APP))}`);
  });

  it('mcpPool.gateway.enabled = false stops it (no endpoint, no discovery entry, no MCP servers); true starts it again on a new token', async () => {
    const old = api.gateway.endpoint!;
    await cfg().update('gateway.enabled', false, vscode.ConfigurationTarget.Global);
    await waitFor(() => api.gateway.endpoint === undefined, 'the gateway stopped');
    assert.ok(!liveEntries(discoveryDir()).some((e) => e.pid === process.pid), 'the discovery entry is removed');
    if (api.vscodeMcp) assert.deepStrictEqual(api.vscodeMcp.definitions(), []);
    await assert.rejects(fetch(`${old.url}/v1/pool`, { headers: { Authorization: `Bearer ${old.token}` } }));
    await cfg().update('gateway.enabled', true, vscode.ConfigurationTarget.Global);
    const next = await waitFor(() => api.gateway.endpoint, 'the gateway listening again');
    assert.notStrictEqual(next.token, old.token);
    const status = await fetch(`${next.url}/v1/pool`, { headers: { Authorization: `Bearer ${next.token}` } });
    assert.strictEqual(status.status, 200);
    assert.ok(liveEntries(discoveryDir()).some((e) => e.pid === process.pid && e.url === next.url));
    if (api.vscodeMcp) {
      // the definitions VS Code keeps carry no token; the one it starts gets the current one
      const defs = api.vscodeMcp.definitions();
      assert.deepStrictEqual(
        defs.map((d) => [d.label, d.uri.toString(), d.headers.Authorization]),
        [[APP, `${next.url}${mcpPath(APP)}`, undefined]],
      );
      const resolved = api.vscodeMcp.resolve(defs[0])!;
      assert.deepStrictEqual([resolved.uri.toString(), resolved.headers.Authorization], [`${next.url}${mcpPath(APP)}`, `Bearer ${next.token}`]);
    }
  });

  it('Copy Client Configuration puts `<launcher> stdio <app>` on the clipboard', async () => {
    const config = await vscode.commands.executeCommand<{ text: string }>('mcpPool.copyClientConfig', APP, 'mcpServers', {});
    const doc = JSON.parse(config.text);
    assert.deepStrictEqual(doc.mcpServers[APP], { command: api.launcher, args: ['stdio', APP] });
    assert.strictEqual(await vscode.env.clipboard.readText(), config.text);
  });

  it("Use the Pool in… merges the app into a folder's Cursor mcp.json (backup kept), the hover names it, and the written command reaches the warm process", async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const dir = path.join(folder, '.cursor');
    const file = path.join(dir, 'mcp.json');
    const relay: Client[] = [];
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, '{\n  // mine\n  "mcpServers": { "mine": { "command": "x" } }\n}\n');
      const r = await vscode.commands.executeCommand<{ files: { path: string; backup?: string }[] }>('mcpPool.usePoolIn', 'cursor', {
        file,
        apps: [APP],
        write: true,
      });
      assert.strictEqual(r.files[0].path, file);
      assert.ok(r.files[0].backup && fs.existsSync(r.files[0].backup), 'a backup kept');
      const text = fs.readFileSync(file, 'utf8');
      assert.match(text, /\/\/ mine/);
      const servers = (JSON.parse(text.replace('// mine', '')) as { mcpServers: Record<string, { command: string; args: string[] }> }).mcpServers;
      assert.deepStrictEqual(servers.mine, { command: 'x' });
      // a local app's own command is its fallback (it needs no env, folder or secret)
      assert.deepStrictEqual(servers[APP], { command: api.launcher, args: ['stdio', APP, '--fallback', process.execPath, STDIO_FIXTURE, '--name=gateway'] });
      await waitFor(
        () => api.hosts.usedBy(APP).some((l) => l.startsWith('Cursor (') && l.endsWith(`${path.sep}.cursor${path.sep}mcp.json)`)),
        'the hover names Cursor',
      );
      // what Cursor would run: the launcher's relay, from the folder (it picks this window by folder)
      const warm = await vscode.commands.executeCommand<CallOutcome>('mcpPool.invokeTool', APP, 'echo', { text: 'warm' });
      const { StdioClientTransport } = await import('@modelcontextprotocol/sdk/client/stdio.js');
      const client = new Client({ name: 'cursor-like', version: '1.0.0' });
      await client.connect(new StdioClientTransport({ command: servers[APP].command, args: servers[APP].args, cwd: folder, stderr: 'pipe' }));
      relay.push(client);
      const answer = (await client.callTool({ name: 'echo', arguments: { text: 'via Cursor' } })) as { structuredContent?: { pid?: number } };
      assert.strictEqual(answer.structuredContent?.pid, (warm.result.structuredContent as { pid: number }).pid, "the pool's own process answered");
    } finally {
      await Promise.all(relay.map((c) => c.close().catch(() => undefined)));
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('Use the Pool in… shows the diff first and writes nothing when the question is dismissed; the diff closes', async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const dir = path.join(folder, '.codex');
    const file = path.join(dir, 'config.toml');
    const before = '# my Codex\nmodel = "o5"\n';
    const diffTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'mcp-pool-edit');
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, before);
      const running = vscode.commands.executeCommand<unknown>('mcpPool.usePoolIn', 'codex', { file, apps: [APP], fallback: true });
      const [tab] = await waitFor(() => (diffTabs().length ? diffTabs() : undefined), 'the diff open');
      const proposed = await vscode.workspace.openTextDocument((tab.input as vscode.TabInputTextDiff).modified);
      assert.match(
        proposed.getText(),
        /^# my Codex\nmodel = "o5"\n\n\[mcp_servers\.gw\]\ncommand = ".*mcp-pool"\nargs = \[ "stdio", "gw", "--fallback", ".*", "--name=gateway" \]\n$/,
      );
      // the question appears just after the diff: dismiss it once it is there
      let settled = false;
      const outcome = Promise.resolve(running).finally(() => (settled = true));
      for (let i = 0; i < 40 && !settled; i++) {
        await vscode.commands.executeCommand('notifications.clearAll');
        await Promise.race([outcome, sleep(250)]);
      }
      assert.strictEqual(await outcome, undefined);
      assert.strictEqual(fs.readFileSync(file, 'utf8'), before);
      assert.deepStrictEqual(fs.readdirSync(dir), ['config.toml'], 'no backup either');
      await waitFor(() => diffTabs().length === 0 || undefined, 'the diff closed');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Use the Pool in… writes when Write is chosen in the diff's title bar (the notification out of sight), and the diff closes", async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const dir = path.join(folder, '.codex');
    const file = path.join(dir, 'config.toml');
    const diffTabs = () =>
      vscode.window.tabGroups.all
        .flatMap((g) => g.tabs)
        .filter((t) => t.input instanceof vscode.TabInputTextDiff && t.input.modified.scheme === 'mcp-pool-edit');
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(file, '# my Codex\n');
      const running = Promise.resolve(
        vscode.commands.executeCommand<{ files: { path: string; backup?: string }[] }>('mcpPool.usePoolIn', 'codex', { file, apps: [APP], fallback: true }),
      );
      await waitFor(() => diffTabs().length || undefined, 'the diff open');
      await vscode.commands.executeCommand('notifications.toggleDoNotDisturbMode').then(undefined, () => undefined);
      await vscode.commands.executeCommand('mcpPool.writeProposed');
      const r = await running;
      assert.strictEqual(r.files[0].path, file);
      assert.match(fs.readFileSync(file, 'utf8'), /^# my Codex\n\n\[mcp_servers\.gw\]\ncommand = /);
      await waitFor(() => diffTabs().length === 0 || undefined, 'the diff closed');
    } finally {
      await vscode.commands.executeCommand('notifications.toggleDoNotDisturbMode').then(undefined, () => undefined);
      await vscode.commands.executeCommand('notifications.clearAll');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("Route Clients Through the Pool… turns a folder's .mcp.json entry that runs the app's own command into the pool's, that command kept as --fallback", async () => {
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const file = path.join(folder, '.mcp.json');
    const own = [STDIO_FIXTURE, '--name=gateway'];
    try {
      fs.writeFileSync(file, JSON.stringify({ mcpServers: { notes: { type: 'stdio', command: process.execPath, args: own, timeout: 30 } } }, null, 2));
      await api.hosts.scan();
      const offer = api.hosts.offers().find((o) => o.file.path === file && o.entry === 'notes');
      assert.ok(offer, 'offered');
      assert.strictEqual(offer.app, APP);
      const r = await vscode.commands.executeCommand<{ files: { path: string }[]; apps: string[] }>('mcpPool.routeClients', {
        entries: [{ path: file, entry: 'notes' }],
        write: true,
      });
      assert.deepStrictEqual(r.apps, [APP]);
      const entry = (JSON.parse(fs.readFileSync(file, 'utf8')) as { mcpServers: Record<string, unknown> }).mcpServers.notes;
      assert.deepStrictEqual(entry, { type: 'stdio', command: api.launcher, args: ['stdio', APP, '--fallback', process.execPath, ...own], timeout: 30 });
      assert.ok(!api.hosts.offers().some((o) => o.file.path === file), 'no longer offered');
    } finally {
      for (const f of fs.readdirSync(folder))
        if (f === '.mcp.json' || f.startsWith('.mcp.json.mcp-pool-backup-')) fs.rmSync(path.join(folder, f), { force: true });
      await vscode.commands.executeCommand('notifications.clearAll');
    }
  });
});
