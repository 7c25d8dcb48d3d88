// Secrets never on a command line. Any local user can read a process's arguments (`ps`,
// /proc/PID/cmdline); a file of mode 0600 in a folder of mode 0700 only its owner (and root).
// mcp-remote (0.15) reads headers from `--header-file PATH` ("Name: Value" lines, its
// readHeaderFile) and its static OAuth client information from `--static-oauth-client-info @PATH`.
// So every header value — from the app's `headers` or written as `--header Name:Value` in its
// `args` — and an inline client information go into such files, written just before the spawn and
// removed once mcp-remote has read them (the MCP handshake is done) or the process ended — or, if
// the pool's host dies before that, by the watchdog (src/reaper/main.ts).
//
// Files rather than environment variables (mcp-remote also expands `${NAME}` in header values):
// mcp-remote keys its OAuth state by a hash of the header values as given (before expansion), and
// so does the pool's own import of its sign-ins (signInKey); values read from a file hash the same
// as the values on the command line did, a `${NAME}` placeholder would not.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SecretFile } from '../types';

/** mcp-remote's `--header` form (its parseHeaderLine): a name of [A-Za-z0-9_-], a colon, the value. */
const HEADER_LINE = /^([A-Za-z0-9_-]+):\s*(.*)$/;

export interface SecretFreeArgs {
  /** The app's own arguments with every header and inline client information taken out. */
  readonly args: string[];
  /** What was taken out, for files named at the end of the command line. */
  readonly files: SecretFile[];
}

/**
 * mcp-remote's arguments for an app's headers and extra arguments, with every header value
 * (`headers` first, then `--header Name:Value` pairs of `args`, in that order, so a later one
 * wins as before) and an inline `--static-oauth-client-info` moved into files.
 */
export function secretFreeArgs(headers: Readonly<Record<string, string>>, extraArgs: readonly string[]): SecretFreeArgs {
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  const args: string[] = [];
  let clientInfo: string | undefined;
  for (let i = 0; i < extraArgs.length; i++) {
    const arg = extraArgs[i];
    const next = extraArgs[i + 1];
    if (arg === '--header' && next !== undefined) {
      const m = HEADER_LINE.exec(next);
      if (m) lines.push(`${m[1]}: ${m[2]}`);
      // else: not a header mcp-remote reads (it ignores it with a warning); dropped all the same,
      // since it may still hold a secret
      i++;
    } else if (arg === '--static-oauth-client-info' && next !== undefined && !next.startsWith('@')) {
      clientInfo = next; // JSON that may hold a client secret (`@PATH` is only a path)
      i++;
    } else args.push(arg);
  }
  const files: SecretFile[] = [];
  if (lines.length) files.push({ flag: '--header-file', prefix: '', name: 'headers', content: `${lines.join('\n')}\n` });
  if (clientInfo !== undefined) files.push({ flag: '--static-oauth-client-info', prefix: '@', name: 'client-info.json', content: clientInfo });
  return { args, files };
}

/** Files written for one process: the arguments that name them, and their removal. */
export interface WrittenSecrets {
  readonly args: string[];
  /** The folder holding the files (for the watchdog, which removes it if the pool's host dies first). */
  readonly dir?: string;
  /** Removes the files (idempotent). */
  remove(): void;
}

/** Writes the files in a new folder of mode 0700 (each file 0600), under the system's temp folder. */
export function writeSecretFiles(files: readonly SecretFile[], baseDir = tmpdir()): WrittenSecrets {
  if (!files.length) return { args: [], remove: () => undefined };
  const dir = mkdtempSync(join(baseDir, 'mcp-pool-secrets-')); // 0700, a random name
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const args: string[] = [];
    for (const f of files) {
      const path = join(dir, f.name);
      writeFileSync(path, f.content, { mode: 0o600, flag: 'wx' });
      args.push(f.flag, f.prefix + path);
    }
    return { args, dir, remove };
  } catch (e) {
    remove();
    throw e;
  }
}
