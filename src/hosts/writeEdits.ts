// Writing confirmed edits to other programs' configuration files, as carefully as an editor saves:
// nothing is written if any file changed since the diff was shown; each existing file is first
// copied byte for byte (same permissions: these files hold tokens) to our own backup folder,
// ~/.mcp-pool/backups (0700, never a repository the file lives in, where a backup could be
// committed): one folder per file, `<first 12 hex of sha256(real path)>-<name>/`, holding the
// backups by time and a `source` file naming the original; only the newest few are kept. The new
// text goes to a temporary file in the same folder that is renamed over the old one, so a host
// never reads half a file; a file that is a link (a dotfiles repository) is written through the
// link, which stays, even when its target does not exist yet. A failure part-way puts back the
// files already written (or removes those that did not exist) and says which were left as they were.
import { createHash, randomBytes } from 'node:crypto';
import { constants, promises as fs } from 'node:fs';
import { homedir } from 'node:os';
import * as path from 'node:path';
import { ensureOwnFolder } from '../contract/discovery';
import type { FileEdit } from './plan';

export class StaleEditError extends Error {
  constructor(readonly file: string) {
    super(`${file} changed since the changes were shown; nothing was written (run the command again to see the new diff)`);
  }
}

/** A write that failed part-way; the files written before it were put back as far as they could be. */
export class WriteEditsError extends Error {
  constructor(
    /** The file that could not be written. */
    readonly file: string,
    override readonly cause: unknown,
    /** Every file of the edits that is as it was before (put back, or never written). */
    readonly unchanged: readonly string[],
    /** Files that were written and could not be put back, with where their old text is. */
    readonly notRestored: readonly { readonly path: string; readonly backup?: string }[],
  ) {
    const why = cause instanceof Error ? cause.message : String(cause);
    const left = unchanged.length ? `; left as they were: ${unchanged.join(', ')}` : '';
    const stuck = notRestored.length
      ? `; could not be put back: ${notRestored.map((f) => (f.backup ? `${f.path} (its old text is in ${f.backup})` : `${f.path} (it did not exist before)`)).join(', ')}`
      : '';
    super(`${file} could not be written (${why})${left}${stuck}`);
  }
}

export interface WrittenFile {
  readonly path: string;
  /** Where the file as it was is kept; undefined for a file that did not exist. */
  readonly backup?: string;
}

export interface WriteOptions {
  /** Where backups go; default ~/.mcp-pool/backups. */
  readonly backupDir?: string;
  /** How many backups of each file are kept, newest first; default 10 (at least 1). */
  readonly keep?: number;
}

export function defaultBackupDir(): string {
  return path.join(homedir(), '.mcp-pool', 'backups');
}

const DEFAULT_KEEP = 10;
/** The file in each backup folder that names the original. */
const SOURCE = 'source';

async function current(file: string): Promise<string | undefined> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined; // as readHostText, which the plan read with
    throw e;
  }
}

/** The file a path names, through any links, also a link whose target does not exist yet (itself when nothing is there). */
async function target(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  let at = path.resolve(file);
  for (let hops = 0; hops < 40; hops++) {
    let st;
    try {
      st = await fs.lstat(at);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return at;
      throw e;
    }
    if (!st.isSymbolicLink()) return at;
    at = path.resolve(path.dirname(at), await fs.readlink(at));
  }
  throw Object.assign(new Error(`${file}: too many levels of symbolic links`), { code: 'ELOOP' });
}

function stamp(now: Date): string {
  return now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/** The folder that holds the backups of `real` (a real path), made if needed, with its `source` file. */
async function backupFolder(backupDir: string, real: string): Promise<string> {
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 12);
  const folder = path.join(backupDir, `${hash}-${path.basename(real)}`);
  await fs.mkdir(folder, { mode: 0o700, recursive: true });
  const st = await fs.lstat(folder);
  if (!st.isDirectory()) throw new Error(`the backup folder ${folder} is not a folder: remove it`);
  await fs.writeFile(path.join(folder, SOURCE), `${real}\n`, { mode: 0o600 });
  return folder;
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

/** Removes all but the newest `keep` backups in `folder` (their names sort by time). */
async function prune(folder: string, keep: number): Promise<void> {
  const names = (await fs.readdir(folder)).filter((n) => n !== SOURCE && !n.endsWith('.tmp')).sort();
  for (const old of names.slice(0, Math.max(0, names.length - keep))) await fs.rm(path.join(folder, old), { force: true });
}

/** Puts new bytes at `file` whole (a temporary file renamed over it), with `mode`. */
async function replace(file: string, mode: number, write: (temp: string) => Promise<void>): Promise<void> {
  const temp = `${file}.mcp-pool-${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
  try {
    await write(temp);
    await fs.chmod(temp, mode); // the umask may have narrowed it
    await fs.rename(temp, file);
  } catch (e) {
    await fs.rm(temp, { force: true });
    throw e;
  }
}

interface Done {
  readonly path: string;
  readonly file: string;
  readonly mode: number;
  readonly backup?: string;
  readonly folder?: string;
}

export async function writeEdits(edits: readonly FileEdit[], now: Date = new Date(), options: WriteOptions = {}): Promise<WrittenFile[]> {
  for (const edit of edits) if ((await current(edit.path)) !== edit.before) throw new StaleEditError(edit.path);
  const backupDir = options.backupDir ?? defaultBackupDir();
  const keep = Math.max(1, options.keep ?? DEFAULT_KEEP);
  if (edits.some((e) => e.before !== undefined)) ensureOwnFolder(backupDir, 0o700, 'the backup folder');
  const done: Done[] = [];
  for (const edit of edits) {
    try {
      const file = await target(edit.path);
      await fs.mkdir(path.dirname(file), { recursive: true, mode: edit.scope === 'user' ? 0o700 : 0o755 });
      let mode = edit.scope === 'user' ? 0o600 : 0o644;
      let backup: string | undefined;
      let folder: string | undefined;
      if (edit.before !== undefined) {
        mode = (await fs.stat(file)).mode & 0o777;
        folder = await backupFolder(backupDir, file);
        backup = await copyAside(file, path.join(folder, stamp(now)), mode);
      }
      await replace(file, mode, (temp) => fs.writeFile(temp, edit.after, { mode, flag: 'wx' }));
      done.push({ path: edit.path, file, mode, ...(backup ? { backup } : {}), ...(folder ? { folder } : {}) });
    } catch (e) {
      const notRestored = await restore(done);
      const unchanged = edits.map((x) => x.path).filter((p) => !notRestored.some((n) => n.path === p));
      throw new WriteEditsError(edit.path, e, unchanged, notRestored);
    }
  }
  for (const d of done) if (d.folder) await prune(d.folder, keep).catch(() => undefined); // a backup left over is harmless
  return done.map((d) => ({ path: d.path, ...(d.backup ? { backup: d.backup } : {}) }));
}

/** Puts back the files written so far (newest first); returns those it could not. */
async function restore(done: readonly Done[]): Promise<{ path: string; backup?: string }[]> {
  const failed: { path: string; backup?: string }[] = [];
  for (const d of [...done].reverse()) {
    try {
      if (d.backup) {
        const backup = d.backup;
        await replace(d.file, d.mode, (temp) => fs.copyFile(backup, temp, constants.COPYFILE_EXCL));
      } else await fs.rm(d.file, { force: true });
    } catch {
      failed.push({ path: d.path, ...(d.backup ? { backup: d.backup } : {}) });
    }
  }
  return failed;
}
