// `mcpPool.remoteTransport: "auto"` (the default): a remote app is reached directly (no process),
// unless its definition asks for something only mcp-remote does. Which mcp-remote arguments a
// direct app honours, which it can safely ignore, and which only mcp-remote can honour (read from
// mcp-remote 0.15.1's argument parser).

/** Arguments a direct app follows itself (`--transport`, `--protocol`: protocolChoice.ts, `--allow-http`) or that change nothing it promises (mcp-remote's own logging and timing knobs; the pool has its own). */
const DIRECT_HONOURS = new Set([
  '--allow-http',
  '--transport',
  '--protocol',
  '--debug',
  '--silent',
  '--ping-interval',
  '--keep-alive',
  '--connect-timeout',
  '--headers-timeout',
  '--body-timeout',
  '--auth-timeout',
]);
/** Of those, the ones followed by a value. */
const WITH_VALUE = new Set(['--transport', '--protocol', '--ping-interval', '--connect-timeout', '--headers-timeout', '--body-timeout', '--auth-timeout']);

/**
 * Why a remote app must go through mcp-remote under "auto", or undefined when it can be reached
 * directly: an argument only mcp-remote honours (its OAuth options: static client, resource,
 * authorize parameters, device code, client credentials; `--header` and `--header-file`, whose
 * `${VAR}` it fills from its environment; `--enable-proxy`; `--ignore-tool`; a callback port or
 * host), or an environment for its process.
 */
export function mcpRemoteOnly(args: readonly string[], env: Readonly<Record<string, string>>): string | undefined {
  const only: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (DIRECT_HONOURS.has(a)) {
      if (WITH_VALUE.has(a)) i++;
      continue;
    }
    // (`--flag=value` spellings, and mcp-remote's positional callback port; a flag's value is never shown)
    if (!a.startsWith('--') && !/^\d+$/.test(a)) continue;
    const flag = a.startsWith('--') ? a.split('=')[0] : 'a callback port';
    if (!DIRECT_HONOURS.has(flag)) only.push(flag);
  }
  if (only.length) return `its arguments use what only mcp-remote does (${[...new Set(only)].slice(0, 4).join(', ')})`;
  if (Object.keys(env).length) return 'it sets "env" for the mcp-remote process';
  return undefined;
}
