// Keeps the `mcpPool.hasResultLinks` context key in step with the remembered result links (the
// palette offers "Open Resource from a Result…" only when there is something to open), and
// forgets the links of apps removed from the settings.
import * as vscode from 'vscode';
import type { ConfigStateSource } from '../config/poolConfigurator';
import { ContextKeys } from '../manifest/commands';
import type { Pool } from '../pool';
import type { ResultLinks } from '../results/resultLinks';

export function trackResultLinks(links: ResultLinks, pool: Pool, config: ConfigStateSource): vscode.Disposable {
  let shown: boolean | undefined;
  const update = () => {
    const has = links.size > 0;
    if (has === shown) return;
    shown = has;
    void vscode.commands.executeCommand('setContext', ContextKeys.hasResultLinks, has);
  };
  update();
  const subs = [links.onDidChange(update), config.onDidApply(() => links.retain(new Set(pool.names())))];
  return { dispose: () => subs.forEach((s) => s.dispose()) };
}
