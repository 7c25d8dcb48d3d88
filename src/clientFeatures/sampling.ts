// Sampling: a server asks the client's language model for a completion (`sampling/createMessage`).
// Answered with VS Code's Language Model API (whatever models the user has, e.g. Copilot), only
// after the user allowed it for that app — once, or always (remembered, revocable from the app's
// context menu) — with the request's messages shown when asking (a quick pick, see askConsentInQuickPick).
// No API (an older editor), no model (asked first: nobody is asked in vain), or no consent: a clear
// refusal, which the pool sends to the server as a JSON-RPC error.
import * as vscode from 'vscode';
import type { CreateMessageRequestParams, CreateMessageResult } from '@modelcontextprotocol/client';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import type { SamplingConsent } from './samplingConsent';

/** How much of one message a row of the consent shows (the whole request is one Enter away). */
const ROW_CHARS = 300;

type SamplingContent = CreateMessageRequestParams['messages'][number]['content'];

/** The text of a message's content; other kinds are named, not sent (the editor's API takes text here). */
function textOf(content: SamplingContent): string {
  const parts = Array.isArray(content) ? content : [content];
  return parts
    .map((p) => {
      const part = p as { type: string; text?: string };
      return part.type === 'text' ? (part.text ?? '') : `[${part.type} omitted]`;
    })
    .join('\n');
}

/** The request as the user is shown it: system prompt, then each message, by role. */
function parts(params: CreateMessageRequestParams): { role: string; text: string }[] {
  return [
    ...(params.systemPrompt ? [{ role: 'System', text: params.systemPrompt }] : []),
    ...params.messages.map((m) => ({ role: m.role === 'user' ? 'User' : 'Assistant', text: textOf(m.content) })),
  ];
}

/** The whole request as Markdown, for "show the whole request". */
function requestMarkdown(app: string, params: CreateMessageRequestParams): string {
  const limit = params.maxTokens ? `\n\nAt most ${params.maxTokens} tokens in the answer.` : '';
  return `# What MCP app "${app}" wants to send to a language model\n\n${parts(params)
    .map((p) => `## ${p.role}\n\n${p.text}`)
    .join('\n\n')}${limit}\n`;
}

const oneLine = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > ROW_CHARS ? `${flat.slice(0, ROW_CHARS - 1)}…` : flat;
};

type ConsentItem = vscode.QuickPickItem & { readonly answer?: 'once' | 'always' | 'deny' | 'show' };

/**
 * Asks whether the app may send this request to a language model: a quick pick (like a server's form,
 * and unlike a modal it stays out of the way of the rest of the editor and stays open when the focus
 * moves) with the answers first, then the request itself, one row per message. Enter on a message opens
 * the whole request beside. Escape, Deny, or the server withdrawing the request: no consent.
 */
function askConsentInQuickPick(app: string, params: CreateMessageRequestParams, signal: AbortSignal): Promise<'once' | 'always' | undefined> {
  const pick = vscode.window.createQuickPick<ConsentItem>();
  pick.title = `MCP app "${app}" wants to use a language model`;
  pick.placeholder = 'Send the request below to a language model (e.g. Copilot) on your behalf?';
  pick.ignoreFocusOut = true;
  pick.matchOnDetail = true;
  const tokens = params.maxTokens ? ` (an answer of at most ${params.maxTokens} tokens)` : '';
  pick.items = [
    { label: '$(check) Allow Once', description: 'send this request', answer: 'once' },
    { label: `$(check-all) Always Allow "${app}"`, description: 'until you revoke it: MCP Pool: Revoke Language Model Access…', answer: 'always' },
    { label: '$(circle-slash) Deny', description: 'the server is told you refused', answer: 'deny' },
    { label: `The request${tokens}`, kind: vscode.QuickPickItemKind.Separator },
    ...parts(params).map((p): ConsentItem => ({ label: p.role, detail: oneLine(p.text), description: 'Enter: show the whole request', answer: 'show' })),
  ];
  return new Promise((resolve) => {
    const done = (answer: 'once' | 'always' | undefined) => {
      resolve(answer);
      for (const d of subscriptions) d.dispose();
      signal.removeEventListener('abort', withdraw);
      pick.dispose();
    };
    const withdraw = () => done(undefined);
    const subscriptions = [
      pick.onDidHide(() => done(undefined)),
      pick.onDidAccept(() => {
        const answer = (pick.selectedItems[0] ?? pick.activeItems[0])?.answer;
        if (answer === 'once' || answer === 'always') done(answer);
        else if (answer === 'deny') done(undefined);
        else if (answer === 'show') {
          void Promise.resolve(vscode.workspace.openTextDocument({ language: 'markdown', content: requestMarkdown(app, params) }))
            .then((doc) => vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true, preview: true }))
            .then(undefined, () => undefined);
        }
      }),
    ];
    if (signal.aborted) return done(undefined);
    signal.addEventListener('abort', withdraw, { once: true });
    pick.show();
  });
}

export class LanguageModelSampler {
  constructor(private readonly consent: SamplingConsent) {}

  async sample(app: string, params: CreateMessageRequestParams, signal: AbortSignal): Promise<CreateMessageResult> {
    const lm = (vscode as { lm?: typeof vscode.lm }).lm;
    if (typeof lm?.selectChatModels !== 'function') throw new Error('this editor has no language model API, so MCP apps cannot sample');
    // No model: refused at once, nobody is asked for a consent that could not be used.
    const models = await lm.selectChatModels();
    if (!models.length) throw new Error('no language model is available in the editor (e.g. sign in to GitHub Copilot)');
    // -1: the code the spec's examples use for a request the user rejected
    if (!(await this.askConsent(app, params, signal))) throw new McpError(-1, `the user did not allow MCP app "${app}" to use a language model`);
    const hinted = (params.modelPreferences?.hints ?? []).map((h) => h.name).filter((n): n is string => !!n);
    const model = models.find((m) => hinted.some((h) => m.id.includes(h) || m.family.includes(h) || m.name.includes(h))) ?? models[0];
    // The editor's API has no system role: the system prompt goes first, as the user's.
    const messages = [
      ...(params.systemPrompt ? [vscode.LanguageModelChatMessage.User(params.systemPrompt)] : []),
      ...params.messages.map((m) =>
        m.role === 'user' ? vscode.LanguageModelChatMessage.User(textOf(m.content)) : vscode.LanguageModelChatMessage.Assistant(textOf(m.content)),
      ),
    ];
    const cancel = new vscode.CancellationTokenSource();
    const onAbort = () => cancel.cancel();
    signal.addEventListener('abort', onAbort);
    try {
      const response = await model.sendRequest(messages, { justification: `MCP app "${app}" asks for a completion` }, cancel.token);
      let text = '';
      for await (const chunk of response.text) text += chunk;
      return { role: 'assistant', content: { type: 'text', text }, model: model.id, stopReason: 'endTurn' };
    } finally {
      signal.removeEventListener('abort', onAbort);
      cancel.dispose();
    }
  }

  /** Consent for this request: remembered, or asked now with the request shown. */
  private async askConsent(app: string, params: CreateMessageRequestParams, signal: AbortSignal): Promise<boolean> {
    if (this.consent.allowed(app)) return true;
    const choice = await askConsentInQuickPick(app, params, signal);
    if (choice === 'always') await this.consent.allow(app);
    return choice !== undefined;
  }
}
