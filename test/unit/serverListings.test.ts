// What the Apps tree lists under an app, beyond tools: the generic listing cache (the tool cache's
// rules for resources, templates and prompts), which pool events make which listing stale, and the
// children of an app and of its groups (only what the server declares; a tools-only server keeps
// its flat tool list; an app that never ran is listed as before and grouped once it is known).
import * as assert from 'node:assert/strict';
import type { AppSnapshot, PromptInfo, ResourceInfo, ResourceTemplateInfo, ServerFeatures, ToolInfo } from '../../src/pool';
import { appChildren, groupChildren, offeredGroups } from '../../src/views/appChildren';
import { TreeListings } from '../../src/views/treeListings';
import { type ListingPool, ServerListings } from '../../src/views/serverListings';
import type { GroupNode, PoolTreeNode } from '../../src/views/treeNodes';
import { snapshot } from './appSnapshot';

const ALL: ServerFeatures = { tools: true, resources: true, subscribe: true, prompts: true, completions: true, logging: true };
const TOOLS_ONLY: ServerFeatures = { tools: true, resources: false, subscribe: false, prompts: false, completions: false, logging: false };

/** A made-up pool: listings count their calls, a listing of a stopped app "starts" it (and learns what it declares). */
class FakePool implements ListingPool {
  calls = { tools: 0, resources: 0, templates: 0, prompts: 0 };
  observed: boolean[] = [];
  fail: Partial<Record<keyof FakePool['calls'], string>> = {};
  snap: AppSnapshot = snapshot({ status: 'stopped' });
  /** What the server declares once started. */
  declares: ServerFeatures = ALL;
  tools: ToolInfo[] = [
    { name: 'search', inputSchema: {} },
    { name: 'echo', inputSchema: {} },
  ];
  resources: ResourceInfo[] = [
    { uri: 'fixture://b', name: 'beta' },
    { uri: 'fixture://a', name: 'alpha', mimeType: 'text/plain' },
  ];
  templates: ResourceTemplateInfo[] = [{ uriTemplate: 'fixture://files/{name}', name: 'file' }];
  prompts: PromptInfo[] = [
    { name: 'review', arguments: [] },
    { name: 'greet', arguments: [{ name: 'name', required: true }] },
  ];

  private async list<T>(kind: keyof FakePool['calls'], items: T[], observe?: boolean): Promise<T[]> {
    this.calls[kind]++;
    this.observed.push(observe === true);
    if (this.snap.status === 'stopped') this.snap = { ...this.snap, status: 'idle', capabilities: this.declares };
    const fail = this.fail[kind];
    if (fail) throw new Error(fail);
    return items;
  }
  listTools(_app: string, opts?: { observe?: boolean }) {
    return this.list('tools', this.tools, opts?.observe);
  }
  listResources(_app: string, opts?: { observe?: boolean }) {
    return this.list('resources', this.resources, opts?.observe);
  }
  listResourceTemplates(_app: string, opts?: { observe?: boolean }) {
    return this.list('templates', this.templates, opts?.observe);
  }
  listPrompts(_app: string, opts?: { observe?: boolean }) {
    return this.list('prompts', this.prompts, opts?.observe);
  }
  snapshot(): AppSnapshot {
    return this.snap;
  }
}

const labels = (nodes: PoolTreeNode[]) =>
  nodes.map((n) => {
    switch (n.kind) {
      case 'group':
        return `${n.group}(${n.count})`;
      case 'tool':
        return `tool:${n.tool}`;
      case 'resource':
        return `resource:${n.info.name}`;
      case 'template':
        return `template:${n.info.name}`;
      case 'prompt':
        return `prompt:${n.info.name}`;
      case 'message':
        return `${n.error ? 'error' : 'info'}:${n.text}`;
      default:
        return n.kind;
    }
  });

describe('server listings (the Apps tree beyond tools)', () => {
  describe("the tree's listings cache, for any kind of list", () => {
    it('lists once, re-fetches a stale list only while the app runs, keeps the last known items when a re-read fails', async () => {
      const pool = new FakePool();
      const cache = new TreeListings<ResourceInfo>({ list: (app) => pool.listResources(app, { observe: true }), snapshot: () => pool.snapshot() });
      assert.deepEqual(
        (await cache.get('notes')).items?.map((r) => r.name),
        ['beta', 'alpha'],
      );
      assert.equal(pool.calls.resources, 1);
      pool.snap = { ...pool.snap, status: 'stopped' };
      cache.markStale('notes');
      await cache.get('notes');
      assert.equal(pool.calls.resources, 1, 'stale but stopped: nothing is started to re-read it');
      pool.snap = { ...pool.snap, status: 'idle' };
      pool.fail.resources = 'app "notes" died during listing resources';
      assert.deepEqual(
        (await cache.get('notes')).items?.map((r) => r.name),
        ['beta', 'alpha'],
        'the last known items stay',
      );
      pool.fail.resources = undefined;
      pool.resources = [{ uri: 'fixture://c', name: 'gamma' }];
      assert.deepEqual(
        (await cache.get('notes')).items?.map((r) => r.name),
        ['gamma'],
        'still stale after the failure: listed again',
      );
      assert.equal(pool.calls.resources, 3);
    });

    it('keeps a first failure until retryErrors, and shares one listing between concurrent callers', async () => {
      const pool = new FakePool();
      pool.fail.prompts = 'unsupported';
      const cache = new TreeListings<PromptInfo>({ list: (app) => pool.listPrompts(app), snapshot: () => pool.snapshot() });
      const [a, b] = await Promise.all([cache.get('x'), cache.get('x')]);
      assert.equal(a.error, 'unsupported');
      assert.equal(b, a);
      await cache.get('x');
      assert.equal(pool.calls.prompts, 1);
      pool.fail.prompts = undefined;
      cache.retryErrors();
      assert.equal((await cache.get('x')).items?.length, 2);
    });
  });

  describe('which events make which listings stale', () => {
    it('a new process: all of them; a list_changed notification: its own kind; a change of what the server declares: the groups', async () => {
      const pool = new FakePool();
      pool.snap = snapshot({ status: 'idle', capabilities: ALL });
      const listings = new ServerListings(pool);
      const listAll = () =>
        Promise.all([listings.tools.get('github'), listings.resources.get('github'), listings.templates.get('github'), listings.prompts.get('github')]);
      await listAll();
      assert.deepEqual(pool.calls, { tools: 1, resources: 1, templates: 1, prompts: 1 });
      assert.ok(pool.observed.every(Boolean), "every listing is an observer's");

      assert.equal(listings.noteEvent({ type: 'resourcesChanged', app: 'github' }), true);
      await listAll();
      assert.deepEqual(pool.calls, { tools: 1, resources: 2, templates: 2, prompts: 1 });
      assert.equal(listings.noteEvent({ type: 'promptsChanged', app: 'github' }), true);
      assert.equal(listings.noteEvent({ type: 'toolsChanged', app: 'github' }), true);
      await listAll();
      assert.deepEqual(pool.calls, { tools: 2, resources: 2, templates: 2, prompts: 2 });
      assert.equal(listings.noteEvent({ type: 'started', app: 'github', pid: 1, durationMs: 1 }), true);
      await listAll();
      assert.deepEqual(pool.calls, { tools: 3, resources: 3, templates: 3, prompts: 3 });

      assert.equal(listings.noteEvent({ type: 'stderr', app: 'github', line: 'x' }), false);
      assert.equal(listings.noteEvent({ type: 'resourceUpdated', app: 'github', uri: 'fixture://a' }), false, 'contents, not the list');
      const state = (caps?: ServerFeatures) => listings.noteEvent({ type: 'state', app: 'github', snapshot: snapshot({ status: 'idle', capabilities: caps }) });
      assert.equal(state(undefined), false, 'not known yet');
      assert.equal(state(ALL), true, 'now known: the groups show');
      assert.equal(state(ALL), false, 'unchanged');
      assert.equal(state(TOOLS_ONLY), true, 'the server declares less now');
      listings.retain(new Set());
      assert.equal(state(TOOLS_ONLY), true, 'a removed app is forgotten');
    });
  });

  describe('the children of an app', () => {
    it('offers only the groups the server declares, in a fixed order', () => {
      assert.deepEqual(offeredGroups(ALL), ['tools', 'resources', 'prompts']);
      assert.deepEqual(offeredGroups(TOOLS_ONLY), ['tools']);
      assert.deepEqual(offeredGroups({ ...TOOLS_ONLY, tools: false, prompts: true }), ['prompts']);
    });

    it('an app that never ran: its tools are listed (which starts it); once it is known what the server declares, its groups, with counts', async () => {
      const pool = new FakePool();
      const listings = new ServerListings(pool);
      const children = await appChildren('github', pool, listings);
      assert.deepEqual(labels(children), ['tools(2)', 'resources(2 + 1 template)', 'prompts(2)']);
      assert.deepEqual(pool.calls, { tools: 1, resources: 1, templates: 1, prompts: 1 });
    });

    it('a server with tools only keeps the flat tool list, sorted', async () => {
      const pool = new FakePool();
      pool.declares = TOOLS_ONLY;
      const listings = new ServerListings(pool);
      assert.deepEqual(labels(await appChildren('github', pool, listings)), ['tool:echo', 'tool:search']);
      assert.deepEqual(labels(await appChildren('github', pool, listings)), ['tool:echo', 'tool:search']);
      assert.deepEqual(pool.calls, { tools: 1, resources: 0, templates: 0, prompts: 0 });
    });

    it('a stopped app whose server is known shows its groups without starting it, with the counts it knows', async () => {
      const pool = new FakePool();
      pool.snap = snapshot({ status: 'stopped', capabilities: ALL, toolCount: 7, promptCount: 3 });
      const listings = new ServerListings(pool);
      assert.deepEqual(labels(await appChildren('github', pool, listings)), ['tools(7)', 'resources()', 'prompts(3)']);
      assert.deepEqual(pool.calls, { tools: 0, resources: 0, templates: 0, prompts: 0 });
      pool.snap = { ...pool.snap, resourceTemplateCount: 4 };
      assert.equal(labels(await appChildren('github', pool, listings))[1], 'resources(4 templates)');
    });

    it('a server that declares none of tools, resources or prompts says so', async () => {
      const pool = new FakePool();
      pool.snap = snapshot({ status: 'idle', capabilities: { ...TOOLS_ONLY, tools: false, logging: true } });
      assert.deepEqual(labels(await appChildren('github', pool, new ServerListings(pool))), ['info:Its server offers no tools, resources or prompts']);
    });
  });

  describe('the children of a group', () => {
    const group = (g: GroupNode['group']): GroupNode => ({ kind: 'group', app: 'github', group: g, count: '' });

    it('lists tools, resources then templates, and prompts, each sorted by name (expanding a group of a stopped app starts it)', async () => {
      const pool = new FakePool();
      pool.snap = snapshot({ status: 'stopped', capabilities: ALL });
      const listings = new ServerListings(pool);
      assert.deepEqual(labels(await groupChildren(group('resources'), listings)), ['resource:alpha', 'resource:beta', 'template:file']);
      assert.equal(pool.snap.status, 'idle');
      assert.deepEqual(labels(await groupChildren(group('prompts'), listings)), ['prompt:greet', 'prompt:review']);
      const tools = await groupChildren(group('tools'), listings);
      assert.deepEqual(labels(tools), ['tool:echo', 'tool:search']);
      assert.ok(
        tools.every((t) => t.kind === 'tool' && t.group === 'tools'),
        'tools under a group know it (getParent)',
      );
    });

    it('says what could not be listed, keeps what could, and shows one row per item (a server listing one twice)', async () => {
      const pool = new FakePool();
      pool.snap = snapshot({ status: 'idle', capabilities: ALL });
      pool.fail.templates = 'templates/list timed out';
      pool.resources.push({ uri: 'fixture://a', name: 'alpha' });
      const listings = new ServerListings(pool);
      assert.deepEqual(labels(await groupChildren(group('resources'), listings)), [
        'error:Could not list resource templates: templates/list timed out',
        'resource:alpha',
        'resource:beta',
      ]);
      pool.fail.resources = 'boom';
      listings.retryErrors();
      listings.markStale();
      assert.deepEqual(
        labels(await groupChildren(group('resources'), listings)),
        ['error:Could not list resource templates: templates/list timed out', 'resource:alpha', 'resource:beta'],
        'a failed re-read keeps the last known resources',
      );
      const fresh = new ServerListings(pool);
      pool.fail.templates = 'boom';
      assert.deepEqual(labels(await groupChildren(group('resources'), fresh)), ['error:Could not list resources: boom']);
      pool.fail = {};
      pool.prompts = [];
      assert.deepEqual(labels(await groupChildren(group('prompts'), fresh)), ['info:No prompts']);
    });
  });
});
