// Commands that act on pooled apps' processes: start, restart, kill, kill all, restart all,
// show output, copy pid, refresh, authorize, sign out and the status bar menu. Each accepts an app name
// or a tree node (or nothing, then it asks) and returns what it affected (for tests). Failures
// are thrown to the command registry, which reports them all the same way.
import * as vscode from 'vscode';
import type { ConfigStateSource } from '../config/poolConfigurator';
import type { GatewayClients } from '../gatewayHost/gatewayService';
import { Commands } from '../manifest/commands';
import type { ErrorReporter } from '../output/errorReporter';
import { POOL_LOG_NAME, type Outputs } from '../output/outputs';
import { isAlive, PoolError, type Pool } from '../pool';
import { holdsProcess } from '../views/appState';
import { openAuthorizationUrl } from '../views/authNotifier';
import { pendingAuthUrl, plural } from '../views/format';
import { appNameOf, type AppArg, isAppNode } from '../views/treeNodes';
import type { PoolTreeProvider } from '../views/poolTreeProvider';
import type { RowSummary } from '../views/appTreeItem';
import { pickApp } from './appPicker';
import type { CommandTable } from './registry';
import { showStatusBarMenu, type StatusBarMenuResult } from './statusBarMenu';
import { showOutputPicker } from './outputPicker';

const STATUS_MESSAGE_MS = 5000;
const KILL_ALL = 'Kill All';
const RESTART_ALL = 'Restart All';

export interface AppCommandDeps {
  readonly pool: Pool;
  readonly config: ConfigStateSource;
  readonly outputs: Outputs;
  readonly reporter: ErrorReporter;
  readonly tree: PoolTreeProvider;
  /** Who uses each app through the gateway (named in the status bar menu). */
  readonly gateway?: GatewayClients;
}

/** Options of `mcpPool.killAll` / `restartAll`: `{ confirm: false }` skips the question (tests, other extensions). */
export interface KillAllOptions {
  readonly confirm?: boolean;
}

export function appCommands(deps: AppCommandDeps): CommandTable {
  const c = new AppCommands(deps);
  return {
    [Commands.startApp]: (arg?: AppArg) => c.startApp(arg),
    [Commands.restartApp]: (arg?: AppArg) => c.restartApp(arg),
    [Commands.killApp]: (arg?: AppArg) => c.killApp(arg),
    [Commands.killAll]: (options?: KillAllOptions) => c.killAll(options),
    [Commands.restartAll]: (options?: KillAllOptions) => c.restartAll(options),
    [Commands.showOutput]: (arg?: AppArg) => c.showOutput(arg),
    [Commands.copyPid]: (arg?: AppArg) => c.copyPid(arg),
    [Commands.refresh]: () => c.refresh(),
    [Commands.authorize]: (arg?: AppArg) => c.authorize(arg),
    [Commands.signOut]: (arg?: AppArg) => c.signOut(arg),
    [Commands.statusBarMenu]: () => c.statusBarMenu(),
  };
}

class AppCommands {
  private readonly pool: Pool;

  constructor(private readonly deps: AppCommandDeps) {
    this.pool = deps.pool;
  }

  /** Starts a stopped or crashed app (clearing a crash-loop backoff). Returns [app] when it runs. */
  async startApp(arg?: AppArg): Promise<string[]> {
    const name =
      appNameOf(arg) ??
      (await pickApp(this.pool, {
        title: 'MCP Pool: Start App',
        placeHolder: 'App to start',
        filter: (s) => !holdsProcess(s),
        noneMessage: 'every app is already running',
      }));
    if (!name || !this.runnable(name)) return [];
    const snapshot = this.pool.snapshot(name);
    if (snapshot && holdsProcess(snapshot)) return [name];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: starting ${name}` }, () => this.pool.restart(name));
    vscode.window.setStatusBarMessage(`MCP Pool: started ${name}`, STATUS_MESSAGE_MS);
    return [name];
  }

  /** Restarts one app (starts it if stopped; clears a crash-loop backoff). Returns [app] on success. */
  async restartApp(arg?: AppArg): Promise<string[]> {
    const name =
      appNameOf(arg) ??
      (await pickApp(this.pool, {
        title: 'MCP Pool: Restart App',
        placeHolder: 'App to restart (a stopped app is started)',
        noneMessage: 'no apps are configured',
      }));
    if (!name || !this.runnable(name)) return [];
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: restarting ${name}` }, () => this.pool.restart(name));
    vscode.window.setStatusBarMessage(`MCP Pool: restarted ${name}`, STATUS_MESSAGE_MS);
    return [name];
  }

  /** Stops one app's process tree. Returns [app] if it had a process, [] if it was not running. */
  async killApp(arg?: AppArg): Promise<string[]> {
    const name =
      appNameOf(arg) ??
      (await pickApp(this.pool, {
        title: 'MCP Pool: Kill App',
        placeHolder: 'App to stop (it starts again on next use)',
        filter: holdsProcess,
        noneMessage: 'no app is running',
      }));
    if (!name || !this.runnable(name)) return [];
    const before = this.pool.snapshot(name);
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: stopping ${name}` }, () => this.pool.stop(name, 'user'));
    const wasRunning = !!before && holdsProcess(before);
    vscode.window.setStatusBarMessage(wasRunning ? `MCP Pool: killed ${name}` : `MCP Pool: ${name} was not running`, STATUS_MESSAGE_MS);
    return wasRunning ? [name] : [];
  }

  /** Stops every app, after asking (calls in flight fail). Returns the apps that had a process. */
  async killAll(options?: KillAllOptions): Promise<string[]> {
    const running = this.pool.snapshots().filter(holdsProcess);
    if (!running.length) {
      vscode.window.setStatusBarMessage('MCP Pool: no app was running', STATUS_MESSAGE_MS);
      return [];
    }
    if (options?.confirm !== false) {
      const busy = running.reduce((n, s) => n + s.inFlight, 0);
      const pick = await vscode.window.showWarningMessage(
        `Stop ${running.length === 1 ? running[0].name : `all ${running.length} running MCP apps`}?`,
        {
          modal: true,
          detail: `${listNames(
            running.map((s) => s.name),
            10,
          )}${busy ? `\n${plural(busy, 'call')} in flight will fail.` : ''}\nApps start again on their next use.`,
        },
        KILL_ALL,
      );
      if (pick !== KILL_ALL) return [];
    }
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'MCP Pool: stopping all apps' }, () => this.pool.stopAll('user'));
    const names = running.map((s) => s.name);
    vscode.window.setStatusBarMessage(`MCP Pool: killed ${listNames(names)}`, STATUS_MESSAGE_MS);
    return names;
  }

  /**
   * Restarts the apps that are running, starting, crashed or failed to start; stopped apps stay stopped (they were
   * never wanted, or were evicted, and start on next use anyway). Returns the apps restarted.
   */
  async restartAll(options?: KillAllOptions): Promise<string[]> {
    const snapshots = this.pool.snapshots().filter((s) => isAlive(s.status) || s.status === 'crashed' || s.status === 'failed');
    const targets = snapshots.map((s) => s.name);
    if (!targets.length) {
      void vscode.window.showInformationMessage('MCP Pool: no app is running or crashed, so none was restarted (apps start on first use).');
      return [];
    }
    // Like Kill All, a restart fails the calls in flight: ask first when there are any.
    const busy = snapshots.reduce((n, s) => n + s.inFlight, 0);
    if (busy && options?.confirm !== false) {
      const pick = await vscode.window.showWarningMessage(
        `Restart ${plural(targets.length, 'app')}? ${plural(busy, 'call')} in flight will fail.`,
        { modal: true, detail: listNames(targets, 10) },
        RESTART_ALL,
      );
      if (pick !== RESTART_ALL) return [];
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
    if (failed.length === 1) this.deps.reporter.report(failed[0].name, failed[0].reason);
    else if (failed.length > 1) {
      for (const f of failed) this.deps.outputs.app(f.name).error(`restart failed: ${errorMessage(f.reason)}`);
      this.deps.reporter.report(
        undefined,
        new Error(`${failed.length} of ${targets.length} apps failed to restart: ${failed.map((f) => f.name).join(', ')} (see their output)`),
      );
    }
    if (restarted.length) vscode.window.setStatusBarMessage(`MCP Pool: restarted ${listNames(restarted)}`, STATUS_MESSAGE_MS);
    return restarted;
  }

  /** Shows an app's output channel (the pool log for apps the pool does not run); asks without an argument. Returns the channel's name. */
  async showOutput(arg?: AppArg): Promise<string | undefined> {
    const outputs = this.deps.outputs;
    if (isAppNode(arg) && arg.state !== 'pooled') {
      outputs.pool.show(false);
      return POOL_LOG_NAME;
    }
    const name = appNameOf(arg);
    if (name === undefined) return showOutputPicker(this.pool, outputs);
    if (this.pool.names().includes(name) || outputs.hasApp(name)) {
      outputs.app(name).show(false);
      return `${POOL_LOG_NAME}: ${name}`;
    }
    outputs.pool.show(false);
    return POOL_LOG_NAME;
  }

  /** Copies the app's process id to the clipboard. Returns the pid. */
  async copyPid(arg?: AppArg): Promise<number | undefined> {
    const name =
      appNameOf(arg) ??
      (await pickApp(this.pool, { title: 'MCP Pool: Copy PID', filter: (s) => s.pid !== undefined, noneMessage: 'no app is running', autoSelectSingle: true }));
    if (!name) return undefined;
    const pid = this.pool.snapshot(name)?.pid;
    if (pid === undefined) {
      void vscode.window.showInformationMessage(`MCP Pool: ${name} is not running, so it has no process id.`);
      return undefined;
    }
    await vscode.env.clipboard.writeText(String(pid));
    vscode.window.setStatusBarMessage(`MCP Pool: copied pid ${pid} of ${name}`, STATUS_MESSAGE_MS);
    return pid;
  }

  /** Refreshes the Apps view at once. Returns its rows. */
  refresh(): RowSummary[] {
    this.deps.tree.refresh();
    return this.deps.tree.rows();
  }

  /** Opens the authorization page an app is waiting on. Returns the URL opened. */
  async authorize(arg?: AppArg): Promise<string | undefined> {
    const name =
      appNameOf(arg) ??
      (await pickApp(this.pool, {
        title: 'MCP Pool: Open Authorization Page',
        filter: (s) => pendingAuthUrl(s) !== undefined,
        noneMessage: 'no app is waiting for authorization',
        autoSelectSingle: true,
      }));
    if (!name) return undefined;
    const snapshot = this.pool.snapshot(name);
    const url = snapshot && pendingAuthUrl(snapshot);
    if (!url) {
      void vscode.window.showInformationMessage(`MCP Pool: ${name} is not waiting for authorization.`);
      return undefined;
    }
    await openAuthorizationUrl(url);
    return url;
  }

  /** Forgets a direct app's OAuth sign-in and stops it (its next use signs in again). Returns the app signed out of. */
  async signOut(arg?: AppArg): Promise<string | undefined> {
    const name =
      appNameOf(arg) ??
      (await pickApp(this.pool, {
        title: 'MCP Pool: Sign Out',
        placeHolder: 'App to sign out of (its next use signs in again)',
        filter: (s) => s.transport === 'direct',
        noneMessage: 'no app is reached directly over HTTP (apps through mcp-remote keep their sign-in in ~/.mcp-auth)',
      }));
    if (!name) return undefined;
    const had = await this.pool.signOut(name);
    void vscode.window.setStatusBarMessage(
      had ? `MCP Pool: signed out of ${name}; its next use signs in again` : `MCP Pool: ${name} had no sign-in to forget`,
      STATUS_MESSAGE_MS,
    );
    return name;
  }

  /** The status bar's quick pick of pool actions. Returns the action run, if any. */
  statusBarMenu(): Promise<StatusBarMenuResult | undefined> {
    return showStatusBarMenu(this.pool, this.deps.gateway);
  }

  /** Whether the pool runs `name`; if not, tells the user why (untrusted, invalid, unknown). */
  private runnable(name: string): boolean {
    if (this.pool.names().includes(name)) return true;
    const { blocked, problems } = this.deps.config.state;
    if (blocked.includes(name)) {
      void vscode.window
        .showWarningMessage(
          `MCP Pool: ${name} is defined in the workspace settings and this workspace is not trusted, so it does not run.`,
          'Manage Workspace Trust',
        )
        .then((pick) => pick && vscode.commands.executeCommand('workbench.trust.manage'));
      return false;
    }
    const problem = problems.find((p) => p.app === name && p.severity === 'error');
    throw new PoolError(
      'unknown-app',
      name,
      problem ? `app "${name}" has an invalid definition and does not run: ${problem.message}` : `no app named "${name}" is configured`,
    );
  }
}

function listNames(names: readonly string[], max = 3): string {
  return names.length <= max ? names.join(', ') : `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}

function errorMessage(e: unknown): string {
  if (e instanceof PoolError) return e.details;
  return e instanceof Error ? e.message : String(e);
}
