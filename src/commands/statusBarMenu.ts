// The quick pick behind the status bar item: pool-wide actions first, then a section per app
// (its state in each entry's description) with Kill / Restart (Start, if stopped) / Authorize.
// Each entry runs the matching command, so every action has one implementation.
import * as vscode from 'vscode';
import { Commands, type CommandId } from '../manifest/commands';
import type { Pool } from '../pool';
import type { GatewayClients } from '../gatewayHost/gatewayService';
import { holdsProcess } from '../views/appState';
import { clientsText } from '../views/appTooltip';
import { describeApp, pendingAuthUrl } from '../views/format';

export interface StatusBarMenuItem extends vscode.QuickPickItem {
  /** Command to run; undefined for separators. */
  readonly command?: CommandId;
  readonly app?: string;
}

export interface StatusBarMenuResult {
  readonly command: CommandId;
  readonly app?: string;
  /** What the command returned. */
  readonly result: unknown;
}

/** The menu's entries for the pool as it is now (exported for tests). */
export function statusBarMenuItems(pool: Pool, now = Date.now(), gateway?: GatewayClients): StatusBarMenuItem[] {
  const apps = pool.snapshots();
  const separator = (label: string): StatusBarMenuItem => ({ label, kind: vscode.QuickPickItemKind.Separator });
  const items: StatusBarMenuItem[] = [
    separator('Pool'),
    { label: '$(output) Show Output', description: 'pool log or an app’s output', command: Commands.showOutput },
  ];
  if (apps.some(holdsProcess))
    items.push({ label: '$(stop-circle) Kill All…', description: `stop ${apps.filter(holdsProcess).length} running`, command: Commands.killAll });
  if (apps.some((s) => holdsProcess(s) || s.status === 'crashed' || s.status === 'failed')) {
    items.push({ label: '$(debug-restart) Restart All', description: 'running, crashed and failed apps', command: Commands.restartAll });
  }
  for (const s of apps) {
    const state = describeApp(s, now);
    const clients = gateway?.clients(s.name) ?? [];
    const pid = (s.pid !== undefined ? ` · pid ${s.pid}` : '') + (clients.length ? ` · ${clientsText(clients)}` : '');
    items.push(separator(s.name));
    if (pendingAuthUrl(s))
      items.push({ label: `$(key) Authorize ${s.name}`, description: 'open the authorization page', command: Commands.authorize, app: s.name });
    if (holdsProcess(s)) items.push({ label: `$(debug-stop) Kill ${s.name}`, description: `${state}${pid}`, command: Commands.killApp, app: s.name });
    // The same words as the tree: an app with a process is restarted, one without is started.
    if (holdsProcess(s)) items.push({ label: `$(debug-restart) Restart ${s.name}`, description: `${state}${pid}`, command: Commands.restartApp, app: s.name });
    else items.push({ label: `$(debug-start) Start ${s.name}`, description: `${state}${pid}`, command: Commands.startApp, app: s.name });
  }
  return items;
}

export async function showStatusBarMenu(pool: Pool, gateway?: GatewayClients): Promise<StatusBarMenuResult | undefined> {
  const pick = await vscode.window.showQuickPick(statusBarMenuItems(pool, Date.now(), gateway), {
    title: 'MCP Pool',
    placeHolder: 'Pool action',
    matchOnDescription: true,
  });
  if (!pick?.command) return undefined;
  const result: unknown = await vscode.commands.executeCommand(pick.command, ...(pick.app ? [pick.app] : []));
  return { command: pick.command, app: pick.app, result };
}
