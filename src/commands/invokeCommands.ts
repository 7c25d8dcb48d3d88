// Commands that use an app's tools: "Invoke Tool…" and "List Tools".
//
//   mcpPool.invokeTool(app?, tool?, args?) → CallOutcome | undefined
//     app:  an app name, or a tree node (app node, or tool node: then it names the tool too)
//     tool: a tool name; args: the arguments object.
//   Whatever is missing is asked for (app, tool, arguments). Given arguments mean a programmatic
//   call (tests, other extensions): no UI at all, no focus taken, and failures reject.
//   Resolves undefined when the user cancels (a prompt, or the progress notification); an app
//   that this invocation started and that the user then did not use is stopped again.
//
//   mcpPool.listTools(app?) → ToolInfo[] | undefined: writes the tools to the app's channel.
import * as vscode from 'vscode';
import { isObject } from '../common/json';
import { Commands, InternalCommands } from '../manifest/commands';
import type { ErrorReporter } from '../output/errorReporter';
import type { Outputs } from '../output/outputs';
import { PoolError, type CallOutcome, type Pool, type Redactor, type ToolInfo } from '../pool';
import type { ArgumentMemory } from '../invoke/argumentMemory';
import { promptForArguments } from '../invoke/argumentPrompts';
import type { JsonArgumentsEditor } from '../invoke/jsonArgumentsEditor';
import type { MediaStore } from '../results/mediaStore';
import type { ResultLinks } from '../results/resultLinks';
import { pickTool } from '../invoke/pickers';
import { runToolCall } from '../invoke/runToolCall';
import { describeField, schemaFields, validateArguments } from '../invoke/schemaArgs';
import { isAppRunning, StartWatch } from '../invoke/startWatch';
import { isDestructive, sortTools } from '../views/format';
import { appNameOf, isItemNode, toolNameOf } from '../views/treeNodes';
import { pickApp } from './appPicker';
import type { CommandTable } from './registry';

export interface InvokeCommandDeps {
  readonly pool: Pool;
  readonly outputs: Outputs;
  readonly reporter: ErrorReporter;
  readonly redactor: Redactor;
  readonly media: MediaStore;
  readonly memory: ArgumentMemory;
  readonly jsonEditor: JsonArgumentsEditor;
  /** Where the links of results are remembered (Open Resource from a Result…). */
  readonly links: ResultLinks;
}

export function invokeCommands(deps: InvokeCommandDeps): CommandTable {
  const invoker = new ToolInvoker(deps);
  return {
    // A programmatic call (arguments given) rejects on failure, after the failure was reported.
    [Commands.invokeTool]: {
      run: (target?: unknown, tool?: unknown, args?: unknown) => invoker.invoke(target, tool, args),
      rejects: (args) => args[2] !== undefined,
    },
    [Commands.listTools]: (target?: unknown) => invoker.listTools(target),
    [InternalCommands.runArgumentsJson]: (key?: string) => deps.jsonEditor.run(key),
  };
}

class ToolInvoker {
  private readonly pool: Pool;

  /** Destructive tools the user chose to always run, this session. */
  private readonly confirmed = new Set<string>();

  constructor(private readonly deps: InvokeCommandDeps) {
    this.pool = deps.pool;
  }

  /** The tool's description from the (possibly just started) app; undefined if it has no such tool. */
  private async findTool(app: string, name: string, interactive: boolean, watch: StartWatch): Promise<ToolInfo | undefined> {
    const list = () => this.pool.listTools(app, { startToken: watch.token });
    const tools =
      interactive && !isAppRunning(this.pool, app)
        ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: starting ${app}…` }, list)
        : await list();
    return tools.find((t) => t.name === name);
  }

  async invoke(target: unknown, toolArg?: unknown, argsArg?: unknown): Promise<CallOutcome | undefined> {
    if (argsArg !== undefined && !isObject(argsArg)) throw new TypeError(`${Commands.invokeTool}: the arguments must be an object`);
    const programmatic = argsArg !== undefined;
    const app =
      appNameOf(target) ??
      (programmatic
        ? undefined
        : await pickApp(this.pool, {
            title: 'MCP Pool: Invoke Tool',
            placeHolder: 'Which app?',
            noneMessage: 'no apps are configured',
            autoSelectSingle: true,
          }));
    if (!app) {
      if (programmatic) throw new TypeError(`${Commands.invokeTool}: an app is needed when arguments are given`);
      return undefined;
    }
    const toolName = toolNameOf(target, toolArg);
    // Listing the tools (to pick one, or to check the arguments) may be what starts the app: that
    // start belongs to this invocation, so its result is reported as a cold start.
    const watch = new StartWatch(this.pool, app);
    if (programmatic) return this.invokeProgrammatic(app, toolName, argsArg, watch);
    const outcome = await this.invokeInteractive(app, target, toolName, watch);
    if (!outcome) await watch.undo();
    return outcome;
  }

  /** Arguments given: no prompts, no focus; invalid arguments and pool errors reject. */
  private async invokeProgrammatic(
    app: string,
    toolName: string | undefined,
    args: Record<string, unknown>,
    startWatch: StartWatch,
  ): Promise<CallOutcome | undefined> {
    if (!toolName) throw new TypeError(`${Commands.invokeTool}: a tool name is needed when arguments are given`);
    const tool = await this.findTool(app, toolName, false, startWatch);
    const problems = tool ? validateArguments(tool.inputSchema, args) : [];
    if (problems.length)
      throw new PoolError(
        'invalid-arguments',
        app,
        `the arguments for ${app} › ${toolName} do not match its schema: ${problems.map((p) => p.message).join('; ')}`,
      );
    const outcome = await runToolCall(this.deps, { app, tool: toolName, args, interactive: false, startWatch });
    if (outcome) void this.deps.memory.remember(app, toolName, args);
    return outcome;
  }

  /** Asks for what is missing (tool, arguments), checks the arguments, calls; offers to edit rejected arguments. */
  private async invokeInteractive(app: string, target: unknown, toolName: string | undefined, startWatch: StartWatch): Promise<CallOutcome | undefined> {
    let tool: ToolInfo | undefined = isItemNode(target, 'tool') && target.app === app ? target.info : undefined;
    if (!tool && toolName) tool = await this.findTool(app, toolName, true, startWatch);
    if (toolName && !tool) void vscode.window.showWarningMessage(`MCP Pool: ${app} has no tool "${toolName}"; pick one of its tools.`);
    tool ??= await pickTool(this.pool, this.deps.reporter, app, startWatch.token);
    if (!tool) return undefined;

    let initial: Record<string, unknown> | undefined;
    let mode: 'fields' | 'json' | undefined;
    for (;;) {
      const prompted = await promptForArguments({ app, tool, memory: this.deps.memory, jsonEditor: this.deps.jsonEditor, initial, mode });
      if (!prompted) return undefined;
      const { args } = prompted;
      const problems = prompted.skipValidation ? [] : validateArguments(tool.inputSchema, args);
      if (problems.length) {
        const pick = await vscode.window.showWarningMessage(
          `${app} › ${tool.name}: the arguments do not match the tool's schema.`,
          { modal: true, detail: problems.map((p) => `• ${p.message}`).join('\n') },
          'Edit Arguments',
          'Send Anyway',
        );
        if (!pick) return undefined;
        if (pick === 'Edit Arguments') {
          [initial, mode] = [args, 'json'];
          continue;
        }
      }
      if (!(await this.confirmDestructive(app, tool))) return undefined;
      try {
        const outcome = await runToolCall(this.deps, { app, tool: tool.name, args, interactive: true, startWatch });
        if (outcome) void this.deps.memory.remember(app, tool.name, args);
        return outcome;
      } catch (e) {
        if (!(e instanceof PoolError && e.code === 'invalid-arguments')) throw e;
        // The server rejected the arguments: say why (its own words) and offer to edit them.
        const channel = this.deps.outputs.app(app);
        channel.error(e.details);
        const why = this.deps.redactor.redact(e.reason ?? e.message);
        const pick = await vscode.window.showErrorMessage(
          `MCP Pool: ${app} › ${tool.name}: the server rejected the arguments: ${why}`,
          'Edit Arguments',
          'Show Output',
        );
        if (pick === 'Show Output') channel.show(false);
        if (pick !== 'Edit Arguments') return undefined;
        [initial, mode] = [args, 'json'];
      }
    }
  }

  /**
   * A tool its server marks destructive runs only after a yes (or "Always Run" earlier in this
   * session). Programmatic invocations (other extensions, tests) are not asked.
   */
  private async confirmDestructive(app: string, tool: ToolInfo): Promise<boolean> {
    const key = `${app}\u0000${tool.name}`;
    if (!isDestructive(tool) || this.confirmed.has(key)) return true;
    const always = 'Always Run in This Session';
    const pick = await vscode.window.showWarningMessage(
      `${app} › ${tool.name} is marked destructive by its server: it may delete or overwrite data. Run it?`,
      { modal: true, detail: tool.description },
      'Run',
      always,
    );
    if (pick === always) this.confirmed.add(key);
    return pick !== undefined;
  }

  /** Writes the tools of an app (name, description, arguments) to its channel and shows it. */
  async listTools(target: unknown): Promise<ToolInfo[] | undefined> {
    const app =
      appNameOf(target) ??
      (await pickApp(this.pool, { title: 'MCP Pool: List Tools', placeHolder: 'Which app?', noneMessage: 'no apps are configured', autoSelectSingle: true }));
    if (!app) return undefined;
    const tools = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: listing the tools of ${app}…` }, () =>
      this.pool.listTools(app),
    );
    const lines: string[] = [];
    for (const tool of sortTools(tools)) {
      const description = tool.description?.trim().split('\n')[0];
      lines.push(`• ${tool.name}${tool.title && tool.title !== tool.name ? ` (${tool.title})` : ''}${description ? ` — ${description}` : ''}`);
      const fields = schemaFields(tool.inputSchema);
      const required = fields.filter((f) => f.required);
      const optional = fields.filter((f) => !f.required);
      if (required.length) lines.push(`    required: ${required.map((f) => `${f.name} (${describeField(f).split(' · ')[0]})`).join(', ')}`);
      if (optional.length) lines.push(`    optional: ${optional.map((f) => f.name).join(', ')}`);
      if (!fields.length) lines.push('    no arguments');
    }
    const channel = this.deps.outputs.app(app);
    channel.info(`${app}: ${tools.length} tool${tools.length === 1 ? '' : 's'}`);
    if (lines.length) channel.info(lines.join('\n'));
    channel.show(true);
    return tools;
  }
}
