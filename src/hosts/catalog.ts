// The MCP hosts on a machine (VS Code's agents and the Copilot CLI, Claude Code, Codex, Cursor,
// Claude Desktop, TASAK) and the files each keeps its servers in. Only paths are computed here;
// a file that does not exist is one the host would read if it did.
import * as path from 'node:path';
import { claudeDesktopDir } from '../import/sources';

export type HostId = 'copilot' | 'claude-code' | 'codex' | 'cursor' | 'claude-desktop' | 'tasak';

/** How a file holds its servers. */
export type HostShape =
  /** `{ "mcpServers": { name: { command, args } } }` (JSON; Claude Desktop, Cursor). */
  | 'mcpServers'
  /** The same with `"type": "stdio"` (Claude Code's ~/.claude.json and the portable .mcp.json). */
  | 'mcpServersTyped'
  /** The same with `"type": "stdio"` and `"tools": ["*"]` (the Copilot CLI's mcp-config.json). */
  | 'copilot'
  /** `[mcp_servers.<name>]` tables with command and args (TOML). */
  | 'codex'
  /** A tasak.yaml app of type mcp whose `config` names a JSON connection file. */
  | 'tasak';

export interface HostFile {
  readonly host: HostId;
  readonly path: string;
  readonly scope: 'user' | 'workspace';
  readonly shape: HostShape;
}

export interface Host {
  readonly id: HostId;
  readonly label: string;
  /** What else reads the same files, for the picker. */
  readonly detail: string;
}

export const HOSTS: readonly Host[] = [
  { id: 'copilot', label: 'VS Code agents and Copilot CLI', detail: 'the portable .mcp.json of a folder, or ~/.copilot/mcp-config.json' },
  { id: 'claude-code', label: 'Claude Code', detail: '~/.claude.json (every project), or the .mcp.json of a folder' },
  { id: 'codex', label: 'Codex', detail: '~/.codex/config.toml, or the .codex/config.toml of a folder' },
  { id: 'cursor', label: 'Cursor', detail: '~/.cursor/mcp.json, or the .cursor/mcp.json of a folder' },
  { id: 'claude-desktop', label: 'Claude Desktop', detail: 'claude_desktop_config.json' },
  { id: 'tasak', label: 'TASAK', detail: '~/.tasak/tasak.yaml and a connection file per app in ~/.tasak/mcp/' },
];

export function hostLabel(id: HostId): string {
  return HOSTS.find((h) => h.id === id)?.label ?? id;
}

export interface HostFilesOptions {
  readonly home: string;
  readonly platform: NodeJS.Platform;
  /** The environment the hosts run with: COPILOT_HOME, CODEX_HOME, CLAUDE_CONFIG_DIR, APPDATA. */
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly workspaceFolders: readonly string[];
}

/** Every file a host reads its servers from, user files first, then each folder's. */
export function hostFiles(opts: HostFilesOptions): HostFile[] {
  const p = opts.platform === 'win32' ? path.win32 : path.posix;
  const { home, env } = opts;
  const appData = env.APPDATA || p.join(home, 'AppData', 'Roaming');
  const files: HostFile[] = [
    { host: 'copilot', path: p.join(env.COPILOT_HOME || p.join(home, '.copilot'), 'mcp-config.json'), scope: 'user', shape: 'copilot' },
    { host: 'claude-code', path: p.join(env.CLAUDE_CONFIG_DIR || home, '.claude.json'), scope: 'user', shape: 'mcpServersTyped' },
    { host: 'codex', path: p.join(env.CODEX_HOME || p.join(home, '.codex'), 'config.toml'), scope: 'user', shape: 'codex' },
    { host: 'cursor', path: p.join(home, '.cursor', 'mcp.json'), scope: 'user', shape: 'mcpServers' },
    { host: 'claude-desktop', path: p.join(claudeDesktopDir(home, opts.platform, appData), 'claude_desktop_config.json'), scope: 'user', shape: 'mcpServers' },
    { host: 'tasak', path: p.join(home, '.tasak', 'tasak.yaml'), scope: 'user', shape: 'tasak' },
  ];
  const user = new Set(files.map((f) => p.normalize(f.path)));
  const folderFiles: HostFile[] = [];
  for (const folder of opts.workspaceFolders) {
    // One portable file serves VS Code's agents, the Copilot CLI and Claude Code.
    folderFiles.push({ host: 'copilot', path: p.join(folder, '.mcp.json'), scope: 'workspace', shape: 'mcpServersTyped' });
    folderFiles.push({ host: 'claude-code', path: p.join(folder, '.mcp.json'), scope: 'workspace', shape: 'mcpServersTyped' });
    folderFiles.push({ host: 'codex', path: p.join(folder, '.codex', 'config.toml'), scope: 'workspace', shape: 'codex' });
    folderFiles.push({ host: 'cursor', path: p.join(folder, '.cursor', 'mcp.json'), scope: 'workspace', shape: 'mcpServers' });
  }
  // a folder that is the home folder holds some user files themselves: each is listed once, as the user's
  return [...files, ...folderFiles.filter((f) => !user.has(p.normalize(f.path)))];
}
