// What the editor answers when a server asks (the pool's client hooks): the workspace folders as
// roots, the user for elicitation, a language model (with the user's consent) for sampling.
// Sampling is declared only where the editor has a Language Model API at all.
import * as vscode from 'vscode';
import type { ClientHooks } from '../pool';
import type { JsonArgumentsEditor } from '../invoke/jsonArgumentsEditor';
import type { MementoLike } from '../invoke/argumentMemory';
import { ElicitationPrompter } from './elicitation';
import { WorkspaceRoots } from './roots';
import { LanguageModelSampler } from './sampling';
import { SamplingConsent } from './samplingConsent';

export { SamplingConsent } from './samplingConsent';

export interface EditorClientFeatures extends vscode.Disposable {
  readonly hooks: ClientHooks;
  readonly consent: SamplingConsent;
}

export function editorClientFeatures(deps: { jsonEditor: JsonArgumentsEditor; state: MementoLike }): EditorClientFeatures {
  const roots = new WorkspaceRoots();
  const elicitation = new ElicitationPrompter(deps.jsonEditor);
  const consent = new SamplingConsent(deps.state);
  const sampler = new LanguageModelSampler(consent);
  const hasLanguageModels = typeof (vscode as { lm?: typeof vscode.lm }).lm?.selectChatModels === 'function';
  const hooks: ClientHooks = {
    roots: { list: () => roots.list(), onDidChange: (listener) => roots.onDidChange(listener) },
    elicit: (app, params) => elicitation.ask(app, params),
    ...(hasLanguageModels
      ? { sample: (app: string, params: Parameters<LanguageModelSampler['sample']>[1], signal: AbortSignal) => sampler.sample(app, params, signal) }
      : {}),
  };
  return { hooks, consent, dispose: () => roots.dispose() };
}
