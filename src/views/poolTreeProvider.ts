// The Apps view: one row per configured app (plus rows for apps the pool does not run: blocked
// by workspace trust, or invalid); expanded, what its server offers (appChildren.ts: the groups it
// declares, or its tools). It owns its TreeView,
// listens to the pool and the configuration, and refreshes only the rows that changed (debounced
// on events, at once on request): refreshing a row closes its hover, so a whole-tree refresh
// every second would keep every tooltip from ever showing. A row is refreshed when its app had
// an event (its hover is then resolved afresh), or when the clock changed its text (`1 min ago`
// → `2 min ago`, at most once a minute); relative times tick only while the view is visible.
import * as vscode from 'vscode';
import type { Event } from '../common/emitter';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { ConfigStateSource } from '../config/poolConfigurator';
import type { GatewayClients } from '../gatewayHost/gatewayService';
import { ContextKeys, VIEW_ID } from '../manifest/commands';
import { treeRss, type AppSnapshot, type Pool, type Redactor } from '../pool';
import { appTooltip, type RowSummary, summarizeApp, treeItemOf } from './appTreeItem';
import { appChildren, groupChildren } from './appChildren';
import { pendingAuthUrl, plural } from './format';
import { ServerListings } from './serverListings';
import type { AppNode, GroupNode, PoolTreeNode } from './treeNodes';

/** The host configurations that run an app through the pool, as labels (`Claude Code (~/.claude.json)`). */
export interface HostUses {
  usedBy(app: string): readonly string[];
  readonly onDidChange: Event<void>;
}

const REFRESH_DEBOUNCE_MS = 150;
/** The longest a row's refresh waits for listings under it (a start waiting for sign-in can take minutes). */
const MAX_DEFER_MS = 2000;
const TICK_MS = 1000;

export class PoolTreeProvider extends Disposable implements vscode.TreeDataProvider<PoolTreeNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<PoolTreeNode | PoolTreeNode[] | undefined | void>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  readonly view: vscode.TreeView<PoolTreeNode>;
  private readonly listings: ServerListings;
  /** When this view saw each app enter `crashed` (snapshots do not carry it). */
  private readonly crashedAt = new Map<string, number>();
  private readonly lastStatus = new Map<string, string>();
  private debounce?: NodeJS.Timeout;
  private tick?: NodeJS.Timeout;
  /** Apps that had an event since the last refresh (their rows are refreshed); `all`: every row. */
  private dirty: Set<string> | 'all' = new Set();
  /** Apps whose row text the clock may have changed (refreshed only if it did). */
  private readonly ticked = new Set<string>();
  /** Apps whose children must be shown afresh (refreshed with the row): new process, list changed, groups known. */
  private readonly childrenDirty = new Set<string>();
  /** Each row's text at the last refresh, by app, and the order of the rows. */
  private readonly rendered = new Map<string, string>();
  private renderedOrder = '';
  /** One node object per row: VS Code refreshes single rows by element identity. */
  private readonly nodes = new Map<string, AppNode>();
  private readonly contextKeys = new Map<string, unknown>();
  /**
   * Listings under way for each app (its row's children or a group's), and the apps whose row
   * refresh waits for them. VS Code forgets an element's children when it asks for them and
   * registers what comes back; a second ask while the first is still out (a refresh of the row)
   * registers the same ids twice ("Element with id … is already registered"). So a row's refresh
   * waits until the listings under it are done, MAX_DEFER_MS at most: a row must not hide for long
   * that its app now waits for authorization.
   */
  private readonly fetching = new Map<string, number>();
  /** Rows waiting for their listings, each with the timer that ends the wait. */
  private readonly deferred = new Map<string, NodeJS.Timeout>();
  /** Rows whose wait ran out: refreshed at the next flush even if listings are still under way. */
  private readonly overdue = new Set<string>();

  constructor(
    private readonly pool: Pool,
    private readonly config: ConfigStateSource,
    redactor: Redactor,
    /** Who uses each app through the gateway (a count in the row, names in the hover). */
    private readonly gateway?: GatewayClients,
    /** Which other MCP hosts' configurations run each app through the pool (named in the hover). */
    private readonly hosts?: HostUses,
  ) {
    super();
    this.listings = new ServerListings(pool, (e) => redactor.redact(e instanceof Error ? e.message : String(e)));
    for (const s of pool.snapshots()) this.lastStatus.set(s.name, s.status);
    this.view = this._register(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: false }));
    this._register(
      pool.onEvent((e) => {
        switch (e.type) {
          case 'stderr':
          case 'log':
            return; // shown in the hover (stderr) or the app's output (log)
          case 'watchdog':
            return; // not about an app
          case 'resourceUpdated':
            return; // a resource's contents: open documents refresh themselves
          case 'state':
            this.noteStatus(e.app, e.snapshot.status);
            break;
        }
        if (this.listings.noteEvent(e)) this.childrenDirty.add(e.app);
        this.scheduleRefresh(e.app);
      }),
    );
    this._register(
      config.onDidApply(() => {
        this.listings.retain(new Set(pool.names()));
        this.scheduleRefresh();
      }),
    );
    if (gateway) this._register(gateway.onDidChangeClients((app) => this.scheduleRefresh(app)));
    if (hosts) this._register(hosts.onDidChange(() => this.scheduleRefresh()));
    this._register(this.view.onDidChangeVisibility(() => this.updateTicking()));
    this._register(
      toDisposable(() => {
        clearTimeout(this.debounce);
        clearInterval(this.tick);
        for (const timer of this.deferred.values()) clearTimeout(timer);
      }),
    );
    this.updateTicking();
    this.updateViewState(this.rows());
  }

  /** Manual refresh: the whole tree at once, and retries listings that failed. */
  refresh(): void {
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.listings.retryErrors();
    this.listings.markStale();
    this.dirty = 'all';
    this.flush();
  }

  /** Automatic refresh of one app's row (or of every row), coalescing bursts of events. */
  scheduleRefresh(app?: string): void {
    if (this.isDisposed) return;
    if (app === undefined) this.dirty = 'all';
    else if (this.dirty !== 'all') this.dirty.add(app);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    this.debounce ??= setTimeout(() => {
      this.debounce = undefined;
      this.flush();
    }, REFRESH_DEBOUNCE_MS);
  }

  /**
   * Fires the change event for the rows that had events, and for the ticked rows whose text
   * changed; for every row when the set of rows changed. Remembers the text of the rows it fired.
   */
  private flush(): void {
    if (this.isDisposed) return;
    const dirty = this.dirty;
    const ticked = new Set(this.ticked);
    this.dirty = new Set();
    this.ticked.clear();
    const nodes = this.appNodes();
    const now = Date.now();
    const order = nodes.map((n) => `${n.state}:${n.app}`).join('\n');
    const all = dirty === 'all' || order !== this.renderedOrder;
    const changed: AppNode[] = [];
    const rows = nodes.map((node) => {
      const row = this.summary(node, now);
      const text = JSON.stringify(row);
      let fire = all || dirty.has(node.app) || this.childrenDirty.has(node.app) || (ticked.has(node.app) && text !== this.rendered.get(node.app));
      if (fire && !all && this.fetching.has(node.app) && !this.overdue.has(node.app)) {
        this.defer(node.app); // refreshed when its listings are done (see `fetching`)
        fire = false;
      }
      this.overdue.delete(node.app);
      if (fire) {
        changed.push(node);
        this.rendered.set(node.app, text);
      }
      return row;
    });
    for (const app of [...this.rendered.keys()]) if (!nodes.some((n) => n.app === app)) this.rendered.delete(app);
    this.updateViewState(rows);
    for (const node of changed) this.childrenDirty.delete(node.app);
    if (all) {
      this.renderedOrder = order;
      this._onDidChangeTreeData.fire();
    } else if (changed.length) this._onDidChangeTreeData.fire(changed);
  }

  // ---- TreeDataProvider --------------------------------------------------------------------

  getTreeItem(node: PoolTreeNode): vscode.TreeItem {
    return treeItemOf(node, Date.now(), this.crashedAt.get(node.app), this.clientCount(node));
  }

  async getChildren(node?: PoolTreeNode): Promise<PoolTreeNode[]> {
    if (!node) return this.appNodes();
    if (node.kind !== 'group' && (node.kind !== 'app' || node.state !== 'pooled')) return [];
    const app = node.app;
    this.fetching.set(app, (this.fetching.get(app) ?? 0) + 1);
    try {
      return node.kind === 'group' ? await groupChildren(node, this.listings) : await appChildren(app, this.pool, this.listings);
    } finally {
      const left = (this.fetching.get(app) ?? 1) - 1;
      if (left > 0) this.fetching.set(app, left);
      else {
        this.fetching.delete(app);
        // after the debounce: VS Code has registered what was just returned by then
        this.endDeferral(app, false);
      }
    }
  }

  private defer(app: string): void {
    if (!this.deferred.has(app))
      this.deferred.set(
        app,
        setTimeout(() => this.endDeferral(app, true), MAX_DEFER_MS),
      );
  }

  /** A deferred row is refreshed: its listings are done, or (`overdue`) it waited long enough. */
  private endDeferral(app: string, overdue: boolean): void {
    const timer = this.deferred.get(app);
    if (timer === undefined) return;
    clearTimeout(timer);
    this.deferred.delete(app);
    if (overdue) this.overdue.add(app);
    this.scheduleRefresh(app);
  }

  getParent(node: PoolTreeNode): PoolTreeNode | undefined {
    if (node.kind === 'app') return undefined;
    if (node.kind !== 'group' && node.group) return { kind: 'group', app: node.app, group: node.group, count: '' } satisfies GroupNode;
    return this.appNodes().find((n) => n.app === node.app && n.state === 'pooled');
  }

  /** Fills in an app's hover when it is shown: that is the only time process memory is read. */
  resolveTreeItem(item: vscode.TreeItem, node: PoolTreeNode): vscode.TreeItem {
    if (node.kind !== 'app' || node.state !== 'pooled') return item;
    const snapshot = this.pool.snapshot(node.app) ?? node.snapshot;
    if (!snapshot) return item;
    const rss = snapshot.pid !== undefined ? treeRss(snapshot.pid) : undefined;
    item.tooltip = appTooltip(snapshot, Date.now(), rss, this.crashedAt.get(node.app), this.gateway?.clients(node.app), this.hosts?.usedBy(node.app));
    return item;
  }

  // ---- model -------------------------------------------------------------------------------

  /** The top-level rows: pooled apps, then blocked ones, then invalid ones (the same node object per row). */
  appNodes(): AppNode[] {
    const fresh: AppNode[] = this.pool.snapshots().map((snapshot) => ({ kind: 'app', app: snapshot.name, state: 'pooled', snapshot }));
    const seen = new Set(fresh.map((n) => n.app));
    for (const app of this.config.state.blocked) {
      if (seen.has(app)) continue; // also defined in user settings: that one runs
      seen.add(app);
      fresh.push({ kind: 'app', app, state: 'blocked' });
    }
    const invalid = new Map<string, string[]>();
    for (const p of this.config.state.problems) {
      if (p.severity !== 'error' || seen.has(p.app)) continue;
      const list = invalid.get(p.app) ?? [];
      list.push(p.field ? `${p.field}: ${p.message}` : p.message);
      invalid.set(p.app, list);
    }
    for (const [app, problems] of invalid) fresh.push({ kind: 'app', app, state: 'invalid', problems });
    const keys = new Set(fresh.map((n) => `${n.state}:${n.app}`));
    for (const key of [...this.nodes.keys()]) if (!keys.has(key)) this.nodes.delete(key);
    return fresh.map((n) => {
      const key = `${n.state}:${n.app}`;
      const node = this.nodes.get(key);
      if (!node) {
        this.nodes.set(key, n);
        return n;
      }
      Object.assign(node as { snapshot?: AppSnapshot; problems?: readonly string[] }, { snapshot: n.snapshot, problems: n.problems });
      return node;
    });
  }

  /** A summary of the top-level rows as they render now (for tests). */
  rows(): RowSummary[] {
    const now = Date.now();
    return this.appNodes().map((n) => this.summary(n, now));
  }

  private summary(n: AppNode, now: number): RowSummary {
    const { label, description, contextValue, icon } = summarizeApp(n, now, this.crashedAt.get(n.app), this.clientCount(n));
    return { label, description, contextValue, icon };
  }

  private clientCount(n: PoolTreeNode): number {
    return n.kind === 'app' && n.state === 'pooled' ? (this.gateway?.clients(n.app).length ?? 0) : 0;
  }

  private noteStatus(app: string, status: string): void {
    // (crashed or failed to start: when the view saw it end)
    const ended = status === 'crashed' || status === 'failed';
    if (ended && this.lastStatus.get(app) !== status) this.crashedAt.set(app, Date.now());
    if (!ended) this.crashedAt.delete(app);
    this.lastStatus.set(app, status);
  }

  // ---- view decorations, context keys, ticking ---------------------------------------------

  private updateViewState(rows: readonly RowSummary[]): void {
    const snapshots = this.pool.snapshots();
    const crashed = snapshots.filter((s) => s.status === 'crashed' || s.status === 'failed').length;
    this.view.badge = crashed ? { value: crashed, tooltip: `${plural(crashed, 'app')} crashed or failed to start` } : undefined;
    const blocked = rows.filter((r) => r.contextValue === 'app.blocked').length;
    this.view.message =
      blocked && !this.config.trusted
        ? `This workspace is not trusted: ${plural(blocked, 'app')} from workspace settings ${blocked === 1 ? 'is' : 'are'} not started. Trust the workspace to run ${blocked === 1 ? 'it' : 'them'}.`
        : undefined;
    this.setContext(ContextKeys.hasApps, rows.length > 0);
    this.setContext(
      ContextKeys.authPending,
      snapshots.some((s) => pendingAuthUrl(s) !== undefined),
    );
  }

  private setContext(key: string, value: unknown): void {
    if (this.contextKeys.get(key) === value) return;
    this.contextKeys.set(key, value);
    void vscode.commands.executeCommand('setContext', key, value);
  }

  private updateTicking(): void {
    if (this.view.visible && !this.tick && !this.isDisposed) {
      this.tick = setInterval(() => this.onTick(), TICK_MS);
      this.scheduleRefresh(); // catch up on times that did not tick while hidden
    } else if (!this.view.visible && this.tick) {
      clearInterval(this.tick);
      this.tick = undefined;
    }
  }

  /** Refreshes the rows that read differently now (e.g. `1 min ago` became `2 min ago`); usually none. */
  private onTick(): void {
    const now = Date.now();
    for (const node of this.appNodes()) {
      if (JSON.stringify(this.summary(node, now)) !== this.rendered.get(node.app)) this.ticked.add(node.app);
    }
    if (this.ticked.size) this.scheduleFlush();
  }
}
