// Commands that use an app's tools: "Invoke Tool…" and "List Tools".
//
//   mcpPool.invokeTool(app?, tool?, args?) → CallOutcome | undefined
//     app:  an app name, or a tree node (app node, or tool node: then it names the tool too)
//     tool: a tool name; args: the arguments object.
//   Whatever is missing is asked for (app, tool, arguments). Given arguments mean a programmatic
//   call (tests, other extensions): no UI at all, no focus taken, and failures reject.
//   Resolves undefined when the user cancels (a prompt, or the progress notification).
//
//   mcpPool.listTools(app?) → ToolInfo[] | undefined: writes the tools to the app's channel.
import * as vscode from 'vscode';
import { PoolError, type CallOutcome, type ToolInfo } from '../pool';
import type { PoolSession } from '../session/poolSession';
import { ArgumentMemory } from '../invoke/argumentMemory';
import { promptForArguments } from '../invoke/argumentPrompts';
import { JsonArgumentsEditor } from '../invoke/jsonArgumentsEditor';
import { MediaStore } from '../invoke/mediaStore';
import { isAppRunning, pickTool } from '../invoke/pickers';
import { pickApp } from './appPicker';
import { runToolCall } from '../invoke/runToolCall';
import { describeField, schemaFields, validateArguments } from '../invoke/schemaArgs';
import { appNameOf, toolNameOf, type ToolNode } from '../views/treeNodes';

function isToolNode(v: unknown): v is ToolNode {
  return typeof v === 'object' && v !== null && (v as { kind?: unknown }).kind === 'tool' && typeof (v as { info?: unknown }).info === 'object';
}

function isArgs(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

class ToolInvoker {
  private readonly memory: ArgumentMemory;
  private readonly media: MediaStore;
  readonly jsonEditor: JsonArgumentsEditor;

  constructor(
    private readonly session: PoolSession,
    context: vscode.ExtensionContext,
  ) {
    this.memory = new ArgumentMemory(context.globalState);
    this.media = new MediaStore(vscode.Uri.joinPath(context.globalStorageUri, 'images').fsPath);
    this.jsonEditor = new JsonArgumentsEditor(vscode.Uri.joinPath(context.globalStorageUri, 'arguments'));
  }

  /** The tool's description from the (possibly just started) app; undefined if it has no such tool. */
  private async findTool(app: string, name: string, interactive: boolean): Promise<ToolInfo | undefined> {
    const list = () => this.session.pool.listTools(app);
    const tools = interactive && !isAppRunning(this.session, app) ? await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: starting ${app}…` }, list) : await list();
    return tools.find((t) => t.name === name);
  }

  async invoke(target: unknown, toolArg?: unknown, argsArg?: unknown): Promise<CallOutcome | undefined> {
    if (argsArg !== undefined && !isArgs(argsArg)) throw new TypeError('mcpPool.invokeTool: the arguments must be an object');
    const programmatic = argsArg !== undefined;
    const app = appNameOf(target) ?? (programmatic ? undefined : await pickApp(this.session, { title: 'MCP Pool: Invoke Tool', placeHolder: 'Which app?', noneMessage: 'no apps are configured', autoSelectSingle: true }));
    if (!app) {
      if (programmatic) throw new TypeError('mcpPool.invokeTool: an app is needed when arguments are given');
      return undefined;
    }
    const toolName = toolNameOf(target, toolArg);
    if (programmatic) return this.invokeProgrammatic(app, toolName, argsArg);

    let tool: ToolInfo | undefined = isToolNode(target) && target.app === app ? target.info : undefined;
    try {
      if (!tool && toolName) tool = await this.findTool(app, toolName, true);
    } catch (e) {
      this.session.reportError(app, e);
      return undefined;
    }
    if (toolName && !tool) void vscode.window.showWarningMessage(`MCP Pool: ${app} has no tool "${toolName}"; pick one of its tools.`);
    tool ??= await pickTool(this.session, app);
    if (!tool) return undefined;
    return this.invokeInteractive(app, tool);
  }

  /** Arguments given: no prompts, no focus; invalid arguments and pool errors reject. */
  private async invokeProgrammatic(app: string, toolName: string | undefined, args: Record<string, unknown>): Promise<CallOutcome | undefined> {
    if (!toolName) throw new TypeError('mcpPool.invokeTool: a tool name is needed when arguments are given');
    const t0 = Date.now();
    const wasRunning = isAppRunning(this.session, app);
    try {
      const tool = await this.findTool(app, toolName, false);
      const problems = tool ? validateArguments(tool.inputSchema, args) : [];
      if (problems.length) throw new PoolError('invalid-arguments', app, `the arguments for ${app} › ${toolName} do not match its schema: ${problems.map((p) => p.message).join('; ')}`);
      // Listing the tools (to check the arguments) may have been what started the app: that start
      // belongs to this invocation, so it counts as a cold start and its time as the duration.
      const outcome = await runToolCall(this.session, this.media, { app, tool: toolName, args, interactive: false, startedColdAt: wasRunning ? undefined : t0 });
      if (outcome) void this.memory.remember(app, toolName, args);
      return outcome;
    } catch (e) {
      this.session.reportError(app, e);
      throw e;
    }
  }

  /** Prompts (if the tool takes arguments), checks them, calls; offers to edit rejected arguments. */
  private async invokeInteractive(app: string, tool: ToolInfo): Promise<CallOutcome | undefined> {
    let initial: Record<string, unknown> | undefined;
    let mode: 'fields' | 'json' | undefined;
    for (;;) {
      const prompted = await promptForArguments({ app, tool, memory: this.memory, jsonEditor: this.jsonEditor, initial, mode });
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
      try {
        const outcome = await runToolCall(this.session, this.media, { app, tool: tool.name, args, interactive: true });
        if (outcome) void this.memory.remember(app, tool.name, args);
        return outcome;
      } catch (e) {
        if (!(e instanceof PoolError && e.code === 'invalid-arguments')) {
          this.session.reportError(app, e);
          return undefined;
        }
        const channel = this.session.outputs.app(app);
        channel.error(e.details);
        const message = this.session.redactor.redact(e.message.replace(/^the server rejected the arguments of call to "[^"]*"/, 'the server rejected the arguments'));
        const pick = await vscode.window.showErrorMessage(`MCP Pool: ${app} › ${tool.name}: ${message}`, 'Edit Arguments', 'Show Output');
        if (pick === 'Show Output') channel.show(false);
        if (pick !== 'Edit Arguments') return undefined;
        [initial, mode] = [args, 'json'];
      }
    }
  }

  /** Writes the tools of an app (name, description, arguments) to its channel and shows it. */
  async listTools(target: unknown): Promise<ToolInfo[] | undefined> {
    const app = appNameOf(target) ?? (await pickApp(this.session, { title: 'MCP Pool: List Tools', placeHolder: 'Which app?', noneMessage: 'no apps are configured', autoSelectSingle: true }));
    if (!app) return undefined;
    let tools: ToolInfo[];
    try {
      tools = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `MCP Pool: listing the tools of ${app}…` }, () => this.session.pool.listTools(app));
    } catch (e) {
      this.session.reportError(app, e);
      return undefined;
    }
    const lines: string[] = [];
    for (const tool of [...tools].sort((a, b) => a.name.localeCompare(b.name))) {
      const description = tool.description?.trim().split('\n')[0];
      lines.push(`• ${tool.name}${tool.title && tool.title !== tool.name ? ` (${tool.title})` : ''}${description ? ` — ${description}` : ''}`);
      const fields = schemaFields(tool.inputSchema);
      const required = fields.filter((f) => f.required);
      const optional = fields.filter((f) => !f.required);
      if (required.length) lines.push(`    required: ${required.map((f) => `${f.name} (${describeField(f).split(' · ')[0]})`).join(', ')}`);
      if (optional.length) lines.push(`    optional: ${optional.map((f) => f.name).join(', ')}`);
      if (!fields.length) lines.push('    no arguments');
    }
    const channel = this.session.outputs.app(app);
    channel.info(`${app}: ${tools.length} tool${tools.length === 1 ? '' : 's'}`);
    if (lines.length) channel.info(lines.join('\n'));
    channel.show(true);
    return tools;
  }
}

export function registerInvokeCommands(session: PoolSession, context: vscode.ExtensionContext): vscode.Disposable[] {
  const invoker = new ToolInvoker(session, context);
  return [
    invoker.jsonEditor,
    vscode.commands.registerCommand('mcpPool.invokeTool', (target?: unknown, tool?: unknown, args?: unknown) => invoker.invoke(target, tool, args)),
    vscode.commands.registerCommand('mcpPool.listTools', (target?: unknown) => invoker.listTools(target)),
  ];
}
