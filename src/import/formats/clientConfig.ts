// What "Copy Client Configuration…" writes: an app of the pool as a stdio server of another MCP
// client, run by the `mcp-pool` launcher (`<launcher> stdio <app>`). A stdio entry, never an HTTP
// entry to the gateway: the gateway's port and token change with every editor session, the
// launcher's path does not. A remote app may add `--fallback npx -y mcp-remote <url>`, so the
// client keeps working while the editor is closed. Pure and vscode-free; it sits beside the readers
// of the same formats (vscodeMcp.ts, mcpServers.ts, tasak.ts).
import { join } from 'node:path';

export type ClientFormat = 'vscode' | 'mcpServers' | 'tasak';

export interface ClientConfigInput {
  readonly app: string;
  /** Absolute path of the launcher (contract/launcher.ts). */
  readonly command: string;
  /** The command to run when no pool serves the app (`--fallback CMD ARGS…`). */
  readonly fallback?: readonly string[];
  /** The user's home folder: TASAK's connection file is named by its absolute path (its daemon does not expand `~`). */
  readonly home: string;
}

export interface ClientConfig {
  readonly text: string;
  /** The editor language of `text`. */
  readonly language: 'jsonc' | 'json' | 'yaml';
  /** Where it goes, for the notification. */
  readonly where: string;
}

export const CLIENT_FORMATS: readonly { readonly format: ClientFormat; readonly label: string; readonly detail: string }[] = [
  { format: 'vscode', label: 'VS Code mcp.json', detail: '.vscode/mcp.json or the user mcp.json ("servers")' },
  { format: 'mcpServers', label: 'mcpServers JSON', detail: 'Claude Desktop, Claude Code (.mcp.json), Cursor (.cursor/mcp.json), …' },
  { format: 'tasak', label: 'TASAK tasak.yaml', detail: 'an mcp app and the JSON file it points to' },
];

/** `npx -y mcp-remote <url>`: what clients ran before the pool, for `--fallback`. */
export function mcpRemoteFallback(url: string): string[] {
  return ['npx', '-y', 'mcp-remote', url];
}

export function stdioArgs(input: ClientConfigInput): string[] {
  return ['stdio', input.app, ...(input.fallback?.length ? ['--fallback', ...input.fallback] : [])];
}

export function clientConfig(format: ClientFormat, input: ClientConfigInput): ClientConfig {
  const server = { command: input.command, args: stdioArgs(input) };
  switch (format) {
    case 'vscode':
      return {
        text: `// ${input.app} on the editor's warm MCP pool: merge into "servers" of an mcp.json\n${JSON.stringify({ servers: { [input.app]: { type: 'stdio', ...server } } }, null, 2)}\n`,
        language: 'jsonc',
        where: 'merge it into "servers" of .vscode/mcp.json (or MCP: Open User Configuration)',
      };
    case 'mcpServers':
      return {
        text: `${JSON.stringify({ mcpServers: { [input.app]: server } }, null, 2)}\n`,
        language: 'json',
        where: 'merge it into "mcpServers" of the client\'s configuration',
      };
    case 'tasak': {
      const file = join(input.home, '.tasak', 'mcp', `${fileName(input.app)}.json`);
      const json = JSON.stringify({ transport: 'stdio', command: [server.command, ...server.args] });
      return {
        text: [
          `# ${input.app} on the editor's warm MCP pool. TASAK runs a stdio MCP server from a JSON file;`,
          `# save the line under "${file}:" as that file. TASAK offers only the apps listed in`,
          `# apps_config.enabled_apps: add ${JSON.stringify(input.app)} to that list.`,
          `${yamlKey(input.app)}:`,
          `  name: ${JSON.stringify(`${input.app} (MCP Pool)`)}`,
          '  type: mcp',
          '  requires_auth: false',
          `  config: ${JSON.stringify(file)}`,
          `# ${file}:`,
          `# ${json}`,
          '',
        ].join('\n'),
        language: 'yaml',
        where: 'add it to tasak.yaml, list the app in apps_config.enabled_apps and save the JSON file it names',
      };
    }
  }
}

function fileName(app: string): string {
  return app.replace(/[^\w.-]/g, '_');
}

/** A YAML mapping key: plain when safe, else double-quoted (JSON strings are valid YAML). */
function yamlKey(key: string): string {
  return /^[A-Za-z_][\w-]*$/.test(key) ? key : JSON.stringify(key);
}
