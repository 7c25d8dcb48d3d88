// Feeds the pool its configuration: settings + workspace trust + secrets, re-applied whenever
// one of them changes. A change restarts only the apps whose definition changed. What could not
// be applied (problems, apps blocked by trust) is kept as `state` for the views, and announced
// through onDidApply; showing it is the views' job.
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { Emitter, type Event } from '../common/emitter';
import { affectsPool, readConfig } from './configuration';
import { resolveSecrets } from './secrets';
import { Settings, settingId } from '../manifest/settings';
import { SECRET_PREFIX } from '../manifest/storage';
import type { Channel } from '../output/outputs';
import { commandLauncher, type DefinitionProblem, type McpRemoteLauncher, type Pool, type Redactor } from '../pool';

export interface ConfigState {
  /** Problems found in the settings, by app. */
  readonly problems: readonly DefinitionProblem[];
  /** Apps from workspace settings that are not run because the workspace is untrusted. */
  readonly blocked: readonly string[];
  /** Valid apps to start as soon as the settings are applied. */
  readonly prewarm: readonly string[];
}

/** What views need to know about the configuration. */
export interface ConfigStateSource {
  readonly state: ConfigState;
  readonly trusted: boolean;
  readonly onDidApply: Event<ConfigState>;
}

export class PoolConfigurator extends Disposable implements ConfigStateSource {
  private _state: ConfigState = { problems: [], blocked: [], prewarm: [] };
  private readonly _onDidApply = this._register(new Emitter<ConfigState>());
  /** Fired after the settings were (re)applied. */
  readonly onDidApply = this._onDidApply.event;
  private applying: Promise<void> = Promise.resolve();

  constructor(
    private readonly pool: Pool,
    private readonly secrets: vscode.SecretStorage,
    private readonly redactor: Redactor,
    private readonly log: Channel,
    private readonly bundledLauncher: McpRemoteLauncher,
  ) {
    super();
    this._register(vscode.workspace.onDidChangeConfiguration((e) => affectsPool(e) && void this.reload()));
    this._register(vscode.workspace.onDidGrantWorkspaceTrust(() => void this.reload()));
    this._register(secrets.onDidChange((e) => e.key.startsWith(SECRET_PREFIX) && void this.reload()));
  }

  get state(): ConfigState {
    return this._state;
  }

  get trusted(): boolean {
    return vscode.workspace.isTrusted;
  }

  /** Reads the settings and applies them; resolves when done. Calls are serialized. */
  reload(): Promise<void> {
    this.applying = this.applying.then(() => this.apply()).catch((e: unknown) => this.log.error(`applying settings failed: ${(e as Error).message}`));
    return this.applying;
  }

  private async apply(): Promise<void> {
    const config = readConfig(this.trusted);
    const secrets = await resolveSecrets(config.specs, this.secrets, this.redactor);
    const problems = [...config.problems, ...secrets.problems];
    this.pool.updateSettings(config.settings);
    let launcher = this.bundledLauncher;
    if (config.mcpRemoteCommand.length) {
      try {
        launcher = commandLauncher(config.mcpRemoteCommand);
      } catch (e) {
        problems.push({
          app: '(settings)',
          field: settingId(Settings.mcpRemoteCommand.key),
          message: `${(e as Error).message}; using the bundled mcp-remote`,
          severity: 'warning',
        });
      }
    }
    const relaunched = await this.pool.setLauncher(launcher);
    if (relaunched.length) this.log.info(`mcp-remote launcher changed; stopped ${relaunched.join(', ')} (they restart on next use)`);
    const result = await this.pool.configure(secrets.specs);
    for (const [what, names] of Object.entries(result) as [string, string[]][]) if (names.length) this.log.info(`settings: ${what} ${names.join(', ')}`);
    if (config.blocked.length) this.log.warn(`workspace is not trusted: not running apps from workspace settings (${config.blocked.join(', ')})`);
    this._state = { problems, blocked: config.blocked, prewarm: config.prewarm };
    this._onDidApply.fire(this._state);
  }
}
