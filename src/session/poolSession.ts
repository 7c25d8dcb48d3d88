// The pool service of an editor session: created in activate(), awaited in deactivate().
// It feeds the pool its configuration (settings + trust + secrets), prewarms, and turns pool
// events into log lines. Views and commands read from it and call the pool through it.
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { Emitter } from '../common/emitter';
import { affectsPool, formatProblem, readConfig } from '../config/configuration';
import { resolveSecrets } from '../config/secrets';
import { Outputs } from '../output/outputs';
import { bundledLauncher, commandLauncher, DefinitionProblem, McpRemoteLauncher, Pool, PoolError, PoolEvent, Redactor } from '../pool';

export interface SessionState {
  /** Problems found in the settings, by app. */
  readonly problems: readonly DefinitionProblem[];
  /** Apps from workspace settings that are not run because the workspace is untrusted. */
  readonly blocked: readonly string[];
}

export class PoolSession extends Disposable {
  readonly pool: Pool;
  private _state: SessionState = { problems: [], blocked: [] };
  private readonly _onDidChangeConfig = this._register(new Emitter<SessionState>());
  /** Fired after settings were (re)applied. */
  readonly onDidChangeConfig = this._onDidChangeConfig.event;
  private applying: Promise<void> = Promise.resolve();
  private lastProblemsShown = '';

  constructor(
    private readonly context: vscode.ExtensionContext,
    readonly outputs: Outputs,
    readonly redactor: Redactor,
  ) {
    super();
    this.pool = this._register(
      new Pool({
        launcher: this.defaultLauncher(),
        redactor,
        reaperScript: vscode.Uri.joinPath(context.extensionUri, 'dist', 'reaper.js').fsPath,
      }),
    );
    this._register(this.pool.onEvent((e) => this.log(e)));
    this._register(vscode.workspace.onDidChangeConfiguration((e) => affectsPool(e) && void this.reload()));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.reload()));
    this._register(context.secrets.onDidChange((e) => e.key.startsWith('mcpPool.') && void this.reload()));
  }

  get state(): SessionState {
    return this._state;
  }

  /** The extension's global storage folder on disk (images from tool results go below it). */
  get globalStoragePath(): string | undefined {
    const uri = this.context.globalStorageUri;
    return uri.scheme === 'file' ? uri.fsPath : undefined;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  private defaultLauncher(): McpRemoteLauncher {
    return bundledLauncher(vscode.Uri.joinPath(this.context.extensionUri, 'dist', 'mcp-remote', 'proxy.mjs').fsPath);
  }

  /** Reads the settings and applies them; changes restart only the apps whose definition changed. */
  reload(): Promise<void> {
    this.applying = this.applying.then(() => this.apply()).catch((e) => this.outputs.pool.error(`applying settings failed: ${(e as Error).message}`));
    return this.applying;
  }

  private async apply(): Promise<void> {
    const config = readConfig(this.trusted);
    const secrets = await resolveSecrets(config.specs, this.context.secrets, this.redactor);
    const problems = [...config.problems, ...secrets.problems];
    this.pool.updateSettings(config.settings);
    let launcher = this.defaultLauncher();
    if (config.mcpRemoteCommand.length) {
      try {
        launcher = commandLauncher(config.mcpRemoteCommand);
      } catch (e) {
        problems.push({ app: '(settings)', field: 'mcpPool.mcpRemoteCommand', message: `${(e as Error).message}; using the bundled mcp-remote`, severity: 'warning' });
      }
    }
    const relaunched = await this.pool.setLauncher(launcher);
    if (relaunched.length) this.outputs.pool.info(`mcp-remote launcher changed; stopped ${relaunched.join(', ')} (they restart on next use)`);
    const result = await this.pool.configure(secrets.specs);
    for (const [what, names] of Object.entries(result)) if (names.length) this.outputs.pool.info(`settings: ${what} ${names.join(', ')}`);
    if (config.blocked.length) {
      this.outputs.pool.warn(`workspace is not trusted: not running apps from workspace settings (${config.blocked.join(', ')})`);
    }
    this._state = { problems, blocked: config.blocked };
    this.reportProblems(problems);
    this._onDidChangeConfig.fire(this._state);
    for (const name of config.prewarm) void this.prewarm(name);
  }

  private async prewarm(name: string): Promise<void> {
    try {
      await this.pool.warm(name);
      this.outputs.pool.info(`${name}: prewarmed`);
    } catch (e) {
      this.outputs.pool.warn(`${name}: prewarm failed: ${(e as Error).message}`);
    }
  }

  private reportProblems(problems: readonly DefinitionProblem[]): void {
    const text = problems.map(formatProblem).join('\n');
    if (text === this.lastProblemsShown) return;
    this.lastProblemsShown = text;
    for (const p of problems) this.outputs.pool[p.severity === 'error' ? 'error' : 'warn'](`settings: ${formatProblem(p)}`);
    const errors = problems.filter((p) => p.severity === 'error');
    if (errors.length) {
      void vscode.window
        .showWarningMessage(`MCP Pool: ${errors.length === 1 ? formatProblem(errors[0]) : `${errors.length} app definitions have problems (see output)`}`, 'Open Settings', 'Show Output')
        .then((pick) => {
          if (pick === 'Open Settings') void vscode.commands.executeCommand('mcpPool.openSettings');
          if (pick === 'Show Output') this.outputs.pool.show(false);
        });
    }
  }

  private log(e: PoolEvent): void {
    const pool = this.outputs.pool;
    switch (e.type) {
      case 'started':
        pool.info(`${e.app}: started (pid ${e.pid}) in ${e.durationMs} ms`);
        break;
      case 'stopped':
        pool.info(`${e.app}: stopped (${e.reason === 'lru' ? 'evicted: pool full, least recently used' : e.reason === 'idle' ? 'evicted: idle' : e.reason})`);
        break;
      case 'crashed':
        pool.error(`${e.app}: crashed (${e.exit.signal ?? `exit code ${e.exit.code}`})${e.stderrTail.length ? `; last stderr: ${e.stderrTail.slice(-3).join(' | ')}` : ''}`);
        break;
      case 'startFailed':
        pool.error(`${e.app}: start failed: ${e.error}`);
        break;
      case 'stderr':
        this.outputs.app(e.app).info(`[stderr] ${e.line}`);
        break;
      case 'authRequired':
        pool.warn(`${e.app}: authorization required: ${e.url}`);
        this.outputs.app(e.app).warn(`authorization required: open ${e.url}`);
        break;
      case 'toolsChanged':
        pool.info(`${e.app}: tool list changed`);
        break;
      case 'state':
        break;
    }
  }

  /** Shows an error with a "Show Output" action; never awaited by callers that must not block. */
  reportError(app: string | undefined, e: unknown): void {
    const err = e instanceof PoolError ? e : undefined;
    const message = this.redactor.redact(err ? err.message : (e as Error)?.message ?? String(e));
    const channel = app && this.outputs.hasApp(app) ? this.outputs.app(app) : this.outputs.pool;
    channel.error(err ? err.details : message);
    void vscode.window.showErrorMessage(`MCP Pool: ${message}`, 'Show Output').then((pick) => pick && channel.show(false));
  }
}
