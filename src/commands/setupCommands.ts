// Commands that set the pool up: Add App (guided), Open Settings, Store Secret.
// (Import Servers lives in importCommand.ts.)
import * as vscode from 'vscode';
import { splitCommandLine } from '../common/commandLine';
import { currentApps, pickTarget, SettingsTarget, writeApps } from '../config/appsWriter';
import { SECTION } from '../config/configuration';
import { isValidSecretName, secretKey } from '../config/secrets';
import { parseAppDefinitions } from '../pool';
import { PoolSession } from '../session/poolSession';
import { registerImportCommand } from './importCommand';

export interface AddAppRequest {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly target?: SettingsTarget;
}

export function registerSetupCommands(session: PoolSession, context: vscode.ExtensionContext): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand('mcpPool.addApp', (request?: AddAppRequest) => addApp(session, request)),
    vscode.commands.registerCommand('mcpPool.openSettings', () =>
      vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${context.extension.id}`),
    ),
    vscode.commands.registerCommand('mcpPool.storeSecret', (name?: string, value?: string) => storeSecret(context, name, value)),
    registerImportCommand(session),
  ];
}

/** Validates one definition the way settings are validated; returns the first error, if any. */
function checkDefinition(name: string, definition: Record<string, unknown>): string | undefined {
  const problem = parseAppDefinitions({ [name]: definition }).problems.find((p) => p.severity === 'error');
  return problem && `${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}

async function addApp(session: PoolSession, request?: AddAppRequest): Promise<string | undefined> {
  const req = request ?? (await askForApp(session));
  if (!req) return undefined;
  const error = checkDefinition(req.name, req.definition);
  if (error) {
    void vscode.window.showErrorMessage(`MCP Pool: app "${req.name}" is not valid: ${error}`);
    return undefined;
  }
  const target = req.target ?? (await pickTarget(`Add "${req.name}"`));
  if (!target) return undefined;
  const apps = currentApps(target);
  apps[req.name] = req.definition;
  await writeApps(apps, target);
  await session.reload();
  session.outputs.pool.info(`${req.name}: added to ${target} settings`);
  if (!request) {
    void vscode.window.showInformationMessage(`MCP Pool: added "${req.name}". It starts on first use.`, 'Invoke a Tool…').then((pick) => {
      if (pick) void vscode.commands.executeCommand('mcpPool.invokeTool', req.name);
    });
  }
  return req.name;
}

async function askForApp(session: PoolSession): Promise<AddAppRequest | undefined> {
  const kind = await vscode.window.showQuickPick(
    [
      { label: '$(globe) Remote server (URL)', detail: 'Reached through the bundled mcp-remote, which also handles OAuth', appKind: 'remote' as const },
      { label: '$(terminal) Local command (stdio)', detail: 'A program that speaks MCP on stdin/stdout, e.g. node server.js', appKind: 'stdio' as const },
    ],
    { title: 'Add MCP App (1/3)', placeHolder: 'What kind of MCP server?' },
  );
  if (!kind) return undefined;
  const taken = new Set([...session.pool.names(), ...Object.keys(currentApps('user')), ...Object.keys(currentApps('workspace'))].map((n) => n.toLowerCase()));
  let definition: Record<string, unknown>;
  if (kind.appKind === 'remote') {
    const url = await vscode.window.showInputBox({
      title: 'Add MCP App (2/3)',
      prompt: 'URL of the remote MCP server',
      placeHolder: 'https://mcp.example.com/mcp',
      ignoreFocusOut: true,
      validateInput: (v) => checkDefinition('new', { url: v.trim() }),
    });
    if (!url) return undefined;
    definition = { url: url.trim() };
  } else {
    const line = await vscode.window.showInputBox({
      title: 'Add MCP App (2/3)',
      prompt: 'Command line of the server (run without a shell; quote arguments with spaces)',
      placeHolder: 'node /path/to/server.js --stdio',
      ignoreFocusOut: true,
      validateInput: (v) => {
        try {
          return splitCommandLine(v).length ? undefined : 'Enter a command';
        } catch (e) {
          return (e as Error).message;
        }
      },
    });
    if (!line) return undefined;
    const [command, ...args] = splitCommandLine(line);
    definition = args.length ? { command, args } : { command };
  }
  const suggested = suggestName(definition);
  const name = await vscode.window.showInputBox({
    title: 'Add MCP App (3/3)',
    prompt: 'Name of the app (shown in the sidebar and output channels)',
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? 'Enter a name' : taken.has(v.trim().toLowerCase()) ? `"${v.trim()}" already exists` : undefined),
  });
  if (!name) return undefined;
  return { name: name.trim(), definition };
}

function suggestName(definition: Record<string, unknown>): string {
  if (typeof definition.url === 'string') {
    try {
      const host = new URL(definition.url).hostname.replace(/^(www|mcp|api)\./, '');
      return host.split('.')[0] || 'remote';
    } catch {
      return 'remote';
    }
  }
  const args = (definition.args as string[] | undefined) ?? [];
  const last = [definition.command as string, ...args].reverse().find((a) => !a.startsWith('-')) ?? 'local';
  return last.split(/[\\/]/).pop()!.replace(/\.(m?js|ts|py)$/, '') || 'local';
}

async function storeSecret(context: vscode.ExtensionContext, name?: string, value?: string): Promise<string | undefined> {
  const secretName =
    name ??
    (await vscode.window.showInputBox({
      title: 'Store Secret (1/2)',
      prompt: 'Name of the secret; reference it in a header or env value as ${secret:NAME}',
      placeHolder: 'github-token',
      ignoreFocusOut: true,
      validateInput: (v) => (isValidSecretName(v.trim()) ? undefined : 'Use letters, digits, ".", "_" or "-"'),
    }));
  if (!secretName || !isValidSecretName(secretName.trim())) return undefined;
  const secret =
    value ??
    (await vscode.window.showInputBox({
      title: 'Store Secret (2/2)',
      prompt: `Value of "${secretName}" (kept in the editor's secret storage, never in settings or logs)`,
      password: true,
      ignoreFocusOut: true,
    }));
  if (secret === undefined || secret === '') return undefined;
  await context.secrets.store(secretKey(secretName.trim()), secret);
  if (value === undefined) {
    void vscode.window.showInformationMessage(`MCP Pool: stored "${secretName}". Use \${secret:${secretName}} in a header value of ${SECTION}.apps.`);
  }
  return secretName.trim();
}
