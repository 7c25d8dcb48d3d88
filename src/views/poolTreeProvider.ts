// The Apps view: one row per configured app (plus rows for apps the pool does not run: blocked
// by workspace trust, or invalid), its tools when expanded. It owns its TreeView, listens to the
// pool and the session, refreshes debounced on events and at once on request, and ticks its
// relative times only while visible.
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../common/lifecycle';
import { treeRss } from '../pool';
import type { PoolSession } from '../session/poolSession';
import { appTooltip, RowSummary, summarizeApp, treeItemOf } from './appTreeItem';
import { AuthNotifier } from './authNotifier';
import { pendingAuthUrl, plural } from './format';
import { ToolCache } from './toolCache';
import { AppNode, PoolTreeNode } from './treeNodes';

export { appNameOf, toolNameOf, type AppArg, type AppNode, type AppTreeNode, type MessageNode, type PoolTreeNode, type ToolNode, type ToolTreeNode } from './treeNodes';

export const VIEW_ID = 'mcpPool.apps';
const REFRESH_DEBOUNCE_MS = 150;
const TICK_MS = 1000;

export class PoolTreeProvider extends Disposable implements vscode.TreeDataProvider<PoolTreeNode> {
  private readonly _onDidChangeTreeData = this._register(new vscode.EventEmitter<PoolTreeNode | undefined | void>());
  readonly onDidChangeTreeData = this._onDidChangeTreeData.event;
  readonly view: vscode.TreeView<PoolTreeNode>;
  readonly authNotifier: AuthNotifier;
  private readonly tools: ToolCache;
  /** When this view saw each app enter `crashed` (snapshots do not carry it). */
  private readonly crashedAt = new Map<string, number>();
  private readonly lastStatus = new Map<string, string>();
  private debounce?: NodeJS.Timeout;
  private tick?: NodeJS.Timeout;
  /** What the rows looked like at the last refresh; the tick only refreshes when it changed. */
  private renderedRows = '';
  private readonly contextKeys = new Map<string, unknown>();

  constructor(private readonly session: PoolSession) {
    super();
    const pool = session.pool;
    this.tools = new ToolCache(pool, (e) => session.redactor.redact(e instanceof Error ? e.message : String(e)));
    for (const s of pool.snapshots()) this.lastStatus.set(s.name, s.status);
    this.view = this._register(vscode.window.createTreeView(VIEW_ID, { treeDataProvider: this, showCollapseAll: false }));
    this.authNotifier = this._register(new AuthNotifier(session));
    this._register(pool.onEvent((e) => {
      switch (e.type) {
        case 'stderr':
          return; // shown in the hover, which is resolved when opened
        case 'state':
          this.noteStatus(e.app, e.snapshot.status);
          break;
        case 'started':
        case 'toolsChanged':
          this.tools.markStale(e.app);
          break;
      }
      this.scheduleRefresh();
    }));
    this._register(session.onDidChangeConfig(() => {
      this.tools.retain(new Set(pool.names()));
      this.scheduleRefresh();
    }));
    this._register(this.view.onDidChangeVisibility(() => this.updateTicking()));
    this._register(toDisposable(() => {
      clearTimeout(this.debounce);
      clearInterval(this.tick);
    }));
    this.updateTicking();
    this.updateViewState();
  }

  /** Manual refresh: at once, and retries tool listings that failed. */
  refresh(): void {
    clearTimeout(this.debounce);
    this.debounce = undefined;
    this.tools.retryErrors();
    this.tools.markStale();
    this.fire();
  }

  /** Automatic refresh: coalesces bursts of pool events. */
  scheduleRefresh(): void {
    if (this.debounce || this.isDisposed) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.fire();
    }, REFRESH_DEBOUNCE_MS);
  }

  private fire(): void {
    if (this.isDisposed) return;
    this.updateViewState();
    this._onDidChangeTreeData.fire();
  }

  // ---- TreeDataProvider --------------------------------------------------------------------

  getTreeItem(node: PoolTreeNode): vscode.TreeItem {
    return treeItemOf(node, Date.now(), this.crashedAt.get(node.app));
  }

  async getChildren(node?: PoolTreeNode): Promise<PoolTreeNode[]> {
    if (!node) return this.appNodes();
    if (node.kind !== 'app' || node.state !== 'pooled') return [];
    const listing = await this.tools.get(node.app);
    if (listing.error !== undefined) return [{ kind: 'message', app: node.app, text: `Could not list tools: ${listing.error}`, detail: listing.error, error: true }];
    if (!listing.tools.length) return [{ kind: 'message', app: node.app, text: 'No tools', error: false }];
    return listing.tools.map((info) => ({ kind: 'tool', app: node.app, tool: info.name, info }));
  }

  getParent(node: PoolTreeNode): PoolTreeNode | undefined {
    if (node.kind === 'app') return undefined;
    return this.appNodes().find((n) => n.app === node.app);
  }

  /** Fills in an app's hover when it is shown: that is the only time process memory is read. */
  resolveTreeItem(item: vscode.TreeItem, node: PoolTreeNode): vscode.TreeItem {
    if (node.kind !== 'app' || node.state !== 'pooled') return item;
    const snapshot = this.session.pool.snapshot(node.app) ?? node.snapshot;
    if (!snapshot) return item;
    const rss = snapshot.pid !== undefined ? treeRss(snapshot.pid) : undefined;
    item.tooltip = appTooltip(snapshot, Date.now(), rss, this.crashedAt.get(node.app));
    return item;
  }

  // ---- model -------------------------------------------------------------------------------

  /** The top-level rows: pooled apps, then blocked ones, then invalid ones. */
  appNodes(): AppNode[] {
    const nodes: AppNode[] = this.session.pool.snapshots().map((snapshot) => ({ kind: 'app', app: snapshot.name, state: 'pooled', snapshot }));
    const seen = new Set(nodes.map((n) => n.app));
    for (const app of this.session.state.blocked) {
      if (seen.has(app)) continue; // also defined in user settings: that one runs
      seen.add(app);
      nodes.push({ kind: 'app', app, state: 'blocked' });
    }
    const invalid = new Map<string, string[]>();
    for (const p of this.session.state.problems) {
      if (p.severity !== 'error' || seen.has(p.app)) continue;
      const list = invalid.get(p.app) ?? [];
      list.push(p.field ? `${p.field}: ${p.message}` : p.message);
      invalid.set(p.app, list);
    }
    for (const [app, problems] of invalid) nodes.push({ kind: 'app', app, state: 'invalid', problems });
    return nodes;
  }

  /** A summary of the top-level rows as they render now (for tests). */
  rows(): RowSummary[] {
    const now = Date.now();
    return this.appNodes().map((n) => {
      const { label, description, contextValue, icon } = summarizeApp(n, now, this.crashedAt.get(n.app));
      return { label, description, contextValue, icon };
    });
  }

  /** When this view saw `app` crash, if it did. */
  crashTime(app: string): number | undefined {
    return this.crashedAt.get(app);
  }

  private noteStatus(app: string, status: string): void {
    if (status === 'crashed' && this.lastStatus.get(app) !== 'crashed') this.crashedAt.set(app, Date.now());
    if (status !== 'crashed') this.crashedAt.delete(app);
    this.lastStatus.set(app, status);
  }

  // ---- view decorations, context keys, ticking ---------------------------------------------

  private updateViewState(): void {
    const rows = this.rows();
    this.renderedRows = JSON.stringify(rows);
    const snapshots = this.session.pool.snapshots();
    const crashed = snapshots.filter((s) => s.status === 'crashed').length;
    this.view.badge = crashed ? { value: crashed, tooltip: `${plural(crashed, 'app')} crashed` } : undefined;
    const blocked = rows.filter((r) => r.contextValue === 'app.blocked').length;
    this.view.message =
      blocked && !this.session.trusted
        ? `This workspace is not trusted: ${plural(blocked, 'app')} from workspace settings ${blocked === 1 ? 'is' : 'are'} not started. Trust the workspace to run ${blocked === 1 ? 'it' : 'them'}.`
        : undefined;
    this.setContext('mcpPool.hasApps', rows.length > 0);
    this.setContext('mcpPool.authPending', snapshots.some((s) => pendingAuthUrl(s) !== undefined));
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

  /** Refreshes only if a row reads differently now (e.g. `12 s ago` became `13 s ago`). */
  private onTick(): void {
    if (this.debounce) return;
    if (JSON.stringify(this.rows()) !== this.renderedRows) this.fire();
  }
}
