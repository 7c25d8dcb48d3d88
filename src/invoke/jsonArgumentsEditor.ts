// "Edit all arguments as JSON": the arguments open as a JSON file in an editor; saving it runs
// the tool, closing it cancels.
//
// Why this mechanism: it cannot hang, needs no contributions in package.json, and covers none of
// the text. Every way out settles the flow: save (Ctrl+S) or the status bar item "▶ Run <tool>"
// (shown while the file is open, updated live with what is wrong) run it; closing the editor or
// Cancel on the notification that explains all this cancel it. Rejected: a QuickPick kept open
// beside the editor (it sits over the first lines of the JSON and keyboard users cannot reach it),
// a notification with buttons (info notifications hide after a few seconds and cannot be closed
// by the extension), an InputBox (one line), CodeLens (a provider for one document).
// The JSON lives in a scratch file under global storage (not an untitled document), so it can be
// saved and closed afterwards without a "Save changes?" prompt; the file is deleted when done.
import * as vscode from 'vscode';
import { Disposable, toDisposable } from '../common/lifecycle';
import { InternalCommands } from '../manifest/commands';
import { JSON_ARGUMENTS_STATUS_PREFIX } from '../manifest/storage';
import type { ToolInfo } from '../pool';
import { argumentSkeleton, parseJson, validateArguments, type ArgField } from './schemaArgs';

export interface JsonEditOptions {
  readonly app: string;
  readonly tool: ToolInfo;
  readonly fields: readonly ArgField[];
  /** Values to start from (last used, or what was typed so far). */
  readonly initial: Readonly<Record<string, unknown>>;
}

export interface JsonEditResult {
  readonly args: Record<string, unknown>;
  /** The user chose to run although the arguments do not match the schema. */
  readonly skipValidation: boolean;
}

type Check =
  { readonly ok: false; readonly problem: string } | { readonly ok: true; readonly args: Record<string, unknown>; readonly problems: readonly string[] };

interface Pending {
  readonly opts: JsonEditOptions;
  readonly doc: vscode.TextDocument;
  readonly status: vscode.StatusBarItem;
  readonly resolve: (r: JsonEditResult | undefined) => void;
  shown: boolean;
}

function check(text: string, tool: ToolInfo): Check {
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, problem: parsed.message };
  const value = parsed.value;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { ok: false, problem: 'the arguments must be a JSON object: { "name": value, … }' };
  const args = value as Record<string, unknown>;
  return { ok: true, args, problems: validateArguments(tool.inputSchema, args).map((p) => p.message) };
}

function safeName(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 40) || 'x';
}

function tabsOf(uri: vscode.Uri): vscode.Tab[] {
  return vscode.window.tabGroups.all.flatMap((g) => g.tabs).filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
}

const SAVE_KEY = process.platform === 'darwin' ? '⌘S' : 'Ctrl+S';

export class JsonArgumentsEditor extends Disposable {
  private readonly pending = new Map<string, Pending>();
  private counter = 0;

  constructor(private readonly scratchDir: vscode.Uri) {
    super();
    this._register(vscode.workspace.onDidSaveTextDocument((d) => this.pending.has(d.uri.toString()) && this.tryRun(d.uri.toString())));
    this._register(vscode.workspace.onDidChangeTextDocument((e) => this.update(e.document.uri.toString())));
    this._register(vscode.workspace.onDidCloseTextDocument((d) => this.finish(d.uri.toString(), undefined)));
    this._register(
      vscode.window.tabGroups.onDidChangeTabs(() => {
        for (const [key, p] of this.pending) if (p.shown && !tabsOf(p.doc.uri).length) this.finish(key, undefined);
      }),
    );
    this._register(
      toDisposable(() => {
        for (const key of [...this.pending.keys()]) this.finish(key, undefined);
      }),
    );
  }

  /** Lets the user edit all arguments as JSON; undefined when they cancel. */
  async edit(opts: JsonEditOptions): Promise<JsonEditResult | undefined> {
    const { app, tool } = opts;
    const uri = vscode.Uri.joinPath(this.scratchDir, `${safeName(app)}.${safeName(tool.name)}.${Date.now()}-${++this.counter}.json`);
    await vscode.workspace.fs.createDirectory(this.scratchDir);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(`${JSON.stringify(argumentSkeleton(opts.fields, opts.initial), null, 2)}\n`, 'utf8'));
    const doc = await vscode.workspace.openTextDocument(uri);
    const key = uri.toString();
    const status = vscode.window.createStatusBarItem(`${JSON_ARGUMENTS_STATUS_PREFIX}${this.counter}`, vscode.StatusBarAlignment.Left, 1000);
    status.name = 'MCP Pool: arguments as JSON';
    const result = new Promise<JsonEditResult | undefined>((resolve) => this.pending.set(key, { opts, doc, status, resolve, shown: false }));
    this.update(key);
    status.show();
    try {
      await vscode.window.showTextDocument(doc, { preview: false });
      const p = this.pending.get(key);
      if (p) p.shown = true;
    } catch {
      this.finish(key, undefined);
    }
    // A progress notification stays up while the flow is open (plain ones hide after a few
    // seconds) and goes away by itself when it ends; its Cancel button cancels.
    void vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `${app} › ${tool.name}`, cancellable: true },
      (progress, token) => {
        progress.report({ message: `edit the arguments as JSON, then save (${SAVE_KEY}) to run. Close the editor to cancel.` });
        token.onCancellationRequested(() => this.finish(key, undefined));
        return result;
      },
    );
    const r = await result;
    await this.discard(doc);
    return r;
  }

  /** Shows in the status bar whether the JSON parses and matches the schema. */
  private update(key: string): void {
    const p = this.pending.get(key);
    if (!p) return;
    const { tool } = p.opts;
    const c = check(p.doc.getText(), tool);
    const how = `Save (${SAVE_KEY}) or click to run; close the editor to cancel.`;
    p.status.command = { command: InternalCommands.runArgumentsJson, title: 'Run', arguments: [key] };
    if (!c.ok) {
      p.status.text = `$(error) ${tool.name}: invalid JSON`;
      p.status.tooltip = `${c.problem}\n\n${how}`;
      p.status.backgroundColor = new vscode.ThemeColor('statusBarItem.errorBackground');
    } else if (c.problems.length) {
      p.status.text = `$(warning) ${tool.name}: ${c.problems[0]}${c.problems.length > 1 ? ` (+${c.problems.length - 1})` : ''}`;
      p.status.tooltip = `${c.problems.map((x) => `• ${x}`).join('\n')}\n\n${how}`;
      p.status.backgroundColor = new vscode.ThemeColor('statusBarItem.warningBackground');
    } else {
      p.status.text = `$(play) Run ${tool.name}`;
      p.status.tooltip = `Run ${p.opts.app} › ${tool.name} with these arguments.\n\n${how}`;
      p.status.backgroundColor = undefined;
    }
  }

  /** The "Run" command (InternalCommands.runArgumentsJson): runs the arguments of `key` (default: the active editor's). */
  run(key?: string): void {
    this.tryRun(key ?? vscode.window.activeTextEditor?.document.uri.toString() ?? '');
  }

  /** Runs if the JSON is a valid arguments object; otherwise says why (and offers Run Anyway for schema problems). */
  private tryRun(key: string, force = false): void {
    const p = this.pending.get(key);
    if (!p) return;
    const label = `${p.opts.app} › ${p.opts.tool.name}`;
    const c = check(p.doc.getText(), p.opts.tool);
    if (!c.ok) {
      void vscode.window.showErrorMessage(`MCP Pool: ${label}: ${c.problem}. Fix it, then save again to run.`);
      return;
    }
    if (c.problems.length && !force) {
      const more = c.problems.length > 1 ? ` (and ${c.problems.length - 1} more)` : '';
      void vscode.window
        .showWarningMessage(`MCP Pool: ${label}: ${c.problems[0]}${more}. Fix it and save again, or run anyway.`, 'Run Anyway')
        .then((pick) => pick && this.tryRun(key, true));
      return;
    }
    this.finish(key, { args: c.args, skipValidation: force });
  }

  private finish(key: string, result: JsonEditResult | undefined): void {
    const p = this.pending.get(key);
    if (!p) return;
    this.pending.delete(key);
    p.status.dispose();
    p.resolve(result);
  }

  /** Saves (so closing does not prompt), closes every tab of, and deletes the scratch file. */
  private async discard(doc: vscode.TextDocument): Promise<void> {
    try {
      if (doc.isDirty && !doc.isClosed) await doc.save();
      const tabs = tabsOf(doc.uri);
      if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
      await vscode.workspace.fs.delete(doc.uri, { useTrash: false });
    } catch {
      // best effort: a leftover scratch file is harmless
    }
  }
}
