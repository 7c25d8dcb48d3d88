// "Show Output" without an app: pick the pool log or one app's channel.
import * as vscode from 'vscode';
import { POOL_LOG_NAME, type Outputs } from '../output/outputs';
import type { Pool } from '../pool';
import { stateIcon } from '../views/appState';
import { stateWord } from '../views/format';

interface OutputPick extends vscode.QuickPickItem {
  /** undefined: the pool log. */
  readonly app?: string;
}

/** Shows the chosen channel; returns its name, or undefined if the user cancelled. */
export async function showOutputPicker(pool: Pool, outputs: Outputs): Promise<string | undefined> {
  const now = Date.now();
  const apps = pool.snapshots();
  const items: OutputPick[] = [
    { label: '$(output) Pool log', description: POOL_LOG_NAME, detail: 'Starts, stops, crashes and settings problems of every app' },
  ];
  if (apps.length) items.push({ label: 'Apps', kind: vscode.QuickPickItemKind.Separator });
  for (const s of apps)
    items.push({
      label: `$(${stateIcon(s, now).id}) ${s.name}`,
      description: stateWord(s, now),
      detail: 'Calls, results and the server’s stderr',
      app: s.name,
    });
  const pick = await vscode.window.showQuickPick(items, { title: 'MCP Pool: Show Output', placeHolder: 'Output to show' });
  if (!pick) return undefined;
  if (pick.app === undefined) {
    outputs.pool.show(false);
    return POOL_LOG_NAME;
  }
  outputs.app(pick.app).show(false);
  return `${POOL_LOG_NAME}: ${pick.app}`;
}
