// Showing whole-file edits of other programs' configuration files before anything is written: a
// diff per file (one multi-file diff when there are several), then a question beside it. The
// proposed text lives in read-only documents of its own scheme; the diff closes when answered.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { Disposable } from '../common/lifecycle';
import type { FileEdit } from '../hosts';
import { tildify } from '../import';

export const EDIT_PREVIEW_SCHEME = 'mcp-pool-edit';
const SCHEME = EDIT_PREVIEW_SCHEME;
const WRITE = 'Write';
const MULTI_TITLE = 'MCP Pool: changes to write';

export class EditPreview extends Disposable implements vscode.TextDocumentContentProvider {
  private readonly texts = new Map<string, string>();
  private serial = 0;
  /** Settles the question on screen, from the diff's title bar. */
  private answer: ((write: boolean) => void) | undefined;

  constructor() {
    super();
    this._register(vscode.workspace.registerTextDocumentContentProvider(SCHEME, this));
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Shows `edits` and asks `question`; true when the user chose Write. */
  async confirm(edits: readonly FileEdit[], question: string): Promise<boolean> {
    const n = ++this.serial;
    const uri = (edit: FileEdit, side: 'before' | 'after') => {
      // the file's own name keeps its language (json, toml, yaml) in the diff
      const u = vscode.Uri.from({ scheme: SCHEME, path: `/${n}/${side}${vscode.Uri.file(edit.path).path}` });
      this.texts.set(u.toString(), side === 'before' ? (edit.before ?? '') : edit.after);
      return u;
    };
    const pairs = edits.map((e) => ({ edit: e, left: uri(e, 'before'), right: uri(e, 'after') }));
    const home = os.homedir();
    // ready before the diff shows: its title bar can answer as soon as it is on screen
    const answered = new Promise<boolean>((resolve) => (this.answer = resolve));
    try {
      if (pairs.length === 1) {
        const { edit, left, right } = pairs[0];
        const title = `${tildify(edit.path, home)} ${edit.before === undefined ? '(new file)' : '↔ with the pool'}`;
        await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
      } else {
        await vscode.commands.executeCommand(
          'vscode.changes',
          MULTI_TITLE,
          pairs.map((p) => [vscode.Uri.file(p.edit.path), p.left, p.right]),
        );
      }
      const files = edits.map((e) => tildify(e.path, home)).join(', ');
      // the answer comes from the notification, or from the diff's own title bar (Write / Discard) when
      // the notification is out of sight (Do Not Disturb, or gone into the notification center)
      const asked = vscode.window
        .showInformationMessage(
          `MCP Pool: ${question} The diff shows the changes to ${files}; a backup of each existing file is kept in ~/.mcp-pool/backups.`,
          WRITE,
          'Cancel',
        )
        .then((pick) => pick === WRITE);
      return await Promise.race([answered, asked]);
    } finally {
      this.answer = undefined;
      await this.close(pairs.map((p) => p.right.toString()));
      for (const p of pairs) {
        this.texts.delete(p.left.toString());
        this.texts.delete(p.right.toString());
      }
    }
  }

  /** Write (true) or Discard (false) from the diff's title bar; nothing when no question is open. */
  settle(write: boolean): void {
    this.answer?.(write);
  }

  /** Closes the tabs that show these proposed documents. */
  private async close(rights: readonly string[]): Promise<void> {
    const tabs = vscode.window.tabGroups.all
      .flatMap((g) => g.tabs)
      .filter((t) => {
        const input = t.input;
        if (input instanceof vscode.TabInputTextDiff) return rights.includes(input.modified.toString());
        // a multi-file diff (no API type at the floor version): by its title
        return t.label === MULTI_TITLE;
      });
    if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
  }
}
