// Elicitation: a server asks the user for something during a call. Form mode asks, in quick inputs
// that stay open when the focus moves, "Respond… / Decline", then the server's JSON-Schema form
// field by field with the same schema-driven prompts as tool arguments (Invoke Tool); URL mode asks
// in a dialog before opening the browser. Both name the app that asks. The answers map to the
// protocol's actions: a filled form is `accept`, "Decline" is `decline`, Escape is `cancel`.
import * as vscode from 'vscode';
import type { ElicitRequestParams, ElicitResult } from '@modelcontextprotocol/client';
import { ArgumentMemory, type MementoLike } from '../invoke/argumentMemory';
import { promptForArguments } from '../invoke/argumentPrompts';
import type { JsonArgumentsEditor } from '../invoke/jsonArgumentsEditor';
import { pickStep } from '../invoke/quickSteps';

/** Nothing a server asked for is remembered as a default for the next time. */
const forgetful: MementoLike = { get: () => undefined, update: () => Promise.resolve() };

export class ElicitationPrompter {
  constructor(private readonly jsonEditor: JsonArgumentsEditor) {}

  async ask(app: string, params: ElicitRequestParams): Promise<ElicitResult> {
    return params.mode === 'url' ? this.askUrl(app, params.message, params.url) : this.askForm(app, params.message, params.requestedSchema);
  }

  private async askForm(app: string, message: string, schema: Record<string, unknown>): Promise<ElicitResult> {
    // A quick pick, not a modal: the fields that follow are quick inputs too, in the same place.
    const respond = { label: '$(edit) Respond…', answer: 'respond' as const };
    const decline = { label: '$(circle-slash) Decline', answer: 'decline' as const, description: 'the server is told you declined' };
    const first = await pickStep({
      title: `MCP app "${app}" asks for input`,
      placeholder: message,
      items: [respond, decline],
      canGoBack: false,
      offerJson: false,
    });
    if (first?.kind !== 'value') return { action: 'cancel' };
    if (first.value.answer === 'decline') return { action: 'decline' };
    const tool = { name: 'asks for input', description: message, inputSchema: schema };
    const answered = await promptForArguments({ app, tool, memory: new ArgumentMemory(forgetful), jsonEditor: this.jsonEditor, mode: 'fields' });
    if (!answered) return { action: 'cancel' };
    return { action: 'accept', content: answered.args as ElicitResult['content'] };
  }

  private async askUrl(app: string, message: string, url: string): Promise<ElicitResult> {
    let target: vscode.Uri;
    try {
      target = vscode.Uri.parse(url, true);
    } catch {
      return { action: 'decline' };
    }
    if (target.scheme !== 'https' && target.scheme !== 'http') {
      void vscode.window.showWarningMessage(`MCP app "${app}" asked to open a "${target.scheme}:" link; only web pages are opened.`);
      return { action: 'decline' };
    }
    const open = `Open ${target.authority}`;
    const decline = 'Decline';
    const choice = await Promise.resolve(
      vscode.window.showWarningMessage(
        `MCP app "${app}" asks you to open a page in your browser`,
        { modal: true, detail: `${message}\n\n${url}` },
        open,
        decline,
      ),
    ).catch(() => undefined);
    if (choice === decline) return { action: 'decline' };
    if (choice !== open) return { action: 'cancel' };
    await vscode.env.openExternal(target);
    return { action: 'accept' };
  }
}
