// Where other MCP clients keep their server definitions. Only paths are computed here; files that
// do not exist are skipped when read.

import * as path from 'node:path';

import type { ImportFormat, ImportScope, ImportSource } from './types';

export interface FindImportSourcesOptions {
  readonly home: string;
  readonly platform: NodeJS.Platform;
  /** %APPDATA% on Windows; defaults to <home>\AppData\Roaming. */
  readonly appData?: string;
  readonly workspaceFolders: readonly string[];
  /** VS Code's user (profile) directory holding mcp.json; defaults to stable VS Code's `User` folder. */
  readonly vscodeUserDir?: string;
}

/** Claude Desktop's folder (its claude_desktop_config.json) on `platform`; `appData` is %APPDATA% on Windows. */
export function claudeDesktopDir(home: string, platform: NodeJS.Platform, appData: string): string {
  const p = platform === 'win32' ? path.win32 : path.posix;
  return platform === 'darwin'
    ? p.join(home, 'Library', 'Application Support', 'Claude')
    : platform === 'win32'
      ? p.join(appData, 'Claude')
      : p.join(home, '.config', 'Claude');
}

/** Candidate files, user ones first, then each workspace folder's; no path appears twice. */
export function findImportSources(opts: FindImportSourcesOptions): ImportSource[] {
  const p = opts.platform === 'win32' ? path.win32 : path.posix;
  const { home } = opts;
  const appData = opts.appData ?? p.join(home, 'AppData', 'Roaming');
  const sources: ImportSource[] = [];
  const seen = new Set<string>();
  // Windows and macOS file systems are case-insensitive by default.
  const key = (file: string) => (opts.platform === 'win32' || opts.platform === 'darwin' ? file.toLowerCase() : file);
  const add = (file: string, format: ImportFormat, scope: ImportScope) => {
    const normalized = p.normalize(file);
    if (seen.has(key(normalized))) return;
    seen.add(key(normalized));
    sources.push({ path: normalized, format, scope });
  };

  const vscodeUserDir =
    opts.vscodeUserDir ??
    (opts.platform === 'darwin'
      ? p.join(home, 'Library', 'Application Support', 'Code', 'User')
      : opts.platform === 'win32'
        ? p.join(appData, 'Code', 'User')
        : p.join(home, '.config', 'Code', 'User'));
  const claudeDir = claudeDesktopDir(home, opts.platform, appData);

  add(p.join(vscodeUserDir, 'mcp.json'), 'vscode', 'user');
  add(p.join(claudeDir, 'claude_desktop_config.json'), 'claude', 'user');
  add(p.join(home, '.cursor', 'mcp.json'), 'cursor', 'user');
  add(p.join(home, '.tasak', 'tasak.yaml'), 'tasak', 'user');
  for (const folder of opts.workspaceFolders) {
    add(p.join(folder, '.vscode', 'mcp.json'), 'vscode', 'workspace');
    add(p.join(folder, '.cursor', 'mcp.json'), 'cursor', 'workspace');
    add(p.join(folder, 'tasak.yaml'), 'tasak', 'workspace');
    add(p.join(folder, '.tasak', 'tasak.yaml'), 'tasak', 'workspace');
  }
  return sources;
}
