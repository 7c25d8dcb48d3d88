// The vscode-free parts of the Apps view: state icons and contextValues (which package.json menus
// match), the hover text, tree node arguments, and the tool-list cache that keeps refreshes
// from restarting apps.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type AppSnapshot, isAlive, isRunning, type ToolInfo } from '../../src/pool';
import { contextValueOf, holdsProcess, stateIcon } from '../../src/views/appState';
import { appTooltipMarkdown, clientsText, codeBlock, escapeMarkdown, notRunTooltipMarkdown, offersText } from '../../src/views/appTooltip';
import { ToolCache, type ToolSource } from '../../src/views/toolCache';
import { appNameOf, isItemNode, nodeId, toolNameOf, type ToolNode } from '../../src/views/treeNodes';
import { snapshot } from './appSnapshot';
import { describeApp } from '../../src/views/format';

const NOW = 1_700_000_000_000;

/** The `when` clauses of the Apps view's item menus, by command. */
function menuWhens(): { command: string; when: string }[] {
  const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8')) as {
    contributes: { menus: Record<string, { command: string; when: string }[]> };
  };
  return pkg.contributes.menus['view/item/context'];
}

/** Evaluates a when clause of the Apps view: `view == mcpPool.apps` and `viewItem =~ /re/`, `== x`, `!= x` terms. */
function menuApplies(when: string, viewItem: string): boolean {
  return when
    .split('&&')
    .map((t) => t.trim())
    .every((term) => {
      if (term === 'view == mcpPool.apps') return true;
      let m = /^viewItem =~ \/(.*)\/$/.exec(term);
      if (m) return new RegExp(m[1]).test(viewItem);
      m = /^viewItem (==|!=) (\S+)$/.exec(term);
      if (m) return (m[1] === '==') === (viewItem === m[2]);
      // a term this evaluator does not know must not count as true
      throw new Error(`menuApplies: unsupported when-clause term "${term}" in "${when}"`);
    });
}

function commandsFor(viewItem: string): string[] {
  return [
    ...new Set(
      menuWhens()
        .filter((m) => menuApplies(m.when, viewItem))
        .map((m) => m.command),
    ),
  ].sort();
}

describe('Apps view (pure parts)', () => {
  describe('state → icon, contextValue', () => {
    it('maps each status to a codicon and color', () => {
      assert.deepEqual(stateIcon(snapshot({ status: 'idle' }), NOW), { id: 'circle-filled', color: 'testing.iconPassed' });
      assert.deepEqual(stateIcon(snapshot({ status: 'busy' }), NOW), { id: 'sync~spin', color: 'charts.blue' });
      assert.equal(stateIcon(snapshot({ status: 'starting' }), NOW).id, 'loading~spin');
      assert.equal(stateIcon(snapshot({ status: 'stopped' }), NOW).id, 'circle-outline');
      assert.equal(stateIcon(snapshot({ status: 'crashed' }), NOW).id, 'error');
      assert.deepEqual(stateIcon(snapshot({ status: 'starting', authUrl: 'https://x' }), NOW), { id: 'key', color: 'charts.yellow' });
      assert.equal(stateIcon(snapshot({ status: 'crashed', backoffUntil: NOW + 1000 }), NOW).id, 'watch');
    });

    it('encodes the state in contextValue, with .auth while authorization is pending', () => {
      assert.equal(contextValueOf(snapshot({ status: 'idle' })), 'app.running');
      assert.equal(contextValueOf(snapshot({ status: 'busy' })), 'app.running');
      assert.equal(contextValueOf(snapshot({ status: 'starting' })), 'app.starting');
      assert.equal(contextValueOf(snapshot({ status: 'idle', transport: 'direct' })), 'app.running.direct', 'a direct app: no PID to copy, Sign Out');
      assert.equal(contextValueOf(snapshot({ status: 'starting', transport: 'direct', authUrl: 'https://as/authorize' })), 'app.starting.direct.auth');
      assert.equal(contextValueOf(snapshot({ status: 'stopping' })), 'app.stopping');
      assert.equal(contextValueOf(snapshot({ status: 'stopped' })), 'app.stopped');
      assert.equal(contextValueOf(snapshot({ status: 'crashed' })), 'app.crashed');
      assert.equal(contextValueOf(snapshot({ status: 'starting', authUrl: 'https://x' })), 'app.starting.auth');
      assert.equal(contextValueOf(snapshot({ status: 'idle', authUrl: 'https://x' })), 'app.running.auth');
      assert.equal(contextValueOf(snapshot({ status: 'stopped', authUrl: 'https://x' })), 'app.stopped', 'stale URL: no .auth');
    });

    it('package.json menus offer the right actions for each contextValue', () => {
      assert.deepEqual(commandsFor('app.running'), [
        'mcpPool.copyClientConfig',
        'mcpPool.copyPid',
        'mcpPool.invokeTool',
        'mcpPool.killApp',
        'mcpPool.listTools',
        'mcpPool.restartApp',
        'mcpPool.revokeSampling',
        'mcpPool.showOutput',
        'mcpPool.usePoolIn',
      ]);
      assert.deepEqual(commandsFor('app.starting.auth'), [
        'mcpPool.authorize',
        'mcpPool.copyClientConfig',
        'mcpPool.invokeTool',
        'mcpPool.killApp',
        'mcpPool.listTools',
        'mcpPool.restartApp',
        'mcpPool.revokeSampling',
        'mcpPool.showOutput',
        'mcpPool.usePoolIn',
      ]);
      assert.deepEqual(commandsFor('app.running.auth'), [
        'mcpPool.authorize',
        'mcpPool.copyClientConfig',
        'mcpPool.copyPid',
        'mcpPool.invokeTool',
        'mcpPool.killApp',
        'mcpPool.listTools',
        'mcpPool.restartApp',
        'mcpPool.revokeSampling',
        'mcpPool.showOutput',
        'mcpPool.usePoolIn',
      ]);
      assert.deepEqual(commandsFor('app.stopped'), [
        'mcpPool.copyClientConfig',
        'mcpPool.invokeTool',
        'mcpPool.listTools',
        'mcpPool.revokeSampling',
        'mcpPool.showOutput',
        'mcpPool.startApp',
        'mcpPool.usePoolIn',
      ]);
      assert.deepEqual(commandsFor('app.crashed'), [
        'mcpPool.copyClientConfig',
        'mcpPool.invokeTool',
        'mcpPool.listTools',
        'mcpPool.revokeSampling',
        'mcpPool.showOutput',
        'mcpPool.startApp',
        'mcpPool.usePoolIn',
      ]);
      assert.deepEqual(commandsFor('app.stopping'), ['mcpPool.showOutput']);
      assert.deepEqual(commandsFor('app.blocked'), ['mcpPool.showOutput']);
      assert.deepEqual(commandsFor('app.invalid'), ['mcpPool.showOutput']);
      assert.deepEqual(commandsFor('tool'), ['mcpPool.invokeTool']);
      assert.deepEqual(commandsFor('toolsError'), ['mcpPool.refresh']);
    });

    it('package.json menus offer the right actions for groups, resources, templates and prompts', () => {
      assert.deepEqual(commandsFor('group.tools'), ['mcpPool.invokeTool', 'mcpPool.listTools']);
      assert.deepEqual(commandsFor('group.resources'), ['mcpPool.openResource']);
      assert.deepEqual(commandsFor('group.prompts'), ['mcpPool.getPrompt']);
      assert.deepEqual(commandsFor('resource'), ['mcpPool.copyResourceUri', 'mcpPool.openResource']);
      assert.deepEqual(commandsFor('template'), ['mcpPool.copyResourceUri', 'mcpPool.openResource']);
      assert.deepEqual(commandsFor('prompt'), ['mcpPool.getPrompt']);
    });

    it('running = idle or busy; alive = running or starting; a stopping app still holds a process', () => {
      assert.deepEqual(
        (['starting', 'idle', 'busy', 'stopping', 'stopped', 'crashed'] as const).map((status) => [
          status,
          isRunning(status),
          isAlive(status),
          holdsProcess(snapshot({ status })),
        ]),
        [
          ['starting', false, true, true],
          ['idle', true, true, true],
          ['busy', true, true, true],
          ['stopping', false, false, true],
          ['stopped', false, false, false],
          ['crashed', false, false, false],
        ],
      );
    });
  });

  describe('hover', () => {
    it('a direct app: says how it is reached, that no process runs, and why its connection was lost', () => {
      const running = appTooltipMarkdown(snapshot({ status: 'idle', transport: 'direct', createdAt: NOW - 1000 }), NOW);
      assert.match(running, /remote \(direct HTTP\)/);
      assert.match(running, /\*\*Process:\*\* none: the session runs in the editor/);
      assert.doesNotMatch(running, /PID/);
      const lost = snapshot({
        status: 'crashed',
        transport: 'direct',
        exit: { code: null, signal: null, reason: 'connection lost: the server no longer knows the session (HTTP 404)' },
      });
      assert.match(appTooltipMarkdown(lost, NOW), /\*\*Disconnected:\*\* connection lost: the server no longer knows the session \\\(HTTP 404\\\)/);
      assert.match(describeApp(lost, NOW), /^crashed · connection lost/);
      assert.match(appTooltipMarkdown(snapshot({ status: 'idle', pid: 7 }), NOW), /remote \(mcp-remote\)/);
      // the setting's "auto" says which transport it chose, and why
      const auto = appTooltipMarkdown(
        snapshot({ status: 'idle', pid: 7, transportChoice: 'through mcp-remote: it sets "env" for the mcp-remote process' }),
        NOW,
      );
      assert.match(auto, /\*\*Transport:\*\* through mcp\\-remote: it sets "env" for the mcp\\-remote process \(setting remoteTransport: auto\)/);
    });

    it('names the clients that use the app through the gateway (same names counted once)', () => {
      const clients = [{ name: 'Claude Code', version: '1.0.3' }, { name: 'mcp-pool' }, { name: 'Claude Code', version: '1.0.3' }];
      assert.equal(clientsText(clients), '3 clients: Claude Code 1.0.3 ×2, mcp-pool');
      assert.match(
        appTooltipMarkdown(snapshot({ status: 'idle', pid: 1 }), NOW, { clients }),
        /\*\*Gateway:\*\* 3 clients: Claude Code 1\\\.0\\\.3 ×2, mcp\\-pool/,
      );
      assert.doesNotMatch(appTooltipMarkdown(snapshot({ status: 'idle', pid: 1 }), NOW, { clients: [] }), /Gateway/);
    });

    it('lists what a user wants to know about a running app', () => {
      const md = appTooltipMarkdown(
        snapshot({
          status: 'idle',
          pid: 4242,
          createdAt: NOW - 180_000,
          lastUsedAt: NOW - 12_000,
          calls: 7,
          errors: 1,
          inFlight: 0,
          starts: 2,
          serverName: 'example-server',
          serverVersion: '1.2.3',
          toolCount: 3,
          lastError: 'call to "x" failed: *boom*',
          stderrTail: ['l1', 'l2', 'l3', 'l4', 'l5', 'l6'],
        }),
        NOW,
        { rss: 47_395_635 },
      );
      assert.match(md, /^\*\*github\*\* — remote \(mcp-remote\) · idle {2}\n/);
      assert.match(md, /\*\*URL:\*\* `https:\/\/api\.example\.com\/mcp`/);
      assert.match(md, /\*\*PID:\*\* 4242 · memory 45\.2 MB/);
      assert.match(md, /\*\*Started:\*\* \d\d:\d\d:\d\d {2}\n/);
      assert.match(md, /\*\*Last used:\*\* \d\d:\d\d:\d\d {2}\n/);
      // A resolved hover stays until its row changes: nothing in it may age by itself.
      assert.doesNotMatch(md, /ago|up \d|just now/);
      assert.match(md, /_As of \d\d:\d\d:\d\d\._$/);
      assert.match(md, /\*\*Calls:\*\* 7 · errors 1 · in flight 0 · starts 2/);
      assert.match(md, /\*\*Server:\*\* example\\-server 1\\\.2\\\.3 · 3 tools/);
      assert.match(md, /\*\*Last error:\*\* call to "x" failed: \\\*boom\\\*/);
      assert.match(md, /last 5 lines[\s\S]*```text\nl2\nl3\nl4\nl5\nl6\n```\n\n_As of/);
    });

    it("shows the protocol revision of the app's connection and its era (bridged by mcp-remote when it is)", () => {
      const line = (patch: Partial<AppSnapshot>) =>
        /\*\*Protocol:\*\* ([^\n]*?)(?: {2})?\n/.exec(appTooltipMarkdown(snapshot({ status: 'idle', pid: 1, ...patch }), NOW))?.[1];
      assert.equal(line({ protocolVersion: '2026-07-28', protocolEra: 'modern' }), 'MCP 2026\\-07\\-28 \\(modern era\\), bridged by mcp\\-remote');
      assert.equal(line({ transport: 'direct', protocolVersion: '2026-07-28', protocolEra: 'modern' }), 'MCP 2026\\-07\\-28 \\(modern era\\)');
      assert.equal(line({ kind: 'stdio', transport: 'stdio', protocolVersion: '2025-11-25', protocolEra: 'legacy' }), 'MCP 2025\\-11\\-25 \\(2025 era\\)');
      assert.equal(line({}), undefined, 'nothing connected: no line');
    });

    it('says what the server offers once it is known, with the counts listed so far', () => {
      const caps = { tools: true, resources: true, subscribe: true, prompts: true, completions: true, logging: false };
      const md = appTooltipMarkdown(
        snapshot({ status: 'idle', capabilities: caps, toolCount: 3, resourceCount: 8, resourceTemplateCount: 4, promptCount: 1 }),
        NOW,
      );
      assert.match(md, /\*\*Offers:\*\* 3 tools · 8 resources \+ 4 templates \(subscribable\) · 1 prompt · completions\n/);
      assert.equal(
        offersText(snapshot({ capabilities: { ...caps, subscribe: false, completions: false } })),
        'tools · resources · prompts',
        'not listed yet: no counts',
      );
      assert.equal(
        offersText(snapshot({ capabilities: { tools: false, resources: false, subscribe: false, prompts: false, completions: false, logging: true } })),
        'logging',
      );
      assert.equal(offersText(snapshot({})), undefined, 'unknown before the first start');
      assert.doesNotMatch(appTooltipMarkdown(snapshot({}), NOW), /Offers/);
    });

    it('explains backoff and pending authorization without linking the URL', () => {
      const md = appTooltipMarkdown(snapshot({ status: 'crashed', backoffUntil: NOW + 4000, consecutiveFailures: 3 }), NOW);
      assert.match(md, /next start held back until \d\d:\d\d:\d\d after 3 failures in a row; Start tries now/);
      const auth = appTooltipMarkdown(snapshot({ status: 'starting', authUrl: 'https://auth.example.com/a?redirect_uri=http%3A%2F%2Flocalhost' }), NOW);
      assert.match(auth, /Open Authorization Page/);
      assert.doesNotMatch(auth, /auth\.example\.com/);
      assert.doesNotMatch(md, /auth\.example\.com/);
    });

    it('explains blocked and invalid apps', () => {
      assert.match(notRunTooltipMarkdown('ws', 'blocked'), /not trusted/);
      assert.match(notRunTooltipMarkdown('bad', 'invalid', ['url: must be http(s)']), /- url: must be http\\\(s\\\)/);
    });

    it('escapes Markdown and fences code that contains fences', () => {
      assert.equal(escapeMarkdown('a_b*c[d](e)'), 'a\\_b\\*c\\[d\\]\\(e\\)');
      assert.equal(codeBlock(['x']), '```text\nx\n```');
      assert.equal(codeBlock(['````', 'y']), '`````text\n````\ny\n`````');
    });
  });

  describe('tree node arguments', () => {
    const tool: ToolNode = { kind: 'tool', app: 'gh', tool: 'search', info: { name: 'search', inputSchema: {} } };
    it('reads the app from a name or any node, the tool from a tool node or a second argument', () => {
      assert.equal(appNameOf('gh'), 'gh');
      assert.equal(appNameOf('  '), undefined);
      assert.equal(appNameOf(undefined), undefined);
      assert.equal(appNameOf({ kind: 'app', app: 'gh', state: 'pooled' }), 'gh');
      assert.equal(appNameOf(tool), 'gh');
      assert.equal(appNameOf({ foo: 1 }), undefined);
      assert.equal(toolNameOf(tool), 'search');
      assert.equal(toolNameOf('gh', 'other'), 'other');
      assert.equal(toolNameOf('gh'), undefined);
    });
    it('tells a tool, resource, template or prompt node (with its info) from anything else', () => {
      assert.equal(isItemNode(tool, 'tool'), true);
      assert.equal(isItemNode(tool, 'prompt'), false);
      assert.equal(isItemNode({ kind: 'resource', app: 'gh', group: 'resources', info: { uri: 'u://1', name: '1' } }, 'resource'), true);
      assert.equal(isItemNode({ kind: 'tool', app: 'gh', tool: 'search' }, 'tool'), false, 'no info');
      assert.equal(isItemNode({ kind: 'tool', info: {} }, 'tool'), false, 'no app');
      assert.equal(isItemNode('gh', 'tool'), false);
    });
    it('gives stable, distinct ids', () => {
      assert.equal(nodeId({ kind: 'app', app: 'gh', state: 'pooled' }), 'app/gh');
      assert.equal(nodeId(tool), 'app/gh/tool/search');
      assert.equal(nodeId({ kind: 'message', app: 'gh', text: 'x', error: true }), 'app/gh/message/error');
      assert.equal(nodeId({ kind: 'message', app: 'gh', text: 'x', error: true, group: 'resources' }), 'app/gh/group/resources/message/error');
      assert.equal(nodeId({ kind: 'group', app: 'gh', group: 'prompts', count: '2' }), 'app/gh/group/prompts');
      assert.equal(nodeId({ kind: 'resource', app: 'gh', group: 'resources', info: { uri: 'fixture://a', name: 'a' } }), 'app/gh/resource/fixture://a');
      assert.equal(
        nodeId({ kind: 'template', app: 'gh', group: 'resources', info: { uriTemplate: 'fixture://{x}', name: 'x' } }),
        'app/gh/template/fixture://{x}',
      );
      assert.equal(nodeId({ kind: 'prompt', app: 'gh', group: 'prompts', info: { name: 'greet', arguments: [] } }), 'app/gh/prompt/greet');
      assert.equal(appNameOf({ kind: 'prompt', app: 'gh', group: 'prompts', info: { name: 'greet', arguments: [] } }), 'gh');
    });
  });

  describe('tool cache', () => {
    class FakeSource implements ToolSource {
      calls = 0;
      fail?: string;
      snap: AppSnapshot = snapshot({ status: 'idle' });
      tools: ToolInfo[] = [{ name: 'echo', inputSchema: {} }];
      async listTools(): Promise<ToolInfo[]> {
        this.calls++;
        if (this.fail) throw new Error(this.fail);
        return this.tools;
      }
      snapshot(): AppSnapshot {
        return this.snap;
      }
    }

    it('lists once, then serves the list (a refresh never restarts a stopped app)', async () => {
      const src = new FakeSource();
      const cache = new ToolCache(src);
      assert.deepEqual(
        (await cache.get('github')).tools?.map((t) => t.name),
        ['echo'],
      );
      src.snap = snapshot({ status: 'stopped' });
      cache.markStale('github');
      await cache.get('github');
      await cache.get('github');
      assert.equal(src.calls, 1, 'stale but stopped: the old list is shown, nothing is started');
      src.snap = snapshot({ status: 'idle' });
      src.tools = [
        { name: 'echo', inputSchema: {} },
        { name: 'add', inputSchema: {} },
      ];
      assert.equal((await cache.get('github')).tools?.length, 2, 'stale and running: listed again');
      assert.equal(src.calls, 2);
      await cache.get('github');
      assert.equal(src.calls, 2);
    });

    it('shares one listing between concurrent callers', async () => {
      const src = new FakeSource();
      const cache = new ToolCache(src);
      await Promise.all([cache.get('github'), cache.get('github'), cache.get('github')]);
      assert.equal(src.calls, 1);
    });

    it('keeps a failure until a manual retry', async () => {
      const src = new FakeSource();
      src.fail = 'spawn ENOENT';
      const cache = new ToolCache(src);
      assert.equal((await cache.get('github')).error, 'spawn ENOENT');
      assert.equal((await cache.get('github')).error, 'spawn ENOENT');
      assert.equal(src.calls, 1);
      src.fail = undefined;
      cache.retryErrors();
      assert.equal((await cache.get('github')).tools?.length, 1);
      assert.equal(src.calls, 2);
    });

    it('a re-read that fails (the app died under it) keeps the last known tools, and lists again once it runs', async () => {
      const src = new FakeSource();
      const cache = new ToolCache(src);
      await cache.get('github');
      cache.markStale('github');
      src.fail = 'app "github" died during listing tools';
      assert.deepEqual(
        (await cache.get('github')).tools?.map((t) => t.name),
        ['echo'],
      );
      src.fail = undefined;
      src.tools = [{ name: 'add', inputSchema: {} }];
      assert.deepEqual(
        (await cache.get('github')).tools?.map((t) => t.name),
        ['add'],
        'still stale: listed again',
      );
      assert.equal(src.calls, 3);
    });

    it('drops a list when the definition changed, and forgets removed apps', async () => {
      const src = new FakeSource();
      const cache = new ToolCache(src);
      await cache.get('github');
      src.snap = snapshot({ status: 'stopped', target: 'https://other.example.com/mcp' });
      await cache.get('github');
      assert.equal(src.calls, 2);
      cache.retain(new Set());
      assert.equal(cache.peek('github'), undefined);
    });
  });
});
