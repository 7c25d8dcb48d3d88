// Commands that act on pooled apps' processes: restart, kill, kill all, restart all, show
// output, copy pid, refresh, authorize and the status bar menu. Each accepts an app name or a
// tree node (or nothing, then it asks), returns what it affected (for tests), and never throws
// into VS Code: failures go to session.reportError (notification with "Show Output").
import * as vscode from 'vscode';
import { POOL_LOG_NAME } from '../output/outputs';
import { PoolError } from '../pool';
import type { PoolSession } from '../session/poolSession';
import { holdsProcess, isAlive } from '../views/appState';
import { openAuthorizationUrl } from '../views/authNotifier';
import { pendingAuthUrl, plural } from '../views/format';
import { appNameOf, AppArg, isAppNode } from '../views/treeNodes';
import type { PoolTreeProvider } from '../views/poolTreeProvider';
import type { RowSummary } from '../views/appTreeItem';
import { pickApp } from './appPicker';
import { showStatusBarMenu, StatusBarMenuResult } from './statusBarMenu';
import { showOutputPicker } from './outputPicker';

export const AppCommandIds = {
  restartApp: 'mcpPool.restartApp',
  killApp: 'mcpPool.killApp',
  killAll: 'mcpPool.killAll',
  restartAll: 'mcpPool.restartAll',
  showOutput: 'mcpPool.showOutput',
  copyPid: 'mcpPool.copyPid',
  refresh: 'mcpPool.refresh',
  authorize: 'mcpPool.authorize',
  statusBarMenu: 'mcpPool.statusBarMenu',
} as const;

const STATUS_MESSAGE_MS = 5000;

export function registerAppCommands(session: PoolSession, tree: PoolTreeProvider): vscode.Disposable[] {
  const c = new AppCommands(session, tree);
  // Each command already reports its own failures; this catches anything that slips through
  // (e.g. a quick pick that rejects), so nothing is ever thrown into VS Code.
  const register = (id: string, fn: (arg?: AppArg) => unknown) =>
    vscode.commands.registerCommand(id, async (arg?: AppArg) => {
      try {
        return await fn(arg);
      } catch (e) {
        session.reportError(appNameOf(arg), e);
        return undefined;
      }
    });
  return [
    register(AppCommandIds.restartApp, (arg) => c.restartApp(arg)),
    register(AppCommandIds.killApp, (arg) => c.killApp(arg)),
    register(AppCommandIds.killAll, () => c.killAll()),
    register(AppCommandIds.restartAll, () => c.restartAll()),
    register(AppCommandIds.showOutput, (arg) => c.showOutput(arg)),
    register(AppCommandIds.copyPid, (arg) => c.copyPid(arg)),
    register(AppCommandIds.refresh, () => c.refresh()),
    register(AppCommandIds.authorize, (arg) => c.authorize(arg)),
    register(AppCommandIds.statusBarMenu, () => c.statusBarMenu()),
  ];
}

export class AppCommands {
  constructor(
    private readonly session: PoolSession,
    private readonly tree: PoolTreeProvider,
  ) {}

  private get pool() {
    return this.session.pool;
  }

  /** Restarts one app (starts it if stopped; clears a crash-loop backoff). Returns [app] on success. */
  async restartApp(arg?: AppArg): Promise<string[]> {
    const name = appNameOf(arg) ?? (await pickApp(this.session, { title: 'MCP Pool: Restart App', placeHolder: 'App to restart (a stopped app is started)', noneMessage: 'no apps are configured' }));
    if (!name || !this.runnable(name)) return [];
    return this.guard(name, [], async () => {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: restarting ${name}` }, () => this.pool.restart(name));
      vscode.window.setStatusBarMessage(`MCP Pool: restarted ${name}`, STATUS_MESSAGE_MS);
      return [name];
    });
  }

  /** Stops one app's process tree. Returns [app] if it had a process, [] if it was not running. */
  async killApp(arg?: AppArg): Promise<string[]> {
    const name = appNameOf(arg) ?? (await pickApp(this.session, { title: 'MCP Pool: Kill App', placeHolder: 'App to stop (it starts again on next use)', filter: holdsProcess, noneMessage: 'no app is running' }));
    if (!name || !this.runnable(name)) return [];
    const before = this.pool.snapshot(name);
    return this.guard(name, [], async () => {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: stopping ${name}` }, () => this.pool.stop(name, 'user'));
      const wasRunning = !!before && holdsProcess(before);
      vscode.window.setStatusBarMessage(wasRunning ? `MCP Pool: killed ${name}` : `MCP Pool: ${name} was not running`, STATUS_MESSAGE_MS);
      return wasRunning ? [name] : [];
    });
  }

  /** Stops every app. Returns the apps that had a process. */
  async killAll(): Promise<string[]> {
    const running = this.pool.snapshots().filter(holdsProcess).map((s) => s.name);
    return this.guard(undefined, [], async () => {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'MCP Pool: stopping all apps' }, () => this.pool.stopAll('user'));
      vscode.window.setStatusBarMessage(running.length ? `MCP Pool: killed ${listNames(running)}` : 'MCP Pool: no app was running', STATUS_MESSAGE_MS);
      return running;
    });
  }

  /**
   * Restarts the apps that are running, starting or crashed; stopped apps stay stopped (they were
   * never wanted, or were evicted, and start on next use anyway). Returns the apps restarted.
   */
  async restartAll(): Promise<string[]> {
    const targets = this.pool.snapshots().filter((s) => isAlive(s) || s.status === 'crashed').map((s) => s.name);
    if (!targets.length) {
      void vscode.window.showInformationMessage('MCP Pool: no app is running or crashed, so none was restarted (apps start on first use).');
      return [];
    }
    const results = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `MCP Pool: restarting ${plural(targets.length, 'app')}` },
      () => Promise.allSettled(targets.map((name) => this.pool.restart(name))),
    );
    const restarted = targets.filter((_, i) => results[i].status === 'fulfilled');
    const failed = targets.flatMap((name, i) => {
      const r = results[i];
      return r.status === 'rejected' ? [{ name, reason: r.reason as unknown }] : [];
    });
    if (failed.length === 1) this.session.reportError(failed[0].name, failed[0].reason);
    else if (failed.length > 1) {
      for (const f of failed) this.session.outputs.app(f.name).error(`restart failed: ${errorMessage(f.reason)}`);
      this.session.reportError(undefined, new Error(`${failed.length} of ${targets.length} apps failed to restart: ${failed.map((f) => f.name).join(', ')} (see their output)`));
    }
    if (restarted.length) vscode.window.setStatusBarMessage(`MCP Pool: restarted ${listNames(restarted)}`, STATUS_MESSAGE_MS);
    return restarted;
  }

  /** Shows an app's output channel (the pool log for apps the pool does not run); asks without an argument. Returns the channel's name. */
  async showOutput(arg?: AppArg): Promise<string | undefined> {
    const outputs = this.session.outputs;
    if (isAppNode(arg) && arg.state !== 'pooled') {
      outputs.pool.show(false);
      return POOL_LOG_NAME;
    }
    const name = appNameOf(arg);
    if (name === undefined) return showOutputPicker(this.session);
    if (this.pool.names().includes(name) || outputs.hasApp(name)) {
      outputs.app(name).show(false);
      return `${POOL_LOG_NAME}: ${name}`;
    }
    outputs.pool.show(false);
    return POOL_LOG_NAME;
  }

  /** Copies the app's process id to the clipboard. Returns the pid. */
  async copyPid(arg?: AppArg): Promise<number | undefined> {
    const name = appNameOf(arg) ?? (await pickApp(this.session, { title: 'MCP Pool: Copy PID', filter: (s) => s.pid !== undefined, noneMessage: 'no app is running', autoSelectSingle: true }));
    if (!name) return undefined;
    const pid = this.pool.snapshot(name)?.pid;
    if (pid === undefined) {
      void vscode.window.showInformationMessage(`MCP Pool: ${name} is not running, so it has no process id.`);
      return undefined;
    }
    return this.guard(name, undefined, async () => {
      await vscode.env.clipboard.writeText(String(pid));
      vscode.window.setStatusBarMessage(`MCP Pool: copied pid ${pid} of ${name}`, STATUS_MESSAGE_MS);
      return pid;
    });
  }

  /** Refreshes the Apps view at once. Returns its rows. */
  refresh(): RowSummary[] {
    this.tree.refresh();
    return this.tree.rows();
  }

  /** Opens the authorization page an app is waiting on. Returns the URL opened. */
  async authorize(arg?: AppArg): Promise<string | undefined> {
    const name =
      appNameOf(arg) ??
      (await pickApp(this.session, { title: 'MCP Pool: Open Authorization Page', filter: (s) => pendingAuthUrl(s) !== undefined, noneMessage: 'no app is waiting for authorization', autoSelectSingle: true }));
    if (!name) return undefined;
    const snapshot = this.pool.snapshot(name);
    const url = snapshot && pendingAuthUrl(snapshot);
    if (!url) {
      void vscode.window.showInformationMessage(`MCP Pool: ${name} is not waiting for authorization.`);
      return undefined;
    }
    return this.guard(name, undefined, async () => {
      await openAuthorizationUrl(url);
      return url;
    });
  }

  /** The status bar's quick pick of pool actions. Returns the action run, if any. */
  async statusBarMenu(): Promise<StatusBarMenuResult | undefined> {
    return this.guard(undefined, undefined, () => showStatusBarMenu(this.session));
  }

  /** Whether the pool runs `name`; if not, tells the user why (untrusted, invalid, unknown). */
  private runnable(name: string): boolean {
    if (this.pool.names().includes(name)) return true;
    const { blocked, problems } = this.session.state;
    if (blocked.includes(name)) {
      void vscode.window
        .showWarningMessage(`MCP Pool: ${name} is defined in the workspace settings and this workspace is not trusted, so it does not run.`, 'Manage Workspace Trust')
        .then((pick) => pick && vscode.commands.executeCommand('workbench.trust.manage'));
      return false;
    }
    const problem = problems.find((p) => p.app === name && p.severity === 'error');
    const message = problem ? `app "${name}" has an invalid definition and does not run: ${problem.message}` : `no app named "${name}" is configured`;
    this.session.reportError(name, new Error(message));
    return false;
  }

  private async guard<T>(app: string | undefined, fallback: T, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      this.session.reportError(app, e);
      return fallback;
    }
  }
}

function listNames(names: readonly string[]): string {
  return names.length <= 3 ? names.join(', ') : plural(names.length, 'app');
}

function errorMessage(e: unknown): string {
  if (e instanceof PoolError) return e.details;
  return e instanceof Error ? e.message : String(e);
}
