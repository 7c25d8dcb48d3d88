// Writing confirmed edits to other programs' configuration files, as carefully as an editor saves:
// nothing is written if any file changed since the diff was shown; each existing file is first
// copied to a timestamped backup beside it (same permissions: these files hold tokens); the new
// text goes to a temporary file in the same folder that is renamed over the old one, so a host
// never reads half a file; a file that is a link (a dotfiles repository) is written through the
// link, which stays.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { FileEdit } from './plan';

export class StaleEditError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed since the changes were shown; nothing was written (run the command again to see the new diff)`);
  }
}

export interface WrittenFile {
  readonly path: string;
  /** Where the file as it was is kept; undefined for a file that did not exist. */
  readonly backup?: string;
}

async function current(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
}

/** The file a path names, through any links (itself when it does not exist). */
async function target(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return file;
    throw e;
  }
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** A byte-for-byte copy of `file` at `backup` (another name if that is taken), with `mode`. */
async function copyAside(file: string, backup: string, mode: number): Promise<string> {
  for (let name = backup, i = 0; ; name = `${backup}-${randomBytes(3).toString('hex')}`, i++) {
    try {
      await fs.copyFile(file, name, constants.COPYFILE_EXCL);
      await fs.chmod(name, mode);
      return name;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || i >= 3) throw e;
    }
  }
}

export async function writeEdits(edits: readonly FileEdit[], now: Date = new Date()): Promise<WrittenFile[]> {
  for (const edit of edits) if ((await current(edit.path)) !== edit.before) throw new StaleEditError(edit.path);
  const written: WrittenFile[] = [];
  for (const edit of edits) {
    const file = await target(edit.path);
    await fs.mkdir(path.dirname(file), { recursive: true, mode: edit.scope === 'user' ? 0o700 : 0o755 });
    let mode = edit.scope === 'user' ? 0o600 : 0o644;
    let backup: string | undefined;
    if (edit.before !== undefined) {
      mode = (await fs.stat(file)).mode & 0o777;
      backup = await copyAside(file, `${file}.mcp-pool-backup-${stamp(now)}`, mode);
    }
    const temp = `${file}.mcp-pool-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.writeFile(temp, edit.after, { mode, flag: 'wx' });
      await fs.chmod(temp, mode); // the umask may have narrowed it
      await fs.rename(temp, file);
    } catch (e) {
      await fs.rm(temp, { force: true });
      throw e;
    }
    written.push({ path: edit.path, ...(backup ? { backup } : {}) });
  }
  return written;
}
