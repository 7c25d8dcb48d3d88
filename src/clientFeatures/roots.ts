// Roots for servers that ask (`roots/list`): the workspace folders as file URIs, none while the
// workspace is untrusted. Changes (folders added or removed, trust granted) are announced, so the
// pool can send `notifications/roots/list_changed` to every running server.
import * as vscode from 'vscode';

export interface RootEntry {
  readonly uri: string;
  readonly name?: string;
}

export class WorkspaceRoots implements vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  private readonly subscriptions: vscode.Disposable[] = [this.changed];

  /** Fires when the roots may have changed. */
  readonly onDidChange = this.changed.event;

  constructor() {
    this.subscriptions.push(
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.changed.fire()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()),
    );
  }

  /** The workspace folders a server may see: none in an untrusted workspace. */
  list(): RootEntry[] {
    if (!vscode.workspace.isTrusted) return [];
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => ({ uri: f.uri.toString(), name: f.name }));
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
  }
}
