// The discovery folder: one file per editor window with a live gateway (protocol.ts
// DiscoveryEntry), so `mcp-pool` and other local processes outside the editor's terminals find a
// pool. Folder 0700, files 0600 (they hold the window's token), written atomically, removed on
// shutdown; an entry whose process is gone (a crashed editor) is stale: skipped and deleted.
// An entry is trusted only when it is a regular file of this user, mode 0600, naming a loopback
// URL, and its process is the one that wrote it (same pid and, on Linux, the same start time: a
// reused pid is a different process). Skipped entries are reported with why. Node built-ins only
// (the CLI bundles this).
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  constants,
  fstatSync,
  fchmodSync,
  lstatSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { type DiscoveryEntry, ENV_DISCOVERY_DIR, isLoopbackUrl } from './protocol';

export function discoveryDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[ENV_DISCOVERY_DIR] || join(homedir(), '.mcp-pool', 'windows');
}

/** This process's user, where the platform has one (not on Windows). */
export function currentUid(): number | undefined {
  return typeof process.getuid === 'function' ? process.getuid() : undefined;
}

/**
 * When process `pid` started (Linux: field 22 of /proc/PID/stat, clock ticks since boot), so an
 * entry survives nothing but its own process; undefined elsewhere or when it cannot be read.
 */
export function processStartTime(pid: number, platform: NodeJS.Platform = process.platform): string | undefined {
  if (platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // the command name (field 2) is in parentheses and may hold spaces and parentheses itself
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[22 - 3];
    return start && /^\d+$/.test(start) ? start : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `dir` made if needed, and checked to be a real folder of this user (not a symbolic link: the
 * token would be written wherever it points), then made 0700 through its own descriptor (never
 * through a link). Throws a clear error otherwise.
 */
export function ensureOwnFolder(dir: string, mode = 0o700, what = 'the discovery folder'): void {
  mkdirSync(dir, { recursive: true, mode });
  const st = lstatSync(dir);
  if (st.isSymbolicLink()) throw new Error(`${what} ${dir} is a symbolic link: refusing to use it (remove the link; a real folder is created in its place)`);
  if (!st.isDirectory()) throw new Error(`${what} ${dir} is not a folder: remove it`);
  const uid = currentUid();
  if (uid !== undefined && st.uid !== uid) throw new Error(`${what} ${dir} belongs to uid ${st.uid}, not to you (uid ${uid}): remove it or fix its owner`);
  if (process.platform === 'win32') return;
  // O_NOFOLLOW: were it swapped for a link since the lstat, the open fails instead of following it
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    const now = fstatSync(fd);
    if (now.ino !== st.ino || now.dev !== st.dev) throw new Error(`${what} ${dir} changed while it was checked: try again`);
    if ((now.mode & 0o777) !== mode) fchmodSync(fd, mode);
  } finally {
    closeSync(fd);
  }
}

/** Writes this window's entry; returns a function that removes it (idempotent). */
export function publish(entry: DiscoveryEntry, dir = discoveryDir()): () => void {
  ensureOwnFolder(dir);
  const file = join(dir, `${entry.pid}-${randomBytes(4).toString('hex')}.json`);
  const tmp = `${file}.${randomBytes(8).toString('hex')}.tmp`;
  const startTime = entry.startTime ?? processStartTime(entry.pid);
  const full: DiscoveryEntry = { ...entry, nonce: entry.nonce ?? randomBytes(16).toString('base64url'), ...(startTime ? { startTime } : {}) };
  writeFileSync(tmp, JSON.stringify(full, null, 2), { mode: 0o600, flag: 'wx' });
  renameSync(tmp, file);
  let removed = false;
  return () => {
    if (removed) return;
    removed = true;
    rmSync(file, { force: true });
  };
}

export interface FoundEntry extends DiscoveryEntry {
  readonly file: string;
}

/** An entry not used, and why (for `MCP_POOL_DEBUG` and the "no pool" message). */
export interface SkippedEntry {
  readonly file: string;
  readonly reason: string;
  /** Stale (its process gone or replaced, or no entry at all): the file was removed. */
  readonly deleted?: boolean;
}

export interface ScanOptions {
  readonly alive?: (pid: number) => boolean;
  readonly startTime?: (pid: number) => string | undefined;
  readonly uid?: number;
}

/**
 * The entries that may be used, newest window first, and those skipped with why. Stale ones of
 * this user (process gone or replaced, unreadable) are deleted; others are left alone.
 */
export function scanEntries(dir = discoveryDir(), opts: ScanOptions = {}): { entries: FoundEntry[]; skipped: SkippedEntry[] } {
  const alive = opts.alive ?? isAlive;
  const startTime = opts.startTime ?? ((pid: number) => processStartTime(pid));
  const uid = 'uid' in opts ? opts.uid : currentUid();
  const entries: FoundEntry[] = [];
  const skipped: SkippedEntry[] = [];
  let names: string[];
  try {
    const st = lstatSync(dir);
    if (st.isSymbolicLink() || !st.isDirectory())
      return { entries, skipped: [{ file: dir, reason: 'the discovery folder is a symbolic link or not a folder' }] };
    if (uid !== undefined && st.uid !== uid) return { entries, skipped: [{ file: dir, reason: `the discovery folder belongs to uid ${st.uid}, not to you` }] };
    names = readdirSync(dir);
  } catch {
    return { entries, skipped };
  }
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    const skip = (reason: string) => skipped.push({ file, reason });
    const remove = (reason: string) => {
      skipped.push({ file, reason: `${reason} (deleted)`, deleted: true });
      rmSync(file, { force: true });
    };
    // opened without following a link, then checked and read through that descriptor: a file
    // swapped for a link between a check and the read is never followed
    let fd: number;
    try {
      fd = openSync(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ELOOP') skip('a symbolic link, not a file');
      continue;
    }
    let st;
    let text: string;
    try {
      st = fstatSync(fd);
      text = st.isFile() && (uid === undefined || st.uid === uid) ? readFileSync(fd, 'utf8') : '';
    } catch {
      continue;
    } finally {
      closeSync(fd);
    }
    if (!st.isFile()) {
      skip('not a regular file');
      continue;
    }
    if (uid !== undefined && st.uid !== uid) {
      skip(`owned by uid ${st.uid}, not by you (uid ${uid})`);
      continue;
    }
    let entry: DiscoveryEntry | undefined;
    let version: unknown;
    try {
      version = (JSON.parse(text) as { version?: unknown }).version;
      entry = parseEntry(text);
    } catch {
      entry = undefined;
    }
    if (!entry && typeof version === 'number' && version > 1) {
      // a window running a newer MCP Remote Pool wrote it: not this CLI's to judge, nor to delete
      skip(`written by a newer MCP Remote Pool (entry version ${version})`);
      continue;
    }
    if (!entry) {
      remove('not a discovery entry');
      continue;
    }
    if (!alive(entry.pid)) {
      remove(`its process ${entry.pid} is gone`);
      continue;
    }
    const started = entry.startTime === undefined ? undefined : startTime(entry.pid);
    if (entry.startTime !== undefined && started !== undefined && started !== entry.startTime) {
      remove(`its pid ${entry.pid} now belongs to another process (started at ${started}, not ${entry.startTime})`);
      continue;
    }
    if (process.platform !== 'win32' && (st.mode & 0o077) !== 0) {
      skip(`its mode is ${(st.mode & 0o777).toString(8).padStart(4, '0')}: it must be 0600 (readable by you only)`);
      continue;
    }
    if (!isLoopbackUrl(entry.url)) {
      skip(`its URL is not http://127.0.0.1:PORT, where every pool's gateway listens`);
      continue;
    }
    entries.push({ ...entry, file });
  }
  return { entries: entries.sort((a, b) => b.window.startedAt - a.window.startedAt), skipped };
}

/**
 * Removes the entries of windows that are gone (a crashed editor leaves its file, with a dead
 * token, behind): its process is dead, or its pid now belongs to another process (start time). A
 * live window's entry, another user's, or a newer version's is left alone. Returns what was removed.
 */
export function removeStaleEntries(dir = discoveryDir(), opts: ScanOptions = {}): SkippedEntry[] {
  return scanEntries(dir, opts).skipped.filter((s) => s.deleted);
}

/** The entries that may be used, newest window first (scanEntries without the skipped). */
export function liveEntries(dir = discoveryDir(), alive: (pid: number) => boolean = isAlive): FoundEntry[] {
  return scanEntries(dir, { alive }).entries;
}

function parseEntry(text: string): DiscoveryEntry | undefined {
  const v = JSON.parse(text) as Partial<DiscoveryEntry>;
  if (
    v.version !== 1 ||
    typeof v.pid !== 'number' ||
    typeof v.url !== 'string' ||
    typeof v.token !== 'string' ||
    !Array.isArray(v.folders) ||
    typeof v.window?.startedAt !== 'number' ||
    (v.startTime !== undefined && typeof v.startTime !== 'string')
  )
    return undefined;
  return v as DiscoveryEntry;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The entry for a process working in `cwd`: the window whose workspace folder contains it most
 * closely (deepest folder), else the only window, else undefined (the caller asks for --pool).
 */
export function pickForFolder(entries: readonly FoundEntry[], cwd: string): { entry?: FoundEntry; ambiguous: boolean } {
  const here = resolve(cwd);
  let best: { entry: FoundEntry; depth: number } | undefined;
  for (const entry of entries) {
    for (const folder of entry.folders) {
      const f = resolve(folder);
      if (here === f || here.startsWith(f.endsWith(sep) ? f : f + sep)) {
        if (!best || f.length > best.depth) best = { entry, depth: f.length };
      }
    }
  }
  if (best) return { entry: best.entry, ambiguous: false };
  if (entries.length === 1) return { entry: entries[0], ambiguous: false };
  return { ambiguous: entries.length > 1 };
}
