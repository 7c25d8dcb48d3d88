// Writes app definitions into settings (user or workspace), keeping what is already there.
import * as vscode from 'vscode';
import { SECTION, Settings } from '../manifest/settings';

export type SettingsTarget = 'user' | 'workspace';

export function currentApps(target: SettingsTarget): Record<string, unknown> {
  const info = vscode.workspace.getConfiguration(SECTION).inspect<Record<string, unknown>>(Settings.apps.key);
  const value = target === 'user' ? info?.globalValue : info?.workspaceValue;
  return value && typeof value === 'object' && !Array.isArray(value) ? { ...value } : {};
}

export async function writeApps(apps: Record<string, unknown>, target: SettingsTarget): Promise<void> {
  await vscode.workspace
    .getConfiguration(SECTION)
    .update(Settings.apps.key, apps, target === 'user' ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace);
}

/** Asks where to write when a workspace is open; user settings otherwise. Undefined if cancelled. */
export async function pickTarget(title: string): Promise<SettingsTarget | undefined> {
  if (!vscode.workspace.workspaceFolders?.length) return 'user';
  const pick = await vscode.window.showQuickPick(
    [
      { label: 'User settings', description: 'available in every workspace', target: 'user' as const },
      {
        label: 'Workspace settings',
        description: vscode.workspace.isTrusted ? 'only this workspace' : 'only this workspace — not run while it is untrusted',
        target: 'workspace' as const,
      },
    ],
    { title, placeHolder: 'Where should the app be saved?' },
  );
  return pick?.target;
}
