// Asking the user for an app when a command was run without one (palette, keybinding).
import * as vscode from 'vscode';
import { Commands } from '../manifest/commands';
import type { AppSnapshot, Pool } from '../pool';
import { stateIcon } from '../views/appState';
import { describeApp } from '../views/format';

export interface PickAppOptions {
  readonly title: string;
  readonly placeHolder?: string;
  /** Which apps to offer (all configured apps by default). */
  readonly filter?: (s: AppSnapshot) => boolean;
  /** Shown instead of an empty list when no app qualifies. */
  readonly noneMessage: string;
  /** Skip the list when exactly one app qualifies. */
  readonly autoSelectSingle?: boolean;
}

interface AppPick extends vscode.QuickPickItem {
  readonly app: string;
}

/** The chosen app's name, or undefined if there was none to choose or the user cancelled. */
export async function pickApp(pool: Pool, options: PickAppOptions): Promise<string | undefined> {
  const now = Date.now();
  const apps = pool.snapshots().filter(options.filter ?? (() => true));
  if (!apps.length) {
    if (pool.names().length) {
      void vscode.window.showInformationMessage(`MCP Pool: ${options.noneMessage}`);
      return undefined;
    }
    const pick = await vscode.window.showInformationMessage('MCP Pool: no apps are configured yet.', 'Add App…', 'Import Servers…');
    if (pick === 'Add App…') void vscode.commands.executeCommand(Commands.addApp);
    if (pick === 'Import Servers…') void vscode.commands.executeCommand(Commands.importServers);
    return undefined;
  }
  if (apps.length === 1 && options.autoSelectSingle) return apps[0].name;
  const items: AppPick[] = apps.map((s) => ({
    label: `$(${stateIcon(s, now).id}) ${s.name}`,
    description: [describeApp(s, now), s.pid !== undefined ? `pid ${s.pid}` : '', s.toolCount !== undefined ? `${s.toolCount} tools` : '']
      .filter(Boolean)
      .join(' · '),
    detail: s.description ? `${s.description} — ${s.target}` : s.target,
    app: s.name,
  }));
  const pick = await vscode.window.showQuickPick(items, {
    title: options.title,
    placeHolder: options.placeHolder,
    matchOnDescription: true,
    matchOnDetail: true,
  });
  return pick?.app;
}

/** Asks for an app whose server offers `what` (or whose offer is not known yet: it never started). */
export function pickAppOffering(pool: Pool, what: 'resources' | 'prompts', title: string): Promise<string | undefined> {
  return pickApp(pool, {
    title,
    placeHolder: 'Which app?',
    filter: (s) => s.capabilities === undefined || s.capabilities[what],
    noneMessage: `no configured app offers ${what}`,
    autoSelectSingle: true,
  });
}
