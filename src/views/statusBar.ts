// One status bar item for the pool, created once and updated in place: `$(server-process) MCP 2/3`
// (alive / configured), a hover listing every app, and a background that turns warning when an
// app crashed and error while an app is held back by the crash-loop guard.
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../common/lifecycle';
import type { ConfigStateSource } from '../config/poolConfigurator';
import type { GatewayClients } from '../gatewayHost/gatewayService';
import { Commands, STATUS_BAR_ID } from '../manifest/commands';
import { type AppSnapshot, isAlive, type Pool } from '../pool';
import { stateIcon } from './appState';
import { clientsText, escapeMarkdown } from './appTooltip';
import { isBackingOff, plural, stateWord } from './format';

const UPDATE_DEBOUNCE_MS = 100;

export class PoolStatusBar extends Disposable {
  private readonly item: vscode.StatusBarItem;
  private debounce?: NodeJS.Timeout;
  /** Wakes the item when a crash-loop backoff ends (no pool event marks that moment). */
  private backoffTimer?: NodeJS.Timeout;
  private _tooltipText = '';
  private _backgroundId: string | undefined;
  private itemVisible = false;

  constructor(
    private readonly pool: Pool,
    private readonly config: ConfigStateSource,
    private readonly gateway?: GatewayClients,
  ) {
    super();
    this.item = this._register(vscode.window.createStatusBarItem(STATUS_BAR_ID, vscode.StatusBarAlignment.Left, 10));
    this.item.name = 'MCP Pool';
    this.item.command = Commands.statusBarMenu;
    this._register(pool.onEvent((e) => e.type !== 'stderr' && this.scheduleUpdate()));
    this._register(config.onDidApply(() => this.scheduleUpdate()));
    if (gateway) this._register(gateway.onDidChangeClients(() => this.scheduleUpdate()));
    this._register(
      toDisposable(() => {
        clearTimeout(this.debounce);
        clearTimeout(this.backoffTimer);
      }),
    );
    this.update();
  }

  get text(): string {
    return this.item.text;
  }

  /** The hover as plain text, one line per app. */
  get tooltipText(): string {
    return this._tooltipText;
  }

  /** The background theme color id, or undefined for the default. */
  get backgroundId(): string | undefined {
    return this._backgroundId;
  }

  /** Shown only when some app is configured (or blocked): an empty pool needs no status bar space. */
  get visible(): boolean {
    return this.itemVisible;
  }

  scheduleUpdate(): void {
    if (this.debounce || this.isDisposed) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.update();
    }, UPDATE_DEBOUNCE_MS);
  }

  /** Renders the current pool state at once. */
  update(): void {
    if (this.isDisposed) return;
    clearTimeout(this.debounce);
    this.debounce = undefined;
    const now = Date.now();
    const apps = this.pool.snapshots();
    const blocked = this.config.state.blocked.filter((b) => !apps.some((a) => a.name === b));
    const alive = apps.filter((a) => isAlive(a.status)).length;

    this.item.text = `$(server-process) MCP ${alive}/${apps.length}`;
    this.item.accessibilityInformation = { label: `MCP Pool: ${alive} of ${plural(apps.length, 'app')} running` };

    const backingOff = apps.filter((a) => isBackingOff(a, now));
    const crashed = apps.filter((a) => a.status === 'crashed');
    // a start that never completed (failed) is an error, like a held-back start; a crash of a running server a warning
    const failed = apps.filter((a) => a.status === 'failed');
    this._backgroundId = backingOff.length || failed.length ? 'statusBarItem.errorBackground' : crashed.length ? 'statusBarItem.warningBackground' : undefined;
    this.item.backgroundColor = this._backgroundId ? new vscode.ThemeColor(this._backgroundId) : undefined;

    const md = new vscode.MarkdownString(undefined, true);
    const plain: string[] = [];
    md.appendMarkdown(`**MCP Pool** — ${alive} of ${plural(apps.length, 'app')} running\n\n`);
    for (const a of apps) {
      const clients = this.gateway?.clients(a.name) ?? [];
      const line = appLine(a, now) + (clients.length ? ` · ${clientsText(clients)}` : '');
      md.appendMarkdown(`$(${stateIcon(a, now).id}) **${escapeMarkdown(a.name)}** — ${escapeMarkdown(line)}  \n`);
      plain.push(`${a.name}: ${line}`);
    }
    if (blocked.length) {
      const line = `${plural(blocked.length, 'app')} from workspace settings not started (workspace not trusted): ${blocked.join(', ')}`;
      md.appendMarkdown(`\n$(shield) ${escapeMarkdown(line)}  \n`);
      plain.push(line);
    }
    md.appendMarkdown('\n_Click for pool actions (kill, restart, output)._');
    this.item.tooltip = md;
    this._tooltipText = plain.join('\n');

    this.itemVisible = apps.length > 0 || blocked.length > 0;
    if (this.itemVisible) this.item.show();
    else this.item.hide();
    this.scheduleBackoffWake(backingOff, now);
  }

  private scheduleBackoffWake(backingOff: readonly AppSnapshot[], now: number): void {
    clearTimeout(this.backoffTimer);
    this.backoffTimer = undefined;
    if (!backingOff.length) return;
    const next = Math.min(...backingOff.map((a) => a.backoffUntil!));
    this.backoffTimer = setTimeout(() => this.update(), Math.max(0, next - now) + 50);
  }
}

/** `idle · pid 1234`, `crashed`, `needs authorization · pid 99`. */
function appLine(a: AppSnapshot, now: number): string {
  return a.pid !== undefined ? `${stateWord(a, now)} · pid ${a.pid}` : stateWord(a, now);
}
