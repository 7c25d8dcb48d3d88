// Editor tests only (loaded by test/editor/run.mjs as a second development extension): two language
// models through the finalized provider API (VS Code 1.104+: vscode.lm.registerLanguageModelChatProvider
// + contributes.languageModelChatProviders). Deterministic: a model answers with its id and every
// message it was sent, in order, so a test sees exactly what reached the model. Two models, so a test
// can tell whether the caller honoured a server's model hint ('small-model') or took the first one.
// Where the API does not exist (VS Code 1.99) it registers nothing: the editor then has no model.
// Plain JavaScript: loaded as it is, no build step.
'use strict';
const vscode = require('vscode');

const VENDOR = 'mcp-pool-test';
const MODELS = [
  { id: 'echo-large', name: 'Echo Large (test)', family: 'echo-large' },
  { id: 'echo-small-model', name: 'Echo Small (test)', family: 'small-model' },
].map((m) => ({
  ...m,
  version: '1',
  maxInputTokens: 100000,
  maxOutputTokens: 4096,
  capabilities: {},
  tooltip: 'Editor-test model: answers with the messages it was sent',
}));

const ROLE = { 1: 'user', 2: 'assistant', 3: 'system' };

/** The text of a request message (its text parts; anything else named by its kind). */
function textOf(message) {
  const parts = Array.isArray(message.content) ? message.content : [message.content];
  return parts.map((p) => (typeof p === 'string' ? p : p instanceof vscode.LanguageModelTextPart ? p.value : `[${p?.constructor?.name ?? typeof p}]`)).join('');
}

/** What a model answers: `<model id> heard: <role>: <text> | <role>: <text> …`. */
function answer(model, messages) {
  return `${model.id} heard: ${messages.map((m) => `${ROLE[m.role] ?? m.role}: ${textOf(m)}`).join(' | ')}`;
}

function activate(context) {
  const lm = vscode.lm;
  if (typeof lm?.registerLanguageModelChatProvider !== 'function') return { registered: false };
  context.subscriptions.push(
    lm.registerLanguageModelChatProvider(VENDOR, {
      provideLanguageModelChatInformation: () => MODELS,
      async provideLanguageModelChatResponse(model, messages, _options, progress, token) {
        const text = answer(model, messages);
        // streamed in two chunks, as a real model would: the caller must join them
        const cut = Math.ceil(text.length / 2);
        for (const chunk of [text.slice(0, cut), text.slice(cut)]) {
          if (token.isCancellationRequested) return;
          progress.report(new vscode.LanguageModelTextPart(chunk));
          await new Promise((r) => setTimeout(r, 10));
        }
      },
      provideTokenCount: (_model, text) => Math.ceil((typeof text === 'string' ? text : textOf(text)).length / 4),
    }),
  );
  return { registered: true };
}

module.exports = { activate, deactivate() {} };
