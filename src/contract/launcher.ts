// The `mcp-pool` command: a launcher script in a folder that survives extension updates (the
// extension's global storage), so terminals (on PATH) and other MCP clients' configurations (by
// its absolute path) keep working. It runs the installed extension's CLI on the editor's own Node
// runtime (Electron as Node with ELECTRON_RUN_AS_NODE=1: users need no Node of their own). The
// editor rewrites it at every activation, so after an update it points at the new version; if the
// version it names is gone before that, a `--fallback` command still runs. Node built-ins only.
import { chmodSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXIT } from './protocol';

export const LAUNCHER_NAME = 'mcp-pool';

export interface LauncherTarget {
  /** The runtime: the editor's own (the extension host's process.execPath). */
  readonly node: string;
  /** `<extensionPath>/dist/cli.js`. */
  readonly cli: string;
}

/** The launcher to run on `platform`: `<bin>/mcp-pool`, or `<bin>\mcp-pool.cmd` on Windows. */
export function launcherPath(binDir: string, platform: NodeJS.Platform = process.platform): string {
  return join(binDir, platform === 'win32' ? `${LAUNCHER_NAME}.cmd` : LAUNCHER_NAME);
}

/** A word for sh, single-quoted (nothing inside is expanded). */
export function shQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function posixLauncher(t: LauncherTarget): string {
  return `#!/bin/sh
# ${LAUNCHER_NAME}: the MCP Remote Pool CLI, run by the editor's own Node runtime.
# Written by the MCP Remote Pool extension each time it starts (edits are overwritten).
node=${shQuote(t.node)}
cli=${shQuote(t.cli)}
if [ -f "$cli" ] && [ -x "$node" ]; then
  ELECTRON_RUN_AS_NODE=1 exec "$node" "$cli" "$@"
fi
# The extension version this names is gone (updated or uninstalled, and the editor not started
# since): a configuration's --fallback command still runs.
while [ $# -gt 0 ]; do
  if [ "$1" = --fallback ]; then
    shift
    [ $# -gt 0 ] && exec "$@"
    break
  fi
  shift
done
echo "${LAUNCHER_NAME}: the MCP Remote Pool extension it runs ($cli) is gone: start the editor once to update this launcher" >&2
exit ${EXIT.pool}
`;
}

/** A word for cmd.exe: double-quoted, `%` doubled (no variable expansion). */
function cmdQuote(word: string): string {
  return `"${word.replace(/%/g, '%%').replace(/"/g, '')}"`;
}

export function windowsLauncher(t: LauncherTarget): string {
  return [
    '@echo off',
    `rem ${LAUNCHER_NAME}: the MCP Remote Pool CLI, run by the editor's own Node runtime.`,
    'rem Written by the MCP Remote Pool extension each time it starts (edits are overwritten).',
    'setlocal',
    // the version this names is gone (no --fallback here: cmd.exe cannot run one without a shell)
    `if not exist ${cmdQuote(t.cli)} (`,
    `  echo ${LAUNCHER_NAME}: the MCP Remote Pool extension it runs is gone: start the editor once to update this launcher 1>&2`,
    `  exit /b ${EXIT.pool}`,
    ')',
    'set ELECTRON_RUN_AS_NODE=1',
    `${cmdQuote(t.node)} ${cmdQuote(t.cli)} %*`,
    'exit /b %ERRORLEVEL%',
    '',
  ].join('\r\n');
}

/**
 * Writes the launcher into `binDir` (created if needed) and returns its path. Written to a
 * temporary file and renamed over the old one: another window's terminal may be running it.
 */
export function writeLauncher(binDir: string, target: LauncherTarget, platform: NodeJS.Platform = process.platform): string {
  mkdirSync(binDir, { recursive: true });
  const file = launcherPath(binDir, platform);
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, platform === 'win32' ? windowsLauncher(target) : posixLauncher(target), { mode: 0o755 });
  if (platform !== 'win32') chmodSync(tmp, 0o755);
  renameSync(tmp, file);
  return file;
}
