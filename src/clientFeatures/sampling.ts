// Sampling: a server asks the client's language model for a completion (`sampling/createMessage`).
// Answered with VS Code's Language Model API (whatever models the user has, e.g. Copilot), only
// after the user allowed it for that app — once, or always (remembered, revocable from the app's
// context menu) — with the request's messages shown when asking. No API (an older editor), no
// model, or no consent: a clear refusal, which the pool sends to the server as a JSON-RPC error.
import * as vscode from 'vscode';
import { type CreateMessageRequestParams, type CreateMessageResult, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { SamplingConsent } from './samplingConsent';

/** How much of the request the consent dialog shows. */
const SHOWN_CHARS = 1500;

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

function preview(params: CreateMessageRequestParams): string {
  const lines = [
    ...(params.systemPrompt ? [`System: ${params.systemPrompt}`] : []),
    ...params.messages.map((m) => `${m.role === 'user' ? 'User' : 'Assistant'}: ${textOf(m.content)}`),
    ...(params.maxTokens ? [`(at most ${params.maxTokens} tokens)`] : []),
  ];
  const text = lines.join('\n\n');
  return text.length > SHOWN_CHARS ? `${text.slice(0, SHOWN_CHARS - 1)}…` : text;
}

export class LanguageModelSampler {
  constructor(private readonly consent: SamplingConsent) {}

  async sample(app: string, params: CreateMessageRequestParams, signal: AbortSignal): Promise<CreateMessageResult> {
    const lm = (vscode as { lm?: typeof vscode.lm }).lm;
    if (typeof lm?.selectChatModels !== 'function') throw new Error('this editor has no language model API, so MCP apps cannot sample');
    // -1: the code the spec's examples use for a request the user rejected
    if (!(await this.askConsent(app, params))) throw new McpError(-1, `the user did not allow MCP app "${app}" to use a language model`);
    const hinted = (params.modelPreferences?.hints ?? []).map((h) => h.name).filter((n): n is string => !!n);
    const models = await lm.selectChatModels();
    if (!models.length) throw new Error('no language model is available in the editor (e.g. sign in to GitHub Copilot)');
    const model = models.find((m) => hinted.some((h) => m.id.includes(h) || m.family.includes(h) || m.name.includes(h))) ?? models[0];
    // The editor's API has no system role: the system prompt goes first, as the user's.
    const messages = [
      ...(params.systemPrompt ? [vscode.LanguageModelChatMessage.User(params.systemPrompt)] : []),
      ...params.messages.map((m) => (m.role === 'user' ? vscode.LanguageModelChatMessage.User(textOf(m.content)) : vscode.LanguageModelChatMessage.Assistant(textOf(m.content)))),
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
  private async askConsent(app: string, params: CreateMessageRequestParams): Promise<boolean> {
    if (this.consent.allowed(app)) return true;
    const once = 'Allow Once';
    const always = `Always Allow "${app}"`;
    // A dialog that could not be shown (e.g. an extension test host refuses modals) is no consent.
    const choice = await Promise.resolve(
      vscode.window.showWarningMessage(`MCP app "${app}" wants to send this to a language model on your behalf`, { modal: true, detail: preview(params) }, once, always),
    ).catch(() => undefined);
    if (choice === always) await this.consent.allow(app);
    return choice === once || choice === always;
  }
}
