// The `mcp-pool` command: a launcher script in a folder that survives extension updates (the
// extension's global storage), so terminals (on PATH) and other MCP clients' configurations (by
// its absolute path) keep working. It runs the installed extension's CLI on the editor's own Node
// runtime (Electron as Node with ELECTRON_RUN_AS_NODE=1: users need no Node of their own). The
// editor rewrites it at every activation, so after an update it points at the new version; if the
// version it names is gone before that, a `--fallback` command still runs (without the pool's
// token and URL). Its folder is the user's alone to write (0755, never a link); the script is
// written to a fresh randomly named file and renamed over the old one. Node built-ins only.
import { randomBytes } from 'node:crypto';
import { closeSync, fchmodSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ensureOwnFolder } from './discovery';
import { ENV_TOKEN, ENV_URL, EXIT } from './protocol';

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
# since): a configuration's --fallback command still runs, without the pool's token and URL.
while [ $# -gt 0 ]; do
  if [ "$1" = --fallback ]; then
    shift
    unset ${ENV_TOKEN} ${ENV_URL} ELECTRON_RUN_AS_NODE
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

/** The launcher's folder: readable by all (it is on PATH), writable by the user only, whatever the umask. */
export const LAUNCHER_DIR_MODE = 0o755;

/**
 * Writes the launcher into `binDir` (created if needed: 0755, this user's, not a symbolic link)
 * and returns its path. Written to a new randomly named file (exclusive create: nothing planted
 * there is followed) and renamed over the old one: another window's terminal may be running it.
 */
export function writeLauncher(binDir: string, target: LauncherTarget, platform: NodeJS.Platform = process.platform): string {
  ensureOwnFolder(binDir, LAUNCHER_DIR_MODE, "the mcp-pool launcher's folder");
  const file = launcherPath(binDir, platform);
  const tmp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o755);
  try {
    writeSync(fd, platform === 'win32' ? windowsLauncher(target) : posixLauncher(target));
    if (platform !== 'win32') fchmodSync(fd, 0o755);
  } catch (e) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  closeSync(fd);
  renameSync(tmp, file);
  return file;
}
