// "Copy Client Configuration…": an app of the pool as a stdio server in another MCP client's
// configuration (VS Code mcp.json, mcpServers JSON, TASAK), run by the `mcp-pool` launcher at its
// stable path. A remote app may keep `npx -y mcp-remote <url>` as the --fallback for when the
// editor is closed. The snippet goes to the clipboard; "Open" shows it in an untitled document.
// With arguments (app, format, { fallback }) nothing is asked (tests, other extensions).
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { CLIENT_FORMATS, type ClientConfig, clientConfig, type ClientFormat, mcpRemoteFallback } from '../import/formats/clientConfig';
import { Commands } from '../manifest/commands';
import { PoolError, type Pool } from '../pool';
import { appNameOf, type AppArg } from '../views/treeNodes';
import { pickApp } from './appPicker';
import type { CommandTable } from './registry';

export interface ClientConfigDeps {
  readonly pool: Pool;
  /** The absolute path of the `mcp-pool` launcher, if the extension could write one. */
  readonly launcher: () => string | undefined;
}

export interface ClientConfigOptions {
  /** For a remote app: run `npx -y mcp-remote <url>` when no pool serves it. */
  readonly fallback?: boolean;
}

const OPEN = 'Open';

export function clientConfigCommands(deps: ClientConfigDeps): CommandTable {
  return {
    [Commands.copyClientConfig]: {
      run: (arg?: AppArg, format?: ClientFormat, options?: ClientConfigOptions) => copyClientConfig(deps, arg, format, options),
      rejects: (args) => args.length >= 2,
    },
  };
}

/** The configuration copied (undefined when the user cancelled). */
async function copyClientConfig(deps: ClientConfigDeps, arg?: AppArg, format?: ClientFormat, options?: ClientConfigOptions): Promise<ClientConfig | undefined> {
  const { pool } = deps;
  const command = deps.launcher();
  if (!command)
    throw new Error('the mcp-pool launcher could not be written here (the extension has no local storage folder), so there is no command to configure');
  const app =
    appNameOf(arg) ??
    (await pickApp(pool, {
      title: 'MCP Pool: Copy Client Configuration',
      placeHolder: 'App to use from another MCP client',
      noneMessage: 'no app is configured',
    }));
  if (!app) return undefined;
  const spec = pool.spec(app);
  if (!spec) throw new PoolError('unknown-app', app, `no app named "${app}" is configured`);
  const chosen = format ?? (await pickFormat(app));
  if (!chosen) return undefined;
  let fallback: string[] | undefined;
  if (spec.kind === 'remote') {
    const withFallback = options?.fallback ?? (format === undefined ? await pickFallback(spec.url) : false);
    if (withFallback === undefined) return undefined;
    if (withFallback) fallback = mcpRemoteFallback(spec.url);
  }
  const config = clientConfig(chosen, { app, command, fallback, home: homedir() });
  await vscode.env.clipboard.writeText(config.text);
  void vscode.window.showInformationMessage(`MCP Pool: the configuration for "${app}" is on the clipboard: ${config.where}.`, OPEN).then(async (pick) => {
    if (pick !== OPEN) return;
    const doc = await vscode.workspace.openTextDocument({ content: config.text, language: config.language });
    await vscode.window.showTextDocument(doc);
  });
  return config;
}

async function pickFormat(app: string): Promise<ClientFormat | undefined> {
  const pick = await vscode.window.showQuickPick(
    CLIENT_FORMATS.map((f) => ({ label: f.label, detail: f.detail, format: f.format })),
    { title: `MCP Pool: Copy Client Configuration (${app})`, placeHolder: 'For which client?' },
  );
  return pick?.format;
}

async function pickFallback(url: string): Promise<boolean | undefined> {
  const pick = await vscode.window.showQuickPick(
    [
      {
        label: 'With a fallback',
        description: `--fallback npx -y mcp-remote ${url}`,
        detail: 'When no editor serves the app, the client runs mcp-remote itself (keeps working with the editor closed)',
        value: true,
      },
      { label: 'Pool only', detail: 'When no editor serves the app, the client sees the server fail to start', value: false },
    ],
    { title: 'MCP Pool: Copy Client Configuration', placeHolder: 'When the editor is closed…' },
  );
  return pick?.value;
}
