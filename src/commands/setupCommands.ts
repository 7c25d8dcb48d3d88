// Commands that set the pool up: Add App (guided), Open Settings, Store Secret.
// (Import Servers lives in importCommand.ts.)
import * as vscode from 'vscode';
import { splitCommandLine } from '../common/commandLine';
import { currentApps, pickTarget, type SettingsTarget, writeApps } from '../config/appsWriter';
import { SECTION, Settings, settingId } from '../manifest/settings';
import { isValidSecretName, secretKey } from '../config/secrets';
import { Commands } from '../manifest/commands';
import type { Channel } from '../output/outputs';
import { parseAppDefinitions, type Pool } from '../pool';
import type { CommandTable } from './registry';

/** What the setup commands need: the pool (names taken), a way to re-apply settings, the log, secrets. */
export interface SetupCommandDeps {
  readonly pool: Pool;
  readonly reload: () => Promise<void>;
  readonly log: Channel;
  readonly secrets: vscode.SecretStorage;
  readonly extensionId: string;
}

export interface AddAppRequest {
  readonly name: string;
  readonly definition: Record<string, unknown>;
  readonly target?: SettingsTarget;
}

export function setupCommands(deps: SetupCommandDeps): CommandTable {
  return {
    [Commands.addApp]: (request?: AddAppRequest) => addApp(deps, request),
    [Commands.openSettings]: () => vscode.commands.executeCommand('workbench.action.openSettings', `@ext:${deps.extensionId}`),
    [Commands.storeSecret]: (name?: string, value?: string) => storeSecret(deps.secrets, name, value),
  };
}

/** Validates one definition the way settings are validated; returns the first error, if any. */
function checkDefinition(name: string, definition: Record<string, unknown>): string | undefined {
  const problem = parseAppDefinitions({ [name]: definition }).problems.find((p) => p.severity === 'error');
  return problem && `${problem.field ? `${problem.field}: ` : ''}${problem.message}`;
}

async function addApp(deps: SetupCommandDeps, request?: AddAppRequest): Promise<string | undefined> {
  const req = request ?? (await askForApp(deps.pool));
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
  await deps.reload();
  deps.log.info(`${req.name}: added to ${target} settings`);
  if (!request) {
    void vscode.window.showInformationMessage(`MCP Pool: added "${req.name}". It starts on first use.`, 'Invoke a Tool…').then((pick) => {
      if (pick) void vscode.commands.executeCommand(Commands.invokeTool, req.name);
    });
  }
  return req.name;
}

async function askForApp(pool: Pool): Promise<AddAppRequest | undefined> {
  // The last step (where to save) is only asked when a workspace is open.
  const steps = vscode.workspace.workspaceFolders?.length ? 4 : 3;
  const title = (step: number) => `Add MCP App (${step}/${steps})`;
  const setting = vscode.workspace.getConfiguration(SECTION).get<string>(Settings.remoteTransport.key) === 'mcp-remote' ? 'mcp-remote' : 'direct';
  const remoteKinds = [
    {
      label: '$(globe) Remote server (URL) through mcp-remote',
      detail: 'A bundled mcp-remote process per app; it signs in with OAuth when the server asks',
      appKind: 'remote' as const,
      transport: 'mcp-remote' as const,
    },
    {
      label: '$(globe) Remote server (URL), direct',
      detail: 'Reached over HTTP from the editor itself: no process; signs in with OAuth when the server asks',
      appKind: 'remote' as const,
      transport: 'direct' as const,
    },
  ].map((k) => (k.transport === setting ? { ...k, description: 'default' } : k));
  const kind = await vscode.window.showQuickPick(
    [
      ...(setting === 'direct' ? remoteKinds.reverse() : remoteKinds),
      {
        label: '$(terminal) Local command (stdio)',
        detail: 'A program that speaks MCP on stdin/stdout, e.g. node server.js',
        appKind: 'stdio' as const,
        transport: undefined,
      },
    ],
    { title: title(1), placeHolder: 'What kind of MCP server?' },
  );
  if (!kind) return undefined;
  const taken = new Set([...pool.names(), ...Object.keys(currentApps('user')), ...Object.keys(currentApps('workspace'))].map((n) => n.toLowerCase()));
  let definition: Record<string, unknown>;
  if (kind.appKind === 'remote') {
    const url = await vscode.window.showInputBox({
      title: title(2),
      prompt: 'URL of the remote MCP server',
      placeHolder: 'https://mcp.example.com/mcp',
      ignoreFocusOut: true,
      validateInput: (v) => checkDefinition('new', { url: v.trim() }),
    });
    if (!url) return undefined;
    // the transport is written only when it is not what the setting gives anyway
    definition = kind.transport && kind.transport !== setting ? { url: url.trim(), transport: kind.transport } : { url: url.trim() };
  } else {
    const line = await vscode.window.showInputBox({
      title: title(2),
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
    title: title(3),
    prompt: 'Name of the app (shown in the sidebar and output channels)',
    value: suggested,
    ignoreFocusOut: true,
    validateInput: (v) => (!v.trim() ? 'Enter a name' : taken.has(v.trim().toLowerCase()) ? `"${v.trim()}" already exists` : undefined),
  });
  if (!name) return undefined;
  const target = await pickTarget(title(4));
  if (!target) return undefined;
  return { name: name.trim(), definition, target };
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
  return (
    last
      .split(/[\\/]/)
      .pop()!
      .replace(/\.(m?js|ts|py)$/, '') || 'local'
  );
}

async function storeSecret(secrets: vscode.SecretStorage, name?: string, value?: string): Promise<string | undefined> {
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
  await secrets.store(secretKey(secretName.trim()), secret);
  if (value === undefined) {
    void vscode.window.showInformationMessage(
      `MCP Pool: stored "${secretName}". Use \${secret:${secretName}} in a header value of ${settingId(Settings.apps.key)}.`,
    );
  }
  return secretName.trim();
}
