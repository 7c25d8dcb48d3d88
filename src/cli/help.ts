// The help texts of `mcp-pool`: the overview and one page per command.
import type { CommandName } from './args';

export const OVERVIEW = `mcp-pool — use the editor's warm MCP pool from any terminal

Usage:
  mcp-pool status [--json]                     apps, state, pid, uptime, last used, clients
  mcp-pool tools <app> [--json]                the app's tools
  mcp-pool call <app> <tool> [key=value …] [key:=JSON …] [--json ARGS | -] [--json]
                                               call a tool; prints its result
  mcp-pool resources <app> [--json]            resources and resource templates
  mcp-pool read <app> <uri> [--json]           read a resource
  mcp-pool prompts <app> [--json]              the app's prompts
  mcp-pool prompt <app> <name> [key=value …] [--json]
                                               get a prompt's messages
  mcp-pool stdio <app> [--fallback CMD ARGS…]  a stdio MCP server relaying to the pooled app
  mcp-pool help [command]  ·  mcp-pool --version

Options:
  --pool <pid|folder>  the editor window to use when several run a pool
  --json               print the raw JSON result
  --progress           progress lines on stderr even when it is not a terminal

The pool is found through MCP_POOL_URL and MCP_POOL_TOKEN (set in the editor's terminals), else
through the discovery folder (~/.mcp-pool/windows, or MCP_POOL_DISCOVERY_DIR), by the current folder.
A pool is used only on this machine's loopback, and only once it proves it holds the token (nothing
else is sent before). MCP_POOL_DEBUG=1 names each discovery entry not used, and why.

Exit codes: 0 ok · 1 the tool returned an error · 2 usage · 3 pool or connection error · 130 interrupted`;

const PAGES: Partial<Record<CommandName, string>> = {
  status: `mcp-pool status [--json] [--pool <pid|folder>]

The editor window's apps: state, pid, uptime, last use, calls, connected clients; apps the
window does not serve (workspace trust) and why.`,
  tools: `mcp-pool tools <app> [--json]

The app's tools as name(arguments) and the first line of the description; optional arguments
end in ?. Starts the app if it is not running.`,
  call: `mcp-pool call <app> <tool> [key=value …] [key:=JSON …] [--json ARGS | -] [--json] [--progress]

Calls a tool on the pooled app and prints its result: text as it is, images and binary content
summarised, structured content as JSON when there is no text.
  key=value      typed by the tool's input schema: count=3 is a number when count is one,
                 flag=true a boolean, tags='["a","b"]' an array; otherwise text
  key:=JSON      the value as JSON, as it is (no schema needed)
  --json ARGS    all arguments as one JSON object ('{"text":"hi"}'); key=value words add to it
  -              the JSON arguments object from stdin
  --json         (without a JSON object after it) print the raw result as JSON
Exit code 1 when the tool returns an error (printed on stderr). Ctrl+C cancels the call on the
server. Progress goes to stderr when it is a terminal (or with --progress).`,
  resources: `mcp-pool resources <app> [--json]

The app's resources (uri, name, type) and resource templates.`,
  read: `mcp-pool read <app> <uri> [--json]

Reads a resource: text as it is, binary contents summarised (--json for the base64 data).`,
  prompts: `mcp-pool prompts <app> [--json]

The app's prompts as name(arguments) and a description; optional arguments end in ?.`,
  prompt: `mcp-pool prompt <app> <name> [key=value …] [--json]

Gets a prompt with the given arguments and prints its messages as role: text.`,
  stdio: `mcp-pool stdio <app> [--pool <pid|folder>] [--fallback CMD ARGS…]

A stdio MCP server that relays every message, both ways, to the pooled app: a drop-in for
\`npx -y mcp-remote <url>\` in any MCP client's configuration. The client gets its own session on
the warm process.
  --fallback CMD ARGS…  when no pool serves the app (editor closed, extension off), run this
                        command instead (no shell), with this process's stdin/stdout/stderr, and
                        exit with its code. Everything after --fallback belongs to the command.`,
};

export function helpText(command?: string): string | undefined {
  if (command === undefined) return OVERVIEW;
  return PAGES[command as CommandName];
}
