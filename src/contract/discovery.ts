// The discovery folder: one file per editor window with a live gateway (protocol.ts
// DiscoveryEntry), so `mcp-pool` and other local processes outside the editor's terminals find a
// pool. Folder 0700, files 0600 (they hold the window's token), written atomically, removed on
// shutdown; an entry whose process is gone (a crashed editor) is stale: skipped and deleted.
// Node built-ins only (the CLI bundles this).
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve, sep } from 'node:path';
import { type DiscoveryEntry, ENV_DISCOVERY_DIR } from './protocol';

export function discoveryDir(env: NodeJS.ProcessEnv = process.env): string {
  return env[ENV_DISCOVERY_DIR] || join(homedir(), '.mcp-pool', 'windows');
}

/** Writes this window's entry; returns a function that removes it (idempotent). */
export function publish(entry: DiscoveryEntry, dir = discoveryDir()): () => void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const file = join(dir, `${entry.pid}-${randomBytes(4).toString('hex')}.json`);
  const tmp = `${file}.tmp`;
  writeFileSync(tmp, JSON.stringify(entry, null, 2), { mode: 0o600 });
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

/** The live entries, newest window first; stale ones (process gone, unreadable) are deleted. */
export function liveEntries(dir = discoveryDir(), alive: (pid: number) => boolean = isAlive): FoundEntry[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: FoundEntry[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    let entry: DiscoveryEntry | undefined;
    try {
      entry = parseEntry(readFileSync(file, 'utf8'));
    } catch {
      entry = undefined;
    }
    if (!entry || !alive(entry.pid)) {
      rmSync(file, { force: true });
      continue;
    }
    out.push({ ...entry, file });
  }
  return out.sort((a, b) => b.window.startedAt - a.window.startedAt);
}

function parseEntry(text: string): DiscoveryEntry | undefined {
  const v = JSON.parse(text) as Partial<DiscoveryEntry>;
  if (
    v.version !== 1 ||
    typeof v.pid !== 'number' ||
    typeof v.url !== 'string' ||
    typeof v.token !== 'string' ||
    !Array.isArray(v.folders) ||
    typeof v.window?.startedAt !== 'number'
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
