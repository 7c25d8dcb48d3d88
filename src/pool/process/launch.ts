// What process to start for an app: the command line, its environment and working directory,
// checked before spawning so a typo gives a clear message instead of a bare ENOENT.
import { accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';
import { secretFreeArgs } from './argvSecrets';
import { childEnvironment } from './environment';
import type { AppSpec, LaunchCommand } from '../types';

/** How mcp-remote is started. Default: the bundled copy on the editor's own Node runtime. */
export interface McpRemoteLauncher {
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Readonly<Record<string, string>>;
}

/**
 * The bundled mcp-remote run by `process.execPath`. In the desktop editor that is Electron,
 * which behaves as plain Node with ELECTRON_RUN_AS_NODE=1; under Node the variable is ignored.
 */
export function bundledLauncher(proxyScript: string, execPath = process.execPath): McpRemoteLauncher {
  return { command: execPath, args: [proxyScript], env: { ELECTRON_RUN_AS_NODE: '1' } };
}

/** A launcher from the user's setting, e.g. ["npx", "-y", "mcp-remote@0.15.1"]. */
export function commandLauncher(commandLine: readonly string[]): McpRemoteLauncher {
  if (commandLine.length === 0 || !commandLine[0].trim()) throw new Error('the mcp-remote launcher command is empty');
  return { command: commandLine[0], args: commandLine.slice(1) };
}

export function launchCommand(spec: AppSpec, launcher: McpRemoteLauncher, baseEnv: NodeJS.ProcessEnv = process.env): LaunchCommand {
  if (spec.kind === 'stdio') {
    return { command: spec.command, args: spec.args, env: childEnvironment(baseEnv, spec.env), cwd: spec.cwd };
  }
  // header values and client secrets go in 0600 files, never on the command line (argvSecrets.ts)
  const { args, files } = secretFreeArgs(spec.headers, spec.args);
  return {
    command: launcher.command,
    args: [...launcher.args, spec.url, ...args, ...protocolArgs(spec.args)],
    env: childEnvironment(baseEnv, { ...launcher.env, ...spec.env }),
    secretFiles: files,
  };
}

/**
 * mcp-remote reaches servers of both protocol eras with `--protocol auto` (it bridges a modern
 * remote to the pool's 2025 session); its default is legacy only. A user's own `--protocol` wins.
 */
export function protocolArgs(userArgs: readonly string[]): string[] {
  return userArgs.some((a) => a === '--protocol' || a.startsWith('--protocol=')) ? [] : ['--protocol', 'auto'];
}

/** Throws a message naming the app and the field when the command or cwd cannot work. */
export function preflight(app: string, cmd: LaunchCommand, field: 'command' | 'launcher'): void {
  // what spawn would refuse, naming the place and never the value (a secret, maybe)
  const what = field === 'launcher' ? 'the mcp-remote launcher (setting mcpPool.mcpRemoteCommand)' : 'the command';
  if ([cmd.command, ...cmd.args, cmd.cwd ?? ''].some((s) => typeof s !== 'string' || s.includes('\0')))
    throw new Error(`app "${app}": ${what} or one of its arguments contains a NUL character (or is not a string)`);
  for (const [k, v] of Object.entries(cmd.env))
    if (typeof v !== 'string' || v.includes('\0') || k.includes('\0'))
      throw new Error(`app "${app}": the environment variable ${k.replace(/\0/g, '')} contains a NUL character (or is not a string)`);
  if (cmd.cwd !== undefined) {
    let isDir = false;
    try {
      isDir = statSync(cmd.cwd).isDirectory();
    } catch {
      // reported below
    }
    if (!isDir) throw new Error(`app "${app}": cwd "${cmd.cwd}" does not exist or is not a folder`);
  }
  if (!resolveCommand(cmd.command, cmd.env.PATH ?? cmd.env.Path ?? '', cmd.cwd)) {
    const where = field === 'launcher' ? 'the mcp-remote launcher (setting mcpPool.mcpRemoteCommand)' : 'command';
    throw new Error(`app "${app}": ${where} "${cmd.command}" was not found${path.isAbsolute(cmd.command) ? '' : ' on PATH'} or is not executable`);
  }
}

/** Resolves a command the way spawn (without a shell) will; undefined if it cannot be run. */
export function resolveCommand(command: string, searchPath: string, cwd?: string): string | undefined {
  const exts = process.platform === 'win32' ? ['', ...(process.env.PATHEXT ?? '.EXE;.CMD;.BAT;.COM').split(';')] : [''];
  const executable = (file: string) => {
    try {
      if (!statSync(file).isFile()) return false;
      accessSync(file, process.platform === 'win32' ? constants.F_OK : constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/') || command.includes('\\')) {
    const abs = path.resolve(cwd ?? process.cwd(), command);
    return exts.map((e) => abs + e).find(executable);
  }
  for (const dir of searchPath.split(path.delimiter).filter(Boolean)) {
    const hit = exts.map((e) => path.join(dir, command + e)).find(executable);
    if (hit) return hit;
  }
  return undefined;
}

/** Display form of an app's target: its URL, or its command line. */
export function describeTarget(spec: AppSpec): string {
  return spec.kind === 'remote' ? spec.url : [spec.command, ...spec.args].join(' ');
}
