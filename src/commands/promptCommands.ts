// "Get Prompt…": an app's prompt with its arguments, its messages in the app's output channel.
//
//   mcpPool.getPrompt(target?, prompt?, args?, options?) → PromptResult | undefined
//     target: an app name, or a tree node (app, Prompts group, prompt); prompt: its name;
//     args: { name: value } (strings); options: { markdown: true } also opens the messages as a
//     Markdown document. Whatever is missing is asked for (app, prompt, then each argument with
//     the server's completions as picks). Given arguments mean a programmatic call: no questions,
//     no focus taken, and failures reject. Resolves undefined when the user cancels; an app this
//     command started and the user then did not use is stopped again.
import * as vscode from 'vscode';
import { isObject } from '../common/json';
import { Commands } from '../manifest/commands';
import type { ErrorReporter } from '../output/errorReporter';
import { PoolError, type PromptInfo, type PromptResult } from '../pool';
import { isAppRunning, StartWatch } from '../invoke/startWatch';
import { askValues, type Completer } from '../serverFeatures/askValues';
import { pickPrompt } from '../serverFeatures/featurePickers';
import { type PromptDeps, runPrompt } from '../serverFeatures/runPrompt';
import { appNameOf, isItemNode } from '../views/treeNodes';
import { pickAppOffering } from './appPicker';
import type { CommandTable } from './registry';

export interface PromptCommandDeps extends PromptDeps {
  readonly reporter: ErrorReporter;
}

export interface GetPromptOptions {
  /** Also open the messages as a Markdown document. */
  readonly markdown?: boolean;
}

export function promptCommands(deps: PromptCommandDeps): CommandTable {
  const c = new PromptCommands(deps);
  return {
    [Commands.getPrompt]: {
      run: (target?: unknown, prompt?: unknown, args?: unknown, options?: unknown) => c.get(target, prompt, args, options),
      rejects: (args) => args[2] !== undefined,
    },
  };
}

function isStringRecord(v: unknown): v is Record<string, string> {
  return isObject(v) && Object.values(v).every((x) => typeof x === 'string');
}

class PromptCommands {
  constructor(private readonly deps: PromptCommandDeps) {}

  async get(target: unknown, promptArg?: unknown, argsArg?: unknown, optionsArg?: unknown): Promise<PromptResult | undefined> {
    if (argsArg !== undefined && !isStringRecord(argsArg)) throw new TypeError(`${Commands.getPrompt}: the arguments must be an object of strings`);
    const markdown = typeof optionsArg === 'object' && optionsArg !== null && (optionsArg as GetPromptOptions).markdown === true;
    const programmatic = argsArg !== undefined;
    const { pool } = this.deps;
    const app = appNameOf(target) ?? (programmatic ? undefined : await pickAppOffering(pool, 'prompts', 'MCP Pool: Get Prompt'));
    if (!app) {
      if (programmatic) throw new TypeError(`${Commands.getPrompt}: an app is needed when arguments are given`);
      return undefined;
    }
    const nodeInfo = isItemNode(target, 'prompt') && target.app === app ? target.info : undefined;
    const name = nodeInfo?.name ?? (typeof promptArg === 'string' && promptArg ? promptArg : undefined);
    if (programmatic) {
      if (!name) throw new TypeError(`${Commands.getPrompt}: a prompt name is needed when arguments are given`);
      await this.checkRequired(app, name, argsArg);
      return runPrompt(this.deps, { app, prompt: name, args: argsArg, interactive: false, markdown });
    }
    // Listing may be what starts the app: if the user then cancels, it is stopped again.
    const watch = new StartWatch(pool, app);
    const info = await this.choose(app, nodeInfo, name, watch.token);
    const args =
      info &&
      (await askValues({
        title: `${app} › ${info.name}`,
        fields: info.arguments.map((a) => ({ name: a.name, description: a.description, required: a.required === true })),
        complete: this.completer(app, info.name),
      }));
    if (!info || !args) {
      await watch.undo();
      return undefined;
    }
    return runPrompt(this.deps, { app, prompt: info.name, args, interactive: true, markdown, startToken: watch.token });
  }

  /** The prompt to get: the row's, the one named (if the app lists it), else the one the user picks. */
  private async choose(app: string, nodeInfo: PromptInfo | undefined, name: string | undefined, startToken: object): Promise<PromptInfo | undefined> {
    if (nodeInfo) return nodeInfo;
    if (name) {
      const list = () => this.deps.pool.listPrompts(app, { startToken });
      const prompts = isAppRunning(this.deps.pool, app)
        ? await list()
        : await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: starting ${app}…` }, list);
      const found = prompts.find((p) => p.name === name);
      if (found) return found;
      void vscode.window.showWarningMessage(`MCP Pool: ${app} has no prompt "${name}"; pick one of its prompts.`);
    }
    return pickPrompt(this.deps.pool, this.deps.reporter, app, startToken);
  }

  /** The server's completions for the prompt's arguments, when it offers completions. */
  private completer(app: string, prompt: string): Completer | undefined {
    if (!this.deps.pool.snapshot(app)?.capabilities?.completions) return undefined;
    return async (name, value, context) => (await this.deps.pool.complete(app, { type: 'ref/prompt', name: prompt }, { name, value }, context)).values;
  }

  /** A programmatic call without a required argument fails before anything is sent (when the app lists the prompt). */
  private async checkRequired(app: string, name: string, args: Readonly<Record<string, string>>): Promise<void> {
    const info = (await this.deps.pool.listPrompts(app)).find((p) => p.name === name);
    const missing = info?.arguments.filter((a) => a.required && args[a.name] === undefined).map((a) => a.name) ?? [];
    if (missing.length) throw new PoolError('invalid-arguments', app, `prompt "${name}" of ${app} needs ${missing.join(', ')}`);
  }
}
