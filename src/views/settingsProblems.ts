// Tells the user about invalid settings: every problem in the pool log, and one notification
// (Open Settings / Show Output) when the set of errors changes, not on every re-apply.
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import { formatProblem } from '../config/configuration';
import type { ConfigState, ConfigStateSource } from '../config/poolConfigurator';
import { Commands } from '../manifest/commands';
import type { Channel } from '../output/outputs';

export class SettingsProblemNotifier extends Disposable {
  private lastShown = '';

  constructor(
    config: ConfigStateSource,
    private readonly log: Channel,
  ) {
    super();
    this._register(config.onDidApply((state) => this.show(state)));
  }

  private show({ problems }: ConfigState): void {
    const text = problems.map(formatProblem).join('\n');
    if (text === this.lastShown) return;
    this.lastShown = text;
    for (const p of problems) this.log[p.severity === 'error' ? 'error' : 'warn'](`settings: ${formatProblem(p)}`);
    const errors = problems.filter((p) => p.severity === 'error');
    if (!errors.length) return;
    const message = errors.length === 1 ? formatProblem(errors[0]) : `${errors.length} app definitions have problems (see output)`;
    void vscode.window.showWarningMessage(`MCP Pool: ${message}`, 'Open Settings', 'Show Output').then((pick) => {
      if (pick === 'Open Settings') void vscode.commands.executeCommand(Commands.openSettings);
      if (pick === 'Show Output') this.log.show(false);
    });
  }
}
