// Recognises a stdio command line that only wraps a remote server in mcp-remote, e.g.
//   npx -y mcp-remote@latest https://example.com/mcp --header "Authorization: Bearer ${TOKEN}"
// so the importer can turn it into a remote app (the pool runs its own bundled mcp-remote).

/** What the wrapped mcp-remote invocation means for a remote app. */
export interface McpRemoteInvocation {
  /** How it was launched, for messages: `npx`, `pnpm dlx`, `node`, `mcp-remote`… */
  readonly launcher: string;
  /** The server URL; undefined when the command line has none. */
  readonly url: string | undefined;
  /** The remaining mcp-remote arguments, in order (headers, port and --allow-http taken out). */
  readonly args: string[];
  readonly headers: Record<string, string>;
  readonly allowHttp: boolean;
  readonly warnings: string[];
}

/** Same header syntax mcp-remote accepts for `--header`. */
const HEADER_ARG = /^([A-Za-z0-9_-]+):\s*([\s\S]*)$/;
const PACKAGE = /^mcp-remote(?:@(.+))?$/;
/** Path of mcp-remote's proxy script (installed package or a bundled copy). */
const PROXY_SCRIPT = /(^|[\\/])mcp-remote[\\/](dist[\\/])?proxy\.m?js$/i;
/** Runner flags that take no value and may precede the package name. */
const RUNNER_FLAGS = ['-y', '--yes', '-q', '--quiet', '--silent', '--prefer-offline', '--prefer-online', '--bun', '--no-install'];

/** Program name without directory and Windows extension, lower-cased: `C:\x\npx.cmd` → `npx`. */
export function programName(command: string): string {
  const base = command.trim().split(/[\\/]/).pop() ?? '';
  return base.replace(/\.(exe|cmd|bat|ps1)$/i, '').toLowerCase();
}

/** The mcp-remote invocation behind command + args, or undefined if it is some other server. */
export function parseMcpRemoteCommand(command: string, args: readonly string[]): McpRemoteInvocation | undefined {
  let program = programName(command);
  let rest = [...args];
  // Windows configs often go through the shell: cmd /c npx -y mcp-remote …
  if (program === 'cmd' && rest.length >= 2 && rest[0].toLowerCase() === '/c') {
    program = programName(rest[1]);
    rest = rest.slice(2);
  }
  const warnings: string[] = [];
  let launcher = program;
  if (program === 'pnpm' || program === 'yarn') {
    if (rest[0] !== 'dlx') return undefined;
    launcher = `${program} dlx`;
    rest = rest.slice(1);
  }
  switch (program) {
    case 'pnpm':
    case 'yarn':
    case 'npx':
    case 'bunx':
    case 'pnpx': {
      const after = afterPackage(rest, warnings);
      if (!after) return undefined;
      rest = after;
      break;
    }
    case 'mcp-remote':
      break;
    case 'node':
    case 'bun': {
      let i = 0;
      while (i < rest.length && rest[i].startsWith('-')) i++;
      if (i >= rest.length || !PROXY_SCRIPT.test(rest[i])) return undefined;
      rest = rest.slice(i + 1);
      break;
    }
    default:
      return undefined;
  }
  return { launcher, ...parseMcpRemoteArgs(rest, warnings) };
}

/** Skips runner flags and the mcp-remote package; returns what follows, or undefined if not mcp-remote. */
function afterPackage(args: string[], warnings: string[]): string[] | undefined {
  let i = 0;
  let packageFlag = false;
  for (; i < args.length; i++) {
    const a = args[i];
    if (RUNNER_FLAGS.includes(a)) continue;
    // npx -p mcp-remote@1 mcp-remote <url>
    const pkg = a === '-p' || a === '--package' ? args[++i] : a.startsWith('--package=') ? a.slice('--package='.length) : undefined;
    if (pkg !== undefined) {
      const m = PACKAGE.exec(pkg);
      if (!m) return undefined;
      notePinned(m[1], warnings);
      packageFlag = true;
      continue;
    }
    break;
  }
  const m = i < args.length ? PACKAGE.exec(args[i]) : null;
  if (!m) return undefined;
  if (packageFlag && m[1] !== undefined) return undefined;
  if (!packageFlag) notePinned(m[1], warnings);
  return args.slice(i + 1);
}

function notePinned(version: string | undefined, warnings: string[]): void {
  if (version !== undefined && version !== 'latest') {
    warnings.push(`mcp-remote@${version} was pinned; MCP Pool runs its own bundled mcp-remote instead`);
  }
}

/** mcp-remote's own arguments: `<url> [callback-port] [--header Name:Value]… [flags]`. */
function parseMcpRemoteArgs(args: readonly string[], warnings: string[]): Omit<McpRemoteInvocation, 'launcher'> {
  const headers: Record<string, string> = {};
  const remaining: string[] = [];
  let allowHttp = false;
  // mcp-remote takes the headers out first, then reads the URL and the port positionally.
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--header') {
      if (i + 1 >= args.length) {
        warnings.push('a trailing --header without a value was ignored');
        continue;
      }
      const m = HEADER_ARG.exec(args[++i]);
      if (!m) {
        warnings.push('a --header value not in "Name: value" form was ignored');
        continue;
      }
      if (m[1] in headers) warnings.push(`header "${m[1]}" is given twice; the last value is used`);
      headers[m[1]] = m[2];
    } else if (a === '--allow-http') {
      allowHttp = true;
    } else {
      remaining.push(a);
    }
  }
  let url: string | undefined;
  if (remaining.length && !remaining[0].startsWith('-')) url = remaining.shift();
  if (url !== undefined && remaining.length && /^\d+$/.test(remaining[0])) {
    const port = remaining.shift();
    warnings.push(`the OAuth callback port ${port} given after the URL was dropped; MCP Pool does not pass a fixed port`);
  }
  return { url, args: remaining, headers, allowHttp, warnings };
}
